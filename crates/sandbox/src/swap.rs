//! `SandboxSwap`: the swap provider simulated in PostgreSQL; its exchanges advance once the sandbox wallet pays their pay-in address.

mod prices;
mod store;
mod walk;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use paygate_domain::{
    money::{Amount, Asset},
    swap::{
        CreatedExchange, Exchange, ExchangeId, ExchangeQuery, MinAmount, NewExchange, Quote, RateFlow,
        RateId, SwapError, SwapPair, SwapProvider,
    },
};
use sqlx::PgPool;

/// How long a fixed rate (and a fixed-rate exchange's deposit window) holds.
const FIXED_RATE_VALIDITY: TimeDelta = TimeDelta::minutes(20);
/// How long a standard exchange awaits its deposit before it expires.
const STANDARD_DEPOSIT_WINDOW: TimeDelta = TimeDelta::hours(24);
/// Prefix of the simulator's rate ids: `sbx-rate-{valid until, unix seconds}-{random}`.
const RATE_ID_PREFIX: &str = "sbx-rate-";

fn db(error: sqlx::Error) -> SwapError {
    SwapError::Unavailable(error.to_string())
}

/// The exchange simulator. Rates come from a fixed USD price table; an exchange walks
/// `waiting → confirming → exchanging → sending → finished`, one `step` per status, from the moment a
/// sandbox wallet transfer to its pay-in address is broadcast.
#[derive(Debug, Clone)]
pub struct SandboxSwap {
    pool: PgPool,
    step: Duration,
}

impl SandboxSwap {
    /// `step` is the time between two statuses once the deposit is seen (zero: finished at once).
    pub fn new(pool: PgPool, step: Duration) -> Self {
        Self { pool, step }
    }

    /// Fault injection for demos and tests: the next exchange created (by any instance) ends `failed`
    /// once its deposit is seen. Each call fails one more exchange.
    pub async fn fail_next_exchange(&self) -> Result<(), SwapError> {
        store::request_fault(&self.pool).await.map_err(db)?;
        tracing::info!(kind = "user", "💱 the next sandbox exchange will fail");
        Ok(())
    }

    fn pair(from: Asset, to: Asset) -> Result<SwapPair, SwapError> {
        let pair = SwapPair::new(from, to)
            .ok_or_else(|| SwapError::PairUnavailable(format!("{from:?} to {to:?} is not a swap")))?;
        prices::check_pair(pair)?;
        Ok(pair)
    }
}

/// A fresh fixed-rate id valid until `valid_until`.
fn new_rate_id(valid_until: DateTime<Utc>) -> Option<RateId> {
    RateId::parse(&format!("{RATE_ID_PREFIX}{}-{}", valid_until.timestamp(), uuid::Uuid::new_v4().simple()))
}

/// A rate id this simulator issued and that has not expired.
fn check_rate_id(rate_id: &RateId, now: DateTime<Utc>) -> Result<(), SwapError> {
    let unknown = || SwapError::Rejected(format!("unknown rate id {}", rate_id.as_str()));
    let rest = rate_id.as_str().strip_prefix(RATE_ID_PREFIX).ok_or_else(unknown)?;
    let (until, _) = rest.split_once('-').ok_or_else(unknown)?;
    let until = until.parse::<i64>().ok().and_then(|s| DateTime::from_timestamp(s, 0)).ok_or_else(unknown)?;
    if until < now {
        return Err(SwapError::Rejected(format!("the fixed rate {} expired", rate_id.as_str())));
    }
    Ok(())
}

#[async_trait]
impl SwapProvider for SandboxSwap {
    async fn min_amount(&self, pair: SwapPair, flow: RateFlow) -> Result<MinAmount, SwapError> {
        prices::check_pair(pair)?;
        Ok(MinAmount { pair, flow, min: prices::min_from(pair)? })
    }

    async fn estimate(&self, from: Amount, to: Asset, flow: RateFlow) -> Result<Quote, SwapError> {
        let pair = Self::pair(from.asset(), to)?;
        prices::check_minimum(from, pair)?;
        let quoted = prices::payout(from, prices::rate(pair)?, to)?;
        let (rate_id, valid_until) = match flow {
            RateFlow::FixedRate => {
                let valid_until = Utc::now() + FIXED_RATE_VALIDITY;
                let rate_id = new_rate_id(valid_until)
                    .ok_or_else(|| SwapError::Rejected("cannot form a rate id".into()))?;
                (Some(rate_id), Some(valid_until))
            }
            RateFlow::Standard => (None, None),
        };
        Ok(Quote {
            from,
            to: quoted,
            flow,
            rate_id,
            valid_until,
            deposit_fee: Some(Amount::zero(from.asset())),
            withdrawal_fee: Some(prices::withdrawal_fee(to)?),
            warning: None,
        })
    }

