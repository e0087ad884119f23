//! Payouts as the API shows them: every step with its time, amounts with their assets, hashes and reasons.

use chrono::{DateTime, Utc};
use paygate_db::{
    accumulation::BatchEntry,
    payouts::{PayoutRow, StepRow},
};
use paygate_domain::{
    ids::ChannelId,
    status::{EntryReason, EntryStatus, PayoutKind, PayoutPurpose, PayoutState},
};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{App, AppResult, channels::manage::Caller};

/// An amount with its asset (ticker and network, lower-case).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MoneyView {
    #[schema(value_type = String, example = "0.0291")]
    pub amount: Decimal,
    pub currency: String,
    pub network: String,
}

/// One entry of a payout's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayoutStepView {
    pub status: PayoutState,
    pub detail: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayoutView {
    pub id: Uuid,
    /// `payment` (one payment's share), `conversion` (pending entries to USDT) or `batch`.
    pub purpose: PayoutPurpose,
    /// The payment it pays (`payment` payouts).
    pub payment_id: Option<Uuid>,
    /// The channel it pays (none for a conversion).
    pub channel_id: Option<Uuid>,
    /// `direct` (one host wallet transfer) or `swap` (one deposit to an exchange).
    pub kind: PayoutKind,
    /// `quoting`, `creating_exchange`, `sending`, `needs_funds`, `confirming`, `exchanging`,
    /// `completed`, `accumulated`, `failed`, `refunded`, `expired`, `needs_attention`, `cancelled`.
    pub status: PayoutState,
    /// What leaves the host wallet: exactly the owner share.
    pub source: MoneyView,
    /// The owner's payout settings when the payout was created.
    pub destination_address: String,
    pub destination_extra_id: Option<String>,
    pub destination_currency: String,
    pub destination_network: String,
    pub quoted: Option<MoneyView>,
    pub pair_minimum: Option<MoneyView>,
    pub exchange_id: Option<String>,
    pub exchange_status: Option<String>,
    pub payin_address: Option<String>,
    pub payin_extra_id: Option<String>,
    /// Every candidate hash of the host wallet transfer, oldest first.
    pub deposit_hashes: Vec<String>,
    pub received: Option<MoneyView>,
    pub payout_hash: Option<String>,
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub steps: Vec<PayoutStepView>,
    /// The accumulation entries a batch pays, oldest first (empty for other purposes).
    pub entries: Vec<BatchEntryView>,
}

/// One accumulation entry of a batch: the payment it came from and its locked USDT value.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchEntryView {
    pub id: Uuid,
    pub payment_id: Uuid,
    /// `threshold` (a share of a threshold channel) or `below_pair_minimum`.
    pub reason: EntryReason,
    /// `in_batch` while the batch runs, `paid` once it completed, `held` when it stopped.
    pub status: EntryStatus,
    /// The share in the asset it was paid in.
    pub source: MoneyView,
    /// Its USDT value once converted.
    #[schema(value_type = Option<String>)]
    pub usdt: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayoutList {
    pub payouts: Vec<PayoutView>,
}

fn money(amount: Decimal, currency: &str, network: &str) -> MoneyView {
    MoneyView { amount: amount.normalize(), currency: currency.to_owned(), network: network.to_owned() }
}

/// Rows with their steps and (batches) entries, in the order given.
pub(crate) async fn load(conn: &mut PgConnection, rows: Vec<PayoutRow>) -> AppResult<Vec<PayoutView>> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let steps = paygate_db::payouts::steps_of(conn, &ids).await?;
    let batch_ids: Vec<Uuid> =
        rows.iter().filter(|row| row.purpose == PayoutPurpose::Batch).map(|row| row.id).collect();
    let entries = if batch_ids.is_empty() {
        Vec::new()
    } else {
        paygate_db::accumulation::of_batches(conn, &batch_ids).await?
    };
    Ok(views(rows, steps, entries))
}

