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
    /// @notice Cap on the arbiter's fee, and on an arbiter's registered minimum: 10% of the price.
    uint256 public constant MAX_ARBITER_FEE_BPS = 1_000;
    /// @notice Most arbiters a listing may name; the buyer chooses one of them when disputing.
    uint256 public constant MAX_ARBITERS = 3;
    /// @notice Share of a penalized bid's deposit credited to the treasury: 1%, rounded up (never 0). Paid by
    ///         an unrevealed bid and by a revealed amount below the reserve.
    uint256 public constant UNREVEALED_PENALTY_BPS = 100;
    /// @notice Cap on the protocol fee: 1% of what it is charged on.
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 100;
    /// @notice Longest arbiter metadata CID, in bytes.
    uint256 public constant MAX_METADATA_LENGTH = 128;
    /// @notice Shortest reveal window of an auction (revealEnd - biddingEnd): a person, not a bot, must be
    ///         able to come back and reveal, or every bidder pays the penalty.
    uint256 public constant MIN_REVEAL_WINDOW = 1 hours;
    /// @notice Shortest confirm window: the buyer must have time to receive the item, or dispute, before
    ///         the seller may claim.
    uint256 public constant MIN_CONFIRM_WINDOW = 1 days;
    /// @notice Shortest dispute window: the chosen arbiter must have time to decide before the timeout.
    uint256 public constant MIN_DISPUTE_WINDOW = 1 days;
    /// @notice Longest confirm, dispute or arbiter-minimum window.
    uint256 public constant MAX_WINDOW = 365 days;

    /// @notice EscrowView.ratings bit: the buyer rated the seller.
    uint8 public constant RATED_SELLER = 4;
    /// @notice EscrowView.ratings bit: the seller rated the buyer.
    uint8 public constant RATED_BUYER = 8;
    /// @notice EscrowView.ratings bit: the buyer rated the arbiter that decided the dispute.
    uint8 public constant BUYER_RATED_ARBITER = 16;
    /// @notice EscrowView.ratings bit: the seller rated the arbiter that decided the dispute.
    uint8 public constant SELLER_RATED_ARBITER = 32;

    /// @notice Receives penalties and protocol fees. Fixed at deployment; it may not list, bid, buy or
    ///         arbitrate, so no penalty ever returns to someone who influenced the auction it came from.
    address public immutable TREASURY;
    /// @notice Protocol fee credited to the treasury, in basis points, rounded down; 0..MAX_PROTOCOL_FEE_BPS:
    ///         of the price when a sale completes (confirm, claimTimeout after the confirm window), and of the
    ///         decided amount (price minus the arbiter's fee) on every arbiter decision, whatever the split.
    ///         Refunds by the seller or by a dispute's timeout pay nothing. It makes every completed sale and
    ///         every decided case, and so every rating and every line of an arbiter's record, cost something
    ///         beyond gas.
    uint256 public immutable PROTOCOL_FEE_BPS;

    uint256 internal constant BPS = 10_000;

    // Auction.flags
    uint8 internal constant F_TOKEN = 1; // paid in an ERC-20 (Listing.currencyId != 0)
    uint8 internal constant F_BUY_NOW = 2; // fixed-price listing
    uint8 internal constant F_HAS_BIDS = 4; // at least one bid placed: no cancel, no content change
    uint8 internal constant F_CANCELLED = 8;
    uint8 internal constant F_FINALIZED = 16; // auction closed or fixed-price item bought
    uint8 internal constant F_SOLD = 32; // an escrow exists for this listing

    // Bit offsets inside the packed Auction slot (declaration order, lowest bits first)
    uint256 internal constant AUCTION_SECOND_SHIFT = 88;
    uint256 internal constant AUCTION_BIDDING_END_SHIFT = 176;
    uint256 internal constant AUCTION_REVEAL_END_SHIFT = 208;
    uint256 internal constant AUCTION_FLAGS_SHIFT = 240;
    uint256 internal constant AUCTION_VERSION_SHIFT = 248;

    // Bit offsets inside the packed Listing slots 0 and 1
    uint256 internal constant LISTING_PRICE_SHIFT = 160;
    uint256 internal constant LISTING_FEE_SHIFT = 160;
    uint256 internal constant LISTING_CONFIRM_SHIFT = 176;
    uint256 internal constant LISTING_DISPUTE_SHIFT = 208;
    uint256 internal constant LISTING_CURRENCY_SHIFT = 240;

    // Bid.state
    uint8 internal constant B_REVEALED = 1;
    uint8 internal constant B_LEADING = 2; // took the lead when revealed

    // Bit offsets inside the Arbiter record: slot A (terms, read by list, and three counters) ...
    uint256 internal constant ARBITER_MIN_FEE_SHIFT = 8;
    uint256 internal constant ARBITER_MIN_WINDOW_SHIFT = 24;
    uint256 internal constant ARBITER_DISPUTES_SHIFT = 56;
    uint256 internal constant ARBITER_TIMED_OUT_SHIFT = 88;
    uint256 internal constant ARBITER_SETTLED_SHIFT = 120;
    // ... and slot B (value decided, registration time, decisions; written by resolve)
    uint256 internal constant ARBITER_REGISTERED_AT_SHIFT = 128;
    uint256 internal constant ARBITER_FOR_BUYER_SHIFT = 160;
    uint256 internal constant ARBITER_FOR_SELLER_SHIFT = 192;
    uint256 internal constant ARBITER_SPLIT_SHIFT = 224;

    // Bit offsets inside the packed Escrow slot
    uint256 internal constant ESCROW_STATUS_SHIFT = 160;
    uint256 internal constant ESCROW_FLAGS_SHIFT = 168;
    uint256 internal constant ESCROW_DEADLINE_SHIFT = 176;

    // Escrow.flags (the rating bits above are flags too)
    uint8 internal constant E_DISPUTED = 1; // the buyer disputed: Listing.arbiter is the chosen arbiter
    uint8 internal constant E_RESOLVED = 2; // the chosen arbiter decided the dispute (resolve)
    uint8 internal constant E_RATINGS = RATED_SELLER | RATED_BUYER | BUYER_RATED_ARBITER | SELLER_RATED_ARBITER;

    /// @dev Terms read after listing. 2 slots, both written once by list():
    ///      slot 0: seller (160) | price (88) | unused (8)                             = 248 bits
    ///      slot 1: arbiter (160) | arbiterFeeBps (16) | confirmWindow (32) | disputeWindow (32)
    ///              | currencyId (16)                                                  = 256 bits
    ///      `arbiter` holds the key of the listing's arbiter set (`_arbiterKey`) until the buyer disputes,
    ///      then the arbiter it chose (E_DISPUTED tells which): three addresses would need two more slots
    ///      (44,200 gas per listing), and dispute() reads slot 1 anyway for the window, so swapping the key
    ///      for the choice costs one warm write. The set itself is in the ListingCreated log.
    ///      The content hash and category are only in the ListingCreated / ContentHashUpdated logs (a third
    ///      slot would cost every listing 22,100 gas); `bid` and `buy` check the document through
    ///      Auction.version instead. currencyId is a key of the seller's own currency table.
    struct Listing {
        address seller;
        uint88 price; // reserve (auction) or price (buy now)
        address arbiter; // key of the arbiter set; the chosen arbiter once disputed
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
    ///      flags: E_DISPUTED, E_RESOLVED and the four rating bits, so rate() updates the slot it reads.
    struct Escrow {
        address buyer;
        EscrowStatus status;
        uint8 flags;
        uint32 deadline;
    }

    /// @dev An arbiter's terms and record, two slots (the metadata CID is a separate string):
    ///      slot A: registered (8) | minFeeBps (16) | minDisputeWindow (32) | disputes (32) | timedOut (32)
    ///              | settled (32)                                                    = 152 bits
    ///      slot B: valueDecided (128) | registeredAt (32) | forBuyer (32) | forSeller (32) | split (32) = 256
    ///      list() reads only slot A (one cold read per named arbiter); dispute() and the parties' closes
    ///      bump slot A; resolve() writes only slot B (its counter and valueDecided in one word).
    ///      registeredAt sits in slot B, not A, so that registration makes slot B non-zero: an arbiter's
    ///      first resolve then updates a live word (5,000 gas) instead of creating one (22,100).
    ///      Counters are bumped by _count / _decided (no overflow check: a counter would need 2^32
    ///      disputes on one arbiter, valueDecided 2^40 decisions at the largest price).
    struct Arbiter {
        bool registered;
        uint16 minFeeBps;
        uint32 minDisputeWindow;
        uint32 disputes;
        uint32 timedOut;
        uint32 settled;
        uint128 valueDecided; // starts slot B
        uint32 registeredAt;
        uint32 forBuyer;
        uint32 forSeller;
        uint32 split;
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

    /// @param treasury Receives penalties and protocol fees (see TREASURY).
    /// @param protocolFeeBps The protocol fee (see PROTOCOL_FEE_BPS), at most MAX_PROTOCOL_FEE_BPS.
    constructor(address treasury, uint16 protocolFeeBps) {
        if (treasury == address(0)) revert InvalidRecipient();
        if (protocolFeeBps > MAX_PROTOCOL_FEE_BPS) revert InvalidProtocolFee();
        TREASURY = treasury;
        PROTOCOL_FEE_BPS = protocolFeeBps;
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

    /// @dev Writes a whole escrow word at once (Solidity would read the slot back to keep its unused bits,
    ///      and write member by member).
    function _storeEscrow(uint256 listingId, address buyer, EscrowStatus status, uint256 flags, uint256 deadline)
        internal
    {
        Escrow storage e = _escrows[listingId];
        uint256 word = uint256(uint160(buyer)) | uint256(status) << ESCROW_STATUS_SHIFT | flags << ESCROW_FLAGS_SHIFT
            | deadline << ESCROW_DEADLINE_SHIFT;
        assembly ("memory-safe") {
            sstore(e.slot, word)
        }
    }

    /// @dev Writes a whole auction word at once from its unpacked form (one SSTORE, no read-back).
    function _storeAuction(uint256 listingId, Auction memory a) internal {
        Auction storage s = _auctions[listingId];
        uint256 word = uint256(a.highest) | uint256(a.second) << AUCTION_SECOND_SHIFT | uint256(a.biddingEnd)
            << AUCTION_BIDDING_END_SHIFT | uint256(a.revealEnd) << AUCTION_REVEAL_END_SHIFT | uint256(a.flags)
            << AUCTION_FLAGS_SHIFT | uint256(a.version) << AUCTION_VERSION_SHIFT;
        assembly ("memory-safe") {
            sstore(s.slot, word)
        }
    }

    /// @dev Adds one to the counter at bit offset `shift` of the arbiter's slot A.
    function _count(address arbiter, uint256 shift) internal {
        Arbiter storage a = _arbiters[arbiter];
        assembly ("memory-safe") {
            sstore(a.slot, add(sload(a.slot), shl(shift, 1)))
        }
    }

    /// @dev resolve()'s record in one write of the arbiter's slot B: one more decision at bit offset `shift`
    ///      and `value` (the price of an ETH dispute, else 0) added to valueDecided (its lowest 128 bits).
    function _decided(address arbiter, uint256 shift, uint256 value) internal {
        Arbiter storage a = _arbiters[arbiter];
        assembly ("memory-safe") {
            let b := add(a.slot, 1)
            sstore(b, add(sload(b), or(shl(shift, 1), value)))
        }
    }

    /// @dev The key of an arbiter set stored in Listing.arbiter until a dispute: the lowest 160 bits of
    ///      keccak256(abi.encodePacked(arbiters)), i.e. of the addresses as 32-byte words in the listed
    ///      order. Always hashed, also for a set of one, so a key is never a usable address by itself.
    ///      Hashed straight from calldata: the words are the ABI encoding of the addresses, and an element
    ///      with dirty upper bits (which abi.encodePacked would clean) only makes a key no listing has.
    function _arbiterKey(address[] calldata arbiters) internal pure returns (address key) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            let size := shl(5, arbiters.length)
            calldatacopy(m, arbiters.offset, size)
            key := and(keccak256(m, size), 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }

    /// @dev The bid penalty: UNREVEALED_PENALTY_BPS of the deposit, rounded up, so a deposit of at least 1
    ///      unit always pays at least 1 unit (and never more than the deposit).
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
