// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukFixture} from "./SoukFixture.t.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice The 2-of-3 escrow every sale goes through: votes from msg.sender only, shipping and dispute
///         timeouts, the arbiter's split and fee, and pull-payment withdrawals. Every path ends closed.
///         Fixture sale: bob bought at 2 ether, arbiter fee 5% (0.1 ether).
contract EscrowTest is SoukFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        (id,,) = _soldAuction();
    }

    function _vote(address who, bool release) internal {
        vm.prank(who);
        market.vote(id, release);
    }

    function _ship() internal {
        vm.prank(seller);
        market.markShipped(id);
    }

    function _dispute() internal {
        vm.prank(bob);
        market.dispute(id);
    }

    // ---------------------------------------------------------------- votes

    function test_vote_buyerAndSellerReleaseWithoutFee() public {
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.Voted(id, bob, true);
        _vote(bob, true);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Funded), "one vote is not enough");
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(id, ISoukMarket.EscrowStatus.Released, 0, 2 ether, 0);
        _vote(seller, true);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "released");
        assertEq(_eth(seller), 2 ether, "seller credited");
        assertEq(_eth(arbiter), 0, "no fee: the arbiter did not decide");
    }

    function test_vote_buyerAndArbiterRefundMinusFee() public {
        _vote(bob, false);
        _vote(arbiter, false);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Refunded), "refunded");
        assertEq(_eth(bob), 1.9 ether, "refund minus fee");
        assertEq(_eth(arbiter), 0.1 ether, "arbiter decided: fee");
    }

    function test_vote_sellerAndArbiterReleaseMinusFee() public {
        _vote(arbiter, true);
        _vote(seller, true);
        assertEq(_eth(seller), 1.9 ether, "release minus fee");
        assertEq(_eth(arbiter), 0.1 ether, "fee");
    }

    function test_vote_splitVotesNeedAThird() public {
        _vote(bob, false);
        _vote(seller, true);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Funded), "1-1 stays open");
        _vote(arbiter, true);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "2-1 decides");
    }

    function test_vote_aLaterVoteReplacesTheEarlierOne() public {
        _vote(bob, true);
        _vote(bob, false);
        _vote(seller, true);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Funded), "bob changed his mind");
        assertEq(market.getEscrow(id).votes, uint8(2 | 8), "seller release + buyer refund");
    }

    function test_vote_repeatingOnesVoteDoesNotCountTwice() public {
        _vote(bob, false);
        _vote(bob, false);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Funded), "still one vote");
    }

    function test_vote_revertsForStrangers() public {
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.NotEscrowParty.selector);
        market.vote(id, true);
    }

    function test_vote_revertsWithoutEscrowAndAfterClose() public {
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.EscrowNotOpen.selector);
        market.vote(id + 1, true);
        _vote(bob, true);
        _vote(seller, true);
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.EscrowNotOpen.selector);
        market.vote(id, false);
    }

    function test_vote_revertsAfterAnUnansweredDisputeExpired() public {
        _dispute();
        vm.warp(block.timestamp + DISPUTE);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.DisputeExpired.selector);
        market.vote(id, true);
    }

    // ---------------------------------------------------------------- shipping and confirm window

    function test_markShipped_startsTheConfirmWindowAndCountsAsSellerRelease() public {
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.Shipped(id, block.timestamp + CONFIRM);
        _ship();
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(uint256(e.status), uint256(ISoukMarket.EscrowStatus.Shipped), "shipped");
        assertEq(e.deadline, block.timestamp + CONFIRM, "deadline");
        _vote(bob, true); // buyer confirms
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "released on confirm");
        assertEq(_eth(seller), 2 ether, "paid");
    }

    function test_markShipped_afterTheBuyersReleaseVoteReleasesAtOnce() public {
        _vote(bob, true);
        _ship();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "released");
    }

    function test_markShipped_afterTheArbitersReleaseVoteReleasesWithFee() public {
        _vote(arbiter, true);
        _ship();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "released");
        assertEq(_eth(seller), 1.9 ether, "minus fee");
        assertEq(_eth(arbiter), 0.1 ether, "arbiter's vote decided");
    }

    function test_markShipped_keepsTheBuyersRefundVote() public {
        _vote(bob, false);
        _ship();
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(uint256(e.status), uint256(ISoukMarket.EscrowStatus.Shipped), "still open");
        assertEq(e.votes, uint8(2 | 8), "seller release + buyer refund");
    }

    function test_markShipped_revertsForOthersAndTwice() public {
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.NotSeller.selector);
        market.markShipped(id);
        _ship();
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector);
        market.markShipped(id);
    }

    function test_claimTimeout_sellerClaimsWhenBuyerStaysSilent() public {
        _ship();
        vm.warp(block.timestamp + CONFIRM - 1);
        vm.expectRevert(ISoukMarket.TimeoutNotReached.selector);
        market.claimTimeout(id);
        vm.warp(block.timestamp + 1);
        market.claimTimeout(id);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "released");
        assertEq(_eth(seller), 2 ether, "seller paid, no fee");
    }

    function test_claimTimeout_revertsWhenNothingIsRunning() public {
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector);
        market.claimTimeout(id);
    }

    // ---------------------------------------------------------------- disputes

    function test_dispute_beforeShippingStartsTheArbitersWindow() public {
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.Disputed(id, block.timestamp + DISPUTE);
        _dispute();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Disputed), "disputed");
    }

    function test_dispute_withinTheConfirmWindowStopsTheSellersClaim() public {
        _ship();
        vm.warp(block.timestamp + CONFIRM - 1);
        _dispute();
        vm.warp(block.timestamp + 1);
        vm.expectRevert(ISoukMarket.TimeoutNotReached.selector);
        market.claimTimeout(id);
    }

    function test_dispute_revertsAfterTheConfirmWindow() public {
        _ship();
        vm.warp(block.timestamp + CONFIRM);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.ConfirmWindowClosed.selector);
        market.dispute(id);
    }

    function test_dispute_revertsForOthersAndTwice() public {
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.dispute(id);
        _dispute();
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector);
        market.dispute(id);
    }

    function test_dispute_unansweredRefundsTheBuyerWithoutFee() public {
        _dispute();
        vm.warp(block.timestamp + DISPUTE);
        market.claimTimeout(id);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Refunded), "refunded");
        assertEq(_eth(bob), 2 ether, "full refund");
        assertEq(_eth(arbiter), 0, "no decision, no fee");
    }

    function test_resolve_arbiterSplitsAndEarnsTheFee() public {
        _dispute();
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(id, ISoukMarket.EscrowStatus.Split, 0.5 ether, 1.4 ether, 0.1 ether);
        vm.prank(arbiter);
        market.resolve(id, 0.5 ether);
        assertEq(_eth(bob), 0.5 ether, "buyer share");
        assertEq(_eth(seller), 1.4 ether, "seller share");
        assertEq(_eth(arbiter), 0.1 ether, "fee");
    }

    function test_resolve_fullRefundAndFullRelease() public {
        _dispute();
        vm.prank(arbiter);
        market.resolve(id, 1.9 ether);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Refunded), "refund");
        (uint256 id2,,) = _soldAuction();
        vm.prank(bob);
        market.dispute(id2);
        vm.prank(arbiter);
        market.resolve(id2, 0);
        assertEq(uint256(_status(id2)), uint256(ISoukMarket.EscrowStatus.Released), "release");
    }

    function test_resolve_revertsWhenSplitExceedsPriceMinusFee() public {
        _dispute();
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.SplitTooLarge.selector);
        market.resolve(id, 1.9 ether + 1);
    }

    function test_resolve_revertsForOthersWithoutDisputeAndLate() public {
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector);
        market.resolve(id, 0);
        _dispute();
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotArbiter.selector);
        market.resolve(id, 0);
        vm.warp(block.timestamp + DISPUTE);
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.DisputeExpired.selector);
        market.resolve(id, 0);
    }

    function test_disputedEscrowCanStillBeSettledByTwoParties() public {
        _dispute();
        _vote(bob, true);
        _vote(seller, true);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "settled amicably");
    }

    // ---------------------------------------------------------------- withdraw

    function test_withdraw_paysTheCreditedBalanceOnce() public {
        _vote(bob, true);
        _vote(seller, true);
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.Withdrawn(seller, address(0), seller, 2 ether);
        vm.prank(seller);
        market.withdraw(address(0), seller);
        assertEq(seller.balance, 1_002 ether, "paid");
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NothingToWithdraw.selector);
        market.withdraw(address(0), seller);
    }

    function test_withdraw_revertsToTheZeroAddress() public {
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.InvalidRecipient.selector);
        market.withdraw(address(0), address(0));
    }
}
