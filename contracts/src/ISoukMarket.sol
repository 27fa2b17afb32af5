// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISoukMarket
/// @notice Types, events and errors of the Souk market: sealed-bid (Vickrey) auctions and fixed-price sales
///         whose proceeds sit in a 2-of-3 escrow inside the same singleton. The events carry everything an
///         indexer needs to rebuild the market's state without reading storage.
interface ISoukMarket {
    // ------------------------------------------------------------------------------------------------
    // Types
    // ------------------------------------------------------------------------------------------------

    /// @notice Everything a seller fixes when listing. Only the fields the contract needs later are
    ///         stored (packed into two slots); the content hash and category live in the event log.
    struct ListingTerms {
        /// sha2-256 digest of the listing document's CID (dag-cbor); the catalog checks documents against it.
        bytes32 contentHash;
        /// Category id from the catalog's category table (indexing only).
        uint32 categoryId;
        /// true: fixed-price "buy now" listing (`price` is the price, no reveal phase, `revealEnd` ignored).
        bool buyNow;
        /// Auction: last second (exclusive) for bids. Buy now: the offer expires at this time.
        uint32 biddingEnd;
        /// Auction: reveals are accepted while biddingEnd <= block.timestamp < revealEnd.
        uint32 revealEnd;
        /// Auction: reserve price; buy now: the price. In the currency's smallest unit, >= 1, < 2**88.
        uint88 price;
        /// ERC-20 used for payment, or address(0) for ETH.
        address token;
        /// 1 to MAX_ARBITERS distinct registered arbiters (see `registerArbiter`), none of them the seller. Only
        /// a digest of the set is stored; the buyer chooses one of them when disputing (`dispute`).
        address[] arbiters;
        /// Arbiter's fee in basis points of the price, paid only when the chosen arbiter decides a dispute; at
        /// least the `minFeeBps` of every named arbiter and at most MAX_ARBITER_FEE_BPS (1,000, 10%).
        uint16 arbiterFeeBps;
        /// Seconds the buyer has after `markShipped` to confirm or dispute before the seller may claim:
        /// MIN_CONFIRM_WINDOW (1 day) to MAX_WINDOW (365 days).
        uint32 confirmWindow;
        /// Seconds the chosen arbiter has to decide a dispute before the buyer is refunded: MIN_DISPUTE_WINDOW
        /// (1 day) to MAX_WINDOW, and at least the `minDisputeWindow` of every named arbiter.
        uint32 disputeWindow;
    }

    /// @notice A rating's score.
    enum Score {
        Negative,
        Neutral,
        Positive
    }

    /// @notice Escrow lifecycle. Released, Refunded and Split are final: nothing stays locked.
    ///         Funded: the seller ships or refunds, the buyer confirms or disputes.
    ///         Shipped: before the deadline the buyer confirms or disputes, the seller refunds; from the
    ///         deadline on only `claimTimeout` (release).
    ///         Disputed: before the deadline the arbiter resolves, the buyer confirms, the seller refunds; from
    ///         the deadline on only `claimTimeout` (refund).
    enum EscrowStatus {
        None,
        Funded,
        Shipped,
        Disputed,
        Released,
        Refunded,
        Split
    }

    /// @notice Read model of a listing (see `getListing`).
    struct ListingView {
        address seller;
        uint88 price;
        /// The arbiter the buyer chose when disputing; address(0) before any dispute (the listing's set of
        /// arbiters is in its ListingCreated log).
        address arbiter;
        uint16 arbiterFeeBps;
        uint32 confirmWindow;
        uint32 disputeWindow;
        address token;
        bool buyNow;
        uint32 biddingEnd;
        uint32 revealEnd;
        bool hasBids;
        /// Number of `updateContentHash` calls so far (0 = the document of ListingCreated). `bid` and `buy`
        /// take the version the buyer saw and revert with ContentChanged if it moved.
        uint8 contentVersion;
        bool cancelled;
        bool finalized;
        bool sold;
        /// Highest revealed amount (auctions).
        uint88 highestBid;
        /// Second-highest revealed amount before finalize; the sale price once sold.
        uint88 secondBidOrPrice;
    }

