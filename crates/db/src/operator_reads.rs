//! Platform-wide reads for the operator: every payment with its channel and owner, payout ids by age.

use chrono::{DateTime, Utc};
use paygate_domain::status::{OfferKind, PaymentVerdict, PayoutStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

/// A payment with the channel and owner it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorPaymentRow {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub channel_title: String,
    pub owner_username: String,
    pub telegram_user_id: i64,
    pub kind: OfferKind,
    pub verdict: PaymentVerdict,
    pub price_usd: Decimal,
    pub paid_usd: Option<Decimal>,
    pub settled_amount: Option<Decimal>,
    pub settled_currency: Option<String>,
    pub platform_fee: Option<Decimal>,
    pub owner_share: Option<Decimal>,
    pub payout_status: PayoutStatus,
    pub hold_reason: Option<String>,
    pub payout_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

struct RawOperatorPayment {
    id: Uuid,
    channel_id: Uuid,
    channel_title: String,
    owner_username: String,
    telegram_user_id: i64,
    kind: String,
    verdict: String,
    price_usd: Decimal,
    paid_usd: Option<Decimal>,
    settled_amount: Option<Decimal>,
    settled_currency: Option<String>,
    platform_fee: Option<Decimal>,
    owner_share: Option<Decimal>,
    payout_status: String,
    hold_reason: Option<String>,
    payout_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<RawOperatorPayment> for OperatorPaymentRow {
    type Error = sqlx::Error;

    fn try_from(raw: RawOperatorPayment) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: raw.id,
            channel_id: raw.channel_id,
            channel_title: raw.channel_title,
            owner_username: raw.owner_username,
            telegram_user_id: raw.telegram_user_id,
            kind: decoded(OfferKind::parse(&raw.kind))?,
            verdict: decoded(PaymentVerdict::parse(&raw.verdict))?,
            price_usd: raw.price_usd,
            paid_usd: raw.paid_usd,
            settled_amount: raw.settled_amount,
            settled_currency: raw.settled_currency,
            platform_fee: raw.platform_fee,
            owner_share: raw.owner_share,
            payout_status: decoded(PayoutStatus::parse(&raw.payout_status))?,
            hold_reason: raw.hold_reason,
            payout_id: raw.payout_id,
            created_at: raw.created_at,
        })
    }
}

/// Every payment of the platform, newest first, one page.
pub async fn payments_page(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> Result<Vec<OperatorPaymentRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawOperatorPayment,
        r#"SELECT p.id, p.channel_id, c.closed_channel_title AS channel_title, u.username AS owner_username,
                  p.telegram_user_id, p.kind::text AS "kind!", p.verdict, p.price_usd, p.paid_usd,
                  p.outcome_amount AS settled_amount, p.outcome_currency AS settled_currency, p.platform_fee,
                  p.owner_share, p.payout_status, p.hold_reason, o.id AS "payout_id?", p.created_at
           FROM payments p
           JOIN channels c ON c.id = p.channel_id
           JOIN users u ON u.id = c.owner_id
           LEFT JOIN payouts o ON o.payment_id = p.id
           ORDER BY p.created_at DESC, p.id DESC LIMIT $1 OFFSET $2"#,
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    all(rows, OperatorPaymentRow::try_from)
}
