//! The owner's home page numbers: revenue (per settlement asset and in USD, with the period before),
//! revenue per day, active subscribers, held balances, payouts needing attention, recent activity.

use chrono::{DateTime, NaiveDate, Utc};
use paygate_db::overview::{self as db, Scope};
use paygate_domain::{
    ids::ChannelId,
    money::Asset,
    status::{OfferKind, PaymentVerdict, PayoutPurpose, PayoutState, PayoutStatus},
};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::{App, AppResult, channels::manage::Caller, payouts::views::MoneyView};

/// The length of the revenue windows and of the daily chart.
pub const PERIOD_DAYS: i32 = 30;
/// Rows of recent payments and payouts.
const RECENT: i64 = 5;

/// Revenue settled in one asset: accepted payments of the last period and of the period before.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssetRevenue {
    /// The settlement currency as the payment provider reported it (lower-case, e.g. `usdttrc20`).
    pub currency: String,
    /// The asset's network when Paygate knows the settlement currency (`eth` for `usdt`), else null.
    pub network: Option<String>,
    /// What the provider settled, in this currency.
    #[schema(value_type = String, example = "49.5")]
    pub settled: Decimal,
    /// The owner's part of it (after the platform fee).
    #[schema(value_type = String, example = "47.025")]
    pub owner_share: Decimal,
    pub payments: i64,
    #[schema(value_type = String)]
    pub previous_settled: Decimal,
    #[schema(value_type = String)]
    pub previous_owner_share: Decimal,
    pub previous_payments: i64,
}

/// Accepted payments in USD at payment time (what was paid, per the provider, else the price).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UsdRevenue {
    #[schema(value_type = String, example = "50.00")]
    pub usd: Decimal,
    pub payments: i64,
    #[schema(value_type = String, example = "35.00")]
    pub previous_usd: Decimal,
    pub previous_payments: i64,
}

/// One UTC day of accepted payments.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevenueDay {
    #[schema(value_type = String, format = Date, example = "2026-12-03")]
    pub day: NaiveDate,
    #[schema(value_type = String, example = "10.00")]
    pub usd: Decimal,
    pub payments: i64,
}

/// What a channel holds for its next batch.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HeldBalance {
    pub channel_id: Uuid,
    pub channel_title: String,
    /// The channel's threshold (null for an instant channel holding amounts below a pair minimum).
    #[schema(value_type = Option<String>)]
    pub threshold_usd: Option<Decimal>,
    /// Converted, unpaid USDT (what the next batch pays).
    #[schema(value_type = String)]
    pub converted_usdt: Decimal,
    /// Converted USDT as a percentage of the threshold (capped at 100).
    #[schema(value_type = Option<String>)]
    pub progress_percent: Option<Decimal>,
    /// Entries still in their settlement asset, waiting for a conversion to USDT.
    pub pending_entries: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecentPaymentView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub channel_title: String,
    pub kind: OfferKind,
    pub verdict: PaymentVerdict,
    #[schema(value_type = String)]
    pub price_usd: Decimal,
    #[schema(value_type = Option<String>)]
    pub settled_amount: Option<Decimal>,
    pub settled_currency: Option<String>,
    #[schema(value_type = Option<String>)]
    pub owner_share: Option<Decimal>,
    pub payout_status: PayoutStatus,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecentPayoutView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub channel_title: String,
    pub purpose: PayoutPurpose,
    pub status: PayoutState,
    /// What left (or leaves) the host wallet.
    pub source: MoneyView,
    /// What the owner received, once known.
    pub received: Option<MoneyView>,
    pub payout_hash: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The home page of an owner (all their channels) or one channel's numbers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    /// Days in each revenue window and in `revenue_per_day`.
    pub period_days: i32,
    pub revenue_usd: UsdRevenue,
    /// Per settlement asset; amounts of different assets are never added together.
    pub revenue_by_asset: Vec<AssetRevenue>,
    /// The last `period_days` UTC days, oldest first, today last.
    pub revenue_per_day: Vec<RevenueDay>,
    pub active_subscribers: i64,
    pub held_balances: Vec<HeldBalance>,
    /// When the next batch pass runs (it pays channels at or above their threshold).
    pub next_batch_pass_at: DateTime<Utc>,
    /// Payouts stopped for the operator or waiting for funds.
    pub payouts_needing_attention: i64,
    pub recent_payments: Vec<RecentPaymentView>,
    pub recent_payouts: Vec<RecentPayoutView>,
}