    /// @notice Read model of an arbiter (see `getArbiter`): its terms and its track record, in one call.
    struct ArbiterView {
        /// Listings may name it (it opted in and did not unregister).
        bool registered;
        /// Smallest fee, in basis points of the price, a listing naming it must pay.
        uint16 minFeeBps;
        /// Shortest dispute window, in seconds, a listing naming it must give.
        uint32 minDisputeWindow;
        /// Block timestamp of its first registration (kept across re-registrations); 0 = never registered.
        uint32 registeredAt;
        /// CID of its public profile document (who it is, how to reach it, its rules).
        string metadataCid;
        /// Disputes opened on listings it arbitrates.
        uint32 disputes;
        /// Decided by `resolve`: everything (after the fees) to the buyer.
        uint32 decidedForBuyer;
        /// Decided by `resolve`: everything (after the fees) to the seller.
        uint32 decidedForSeller;
        /// Decided by `resolve`: a split.
        uint32 decidedSplit;
        /// Not decided before the dispute window ended (the buyer was refunded, no fee).
        uint32 timedOut;
        /// Closed by the parties during the dispute (the buyer confirmed or the seller refunded; no fee).
        uint32 settledByParties;
        /// Sum of the prices of the ETH disputes it decided with `resolve`, in wei (token disputes are in the
        /// EscrowSettled logs). Dust cases add dust here.
        uint128 valueDecided;
    }

    /// @notice Read model of a sealed bid (see `getBid`).
    struct BidView {
        uint88 deposit;
        uint88 amount;
        bool revealed;
        /// The bid became the highest bid when it was revealed (the winning bid is the leading bid whose
        /// amount equals the final highest amount).
        bool leading;
    }

