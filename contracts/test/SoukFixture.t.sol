// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "./Base.t.sol";
import {SoukMarket} from "../src/SoukMarket.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";
import {TestUSD} from "../src/TestUSD.sol";

/// @notice A bidder whose fallback reverts: it can bid, reveal and withdraw, but never receive ETH.
contract RevertingBidder {
    SoukMarket internal immutable market;

    constructor(SoukMarket market_) {
        market = market_;
    }

    function bid(uint256 listingId, bytes32 commitment) external payable {
        market.bid{value: msg.value}(listingId, commitment, 0);
    }

    function reveal(uint256 listingId, uint256 amount, bytes32 salt) external {
        market.reveal(listingId, amount, salt);
    }

    function withdrawBid(uint256 listingId, bytes32 commitment, address to) external {
        market.withdrawBid(listingId, commitment, to);
    }

    function confirm(uint256 listingId) external {
        market.confirm(listingId);
    }

    function withdraw(address to) external {
        market.withdraw(address(0), to);
    }

    receive() external payable {
        revert("no ETH, thanks");
    }
}

/// @notice An ERC-20 that keeps 1% of every transfer (fee-on-transfer), which Souk must refuse.
contract FeeOnTransferToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        return _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        return _move(from, to, amount);
    }

    function _move(address from, address to, uint256 amount) private returns (bool) {
        balanceOf[from] -= amount;
        balanceOf[to] += amount - amount / 100;
        return true;
    }
}

