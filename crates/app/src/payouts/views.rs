//! Payouts as the API shows them: every step with its time, amounts with their assets, hashes and reasons.

use chrono::{DateTime, Utc};
use paygate_db::payouts::{PayoutRow, StepRow};
use paygate_domain::{
    ids::ChannelId,
    status::{PayoutKind, PayoutState},
};
use rust_decimal::Decimal;
use serde::Serialize;
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
    pub status: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayoutView {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub channel_id: Uuid,
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
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayoutList {
    pub payouts: Vec<PayoutView>,
}

fn money(amount: Decimal, currency: &str, network: &str) -> MoneyView {
    MoneyView { amount: amount.normalize(), currency: currency.to_owned(), network: network.to_owned() }
}

/// Rows with their steps, in the order given.
pub(crate) fn views(rows: Vec<PayoutRow>, steps: Vec<StepRow>) -> Vec<PayoutView> {
    rows.into_iter()
        .map(|row| {
            let steps = steps
                .iter()
                .filter(|step| step.payout_id == row.id)
                .map(|step| PayoutStepView {
                    status: step.status.clone(),
                    detail: step.detail.clone(),
                    at: step.at,
                })
                .collect();
            let dest = |amount: Decimal| money(amount, &row.dest_code, &row.dest_network);
            let source = |amount: Decimal| money(amount, &row.source_code, &row.source_network);
            PayoutView {
                id: row.id,
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
            }
        })
        .collect()
}

/// The channel's payouts, newest first (at most 200), for its owner or an operator; 404 otherwise.
pub async fn of_channel(app: &App, caller: &Caller, id: ChannelId) -> AppResult<PayoutList> {
    crate::channels::manage::load_readable(app, caller, id).await?;
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payouts::of_channel(&mut conn, id.as_uuid(), 200).await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let steps = paygate_db::payouts::steps_of(&mut conn, &ids).await?;
    Ok(PayoutList { payouts: views(rows, steps) })
}

/// One line of a channel's accumulation: entries of one status and source asset.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BalanceLineView {
    /// `pending_conversion`, `converted` or `in_batch`.
    pub status: String,
    pub entries: i64,
    pub source: MoneyView,
    /// The locked USDT value (converted entries).
    #[schema(value_type = String)]
    pub usdt: Decimal,
}

/// What a channel holds for a later batch (shares below their pair minimum, threshold balances).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelBalance {
    pub channel_id: Uuid,
    /// Converted, unpaid USDT (what a batch would pay).
    #[schema(value_type = String)]
    pub converted_usdt: Decimal,
    pub lines: Vec<BalanceLineView>,
}

/// The channel's accumulation balance, for its owner or an operator; 404 otherwise.
pub async fn balance(app: &App, caller: &Caller, id: ChannelId) -> AppResult<ChannelBalance> {
    crate::channels::manage::load_readable(app, caller, id).await?;
    let mut conn = app.pool.acquire().await?;
    let lines = paygate_db::accumulation::balance_of_channel(&mut conn, id.as_uuid()).await?;
    let converted_usdt =
        lines.iter().filter(|line| line.status == "converted").map(|line| line.usdt_amount).sum::<Decimal>();
    let lines = lines
        .into_iter()
        .map(|line| BalanceLineView {
            source: money(line.source_amount, &line.source_code, &line.source_network),
            status: line.status,
            entries: line.entries,
            usdt: line.usdt_amount.normalize(),
        })
        .collect();
    Ok(ChannelBalance { channel_id: id.as_uuid(), converted_usdt: converted_usdt.normalize(), lines })
}