    #[tracing::instrument(skip_all, fields(pair = ?request.pair(), from_amount = %request.from_amount()))]
    async fn create_exchange(&self, request: &NewExchange) -> Result<CreatedExchange, SwapError> {
        let pair = Self::pair(request.from_amount().asset(), request.pair().to())?;
        let from_amount = request.from_amount();
        let min = prices::check_minimum(from_amount, pair)?;
        if let Some(rate_id) = request.rate_id() {
            check_rate_id(rate_id, Utc::now())?;
        }
        let rate = prices::rate(pair)?;
        let expected_to = prices::payout(from_amount, rate, pair.to())?;
        let payin = crate::fake::random_eth_address()
            .ok_or_else(|| SwapError::Unavailable("cannot form a pay-in address".into()))?;
        let id_text = format!("sbx{}", &uuid::Uuid::new_v4().simple().to_string()[..17]);
        let id =
            ExchangeId::parse(&id_text).ok_or_else(|| SwapError::Unavailable("cannot form an id".into()))?;
        let fixed_rate = request.rate_id().is_some();
        let window = if fixed_rate { FIXED_RATE_VALIDITY } else { STANDARD_DEPOSIT_WINDOW };
        let new = store::NewExchange {
            id: id.as_str(),
            from_code: pair.from().code(),
            from_network: pair.from().network(),
            to_code: pair.to().code(),
            to_network: pair.to().network(),
            fixed_rate,
            expected_from: from_amount.value(),
            rate,
            expected_to: expected_to.value(),
            min_from: min.value(),
            payin_address: payin.as_str(),
            payout_address: request.payout_address().as_str(),
            payout_extra_id: request.payout_extra_id().map(|extra_id| extra_id.as_str()),
            refund_address: request.refund_address().as_str(),
            valid_for_ms: window.num_milliseconds(),
        };
        let mut tx = self.pool.begin().await.map_err(db)?;
        let (_, valid_until) = store::insert_exchange(&mut tx, &new).await.map_err(db)?;
        let faulted = store::take_fault(&mut tx, id.as_str()).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        tracing::info!(kind = "external", exchange_id = %id, faulted, "💱 sandbox exchange created");
        Ok(CreatedExchange {
            id,
            pair,
            from_amount,
            to_amount: Some(expected_to),
            payin_address: payin.as_str().to_owned(),
            payin_extra_id: None,
            payout_address: request.payout_address().as_str().to_owned(),
            payout_extra_id: request.payout_extra_id().map(|extra_id| extra_id.as_str().to_owned()),
            valid_until: fixed_rate.then_some(valid_until),
        })
    }

    async fn exchange_by_id(&self, id: &ExchangeId) -> Result<Exchange, SwapError> {
        let row = store::exchange(&self.pool, id.as_str()).await.map_err(db)?.ok_or(SwapError::NotFound)?;
        walk::exchange_of(&row, self.step)
    }

    async fn find_exchanges(&self, query: &ExchangeQuery) -> Result<Vec<Exchange>, SwapError> {
        let filter = store::Filter {
            from_code: query.pair.from().code(),
            from_network: query.pair.from().network(),
            to_code: query.pair.to().code(),
            to_network: query.pair.to().network(),
            payout_address: query.payout_address.as_str(),
            created_after: query.created_after,
            created_before: query.created_before,
        };
        let rows = store::find(&self.pool, &filter).await.map_err(db)?;
        rows.iter().map(|row| walk::exchange_of(row, self.step)).collect()
    }

    fn is_live(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_ids_are_accepted_until_they_expire_and_foreign_ones_never() {
        let now = Utc::now();
        let id = new_rate_id(now + FIXED_RATE_VALIDITY).unwrap();
        assert!(check_rate_id(&id, now).is_ok());
        assert!(matches!(check_rate_id(&id, now + TimeDelta::minutes(21)), Err(SwapError::Rejected(_))));
        for foreign in ["abc", "sbx-rate-x-1", "sbx-rate-123"] {
            assert!(check_rate_id(&RateId::parse(foreign).unwrap(), now).is_err(), "{foreign}");
        }
    }
}
