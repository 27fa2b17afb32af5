// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {ISoukMarket} from "./ISoukMarket.sol";

/// @title SoukStorage
/// @notice Storage layout, constants and money-moving helpers shared by the auction and escrow halves of
///         the Souk market. Every struct is packed on purpose; the hot paths (bid, reveal) each touch
///         the fewest slots possible, see docs/contracts.md for the gas reasoning.
abstract contract SoukStorage is ISoukMarket, ReentrancyGuardTransient {
    /// @notice Largest bid amount, deposit or price: amounts are stored as uint88 (3.09e26 units).
    uint256 public constant MAX_AMOUNT = type(uint88).max;
    /// @notice Cap on the arbiter's fee: 10% of the price.
    uint256 public constant MAX_ARBITER_FEE_BPS = 1_000;
    /// @notice Share of an unrevealed bid's deposit credited to the treasury: 1%, rounded up (never 0).
    uint256 public constant UNREVEALED_PENALTY_BPS = 100;
    /// @notice Longest arbiter metadata CID, in bytes.
    uint256 public constant MAX_METADATA_LENGTH = 128;
    /// @notice Receives the unrevealed-bid penalties. Fixed at deployment; it may not list, bid or
    ///         arbitrate, so no penalty ever returns to someone who influenced the auction it came from.
    address public immutable TREASURY;
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

    // Bit offsets inside the packed Auction slot (declaration order, lowest bits first)
    uint256 internal constant AUCTION_BIDDING_END_SHIFT = 176;
    uint256 internal constant AUCTION_FLAGS_SHIFT = 240;
    uint256 internal constant AUCTION_VERSION_SHIFT = 248;

    // Bit offsets inside the packed Listing slot 0
    uint256 internal constant LISTING_PRICE_SHIFT = 160;
    uint256 internal constant LISTING_ARBITER_TAG_SHIFT = 248;

    // Bid.state
    uint8 internal constant B_REVEALED = 1;
    uint8 internal constant B_LEADING = 2; // took the lead when revealed

    // Bit offsets of the Arbiter record's counters
    uint256 internal constant ARBITER_DISPUTES_SHIFT = 24;
    uint256 internal constant ARBITER_FOR_BUYER_SHIFT = 56;
    uint256 internal constant ARBITER_FOR_SELLER_SHIFT = 88;
    uint256 internal constant ARBITER_SPLIT_SHIFT = 120;
    uint256 internal constant ARBITER_TIMED_OUT_SHIFT = 152;
    uint256 internal constant ARBITER_SETTLED_SHIFT = 184;

    // Escrow.flags
    uint8 internal constant E_DISPUTED = 1; // a dispute was opened (stays set after it closes)
    uint8 internal constant E_DISPUTED_BY_SELLER = 2; // ... by the seller (else by the buyer)

    /// @dev Terms read after listing. 2 slots, both written once by list():
    ///      slot 0: seller (160) | price (88) | arbiterTag (8)                         = 256 bits
    ///      slot 1: arbiter (160) | arbiterFeeBps (16) | confirmWindow (32) | disputeWindow (32)
    ///              | currencyId (16)                                                  = 256 bits
    ///      The content hash and category are only in the ListingCreated / ContentHashUpdated logs (a third
    ///      slot would cost every listing 22,100 gas); `bid` and `buy` check the document through
    ///      Auction.version instead. currencyId is a key of the seller's own currency table.
    struct Listing {
        address seller;
        uint88 price; // reserve (auction) or price (buy now)
        /// Lowest byte of the arbiter's address: bid() reads slot 1 to compare the arbiter only when the
        /// bidder's lowest byte matches (1 in 256 bidders), so most bids skip a cold read (2,100 gas).
        uint8 arbiterTag;
        address arbiter;
        uint16 arbiterFeeBps;
        uint32 confirmWindow;
        uint32 disputeWindow;
        uint16 currencyId; // 0 = ETH, else a key of _currencies
    }

    /// @dev The hot auction slot, written non-zero by list() so that bids and reveals only update it.
    ///      highest (88) | second (88) | biddingEnd (32) | revealEnd (32) | flags (8) | version (8) = 256.
    ///      The currency kind, listing kind and content version sit here so that bid() checks them in the
    ///      slot it reads anyway. Once sold, `second` holds the price that sits in escrow.
    struct Auction {
        uint88 highest;
        uint88 second;
        uint32 biddingEnd;
        uint32 revealEnd;
        uint8 flags;
        uint8 version;
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

    /// @dev One slot per sale, created by finalize()/buy().
    ///      buyer (160) | status (8) | flags (8) | deadline (32) = 208 bits. The price is Auction.second.
    struct Escrow {
        address buyer;
        EscrowStatus status;
        uint8 flags;
        uint32 deadline;
    }

    /// @dev An arbiter's terms and record, one slot (216 bits); the metadata CID is a separate string.
    ///      registered (8) | maxFeeBps (16) | disputes (32) | forBuyer (32) | forSeller (32) | split (32)
    ///      | timedOut (32) | settled (32). Counters are bumped by _count (no overflow check: a counter
    ///      would need 2^32 disputes on one arbiter).
    struct Arbiter {
        bool registered;
        uint16 maxFeeBps;
        uint32 disputes;
        uint32 forBuyer;
        uint32 forSeller;
        uint32 split;
        uint32 timedOut;
        uint32 settled;
    }

    /// @dev Id the next listing gets (listing ids start at 1).
    uint256 internal _nextListingId;
    mapping(uint256 listingId => Listing) internal _listings;
    mapping(uint256 listingId => Auction) internal _auctions;
    mapping(uint256 listingId => Escrow) internal _escrows;
    /// @notice Pull-payment balances: account => token (address(0) = ETH) => amount.
    mapping(address account => mapping(address token => uint256)) public withdrawable;
    /// @dev ERC-20 tables so a listing stores a 16-bit currency id instead of a 160-bit address. Each
    ///      seller has its own table: filling it locks out only that seller, never anyone else.
    mapping(address seller => mapping(uint16 currencyId => address token)) internal _currencies;
    mapping(address seller => mapping(address token => uint16 currencyId)) internal _currencyIds;
    mapping(address seller => uint16) internal _currencyCount;
    mapping(address arbiter => Arbiter) internal _arbiters;
    mapping(address arbiter => string) internal _arbiterMetadata;

    constructor(address treasury) {
        if (treasury == address(0)) revert InvalidRecipient();
        TREASURY = treasury;
    }

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

    /// @dev The payment token of a listing (address(0) = ETH).
    function _tokenOf(Listing storage l) internal view returns (address) {
        uint16 currencyId = l.currencyId;
        return currencyId == 0 ? address(0) : _currencies[l.seller][currencyId];
    }

    /// @dev Currency id of `token` in `seller`'s table, registering it on first use.
    function _currencyIdOf(address seller, address token) internal returns (uint16 id) {
        id = _currencyIds[seller][token];
        if (id == 0) {
            if (token.code.length == 0) revert InvalidTerms();
            uint16 count = _currencyCount[seller];
            if (count == type(uint16).max) revert TooManyCurrencies();
            id = count + 1;
            _currencyCount[seller] = id;
            _currencyIds[seller][token] = id;
            _currencies[seller][id] = token;
        }
    }

    /// @dev Adds one to the arbiter record's counter at bit offset `shift`.
    function _count(address arbiter, uint256 shift) internal {
        Arbiter storage a = _arbiters[arbiter];
        assembly ("memory-safe") {
            sstore(a.slot, add(sload(a.slot), shl(shift, 1)))
        }
    }

    /// @dev The unrevealed-bid penalty: UNREVEALED_PENALTY_BPS of the deposit, rounded up, so a deposit
    ///      of at least 1 unit always pays at least 1 unit.
    function _penalty(uint256 deposit) internal pure returns (uint256) {
        return (deposit * UNREVEALED_PENALTY_BPS + BPS - 1) / BPS;
    }

    /// @dev `block.timestamp + window` as a packed uint32 deadline; refuses what would wrap.
    function _deadline(uint256 window) internal view returns (uint32) {
        uint256 deadline = block.timestamp + window;
        if (deadline > type(uint32).max) revert DeadlineTooFar();
        return uint32(deadline);
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
