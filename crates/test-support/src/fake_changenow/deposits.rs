//! Deposits seen on a watched dev chain: the watch API, scripted outcomes, funded accessors, and one status step per tick.

use std::{
    collections::HashMap,
    sync::atomic::{AtomicU64, Ordering},
};

use rust_decimal::Decimal;
use url::Url;

use super::{FakeChangeNow, FakeExchange, FakeState, chain};

/// What an exchange does once the chain watcher has seen its deposit (entering `confirming`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Outcome {
    /// `exchanging`, `sending`, `finished` (or `refunded` when the deposit is below the pair minimum).
    #[default]
    Finish,
    /// `failed`.
    Fail,
    /// `refunded`: the whole deposit goes back to the refund address.
    Refund,
    /// This status (`verifying`, `exchanging`, …), then the watcher leaves the exchange there.
    Hold(String),
}

/// What one watcher tick read: the pay-in balances above zero, and whether the deposit hashes are
/// known up to the head block the balances were read at.
pub(super) struct Reading {
    pub(super) balances: Vec<(String, Decimal)>,
    pub(super) scanned: bool,
}

/// A pay-in address prefix unique to this fake (process id, then a count): 32 hex digits starting
/// `0000dead`, so no pay-in address is a precompile, an anvil dev account or a deployed contract,
/// and fakes sharing one chain never share a pay-in address.
pub(super) fn payin_prefix() -> String {
    static FAKES: AtomicU64 = AtomicU64::new(0);
    let fake = FAKES.fetch_add(1, Ordering::Relaxed);
    format!("0000dead{:08x}{fake:016x}", std::process::id())
}

impl FakeChangeNow {
    /// Watches the chain at `rpc_url` (until the fake stops, or the next call replaces it): an
    /// exchange from ETH, or from USDT-ERC20 when `usdt_token` (the token's `0x` address) is given,
    /// whose pay-in address receives anything while `new`/`waiting` enters `confirming` with
    /// `amountFrom` = what arrived and `payinHash` = its transaction, then walks one status per tick
    /// as its [`Outcome`] says.
    pub fn watch_chain(&self, rpc_url: Url, usdt_token: Option<String>) {
        let mut state = self.lock();
        let stop = state.stop.child_token();
        if let Some(previous) = state.watcher.replace(stop.clone()) {
            previous.cancel();
        }
        let watcher = chain::Chain::new(rpc_url, usdt_token);
        tokio::spawn(chain::watch(self.state.clone(), watcher, stop));
    }

    /// What exchange `id` does once its deposit is seen on the chain.
    pub fn set_outcome_after_deposit(&self, id: &str, outcome: Outcome) {
        self.with_exchange(id, |exchange| exchange.outcome = outcome);
    }

    /// What the next created exchange (after any already queued) does once its deposit is seen.
    pub fn next_outcome_after_deposit(&self, outcome: Outcome) {
        self.lock().next_outcomes.push_back(outcome);
    }

    /// The next created exchange goes `failed` once its deposit is seen.
    pub fn fail_next_after_deposit(&self) {
        self.next_outcome_after_deposit(Outcome::Fail);
    }

    /// The next created exchange is `refunded` once its deposit is seen.
    pub fn refund_next_after_deposit(&self) {
        self.next_outcome_after_deposit(Outcome::Refund);
    }

    /// The next created exchange stops at `status` (`verifying`, …) once its deposit is seen.
    pub fn hold_next_at(&self, status: &str) {
        self.next_outcome_after_deposit(Outcome::Hold(status.to_owned()));
    }

    /// Ids of the exchanges whose pay-in address received anything on the watched chain, oldest first.
    pub fn funded_exchanges(&self) -> Vec<String> {
        let state = self.lock();
        state.exchanges.iter().filter(|e| e.received.is_some()).map(|e| e.id.clone()).collect()
    }

    /// Everything exchange `id`'s pay-in address received on the watched chain (all deposits, in
    /// the `from` asset), or `None` while it holds nothing.
    pub fn deposit_received(&self, id: &str) -> Option<Decimal> {
        self.with_exchange(id, |exchange| exchange.received)
    }
}

/// Applies one tick: exchanges already walking take one step, then newly funded ones enter
/// `confirming` (once the deposit hashes are known up to the head the balances were read at).
pub(super) fn apply(state: &mut FakeState, reading: &Reading, hashes: &HashMap<String, String>) {
    state.exchanges.iter_mut().for_each(step);
    for (id, balance) in &reading.balances {
        let Some(exchange) = state.exchanges.iter_mut().find(|exchange| exchange.id == *id) else {
            continue;
        };
        exchange.received = Some(*balance);
        if reading.scanned && matches!(exchange.status.as_str(), "new" | "waiting") {
            exchange.amount_from = Some(*balance);
            exchange.payin_hash = hashes.get(&exchange.payin_address.to_ascii_lowercase()).cloned();
            exchange.enter("confirming");
            exchange.auto_status = Some("confirming".to_owned());
        }
    }
}

/// One step of the watcher's walk; none once the test has set another status by hand.
fn step(exchange: &mut FakeExchange) {
    let Some(at) = exchange.auto_status.take() else { return };
    if at != exchange.status {
        return;
    }
    let below_minimum = exchange.amount_from.is_some_and(|amount| amount < exchange.terms.min);
    let (next, walking) = match (at.as_str(), &exchange.outcome) {
        ("confirming", _) if below_minimum => ("refunded".to_owned(), false),
        ("confirming", Outcome::Finish) => ("exchanging".to_owned(), true),
        ("confirming", Outcome::Fail) => ("failed".to_owned(), false),
        ("confirming", Outcome::Refund) => ("refunded".to_owned(), false),
        ("confirming", Outcome::Hold(status)) => (status.clone(), false),
        ("exchanging", _) => ("sending".to_owned(), true),
        ("sending", _) => ("finished".to_owned(), false),
        _ => return,
    };
    exchange.enter(&next);
    if walking {
        exchange.auto_status = Some(next);
    }
}