    /// @notice Read model of an escrow (see `getEscrow`).
    struct EscrowView {
        address buyer;
        EscrowStatus status;
        /// Shipped: end of the buyer's confirm window. Disputed: end of the arbiter's window.
        uint32 deadline;
        uint88 price;
        /// The arbiter the buyer chose when disputing; address(0) if there was no dispute.
        address arbiter;
        /// The chosen arbiter decided the dispute (`resolve`); then each party may rate it.
        bool resolved;
        /// Ratings given so far: RATED_SELLER (the buyer rated the seller), RATED_BUYER (the seller rated
        /// the buyer), BUYER_RATED_ARBITER, SELLER_RATED_ARBITER.
        uint8 ratings;
    }

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice A listing was created with these terms. Listing ids count up from 1.
    event ListingCreated(uint256 indexed listingId, address indexed seller, ListingTerms terms);
    /// @notice The seller replaced the listing document before any bid; the newest hash is authoritative.
    event ContentHashUpdated(uint256 indexed listingId, bytes32 contentHash);
    /// @notice The seller withdrew the listing before any bid or sale.
    event ListingCancelled(uint256 indexed listingId);
    /// @notice A sealed bid with its deposit (deposit >= the hidden amount).
    event BidPlaced(uint256 indexed listingId, address indexed bidder, bytes32 commitment, uint256 deposit);
    /// @notice A bid was opened. Replaying reveals in log order (strictly greater amount takes the lead)
    ///         gives the leader, so ties go to the earlier reveal.
    event BidRevealed(uint256 indexed listingId, address indexed bidder, bytes32 commitment, uint256 amount);
    /// @notice A bid's deposit left the contract: `refund` to the bidder, `penalty` credited to the treasury.
    event BidWithdrawn(
        uint256 indexed listingId, address indexed bidder, bytes32 commitment, uint256 refund, uint256 penalty
    );
    /// @notice The auction closed. `buyer == address(0)` means no sale (no bid reached the reserve);
    ///         otherwise `price` moved into the listing's escrow and the winner's deposit minus the price was
    ///         credited to its withdrawable balance.
    event Finalized(uint256 indexed listingId, address indexed buyer, uint256 price);
    /// @notice A fixed-price listing was bought; `price` moved into the listing's escrow.
    event Purchased(uint256 indexed listingId, address indexed buyer, uint256 price);
    /// @notice The seller shipped; the buyer has until `deadline` to confirm or dispute.
    event Shipped(uint256 indexed listingId, uint256 deadline);
    /// @notice The buyer disputed and chose `arbiter` from the listing's set; it has until `deadline` to
    ///         decide, after that the buyer is refunded.
    event Disputed(uint256 indexed listingId, address indexed buyer, address indexed arbiter, uint256 deadline);
    /// @notice An arbiter opted in (or changed its terms): listings may name it if they pay at least
    ///         `minFeeBps` and give at least `minDisputeWindow` seconds to decide.
    event ArbiterRegistered(address indexed arbiter, uint16 minFeeBps, uint32 minDisputeWindow, string metadataCid);
    /// @notice An arbiter stopped accepting new listings (it still decides the ones that name it).
    event ArbiterUnregistered(address indexed arbiter);
    /// @notice The escrow closed; amounts were credited to withdrawable balances, and the four parts add up
    ///         to the price. `protocolFee` (to the treasury) is PROTOCOL_FEE_BPS of the price for a release
    ///         by the buyer or by timeout, of price - arbiterFee for an arbiter's decision whatever its
    ///         outcome, and 0 for a refund by the seller or by timeout; a rating's weight is arbiterFee +
    ///         protocolFee, what the trade paid beyond gas.
    event EscrowSettled(
        uint256 indexed listingId,
        EscrowStatus outcome,
        uint256 toBuyer,
        uint256 toSeller,
        uint256 arbiterFee,
        uint256 protocolFee
    );
    /// @notice A party of a closed escrow rated `subject` (the other party, or the arbiter that decided the
    ///         dispute). `review` is the sha2-256 digest of a dag-cbor review document's CID, or zero.
    event Rated(
        uint256 indexed listingId, address indexed rater, address indexed subject, Score score, bytes32 review
    );
    /// @notice `account` withdrew `amount` of `token` (address(0) = ETH) to `to`.
    event Withdrawn(address indexed account, address indexed token, address to, uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    error UnknownListing();
    error InvalidTerms();
    error ArbiterIsSeller();
    error ArbiterNotRegistered();
    error FeeTooHigh();
    error InvalidMetadata();
    error InvalidArbiters();
    error FeeBelowArbiterMinimum();
    error WindowTooShort();
    error WindowTooLong();
    error WrongArbiterSet();
    error ArbiterIsBuyer();
    error InvalidProtocolFee();
    error NotClosed();
    error AlreadyRated();
    error NoArbiterDecision();
    error TreasuryCannotTrade();
    error NotSeller();
    error HasBids();
    error ListingClosed();
    error NotAnAuction();
    error NotBuyNow();
    error WrongCurrency();
    error InvalidAmount();
    error BiddingClosed();
    error BidExists();
    error DepositBelowReserve();
    error ContentChanged();
    error TooManyUpdates();
    error SellerOrArbiterCannotBid();
    error UnknownBid();
    error RevealNotOpen();
    error RevealClosed();
    error AlreadyRevealed();
    error DepositBelowAmount();
    error RevealNotOver();
    error AlreadyFinalized();
    error NotWinningBid();
    error BidLocked();
    error SellerOrArbiterCannotBuy();
    error NotEscrowParty();
    error NotArbiter();
    error NotBuyer();
    error EscrowNotOpen();
    error WrongEscrowStatus();
    error DisputeExpired();
    error ConfirmWindowClosed();
    error TimeoutNotReached();
    error DeadlineTooFar();
    error SplitTooLarge();
    error NothingToWithdraw();
    error InvalidRecipient();
    error TokenAmountMismatch();
    error TooManyCurrencies();
}
