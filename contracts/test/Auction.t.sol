// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukFixture} from "./SoukFixture.t.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice Sealed bids, reveals, finalize and the price rule, and how every deposit gets out.
contract AuctionTest is SoukFixture {
    // ---------------------------------------------------------------- bid

    function test_bid_storesTheDepositAndEmits() public {
        uint256 id = _listAuction();
        bytes32 c = _commit(id, alice, 2 ether, _salt(alice, 2 ether));
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.BidPlaced(id, alice, c, 5 ether);
        vm.prank(alice);
        market.bid{value: 5 ether}(id, c, 0);
        ISoukMarket.BidView memory b = market.getBid(id, alice, c);
        assertEq(b.deposit, 5 ether, "deposit");
        assertFalse(b.revealed, "sealed");
        assertTrue(market.getListing(id).hasBids, "has bids");
        assertEq(address(market).balance, 5 ether, "held");
    }

    function test_bid_severalBidsPerBidder() public {
        uint256 id = _listAuction();
        bytes32 c1 = _bid(id, alice, 2 ether, 2 ether);
        bytes32 c2 = _bid(id, alice, 3 ether, 4 ether);
        assertEq(market.getBid(id, alice, c1).deposit, 2 ether, "first");
        assertEq(market.getBid(id, alice, c2).deposit, 4 ether, "second");
    }

    function test_bid_revertsAtBiddingEnd() public {
        uint256 id = _listAuction();
        _toReveal(id);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.BiddingClosed.selector);
        market.bid{value: 1 ether}(id, bytes32(uint256(1)), 0);
    }

    function test_bid_revertsOnUnknownListing() public {
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.UnknownListing.selector);
        market.bid{value: 1 ether}(7, bytes32(uint256(1)), 0);
    }

    function test_bid_revertsWithoutDeposit() public {
        uint256 id = _listAuction();
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.InvalidAmount.selector);
        market.bid(id, bytes32(uint256(1)), 0);
    }

    function test_bid_revertsWhenDepositDoesNotFit88Bits() public {
        uint256 id = _listAuction();
        uint256 tooMuch = uint256(type(uint88).max) + 1;
        vm.deal(alice, tooMuch);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.InvalidAmount.selector);
        market.bid{value: tooMuch}(id, bytes32(uint256(1)), 0);
    }

    function test_bid_revertsOnDuplicateCommitment() public {
        uint256 id = _listAuction();
        bytes32 c = _bid(id, alice, 2 ether, 2 ether);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.BidExists.selector);
        market.bid{value: 2 ether}(id, c, 0);
    }

    function test_bid_revertsOnBuyNowListing() public {
        uint256 id = _listBuyNow(1 ether, address(0));
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.NotAnAuction.selector);
        market.bid{value: 1 ether}(id, bytes32(uint256(1)), 0);
    }

    function test_bid_revertsWithEthOnTokenAuctionAndTokensOnEthAuction() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.token = address(usd);
        uint256 tokenId = _list(t);
        uint256 ethId = _listAuction();
        vm.startPrank(alice);
        vm.expectRevert(ISoukMarket.WrongCurrency.selector);
        market.bid{value: 1 ether}(tokenId, bytes32(uint256(1)), 0);
        vm.expectRevert(ISoukMarket.WrongCurrency.selector);
        market.bidWithToken(ethId, bytes32(uint256(1)), 1e6, 0);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- reveal

    function test_reveal_revertsBeforeBiddingEnd() public {
        uint256 id = _listAuction();
        _bid(id, alice, 2 ether, 2 ether);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.RevealNotOpen.selector);
        market.reveal(id, 2 ether, _salt(alice, 2 ether));
    }

    function test_reveal_revertsAtRevealEnd() public {
        uint256 id = _listAuction();
        _bid(id, alice, 2 ether, 2 ether);
        _toEnd(id);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.RevealClosed.selector);
        market.reveal(id, 2 ether, _salt(alice, 2 ether));
    }

    function test_reveal_revertsOnWrongAmountOrSalt() public {
        uint256 id = _listAuction();
        _bid(id, alice, 2 ether, 3 ether);
        _toReveal(id);
        vm.startPrank(alice);
        vm.expectRevert(ISoukMarket.UnknownBid.selector);
        market.reveal(id, 2.5 ether, _salt(alice, 2 ether));
        vm.expectRevert(ISoukMarket.UnknownBid.selector);
        market.reveal(id, 2 ether, bytes32(0));
        vm.stopPrank();
    }

    function test_reveal_revertsWhenAmountExceedsDeposit() public {
        uint256 id = _listAuction();
        _bid(id, alice, 2 ether, 1 ether);
        _toReveal(id);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.DepositBelowAmount.selector);
        market.reveal(id, 2 ether, _salt(alice, 2 ether));
    }

    function test_reveal_revertsTheSecondTime() public {
        uint256 id = _listAuction();
        _bid(id, alice, 2 ether, 2 ether);
        _toReveal(id);
        _reveal(id, alice, 2 ether);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.AlreadyRevealed.selector);
        market.reveal(id, 2 ether, _salt(alice, 2 ether));
    }

    function test_reveal_emitsAndTracksHighestAndSecond() public {
        uint256 id = _listAuction();
        bytes32 ca = _bid(id, alice, 2 ether, 2 ether);
        _bid(id, bob, 5 ether, 6 ether);
        _bid(id, carol, 3 ether, 3 ether);
        _toReveal(id);
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.BidRevealed(id, alice, ca, 2 ether);
        _reveal(id, alice, 2 ether);
        _reveal(id, bob, 5 ether);
        _reveal(id, carol, 3 ether);
        ISoukMarket.ListingView memory v = market.getListing(id);
        assertEq(v.highestBid, 5 ether, "highest");
        assertEq(v.secondBidOrPrice, 3 ether, "second");
        ISoukMarket.BidView memory a = market.getBid(id, alice, ca);
        assertTrue(a.revealed && a.leading, "alice led when she revealed");
        assertEq(a.amount, 2 ether, "amount");
    }

    function test_reveal_tieGoesToTheEarlierReveal() public {
        uint256 id = _listAuction();
        bytes32 cb = _bid(id, bob, 3 ether, 3 ether);
        bytes32 ca = _bid(id, alice, 3 ether, 3 ether);
        _toReveal(id);
        _reveal(id, bob, 3 ether);
        _reveal(id, alice, 3 ether);
        assertFalse(market.getBid(id, alice, ca).leading, "later tie does not lead");
        _toEnd(id);
        vm.expectRevert(ISoukMarket.NotWinningBid.selector);
        market.finalize(id, alice, ca);
        market.finalize(id, bob, cb);
        assertEq(market.getEscrow(id).buyer, bob, "earlier reveal wins");
        assertEq(market.getEscrow(id).price, 3 ether, "pays the tied amount");
    }

    // ---------------------------------------------------------------- finalize

    function test_finalize_winnerPaysTheSecondHighestIntoEscrow() public {
        (uint256 id,, bytes32 bobC) = _soldAuction();
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(e.buyer, bob, "buyer");
        assertEq(e.price, 2 ether, "second price");
        assertEq(uint256(e.status), uint256(ISoukMarket.EscrowStatus.Funded), "funded");
        ISoukMarket.ListingView memory v = market.getListing(id);
        assertTrue(v.finalized && v.sold, "sold");
        assertEq(market.getBid(id, bob, bobC).deposit, 0, "winning bid settled at finalize");
        assertEq(_eth(bob), 2 ether, "deposit 4 minus price 2, credited to the winner");
    }

    function test_finalize_emitsFinalized() public {
        uint256 id = _listAuction();
        bytes32 c = _bid(id, alice, 2 ether, 2 ether);
        _toReveal(id);
        _reveal(id, alice, 2 ether);
        _toEnd(id);
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.Finalized(id, alice, 1 ether);
        market.finalize(id, alice, c);
    }

    function test_finalize_singleBidAboveReservePaysTheReserve() public {
        uint256 id = _listAuction(1.5 ether);
        bytes32 c = _bid(id, alice, 4 ether, 4 ether);
        _bid(id, bob, 1 ether, 1.5 ether); // revealed but below the reserve (the deposit may not be)
        _toReveal(id);
        _reveal(id, alice, 4 ether);
        _reveal(id, bob, 1 ether);
        _toEnd(id);
        market.finalize(id, alice, c);
        assertEq(market.getEscrow(id).price, 1.5 ether, "reserve");
    }

    function test_finalize_noBidReachingTheReserveMeansNoSale() public {
        uint256 id = _listAuction(5 ether);
        bytes32 c = _bid(id, alice, 4 ether, 5 ether); // deposits reach the reserve, the amount need not
        _toReveal(id);
        _reveal(id, alice, 4 ether);
        _toEnd(id);
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.Finalized(id, address(0), 0);
        market.finalize(id, alice, c);
        ISoukMarket.ListingView memory v = market.getListing(id);
        assertTrue(v.finalized && !v.sold, "closed without sale");
        assertEq(uint256(_status(id)), 0, "no escrow");
        _withdrawBid(id, alice, c);
        // an amount below the reserve could never win: it pays the penalty like an unrevealed bid (v3)
        assertEq(alice.balance, 1_000 ether - 0.05 ether, "refund minus 1% of the deposit");
        assertEq(_eth(treasury), 0.05 ether, "to the treasury");
    }

    function test_finalize_withoutBidsClosesTheListing() public {
        uint256 id = _listAuction();
        _toEnd(id);
        market.finalize(id, address(0), 0);
        assertTrue(market.getListing(id).finalized, "closed");
    }

    function test_finalize_revertsBeforeRevealEnd() public {
        uint256 id = _listAuction();
        _toReveal(id);
        vm.expectRevert(ISoukMarket.RevealNotOver.selector);
        market.finalize(id, address(0), 0);
    }

    function test_finalize_revertsTheSecondTime() public {
        (uint256 id,, bytes32 bobC) = _soldAuction();
        vm.expectRevert(ISoukMarket.AlreadyFinalized.selector);
        market.finalize(id, bob, bobC);
    }

    function test_finalize_revertsOnUnknownListingAndBuyNow() public {
        vm.expectRevert(ISoukMarket.UnknownListing.selector);
        market.finalize(5, address(0), 0);
        uint256 id = _listBuyNow(1 ether, address(0));
        vm.expectRevert(ISoukMarket.NotAnAuction.selector);
        market.finalize(id, address(0), 0);
    }

    function test_finalize_revertsWhenNamingALoserOrNobody() public {
        uint256 id = _listAuction();
        bytes32 ca = _bid(id, alice, 2 ether, 2 ether);
        bytes32 cb = _bid(id, bob, 3 ether, 3 ether);
        _toReveal(id);
        _reveal(id, alice, 2 ether); // alice led first, then bob took over
        _reveal(id, bob, 3 ether);
        _toEnd(id);
        vm.expectRevert(ISoukMarket.NotWinningBid.selector);
        market.finalize(id, alice, ca);
        vm.expectRevert(ISoukMarket.NotWinningBid.selector);
        market.finalize(id, address(0), 0);
        vm.expectRevert(ISoukMarket.NotWinningBid.selector);
        market.finalize(id, alice, cb); // right commitment, wrong bidder
        market.finalize(id, bob, cb);
    }

    // ---------------------------------------------------------------- withdrawBid

    function test_withdrawBid_everyAmountGoesBackToItsOwner() public {
        (uint256 id, bytes32 aliceC, bytes32 bobC) = _soldAuction();
        _withdrawBid(id, alice, aliceC);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.UnknownBid.selector); // settled by finalize
        market.withdrawBid(id, bobC, bob);
        vm.prank(bob);
        market.withdraw(address(0), bob);
        assertEq(alice.balance, 1_000 ether, "loser gets the whole deposit");
        assertEq(bob.balance, 1_000 ether - 2 ether, "winner gets deposit minus price");
        assertEq(address(market).balance, 2 ether, "only the escrowed price remains");
    }

    function test_withdrawBid_emitsRefundAndPenalty() public {
        uint256 id = _listAuction();
        _bid(id, alice, 2 ether, 3 ether);
        bytes32 bobC = _bid(id, bob, 3 ether, 4 ether);
        _toReveal(id);
        _reveal(id, alice, 2 ether);
        _reveal(id, bob, 3 ether);
        _toEnd(id);
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.BidWithdrawn(id, bob, bobC, 2 ether, 0); // the winner's change, credited
        market.finalize(id, bob, bobC);
    }

    function test_withdrawBid_outbidBidsLeaveBeforeFinalize() public {
        uint256 id = _listAuction();
        bytes32 ca = _bid(id, alice, 2 ether, 3 ether);
        bytes32 cb = _bid(id, bob, 3 ether, 3 ether);
        _toReveal(id);
        _reveal(id, alice, 2 ether);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.BidLocked.selector); // alice leads for now
        market.withdrawBid(id, ca, alice);
        _reveal(id, bob, 3 ether);
        _withdrawBid(id, alice, ca); // outbid: free to go
        assertEq(alice.balance, 1_000 ether, "refunded early");
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.BidLocked.selector);
        market.withdrawBid(id, cb, bob);
    }

    function test_withdrawBid_unrevealedIsLockedUntilFinalizeThenPaysPenalty() public {
        uint256 id = _listAuction();
        bytes32 c = _bid(id, alice, 2 ether, 10 ether);
        _toEnd(id);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.BidLocked.selector);
        market.withdrawBid(id, c, alice);
        market.finalize(id, address(0), 0);
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.BidWithdrawn(id, alice, c, 9.9 ether, 0.1 ether);
        _withdrawBid(id, alice, c);
        assertEq(alice.balance, 1_000 ether - 0.1 ether, "1% penalty");
        assertEq(_eth(treasury), 0.1 ether, "to the treasury");
    }

    function test_withdrawBid_revertsTwiceAndForStrangers() public {
        (uint256 id, bytes32 aliceC,) = _soldAuction();
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.UnknownBid.selector);
        market.withdrawBid(id, aliceC, eve);
        _withdrawBid(id, alice, aliceC);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.UnknownBid.selector);
        market.withdrawBid(id, aliceC, alice);
    }

    function test_withdrawBid_revertsToTheZeroAddress() public {
        (uint256 id, bytes32 aliceC,) = _soldAuction();
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.InvalidRecipient.selector);
        market.withdrawBid(id, aliceC, address(0));
    }

    // ---------------------------------------------------------------- ERC-20 auction

    function test_tokenAuction_fullCycle() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.token = address(usd);
        t.price = 10e6;
        uint256 id = _list(t);
        bytes32 ca = _commit(id, alice, 50e6, _salt(alice, 50e6));
        bytes32 cb = _commit(id, bob, 80e6, _salt(bob, 80e6));
        vm.prank(alice);
        market.bidWithToken(id, ca, 60e6, 0);
        vm.prank(bob);
        market.bidWithToken(id, cb, 100e6, 0);
        assertEq(usd.balanceOf(address(market)), 160e6, "deposits held");
        _toReveal(id);
        _reveal(id, alice, 50e6);
        _reveal(id, bob, 80e6);
        _toEnd(id);
        market.finalize(id, bob, cb);
        _withdrawBid(id, alice, ca);
        vm.prank(bob);
        market.confirm(id);
        vm.prank(bob);
        market.withdraw(address(usd), bob); // the change from finalize
        vm.prank(seller);
        market.withdraw(address(usd), seller);
        assertEq(usd.balanceOf(seller), 1_000_000e6 + _net(50e6), "seller paid the second price minus 0.5%");
        assertEq(usd.balanceOf(bob), 1_000_000e6 - 50e6, "bob paid 50");
        assertEq(usd.balanceOf(alice), 1_000_000e6, "alice whole");
        assertEq(market.withdrawable(treasury, address(usd)), 0.25e6, "the protocol fee, in the listing's token");
        vm.prank(treasury);
        market.withdraw(address(usd), treasury);
        assertEq(usd.balanceOf(address(market)), 0, "nothing left");
    }
}
