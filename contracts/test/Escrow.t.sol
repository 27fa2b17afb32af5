// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukFixture} from "./SoukFixture.t.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice The escrow every sale goes through: the buyer confirms, the seller ships or refunds, either
///         disputes and chooses the arbiter, the arbiter decides disputes only, timeouts close everything,
///         the protocol fee on the seller's share, pull-payment withdrawals.
///         Fixture sale: bob bought at 2 ether, arbiter fee 5% (0.1 ether), protocol fee 0.5% of the seller's share.
contract EscrowTest is SoukFixture {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        (id,,) = _soldAuction();
        vm.prank(bob);
        market.withdraw(address(0), bob); // bob's change from finalize, so that his balance starts at 0
    }

    function _confirm() internal {
        vm.prank(bob);
        market.confirm(id);
    }

    function _refund() internal {
        vm.prank(seller);
        market.refund(id);
    }

    function _ship() internal {
        vm.prank(seller);
        market.markShipped(id);
    }

    function _dispute() internal {
        _disputeAs(id, bob);
    }

    // ---------------------------------------------------------------- without a dispute

    function test_confirm_buyerReleasesToTheSellerWithoutFee() public {
        _ship();
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(id, ISoukMarket.EscrowStatus.Released, 0, 1.99 ether, 0, 0.01 ether);
        _confirm();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "released");
        assertEq(_eth(seller), 1.99 ether, "seller credited, minus the protocol fee");
        assertEq(_eth(treasury), 0.01 ether, "0.5% of the seller's share to the treasury");
        assertEq(_eth(arbiter), 0, "no fee: the arbiter did not decide");
    }

    function test_confirm_beforeShippingIsAllowed() public {
        _confirm(); // e.g. collected in person
        assertEq(_eth(seller), _net(2 ether), "released");
    }

    function test_confirm_onlyTheBuyer() public {
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.confirm(id);
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.confirm(id);
    }

    function test_refund_sellerGivesTheWholePriceBack() public {
        _ship();
        _refund();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Refunded), "refunded");
        assertEq(_eth(bob), 2 ether, "full refund");
        assertEq(_eth(arbiter), 0, "no fee");
        assertEq(_eth(treasury), 0, "no protocol fee on a refund");
    }

    function test_refund_onlyTheSeller() public {
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.NotSeller.selector);
        market.refund(id);
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.NotSeller.selector);
        market.refund(id);
    }

    function test_escrowActions_revertWithoutEscrowAndAfterClose() public {
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.EscrowNotOpen.selector);
        market.confirm(id + 1);
        _confirm();
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.EscrowNotOpen.selector);
        market.refund(id);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.EscrowNotOpen.selector);
        market.dispute(id, _set(), arbiter);
    }

    // ---------------------------------------------------------------- shipping and confirm window

    function test_markShipped_startsTheConfirmWindowAndIsNoVote() public {
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.Shipped(id, block.timestamp + CONFIRM);
        _ship();
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(uint256(e.status), uint256(ISoukMarket.EscrowStatus.Shipped), "shipped");
        assertEq(e.deadline, block.timestamp + CONFIRM, "deadline");
        assertEq(_eth(seller), 0, "shipping alone releases nothing");
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
        assertEq(_eth(seller), _net(2 ether), "seller paid, no arbiter fee");
    }

    function test_claimTimeout_revertsWhenNothingIsRunning() public {
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector);
        market.claimTimeout(id);
    }

    // ---------------------------------------------------------------- disputes

    function test_dispute_beforeShippingStartsTheChosenArbitersWindow() public {
        assertEq(market.getEscrow(id).arbiter, address(0), "no arbiter before a dispute");
        assertEq(market.getListing(id).arbiter, address(0), "the listing shows none either");
        vm.expectEmit(true, true, true, true);
        emit ISoukMarket.Disputed(id, bob, arbiter, block.timestamp + DISPUTE);
        _dispute();
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(uint256(e.status), uint256(ISoukMarket.EscrowStatus.Disputed), "disputed");
        assertEq(e.arbiter, arbiter, "the chosen arbiter");
        assertEq(market.getListing(id).arbiter, arbiter, "on the listing too");
        assertFalse(e.resolved, "not decided yet");
        assertEq(market.getArbiter(arbiter).disputes, 1, "counted on the chosen arbiter");
    }

    /// v2 let the seller dispute too; v3 leaves it refund and the claim after the confirm window.
    function test_dispute_theSellerMayNotDispute() public {
        _ship();
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.dispute(id, _set(), arbiter);
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
        market.dispute(id, _set(), arbiter);
    }

    function test_dispute_revertsForOthersAndTwice() public {
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.dispute(id, _set(), arbiter);
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.dispute(id, _set(), arbiter);
        _dispute();
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector);
        market.dispute(id, _set(), arbiter);
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
        emit ISoukMarket.EscrowSettled(
            id, ISoukMarket.EscrowStatus.Split, 0.5 ether, 1.3905 ether, 0.1 ether, 0.0095 ether
        );
        vm.prank(arbiter);
        market.resolve(id, 0.5 ether);
        assertEq(_eth(bob), 0.5 ether, "buyer share");
        assertEq(_eth(seller), 1.3905 ether, "the rest to the seller");
        assertEq(_eth(arbiter), 0.1 ether, "fee");
        assertEq(_eth(treasury), 0.0095 ether, "protocol fee on the decided 1.9, whatever the split");
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertTrue(e.resolved, "decided by the arbiter");
        assertEq(market.getArbiter(arbiter).valueDecided, 2 ether, "the price counts as value decided");
    }

    /// Wholly for the buyer or wholly for the seller, the decision pays the same protocol fee: 0.5% of the
    /// decided 1.9 ether.
    function test_resolve_fullRefundAndFullRelease() public {
        _dispute();
        assertEq(_forBuyer(2 ether, FEE_BPS), 1.8905 ether, "2 - 0.1 fee - 0.0095 protocol fee");
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(id, ISoukMarket.EscrowStatus.Refunded, 1.8905 ether, 0, 0.1 ether, 0.0095 ether);
        vm.prank(arbiter);
        market.resolve(id, 1.8905 ether);
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Refunded), "refund");
        assertEq(_eth(bob), 1.8905 ether, "the buyer gets the rest");
        assertEq(_eth(treasury), 0.0095 ether, "the protocol fee, also for the buyer");
        (uint256 id2,,) = _soldAuction();
        vm.prank(bob);
        market.dispute(id2, _set(), arbiter);
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(id2, ISoukMarket.EscrowStatus.Released, 0, 1.8905 ether, 0.1 ether, 0.0095 ether);
        vm.prank(arbiter);
        market.resolve(id2, 0);
        assertEq(uint256(_status(id2)), uint256(ISoukMarket.EscrowStatus.Released), "release");
        assertEq(_eth(treasury), 0.019 ether, "the same fee for the seller");
    }

    function test_resolve_revertsWhenSplitExceedsPriceMinusFees() public {
        _dispute();
        vm.startPrank(arbiter);
        vm.expectRevert(ISoukMarket.SplitTooLarge.selector);
        market.resolve(id, 1.8905 ether + 1);
        vm.expectRevert(ISoukMarket.SplitTooLarge.selector);
        market.resolve(id, 1.9 ether); // price - arbiter fee: the protocol fee is not the buyer's
        market.resolve(id, 1.8905 ether);
        vm.stopPrank();
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

    function test_disputedEscrowCanStillBeSettledByTheParties() public {
        _dispute();
        _confirm();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "the buyer gave in");
        assertEq(_eth(arbiter), 0, "no decision, no fee");
        assertEq(market.getArbiter(arbiter).settledByParties, 1, "recorded as settled by the parties");
    }

    // ---------------------------------------------------------------- withdraw

    function test_withdraw_paysTheCreditedBalanceOnce() public {
        _confirm();
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.Withdrawn(seller, address(0), seller, 1.99 ether);
        vm.prank(seller);
        market.withdraw(address(0), seller);
        assertEq(seller.balance, 1_001.99 ether, "paid");
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