fn entry_view(entry: &BatchEntry) -> BatchEntryView {
    BatchEntryView {
        id: entry.id,
        payment_id: entry.payment_id,
        reason: entry.reason,
        status: entry.status,
        source: money(entry.source_amount, &entry.source_code, &entry.source_network),
        usdt: entry.usdt_amount.map(|usdt| usdt.normalize()),
    }
}

fn views(rows: Vec<PayoutRow>, steps: Vec<StepRow>, entries: Vec<BatchEntry>) -> Vec<PayoutView> {
    rows.into_iter()
        .map(|row| {
            let steps = steps
                .iter()
                .filter(|step| step.payout_id == row.id)
                .map(|step| PayoutStepView { status: step.status, detail: step.detail.clone(), at: step.at })
                .collect();
            let dest = |amount: Decimal| money(amount, &row.dest_code, &row.dest_network);
            let source = |amount: Decimal| money(amount, &row.source_code, &row.source_network);
            PayoutView {
                id: row.id,
                purpose: row.purpose,
                payment_id: row.payment_id,
                channel_id: row.channel_id,
                kind: row.kind,
                status: row.status,
                source: source(row.source_amount),
                quoted: row.quoted_amount.map(dest),
                pair_minimum: row.min_amount.map(source),
                received: row.received_amount.map(dest),
                destination_address: row.dest_address,
                destination_extra_id: row.dest_extra_id,
                destination_currency: row.dest_code,
                destination_network: row.dest_network,
                exchange_id: row.exchange_id,
                exchange_status: row.exchange_status,
                payin_address: row.payin_address,
                payin_extra_id: row.payin_extra_id,
                deposit_hashes: row.deposit_hashes,
                payout_hash: row.payout_hash,
                failure_reason: row.failure_reason,
                created_at: row.created_at,
                updated_at: row.updated_at,
                completed_at: row.completed_at,
                steps,
                entries: entries.iter().filter(|entry| entry.batch_id == row.id).map(entry_view).collect(),
            }
        })
        .collect()
}

/// The channel's payouts, newest first (at most 200), for its owner or an operator; 404 otherwise.
pub async fn of_channel(app: &App, caller: &Caller, id: ChannelId) -> AppResult<PayoutList> {
    crate::channels::manage::load_readable(app, caller, id).await?;
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payouts::of_channel(&mut conn, id.as_uuid(), 200).await?;
    Ok(PayoutList { payouts: load(&mut conn, rows).await? })
}

/// One line of a channel's accumulation: entries of one status and source asset.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BalanceLineView {
    /// `pending_conversion`, `converting`, `converted` or `in_batch`.
    pub status: EntryStatus,
    pub entries: i64,
    pub source: MoneyView,
    /// The locked USDT value (converted entries).
    #[schema(value_type = String)]
    pub usdt: Decimal,
}

/// What a channel holds for a later batch and where it stands against its threshold.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelBalance {
    pub channel_id: Uuid,
    /// Converted, unpaid USDT (what a batch would pay).
    #[schema(value_type = String)]
    pub converted_usdt: Decimal,
    /// Entries still in their source asset (waiting for, or in, a conversion to USDT).
    pub pending_conversion: Vec<MoneyView>,
    /// What the pending entries are worth in USD now, per the swap provider (null when it does not answer).
    #[schema(value_type = Option<String>)]
    pub pending_estimated_usd: Option<Decimal>,
    /// The channel's threshold (null for an instant channel).
    #[schema(value_type = Option<String>)]
    pub threshold_usd: Option<Decimal>,
    /// Converted USDT as a percentage of the threshold (capped at 100).
    #[schema(value_type = Option<String>)]
    pub progress_percent: Option<Decimal>,
    /// The batch under way (or stopped for the operator), if any.
    pub batch_in_flight: Option<PayoutView>,
    /// The newest finished batch.
    pub last_batch: Option<PayoutView>,
    /// When the next batch pass runs.
    pub next_pass_at: DateTime<Utc>,
    pub lines: Vec<BalanceLineView>,
}

