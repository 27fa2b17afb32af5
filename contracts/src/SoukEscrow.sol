// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukStorage} from "./SoukStorage.sol";

/// @title SoukEscrow
/// @notice The escrow half of the Souk market, its arbiter registry and the ratings. Every sale (auction or
///         buy now) leaves its price in an escrow of this singleton. Each state has exactly one set of
///         allowed actions at any second:
///         - Funded: the seller ships (`markShipped`) or refunds, the buyer confirms or disputes;
///         - Shipped, before the confirm deadline: the buyer confirms or disputes, the seller refunds;
///           from the deadline on: only `claimTimeout` (release to the seller);
///         - Disputed, before the dispute deadline: the chosen arbiter resolves (and earns its fee), the
///           buyer confirms or the seller refunds (no fee); from the deadline on: only `claimTimeout` (refund).
///         Only the buyer disputes, and it chooses the arbiter from the listing's set: the seller named the
///         candidates, the buyer picks the judge, so neither side alone decides who decides. The arbiter has
///         no say outside a dispute, and is paid only for deciding one. Arbiters opt in with their terms
///         (`registerArbiter`); the contract keeps each arbiter's record (`getArbiter`). Outcomes are
///         credited to `withdrawable` balances (pull payments). PROTOCOL_FEE_BPS goes to the treasury on
///         every completed sale (of the price) and on every arbiter decision (of the price minus the arbiter's
///         fee, whatever the split); refunds by the seller or by timeout pay none. Once closed, each party
///         rates the other (`rate`), and the arbiter if it decided.
abstract contract SoukEscrow is SoukStorage {
    // ------------------------------------------------------------------------------------------------
    // Arbiters
    // ------------------------------------------------------------------------------------------------

    /// @notice Opt in as an arbiter (or change one's terms): listings may then name the caller if they pay
    ///         it at least `minFeeBps` and give it at least `minDisputeWindow` to decide. Listings keep the
    ///         terms they were created with. The record, and the time of the first registration, are kept
    ///         across re-registrations, so an arbiter's age can be neither reset nor chosen.
    /// @param minFeeBps The smallest fee, in basis points of the price, a listing must pay (<= 1,000). A
    ///        non-zero minimum is what makes a self-dealt case cost the self-dealer something beyond gas.
    /// @param minDisputeWindow The shortest dispute window, in seconds, a listing must give (<= MAX_WINDOW).
    /// @param metadataCid CID of the arbiter's public profile document (1..128 bytes).
    function registerArbiter(uint16 minFeeBps, uint32 minDisputeWindow, string calldata metadataCid) external {
        if (msg.sender == TREASURY) revert TreasuryCannotTrade();
        if (minFeeBps > MAX_ARBITER_FEE_BPS) revert FeeTooHigh();
        if (minDisputeWindow > MAX_WINDOW) revert WindowTooLong();
        if (bytes(metadataCid).length == 0 || bytes(metadataCid).length > MAX_METADATA_LENGTH) {
            revert InvalidMetadata();
        }
        Arbiter storage a = _arbiters[msg.sender];
        // Slot A: replace registered | minFeeBps | minDisputeWindow (the lowest 56 bits), keep the counters.
        // Slot B: registeredAt only if it was never set, so re-registering keeps the arbiter's age.
        uint256 terms =
            1 | uint256(minFeeBps) << ARBITER_MIN_FEE_SHIFT | uint256(minDisputeWindow) << ARBITER_MIN_WINDOW_SHIFT;
        assembly ("memory-safe") {
            sstore(a.slot, or(and(sload(a.slot), not(0xffffffffffffff)), terms))
            let b := add(a.slot, 1)
            let record := sload(b)
            if iszero(and(shr(ARBITER_REGISTERED_AT_SHIFT, record), 0xffffffff)) {
                sstore(b, or(record, shl(ARBITER_REGISTERED_AT_SHIFT, timestamp())))
            }
        }
        _arbiterMetadata[msg.sender] = metadataCid;
        emit ArbiterRegistered(msg.sender, minFeeBps, minDisputeWindow, metadataCid);
    }

    /// @notice Stop accepting new listings. Listings that already name the caller keep it in their set.
    function unregisterArbiter() external {
        Arbiter storage a = _arbiters[msg.sender];
        if (!a.registered) revert ArbiterNotRegistered();
        a.registered = false;
        emit ArbiterUnregistered(msg.sender);
    }

    /// @notice An arbiter's terms and track record, in one call (all zero for an unknown address).
    /// @param arbiter The arbiter.
    function getArbiter(address arbiter) external view returns (ArbiterView memory) {
        Arbiter storage a = _arbiters[arbiter]; // a pointer, not a copy: less bytecode
        return ArbiterView({
            registered: a.registered,
            minFeeBps: a.minFeeBps,
            minDisputeWindow: a.minDisputeWindow,
            registeredAt: a.registeredAt,
            metadataCid: _arbiterMetadata[arbiter],
            disputes: a.disputes,
            decidedForBuyer: a.forBuyer,
            decidedForSeller: a.forSeller,
            decidedSplit: a.split,
            timedOut: a.timedOut,
            settledByParties: a.settled,
            valueDecided: a.valueDecided
        });
    }

    // ------------------------------------------------------------------------------------------------
    // Escrow
    // ------------------------------------------------------------------------------------------------

    /// @notice Seller: the item is on its way. Starts the buyer's confirm window; when it ends without a
    ///         confirmation, refund or dispute, the seller can `claimTimeout`.
    /// @param listingId The sold listing.
    function markShipped(uint256 listingId) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Funded) revert WrongEscrowStatus();
        Listing storage l = _listings[listingId];
        if (msg.sender != l.seller) revert NotSeller();
        uint32 deadline = _deadline(l.confirmWindow);
        _storeEscrow(listingId, e.buyer, EscrowStatus.Shipped, e.flags, deadline);
        emit Shipped(listingId, deadline);
    }

    /// @notice Buyer: the item arrived as described; release the price to the seller (no arbiter fee; the
    ///         protocol fee comes off the seller's share). Allowed while the escrow is open and its deadline
    ///         has not passed, also during a dispute (which it then ends).
    /// @param listingId The sold listing.
    function confirm(uint256 listingId) external {
        Escrow memory e = _openEscrow(listingId);
        if (msg.sender != e.buyer) revert NotBuyer();
        if (e.status == EscrowStatus.Disputed) _count(_listings[listingId].arbiter, ARBITER_SETTLED_SHIFT);
        _release(listingId, e);
    }

    /// @notice Seller: give the buyer the whole price back (no arbiter fee, no protocol fee). Allowed while
    ///         the escrow is open and its deadline has not passed, also during a dispute (which it then ends).
    /// @param listingId The sold listing.
    function refund(uint256 listingId) external {
        Escrow memory e = _openEscrow(listingId);
        Listing storage l = _listings[listingId];
        if (msg.sender != l.seller) revert NotSeller();
        if (e.status == EscrowStatus.Disputed) _count(l.arbiter, ARBITER_SETTLED_SHIFT);
        _refund(listingId, e);
    }

    /// @notice Buyer: ask an arbiter of the listing's set to decide, before shipping or within the confirm
    ///         window. The buyer names the set exactly as listed (from the ListingCreated log; it must hash
    ///         to the listing's key) and chooses `arbiter` from it, which then has the listing's dispute
    ///         window; after it the buyer is refunded by `claimTimeout`. Only the buyer disputes: a seller
    ///         who disputed could hand the case to an arbiter it controls; its remedies are `refund` and,
    ///         after the confirm window, `claimTimeout`.
    /// @param listingId The sold listing.
    /// @param arbiters The listing's arbiter set, in the order of its ListingCreated log.
    /// @param arbiter The chosen arbiter, one of `arbiters`, not the buyer.
    function dispute(uint256 listingId, address[] calldata arbiters, address arbiter) external {
        Escrow memory e = _openEscrow(listingId);
        if (e.status == EscrowStatus.Disputed) revert WrongEscrowStatus();
        if (msg.sender != e.buyer) revert NotBuyer();
        Listing storage l = _listings[listingId];
        if (_arbiterKey(arbiters) != l.arbiter) revert WrongArbiterSet();
        // The set hashed to the listing's key, so it is not empty.
        uint256 i;
        while (arbiters[i] != arbiter) {
            if (++i == arbiters.length) revert WrongArbiterSet();
        }
        if (arbiter == msg.sender) revert ArbiterIsBuyer();
        uint32 deadline = _deadline(l.disputeWindow);
        _storeEscrow(listingId, e.buyer, EscrowStatus.Disputed, e.flags | E_DISPUTED, deadline);
        // From here on the listing's arbiter is the chosen one: resolve, claimTimeout, confirm and refund
        // read it exactly as they would a single named arbiter.
        l.arbiter = arbiter;
        _count(arbiter, ARBITER_DISPUTES_SHIFT);
        emit Disputed(listingId, msg.sender, arbiter, deadline);
    }

    /// @notice Chosen arbiter: decide an open dispute before its deadline. The arbiter's fee comes off the
    ///         price first, then the protocol fee: PROTOCOL_FEE_BPS of the decided amount (price - fee),
    ///         rounded down, whatever the split, so that no decision (not even one wholly for the buyer) is
    ///         free to fake. `toBuyer` of the rest goes to the buyer and the remainder to the seller. Records
    ///         the decision, and for ETH listings the price, in the arbiter's record.
    /// @param listingId The disputed listing.
    /// @param toBuyer Amount refunded to the buyer, at most rest = price - fee - protocol fee (0 = release,
    ///        rest = refund, anything between = split; above rest: SplitTooLarge).
    function resolve(uint256 listingId, uint256 toBuyer) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Disputed) revert WrongEscrowStatus();
        Listing storage l = _listings[listingId];
        if (msg.sender != l.arbiter) revert NotArbiter();
        if (block.timestamp >= e.deadline) revert DisputeExpired();
        uint256 price = _auctions[listingId].second;
        uint256 fee = price * l.arbiterFeeBps / BPS;
        uint256 protocolFee = (price - fee) * PROTOCOL_FEE_BPS / BPS;
        uint256 rest = price - fee - protocolFee;
        if (toBuyer > rest) revert SplitTooLarge();
        (EscrowStatus outcome, uint256 counter) = toBuyer == 0
            ? (EscrowStatus.Released, ARBITER_FOR_SELLER_SHIFT)
            : toBuyer == rest
                ? (EscrowStatus.Refunded, ARBITER_FOR_BUYER_SHIFT)
                : (EscrowStatus.Split, ARBITER_SPLIT_SHIFT);
        // Token amounts are not comparable across tokens, so valueDecided sums ETH prices only.
        _decided(msg.sender, counter, l.currencyId == 0 ? price : 0);
        _close(listingId, e, outcome, toBuyer, rest - toBuyer, fee, protocolFee, E_RESOLVED);
    }

    /// @notice Anyone: apply a timeout. A shipped item whose confirm window passed is released to the seller;
    ///         a dispute the arbiter did not decide in time refunds the buyer. No arbiter fee in either case;
    ///         the release pays the protocol fee, the refund does not (nobody decided, no trade completed).
    /// @param listingId The sold listing.
    function claimTimeout(uint256 listingId) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Shipped && e.status != EscrowStatus.Disputed) revert WrongEscrowStatus();
        if (block.timestamp < e.deadline) revert TimeoutNotReached();
        if (e.status == EscrowStatus.Shipped) {
            _release(listingId, e);
        } else {
            _count(_listings[listingId].arbiter, ARBITER_TIMED_OUT_SHIFT);
            _refund(listingId, e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Ratings
    // ------------------------------------------------------------------------------------------------

    /// @notice Buyer or seller of a closed escrow (Released, Refunded or Split): rate the other party, or
    ///         (`ofArbiter`) the arbiter that decided the dispute with `resolve`. Each of the four ratings
    ///         once. Only the Rated event records it; a rating's weight is what its trade paid beyond gas,
    ///         arbiterFee + protocolFee of the listing's EscrowSettled log, which readers join.
    /// @param listingId The sold listing.
    /// @param ofArbiter true: rate the arbiter that decided; false: rate the other party.
    /// @param score Negative, Neutral or Positive.
    /// @param review sha2-256 digest of the CID of a dag-cbor review document, or zero for none.
    function rate(uint256 listingId, bool ofArbiter, Score score, bytes32 review) external {
        // The escrow word is read once and written once with the new bit (cold read, warm write).
        Escrow storage es = _escrows[listingId];
        uint256 e;
        assembly ("memory-safe") {
            e := sload(es.slot)
        }
        address buyer = address(uint160(e));
        Listing storage l = _listings[listingId];
        address subject;
        uint256 bit;
        if (msg.sender == buyer) {
            (subject, bit) = ofArbiter ? (l.arbiter, BUYER_RATED_ARBITER) : (l.seller, RATED_SELLER);
        } else if (msg.sender == l.seller) {
            (subject, bit) = ofArbiter ? (l.arbiter, SELLER_RATED_ARBITER) : (buyer, RATED_BUYER);
        } else {
            revert NotEscrowParty();
        }
        if (uint8(e >> ESCROW_STATUS_SHIFT) < uint8(EscrowStatus.Released)) revert NotClosed();
        uint256 flags = uint8(e >> ESCROW_FLAGS_SHIFT);
        if (ofArbiter && flags & E_RESOLVED == 0) revert NoArbiterDecision();
        if (flags & bit != 0) revert AlreadyRated();
        assembly ("memory-safe") {
            sstore(es.slot, or(e, shl(ESCROW_FLAGS_SHIFT, bit)))
        }
        emit Rated(listingId, msg.sender, subject, score, review);
    }

    // ------------------------------------------------------------------------------------------------
    // Withdrawals
    // ------------------------------------------------------------------------------------------------

    /// @notice Withdraw the caller's whole balance of `token` (address(0) = ETH) to `to`: escrow outcomes,
    ///         the winner's change from finalize, penalties and protocol fees (treasury), across all
    ///         listings. A receiver that reverts only blocks its own withdrawal; it can name another `to`.
    /// @param token The ERC-20, or address(0) for ETH.
    /// @param to Recipient of the funds.
    function withdraw(address token, address to) external nonReentrant {
        if (to == address(0)) revert InvalidRecipient();
        uint256 amount = withdrawable[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw();
        withdrawable[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, to, amount);
        _send(token, to, amount);
    }

    // ------------------------------------------------------------------------------------------------

    /// @dev The escrow, if the buyer or seller may still act on it now: Funded, or Shipped / Disputed
    ///      before their deadline. From the deadline on only claimTimeout applies.
    function _openEscrow(uint256 listingId) private view returns (Escrow memory e) {
        e = _escrows[listingId];
        if (e.status == EscrowStatus.None || e.status > EscrowStatus.Disputed) revert EscrowNotOpen();
        if (e.status != EscrowStatus.Funded && block.timestamp >= e.deadline) {
            if (e.status == EscrowStatus.Shipped) revert ConfirmWindowClosed();
            revert DisputeExpired();
        }
    }

    /// @dev The whole price to the seller (confirm, or the confirm window passed): the sale completed, so
    ///      PROTOCOL_FEE_BPS of the price (rounded down) goes to the treasury and the rest to the seller.
    function _release(uint256 listingId, Escrow memory e) private {
        uint256 price = _auctions[listingId].second;
        uint256 protocolFee = price * PROTOCOL_FEE_BPS / BPS;
        _close(listingId, e, EscrowStatus.Released, 0, price - protocolFee, 0, protocolFee, 0);
    }

    /// @dev The whole price back to the buyer (the seller's refund, or a dispute timed out): no trade
    ///      completed and nobody decided, so no fee of any kind.
    function _refund(uint256 listingId, Escrow memory e) private {
        _close(listingId, e, EscrowStatus.Refunded, _auctions[listingId].second, 0, 0, 0, 0);
    }

    /// @dev Closes an escrow: credits the four parts of the price, which the callers computed so that
    ///      toBuyer + toSeller + arbiterFee + protocolFee == price. `flag` is E_RESOLVED or 0.
    function _close(
        uint256 listingId,
        Escrow memory e,
        EscrowStatus outcome,
        uint256 toBuyer,
        uint256 toSeller,
        uint256 arbiterFee,
        uint256 protocolFee,
        uint8 flag
    ) private {
        _storeEscrow(listingId, e.buyer, outcome, e.flags | flag, e.deadline);
        Listing storage l = _listings[listingId];
        address token = _tokenOf(l);
        _credit(e.buyer, token, toBuyer);
        _credit(l.seller, token, toSeller);
        if (arbiterFee != 0) _credit(l.arbiter, token, arbiterFee);
        _credit(TREASURY, token, protocolFee);
        emit EscrowSettled(listingId, outcome, toBuyer, toSeller, arbiterFee, protocolFee);
    }
}
