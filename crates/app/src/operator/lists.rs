//! Every payment and every payout of the platform for the operator, newest first, paged.

use chrono::{DateTime, Utc};
use paygate_domain::status::{OfferKind, PaymentVerdict, PayoutStatus};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    App, AppResult,
    channels::activity::Page,
    payouts::views::{PayoutView, load},
};

/// A payment with the channel and owner it belongs to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperatorPaymentView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub channel_title: String,
    pub owner_username: String,
    pub telegram_user_id: i64,
    pub kind: OfferKind,
    pub verdict: PaymentVerdict,
    #[schema(value_type = String)]
    pub price_usd: Decimal,
    #[schema(value_type = Option<String>)]
    pub paid_usd: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub settled_amount: Option<Decimal>,
    pub settled_currency: Option<String>,
    #[schema(value_type = Option<String>)]
    pub platform_fee: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub owner_share: Option<Decimal>,
    pub payout_status: PayoutStatus,
    pub hold_reason: Option<String>,
    pub payout_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperatorPaymentPage {
    pub payments: Vec<OperatorPaymentView>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperatorPayoutPage {
    pub payouts: Vec<PayoutView>,
    pub limit: i64,
    pub offset: i64,
}

/// One page of every payment of the platform, newest first.
pub async fn payments(app: &App, page: Page) -> AppResult<OperatorPaymentPage> {
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::operator_reads::payments_page(&mut conn, page.limit, page.offset).await?;
    let payments = rows
        .into_iter()
        .map(|r| OperatorPaymentView {
            id: r.id,
            channel_id: r.channel_id,
            channel_title: r.channel_title,
            owner_username: r.owner_username,
            telegram_user_id: r.telegram_user_id,
            kind: r.kind,
            verdict: r.verdict,
            price_usd: r.price_usd,
            paid_usd: r.paid_usd,
            settled_amount: r.settled_amount.map(|a| a.normalize()),
            settled_currency: r.settled_currency,
            platform_fee: r.platform_fee.map(|a| a.normalize()),
            owner_share: r.owner_share.map(|a| a.normalize()),
            payout_status: r.payout_status,
            hold_reason: r.hold_reason,
            payout_id: r.payout_id,
            created_at: r.created_at,
        })
        .collect();
    Ok(OperatorPaymentPage { payments, limit: page.limit, offset: page.offset })
}

/// One page of every payout of the platform (conversions and batches too), newest first, with steps.
pub async fn payouts(app: &App, page: Page) -> AppResult<OperatorPayoutPage> {
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payouts::page(&mut conn, page.limit, page.offset).await?;
    Ok(OperatorPayoutPage { payouts: load(&mut conn, rows).await?, limit: page.limit, offset: page.offset })
}
