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
        /// Third voter of the escrow; must not be the seller (and cannot win the auction).
        address arbiter;
        /// Arbiter's fee in basis points of the price, paid only when the arbiter decides; <= 1,000 (10%).
        uint16 arbiterFeeBps;
        /// Seconds the buyer has after `markShipped` to confirm or dispute before the seller may claim.
        uint32 confirmWindow;
        /// Seconds the arbiter has to decide a dispute before the buyer is refunded.
        uint32 disputeWindow;
    }

    /// @notice Escrow lifecycle. Released, Refunded and Split are final: nothing stays locked.
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
        address arbiter;
        uint16 arbiterFeeBps;
        uint32 confirmWindow;
        uint32 disputeWindow;
        address token;
        bool buyNow;
        uint32 biddingEnd;
        uint32 revealEnd;
        bool hasBids;
        bool cancelled;
        bool finalized;
        bool sold;
        /// Highest revealed amount (auctions).
        uint88 highestBid;
        /// Second-highest revealed amount before finalize; the sale price once sold.
        uint88 secondBidOrPrice;
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
        /// Bits 0..2: release votes of buyer, seller, arbiter; bits 3..5: refund votes of the same.
        uint8 votes;
        /// Shipped: end of the buyer's confirm window. Disputed: end of the arbiter's window.
        uint32 deadline;
        uint88 price;
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
    /// @notice A bid's deposit left the contract: `refund` to the bidder, `penalty` credited to the seller.
    event BidWithdrawn(
        uint256 indexed listingId, address indexed bidder, bytes32 commitment, uint256 refund, uint256 penalty
    );
    /// @notice The auction closed. `buyer == address(0)` means no sale (no bid reached the reserve, or the
    ///         winner was disqualified); otherwise `price` moved into the listing's escrow.
    event Finalized(uint256 indexed listingId, address indexed buyer, uint256 price);
    /// @notice The highest bidder was the listing's seller or arbiter: the auction closes without a sale.
    event WinnerDisqualified(uint256 indexed listingId, address indexed winner);
    /// @notice A fixed-price listing was bought; `price` moved into the listing's escrow.
    event Purchased(uint256 indexed listingId, address indexed buyer, uint256 price);
    /// @notice The seller shipped (this is also the seller's vote to release); the buyer has until `deadline`.
    event Shipped(uint256 indexed listingId, uint256 deadline);
    /// @notice Buyer, seller or arbiter voted to release (true) or refund (false). A later vote replaces one's own.
    event Voted(uint256 indexed listingId, address indexed voter, bool release);
    /// @notice The buyer disputed; the arbiter has until `deadline` to decide, after that the buyer is refunded.
    event Disputed(uint256 indexed listingId, uint256 deadline);
    /// @notice The escrow closed; amounts were credited to withdrawable balances.
    event EscrowSettled(
        uint256 indexed listingId, EscrowStatus outcome, uint256 toBuyer, uint256 toSeller, uint256 arbiterFee
    );
    /// @notice `account` withdrew `amount` of `token` (address(0) = ETH) to `to`.
    event Withdrawn(address indexed account, address indexed token, address to, uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    error UnknownListing();
    error InvalidTerms();
    error ArbiterIsSeller();
    error FeeTooHigh();
    error NotSeller();
    error HasBids();
    error ListingClosed();
    error NotAnAuction();
    error NotBuyNow();
    error WrongCurrency();
    error InvalidAmount();
    error BiddingClosed();
    error BidExists();
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
    error SplitTooLarge();
    error NothingToWithdraw();
    error InvalidRecipient();
    error TokenAmountMismatch();
    error TooManyCurrencies();
}
