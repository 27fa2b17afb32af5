// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm} from "./Base.t.sol";
import {SoukFixture} from "./SoukFixture.t.sol";
import {SoukMarket} from "../src/SoukMarket.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice The rules of contracts v3 (issue #25), numbered after v2's ten: each test is one rule that closes
///         a finding of the v2 review or defines the ratings. docs/contracts.md explains each attack.
///         11. only the buyer disputes, choosing the arbiter from the seller's set; 12. arbiters' terms and
///         records; 13. windows a person can act within; 14. a revealed amount below the reserve pays the
///         penalty; 15. the protocol fee; 16. ratings.
contract RulesV3Test is SoukFixture {
    address internal sock = address(0x50C4); // an arbiter the seller controls

    function _registerSock() internal {
        vm.prank(sock);
        market.registerArbiter(0, 0, "bafkreisock");
    }

    /// @dev A buy-now sale of `price` to `buyer`, listed with `arbiters` at `feeBps`.
    function _sold(address[] memory arbiters, uint16 feeBps, uint88 price, address buyer)
        internal
        returns (uint256 id)
    {
        ISoukMarket.ListingTerms memory t = _terms();
        t.buyNow = true;
        t.revealEnd = 0;
        t.price = price;
        t.arbiters = arbiters;
        t.arbiterFeeBps = feeBps;
        id = _list(t);
        vm.deal(buyer, buyer.balance + price);
        vm.prank(buyer);
        market.buy{value: price}(id, 0);
    }

    function _sold() internal returns (uint256) {
        return _sold(_set(), FEE_BPS, 2 ether, bob);
    }

    // ================================================ 11. the buyer disputes and chooses the arbiter

    /// v2 attack: the seller named its own arbiter, disputed the unshipped sale itself, and had the arbiter
    /// resolve for it. v3: the seller cannot open a case; its remedies are the refund and, after the confirm
    /// window, the claim.
    function test_rule11_theSellerCannotDispute() public {
        _registerSock();
        uint256 id = _sold(_set(sock, arbiter), FEE_BPS, 2 ether, bob);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.dispute(id, _set(sock, arbiter), sock);
        vm.prank(sock);
        vm.expectRevert(ISoukMarket.WrongEscrowStatus.selector); // no case, nothing to resolve
        market.resolve(id, 0);
        vm.prank(seller);
        market.markShipped(id);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotBuyer.selector);
        market.dispute(id, _set(sock, arbiter), sock);
        vm.warp(block.timestamp + CONFIRM);
        market.claimTimeout(id); // the seller's remedy once the buyer stayed silent
        assertEq(_eth(seller), _net(2 ether), "claimed");
        assertEq(_eth(sock), 0, "the sock earned nothing");
    }

    /// The seller slips its sock into the set; the buyer chooses the other arbiter, and the sock has no say.
    function test_rule11_aSellersSockInTheSetCannotBeForcedOnTheBuyer() public {
        _registerSock();
        address[] memory set = _set(sock, arbiter);
        uint256 id = _sold(set, FEE_BPS, 2 ether, bob);
        vm.expectEmit(true, true, true, true);
        emit ISoukMarket.Disputed(id, bob, arbiter, block.timestamp + DISPUTE);
        vm.prank(bob);
        market.dispute(id, set, arbiter);
        vm.prank(sock);
        vm.expectRevert(ISoukMarket.NotArbiter.selector);
        market.resolve(id, 0);
        vm.prank(arbiter);
        market.resolve(id, _forBuyer(2 ether, FEE_BPS));
        assertEq(_eth(bob), 1.8905 ether, "the chosen arbiter decided");
        assertEq(market.getArbiter(sock).disputes, 0, "the sock was never chosen");
        assertEq(market.getArbiter(arbiter).disputes, 1, "the chosen one was");
    }

    /// The buyer can never be the judge of its own purchase, even when it is an arbiter of the set.
    function test_rule11_theBuyerCannotChooseItself() public {
        vm.prank(carol);
        market.registerArbiter(0, 0, "bafkreicarol");
        address[] memory set = _set(carol, arbiter);
        uint256 id = _sold(set, FEE_BPS, 2 ether, carol);
        vm.prank(carol);
        vm.expectRevert(ISoukMarket.ArbiterIsBuyer.selector);
        market.dispute(id, set, carol);
        // a set of one that is the buyer: no dispute at all (the buyer chose to buy so; it can still confirm)
        uint256 alone = _sold(_set(carol), FEE_BPS, 1 ether, carol);
        vm.prank(carol);
        vm.expectRevert(ISoukMarket.ArbiterIsBuyer.selector);
        market.dispute(alone, _set(carol), carol);
    }

    /// The set must be the listed one, in the listed order, and the choice one of its members.
    function test_rule11_aSetThatDoesNotHashToTheListingsIsRefused() public {
        _registerSock();
        vm.prank(carol);
        market.registerArbiter(0, 0, "bafkreicarol");
        address[] memory set = _set(arbiter, carol);
        uint256 id = _sold(set, FEE_BPS, 2 ether, bob);
        address[][5] memory wrong =
            [_set(carol, arbiter), _set(arbiter), _set(arbiter, carol, sock), _set(sock), new address[](0)];
        for (uint256 i; i < wrong.length; i++) {
            vm.prank(bob);
            vm.expectRevert(ISoukMarket.WrongArbiterSet.selector);
            market.dispute(id, wrong[i], wrong[i].length == 0 ? arbiter : wrong[i][0]);
        }
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.WrongArbiterSet.selector); // the right set, a choice outside it
        market.dispute(id, set, sock);
        // a set word with dirty upper bits is not the listed address
        bytes memory data = abi.encodeCall(market.dispute, (id, set, arbiter));
        assembly {
            // selector, id, offset, arbiter, length, then set[0]: set its highest byte
            mstore8(add(data, add(32, add(4, mul(4, 32)))), 0x01)
        }
        vm.prank(bob);
        (bool ok,) = address(market).call(data);
        assertFalse(ok, "a dirty address word is refused");
        vm.prank(bob);
        market.dispute(id, set, carol);
        assertEq(market.getEscrow(id).arbiter, carol, "the buyer's choice");
    }

    /// Once chosen, the arbiter is the only judge: the other members have no say, and the record
    /// (dispute, timeout or settlement) is the chosen one's.
    function test_rule11_theChosenArbiterAloneJudgesAndCarriesTheRecord() public {
        vm.prank(carol);
        market.registerArbiter(0, 0, "bafkreicarol");
        address[] memory set = _set(arbiter, carol);
        uint256 timesOut = _sold(set, FEE_BPS, 2 ether, bob);
        uint256 settles = _sold(set, FEE_BPS, 2 ether, bob);
        vm.startPrank(bob);
        market.dispute(timesOut, set, carol);
        market.dispute(settles, set, carol);
        vm.stopPrank();
        vm.prank(arbiter);
        vm.expectRevert(ISoukMarket.NotArbiter.selector);
        market.resolve(timesOut, 0);
        vm.prank(bob);
        market.confirm(settles);
        vm.warp(block.timestamp + DISPUTE);
        market.claimTimeout(timesOut);
        ISoukMarket.ArbiterView memory c = market.getArbiter(carol);
        assertEq(c.disputes, 2, "both cases");
        assertEq(c.timedOut, 1, "one timed out");
        assertEq(c.settledByParties, 1, "one settled");
        assertEq(market.getArbiter(arbiter).disputes, 0, "nothing on the other member");
    }

    // ================================================ 12. arbiters' terms and records

    /// v2 attack: anyone planted "decided" or "timed out" cases on an arbiter with 1-wei, fee-0, 1-second
    /// listings. v3: a listing must meet the terms of every arbiter it names.
    function test_rule12_aDustFeeZeroCaseOnAnArbiterWithTermsIsRefused() public {
        vm.prank(carol);
        market.registerArbiter(100, 2 days, "bafkreicarol"); // at least 1%, at least 2 days
        ISoukMarket.ListingTerms memory t = _terms();
        t.buyNow = true;
        t.revealEnd = 0;
        t.price = 1;
        t.arbiters = _set(carol);
        t.arbiterFeeBps = 0;
        t.disputeWindow = 2 days;
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.FeeBelowArbiterMinimum.selector);
        market.list(t);
        t.arbiterFeeBps = 99;
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.FeeBelowArbiterMinimum.selector);
        market.list(t);
        t.arbiterFeeBps = 100;
        t.disputeWindow = 2 days - 1; // a window made to time out on it
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        market.list(t);
        // every arbiter of a set: one arbiter's terms are enough to refuse
        t.disputeWindow = 2 days;
        t.arbiters = _set(arbiter, carol);
        t.arbiterFeeBps = ARBITER_MIN_FEE; // 1% meets both
        vm.prank(eve);
        market.list(t);
    }

    /// Within the terms, a dust case is still possible; it adds dust to the value decided (and a case to
    /// the count), which is why getArbiter returns the value and not only counts.
    function test_rule12_aDustCaseAddsOnlyDustToValueDecided() public {
        uint256 id = _sold(_set(), ARBITER_MIN_FEE, 1, alice);
        _disputeAs(id, alice);
        vm.prank(arbiter);
        market.resolve(id, 0);
        ISoukMarket.ArbiterView memory v = market.getArbiter(arbiter);
        assertEq(v.decidedForSeller, 1, "one decided case");
        assertEq(v.valueDecided, 1, "worth 1 wei");
        assertEq(_eth(arbiter), 0, "its 1% of 1 wei rounds to nothing");
    }

    /// valueDecided sums ETH prices decided by resolve only; token cases, timeouts and settlements add 0.
    function test_rule12_valueDecidedCountsEthDecisionsOnly() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.buyNow = true;
        t.revealEnd = 0;
        t.price = 500e6;
        t.token = address(usd);
        uint256 tokenSale = _list(t);
        vm.prank(alice);
        market.buy(tokenSale, 0);
        _disputeAs(tokenSale, alice);
        vm.prank(arbiter);
        market.resolve(tokenSale, 0);
        uint256 timesOut = _sold();
        _disputeAs(timesOut, bob);
        uint256 decided = _sold();
        _disputeAs(decided, bob);
        vm.prank(arbiter);
        market.resolve(decided, 1 ether);
        vm.warp(block.timestamp + DISPUTE);
        market.claimTimeout(timesOut);
        assertEq(market.getArbiter(arbiter).valueDecided, 2 ether, "the one ETH decision");
    }

    /// registeredAt is the block time of the first registration: re-registering (new terms, or after
    /// unregistering) can make an arbiter neither younger nor older.
    function test_rule12_theRegistrationTimeIsTheFirstAndKept() public {
        assertEq(market.getArbiter(carol).registeredAt, 0, "never registered");
        vm.prank(carol);
        market.registerArbiter(100, 1 days, "bafkreicarol");
        uint256 first = block.timestamp;
        vm.warp(block.timestamp + 400 days);
        vm.startPrank(carol);
        market.registerArbiter(200, 2 days, "bafkreicarol2");
        market.unregisterArbiter();
        market.registerArbiter(300, 3 days, "bafkreicarol3");
        vm.stopPrank();
        ISoukMarket.ArbiterView memory v = market.getArbiter(carol);
        assertEq(v.registeredAt, first, "still the first registration");
        assertEq(v.minFeeBps, 300, "newest terms");
        assertEq(v.minDisputeWindow, 3 days, "newest window");
        assertEq(keccak256(bytes(v.metadataCid)), keccak256("bafkreicarol3"), "newest profile");
    }

    /// Changing terms keeps the record (counters live beside the terms in slot A).
    function test_rule12_newTermsKeepTheRecord() public {
        uint256 id = _sold();
        _disputeAs(id, bob);
        vm.prank(arbiter);
        market.resolve(id, 0);
        vm.prank(arbiter);
        market.registerArbiter(1_000, 365 days, "bafkreinewterms");
        ISoukMarket.ArbiterView memory v = market.getArbiter(arbiter);
        assertEq(v.disputes, 1, "disputes kept");
        assertEq(v.decidedForSeller, 1, "decision kept");
        assertEq(v.valueDecided, 2 ether, "value kept");
        assertEq(v.minFeeBps, 1_000, "new minimum");
    }

    // ================================================ 13. windows a person can act within

    /// v2 attack: a 1-second reveal window made every bidder pay the penalty. Exactly one hour is the
    /// shortest reveal window; a second less is refused.
    function test_rule13_theRevealWindowIsAtLeastOneHour() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.revealEnd = t.biddingEnd + 1 hours - 1;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
        t.revealEnd = t.biddingEnd + 1 hours;
        _list(t);
        assertEq(market.MIN_REVEAL_WINDOW(), 1 hours, "constant");
    }

    /// v2 attack: a 1-second confirm window let the seller mark shipped and claim a second later. Exactly
    /// one day is the shortest confirm window; a second less is refused.
    function test_rule13_theConfirmWindowIsAtLeastOneDay() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.confirmWindow = 1 days - 1;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
        t.confirmWindow = 1 days;
        uint256 id = _list(t);
        assertEq(market.getListing(id).confirmWindow, 1 days, "accepted");
        assertEq(market.MIN_CONFIRM_WINDOW(), 1 days, "constant");
    }

    /// The dispute window: at least one day, at least every named arbiter's minimum, at most 365 days.
    function test_rule13_theDisputeWindowIsAtLeastOneDayAndTheArbitersMinimum() public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.disputeWindow = 1 days - 1;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
        t.disputeWindow = 1 days;
        _list(t);
        vm.prank(carol);
        market.registerArbiter(100, 3 days, "bafkreicarol");
        t.arbiters = _set(arbiter, carol);
        t.disputeWindow = 3 days - 1;
        vm.expectRevert(ISoukMarket.WindowTooShort.selector);
        _list(t);
        t.disputeWindow = 3 days;
        _list(t);
        t.disputeWindow = 365 days + 1;
        vm.expectRevert(ISoukMarket.WindowTooLong.selector);
        _list(t);
        t.disputeWindow = 365 days;
        _list(t);
        assertEq(market.MIN_DISPUTE_WINDOW(), 1 days, "constant");
    }

    /// A buy-now listing has no reveal phase, so it needs no reveal window.
    function test_rule13_buyNowNeedsNoRevealWindow() public {
        uint256 id = _listBuyNow(1 ether, address(0));
        assertEq(market.getListing(id).revealEnd, market.getListing(id).biddingEnd, "no reveal phase");
    }

    // ================================================ 14. a revealed amount below the reserve pays the penalty

    /// v2 attack: a reserve-sized deposit committing 0, revealed and withdrawn in full, blocked `cancel` and
    /// `updateContentHash` for gas only. v3: it pays the unrevealed-bid penalty.
    function test_rule14_aZeroBidRevealedPaysThePenalty() public {
        uint256 id = _listAuction(1 ether);
        bytes32 c = _bid(id, eve, 0, 1 ether);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.HasBids.selector); // the lock it buys
        market.cancel(id);
        _toReveal(id);
        _reveal(id, eve, 0);
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.BidWithdrawn(id, eve, c, 0.99 ether, 0.01 ether);
        _withdrawBid(id, eve, c); // not the leader: out at once, but not for free
        assertEq(_eth(treasury), 0.01 ether, "1% of the deposit to the treasury");
    }

    /// Any revealed amount below the reserve, before or after finalize, ETH or token.
    function test_rule14_aRevealedAmountBelowTheReservePaysThePenalty() public {
        uint256 id = _listAuction(5 ether);
        bytes32 low = _bid(id, alice, 4 ether, 5 ether);
        bytes32 lower = _bid(id, bob, 1 ether, 5 ether);
        _toReveal(id);
        _reveal(id, alice, 4 ether);
        _reveal(id, bob, 1 ether);
        _withdrawBid(id, bob, lower);
        _toEnd(id);
        market.finalize(id, alice, low);
        _withdrawBid(id, alice, low); // the leader, but below the reserve: no sale, and the penalty
        assertEq(_eth(treasury), 0.1 ether, "1% of each 5 ether deposit");

        ISoukMarket.ListingTerms memory t = _terms();
        t.token = address(usd);
        t.price = 100e6;
        uint256 tokenId = _list(t);
        bytes32 c = _commit(tokenId, alice, 0, _salt(alice, 0));
        vm.prank(alice);
        market.bidWithToken(tokenId, c, 100e6, 0);
        _toReveal(tokenId);
        _reveal(tokenId, alice, 0);
        _withdrawBid(tokenId, alice, c);
        assertEq(market.withdrawable(treasury, address(usd)), 1e6, "the penalty in the listing's token");
    }

    /// Losers at or above the reserve get everything back, before finalize (outbid) and after a sale,
    /// whether their amount is above the price or between the reserve and the price.
    function test_rule14_revealedAmountsAtOrAboveTheReserveReturnInFull() public {
        uint256 id = _listAuction(1 ether);
        bytes32 a = _bid(id, alice, 1 ether, 2 ether); // exactly the reserve
        bytes32 b = _bid(id, bob, 3 ether, 3 ether);
        bytes32 c = _bid(id, carol, 2 ether, 2 ether); // the price
        bytes32 e = _bid(id, eve, 1.5 ether, 2 ether); // between reserve and price
        _toReveal(id);
        _reveal(id, alice, 1 ether);
        _reveal(id, bob, 3 ether);
        _withdrawBid(id, alice, a); // outbid before finalize
        _reveal(id, carol, 2 ether);
        _reveal(id, eve, 1.5 ether);
        _toEnd(id);
        market.finalize(id, bob, b);
        _withdrawBid(id, carol, c);
        _withdrawBid(id, eve, e);
        assertEq(_eth(treasury), 0, "no penalty");
        assertEq(alice.balance + carol.balance + eve.balance, 3_000 ether, "all back");
    }

    /// The penalty, rounded up: never 0 for a deposit of at least 1, never more than the deposit; a refund
    /// plus its penalty is always the deposit. Unrevealed and revealed-below-reserve alike.
    function testFuzz_thePenaltyRoundingNeverZeroNeverMoreThanTheDeposit(uint256 rawDeposit, bool reveal) public {
        uint256 deposit = bound(rawDeposit, 1, type(uint88).max);
        uint256 id = _listAuction(1);
        vm.deal(eve, deposit);
        bytes32 c = _bid(id, eve, 0, deposit); // amount 0: below any reserve
        _toReveal(id);
        if (reveal) _reveal(id, eve, 0);
        _toEnd(id);
        market.finalize(id, address(0), 0);
        _withdrawBid(id, eve, c);
        uint256 penalty = _eth(treasury);
        assertTrue(penalty >= 1, "never zero");
        assertLe(penalty, deposit, "never more than the deposit");
        assertEq(penalty, (deposit * 100 + 9_999) / 10_000, "1% rounded up");
        assertEq(eve.balance + penalty, deposit, "refund + penalty = deposit");
    }

    // ================================================ 15. the protocol fee

    /// Every completed sale pays PROTOCOL_FEE_BPS of the price (confirm, a claimed confirm timeout), and every
    /// arbiter decision pays it of the decided amount, price - arbiter fee, whatever the split (for the
    /// seller, a split, wholly for the buyer); rounded down, to the treasury.
    function test_rule15_theProtocolFeeIsCreditedToTheTreasuryOnEveryClose() public {
        assertEq(market.PROTOCOL_FEE_BPS(), PROTOCOL_FEE, "immutable");
        uint256 confirmed = _sold();
        vm.prank(bob);
        market.confirm(confirmed);
        assertEq(_eth(treasury), 0.01 ether, "0.5% of 2 ether");
        uint256 claimed = _sold();
        vm.prank(seller);
        market.markShipped(claimed);
        vm.warp(block.timestamp + CONFIRM);
        market.claimTimeout(claimed);
        assertEq(_eth(treasury), 0.02 ether, "and of the claimed 2 ether");
        uint256 split = _sold();
        _disputeAs(split, bob);
        vm.expectEmit(true, false, false, true);
        // fee 0.1, decided 1.9 pays 0.0095, buyer 0.9, seller the rest
        emit ISoukMarket.EscrowSettled(
            split, ISoukMarket.EscrowStatus.Split, 0.9 ether, 0.9905 ether, 0.1 ether, 0.0095 ether
        );
        vm.prank(arbiter);
        market.resolve(split, 0.9 ether);
        assertEq(_eth(treasury), 0.0295 ether, "and of the decided amount of a split");
        uint256 forBuyer = _sold();
        _disputeAs(forBuyer, bob);
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(
            forBuyer, ISoukMarket.EscrowStatus.Refunded, 1.8905 ether, 0, 0.1 ether, 0.0095 ether
        );
        vm.prank(arbiter);
        market.resolve(forBuyer, 1.8905 ether);
        assertEq(_eth(treasury), 0.039 ether, "and of a decision wholly for the buyer");
        // rounded down: a 199-wei sale pays 0
        uint256 dust = _sold(_set(), ARBITER_MIN_FEE, 199, alice);
        vm.prank(alice);
        market.confirm(dust);
        assertEq(_eth(treasury), 0.039 ether, "199 * 50 / 10,000 rounds to 0");
        assertEq(_eth(seller), _net(2 ether) * 2 + 0.9905 ether + 199, "the seller's shares");
    }

    /// issue #25: a faker's own arbiter (minimum fee 0) deciding the faker's own sale wholly for the buyer
    /// used to pay nothing but gas, yet added a case and the price to its record. Now the decision pays the
    /// protocol fee on the price like any other: the buyer can get back at most price - 0.5%.
    function test_rule15_aDecisionForTheBuyerPaysTheProtocolFee() public {
        _registerSock();
        uint256 id = _sold(_set(sock), 0, 1 ether, alice);
        vm.prank(alice);
        market.dispute(id, _set(sock), sock);
        vm.startPrank(sock);
        vm.expectRevert(ISoukMarket.SplitTooLarge.selector);
        market.resolve(id, 1 ether); // the whole price back is no longer a decision on offer
        market.resolve(id, 0.995 ether);
        vm.stopPrank();
        assertEq(uint256(_status(id)), uint256(ISoukMarket.EscrowStatus.Refunded), "for the buyer");
        assertEq(_eth(treasury), 0.005 ether, "0.5% of the decided 1 ether");
        assertEq(_eth(alice), 0.995 ether, "the rest to the buyer");
        assertEq(_eth(seller), 0, "nothing to the seller");
        ISoukMarket.ArbiterView memory v = market.getArbiter(sock);
        assertEq(v.decidedForBuyer, 1, "the case");
        assertEq(v.valueDecided, 1 ether, "and its value, now paid for");
    }

    /// A refund by the seller or by a dispute's timeout completes no trade and decides nothing: no fee.
    function test_rule15_refundsPayNoProtocolFee() public {
        uint256 refunded = _sold();
        vm.prank(seller);
        market.refund(refunded);
        uint256 timedOut = _sold();
        _disputeAs(timedOut, bob);
        vm.warp(block.timestamp + DISPUTE);
        vm.expectEmit(true, false, false, true);
        emit ISoukMarket.EscrowSettled(timedOut, ISoukMarket.EscrowStatus.Refunded, 2 ether, 0, 0, 0);
        market.claimTimeout(timedOut);
        assertEq(_eth(treasury), 0, "no protocol fee on refunds");
        assertEq(_eth(bob), 2 ether + 2 ether, "the buyer got it all back");
    }

    /// The fee is fixed at deployment, 0 to 100 bps; ETH sent with the deployment is credited to the
    /// treasury (the deploy script's 1-wei seed), which withdraws it like any fee.
    function test_rule15_theFeeIsFixedAtDeploymentAndTheSeedGoesToTheTreasury() public {
        vm.expectRevert(ISoukMarket.InvalidProtocolFee.selector);
        new SoukMarket(treasury, 101);
        SoukMarket free = new SoukMarket(treasury, 0);
        assertEq(free.PROTOCOL_FEE_BPS(), 0, "0 is allowed (no fee)");
        SoukMarket seeded = new SoukMarket{value: 1}(treasury, 100);
        assertEq(seeded.PROTOCOL_FEE_BPS(), 100, "the cap");
        assertEq(seeded.withdrawable(treasury, address(0)), 1, "the seed is the treasury's");
        assertEq(address(seeded).balance, 1, "and held");
        vm.prank(treasury);
        seeded.withdraw(address(0), treasury);
        assertEq(treasury.balance, 1, "withdrawn");
    }

    /// Token sales pay the fee in the listing's token.
    function test_rule15_tokenSalesPayTheFeeInTheirToken() public {
        uint256 id = _listBuyNow(1_000e6, address(usd));
        vm.prank(alice);
        market.buy(id, 0);
        vm.prank(alice);
        market.confirm(id);
        assertEq(market.withdrawable(treasury, address(usd)), 5e6, "0.5% of 1,000 tUSD");
        assertEq(market.withdrawable(seller, address(usd)), 995e6, "the rest to the seller");
        assertEq(_eth(treasury), 0, "no ETH");
    }

    /// For any price, arbiter fee, protocol fee and close: toBuyer + toSeller + arbiterFee + protocolFee
    /// == price; the protocol fee is the rounded-down PROTOCOL_FEE_BPS of the price for a confirm, 0 for a
    /// refund, and of price - arbiterFee for any decision, whatever the split; the outcome follows toBuyer;
    /// the market holds exactly the credits.
    function testFuzz_theProtocolFeeSplitConservesThePrice(
        uint256 rawProtocolFee,
        uint256 rawArbiterFee,
        uint256 rawPrice,
        uint256 rawToBuyer,
        uint8 close
    ) public {
        uint16 protocolFee = uint16(bound(rawProtocolFee, 0, 100));
        market = new SoukMarket(treasury, protocolFee);
        vm.prank(arbiter);
        market.registerArbiter(0, 1 days, "bafkreiarbiterprofile");
        uint16 arbiterFeeBps = uint16(bound(rawArbiterFee, 0, 1_000));
        uint88 price = uint88(bound(rawPrice, 1, type(uint88).max));
        uint256 id = _sold(_set(), arbiterFeeBps, price, alice);
        uint256 fee;
        uint256 expectedProtocol;
        uint256 toBuyer;
        ISoukMarket.EscrowStatus outcome;
        close %= 4;
        vm.recordLogs();
        if (close == 0) {
            vm.prank(alice);
            market.confirm(id);
            expectedProtocol = uint256(price) * protocolFee / 10_000;
            outcome = ISoukMarket.EscrowStatus.Released;
        } else if (close == 1) {
            vm.prank(seller);
            market.refund(id);
            toBuyer = price;
            outcome = ISoukMarket.EscrowStatus.Refunded;
        } else {
            _disputeAs(id, alice);
            fee = uint256(price) * arbiterFeeBps / 10_000;
            expectedProtocol = (price - fee) * protocolFee / 10_000;
            uint256 most = price - fee - expectedProtocol;
            // close 3: wholly for the buyer (the rarest draw of bound), else anything in range
            toBuyer = close == 3 ? most : bound(rawToBuyer, 0, most);
            vm.prank(arbiter);
            vm.expectRevert(ISoukMarket.SplitTooLarge.selector);
            market.resolve(id, most + 1);
            vm.prank(arbiter);
            market.resolve(id, toBuyer);
            outcome = toBuyer == 0
                ? ISoukMarket.EscrowStatus.Released
                : toBuyer == most ? ISoukMarket.EscrowStatus.Refunded : ISoukMarket.EscrowStatus.Split;
        }
        uint256 protocol = _eth(treasury);
        assertEq(protocol, expectedProtocol, "protocol fee");
        assertEq(_eth(alice) + _eth(seller) + _eth(arbiter) + protocol, price, "the price, exactly");
        assertEq(_eth(alice), toBuyer, "buyer");
        assertEq(_eth(arbiter), fee, "arbiter");
        assertEq(_eth(seller), price - toBuyer - fee - protocol, "the rest to the seller");
        assertEq(uint256(_status(id)), uint256(outcome), "outcome");
        assertEq(address(market).balance, price, "held = credited");
        // and the EscrowSettled log says the same
        (uint256 loggedOutcome, uint256 b, uint256 s, uint256 a, uint256 p) = _settled();
        assertEq(loggedOutcome, uint256(outcome), "logged outcome");
        assertEq(b + s + a + p, price, "logged parts add up");
        assertEq(p, protocol, "logged");
    }

    function _settled() internal returns (uint256 outcome, uint256 b, uint256 s, uint256 a, uint256 p) {
        bytes32 topic = keccak256("EscrowSettled(uint256,uint8,uint256,uint256,uint256,uint256)");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; i++) {
            if (logs[i].topics[0] == topic) {
                return abi.decode(logs[i].data, (uint256, uint256, uint256, uint256, uint256));
            }
        }
        revert("no EscrowSettled");
    }

    // ================================================ 16. ratings

    /// Only the escrow's buyer and seller rate; not the arbiter, not anyone else.
    function test_rule16_onlyTheBuyerAndTheSellerRate() public {
        uint256 id = _sold();
        vm.prank(bob);
        market.confirm(id);
        address[3] memory others = [arbiter, eve, treasury];
        for (uint256 i; i < others.length; i++) {
            vm.prank(others[i]);
            vm.expectRevert(ISoukMarket.NotEscrowParty.selector);
            market.rate(id, false, ISoukMarket.Score.Negative, bytes32(0));
        }
        vm.prank(eve);
        vm.expectRevert(ISoukMarket.NotEscrowParty.selector);
        market.rate(999, false, ISoukMarket.Score.Negative, bytes32(0)); // no such listing
        vm.expectEmit(true, true, true, true);
        emit ISoukMarket.Rated(id, bob, seller, ISoukMarket.Score.Positive, keccak256("review"));
        vm.prank(bob);
        market.rate(id, false, ISoukMarket.Score.Positive, keccak256("review"));
        vm.expectEmit(true, true, true, true);
        emit ISoukMarket.Rated(id, seller, bob, ISoukMarket.Score.Neutral, bytes32(0));
        vm.prank(seller);
        market.rate(id, false, ISoukMarket.Score.Neutral, bytes32(0));
    }

    /// Only after the escrow closed: not while Funded, Shipped or Disputed, not on an unsold listing.
    function test_rule16_onlyAfterTheClose() public {
        uint256 unsold = _listBuyNow(1 ether, address(0));
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotClosed.selector);
        market.rate(unsold, false, ISoukMarket.Score.Positive, bytes32(0));
        uint256 id = _sold();
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.NotClosed.selector); // Funded
        market.rate(id, false, ISoukMarket.Score.Positive, bytes32(0));
        vm.prank(seller);
        market.markShipped(id);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NotClosed.selector); // Shipped
        market.rate(id, false, ISoukMarket.Score.Positive, bytes32(0));
        _disputeAs(id, bob);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.NotClosed.selector); // Disputed
        market.rate(id, true, ISoukMarket.Score.Positive, bytes32(0));
        vm.prank(arbiter);
        market.resolve(id, 0.9 ether); // Split
        vm.prank(bob);
        market.rate(id, false, ISoukMarket.Score.Negative, bytes32(0));
        // Refunded closes too
        uint256 refunded = _sold();
        vm.prank(seller);
        market.refund(refunded);
        vm.prank(bob);
        market.rate(refunded, false, ISoukMarket.Score.Positive, bytes32(0));
    }

    /// Each of the four ratings once; the bits are the public constants the app reads.
    function test_rule16_eachRatingOnce() public {
        uint256 id = _sold();
        _disputeAs(id, bob);
        vm.prank(arbiter);
        market.resolve(id, 0);
        vm.startPrank(bob);
        market.rate(id, false, ISoukMarket.Score.Negative, bytes32(0));
        vm.expectRevert(ISoukMarket.AlreadyRated.selector);
        market.rate(id, false, ISoukMarket.Score.Positive, bytes32(0));
        market.rate(id, true, ISoukMarket.Score.Negative, bytes32(0));
        vm.expectRevert(ISoukMarket.AlreadyRated.selector);
        market.rate(id, true, ISoukMarket.Score.Positive, bytes32(0));
        vm.stopPrank();
        assertEq(
            market.getEscrow(id).ratings, market.RATED_SELLER() | market.BUYER_RATED_ARBITER(), "the buyer's two bits"
        );
        vm.startPrank(seller);
        market.rate(id, false, ISoukMarket.Score.Positive, bytes32(0));
        vm.expectRevert(ISoukMarket.AlreadyRated.selector);
        market.rate(id, false, ISoukMarket.Score.Positive, bytes32(0));
        market.rate(id, true, ISoukMarket.Score.Positive, bytes32(0));
        vm.expectRevert(ISoukMarket.AlreadyRated.selector);
        market.rate(id, true, ISoukMarket.Score.Positive, bytes32(0));
        vm.stopPrank();
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(e.ratings, 4 | 8 | 16 | 32, "all four");
        assertEq(
            e.ratings,
            market.RATED_SELLER() | market.RATED_BUYER() | market.BUYER_RATED_ARBITER() | market.SELLER_RATED_ARBITER(),
            "the constants"
        );
        assertTrue(e.resolved, "resolved");
        assertEq(uint256(e.status), uint256(ISoukMarket.EscrowStatus.Released), "ratings do not touch the status");
    }

    /// The arbiter is rated only for a decision: not without a dispute, not when the parties settled or the
    /// dispute timed out. The subject is the arbiter the buyer chose.
    function test_rule16_theArbiterIsRatedOnlyAfterItsDecision() public {
        uint256 confirmed = _sold();
        vm.prank(bob);
        market.confirm(confirmed);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.NoArbiterDecision.selector);
        market.rate(confirmed, true, ISoukMarket.Score.Positive, bytes32(0));
        uint256 settled = _sold();
        _disputeAs(settled, bob);
        vm.prank(seller);
        market.refund(settled);
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.NoArbiterDecision.selector);
        market.rate(settled, true, ISoukMarket.Score.Positive, bytes32(0));
        uint256 timedOut = _sold();
        _disputeAs(timedOut, bob);
        vm.warp(block.timestamp + DISPUTE);
        market.claimTimeout(timedOut);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.NoArbiterDecision.selector);
        market.rate(timedOut, true, ISoukMarket.Score.Negative, bytes32(0));

        vm.prank(carol);
        market.registerArbiter(0, 0, "bafkreicarol");
        address[] memory set = _set(arbiter, carol);
        uint256 decided = _sold(set, FEE_BPS, 2 ether, bob);
        vm.prank(bob);
        market.dispute(decided, set, carol);
        vm.prank(carol);
        market.resolve(decided, _forBuyer(2 ether, FEE_BPS));
        vm.expectEmit(true, true, true, true);
        emit ISoukMarket.Rated(decided, seller, carol, ISoukMarket.Score.Negative, keccak256("why"));
        vm.prank(seller);
        market.rate(decided, true, ISoukMarket.Score.Negative, keccak256("why"));
    }

    /// Ratings move no money and change nothing but their bit.
    function test_rule16_ratingsMoveNoMoney() public {
        uint256 id = _sold();
        vm.prank(bob);
        market.confirm(id);
        uint256 held = address(market).balance;
        uint256 sellerCredit = _eth(seller);
        vm.prank(bob);
        market.rate(id, false, ISoukMarket.Score.Negative, bytes32(0));
        assertEq(address(market).balance, held, "held");
        assertEq(_eth(seller), sellerCredit, "credited");
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(e.buyer, bob, "buyer kept");
        assertEq(e.price, 2 ether, "price kept");
    }
}
