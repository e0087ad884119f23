//! The simulated exchange's status walk, computed from its row: waiting → confirming → exchanging → sending → finished (or refunded / failed / expired).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use paygate_domain::{
    money::{Amount, Asset},
    swap::{Exchange, ExchangeId, ExchangeStatus, SwapError, SwapPair},
    wallet::Network,
};

use super::{prices, store::ExchangeRow};

fn bad(what: String) -> SwapError {
    SwapError::BadResponse(what)
}

/// Where the exchange stands now (by the database's clock in `row.db_now`), `step` per step after the
/// deposit was seen. A deposit below the minimum is refunded and a faulted exchange fails, one step
/// after the deposit; no deposit before `valid_until` means `expired`.
pub(crate) fn exchange_of(row: &ExchangeRow, step: Duration) -> Result<Exchange, SwapError> {
    let id = ExchangeId::parse(&row.id).ok_or_else(|| bad(format!("stored exchange id {}", row.id)))?;
    let asset = |code: &str, network: &str| {
        Asset::parse(code, network).map_err(|e| bad(format!("stored exchange {id}: {e}")))
    };
    let (from, to) = (asset(&row.from_code, &row.from_network)?, asset(&row.to_code, &row.to_network)?);
    let pair = SwapPair::new(from, to).ok_or_else(|| bad(format!("stored exchange {id} is not a swap")))?;
    let money =
        |value, asset| Amount::new(value, asset).map_err(|e| bad(format!("stored exchange {id}: {e}")));
    let mut exchange = Exchange {
        id: id.clone(),
        status: ExchangeStatus::Waiting,
        pair,
        payin_address: row.payin_address.clone(),
        payin_extra_id: None,
        payout_address: row.payout_address.clone(),
        payout_extra_id: row.payout_extra_id.clone(),
        refund_address: Some(row.refund_address.clone()),
        expected_from: Some(money(row.expected_from, from)?),
        expected_to: Some(Amount::floor_to_asset(row.expected_to, to).map_err(|e| bad(e.to_string()))?),
        amount_from: None,
        amount_to: None,
        payin_hash: None,
        payout_hash: None,
        refund_hash: None,
        refund_amount: None,
        created_at: Some(row.created_at),
        updated_at: Some(row.created_at),
        valid_until: row.fixed_rate.then_some(row.valid_until),
    };
    let (Some(deposited), Some(seen_at)) = (row.deposit_amount, row.deposit_at) else {
        if row.db_now >= row.valid_until {
            exchange.status = ExchangeStatus::Expired;
            exchange.updated_at = Some(row.valid_until);
        }
        return Ok(exchange);
    };
    let amount_from = money(deposited, from)?;
    exchange.amount_from = Some(amount_from);
    exchange.payin_hash = row.deposit_hash.clone();
    let steps = steps_since(seen_at, row.db_now, step);
    let (status, reached) = if deposited < row.min_from {
        walk(steps, &[ExchangeStatus::Confirming, ExchangeStatus::Refunded])
    } else if row.fail_after_deposit {
        walk(steps, &[ExchangeStatus::Confirming, ExchangeStatus::Failed])
    } else {
        walk(
            steps,
            &[
                ExchangeStatus::Confirming,
                ExchangeStatus::Exchanging,
                ExchangeStatus::Sending,
                ExchangeStatus::Finished,
            ],
        )
    };
    let reached_at = step_delta(step)
        .checked_mul(i32::try_from(reached).unwrap_or(i32::MAX))
        .and_then(|elapsed| seen_at.checked_add_signed(elapsed))
        .unwrap_or(row.db_now);
    exchange.updated_at = Some(reached_at.min(row.db_now));
    match status {
        ExchangeStatus::Finished => {
            exchange.amount_to = Some(prices::payout(amount_from, row.rate, to)?);
            exchange.payout_hash = Some(fake_hash(to, &format!("payout:{id}")));
        }
        ExchangeStatus::Refunded => {
            exchange.refund_amount = Some(amount_from);
            exchange.refund_hash = Some(fake_hash(from, &format!("refund:{id}")));
        }
        ExchangeStatus::New
        | ExchangeStatus::Waiting
        | ExchangeStatus::Confirming
        | ExchangeStatus::Exchanging
        | ExchangeStatus::Sending
        | ExchangeStatus::Failed
        | ExchangeStatus::Verifying
        | ExchangeStatus::Expired
        | ExchangeStatus::Unknown(_) => {}
    }
    exchange.status = status;
    Ok(exchange)
}

/// Whole steps elapsed since `since` (every step at once when `step` is zero).
fn steps_since(since: DateTime<Utc>, now: DateTime<Utc>, step: Duration) -> u32 {
    let elapsed = (now - since).max(TimeDelta::zero());
    let step_ms = step_delta(step).num_milliseconds();
    if step_ms <= 0 {
        return u32::MAX;
    }
    u32::try_from(elapsed.num_milliseconds() / step_ms).unwrap_or(u32::MAX)
}

fn step_delta(step: Duration) -> TimeDelta {
    TimeDelta::from_std(step).unwrap_or(TimeDelta::MAX)
}

/// The status `steps` along `path` (the last one once reached), and the index it was reached at.
fn walk(steps: u32, path: &[ExchangeStatus]) -> (ExchangeStatus, u32) {
    let last = u32::try_from(path.len().saturating_sub(1)).unwrap_or(0);
    let reached = steps.min(last);
    let status = usize::try_from(reached).ok().and_then(|i| path.get(i)).cloned();
    (status.unwrap_or(ExchangeStatus::Confirming), reached)
}

/// A fake transaction id as the asset's chain writes it (`0x…` on EVM chains, bare hex elsewhere).
fn fake_hash(asset: Asset, seed: &str) -> String {
    let evm =
        matches!(Network::from_code(asset.network()), Some(Network::Eth | Network::Bsc | Network::Matic));
    if evm { crate::fake::eth_tx_hash(seed.as_bytes()) } else { crate::fake::hex64(seed.as_bytes()) }
}

#[cfg(test)]
#[path = "walk_tests.rs"]
mod tests;
