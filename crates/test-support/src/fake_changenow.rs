//! A fake ChangeNOW v2 API on 127.0.0.1:0: real wire format, pair minimums, address checks, faults, stalled creates, and statuses walked by the test or by watching a dev chain.

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use axum::{
    Router,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use paygate_domain::money::Asset;
use rust_decimal::Decimal;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

mod chain;
mod deposits;
mod handlers;
mod json;
mod rules;

pub use deposits::Outcome;

/// The status walk [`FakeChangeNow::advance`] follows, from creation to `finished`.
pub const STATUS_WALK: [&str; 6] = ["new", "waiting", "confirming", "exchanging", "sending", "finished"];

/// A running fake ChangeNOW API; stops when dropped.
pub struct FakeChangeNow {
    addr: SocketAddr,
    state: Shared,
    shutdown: CancellationToken,
}

/// Rate, minimum and payout fee of one pair (tickers and networks lower-case).
#[derive(Debug, Clone, Copy)]
pub struct PairTerms {
    /// `to` units per `from` unit.
    pub rate: Decimal,
    /// Smallest `from` amount accepted.
    pub min: Decimal,
    /// Taken from the payout, in `to` units.
    pub withdrawal_fee: Decimal,
}

type PairKey = (&'static str, &'static str, &'static str, &'static str);

pub(crate) struct FakeState {
    api_key: String,
    pairs: HashMap<PairKey, PairTerms>,
    fixed_rate_enabled: bool,
    /// Well-formed addresses ChangeNOW refuses anyway (its checks are its own).
    refused_addresses: Vec<String>,
    exchanges: Vec<FakeExchange>,
    next_id: u64,
    faults: VecDeque<Fault>,
    /// Creates still to answer by stalling (after recording the exchange) until the fake stops.
    stalled_creates: u32,
    /// The next create answer names this payout address instead of the one asked for.
    misreported_payout: Option<String>,
    requests: Vec<String>,
    stop: CancellationToken,
    /// Pay-in addresses are this (32 hex digits, unique per fake) plus 8 of the exchange number.
    payin_prefix: String,
    /// What the next created exchanges do once the chain watcher sees their deposit.
    next_outcomes: VecDeque<Outcome>,
    /// Stops the running chain watcher, if any.
    watcher: Option<CancellationToken>,
}

/// One exchange as the fake keeps it.
#[derive(Debug, Clone)]
pub(crate) struct FakeExchange {
    id: String,
    status: String,
    flow: &'static str,
    from: Asset,
    to: Asset,
    expected_from: Decimal,
    expected_to: Decimal,
    amount_from: Option<Decimal>,
    amount_to: Option<Decimal>,
    payin_address: String,
    payout_address: String,
    payout_extra_id: Option<String>,
    refund_address: String,
    payin_hash: Option<String>,
    payout_hash: Option<String>,
    refund_hash: Option<String>,
    refund_amount: Option<Decimal>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
    /// The pair's terms when the exchange was created.
    terms: PairTerms,
    /// What the chain watcher does after the deposit.
    outcome: Outcome,
    /// Everything the pay-in address holds on the watched chain (the fake never spends it).
    received: Option<Decimal>,
    /// The status the chain watcher last entered; the walk stops once the test sets another.
    auto_status: Option<String>,
}

#[derive(Debug, Clone)]
struct Fault {
    path_contains: String,
    times: u32,
    status: u16,
    retry_after: Option<u32>,
}

type Shared = Arc<Mutex<FakeState>>;

/// Pairs known from the start: ETH and USDT-ERC20 into the payout coins tests use.
fn default_pairs() -> HashMap<PairKey, PairTerms> {
    let terms = |rate: &str, min: &str, fee: &str| PairTerms {
        rate: rate.parse().expect("valid rate"),
        min: min.parse().expect("valid min"),
        withdrawal_fee: fee.parse().expect("valid fee"),
    };
    HashMap::from([
        (("eth", "eth", "xmr", "xmr"), terms("10.5", "0.01", "0.0001")),
        (("eth", "eth", "usdt", "trx"), terms("3000", "0.005", "1")),
        (("eth", "eth", "btc", "btc"), terms("0.035", "0.005", "0.00001")),
        (("usdt", "eth", "usdt", "trx"), terms("0.999", "10", "1")),
        (("usdt", "eth", "xmr", "xmr"), terms("0.0035", "10", "0.0001")),
    ])
}

impl FakeChangeNow {
    /// Starts a fake that accepts only `api_key` (header `x-changenow-api-key`).
    pub async fn start(api_key: &str) -> FakeChangeNow {
        let stop = CancellationToken::new();
        let state = Arc::new(Mutex::new(FakeState {
            api_key: api_key.to_owned(),
            pairs: default_pairs(),
            fixed_rate_enabled: true,
            refused_addresses: Vec::new(),
            exchanges: Vec::new(),
            next_id: 1,
            faults: VecDeque::new(),
            stalled_creates: 0,
            misreported_payout: None,
            requests: Vec::new(),
            stop: stop.clone(),
            payin_prefix: deposits::payin_prefix(),
            next_outcomes: VecDeque::new(),
            watcher: None,
        }));
        let router = Router::new()
            .route("/v2/exchange/min-amount", get(handlers::min_amount))
            .route("/v2/exchange/estimated-amount", get(handlers::estimate))
            .route("/v2/exchange", post(handlers::create))
            .route("/v2/exchange/by-id", get(handlers::by_id))
            .route("/v2/exchanges", get(handlers::list))
            .with_state(state.clone());
        let (addr, shutdown) = crate::fake_server::serve(router, "ChangeNOW").await;
        let stop_on_shutdown = shutdown.clone();
        tokio::spawn(async move {
            stop_on_shutdown.cancelled().await;
            stop.cancel();
        });
        FakeChangeNow { addr, state, shutdown }
    }

    /// Where to point the client: `http://127.0.0.1:{port}/v2`.
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("http://{}/v2", self.addr)).expect("valid URL")
    }

    /// Every request received, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// Sets (or adds) the terms of the pair `from` → `to`.
    pub fn set_pair(&self, from: Asset, to: Asset, terms: PairTerms) {
        self.lock().pairs.insert((from.code(), from.network(), to.code(), to.network()), terms);
    }

    /// The pair `from` → `to` answers `pair_is_inactive` from now on.
    pub fn disable_pair(&self, from: Asset, to: Asset) {
        self.lock().pairs.remove(&(from.code(), from.network(), to.code(), to.network()));
    }

    /// The key may not use the fixed-rate flow: such estimates answer `fixed_rate_not_enabled`.
    pub fn disable_fixed_rate(&self) {
        self.lock().fixed_rate_enabled = false;
    }

    /// ChangeNOW refuses `address` (as payout or refund address) with `not_valid_address`.
    pub fn refuse_address(&self, address: &str) {
        self.lock().refused_addresses.push(address.to_owned());
    }

    /// The next `times` requests whose path contains `path_contains` fail with `status`.
    pub fn fail_next(&self, path_contains: &str, times: u32, status: u16) {
        self.push_fault(path_contains, times, status, None);
    }

    /// The next `times` matching requests get 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limit_next(&self, path_contains: &str, times: u32, retry_after_secs: u32) {
        self.push_fault(path_contains, times, 429, Some(retry_after_secs));
    }

    /// The next create call creates the exchange, then never answers (until the fake stops): the
    /// client times out although the exchange exists.
    pub fn stall_next_create(&self) {
        self.lock().stalled_creates += 1;
    }

    /// The next create answer reports `address` as the payout address (a provider-side mix-up).
    pub fn misreport_next_payout_address(&self, address: &str) {
        self.lock().misreported_payout = Some(address.to_owned());
    }

    /// Every exchange created so far, oldest first, as `GET /exchange/by-id` would show it (numbers
    /// read back as JSON numbers; use [`FakeChangeNow::deposit_asked`] for an exact amount).
    pub fn exchanges(&self) -> Vec<Value> {
        let exchanges = self
            .lock()
            .exchanges
            .iter()
            .map(|exchange| json::render(&json::by_id(exchange)))
            .collect::<Vec<_>>();
        exchanges.iter().map(|text| serde_json::from_str(text).expect("the fake writes valid JSON")).collect()
    }

    /// The `fromAmount` exchange `id` was created with, exactly as received.
    pub fn deposit_asked(&self, id: &str) -> Decimal {
        self.with_exchange(id, |exchange| exchange.expected_from)
    }

    /// Moves exchange `id` one step along [`STATUS_WALK`] (no change once final) and returns its status.
    pub fn advance(&self, id: &str) -> String {
        self.with_exchange(id, |exchange| {
            let next = STATUS_WALK.iter().position(|status| *status == exchange.status).map(|at| at + 1);
            if let Some(next) = next.and_then(|at| STATUS_WALK.get(at)) {
                exchange.enter(next);
            }
            exchange.status.clone()
        })
    }

    /// Walks exchange `id` to `finished`: deposit seen, exchanged, paid out (`amountTo` set).
    pub fn finish(&self, id: &str) {
        while self.advance(id) != "finished" {}
    }

    /// Exchange `id` is refunded to the refund address (the whole deposit).
    pub fn refund(&self, id: &str) {
        self.with_exchange(id, |exchange| exchange.enter("refunded"));
    }

    /// Sets any status text, documented or not (`failed`, `verifying`, `expired`, `teleported`).
    pub fn set_status(&self, id: &str, status: &str) {
        self.with_exchange(id, |exchange| exchange.enter(status));
    }

    fn with_exchange<T>(&self, id: &str, change: impl FnOnce(&mut FakeExchange) -> T) -> T {
        let mut state = self.lock();
        let exchange = state.exchanges.iter_mut().find(|exchange| exchange.id == id);
        change(exchange.unwrap_or_else(|| panic!("the fake has no exchange {id}")))
    }

    fn push_fault(&self, path_contains: &str, times: u32, status: u16, retry_after: Option<u32>) {
        let fault = Fault { path_contains: path_contains.to_owned(), times, status, retry_after };
        self.lock().faults.push_back(fault);
    }

    fn lock(&self) -> MutexGuard<'_, FakeState> {
        lock(&self.state)
    }
}

impl Drop for FakeChangeNow {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl FakeExchange {
    /// Enters `status`, filling what ChangeNOW fills at that point.
    fn enter(&mut self, status: &str) {
        status.clone_into(&mut self.status);
        self.updated_at = Utc::now();
        let deposit_seen =
            matches!(status, "confirming" | "exchanging" | "sending" | "finished" | "refunded");
        if deposit_seen && self.amount_from.is_none() {
            self.amount_from = Some(self.expected_from);
            self.payin_hash = Some(format!("0x{:0>64}", format!("1{}", self.id)));
        }
        match status {
            "finished" => {
                let from = self.amount_from.unwrap_or(self.expected_from);
                self.amount_to = Some(rules::payout(from, self.to, self.terms));
                self.payout_hash = Some(format!("payout-{}", self.id));
            }
            "refunded" => {
                self.refund_amount = self.amount_from;
                self.refund_hash = Some(format!("0x{:0>64}", format!("2{}", self.id)));
            }
            _ => {}
        }
    }
}

pub(crate) fn lock(state: &Shared) -> MutexGuard<'_, FakeState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
