//! Threshold payouts: pending entries converted to USDT together, and batches of a channel's converted balance.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_db::payouts::{NewPayout, PayoutRow};
use paygate_domain::{
    money::{Amount, Asset},
    split::split_proportionally,
    status::{EntryStatus, PayoutKind, PayoutPurpose, PayoutState, PayoutStatus},
    swap::{RateFlow, SwapPair},
};
use paygate_jobs::{Handler, Job, JobContext, JobError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    App, AppError, AppResult,
    owners::notify::{self as owner_notify, OwnerEvent},
    payouts::job,
};

/// Entries one conversion covers at most.
const CONVERSION_MAX_ENTRIES: i64 = 10_000;

/// Cron tick: convert pending entries when the oldest waited `conversion_interval` or they are
/// worth `conversion_min_usd`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ConvertPending {
    pub tick: DateTime<Utc>,
}

impl Job for ConvertPending {
    const KIND: &'static str = "payouts.convert_pending";
    const MAX_ATTEMPTS: i32 = 3;
}

pub struct ConvertPendingHandler(pub App);

#[async_trait]
impl Handler for ConvertPendingHandler {
    type Job = ConvertPending;

    async fn run(&self, _ctx: &JobContext, _job: ConvertPending) -> Result<(), JobError> {
        convert_pending(&self.0).await.map(|_| ()).map_err(JobError::retryable)
    }
}

/// Cron tick: one batch pass over the channels that hold enough.
#[derive(Debug, Serialize, Deserialize)]
pub struct BatchPass {
    pub tick: DateTime<Utc>,
}

impl Job for BatchPass {
    const KIND: &'static str = "payouts.batch_pass";
    const MAX_ATTEMPTS: i32 = 3;
}

pub struct BatchPassHandler(pub App);

#[async_trait]
impl Handler for BatchPassHandler {
    type Job = BatchPass;

    async fn run(&self, _ctx: &JobContext, _job: BatchPass) -> Result<(), JobError> {
        batch_pass(&self.0).await.map(|_| ()).map_err(JobError::retryable)
    }
}

fn unavailable(error: paygate_domain::swap::SwapError) -> AppError {
    AppError::Unavailable(format!("swap provider: {error}"))
}

/// Starts one conversion of the pending ETH entries when they are due and above the pair minimum;
/// returns its payout id. The deposit is exactly the sum of the entries it locks.
pub async fn convert_pending(app: &App) -> AppResult<Option<Uuid>> {
    let (from, to) = (Asset::ETH, Asset::USDT_ERC20);
    let mut conn = app.pool.acquire().await?;
    let summary = paygate_db::accumulation::pending_summary(&mut conn, from.code(), from.network()).await?;
    drop(conn);
    let Some(oldest) = summary.oldest else { return Ok(None) };
    let total =
        Amount::floor_to_asset(summary.source_amount, from).map_err(|e| AppError::Internal(e.into()))?;
    let interval = chrono::Duration::from_std(app.settings.conversion_interval).unwrap_or_default();
    let due = oldest + interval <= Utc::now() || {
        let quote = app.swap.estimate(total, to, RateFlow::Standard).await;
        quote.is_ok_and(|quote| quote.to.value() >= app.settings.conversion_min_usd)
    };
    if !due {
        return Ok(None);
    }
    let pair = SwapPair::new(from, to).ok_or_else(|| AppError::Internal(anyhow::anyhow!("ETH to USDT")))?;
    let minimum = app.swap.min_amount(pair, RateFlow::Standard).await.map_err(unavailable)?;
    if total.value() < minimum.min.value() {
        tracing::info!(kind = "money", pending = %total.value(), min = %minimum.min.value(),
            "💰 pending entries below the conversion minimum; waiting for more");
        return Ok(None);
    }
    let mut tx = app.pool.begin().await?;
    let entries =
        paygate_db::accumulation::lock_pending(&mut tx, from.code(), from.network(), CONVERSION_MAX_ENTRIES)
            .await?;
    let sum: Decimal = entries.iter().map(|entry| entry.source_amount).sum();
    if entries.is_empty() || sum < minimum.min.value() {
        return Ok(None);
    }
    let id = Uuid::now_v7();
    let host = app.wallet.address();
    let new = NewPayout {
        id,
        purpose: PayoutPurpose::Conversion,
        payment_id: None,
        channel_id: None,
        owner_id: None,
        kind: PayoutKind::Swap,
        status: PayoutState::Quoting,
        source_amount: sum,
        source_code: from.code(),
        source_network: from.network(),
        dest_address: host.as_str(),
        dest_extra_id: None,
        dest_code: to.code(),
        dest_network: to.network(),
    };
    paygate_db::payouts::insert_once(&mut tx, &new).await?;
    let ids: Vec<Uuid> = entries.iter().map(|entry| entry.id).collect();
    paygate_db::accumulation::mark_converting(&mut tx, &ids, id).await?;
    let line = format!("conversion of {} entries ({sum} ETH) to USDT into the host wallet", ids.len());
    paygate_db::payouts::insert_step(&mut tx, id, PayoutState::Quoting, &line).await?;
    job::enqueue_step(&mut tx, id, 0, None).await?;
    tx.commit().await?;
    tracing::info!(kind = "money", payout_id = %id, entries = ids.len(), %sum, "💰 grouped conversion started");
    Ok(Some(id))
}

