// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {ISoukMarket} from "./ISoukMarket.sol";

/// @title SoukStorage
/// @notice Storage layout, constants and money-moving helpers shared by the auction and escrow halves of
///         the Souk market. Every struct is packed on purpose; the hot paths (bid, reveal, vote) each touch
///         the fewest slots possible, see docs/contracts.md for the gas reasoning.
abstract contract SoukStorage is ISoukMarket, ReentrancyGuardTransient {
    /// @notice Largest bid amount, deposit or price: amounts are stored as uint88 (3.09e26 units).
    uint256 public constant MAX_AMOUNT = type(uint88).max;
    /// @notice Cap on the arbiter's fee: 10% of the price.
    uint256 public constant MAX_ARBITER_FEE_BPS = 1_000;
    /// @notice Share of an unrevealed (or disqualified winning) bid's deposit credited to the seller: 1%.
    uint256 public constant UNREVEALED_PENALTY_BPS = 100;
    /// @notice Longest confirm or dispute window.
    uint256 public constant MAX_WINDOW = 365 days;

    uint256 internal constant BPS = 10_000;

    // Auction.flags
    uint8 internal constant F_TOKEN = 1; // paid in an ERC-20 (Listing.currencyId != 0)
    uint8 internal constant F_BUY_NOW = 2; // fixed-price listing
    uint8 internal constant F_HAS_BIDS = 4; // at least one bid placed: no cancel, no content change
    uint8 internal constant F_CANCELLED = 8;
    uint8 internal constant F_FINALIZED = 16; // auction closed or fixed-price item bought
    uint8 internal constant F_SOLD = 32; // an escrow exists for this listing
    uint8 internal constant F_CONFLICT = 64; // the highest bidder was the seller or the arbiter

    // Bit offsets inside the packed Auction slot (declaration order, lowest bits first)
    uint256 internal constant AUCTION_BIDDING_END_SHIFT = 176;
    uint256 internal constant AUCTION_FLAGS_SHIFT = 240;

    // Bit offsets inside the packed Escrow slot
    uint256 internal constant ESCROW_STATUS_SHIFT = 160;
    uint256 internal constant ESCROW_VOTES_SHIFT = 168;
    uint256 internal constant ESCROW_DEADLINE_SHIFT = 176;

    // Bid.state
    uint8 internal constant B_REVEALED = 1;
    uint8 internal constant B_LEADING = 2; // took the lead when revealed

    // Escrow.votes: release bit (1 << role), refund bit (8 << role)
    uint256 internal constant ROLE_BUYER = 0;
    uint256 internal constant ROLE_SELLER = 1;
    uint256 internal constant ROLE_ARBITER = 2;

    /// @dev Terms read after listing. 2 slots, both written once by list():
    ///      slot 0: seller (160) | price (88)                                          = 248 bits
    ///      slot 1: arbiter (160) | arbiterFeeBps (16) | confirmWindow (32) | disputeWindow (32)
    ///              | currencyId (16)                                                  = 256 bits
    ///      The content hash and category are only in the ListingCreated / ContentHashUpdated logs:
    ///      nothing on chain reads them, and a third slot would cost every listing 22,100 gas.
    struct Listing {
        address seller;
        uint88 price; // reserve (auction) or price (buy now)
        address arbiter;
        uint16 arbiterFeeBps;
        uint32 confirmWindow;
        uint32 disputeWindow;
        uint16 currencyId; // 0 = ETH, else a key of _currencies
    }

    /// @dev The hot auction slot, written non-zero by list() so that bids and reveals only update it.
    ///      highest (88) | second (88) | biddingEnd (32) | revealEnd (32) | flags (8) = 248 bits.
    ///      The currency kind and listing kind sit in `flags` so that bid() reads this one slot only.
    ///      Once sold, `second` holds the price that sits in escrow.
    struct Auction {
        uint88 highest;
        uint88 second;
        uint32 biddingEnd;
        uint32 revealEnd;
        uint8 flags;
    }

    /// @dev One slot per sealed bid, at storage slot keccak256(abi.encode(listingId, bidder, commitment))
    ///      (see _bidSlot; no mapping, so one hash instead of two). A copied commitment therefore lands
    ///      in the copier's own slot and can never be revealed by them.
    ///      deposit (88) | amount (88) | state (8) = 184 bits. The leader's address is not stored: the
    ///      winning bid is the LEADING bid whose amount equals Auction.highest, proven at finalize.
    struct Bid {
        uint88 deposit;
        uint88 amount;
        uint8 state;
    }

    /// @dev One slot per sale, created by finalize()/buy(); votes only update it.
    ///      buyer (160) | status (8) | votes (8) | deadline (32) = 208 bits. The price is Auction.second.
    struct Escrow {
        address buyer;
        EscrowStatus status;
        uint8 votes;
        uint32 deadline;
    }

    /// @dev Id the next listing gets (listing ids start at 1).
    uint256 internal _nextListingId;
    mapping(uint256 listingId => Listing) internal _listings;
    mapping(uint256 listingId => Auction) internal _auctions;
    mapping(uint256 listingId => Escrow) internal _escrows;
    /// @notice Pull-payment balances: account => token (address(0) = ETH) => amount.
    mapping(address account => mapping(address token => uint256)) public withdrawable;
    /// @dev ERC-20 registry so a listing stores a 16-bit currency id instead of a 160-bit address.
    mapping(uint16 currencyId => address token) internal _currencies;
    mapping(address token => uint16 currencyId) internal _currencyIds;
    uint16 internal _currencyCount;

    // ------------------------------------------------------------------------------------------------
    // Keys
    // ------------------------------------------------------------------------------------------------

    /// @dev The sealed-bid commitment: keccak256(abi.encode(chainid, market, listingId, bidder, amount, salt)).
    function _commitment(uint256 listingId, address bidder, uint256 amount, bytes32 salt)
        internal
        view
        returns (bytes32 c)
    {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, chainid())
            mstore(add(m, 0x20), address())
            mstore(add(m, 0x40), listingId)
            mstore(add(m, 0x60), and(bidder, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x80), amount)
            mstore(add(m, 0xa0), salt)
            c := keccak256(m, 0xc0)
        }
    }

    /// @dev Storage slot of a bid: keccak256(abi.encode(listingId, bidder, commitment)). A 96-byte preimage
    ///      cannot collide with Solidity's 64-byte mapping preimages.
    function _bidSlot(uint256 listingId, address bidder, bytes32 commitment) internal pure returns (bytes32 slot) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, listingId)
            mstore(add(m, 0x20), and(bidder, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x40), commitment)
            slot := keccak256(m, 0x60)
        }
    }

    function _loadBid(bytes32 slot) internal view returns (Bid memory b) {
        uint256 packed;
        assembly ("memory-safe") {
            packed := sload(slot)
        }
        b.deposit = uint88(packed);
        b.amount = uint88(packed >> 88);
        b.state = uint8(packed >> 176);
    }

    function _storeBid(bytes32 slot, uint256 deposit, uint256 amount, uint256 state) internal {
        assembly ("memory-safe") {
            sstore(slot, or(or(deposit, shl(88, amount)), shl(176, state)))
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Money
    // ------------------------------------------------------------------------------------------------

    function _tokenOf(uint16 currencyId) internal view returns (address) {
        return currencyId == 0 ? address(0) : _currencies[currencyId];
    }

    /// @dev Currency id of `token`, registering it on first use.
    function _currencyIdOf(address token) internal returns (uint16 id) {
        id = _currencyIds[token];
        if (id == 0) {
            if (token.code.length == 0) revert InvalidTerms();
            if (_currencyCount == type(uint16).max) revert TooManyCurrencies();
            id = ++_currencyCount;
            _currencyIds[token] = id;
            _currencies[id] = token;
        }
    }

    function _credit(address account, address token, uint256 amount) internal {
        if (amount != 0) withdrawable[account][token] += amount;
    }

    /// @dev Sends ETH or tokens out. Only called from nonReentrant functions, after all state changes.
    function _send(address token, address to, uint256 amount) internal {
        if (amount == 0) return;
        if (token == address(0)) SafeTransferLib.safeTransferETH(to, amount);
        else SafeTransferLib.safeTransfer(token, to, amount);
    }

    /// @dev Pulls exactly `amount` tokens. Tokens that deliver less (fee-on-transfer) are rejected, so the
    ///      contract's balance always covers what it owes; rebasing tokens are unsupported (see docs).
    function _pull(address token, address from, uint256 amount) internal {
        uint256 before = SafeTransferLib.balanceOf(token, address(this));
        SafeTransferLib.safeTransferFrom(token, from, address(this), amount);
        if (SafeTransferLib.balanceOf(token, address(this)) - before != amount) revert TokenAmountMismatch();
    }
}