/// @notice Shared setup: a market, a 6-decimal stablecoin, named actors and helpers that read like the
///         steps of an auction.
abstract contract SoukFixture is TestBase {
    SoukMarket internal market;
    TestUSD internal usd;

    address internal seller = address(0x5E11E7);
    address internal arbiter = address(0xA4B17E7);
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal carol = address(0xCA701);
    address internal eve = address(0xE7E);
    address internal treasury = address(0x7EA5);

    uint256 internal constant START = 1_700_000_000;
    uint32 internal constant BIDDING = 1 days;
    uint32 internal constant REVEAL = 1 days;
    uint16 internal constant FEE_BPS = 500; // 5%
    uint32 internal constant CONFIRM = 7 days;
    uint32 internal constant DISPUTE = 3 days;
    /// The deploy script's protocol fee: 0.5% of the price of a completed sale, or of the decided amount
    /// (price - arbiter fee) of an arbiter's decision.
    uint16 internal constant PROTOCOL_FEE = 50;
    /// The fixture arbiter's registered terms: at least 1% and 1 day.
    uint16 internal constant ARBITER_MIN_FEE = 100;
    uint32 internal constant ARBITER_MIN_WINDOW = 1 days;

    function setUp() public virtual {
        vm.warp(START);
        market = new SoukMarket(treasury, PROTOCOL_FEE);
        usd = new TestUSD();
        vm.prank(arbiter);
        market.registerArbiter(ARBITER_MIN_FEE, ARBITER_MIN_WINDOW, "bafkreiarbiterprofile");
        address[6] memory actors = [seller, arbiter, alice, bob, carol, eve];
        for (uint256 i; i < actors.length; i++) {
            vm.deal(actors[i], 1_000 ether);
            usd.mint(actors[i], 1_000_000e6);
            vm.prank(actors[i]);
            usd.approve(address(market), type(uint256).max);
        }
        vm.label(address(market), "market");
        vm.label(seller, "seller");
        vm.label(arbiter, "arbiter");
        vm.label(alice, "alice");
        vm.label(bob, "bob");
        vm.label(eve, "eve");
        vm.label(treasury, "treasury");
    }

    // ---------------------------------------------------------------- listing

    function _terms() internal view returns (ISoukMarket.ListingTerms memory t) {
        t.contentHash = keccak256("listing document");
        t.categoryId = 3;
        t.biddingEnd = uint32(block.timestamp + BIDDING);
        t.revealEnd = uint32(block.timestamp + BIDDING + REVEAL);
        t.price = 1 ether;
        t.arbiters = _set();
        t.arbiterFeeBps = FEE_BPS;
        t.confirmWindow = CONFIRM;
        t.disputeWindow = DISPUTE;
    }

    /// @dev The fixture listings' arbiter set: the fixture arbiter alone.
    function _set() internal view returns (address[] memory) {
        return _set(arbiter);
    }

    function _set(address a) internal pure returns (address[] memory s) {
        s = new address[](1);
        s[0] = a;
    }

    function _set(address a, address b) internal pure returns (address[] memory s) {
        s = new address[](2);
        s[0] = a;
        s[1] = b;
    }

    function _set(address a, address b, address c) internal pure returns (address[] memory s) {
        s = new address[](3);
        s[0] = a;
        s[1] = b;
        s[2] = c;
    }

    function _list(ISoukMarket.ListingTerms memory t) internal returns (uint256 id) {
        vm.prank(seller);
        id = market.list(t);
    }

    /// @dev An ETH auction with a 1 ether reserve.
    function _listAuction() internal returns (uint256) {
        return _list(_terms());
    }

    function _listAuction(uint88 reserve) internal returns (uint256) {
        ISoukMarket.ListingTerms memory t = _terms();
        t.price = reserve;
        return _list(t);
    }

    function _listBuyNow(uint88 price, address token) internal returns (uint256) {
        ISoukMarket.ListingTerms memory t = _terms();
        t.buyNow = true;
        t.revealEnd = 0;
        t.price = price;
        t.token = token;
        return _list(t);
    }

    // ---------------------------------------------------------------- bidding

    function _salt(address bidder, uint256 amount) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", bidder, amount));
    }

    function _commit(uint256 id, address bidder, uint256 amount, bytes32 salt) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(market), id, bidder, amount, salt));
    }

    function _bid(uint256 id, address bidder, uint256 amount, uint256 deposit) internal returns (bytes32 c) {
        c = _commit(id, bidder, amount, _salt(bidder, amount));
        uint8 version = market.getListing(id).contentVersion;
        vm.prank(bidder);
        market.bid{value: deposit}(id, c, version);
    }

    function _reveal(uint256 id, address bidder, uint256 amount) internal {
        vm.prank(bidder);
        market.reveal(id, amount, _salt(bidder, amount));
    }

    function _toReveal(uint256 id) internal {
        vm.warp(market.getListing(id).biddingEnd);
    }

    function _toEnd(uint256 id) internal {
        vm.warp(market.getListing(id).revealEnd);
    }

    /// @dev Full auction: alice bids 2, bob bids 3 (deposits 1 ether higher), both reveal, finalize.
    ///      Bob wins at alice's 2 ether.
    function _soldAuction() internal returns (uint256 id, bytes32 aliceC, bytes32 bobC) {
        id = _listAuction();
        aliceC = _bid(id, alice, 2 ether, 3 ether);
        bobC = _bid(id, bob, 3 ether, 4 ether);
        _toReveal(id);
        _reveal(id, alice, 2 ether);
        _reveal(id, bob, 3 ether);
        _toEnd(id);
        market.finalize(id, bob, bobC);
    }

    function _withdrawBid(uint256 id, address bidder, bytes32 c) internal {
        vm.prank(bidder);
        market.withdrawBid(id, c, bidder);
    }

    function _status(uint256 id) internal view returns (ISoukMarket.EscrowStatus) {
        return market.getEscrow(id).status;
    }

    function _eth(address account) internal view returns (uint256) {
        return market.withdrawable(account, address(0));
    }

    /// @dev What the seller is credited of a released price: the price minus the protocol fee (rounded down).
    function _net(uint256 share) internal pure returns (uint256) {
        return share - _protocolFee(share);
    }

    function _protocolFee(uint256 amount) internal pure returns (uint256) {
        return amount * PROTOCOL_FEE / 10_000;
    }

    /// @dev The most an arbiter can give the buyer (a decision wholly for the buyer): the price minus the
    ///      arbiter's fee and the protocol fee on the decided amount, price - arbiter fee. 1.8905 ether for
    ///      the fixture's 2-ether sale at 5%.
    function _forBuyer(uint256 price, uint256 feeBps) internal pure returns (uint256) {
        uint256 decided = price - price * feeBps / 10_000;
        return decided - _protocolFee(decided);
    }

    /// @dev The buyer disputes a fixture listing and chooses the fixture arbiter.
    function _disputeAs(uint256 id, address buyer) internal {
        vm.prank(buyer);
        market.dispute(id, _set(), arbiter);
    }
}
