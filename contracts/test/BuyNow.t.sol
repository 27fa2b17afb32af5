// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukFixture, FeeOnTransferToken} from "./SoukFixture.t.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";

/// @notice Fixed-price listings: one buyer, exact payment, straight into the same escrow.
contract BuyNowTest is SoukFixture {
    function test_buy_movesThePriceIntoEscrow() public {
        uint256 id = _listBuyNow(3 ether, address(0));
        vm.expectEmit(true, true, false, true);
        emit ISoukMarket.Purchased(id, alice, 3 ether);
        vm.prank(alice);
        market.buy{value: 3 ether}(id, 0);
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        assertEq(e.buyer, alice, "buyer");
        assertEq(e.price, 3 ether, "price");
        assertEq(address(market).balance, 3 ether, "held");
        vm.prank(seller);
        market.markShipped(id);
        vm.prank(alice);
        market.confirm(id);
        assertEq(_eth(seller), _net(3 ether), "seller paid, minus the protocol fee");
    }

    function test_buy_revertsOnWrongPayment() public {
        uint256 id = _listBuyNow(3 ether, address(0));
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.InvalidAmount.selector);
        market.buy{value: 2 ether}(id, 0);
    }

    /// The seller and the treasury may not buy. An arbiter of the set may (v2 refused it): it can never be
    /// the judge of its own purchase (see RulesV3Test).
    function test_buy_revertsForSellerAndTreasury() public {
        uint256 id = _listBuyNow(1 ether, address(0));
        vm.prank(seller);
        vm.expectRevert(ISoukMarket.SellerOrArbiterCannotBuy.selector);
        market.buy{value: 1 ether}(id, 0);
        vm.deal(treasury, 1 ether);
        vm.prank(treasury);
        vm.expectRevert(ISoukMarket.SellerOrArbiterCannotBuy.selector);
        market.buy{value: 1 ether}(id, 0);
        vm.deal(arbiter, 1 ether);
        vm.prank(arbiter);
        market.buy{value: 1 ether}(id, 0);
        assertEq(market.getEscrow(id).buyer, arbiter, "the listed arbiter bought");
    }

    function test_buy_revertsWhenSoldExpiredOrCancelled() public {
        uint256 id = _listBuyNow(1 ether, address(0));
        vm.prank(alice);
        market.buy{value: 1 ether}(id, 0);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.ListingClosed.selector);
        market.buy{value: 1 ether}(id, 0);

        uint256 expiring = _listBuyNow(1 ether, address(0));
        vm.warp(market.getListing(expiring).biddingEnd);
        vm.prank(bob);
        vm.expectRevert(ISoukMarket.ListingClosed.selector);
        market.buy{value: 1 ether}(expiring, 0);
    }

    function test_buy_revertsOnAuctionsAndUnknownListings() public {
        uint256 id = _listAuction();
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.NotBuyNow.selector);
        market.buy{value: 1 ether}(id, 0);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.UnknownListing.selector);
        market.buy{value: 1 ether}(99, 0);
    }

    function test_buy_withTokenPullsThePrice() public {
        uint256 id = _listBuyNow(25e6, address(usd));
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.WrongCurrency.selector);
        market.buy{value: 1}(id, 0);
        vm.prank(alice);
        market.buy(id, 0);
        assertEq(usd.balanceOf(address(market)), 25e6, "tokens held");
    }

    function test_feeOnTransferTokensAreRefused() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        fot.mint(alice, 1_000e18);
        vm.prank(alice);
        fot.approve(address(market), type(uint256).max);
        uint256 id = _listBuyNow(100e18, address(fot));
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.TokenAmountMismatch.selector);
        market.buy(id, 0);

        ISoukMarket.ListingTerms memory t = _terms();
        t.token = address(fot);
        uint256 auction = _list(t);
        vm.prank(alice);
        vm.expectRevert(ISoukMarket.TokenAmountMismatch.selector);
        market.bidWithToken(auction, bytes32(uint256(1)), 10e18, 0);
    }
}
