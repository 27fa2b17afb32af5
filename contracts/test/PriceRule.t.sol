// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukFixture} from "./SoukFixture.t.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice Fuzz tests of the formulas: the Vickrey price rule with reserve and ties, the refund of every
///         deposit, the commitment encoding and the arbiter's split.
contract PriceRuleTest is SoukFixture {
    uint256 internal constant N = 6;

    struct Expected {
        uint256 highest;
        uint256 second;
        uint256 leader;
        bool any;
    }

    /// Six bidders bid random amounts with random over-collateral, a random subset reveals (in bidder
    /// order), and the outcome must be: winner = first reveal of the highest amount; price =
    /// max(second-highest revealed, reserve); no sale when the highest is below the reserve; every
    /// deposit returns exactly (the winner's minus the price, credited at finalize; unrevealed bids and
    /// revealed amounts below the reserve minus 1% rounded up, credited to the treasury).
    function testFuzz_priceRule(uint256[N] memory rawAmounts, uint256[N] memory rawExtra, uint256 rawReserve, uint8 revealMask)
        public
    {
        uint256 reserve = bound(rawReserve, 1, 60 ether);
        uint256 id = _listAuction(uint88(reserve));
        address[N] memory bidders;
        uint256[N] memory amounts;
        uint256[N] memory deposits;
        bytes32[N] memory commits;
        for (uint256 i; i < N; i++) {
            bidders[i] = address(uint160(0x1000 + i));
            amounts[i] = bound(rawAmounts[i], 0, 100 ether);
            // a few equal amounts on purpose, to exercise ties
            if (i > 0 && rawAmounts[i] % 4 == 0) amounts[i] = amounts[i - 1];
            deposits[i] = amounts[i] + bound(rawExtra[i], 0, 10 ether);
            if (deposits[i] < reserve) deposits[i] = reserve; // the smallest deposit allowed
            vm.deal(bidders[i], deposits[i]);
            commits[i] = _bid(id, bidders[i], amounts[i], deposits[i]);
        }
        _toReveal(id);
        Expected memory x;
        for (uint256 i; i < N; i++) {
            if (revealMask & (1 << i) == 0) continue;
            _reveal(id, bidders[i], amounts[i]);
            if (!x.any || amounts[i] > x.highest) {
                if (x.any) x.second = x.highest;
                x.highest = amounts[i];
                x.leader = i;
                x.any = true;
            } else if (amounts[i] > x.second) {
                x.second = amounts[i];
            }
        }
        _toEnd(id);
        bool sale = x.any && x.highest >= reserve && x.highest > 0;
        if (sale) {
            // a zero amount can lead only a zero-highest auction, which never reaches a reserve >= 1
            market.finalize(id, bidders[x.leader], commits[x.leader]);
            uint256 price = x.second > reserve ? x.second : reserve;
            assertEq(market.getEscrow(id).buyer, bidders[x.leader], "winner");
            assertEq(market.getEscrow(id).price, price, "price");
        } else {
            market.finalize(id, address(0), 0);
            assertFalse(market.getListing(id).sold, "no sale");
        }

        uint256 penalties;
        for (uint256 i; i < N; i++) {
            bool revealed = revealMask & (1 << i) != 0;
            uint256 expectedRefund = deposits[i];
            if (!revealed || amounts[i] < reserve) {
                uint256 penalty = (deposits[i] + 99) / 100;
                assertTrue(penalty > 0, "a penalty never rounds to zero");
                penalties += penalty;
                expectedRefund -= penalty;
            }
            if (sale && i == x.leader) {
                expectedRefund -= market.getEscrow(id).price;
                if (expectedRefund != 0) {
                    vm.prank(bidders[i]);
                    market.withdraw(address(0), bidders[i]); // credited at finalize
                }
            } else {
                _withdrawBid(id, bidders[i], commits[i]);
            }
            assertEq(bidders[i].balance, expectedRefund, "refund");
        }
        assertEq(_eth(treasury), penalties, "penalties to the treasury");
        assertEq(_eth(seller), 0, "nothing to the seller before the escrow closes");
        assertEq(address(market).balance, penalties + (sale ? market.getEscrow(id).price : 0), "exact holdings");
    }

    function testFuzz_commitmentIsBoundToChainMarketListingAndBidder(
        uint256 listingId,
        address bidder,
        uint256 amount,
        bytes32 salt
    ) public view {
        bytes32 expected = keccak256(abi.encode(block.chainid, address(market), listingId, bidder, amount, salt));
        assertEq(market.commitmentFor(listingId, bidder, amount, salt), expected, "encoding");
    }

    /// Any split the arbiter decides pays out exactly the price: buyer share + seller rest + fee + protocol fee,
    /// the protocol fee being 0.5% of the decided amount (price - fee) whatever the split.
    function testFuzz_arbiterSplitConservesThePrice(uint256 rawFee, uint256 rawPrice, uint256 rawToBuyer) public {
        ISoukMarket.ListingTerms memory t = _terms();
        t.buyNow = true;
        t.arbiterFeeBps = uint16(bound(rawFee, ARBITER_MIN_FEE, 1_000));
        t.price = uint88(bound(rawPrice, 1, 500 ether));
        uint256 id = _list(t);
        vm.prank(alice);
        market.buy{value: t.price}(id, 0);
        vm.prank(alice);
        market.dispute(id, _set(), arbiter);
        uint256 fee = uint256(t.price) * t.arbiterFeeBps / 10_000;
        uint256 protocolFee = _protocolFee(t.price - fee);
        uint256 toBuyer = bound(rawToBuyer, 0, t.price - fee - protocolFee);
        vm.prank(arbiter);
        market.resolve(id, toBuyer);
        assertEq(_eth(alice), toBuyer, "buyer share");
        assertEq(_eth(arbiter), fee, "fee");
        assertEq(_eth(seller), t.price - fee - protocolFee - toBuyer, "the rest to the seller");
        assertEq(_eth(treasury), protocolFee, "protocol fee on the decided amount");
        assertEq(_eth(alice) + _eth(seller) + fee + protocolFee, t.price, "the price, exactly");
        assertLe(fee * 10, t.price, "fee capped at 10%");
    }
}