/// What starting a batch for one channel did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStart {
    Started(Uuid),
    /// Below the channel's threshold (a pass waits).
    BelowThreshold,
    /// Nothing converted to pay.
    Empty,
    /// A batch of the channel is under way or needs attention.
    InFlight,
    /// The balance is below the pair minimum of the owner's coin.
    BelowMinimum,
}

/// Pays the channel's converted balance as one batch (below its threshold only when `force`d or
/// when the channel is instant now). The channel's balance row is locked first, so two passes (or a
/// pass and "pay out now") never batch the same entries; entries arriving meanwhile wait for the next.
pub async fn start_batch(app: &App, channel_id: Uuid, force: bool) -> AppResult<BatchStart> {
    let mut tx = app.pool.begin().await?;
    paygate_db::accumulation::lock_balance(&mut tx, channel_id).await?;
    if paygate_db::payouts::open_batch(&mut tx, channel_id).await?.is_some() {
        return Ok(BatchStart::InFlight);
    }
    let settings =
        paygate_db::payouts::channel_settings(&mut tx, channel_id).await?.ok_or(AppError::NotFound)?;
    let entries = paygate_db::accumulation::lock_converted(&mut tx, channel_id).await?;
    let sum: Decimal = entries.iter().filter_map(|entry| entry.usdt_amount).sum();
    if entries.is_empty() || sum <= Decimal::ZERO {
        return Ok(BatchStart::Empty);
    }
    let threshold = settings.threshold_usd.filter(|_| settings.strategy == "threshold");
    if !force && threshold.is_some_and(|threshold| sum < threshold) {
        return Ok(BatchStart::BelowThreshold);
    }
    let source = Asset::USDT_ERC20;
    let dest =
        Asset::parse(&settings.currency, &settings.network).map_err(|e| AppError::Internal(e.into()))?;
    let kind = if dest == source { PayoutKind::Direct } else { PayoutKind::Swap };
    if let Some(pair) = SwapPair::new(source, dest) {
        let minimum = app.swap.min_amount(pair, RateFlow::Standard).await.map_err(unavailable)?;
        if sum < minimum.min.value() {
            return Ok(BatchStart::BelowMinimum);
        }
    }
    let id = Uuid::now_v7();
    let status = if kind == PayoutKind::Direct { PayoutState::Sending } else { PayoutState::Quoting };
    let new = NewPayout {
        id,
        purpose: PayoutPurpose::Batch,
        payment_id: None,
        channel_id: Some(channel_id),
        owner_id: Some(settings.owner_id),
        kind,
        status,
        source_amount: sum,
        source_code: source.code(),
        source_network: source.network(),
        dest_address: &settings.wallet_address,
        dest_extra_id: settings.extra_id.as_deref(),
        dest_code: dest.code(),
        dest_network: dest.network(),
    };
    paygate_db::payouts::insert_once(&mut tx, &new).await?;
    let ids: Vec<Uuid> = entries.iter().map(|entry| entry.id).collect();
    paygate_db::accumulation::mark_in_batch(&mut tx, &ids, id).await?;
    let line = format!(
        "batch of {} entries ({sum} USDT){}",
        ids.len(),
        if force { ", paid out on request" } else { "" }
    );
    paygate_db::payouts::insert_step(&mut tx, id, status, &line).await?;
    job::enqueue_step(&mut tx, id, 0, None).await?;
    tx.commit().await?;
    tracing::info!(kind = "money", payout_id = %id, %channel_id, entries = ids.len(), %sum, "💰 batch started");
    Ok(BatchStart::Started(id))
}

/// One pass: every channel due gets a batch. Reads only the channels holding converted USDT.
pub async fn batch_pass(app: &App) -> AppResult<Vec<Uuid>> {
    let mut conn = app.pool.acquire().await?;
    let due = paygate_db::accumulation::channels_due(&mut conn).await?;
    drop(conn);
    let mut started = Vec::new();
    for channel_id in due {
        match start_batch(app, channel_id, false).await {
            Ok(BatchStart::Started(id)) => started.push(id),
            Ok(other) => {
                tracing::debug!(kind = "money", %channel_id, outcome = ?other, "no batch for this channel now")
            }
            Err(error) => {
                tracing::warn!(kind = "warning", %channel_id, %error, "batch could not start; next pass retries")
            }
        }
    }
    Ok(started)
}