/// The next multiple of `every` since the Unix epoch (when the batch cron fires next).
fn next_tick(every: std::time::Duration, now: DateTime<Utc>) -> DateTime<Utc> {
    let secs = every.as_secs().max(1) as i64;
    let next = (now.timestamp().div_euclid(secs) + 1) * secs;
    DateTime::from_timestamp(next, 0).unwrap_or(now)
}

/// The channel's accumulation balance, for its owner or an operator; 404 otherwise.
pub async fn balance(app: &App, caller: &Caller, id: ChannelId) -> AppResult<ChannelBalance> {
    crate::channels::manage::load_readable(app, caller, id).await?;
    let mut conn = app.pool.acquire().await?;
    let channel_id = id.as_uuid();
    let lines = paygate_db::accumulation::balance_of_channel(&mut conn, channel_id).await?;
    let (converted_usdt, threshold) =
        paygate_db::accumulation::balance_and_threshold(&mut conn, channel_id).await?;
    let open = paygate_db::payouts::open_batch(&mut conn, channel_id).await?;
    let last = paygate_db::payouts::last_batch(&mut conn, channel_id).await?;
    let mut batches = load(&mut conn, open.into_iter().chain(last).collect()).await?.into_iter();
    drop(conn);
    let mut pending: Vec<MoneyView> = Vec::new();
    let mut pending_estimated_usd = Some(Decimal::ZERO);
    for line in lines
        .iter()
        .filter(|line| matches!(line.status, EntryStatus::PendingConversion | EntryStatus::Converting))
    {
        pending.push(money(line.source_amount, &line.source_code, &line.source_network));
        let usd = match paygate_domain::money::Asset::parse(&line.source_code, &line.source_network) {
            Ok(asset) if asset == paygate_domain::money::Asset::USDT_ERC20 => Some(line.source_amount),
            Ok(asset) => match paygate_domain::money::Amount::floor_to_asset(line.source_amount, asset) {
                Ok(amount) => app
                    .swap
                    .estimate(
                        amount,
                        paygate_domain::money::Asset::USDT_ERC20,
                        paygate_domain::swap::RateFlow::Standard,
                    )
                    .await
                    .ok()
                    .map(|quote| quote.to.value()),
                Err(_) => None,
            },
            Err(_) => None,
        };
        pending_estimated_usd = pending_estimated_usd.zip(usd).map(|(total, usd)| total + usd);
    }
    let progress_percent = threshold.filter(|t| !t.is_zero()).map(|threshold| {
        (converted_usdt * Decimal::from(100) / threshold).min(Decimal::from(100)).round_dp(2)
    });
    let (batch_in_flight, last_batch) = {
        let first = batches.next();
        let second = batches.next();
        match &first {
            Some(view) if view.status.is_final() => (None, first),
            _ => (first, second),
        }
    };
    let lines = lines
        .into_iter()
        .map(|line| BalanceLineView {
            source: money(line.source_amount, &line.source_code, &line.source_network),
            status: line.status,
            entries: line.entries,
            usdt: line.usdt_amount.normalize(),
        })
        .collect();
    Ok(ChannelBalance {
        channel_id,
        converted_usdt: converted_usdt.normalize(),
        pending_conversion: pending,
        pending_estimated_usd: pending_estimated_usd.map(|usd| usd.round_dp(2)),
        threshold_usd: threshold,
        progress_percent,
        batch_in_flight,
        last_batch,
        next_pass_at: next_tick(app.settings.batch_interval, Utc::now()),
        lines,
    })
}

/// Pays the channel's converted balance now (owner or operator); 409 when a batch is under way,
/// nothing is converted yet, or the balance is below the pair minimum.
pub async fn payout_now(app: &App, caller: &Caller, id: ChannelId) -> AppResult<PayoutView> {
    crate::channels::manage::load_readable(app, caller, id).await?;
    let batch = crate::payouts::threshold::payout_now(app, id.as_uuid()).await?;
    let mut conn = app.pool.acquire().await?;
    let row = paygate_db::payouts::get(&mut conn, batch).await?.ok_or(crate::AppError::NotFound)?;
    load(&mut conn, vec![row]).await?.pop().ok_or(crate::AppError::NotFound)
}