/// The next multiple of `every` since the Unix epoch (when the batch cron fires next).
fn next_tick(every: std::time::Duration, now: DateTime<Utc>) -> DateTime<Utc> {
    let secs = every.as_secs().max(1) as i64;
    let next = (now.timestamp().div_euclid(secs) + 1) * secs;
    DateTime::from_timestamp(next, 0).unwrap_or(now)
}

fn money(amount: Decimal, currency: &str, network: &str) -> MoneyView {
    MoneyView { amount: amount.normalize(), currency: currency.to_owned(), network: network.to_owned() }
}

/// The caller's own channels, or one channel they may read (404 otherwise; operators read any).
pub async fn overview(app: &App, caller: &Caller, channel: Option<ChannelId>) -> AppResult<Overview> {
    let scope = match channel {
        Some(id) => {
            crate::channels::manage::load_readable(app, caller, id).await?;
            Scope::Channel(id.as_uuid())
        }
        None => Scope::Owner(caller.id.as_uuid()),
    };
    let mut conn = app.pool.acquire().await?;
    let usd = db::revenue_usd(&mut conn, scope, PERIOD_DAYS).await?;
    let by_asset = db::revenue_by_currency(&mut conn, scope, PERIOD_DAYS).await?;
    let days = db::revenue_per_day(&mut conn, scope, PERIOD_DAYS).await?;
    let active_subscribers = db::active_subscribers(&mut conn, scope).await?;
    let held = db::held_balances(&mut conn, scope).await?;
    let payouts_needing_attention = db::payouts_needing_attention(&mut conn, scope).await?;
    let recent_payments = db::recent_payments(&mut conn, scope, RECENT).await?;
    let recent_payouts = db::recent_payouts(&mut conn, scope, RECENT).await?;
    Ok(Overview {
        period_days: PERIOD_DAYS,
        revenue_usd: UsdRevenue {
            usd: usd.usd.round_dp(2),
            payments: usd.payments,
            previous_usd: usd.previous_usd.round_dp(2),
            previous_payments: usd.previous_payments,
        },
        revenue_by_asset: by_asset
            .into_iter()
            .map(|row| AssetRevenue {
                network: Asset::settlement(&row.currency).ok().map(|asset| asset.network().to_owned()),
                currency: row.currency,
                settled: row.settled.normalize(),
                owner_share: row.owner_share.normalize(),
                payments: row.payments,
                previous_settled: row.previous_settled.normalize(),
                previous_owner_share: row.previous_owner_share.normalize(),
                previous_payments: row.previous_payments,
            })
            .collect(),
        revenue_per_day: days
            .into_iter()
            .map(|d| RevenueDay { day: d.day, usd: d.usd.round_dp(2), payments: d.payments })
            .collect(),
        active_subscribers,
        held_balances: held
            .into_iter()
            .map(|row| HeldBalance {
                progress_percent: row.threshold_usd.filter(|t| !t.is_zero()).map(|threshold| {
                    (row.converted_usdt * Decimal::from(100) / threshold).min(Decimal::from(100)).round_dp(2)
                }),
                channel_id: row.channel_id,
                channel_title: row.title,
                threshold_usd: row.threshold_usd,
                converted_usdt: row.converted_usdt.normalize(),
                pending_entries: row.pending_entries,
            })
            .collect(),
        next_batch_pass_at: next_tick(app.settings.batch_interval, Utc::now()),
        payouts_needing_attention,
        recent_payments: recent_payments
            .into_iter()
            .map(|p| RecentPaymentView {
                id: p.id,
                channel_id: p.channel_id,
                channel_title: p.channel_title,
                kind: p.kind,
                verdict: p.verdict,
                price_usd: p.price_usd,
                settled_amount: p.settled_amount.map(|a| a.normalize()),
                settled_currency: p.settled_currency,
                owner_share: p.owner_share.map(|a| a.normalize()),
                payout_status: p.payout_status,
                created_at: p.created_at,
            })
            .collect(),
        recent_payouts: recent_payouts
            .into_iter()
            .map(|o| RecentPayoutView {
                id: o.id,
                channel_id: o.channel_id,
                channel_title: o.channel_title,
                purpose: o.purpose,
                status: o.status,
                source: money(o.source_amount, &o.source_code, &o.source_network),
                received: o.received_amount.map(|a| money(a, &o.dest_code, &o.dest_network)),
                payout_hash: o.payout_hash,
                created_at: o.created_at,
            })
            .collect(),
    })
}
