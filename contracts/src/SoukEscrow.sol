// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukStorage} from "./SoukStorage.sol";

/// @title SoukEscrow
/// @notice The 2-of-3 escrow half of the Souk market. Every sale (auction or buy now) leaves its price in
///         an escrow of this singleton. Buyer, seller and the arbiter named at listing vote with
///         `msg.sender` only; two matching votes release the price to the seller or refund the buyer. The
///         arbiter may instead decide a split during a dispute. Timeouts make sure every escrow closes:
///         - after `markShipped`, a buyer who neither confirms nor disputes within the confirm window lets
///           the seller claim (`claimTimeout`);
///         - a dispute the arbiter does not decide within the dispute window refunds the buyer
///           (`claimTimeout`).
///         Outcomes are credited to `withdrawable` balances (pull payments). The arbiter earns its fee only
///         when it decides: through `resolve`, or when its vote completes the majority.
abstract contract SoukEscrow is SoukStorage {
    /// @notice Seller: the item is on its way. Starts the buyer's confirm window and counts as the seller's
    ///         vote to release (if the buyer or the arbiter already voted to release, the escrow releases
    ///         now).
    /// @param listingId The sold listing.
    function markShipped(uint256 listingId) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Funded) revert WrongEscrowStatus();
        Listing storage l = _listings[listingId];
        if (msg.sender != l.seller) revert NotSeller();
        uint256 deadline = block.timestamp + l.confirmWindow;
        uint256 votes = (e.votes & ~uint256(8 << ROLE_SELLER)) | (1 << ROLE_SELLER);
        emit Shipped(listingId, deadline);
        uint256 release = votes & 7;
        if (release & (release - 1) != 0) {
            // The buyer (or the arbiter) had already voted to release: that is now a majority.
            _closeByMajority(listingId, e.buyer, true, release & (1 << ROLE_ARBITER) != 0);
        } else {
            _escrows[listingId] = Escrow(e.buyer, EscrowStatus.Shipped, uint8(votes), uint32(deadline));
        }
    }

    /// @notice Buyer, seller or arbiter votes to release the price to the seller (`release = true`) or to
    ///         refund the buyer. A later vote replaces the caller's earlier one. The second matching vote
    ///         closes the escrow; if the arbiter's vote is part of that majority, the arbiter's fee is paid
    ///         out of the price. Votes are refused once an unanswered dispute has expired.
    /// @param listingId The sold listing.
    /// @param release true to release to the seller, false to refund the buyer.
    function vote(uint256 listingId, bool release) external {
        // Hot path (one cold slot plus the role lookup), read and written as the packed Escrow word.
        Escrow storage stored = _escrows[listingId];
        uint256 packed;
        assembly ("memory-safe") {
            packed := sload(stored.slot)
        }
        uint256 status = uint8(packed >> ESCROW_STATUS_SHIFT);
        unchecked {
            // Funded (1), Shipped (2) or Disputed (3); None (0) wraps around.
            if (status - 1 > 2) revert EscrowNotOpen();
        }
        if (status == uint256(EscrowStatus.Disputed) && block.timestamp >= uint32(packed >> ESCROW_DEADLINE_SHIFT)) {
            revert DisputeExpired();
        }
        address buyer = address(uint160(packed));
        uint256 role = _roleOf(listingId, buyer);
        uint256 votes = (uint8(packed >> ESCROW_VOTES_SHIFT) & ~((1 | 8) << role)) | ((release ? uint256(1) : 8) << role);
        emit Voted(listingId, msg.sender, release);
        uint256 side = release ? votes & 7 : votes >> 3;
        if (side & (side - 1) == 0) {
            // No majority yet (at most one bit set on the caller's side).
            assembly ("memory-safe") {
                sstore(stored.slot, or(and(packed, not(shl(ESCROW_VOTES_SHIFT, 0xff))), shl(ESCROW_VOTES_SHIFT, votes)))
            }
            return;
        }
        _closeByMajority(listingId, buyer, release, side & (1 << ROLE_ARBITER) != 0);
    }

    /// @dev Two matching votes: release or refund, minus the arbiter's fee if its vote was one of them.
    function _closeByMajority(uint256 listingId, address buyer, bool release, bool arbiterDecided) private {
        uint256 fee = arbiterDecided ? _arbiterFee(listingId) : 0;
        if (release) _close(listingId, buyer, EscrowStatus.Released, 0, fee);
        else _close(listingId, buyer, EscrowStatus.Refunded, _auctions[listingId].second - fee, fee);
    }

    /// @notice Buyer: open a dispute, before shipping or within the confirm window. The arbiter then has
    ///         the listing's dispute window to decide; after it the buyer can be refunded by `claimTimeout`.
    /// @param listingId The sold listing.
    function dispute(uint256 listingId) external {
        Escrow memory e = _escrows[listingId];
        if (e.status == EscrowStatus.None || e.status > EscrowStatus.Disputed) revert EscrowNotOpen();
        if (msg.sender != e.buyer) revert NotBuyer();
        if (e.status == EscrowStatus.Shipped) {
            if (block.timestamp >= e.deadline) revert ConfirmWindowClosed();
        } else if (e.status != EscrowStatus.Funded) {
            revert WrongEscrowStatus();
        }
        uint256 deadline = block.timestamp + _listings[listingId].disputeWindow;
        _escrows[listingId] = Escrow(e.buyer, EscrowStatus.Disputed, e.votes, uint32(deadline));
        emit Disputed(listingId, deadline);
    }

    /// @notice Arbiter: decide an open dispute before its deadline. The arbiter's fee comes off the price
    ///         first; `toBuyer` of the rest goes to the buyer and the remainder to the seller.
    /// @param listingId The disputed listing.
    /// @param toBuyer Amount refunded to the buyer, at most price - fee (0 = release, price - fee = refund).
    function resolve(uint256 listingId, uint256 toBuyer) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Disputed) revert WrongEscrowStatus();
        if (msg.sender != _listings[listingId].arbiter) revert NotArbiter();
        if (block.timestamp >= e.deadline) revert DisputeExpired();
        uint256 fee = _arbiterFee(listingId);
        uint256 rest = _auctions[listingId].second - fee;
        if (toBuyer > rest) revert SplitTooLarge();
        EscrowStatus outcome =
            toBuyer == 0 ? EscrowStatus.Released : toBuyer == rest ? EscrowStatus.Refunded : EscrowStatus.Split;
        _close(listingId, e.buyer, outcome, toBuyer, fee);
    }

    /// @notice Anyone: apply a timeout. A shipped item whose confirm window passed without a dispute is
    ///         released to the seller; a dispute the arbiter did not decide in time refunds the buyer.
    ///         No arbiter fee in either case.
    /// @param listingId The sold listing.
    function claimTimeout(uint256 listingId) external {
        Escrow memory e = _escrows[listingId];
        if (e.status != EscrowStatus.Shipped && e.status != EscrowStatus.Disputed) revert WrongEscrowStatus();
        if (block.timestamp < e.deadline) revert TimeoutNotReached();
        if (e.status == EscrowStatus.Shipped) {
            _close(listingId, e.buyer, EscrowStatus.Released, 0, 0);
        } else {
            _close(listingId, e.buyer, EscrowStatus.Refunded, _auctions[listingId].second, 0);
        }
    }

    /// @notice Withdraw the caller's whole balance of `token` (address(0) = ETH) to `to`. A receiver that
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

    /// @dev Role of msg.sender in the escrow; reads the seller's slot only if the caller is not the buyer,
    ///      and the arbiter's only if it is neither.
    function _roleOf(uint256 listingId, address buyer) private view returns (uint256) {
        if (msg.sender == buyer) return ROLE_BUYER;
        Listing storage l = _listings[listingId];
        if (msg.sender == l.seller) return ROLE_SELLER;
        if (msg.sender == l.arbiter) return ROLE_ARBITER;
        revert NotEscrowParty();
    }

    function _arbiterFee(uint256 listingId) private view returns (uint256) {
        return uint256(_auctions[listingId].second) * _listings[listingId].arbiterFeeBps / BPS;
    }

    /// @dev Closes an escrow: the price splits into toBuyer + fee + the rest to the seller, all credited.
    function _close(uint256 listingId, address buyer, EscrowStatus outcome, uint256 toBuyer, uint256 fee) private {
        _escrows[listingId].status = outcome;
        Listing storage l = _listings[listingId];
        address token = _tokenOf(l.currencyId);
        uint256 toSeller = _auctions[listingId].second - toBuyer - fee;
        _credit(buyer, token, toBuyer);
        _credit(l.seller, token, toSeller);
        _credit(l.arbiter, token, fee);
        emit EscrowSettled(listingId, outcome, toBuyer, toSeller, fee);
    }
}
