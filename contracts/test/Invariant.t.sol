// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "./Base.t.sol";
import {SoukMarket} from "../src/SoukMarket.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";
import {TestUSD} from "../src/TestUSD.sol";

/// @notice Drives the market with random but well-formed actions from five actors: listings in ETH and
///         tUSD (auctions and buy now) naming sets of 1-3 arbiters, bids, reveals, finalize, withdrawals,
///         every escrow action (the buyer choosing an arbiter of the set), ratings, time.
///         Calls that the market rejects are simply skipped (try/catch), so every call does something or
///         nothing, never breaks the run.
contract MarketHandler is TestBase {
    SoukMarket public immutable market;
    TestUSD public immutable usd;
    address[5] internal actors = [address(0x1001), address(0x1002), address(0x1003), address(0x1004), address(0x1005)];
    address internal immutable treasury;

    struct BidRecord {
        uint256 listingId;
        address bidder;
        bytes32 commitment;
        uint256 amount;
        bytes32 salt;
    }

    BidRecord[] internal _bids;
    uint256 public listingCount;
    /// Each listing's arbiter set, as listed (the contract keeps only its key).
    mapping(uint256 listingId => address[]) internal _sets;
    mapping(bytes4 => uint256) public successes;

    constructor(SoukMarket market_, TestUSD usd_) {
        market = market_;
        usd = usd_;
        treasury = market_.TREASURY();
        for (uint256 i; i < actors.length; i++) {
            vm.deal(actors[i], 1_000_000 ether);
            usd.mint(actors[i], 1e18);
            vm.startPrank(actors[i]);
            usd.approve(address(market), type(uint256).max);
            // actor 5 never arbitrates; the others ask 0, 3, 6 and 9% and 0 to 1.5 days
            if (i != 4) market.registerArbiter(uint16(i * 300), uint32(i * 12 hours), "bafkreiarbiter");
            vm.stopPrank();
        }
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev Mostly one of the five newest listings (older ones have usually ended), sometimes any.
    function _listing(uint256 seed) internal view returns (uint256) {
        if (listingCount == 0) return 0;
        if (seed % 8 == 0) return 1 + ((seed >> 8) % listingCount);
        uint256 recent = listingCount < 5 ? listingCount : 5;
        return listingCount - ((seed >> 8) % recent);
    }

    function _ok(bytes4 selector) internal {
        successes[selector]++;
    }

    // ---------------------------------------------------------------- actions

    function list(uint256 sellerSeed, uint256 arbiterSeed, bool token, bool buyNow, uint256 price, uint256 durations)
        external
    {
        address seller = _actor(sellerSeed);
        // 1 to 3 arbiters. Mostly registered ones other than the seller (actors 1-4 are registered), distinct;
        // 1 in 8 sets left as drawn, so the refusals (ArbiterIsSeller, ArbiterNotRegistered, InvalidArbiters)
        // happen too.
        address[] memory set = new address[](1 + arbiterSeed % 3);
        uint256 feeFloor;
        uint256 windowFloor;
        for (uint256 i; i < set.length; i++) {
            uint256 pick = (arbiterSeed >> (8 * (i + 1))) % actors.length;
            if (arbiterSeed % 8 != 0) {
                // the i-th registered actor after the seller, skipping actor 5
                uint256 sellerIndex = sellerSeed % actors.length;
                pick = sellerIndex;
                for (uint256 k; k <= i; k++) {
                    pick = (pick + 1) % 4;
                    if (pick == sellerIndex) pick = (pick + 1) % 4;
                }
                feeFloor = feeFloor > pick * 300 ? feeFloor : pick * 300;
                windowFloor = windowFloor > pick * 12 hours ? windowFloor : pick * 12 hours;
            }
            set[i] = actors[pick];
        }
        ISoukMarket.ListingTerms memory t;
        t.contentHash = keccak256(abi.encode(listingCount));
        t.buyNow = buyNow && price % 4 == 0;
        t.biddingEnd = uint32(block.timestamp + 1 hours + durations % 12 hours);
        t.revealEnd = uint32(t.biddingEnd + 1 hours + (durations >> 32) % 12 hours);
        t.price = uint88(bound(price, 1, token ? 1_000e6 : 50 ether));
        t.token = token ? address(usd) : address(0);
        t.arbiters = set;
        // Mostly within every named arbiter's terms (1 in 8 draws may fall below them and be refused).
        t.arbiterFeeBps = uint16(feeFloor + (durations >> 64) % (1_001 - feeFloor));
        t.confirmWindow = uint32(1 days + (durations >> 96) % 1 days);
        t.disputeWindow = uint32(1 days + windowFloor + (durations >> 128) % 1 days);
        if (durations % 16 == 0) t.disputeWindow = uint32(23 hours); // below the minimum: WindowTooShort
        vm.prank(seller);
        try market.list(t) returns (uint256 id) {
            listingCount = id;
            _sets[id] = set;
            _ok(this.list.selector);
        } catch {}
    }

    function bid(uint256 bidderSeed, uint256 listingSeed, uint256 amount, uint256 extra, bytes32 salt) external {
        uint256 id = _listing(listingSeed);
        if (id == 0) return;
        for (uint256 i; i < listingCount && listingSeed % 7 != 0; i++) {
            uint256 candidate = listingCount - (listingSeed % listingCount + i) % listingCount;
            ISoukMarket.ListingView memory open = market.getListing(candidate);
            if (!open.buyNow && !open.cancelled && block.timestamp < open.biddingEnd) {
                id = candidate;
                break;
            }
        }
        ISoukMarket.ListingView memory l = market.getListing(id);
        address bidder = _actor(bidderSeed);
        // Mostly someone who may bid; 1 in 8 as drawn (the seller must be refused). Arbiters of the set may bid.
        for (uint256 k = 1; k < actors.length && bidderSeed % 8 != 0; k++) {
            if (bidder != l.seller) break;
            bidder = _actor(bidderSeed % actors.length + k);
        }
        amount = bound(amount, 0, l.token == address(0) ? 80 ether : 2_000e6);
        uint256 deposit = amount + bound(extra, 0, l.token == address(0) ? 5 ether : 100e6);
        if (deposit == 0) deposit = 1;
        // Mostly a deposit the reserve allows (often exactly the reserve, the smallest allowed); 1 in 4 as drawn.
        if (deposit < l.price && extra % 4 != 0) deposit = l.price;
        bytes32 c = market.commitmentFor(id, bidder, amount, salt);
        uint8 version = l.contentVersion;
        if (extra % 11 == 0 && version > 0) version--; // a stale document: ContentChanged
        vm.prank(bidder);
        if (l.token == address(0)) {
            try market.bid{value: deposit}(id, c, version) {
                _bids.push(BidRecord(id, bidder, c, amount, salt));
                _ok(this.bid.selector);
            } catch {}
        } else {
            try market.bidWithToken(id, c, deposit, version) {
                _bids.push(BidRecord(id, bidder, c, amount, salt));
                _ok(this.bid.selector);
            } catch {}
        }
    }

    function reveal(uint256 bidSeed) external {
        if (_bids.length == 0) return;
        BidRecord memory b = _bids[bidSeed % _bids.length];
        // Prefer a bid that can be revealed now (most of the time, not always: bad reveals matter too).
        for (uint256 i; i < _bids.length && bidSeed % 5 != 0; i++) {
            BidRecord memory c = _bids[(bidSeed % _bids.length + i) % _bids.length];
            ISoukMarket.ListingView memory l = market.getListing(c.listingId);
            if (block.timestamp < l.biddingEnd || block.timestamp >= l.revealEnd) continue;
            if (market.getBid(c.listingId, c.bidder, c.commitment).revealed) continue;
            b = c;
            break;
        }
        vm.prank(b.bidder);
        try market.reveal(b.listingId, b.amount, b.salt) {
            _ok(this.reveal.selector);
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 4 hours));
    }

    function finalize(uint256 listingSeed) external {
        uint256 id = _listing(listingSeed);
        if (id == 0) return;
        for (uint256 i; i < listingCount; i++) {
            uint256 candidate = 1 + (listingSeed % listingCount + i) % listingCount;
            ISoukMarket.ListingView memory l = market.getListing(candidate);
            if (!l.buyNow && !l.finalized && !l.cancelled && block.timestamp >= l.revealEnd) {
                id = candidate;
                break;
            }
        }
        (address winner, bytes32 c) = _winnerOf(id);
        try market.finalize(id, winner, c) {
            _ok(this.finalize.selector);
        } catch {}
    }

    function withdrawBid(uint256 bidSeed) external {
        if (_bids.length == 0) return;
        BidRecord memory b = _bids[bidSeed % _bids.length];
        for (uint256 i; i < _bids.length && bidSeed % 5 != 0; i++) {
            BidRecord memory c = _bids[(bidSeed % _bids.length + i) % _bids.length];
            ISoukMarket.BidView memory v = market.getBid(c.listingId, c.bidder, c.commitment);
            if (v.deposit != 0 && (v.revealed || market.getListing(c.listingId).finalized)) {
                b = c;
                break;
            }
        }
        vm.prank(b.bidder);
        try market.withdrawBid(b.listingId, b.commitment, b.bidder) {
            _ok(this.withdrawBid.selector);
        } catch {}
    }

    function buy(uint256 buyerSeed, uint256 listingSeed) external {
        uint256 id = _listing(listingSeed);
        if (id == 0) return;
        for (uint256 i; i < listingCount; i++) {
            uint256 candidate = 1 + (listingSeed % listingCount + i) % listingCount;
            ISoukMarket.ListingView memory forSale = market.getListing(candidate);
            if (forSale.buyNow && !forSale.finalized && !forSale.cancelled && block.timestamp < forSale.biddingEnd) {
                id = candidate;
                break;
            }
        }
        ISoukMarket.ListingView memory l = market.getListing(id);
        vm.prank(_actor(buyerSeed));
        try market.buy{value: l.token == address(0) ? l.price : 0}(id, l.contentVersion) {
            _ok(this.buy.selector);
        } catch {}
    }

    function cancel(uint256 listingSeed) external {
        uint256 id = _listing(listingSeed);
        if (id == 0 || listingSeed % 4 != 0) return; // keep most listings alive
        vm.prank(market.getListing(id).seller);
        try market.cancel(id) {
            _ok(this.cancel.selector);
        } catch {}
    }

    function updateContent(uint256 listingSeed, bytes32 contentHash) external {
        uint256 id = _listing(listingSeed);
        if (id == 0) return;
        vm.prank(market.getListing(id).seller);
        try market.updateContentHash(id, contentHash) {
            _ok(this.updateContent.selector);
        } catch {}
    }

    function escrow(uint256 listingSeed, uint256 actorSeed, uint256 action, uint256 x) external {
        uint256 id = _listing(listingSeed);
        if (id == 0) return;
        for (uint256 i; i < listingCount; i++) {
            uint256 candidate = 1 + (listingSeed % listingCount + i) % listingCount;
            ISoukMarket.EscrowStatus st = market.getEscrow(candidate).status;
            if (st >= ISoukMarket.EscrowStatus.Funded && st <= ISoukMarket.EscrowStatus.Disputed) {
                id = candidate;
                break;
            }
        }
        ISoukMarket.ListingView memory l = market.getListing(id);
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        address[] memory set = _sets[id];
        // The arbiter a dispute would choose: one of the set (sometimes the buyer itself, which is refused).
        address chosen = set.length == 0 ? address(0) : set[(x >> 128) % set.length];
        // buyer, seller, the chosen arbiter (or, once disputed, the one chosen then), or a stranger
        uint256 who = actorSeed % 4;
        address judge = e.arbiter != address(0) ? e.arbiter : chosen;
        address caller = who == 0 ? e.buyer : who == 1 ? l.seller : who == 2 ? judge : _actor(actorSeed >> 8);
        vm.prank(caller);
        action %= 6;
        if (action == 0) {
            try market.markShipped(id) {
                _ok(this.escrow.selector);
            } catch {}
        } else if (action == 1) {
            try market.confirm(id) {
                _ok(this.escrow.selector);
            } catch {}
        } else if (action == 2) {
            try market.refund(id) {
                _ok(this.escrow.selector);
            } catch {}
        } else if (action == 3) {
            try market.dispute(id, set, chosen) {
                _ok(this.escrow.selector);
            } catch {}
        } else if (action == 4) {
            try market.resolve(id, bound(x, 0, e.price)) {
                _ok(this.escrow.selector);
            } catch {}
        } else {
            try market.claimTimeout(id) {
                _ok(this.escrow.selector);
            } catch {}
        }
    }

    /// @dev A party (or a stranger) rates a listing's other party or its arbiter, often before the close or
    ///      twice, which must be refused. Ratings move no money; the invariant checks they never do.
    function rate(uint256 listingSeed, uint256 actorSeed, bool ofArbiter, uint8 score, bytes32 review) external {
        uint256 id = _listing(listingSeed);
        if (id == 0) return;
        // Mostly a closed escrow (1 in 4 as drawn, so NotClosed happens too).
        for (uint256 i; i < listingCount && listingSeed % 4 != 0; i++) {
            uint256 candidate = 1 + (listingSeed % listingCount + i) % listingCount;
            if (market.getEscrow(candidate).status >= ISoukMarket.EscrowStatus.Released) {
                id = candidate;
                break;
            }
        }
        ISoukMarket.EscrowView memory e = market.getEscrow(id);
        uint256 who = actorSeed % 3;
        address caller = who == 0 ? e.buyer : who == 1 ? market.getListing(id).seller : _actor(actorSeed >> 8);
        vm.prank(caller);
        try market.rate(id, ofArbiter, ISoukMarket.Score(score % 3), review) {
            _ok(this.rate.selector);
        } catch {}
    }

    function withdraw(uint256 actorSeed, bool token) external {
        address a = _actor(actorSeed);
        vm.prank(a);
        try market.withdraw(token ? address(usd) : address(0), a) {
            _ok(this.withdraw.selector);
        } catch {}
    }

    function _rateOnce(uint256 id, ISoukMarket.EscrowView memory e, address rater, bool ofArbiter, uint8 bit) internal {
        if (e.ratings & bit != 0) return;
        vm.prank(rater);
        market.rate(id, ofArbiter, ISoukMarket.Score.Neutral, bytes32(id));
    }

    // ---------------------------------------------------------------- accounting

    function _winnerOf(uint256 id) internal view returns (address, bytes32) {
        ISoukMarket.ListingView memory l = market.getListing(id);
        for (uint256 i; i < _bids.length; i++) {
            BidRecord memory b = _bids[i];
            if (b.listingId != id) continue;
            ISoukMarket.BidView memory v = market.getBid(id, b.bidder, b.commitment);
            if (v.leading && v.amount == l.highestBid) return (b.bidder, b.commitment);
        }
        return (address(0), bytes32(0));
    }

    /// @notice What the market owes in `token`: live deposits + open escrows + withdrawable balances
    ///         (the actors' and the treasury's). A winning deposit is split at finalize into the escrowed
    ///         price and the winner's credited change, so no live deposit holds a price.
    function owed(address token) external view returns (uint256 total) {
        for (uint256 i; i < _bids.length; i++) {
            BidRecord memory b = _bids[i];
            ISoukMarket.ListingView memory l = market.getListing(b.listingId);
            if (l.token != token) continue;
            ISoukMarket.BidView memory v = market.getBid(b.listingId, b.bidder, b.commitment);
            total += v.deposit;
        }
        for (uint256 id = 1; id <= listingCount; id++) {
            ISoukMarket.EscrowView memory e = market.getEscrow(id);
            if (e.status >= ISoukMarket.EscrowStatus.Funded && e.status <= ISoukMarket.EscrowStatus.Disputed) {
                if (market.getListing(id).token == token) total += e.price;
            }
        }
        for (uint256 i; i < actors.length; i++) {
            total += market.withdrawable(actors[i], token);
        }
        total += market.withdrawable(treasury, token);
    }

    /// @notice Ends everything the way any user could: finalize, time out or dispute every escrow (or, when
    ///         the buyer is the set's only arbiter and cannot choose itself, the seller refunds), rate every
    ///         closed escrow, take every bid back, withdraw every balance.
    function settleEverything() external {
        vm.warp(block.timestamp + 30 days);
        for (uint256 id = 1; id <= listingCount; id++) {
            ISoukMarket.ListingView memory l = market.getListing(id);
            if (!l.buyNow && !l.finalized && !l.cancelled) {
                (address winner, bytes32 c) = _winnerOf(id);
                market.finalize(id, winner, c);
            }
            ISoukMarket.EscrowView memory e = market.getEscrow(id);
            if (e.status == ISoukMarket.EscrowStatus.Funded) {
                address[] memory set = _sets[id];
                address chosen = set[0] != e.buyer ? set[0] : set.length > 1 ? set[1] : address(0);
                if (chosen != address(0)) {
                    vm.prank(e.buyer);
                    market.dispute(id, set, chosen);
                } else {
                    vm.prank(l.seller);
                    market.refund(id);
                }
            }
        }
        vm.warp(block.timestamp + 30 days);
        for (uint256 id = 1; id <= listingCount; id++) {
            ISoukMarket.EscrowStatus s = market.getEscrow(id).status;
            if (s == ISoukMarket.EscrowStatus.Shipped || s == ISoukMarket.EscrowStatus.Disputed) {
                market.claimTimeout(id);
            }
        }
        // Every party of every closed escrow rates whatever it has not rated yet (ratings move no money).
        for (uint256 id = 1; id <= listingCount; id++) {
            ISoukMarket.EscrowView memory e = market.getEscrow(id);
            if (e.status < ISoukMarket.EscrowStatus.Released) continue;
            address s = market.getListing(id).seller;
            _rateOnce(id, e, e.buyer, false, market.RATED_SELLER());
            _rateOnce(id, e, s, false, market.RATED_BUYER());
            if (!e.resolved) continue;
            _rateOnce(id, e, e.buyer, true, market.BUYER_RATED_ARBITER());
            _rateOnce(id, e, s, true, market.SELLER_RATED_ARBITER());
        }
        for (uint256 i; i < _bids.length; i++) {
            BidRecord memory b = _bids[i];
            if (market.getBid(b.listingId, b.bidder, b.commitment).deposit == 0) continue;
            vm.prank(b.bidder);
            market.withdrawBid(b.listingId, b.commitment, b.bidder);
        }
        for (uint256 i; i <= actors.length; i++) {
            address account = i == actors.length ? treasury : actors[i];
            for (uint256 t; t < 2; t++) {
                address token = t == 0 ? address(0) : address(usd);
                if (market.withdrawable(account, token) == 0) continue;
                vm.prank(account);
                market.withdraw(token, account);
            }
        }
    }
}

