// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukFixture} from "./SoukFixture.t.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice The escrow every sale goes through: the buyer confirms, the seller ships or refunds, either
///         disputes, the arbiter decides disputes only, timeouts close everything, pull-payment withdrawals.
///         Fixture sale: bob bought at 2 ether, arbiter fee 5% (0.1 ether).
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
        vm.prank(bob);
        market.dispute(id);
    }

    // ---------------------------------------------------------------- without a dispute

    function test_confirm_buyerReleasesToTheSellerWithoutFee() public {
        _ship();
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(id, ISoukMarket.EscrowStatus.Released, 0, 2 ether, 0);
        _confirm();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Released), "released");
        assertEq(_eth(seller), 2 ether, "seller credited");
        assertEq(_eth(arbiter), 0, "no fee: the arbiter did not decide");
    }

    function test_confirm_beforeShippingIsAllowed() public {
        _confirm(); // e.g. collected in person
        assertEq(_eth(seller), 2 ether, "released");
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
        market.dispute(id);
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
        assertEq(_eth(seller), 2 ether, "seller paid, no fee");
    }

    function test_claimTimeout_revertsWhenNothingIsRunning() public {
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector);
        market.claimTimeout(id);
    }

    // ---------------------------------------------------------------- disputes

    function test_dispute_beforeShippingStartsTheArbitersWindow() public {
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.Disputed(id, bob, block.timestamp + DISPUTE);
        _dispute();
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(uint256(e.status), uint256(ISoukMarket.EscrowStatus.Disputed), "disputed");
        assertEq(e.disputedBy, bob, "by the buyer");
    }

    function test_dispute_theSellerMayDisputeToo() public {
        _ship();
        vm.prank(seller);
        market.dispute(id);
        assertEq(market.getEscrow(id).disputedBy, seller, "by the seller");
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
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.NotEscrowParty.selector);
        market.dispute(id);
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.NotEscrowParty.selector);
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
