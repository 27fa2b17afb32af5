// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SoukEscrow} from "./SoukEscrow.sol";
import {SoukStorage} from "./SoukStorage.sol";

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
///         they can no longer win), unrevealed ones after finalize minus a 1% penalty credited to the
///         treasury; the winner's deposit minus the price is credited at finalize (one `withdraw` collects
///         it with everything else the winner is owed). Nothing loops over bidders.
///         A revealed amount below the reserve pays the same penalty (it could never win, and would
///         otherwise lock the listing for free). Seller and treasury may not bid or buy; deposits are at
///         least the reserve; `bid` and `buy` name the document version the buyer saw.
contract SoukMarket is SoukEscrow {
    /// @dev Listing ids start at 1; writing the counter here makes every list() update a warm, non-zero
    ///      slot (5,000 gas) instead of the first one paying 22,100. For the same reason any ETH sent with
    ///      the deployment is credited to the treasury: the deploy script sends 1 wei, so the treasury's ETH
    ///      balance slot is non-zero from the start and the first sale's protocol fee updates it (5,000)
    ///      like every later one, instead of creating it (22,100). The treasury withdraws it like any fee.
    /// @param treasury Receives penalties and protocol fees (see TREASURY).
    /// @param protocolFeeBps Protocol fee on every completed sale and every arbiter decision, 0..100 basis
    ///        points (see PROTOCOL_FEE_BPS); 50 in the deploy script.
    constructor(address treasury, uint16 protocolFeeBps) payable SoukStorage(treasury, protocolFeeBps) {
        _nextListingId = 1;
        _credit(treasury, address(0), msg.value);
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
        if (msg.sender == TREASURY) revert TreasuryCannotTrade();
        uint256 price = terms.price;
        uint256 auction; // the auction word, packed by hand (see the layouts in SoukStorage)
        {
            uint256 biddingEnd = terms.biddingEnd;
            bool buyNow = terms.buyNow;
            if (price == 0 || biddingEnd <= block.timestamp) revert InvalidTerms();
            uint256 revealEnd = buyNow ? biddingEnd : terms.revealEnd;
            // A person must be able to come back and reveal (sums of uint32 values cannot overflow).
            if (!buyNow && revealEnd < biddingEnd + MIN_REVEAL_WINDOW) revert WindowTooShort();
            auction = biddingEnd << AUCTION_BIDDING_END_SHIFT | revealEnd << AUCTION_REVEAL_END_SHIFT
                | (buyNow ? uint256(F_BUY_NOW) << AUCTION_FLAGS_SHIFT : 0);
        }
        uint256 slot1; // listing slot 1 without the currency id
        {
            uint256 confirmWindow = terms.confirmWindow;
            uint256 disputeWindow = terms.disputeWindow;
            if (confirmWindow < MIN_CONFIRM_WINDOW || disputeWindow < MIN_DISPUTE_WINDOW) revert WindowTooShort();
            if (confirmWindow > MAX_WINDOW || disputeWindow > MAX_WINDOW) revert WindowTooLong();
            uint256 feeBps = terms.arbiterFeeBps;
            if (feeBps > MAX_ARBITER_FEE_BPS) revert FeeTooHigh();
            address[] calldata arbiters = terms.arbiters;
            _checkArbiters(arbiters, feeBps, disputeWindow);
            slot1 = uint256(uint160(_arbiterKey(arbiters))) | feeBps << LISTING_FEE_SHIFT | confirmWindow
                << LISTING_CONFIRM_SHIFT | disputeWindow << LISTING_DISPUTE_SHIFT;
        }
        address token = terms.token;
        if (token != address(0)) {
            slot1 |= uint256(_currencyIdOf(msg.sender, token)) << LISTING_CURRENCY_SHIFT;
            auction |= uint256(F_TOKEN) << AUCTION_FLAGS_SHIFT;
        }
        listingId = _nextListingId;
        unchecked {
            _nextListingId = listingId + 1;
        }
        // Three fresh words, each written once.
        Listing storage l = _listings[listingId];
        Auction storage a = _auctions[listingId];
        assembly ("memory-safe") {
            sstore(l.slot, or(caller(), shl(LISTING_PRICE_SHIFT, price)))
            sstore(add(l.slot, 1), slot1)
            sstore(a.slot, auction)
        }
        emit ListingCreated(listingId, msg.sender, terms);
    }

    /// @dev The listing's arbiter set: 1 to MAX_ARBITERS distinct, non-zero, registered arbiters, none the
    ///      seller, whose terms the listing meets. One cold read of each arbiter's slot A (registered |
    ///      minFeeBps | minDisputeWindow | counters), unpacked here so that it is read once. The treasury
    ///      cannot register, so it can never be named.
    function _checkArbiters(address[] calldata arbiters, uint256 feeBps, uint256 disputeWindow) private view {
        uint256 n = arbiters.length;
        unchecked {
            if (n - 1 >= MAX_ARBITERS) revert InvalidArbiters(); // 0 wraps around
            for (uint256 i; i < n; ++i) {
                address arbiter = arbiters[i];
                if (arbiter == address(0)) revert InvalidArbiters();
                for (uint256 j; j < i; ++j) {
                    if (arbiters[j] == arbiter) revert InvalidArbiters();
                }
                if (arbiter == msg.sender) revert ArbiterIsSeller();
                Arbiter storage arb = _arbiters[arbiter];
                uint256 word;
                assembly ("memory-safe") {
                    word := sload(arb.slot)
                }
                if (uint8(word) == 0) revert ArbiterNotRegistered();
                if (feeBps < uint16(word >> ARBITER_MIN_FEE_SHIFT)) revert FeeBelowArbiterMinimum();
                if (disputeWindow < uint32(word >> ARBITER_MIN_WINDOW_SHIFT)) revert WindowTooShort();
            }
        }
    }

    /// @notice Seller: point the listing at a new document, only before the first bid (or sale). Each
    ///         update bumps the listing's content version (at most 255 updates); a `bid` or `buy` naming the
    ///         previous version then reverts with ContentChanged, even in the same block.
    /// @param listingId The listing.
    /// @param contentHash sha2-256 digest of the new document's CID.
    function updateContentHash(uint256 listingId, bytes32 contentHash) external {
        Auction memory a = _sellerOpenListing(listingId);
        if (block.timestamp >= a.biddingEnd) revert BiddingClosed();
        if (a.version == type(uint8).max) revert TooManyUpdates();
        _auctions[listingId].version = a.version + 1;
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
    ///         that will be revealed (bid more than you mean to hide your amount) and >= the reserve.
    ///         Several bids per bidder are fine, each with its own commitment. The seller and the treasury
    ///         may not bid. (An arbiter of the listing's set may: the buyer can never choose itself as
    ///         the arbiter, see `dispute`.)
    /// @param listingId The auction.
    /// @param commitment keccak256(abi.encode(chainId, market, listingId, msg.sender, amount, salt)).
    /// @param contentVersion The listing's content version the bidder saw (`getListing().contentVersion`).
    function bid(uint256 listingId, bytes32 commitment, uint8 contentVersion) external payable {
        _placeBid(listingId, commitment, msg.value, 0, contentVersion);
    }

    /// @notice Place a sealed bid on an ERC-20 auction; `deposit` tokens are pulled (approve first).
    /// @param listingId The auction.
    /// @param commitment keccak256(abi.encode(chainId, market, listingId, msg.sender, amount, salt)).
    /// @param deposit Tokens to lock, >= the amount that will be revealed and >= the reserve.
    /// @param contentVersion The listing's content version the bidder saw.
    function bidWithToken(uint256 listingId, bytes32 commitment, uint256 deposit, uint8 contentVersion)
        external
        nonReentrant
    {
        _placeBid(listingId, commitment, deposit, F_TOKEN, contentVersion);
        _pull(_tokenOf(_listings[listingId]), msg.sender, deposit);
    }

    /// @dev The hottest path (cold reads of the auction slot and listing slot 0, one new bid slot, one flag
    ///      update on the first bid), written against the packed layout directly so that nothing is loaded
    ///      twice.
    function _placeBid(
        uint256 listingId,
        bytes32 commitment,
        uint256 deposit,
        uint256 currencyFlag,
        uint256 contentVersion
    ) private {
        Auction storage a = _auctions[listingId];
        uint256 packed;
        assembly ("memory-safe") {
            packed := sload(a.slot)
        }
        uint256 biddingEnd = uint32(packed >> AUCTION_BIDDING_END_SHIFT);
        uint256 flags = uint8(packed >> AUCTION_FLAGS_SHIFT);
        if (block.timestamp >= biddingEnd) {
            if (biddingEnd == 0) revert UnknownListing();
            revert BiddingClosed();
        }
        if (flags & (F_TOKEN | F_BUY_NOW | F_CANCELLED) != currencyFlag) {
            if (flags & F_BUY_NOW != 0) revert NotAnAuction();
            if (flags & F_CANCELLED != 0) revert ListingClosed();
            revert WrongCurrency();
        }
        if (packed >> AUCTION_VERSION_SHIFT != contentVersion) revert ContentChanged();
        unchecked {
            if (deposit - 1 >= MAX_AMOUNT) revert InvalidAmount(); // deposit == 0 wraps around
        }
        {
            // Listing slot 0 (seller | reserve): one cold read (2,100 gas).
            Listing storage l = _listings[listingId];
            uint256 terms0;
            assembly ("memory-safe") {
                terms0 := sload(l.slot)
            }
            if (deposit < uint88(terms0 >> LISTING_PRICE_SHIFT)) revert DepositBelowReserve();
            if (msg.sender == address(uint160(terms0)) || msg.sender == TREASURY) revert SellerOrArbiterCannotBid();
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
            _storeAuction(listingId, a);
        } else if (amount > a.second) {
            _auctions[listingId].second = uint88(amount);
        }
        _storeBid(slot, bm.deposit, amount, state);
        emit BidRevealed(listingId, msg.sender, commitment, amount);
    }

    /// @notice Anyone, once, after the reveal window: close the auction. With a sale, name the winner and
    ///         its winning commitment (from the BidRevealed logs: the leading reveal with the highest
    ///         amount); they are checked on chain. The price moves into the listing's escrow and the rest of
    ///         the winner's deposit is credited to the winner's withdrawable balance (no `withdrawBid`
    ///         needed). Without a sale (no revealed amount >= reserve) `winner` and `winningCommitment` are
    ///         ignored.
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
        bytes32 slot = _bidSlot(listingId, winner, winningCommitment);
        Bid memory w = _loadBid(slot);
        if (w.state & B_LEADING == 0 || w.amount != a.highest) revert NotWinningBid();
        uint88 price = a.second > reserve ? a.second : reserve;
        a.second = price;
        a.flags |= F_FINALIZED | F_SOLD;
        _storeAuction(listingId, a);
        _storeEscrow(listingId, winner, EscrowStatus.Funded, 0, 0);
        // The winning bid is settled here: its change is credited, its slot cleared.
        _storeBid(slot, 0, 0, 0);
        uint256 change = w.deposit - price;
        _credit(winner, a.flags & F_TOKEN != 0 ? _tokenOf(l) : address(0), change);
        emit BidWithdrawn(listingId, winner, winningCommitment, change, 0);
        emit Finalized(listingId, winner, price);
    }

    /// @notice Take one of the caller's bids back out. Allowed as soon as the bid can no longer win:
    ///         a revealed bid that is not the current leader (any time), or any bid after finalize (the
    ///         winning bid is settled by finalize itself). An unrevealed bid, and a revealed amount below
    ///         the reserve, return the deposit minus UNREVEALED_PENALTY_BPS (rounded up), which is credited
    ///         to the treasury: either kind could never win, and otherwise a reserve-sized deposit
    ///         committing 0 would lock `cancel` and `updateContentHash` for gas alone. Every other bid
    ///         returns in full.
    /// @param listingId The auction.
    /// @param commitment The bid's commitment.
    /// @param to Recipient of the refund.
    function withdrawBid(uint256 listingId, bytes32 commitment, address to) external nonReentrant {
        if (to == address(0)) revert InvalidRecipient();
        bytes32 slot = _bidSlot(listingId, msg.sender, commitment);
        Bid memory b = _loadBid(slot);
        if (b.deposit == 0) revert UnknownBid();
        Auction memory a = _auctions[listingId];
        bool penalized;
        if (b.state == 0) {
            if (a.flags & F_FINALIZED == 0) revert BidLocked();
            penalized = true;
        } else {
            if (a.flags & F_FINALIZED == 0 && b.state & B_LEADING != 0 && b.amount == a.highest) revert BidLocked();
            // After a sale `second` is the price, itself >= the reserve, so the usual loser (an amount at or
            // above the price) needs no cold read of the reserve in listing slot 0.
            if (a.flags & F_SOLD == 0 || b.amount < a.second) penalized = b.amount < _listings[listingId].price;
        }
        uint256 penalty = penalized ? _penalty(b.deposit) : 0; // stays in the contract, credited to the treasury
        _storeBid(slot, 0, 0, 0);
        address token = address(0);
        if (a.flags & F_TOKEN != 0) token = _tokenOf(_listings[listingId]);
        if (penalty != 0) _credit(TREASURY, token, penalty);
        uint256 refund = b.deposit - penalty;
        emit BidWithdrawn(listingId, msg.sender, commitment, refund, penalty);
        _send(token, to, refund);
    }

    // ------------------------------------------------------------------------------------------------
    // Buy now
    // ------------------------------------------------------------------------------------------------

    /// @notice Buy a fixed-price listing before it expires; the price goes into the listing's escrow.
    ///         ETH listings take exactly the price as `msg.value`; token listings pull it (approve first).
    /// @param listingId The fixed-price listing.
    /// @param contentVersion The listing's content version the buyer saw (`getListing().contentVersion`).
    function buy(uint256 listingId, uint8 contentVersion) external payable nonReentrant {
        // Checks
        Auction memory a = _auctions[listingId];
        if (a.biddingEnd == 0) revert UnknownListing();
        if (a.flags & F_BUY_NOW == 0) revert NotBuyNow();
        if (a.flags & (F_CANCELLED | F_FINALIZED) != 0 || block.timestamp >= a.biddingEnd) revert ListingClosed();
        if (a.version != contentVersion) revert ContentChanged();
        Listing storage l = _listings[listingId];
        address seller = l.seller;
        uint88 price = l.price;
        if (msg.sender == seller || msg.sender == TREASURY) revert SellerOrArbiterCannotBuy();
        address token = a.flags & F_TOKEN != 0 ? _tokenOf(l) : address(0);
        if (token == address(0)) {
            if (msg.value != price) revert InvalidAmount();
        } else if (msg.value != 0) {
            revert WrongCurrency();
        }
        // Effects
        a.highest = price;
        a.second = price;
        a.flags |= F_FINALIZED | F_SOLD;
        _storeAuction(listingId, a);
        _storeEscrow(listingId, msg.sender, EscrowStatus.Funded, 0, 0);
        emit Purchased(listingId, msg.sender, price);
        // Interactions
        if (token != address(0)) _pull(token, msg.sender, price);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice The stored state of a listing (terms, phase flags, auction prices).
    /// @param listingId The listing.
    function getListing(uint256 listingId) external view returns (ListingView memory v) {
        // Storage pointers, not memory copies: a view pays no gas that matters, and the copies cost bytecode.
        Listing storage l = _listings[listingId];
        Auction storage a = _auctions[listingId];
        if (a.biddingEnd == 0) revert UnknownListing();
        v = ListingView({
            seller: l.seller,
            price: l.price,
            // Before a dispute the field holds the set's key, not an address anyone chose.
            arbiter: _escrows[listingId].flags & E_DISPUTED != 0 ? l.arbiter : address(0),
            arbiterFeeBps: l.arbiterFeeBps,
            confirmWindow: l.confirmWindow,
            disputeWindow: l.disputeWindow,
            token: _tokenOf(l),
            buyNow: a.flags & F_BUY_NOW != 0,
            biddingEnd: a.biddingEnd,
            revealEnd: a.revealEnd,
            hasBids: a.flags & F_HAS_BIDS != 0,
            contentVersion: a.version,
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
        Escrow storage e = _escrows[listingId]; // a pointer, not a copy: less bytecode
        uint88 price = e.status == EscrowStatus.None ? 0 : _auctions[listingId].second;
        address arbiter = e.flags & E_DISPUTED == 0 ? address(0) : _listings[listingId].arbiter;
        return EscrowView(e.buyer, e.status, e.deadline, price, arbiter, e.flags & E_RESOLVED != 0, e.flags & E_RATINGS);
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
