//! What happened in a channel, for its owner: subscribers with status and expiry, and payments with
//! amounts, fee, owner share and payout status (paged, owner-only).

use chrono::{DateTime, Utc};
use paygate_domain::{
    ids::ChannelId,
    status::{OfferKind, PaymentVerdict, PayoutStatus, SubscriptionStatus},
};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::{App, AppResult, channels::manage::Caller};

/// One page request: `limit` 1–200, `offset` from 0.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Self {
        Self { limit: limit.unwrap_or(50).clamp(1, 200), offset: offset.unwrap_or(0).max(0) }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubscriptionView {
    pub id: uuid::Uuid,
    pub telegram_user_id: i64,
    /// Public username, when the subscriber has one.
    pub username: Option<String>,
    pub status: SubscriptionStatus,
    /// `gold`, `silver` or `bronze`.
    pub tier: String,
    pub expires_at: DateTime<Utc>,
    /// The last failure to remove an expired subscriber (retried until it works).
    pub removal_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubscriptionPage {
    pub subscriptions: Vec<SubscriptionView>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: uuid::Uuid,
    pub invoice_id: uuid::Uuid,
    pub telegram_user_id: i64,
    pub kind: OfferKind,
    /// `accepted`, `underpaid`, or held for the operator: `amount_unknown`, `mismatch`, `extra_deposit`.
    pub verdict: PaymentVerdict,
    #[schema(value_type = String, example = "5.00")]
    pub price_usd: Decimal,
    #[schema(value_type = Option<String>)]
    pub paid_usd: Option<Decimal>,
    /// What the payment provider settled, in `settled_currency`; null when no usable settlement
    /// was reported (the payment is then on hold, never a zero share).
    #[schema(value_type = Option<String>)]
    pub settled_amount: Option<Decimal>,
    pub settled_currency: Option<String>,
    #[schema(value_type = Option<String>)]
    pub platform_fee: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub owner_share: Option<Decimal>,
    pub payout_status: PayoutStatus,
    /// Why the payment is on hold, when it is.
    pub hold_reason: Option<String>,
    /// The payout of its owner share (see `GET /api/v1/channels/{id}/payouts`), once routed to one.
    pub payout_id: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<paygate_db::payments::PaymentRow> for PaymentView {
    fn from(r: paygate_db::payments::PaymentRow) -> Self {
        PaymentView {
            id: r.id,
            invoice_id: r.invoice_id,
            telegram_user_id: r.telegram_user_id,
            kind: r.kind,
            verdict: r.verdict,
            price_usd: r.price_usd,
            paid_usd: r.paid_usd,
            settled_amount: r.outcome_amount,
            settled_currency: r.outcome_currency,
            platform_fee: r.platform_fee,
            owner_share: r.owner_share,
            payout_status: r.payout_status,
            hold_reason: r.hold_reason,
            payout_id: r.payout_id,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentPage {
    pub payments: Vec<PaymentView>,
    pub limit: i64,
    pub offset: i64,
}

/// The channel's subscribers, newest expiry first.
pub async fn subscriptions(
    app: &App,
    caller: &Caller,
    id: ChannelId,
    status: Option<SubscriptionStatus>,
    page: Page,
) -> AppResult<SubscriptionPage> {
    crate::channels::manage::load_readable(app, caller, id).await?;
    let mut conn = app.pool.acquire().await?;
    let rows =
        paygate_db::subscriptions::for_channel(&mut conn, id.as_uuid(), status, page.limit, page.offset)
            .await?;
    let mut subscriptions = Vec::with_capacity(rows.len());
    for row in rows {
        let username = paygate_db::subscribers::username(&mut conn, row.telegram_user_id).await?;
        subscriptions.push(SubscriptionView {
            id: row.id,
            telegram_user_id: row.telegram_user_id,
            username,
            status: row.status,
            tier: row.tier_level.as_str().to_owned(),
            expires_at: row.expires_at,
            removal_error: row.removal_error,
            created_at: row.created_at,
        });
    }
    Ok(SubscriptionPage { subscriptions, limit: page.limit, offset: page.offset })
}

/// The channel's payments, newest first.
pub async fn payments(app: &App, caller: &Caller, id: ChannelId, page: Page) -> AppResult<PaymentPage> {
    crate::channels::manage::load_readable(app, caller, id).await?;
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payments::for_channel(&mut conn, id.as_uuid(), page.limit, page.offset).await?;
    let payments = rows.into_iter().map(PaymentView::from).collect();
    Ok(PaymentPage { payments, limit: page.limit, offset: page.offset })
}