/// The owner's "pay out now": the whole converted balance, below the threshold too.
pub async fn payout_now(app: &App, channel_id: Uuid) -> AppResult<Uuid> {
    match start_batch(app, channel_id, true).await? {
        BatchStart::Started(id) => Ok(id),
        BatchStart::InFlight => {
            Err(AppError::conflict("batch_in_flight", "a payout of this channel is under way"))
        }
        BatchStart::BelowMinimum => Err(AppError::conflict(
            "balance_below_minimum",
            "the balance is below the smallest amount the exchange accepts for your coin",
        )),
        BatchStart::Empty | BatchStart::BelowThreshold => {
            Err(AppError::conflict("nothing_to_pay", "the channel holds no converted balance yet"))
        }
    }
}

/// A payout reached its destination (in the transaction that records it).
pub(crate) async fn completed(tx: &mut PgConnection, row: &PayoutRow) -> AppResult<()> {
    match row.purpose {
        PayoutPurpose::Payment => {
            if let Some(payment_id) = row.payment_id {
                paygate_db::payments::set_payout_status(tx, payment_id, PayoutStatus::PaidOut).await?;
            }
        }
        PayoutPurpose::Conversion => {
            let received = row.received_amount.unwrap_or_default();
            let entries = paygate_db::accumulation::of_conversion(tx, row.id).await?;
            let sources: Vec<Decimal> = entries.iter().map(|entry| entry.source_amount).collect();
            let Some(parts) = split_proportionally(received, &sources, Asset::USDT_ERC20.decimals()) else {
                return Ok(());
            };
            let mut channels: Vec<Uuid> = Vec::new();
            for (entry, usdt) in entries.iter().zip(parts) {
                paygate_db::accumulation::set_converted(tx, entry.id, usdt).await?;
                if !channels.contains(&entry.channel_id) {
                    channels.push(entry.channel_id);
                }
            }
            tracing::info!(kind = "money", payout_id = %row.id, %received, entries = entries.len(),
                "💰 conversion finished: USDT divided among its entries");
            for channel_id in channels {
                let (balance, threshold) =
                    paygate_db::accumulation::balance_and_threshold(tx, channel_id).await?;
                if let Some(threshold_usd) = threshold {
                    let event =
                        OwnerEvent::ThresholdProgress { balance_usd: balance.round_dp(2), threshold_usd };
                    owner_notify::enqueue(tx, channel_id, event).await?;
                }
            }
        }
        PayoutPurpose::Batch => {
            let paid =
                paygate_db::accumulation::move_batch(tx, row.id, EntryStatus::InBatch, EntryStatus::Paid)
                    .await?;
            paygate_db::payouts::mark_batch_payments_paid(tx, row.id).await?;
            tracing::info!(kind = "money", payout_id = %row.id, entries = paid, "💰 batch paid: its entries are paid");
        }
    }
    Ok(())
}

/// The exchange of a payout failed, refunded or expired (in the transaction that records it).
pub(crate) async fn stopped(tx: &mut PgConnection, row: &PayoutRow) -> AppResult<()> {
    match row.purpose {
        PayoutPurpose::Payment => {}
        PayoutPurpose::Conversion => {
            let returned = paygate_db::accumulation::return_to_pending(tx, row.id).await?;
            tracing::warn!(kind = "money", payout_id = %row.id, returned, "💰 conversion stopped: entries pending again");
        }
        PayoutPurpose::Batch => {
            let held =
                paygate_db::accumulation::move_batch(tx, row.id, EntryStatus::InBatch, EntryStatus::Held)
                    .await?;
            tracing::warn!(kind = "money", payout_id = %row.id, held,
                "💰 batch stopped: entries held until the operator releases them");
        }
    }
    Ok(())
}

/// The operator cancelled the payout: a conversion's entries are pending again, a batch's entries
/// return to the balance (the next pass batches them), a payment's share is held.
pub(crate) async fn cancelled(tx: &mut PgConnection, row: &PayoutRow, reason: &str) -> AppResult<()> {
    match row.purpose {
        PayoutPurpose::Payment => {
            if let Some(payment_id) = row.payment_id {
                paygate_db::payments::hold(tx, payment_id, reason).await?;
            }
        }
        PayoutPurpose::Conversion => {
            paygate_db::accumulation::return_to_pending(tx, row.id).await?;
        }
        PayoutPurpose::Batch => {
            for from in [EntryStatus::InBatch, EntryStatus::Held] {
                paygate_db::accumulation::move_batch(tx, row.id, from, EntryStatus::Converted).await?;
            }
        }
    }
    Ok(())
}
