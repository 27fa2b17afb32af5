// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestBase} from "./Base.t.sol";
import {SoukMarket} from "../src/SoukMarket.sol";
import {ISoukMarket} from "../src/ISoukMarket.sol";
import {TestUSD} from "../src/TestUSD.sol";

/// @notice Drives the market with random but well-formed actions from five actors: listings in ETH and
///         tUSD (auctions and buy now), bids, reveals, finalize, withdrawals, every escrow action, time.
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
            if (i != 4) market.registerArbiter(uint16(i * 300), "bafkreiarbiter"); // actor 5 never arbitrates
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
        address arbiter = _actor(arbiterSeed);
        // Mostly a registered arbiter other than the seller (actors 1-4 are registered); 1 in 8 left as drawn,
        // so the refusals (ArbiterIsSeller, ArbiterNotRegistered) happen too.
        if (arbiterSeed % 8 != 0 && (arbiter == seller || arbiter == actors[4])) {
            arbiter = actors[(sellerSeed % actors.length + 1) % 4];
        }
        ISoukMarket.ListingTerms memory t;
        t.contentHash = keccak256(abi.encode(listingCount));
        t.buyNow = buyNow && price % 4 == 0;
        t.biddingEnd = uint32(block.timestamp + 1 hours + durations % 12 hours);
        t.revealEnd = uint32(t.biddingEnd + 1 hours + (durations >> 32) % 12 hours);
        t.price = uint88(bound(price, 1, token ? 1_000e6 : 50 ether));
        t.token = token ? address(usd) : address(0);
        t.arbiter = arbiter;
        t.arbiterFeeBps = uint16((durations >> 64) % 1_001);
        t.confirmWindow = uint32(1 hours + (durations >> 96) % 1 days);
        t.disputeWindow = uint32(1 hours + (durations >> 128) % 1 days);
        vm.prank(seller);
        try market.list(t) returns (uint256 id) {
            listingCount = id;
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
        // Mostly someone who may bid; 1 in 8 as drawn (the seller or the arbiter must be refused).
        for (uint256 k = 1; k < actors.length && bidderSeed % 8 != 0; k++) {
            if (bidder != l.seller && bidder != l.arbiter) break;
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
        uint256 who = actorSeed % 4; // buyer, seller, arbiter, or a stranger
        address caller = who == 0 ? e.buyer : who == 1 ? l.seller : who == 2 ? l.arbiter : _actor(actorSeed >> 8);
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
            try market.dispute(id) {
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

    function withdraw(uint256 actorSeed, bool token) external {
        address a = _actor(actorSeed);
        vm.prank(a);
        try market.withdraw(token ? address(usd) : address(0), a) {
            _ok(this.withdraw.selector);
        } catch {}
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

    /// @notice Ends everything the way any user could: finalize, time out or dispute every escrow, take
    ///         every bid back, withdraw every balance.
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
                vm.prank(e.buyer);
                market.dispute(id);
            }
        }
        vm.warp(block.timestamp + 30 days);
        for (uint256 id = 1; id <= listingCount; id++) {
            ISoukMarket.EscrowStatus s = market.getEscrow(id).status;
            if (s == ISoukMarket.EscrowStatus.Shipped || s == ISoukMarket.EscrowStatus.Disputed) {
                market.claimTimeout(id);
            }
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
        market = new SoukMarket(address(0x7EA5));
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
        bytes4[] memory selectors = new bytes4[](11);
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
