// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukStorage} from "./SoukStorage.sol";

/// @title SoukEscrow
/// @notice The escrow half of the Souk market and its arbiter registry. Every sale (auction or buy now)
///         leaves its price in an escrow of this singleton. Each state has exactly one set of allowed
///         actions at any second:
///         - Funded: the seller ships (`markShipped`) or refunds, the buyer confirms, either disputes;
///         - Shipped, before the confirm deadline: the buyer confirms, the seller refunds, either disputes;
///           from the deadline on: only `claimTimeout` (release to the seller);
///         - Disputed, before the dispute deadline: the arbiter resolves (and earns its fee), the buyer
///           confirms or the seller refunds (no fee); from the deadline on: only `claimTimeout` (refund).
///         The arbiter has no say outside a dispute, and is paid only for deciding one. Arbiters opt in with
///         `registerArbiter`; the contract keeps each arbiter's record (`getArbiter`).
///         Outcomes are credited to `withdrawable` balances (pull payments).
abstract contract SoukEscrow is SoukStorage {
    // ------------------------------------------------------------------------------------------------
    // Arbiters
    // ------------------------------------------------------------------------------------------------

    /// @notice Opt in as an arbiter (or change one's terms): listings may then name the caller, paying at
    ///         most `maxFeeBps`. Listings keep the fee they were created with. The record is kept across
    ///         re-registrations.
    /// @param maxFeeBps The largest fee, in basis points of the price, a listing may pay (<= 1,000).
    /// @param metadataCid CID of the arbiter's public profile document (1..128 bytes).
    function registerArbiter(uint16 maxFeeBps, string calldata metadataCid) external {
        if (msg.sender == TREASURY) revert TreasuryCannotTrade();
        if (maxFeeBps > MAX_ARBITER_FEE_BPS) revert FeeTooHigh();
        if (bytes(metadataCid).length == 0 || bytes(metadataCid).length > MAX_METADATA_LENGTH) {
            revert InvalidMetadata();
        }
        Arbiter storage a = _arbiters[msg.sender];
        a.registered = true;
        a.maxFeeBps = maxFeeBps;
        _arbiterMetadata[msg.sender] = metadataCid;
        emit ArbiterRegistered(msg.sender, maxFeeBps, metadataCid);
    }

    /// @notice Stop accepting new listings. Listings that already name the caller keep it as arbiter.
    function unregisterArbiter() external {
        Arbiter storage a = _arbiters[msg.sender];
        if (!a.registered) revert ArbiterNotRegistered();
        a.registered = false;
        emit ArbiterUnregistered(msg.sender);
    }

    /// @notice An arbiter's terms and track record, in one call (all zero for an unknown address).
    /// @param arbiter The arbiter.
    function getArbiter(address arbiter) external view returns (ArbiterView memory) {
        Arbiter memory a = _arbiters[arbiter];
        return ArbiterView({
            registered: a.registered,
            maxFeeBps: a.maxFeeBps,
            metadataCid: _arbiterMetadata[arbiter],
            disputes: a.disputes,
            decidedForBuyer: a.forBuyer,
            decidedForSeller: a.forSeller,
            decidedSplit: a.split,
            timedOut: a.timedOut,
            settledByParties: a.settled
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
        _escrows[listingId] = Escrow(e.buyer, EscrowStatus.Shipped, e.flags, deadline);
        emit Shipped(listingId, deadline);
    }

    /// @notice Buyer: the item arrived as described; release the price to the seller (no arbiter fee).
    ///         Allowed while the escrow is open and its deadline has not passed, also during a dispute
    ///         (which it then ends).
    /// @param listingId The sold listing.
    function confirm(uint256 listingId) external {
        Escrow memory e = _openEscrow(listingId);
        if (msg.sender != e.buyer) revert NotBuyer();
        if (e.status == EscrowStatus.Disputed) _count(_listings[listingId].arbiter, ARBITER_SETTLED_SHIFT);
        _close(listingId, e.buyer, EscrowStatus.Released, 0, 0);
    }

    /// @notice Seller: give the buyer the whole price back (no arbiter fee). Allowed while the escrow is open
    ///         and its deadline has not passed, also during a dispute (which it then ends).
    /// @param listingId The sold listing.
    function refund(uint256 listingId) external {
        Escrow memory e = _openEscrow(listingId);
        Listing storage l = _listings[listingId];
        if (msg.sender != l.seller) revert NotSeller();
        if (e.status == EscrowStatus.Disputed) _count(l.arbiter, ARBITER_SETTLED_SHIFT);
        _close(listingId, e.buyer, EscrowStatus.Refunded, _auctions[listingId].second, 0);
    }

    /// @notice Buyer or seller: ask the arbiter to decide, before shipping or within the confirm window. The
    ///         arbiter then has the listing's dispute window; after it the buyer is refunded by `claimTimeout`.
    /// @param listingId The sold listing.
    function dispute(uint256 listingId) external {
        Escrow memory e = _openEscrow(listingId);
        if (e.status == EscrowStatus.Disputed) revert WrongEscrowStatus();
        Listing storage l = _listings[listingId];
        uint8 flags = e.flags | E_DISPUTED;
        if (msg.sender == l.seller) flags |= E_DISPUTED_BY_SELLER;
        else if (msg.sender != e.buyer) revert NotEscrowParty();
        uint32 deadline = _deadline(l.disputeWindow);
        _escrows[listingId] = Escrow(e.buyer, EscrowStatus.Disputed, flags, deadline);
        _count(l.arbiter, ARBITER_DISPUTES_SHIFT);
        emit Disputed(listingId, msg.sender, deadline);
    }

    /// @notice Arbiter: decide an open dispute before its deadline. The arbiter's fee comes off the price
    ///         first; `toBuyer` of the rest goes to the buyer and the remainder to the seller.
    /// @param listingId The disputed listing.
    /// @param toBuyer Amount refunded to the buyer, at most price - fee (0 = release, price - fee = refund).
    function resolve(uint256 listingId, uint256 toBuyer) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Disputed) revert WrongEscrowStatus();
        Listing storage l = _listings[listingId];
        if (msg.sender != l.arbiter) revert NotArbiter();
        if (block.timestamp >= e.deadline) revert DisputeExpired();
        uint256 price = _auctions[listingId].second;
        uint256 fee = price * l.arbiterFeeBps / BPS;
        uint256 rest = price - fee;
        if (toBuyer > rest) revert SplitTooLarge();
        (EscrowStatus outcome, uint256 counter) = toBuyer == 0
            ? (EscrowStatus.Released, ARBITER_FOR_SELLER_SHIFT)
            : toBuyer == rest
                ? (EscrowStatus.Refunded, ARBITER_FOR_BUYER_SHIFT)
                : (EscrowStatus.Split, ARBITER_SPLIT_SHIFT);
        _count(msg.sender, counter);
        _close(listingId, e.buyer, outcome, toBuyer, fee);
    }

    /// @notice Anyone: apply a timeout. A shipped item whose confirm window passed is released to the seller;
    ///         a dispute the arbiter did not decide in time refunds the buyer. No arbiter fee in either case.
    /// @param listingId The sold listing.
    function claimTimeout(uint256 listingId) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Shipped && e.status != EscrowStatus.Disputed) revert WrongEscrowStatus();
        if (block.timestamp < e.deadline) revert TimeoutNotReached();
        if (e.status == EscrowStatus.Shipped) {
            _close(listingId, e.buyer, EscrowStatus.Released, 0, 0);
        } else {
            _count(_listings[listingId].arbiter, ARBITER_TIMED_OUT_SHIFT);
            _close(listingId, e.buyer, EscrowStatus.Refunded, _auctions[listingId].second, 0);
        }
    }

    /// @notice Withdraw the caller's whole balance of `token` (address(0) = ETH) to `to`: escrow outcomes,
    ///         the winner's change from finalize, penalties (treasury), across all listings. A receiver that
    ///         reverts only blocks its own withdrawal; it can name another `to`.
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

    /// @dev Closes an escrow: the price splits into toBuyer + fee + the rest to the seller, all credited.
    function _close(uint256 listingId, address buyer, EscrowStatus outcome, uint256 toBuyer, uint256 fee) private {
        _escrows[listingId].status = outcome;
        Listing storage l = _listings[listingId];
        address token = _tokenOf(l);
        uint256 toSeller = _auctions[listingId].second - toBuyer - fee;
        _credit(buyer, token, toBuyer);
        _credit(l.seller, token, toSeller);
        _credit(l.arbiter, token, fee);
        emit EscrowSettled(listingId, outcome, toBuyer, toSeller, fee);
    }
}