/// @notice The market always holds exactly what it owes, in ETH and in each token, and at the end of
///         every run everything can be paid out until nothing is left.
contract InvariantTest is TestBase {
    SoukMarket internal market;
    TestUSD internal usd;
    MarketHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        // As the deploy script does: the default protocol fee, and 1 wei credited to the treasury.
        market = new SoukMarket{value: 1}(address(0x7EA5), 50);
        usd = new TestUSD();
        handler = new MarketHandler(market, usd);
    }

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @dev Read by forge's invariant runner (forge-std's StdInvariant declares the same functions).
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Every handler action except the end-of-run settlement.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = MarketHandler.list.selector;
        selectors[1] = MarketHandler.bid.selector;
        selectors[2] = MarketHandler.reveal.selector;
        selectors[3] = MarketHandler.warp.selector;
        selectors[4] = MarketHandler.finalize.selector;
        selectors[5] = MarketHandler.withdrawBid.selector;
        selectors[6] = MarketHandler.buy.selector;
        selectors[7] = MarketHandler.cancel.selector;
        selectors[8] = MarketHandler.escrow.selector;
        selectors[9] = MarketHandler.withdraw.selector;
        selectors[10] = MarketHandler.updateContent.selector;
        selectors[11] = MarketHandler.rate.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    function invariant_holdsExactlyWhatItOwes() public view {
        assertEq(address(market).balance, handler.owed(address(0)), "ETH held != owed");
        assertEq(usd.balanceOf(address(market)), handler.owed(address(usd)), "tUSD held != owed");
    }

    function afterInvariant() public {
        handler.settleEverything();
        assertEq(address(market).balance, 0, "ETH left after settling everything");
        assertEq(usd.balanceOf(address(market)), 0, "tUSD left after settling everything");
    }
}
