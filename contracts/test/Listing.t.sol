// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukFixture} from "./SoukFixture.t.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice Listing rules: what list() accepts, what it stores and emits, and when a seller may change or
///         cancel a listing (only before the first bid).
contract ListingTest is SoukFixture {
    function test_list_storesTermsAndEmitsEverything() public {
        ISoukMarket.ListingTerms memory t = _terms();
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.ListingCreated(1, seller, t);
        uint256 id = _list(t);
        assertEq(id, 1, "first id");
        ISoukMarket.ListingView memory v = market.getListing(id);
        assertEq(v.seller, seller, "seller");
        assertEq(v.price, 1 ether, "reserve");
        assertEq(v.arbiter, address(0), "no arbiter until the buyer disputes and chooses one");
        assertEq(v.arbiterFeeBps, FEE_BPS, "fee");
        assertEq(v.confirmWindow, CONFIRM, "confirm window");
        assertEq(v.disputeWindow, DISPUTE, "dispute window");
        assertEq(v.token, address(0), "ETH");
        assertEq(v.biddingEnd, t.biddingEnd, "bidding end");
        assertEq(v.revealEnd, t.revealEnd, "reveal end");
        assertFalse(v.buyNow || v.hasBids || v.cancelled || v.finalized || v.sold, "fresh flags");
    }

    function test_list_idsCountUp() public {
        assertEq(market.listingCount(), 0, "none yet");
        _listAuction();
        _listAuction();
        assertEq(_listAuction(), 3, "third id");
        assertEq(market.listingCount(), 3, "count");
    }

    function test_list_acceptsAnErc20AndRegistersItOnce() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.token = address(usd);
        uint256 a = _list(t);
        uint256 b = _list(t);
        assertEq(market.getListing(a).token, address(usd), "token a");
        assertEq(market.getListing(b).token, address(usd), "token b");
    }

    function test_list_buyNowUsesBiddingEndAsExpiry() public {
        uint256 id = _listBuyNow(5 ether, address(0));
        ISoukMarket.ListingView memory v = market.getListing(id);
        assertTrue(v.buyNow, "buy now");
        assertEq(v.revealEnd, v.biddingEnd, "no reveal phase");
    }

    function test_list_revertsWhenPriceIsZero() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.price = 0;
        vm.expectRevert(ISoukMarket.InvalidTerms.selector);
        _list(t);
    }

    function test_list_revertsWhenBiddingEndIsNotInTheFuture() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.biddingEnd = uint32(block.timestamp);
        vm.expectRevert(ISoukMarket.InvalidTerms.selector);
        _list(t);
    }

    function test_list_revertsWhenRevealEndIsNotAfterBiddingEnd() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.revealEnd = t.biddingEnd;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
        t.revealEnd = t.biddingEnd - 1;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
    }

    function test_list_revertsWithoutArbiters() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.arbiters = new address[](0);
        vm.expectRevert(ISoukMarket.InvalidArbiters.selector);
        _list(t);
        t.arbiters = new address[](1); // address(0)
        vm.expectRevert(ISoukMarket.InvalidArbiters.selector);
        _list(t);
    }

    function test_list_revertsOnMoreThanThreeOrDuplicateArbiters() public {
        address[3] memory others = [carol, eve, bob];
        for (uint256 i; i < others.length; i++) {
            vm.prank(others[i]);
            market.registerArbiter(0, 0, "bafkreiother");
        }
        ISoukMarket.ListingTerms memory t = _terms();
        t.arbiters = new address[](4);
        t.arbiters[0] = arbiter;
        t.arbiters[1] = carol;
        t.arbiters[2] = eve;
        t.arbiters[3] = bob;
        vm.expectRevert(ISoukMarket.InvalidArbiters.selector);
        _list(t);
        t.arbiters = _set(arbiter, carol, arbiter);
        vm.expectRevert(ISoukMarket.InvalidArbiters.selector);
        _list(t);
        t.arbiters = _set(carol, carol);
        vm.expectRevert(ISoukMarket.InvalidArbiters.selector);
        _list(t);
        t.arbiters = _set(arbiter, carol, eve);
        _list(t);
    }

    function test_list_revertsWhenSellerIsAnArbiter() public {
        vm.prank(seller);
        market.registerArbiter(0, 0, "bafkreiseller");
        ISoukMarket.ListingTerms memory t = _terms();
        t.arbiters = _set(seller);
        vm.expectRevert(ISoukMarket.ArbiterIsSeller.selector);
        _list(t);
        t.arbiters = _set(arbiter, seller);
        vm.expectRevert(ISoukMarket.ArbiterIsSeller.selector);
        _list(t);
    }

    function test_list_revertsWhenAnyArbiterIsNotRegistered() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.arbiters = _set(arbiter, carol);
        vm.expectRevert(ISoukMarket.ArbiterNotRegistered.selector);
        _list(t);
    }

    function test_list_revertsWhenFeeAboveTenPercent() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.arbiterFeeBps = 1_001;
        vm.expectRevert(ISoukMarket.FeeTooHigh.selector);
        _list(t);
        t.arbiterFeeBps = 1_000;
        _list(t);
    }

    function test_list_revertsOnShortOrOverlongWindows() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.confirmWindow = 0;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
        t = _terms();
        t.disputeWindow = 0;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
        t = _terms();
        t.disputeWindow = uint32(366 days);
        vm.expectRevert(ISoukMarket.WindowTooLong.selector);
        _list(t);
        t = _terms();
        t.confirmWindow = uint32(365 days + 1);
        vm.expectRevert(ISoukMarket.WindowTooLong.selector);
        _list(t);
        t.confirmWindow = uint32(365 days);
        _list(t);
    }

    function test_list_revertsWhenTokenHasNoCode() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.token = address(0xDEAD);
        vm.expectRevert(ISoukMarket.InvalidTerms.selector);
        _list(t);
    }

    function test_getListing_revertsForUnknownListing() public {
        vm.expectRevert(ISoukMarket.UnknownListing.selector);
        market.getListing(42);
    }

    // ---------------------------------------------------------------- content hash

    function test_updateContentHash_emitsBeforeTheFirstBid() public {
        uint256 id = _listAuction();
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.ContentHashUpdated(id, keccak256("v2"));
        vm.prank(seller);
        market.updateContentHash(id, keccak256("v2"));
    }

    function test_updateContentHash_revertsAfterTheFirstBid() public {
        uint256 id = _listAuction();
        _bid(id, alice, 1 ether, 1 ether);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.HasBids.selector);
        market.updateContentHash(id, keccak256("v2"));
    }

    function test_updateContentHash_revertsForOthers() public {
        uint256 id = _listAuction();
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.NotSeller.selector);
        market.updateContentHash(id, keccak256("v2"));
    }

    function test_updateContentHash_revertsAfterBiddingEnd() public {
        uint256 id = _listAuction();
        _toReveal(id);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.BiddingClosed.selector);
        market.updateContentHash(id, keccak256("v2"));
    }

    function test_updateContentHash_revertsForUnknownListing() public {
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.UnknownListing.selector);
        market.updateContentHash(9, keccak256("v2"));
    }

    // ---------------------------------------------------------------- cancel

    function test_cancel_beforeTheFirstBidClosesTheListing() public {
        uint256 id = _listAuction();
        vm.expectEmit(true, false, false, false);
        emit ISoukMarket.ListingCancelled(id);
        vm.prank(seller);
        market.cancel(id);
        assertTrue(market.getListing(id).cancelled, "cancelled");
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.ListingClosed.selector);
        market.bid{value: 1 ether}(id, bytes32(uint256(1)), 0);
        _toEnd(id);
        vm.expectRevert(ISoukMarket.ListingClosed.selector);
        market.finalize(id, address(0), 0);
    }

    function test_cancel_revertsAfterTheFirstBid() public {
        uint256 id = _listAuction();
        _bid(id, alice, 1 ether, 1 ether);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.HasBids.selector);
        market.cancel(id);
    }

    function test_cancel_revertsForOthers() public {
        uint256 id = _listAuction();
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.NotSeller.selector);
        market.cancel(id);
    }

    function test_cancel_revertsTwice() public {
        uint256 id = _listAuction();
        vm.startPrank(seller);
        market.cancel(id);
        vm.expectRevert(ISoukMarket.ListingClosed.selector);
        market.cancel(id);
        vm.stopPrank();
    }

    function test_cancel_revertsAfterABuyNowSale() public {
        uint256 id = _listBuyNow(1 ether, address(0));
        vm.prank(alice);
        market.buy{value: 1 ether}(id, 0);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.ListingClosed.selector);
        market.cancel(id);
    }
}
