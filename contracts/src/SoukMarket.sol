// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukEscrow} from "./SoukEscrow.sol";

/// @title SoukMarket
/// @notice The Souk marketplace singleton: listings identified by the content hash of their IPFS
///         document, sealed-bid second-price (Vickrey) auctions in ETH or one ERC-20 per listing, optional
///         fixed-price "buy now" listings, and the 2-of-3 escrow every sale goes through (see SoukEscrow).
///
///         Auction timeline (half-open windows): bids while `now < biddingEnd`, reveals while
///         `biddingEnd <= now < revealEnd`, finalize once when `now >= revealEnd`.
///         Price rule: the winner (highest revealed amount; ties go to the earlier reveal) pays
///         max(second-highest revealed amount, reserve); no revealed amount >= reserve means no sale.
///         Every deposit leaves through its owner's `withdrawBid`: losing and outbid bids in full (as soon as
///         they can no longer win), the winner's minus the price, unrevealed ones after finalize minus a 1%
///         penalty credited to the seller. Nothing loops over bidders.
contract SoukMarket is SoukEscrow {
    /// @dev Listing ids start at 1; writing the counter here makes every list() update a warm, non-zero
    ///      slot (5,000 gas) instead of the first one paying 22,100.
    constructor() {
        _nextListingId = 1;
    }

    /// @notice Number of listings created; listing ids are 1..listingCount().
    function listingCount() external view returns (uint256) {
        return _nextListingId - 1;
    }

    // ------------------------------------------------------------------------------------------------
    // Listing
    // ------------------------------------------------------------------------------------------------

    /// @notice List an item for auction or for a fixed price. The caller is the seller.
    /// @param terms The listing's terms; see ISoukMarket.ListingTerms for each field's rules.
    /// @return listingId The new listing's id (1, 2, ...).
    function list(ListingTerms calldata terms) external returns (uint256 listingId) {
        if (terms.price == 0 || terms.biddingEnd <= block.timestamp) revert InvalidTerms();
        uint32 revealEnd = terms.buyNow ? terms.biddingEnd : terms.revealEnd;
        if (!terms.buyNow && revealEnd <= terms.biddingEnd) revert InvalidTerms();
        if (terms.arbiter == address(0)) revert InvalidTerms();
        if (terms.arbiter == msg.sender) revert ArbiterIsSeller();
        if (terms.arbiterFeeBps > MAX_ARBITER_FEE_BPS) revert FeeTooHigh();
        if (
            terms.confirmWindow == 0 || terms.confirmWindow > MAX_WINDOW || terms.disputeWindow == 0
                || terms.disputeWindow > MAX_WINDOW
        ) revert InvalidTerms();

        uint16 currencyId;
        uint8 flags = terms.buyNow ? F_BUY_NOW : 0;
        if (terms.token != address(0)) {
            currencyId = _currencyIdOf(terms.token);
            flags |= F_TOKEN;
        }
        listingId = _nextListingId;
        unchecked {
            _nextListingId = listingId + 1;
        }
        _listings[listingId] = Listing({
            seller: msg.sender,
            price: terms.price,
            arbiter: terms.arbiter,
            arbiterFeeBps: terms.arbiterFeeBps,
            confirmWindow: terms.confirmWindow,
            disputeWindow: terms.disputeWindow,
            currencyId: currencyId
        });
        _auctions[listingId] =
            Auction({highest: 0, second: 0, biddingEnd: terms.biddingEnd, revealEnd: revealEnd, flags: flags});
        emit ListingCreated(listingId, msg.sender, terms);
    }

    /// @notice Seller: point the listing at a new document, only before the first bid (or sale).
    /// @param listingId The listing.
    /// @param contentHash sha2-256 digest of the new document's CID.
    function updateContentHash(uint256 listingId, bytes32 contentHash) external {
        Auction memory a = _sellerOpenListing(listingId);
        if (block.timestamp >= a.biddingEnd) revert BiddingClosed();
        emit ContentHashUpdated(listingId, contentHash);
    }

    /// @notice Seller: withdraw the listing, only before the first bid (or sale).
    /// @param listingId The listing.
    function cancel(uint256 listingId) external {
        Auction memory a = _sellerOpenListing(listingId);
        _auctions[listingId].flags = a.flags | F_CANCELLED;
        emit ListingCancelled(listingId);
    }

    function _sellerOpenListing(uint256 listingId) private view returns (Auction memory a) {
        a = _auctions[listingId];
        if (a.biddingEnd == 0) revert UnknownListing();
        if (_listings[listingId].seller != msg.sender) revert NotSeller();
        if (a.flags & F_HAS_BIDS != 0) revert HasBids();
        if (a.flags & (F_CANCELLED | F_FINALIZED) != 0) revert ListingClosed();
    }

    // ------------------------------------------------------------------------------------------------
    // Sealed bids
    // ------------------------------------------------------------------------------------------------

    /// @notice Place a sealed bid on an ETH auction; `msg.value` is the deposit and must be >= the amount
    ///         that will be revealed (bid more than you mean to hide your amount). Several bids per bidder
    ///         are fine, each with its own commitment.
    /// @param listingId The auction.
    /// @param commitment keccak256(abi.encode(chainId, market, listingId, msg.sender, amount, salt)).
    function bid(uint256 listingId, bytes32 commitment) external payable {
        _placeBid(listingId, commitment, msg.value, 0);
    }

    /// @notice Place a sealed bid on an ERC-20 auction; `deposit` tokens are pulled (approve first).
    /// @param listingId The auction.
    /// @param commitment keccak256(abi.encode(chainId, market, listingId, msg.sender, amount, salt)).
    /// @param deposit Tokens to lock, >= the amount that will be revealed.
    function bidWithToken(uint256 listingId, bytes32 commitment, uint256 deposit) external nonReentrant {
        _placeBid(listingId, commitment, deposit, F_TOKEN);
        _pull(_tokenOf(_listings[listingId].currencyId), msg.sender, deposit);
    }

    /// @dev The hottest path (one cold read of the auction slot, one new bid slot, one flag update on the
    ///      first bid), written against the packed layout directly so that nothing is loaded twice.
    function _placeBid(uint256 listingId, bytes32 commitment, uint256 deposit, uint256 currencyFlag) private {
        Auction storage a = _auctions[listingId];
        uint256 packed;
        assembly ("memory-safe") {
            packed := sload(a.slot)
        }
        uint256 biddingEnd = uint32(packed >> AUCTION_BIDDING_END_SHIFT);
        uint256 flags = packed >> AUCTION_FLAGS_SHIFT;
        if (block.timestamp >= biddingEnd) {
            if (biddingEnd == 0) revert UnknownListing();
            revert BiddingClosed();
        }
        if (flags & (F_TOKEN | F_BUY_NOW | F_CANCELLED) != currencyFlag) {
            if (flags & F_BUY_NOW != 0) revert NotAnAuction();
            if (flags & F_CANCELLED != 0) revert ListingClosed();
            revert WrongCurrency();
        }
        unchecked {
            if (deposit - 1 >= MAX_AMOUNT) revert InvalidAmount(); // deposit == 0 wraps around
        }
        bytes32 slot = _bidSlot(listingId, msg.sender, commitment);
        uint256 existing;
        assembly ("memory-safe") {
            existing := sload(slot)
        }
        if (existing != 0) revert BidExists();
        _storeBid(slot, deposit, 0, 0);
        if (flags & F_HAS_BIDS == 0) {
            assembly ("memory-safe") {
                sstore(a.slot, or(packed, shl(AUCTION_FLAGS_SHIFT, F_HAS_BIDS)))
            }
        }
        emit BidPlaced(listingId, msg.sender, commitment, deposit);
    }

    /// @notice Open one of the caller's bids during the reveal window. Each commitment opens once; the
    ///         amount must not exceed the bid's deposit. A strictly higher amount takes the lead, so ties go
    ///         to the earlier reveal.
    /// @param listingId The auction.
    /// @param amount The bid amount that was committed.
    /// @param salt The 32-byte secret that was committed.
    function reveal(uint256 listingId, uint256 amount, bytes32 salt) external {
        bytes32 commitment = _commitment(listingId, msg.sender, amount, salt);
        bytes32 slot = _bidSlot(listingId, msg.sender, commitment);
        Bid memory bm = _loadBid(slot);
        if (bm.deposit == 0) revert UnknownBid();
        if (bm.state != 0) revert AlreadyRevealed();
        if (amount > bm.deposit) revert DepositBelowAmount();
        Auction memory a = _auctions[listingId];
        if (block.timestamp < a.biddingEnd) revert RevealNotOpen();
        if (block.timestamp >= a.revealEnd) revert RevealClosed();
        uint8 state = B_REVEALED;
        if (amount > a.highest) {
            a.second = a.highest;
            a.highest = uint88(amount);
            state = B_REVEALED | B_LEADING;
            _auctions[listingId] = a;
        } else if (amount > a.second) {
            _auctions[listingId].second = uint88(amount);
        }
        _storeBid(slot, bm.deposit, amount, state);
        emit BidRevealed(listingId, msg.sender, commitment, amount);
    }

    /// @notice Anyone, once, after the reveal window: close the auction. With a sale, name the winner and
    ///         its winning commitment (from the BidRevealed logs: the leading reveal with the highest
    ///         amount); they are checked on chain. The price moves into the listing's escrow. Without a sale
    ///         (no revealed amount >= reserve) `winner` and `winningCommitment` are ignored. If the winner is
    ///         the seller or the arbiter, the auction closes without a sale and the winning bid pays the
    ///         unrevealed-bid penalty.
    /// @param listingId The auction.
    /// @param winner The highest bidder.
    /// @param winningCommitment The commitment of the winner's highest bid.
    function finalize(uint256 listingId, address winner, bytes32 winningCommitment) external {
        Auction memory a = _auctions[listingId];
        if (a.biddingEnd == 0) revert UnknownListing();
        if (a.flags & F_BUY_NOW != 0) revert NotAnAuction();
        if (a.flags & F_CANCELLED != 0) revert ListingClosed();
        if (a.flags & F_FINALIZED != 0) revert AlreadyFinalized();
        if (block.timestamp < a.revealEnd) revert RevealNotOver();
        Listing storage l = _listings[listingId];
        uint88 reserve = l.price;
        if (a.highest < reserve) {
            _auctions[listingId].flags = a.flags | F_FINALIZED;
            emit Finalized(listingId, address(0), 0);
            return;
        }
        Bid memory w = _loadBid(_bidSlot(listingId, winner, winningCommitment));
        if (w.state & B_LEADING == 0 || w.amount != a.highest) revert NotWinningBid();
        if (winner == l.seller || winner == l.arbiter) {
            _auctions[listingId].flags = a.flags | F_FINALIZED | F_CONFLICT;
            emit WinnerDisqualified(listingId, winner);
            emit Finalized(listingId, address(0), 0);
            return;
        }
        uint88 price = a.second > reserve ? a.second : reserve;
        a.second = price;
        a.flags |= F_FINALIZED | F_SOLD;
        _auctions[listingId] = a;
        _escrows[listingId] = Escrow(winner, EscrowStatus.Funded, 0, 0);
        emit Finalized(listingId, winner, price);
    }

    /// @notice Take one of the caller's bids back out. Allowed as soon as the bid can no longer win:
    ///         a revealed bid that is not the current leader (any time), or any bid after finalize. The
    ///         winning bid returns deposit - price; an unrevealed bid (and a disqualified winner's bid)
    ///         returns the deposit minus UNREVEALED_PENALTY_BPS, which is credited to the seller.
    /// @param listingId The auction.
    /// @param commitment The bid's commitment.
    /// @param to Recipient of the refund.
    function withdrawBid(uint256 listingId, bytes32 commitment, address to) external nonReentrant {
        if (to == address(0)) revert InvalidRecipient();
        bytes32 slot = _bidSlot(listingId, msg.sender, commitment);
        Bid memory b = _loadBid(slot);
        if (b.deposit == 0) revert UnknownBid();
        Auction memory a = _auctions[listingId];
        bool top = b.state & B_LEADING != 0 && b.amount == a.highest;
        uint256 kept; // stays in the contract: the price (in escrow) or the penalty (to the seller)
        bool penalised;
        if (a.flags & F_FINALIZED == 0) {
            if (b.state == 0 || top) revert BidLocked();
        } else if (b.state == 0 || (top && a.flags & F_CONFLICT != 0)) {
            kept = uint256(b.deposit) * UNREVEALED_PENALTY_BPS / BPS;
            penalised = true;
        } else if (top && a.flags & F_SOLD != 0) {
            kept = a.second;
        }
        _storeBid(slot, 0, 0, 0);
        address token = address(0);
        if (a.flags & F_TOKEN != 0 || penalised) {
            Listing storage l = _listings[listingId];
            token = _tokenOf(l.currencyId);
            if (penalised) _credit(l.seller, token, kept);
        }
        uint256 refund = b.deposit - kept;
        emit BidWithdrawn(listingId, msg.sender, commitment, refund, penalised ? kept : 0);
        _send(token, to, refund);
    }

    // ------------------------------------------------------------------------------------------------
    // Buy now
    // ------------------------------------------------------------------------------------------------

    /// @notice Buy a fixed-price listing before it expires; the price goes into the listing's escrow.
    ///         ETH listings take exactly the price as `msg.value`; token listings pull it (approve first).
    /// @param listingId The fixed-price listing.
    function buy(uint256 listingId) external payable nonReentrant {
        Auction memory a = _auctions[listingId];
        if (a.biddingEnd == 0) revert UnknownListing();
        if (a.flags & F_BUY_NOW == 0) revert NotBuyNow();
        if (a.flags & (F_CANCELLED | F_FINALIZED) != 0 || block.timestamp >= a.biddingEnd) revert ListingClosed();
        Listing memory l = _listings[listingId];
        if (msg.sender == l.seller || msg.sender == l.arbiter) revert SellerOrArbiterCannotBuy();
        a.highest = l.price;
        a.second = l.price;
        a.flags |= F_FINALIZED | F_SOLD;
        _auctions[listingId] = a;
        _escrows[listingId] = Escrow(msg.sender, EscrowStatus.Funded, 0, 0);
        emit Purchased(listingId, msg.sender, l.price);
        if (l.currencyId == 0) {
            if (msg.value != l.price) revert InvalidAmount();
        } else {
            if (msg.value != 0) revert WrongCurrency();
            _pull(_tokenOf(l.currencyId), msg.sender, l.price);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice The stored state of a listing (terms, phase flags, auction prices).
    /// @param listingId The listing.
    function getListing(uint256 listingId) external view returns (ListingView memory v) {
        Listing memory l = _listings[listingId];
        Auction memory a = _auctions[listingId];
        if (a.biddingEnd == 0) revert UnknownListing();
        v = ListingView({
            seller: l.seller,
            price: l.price,
            arbiter: l.arbiter,
            arbiterFeeBps: l.arbiterFeeBps,
            confirmWindow: l.confirmWindow,
            disputeWindow: l.disputeWindow,
            token: _tokenOf(l.currencyId),
            buyNow: a.flags & F_BUY_NOW != 0,
            biddingEnd: a.biddingEnd,
            revealEnd: a.revealEnd,
            hasBids: a.flags & F_HAS_BIDS != 0,
            cancelled: a.flags & F_CANCELLED != 0,
            finalized: a.flags & F_FINALIZED != 0,
            sold: a.flags & F_SOLD != 0,
            highestBid: a.highest,
            secondBidOrPrice: a.second
        });
    }

    /// @notice A bid's stored state; all zero once withdrawn or if it never existed.
    /// @param listingId The auction.
    /// @param bidder The bidder.
    /// @param commitment The bid's commitment.
    function getBid(uint256 listingId, address bidder, bytes32 commitment) external view returns (BidView memory) {
        Bid memory b = _loadBid(_bidSlot(listingId, bidder, commitment));
        return BidView(b.deposit, b.amount, b.state & B_REVEALED != 0, b.state & B_LEADING != 0);
    }

    /// @notice A listing's escrow (status None if there was no sale).
    /// @param listingId The listing.
    function getEscrow(uint256 listingId) external view returns (EscrowView memory) {
        Escrow memory e = _escrows[listingId];
        uint88 price = e.status == EscrowStatus.None ? 0 : _auctions[listingId].second;
        return EscrowView(e.buyer, e.status, e.votes, e.deadline, price);
    }

    /// @notice The commitment for a bid on this market and chain. Compute it locally in the client
    ///         instead: calling this sends the amount and salt to the RPC node. Provided for tests and tools.
    /// @param listingId The auction.
    /// @param bidder The bidder (the account that will call bid and reveal).
    /// @param amount The hidden amount.
    /// @param salt A fresh random 32-byte secret.
    function commitmentFor(uint256 listingId, address bidder, uint256 amount, bytes32 salt)
        external
        view
        returns (bytes32)
    {
        return _commitment(listingId, bidder, amount, salt);
    }
}
