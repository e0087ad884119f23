//! Confirmed payments: recorded once per provider payment id, with fee and owner share.

use chrono::{DateTime, Utc};
use paygate_domain::status::{OfferKind, PaymentVerdict, PayoutStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

#[derive(Debug)]
pub struct NewPayment<'a> {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub provider_payment_id: &'a str,
    pub channel_id: Uuid,
    pub telegram_user_id: i64,
    pub kind: OfferKind,
    pub verdict: PaymentVerdict,
    pub price_usd: Decimal,
    pub paid_usd: Option<Decimal>,
    /// `None` (with `platform_fee`, `owner_share`) when no usable settlement was reported: held.
    pub outcome_amount: Option<Decimal>,
    pub outcome_currency: Option<&'a str>,
    pub fee_percent: Decimal,
    pub platform_fee: Option<Decimal>,
    pub owner_share: Option<Decimal>,
    pub payout_status: PayoutStatus,
    /// Why the payment is on hold (set exactly when `payout_status` is `on_hold`).
    pub hold_reason: Option<&'a str>,
    pub parent_payment_id: Option<&'a str>,
}

/// Inserts the payment unless this provider payment id was recorded before; `false` for a duplicate.
pub async fn insert_once(conn: &mut PgConnection, p: &NewPayment<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO payments (id, invoice_id, provider_payment_id, channel_id, telegram_user_id, kind, verdict, price_usd,
                                paid_usd, outcome_amount, outcome_currency, fee_percent, platform_fee, owner_share, payout_status,
                                hold_reason, parent_payment_id)
           VALUES ($1, $2, $3, $4, $5, $6::text::offer_kind, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
           ON CONFLICT (provider_payment_id) DO NOTHING
           RETURNING id"#,
        p.id,
        p.invoice_id,
        p.provider_payment_id,
        p.channel_id,
        p.telegram_user_id,
        p.kind.as_str(),
        p.verdict.as_str(),
        p.price_usd,
        p.paid_usd,
        p.outcome_amount,
        p.outcome_currency,
        p.fee_percent,
        p.platform_fee,
        p.owner_share,
        p.payout_status.as_str(),
        p.hold_reason,
        p.parent_payment_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// The provider payment id of a payment already recorded for the invoice under another id (any
/// verdict except `mismatch`: a mismatched notification did not pay this invoice).
pub async fn other_payment_of_invoice(
    conn: &mut PgConnection,
    invoice_id: Uuid,
    provider_payment_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT provider_payment_id FROM payments
         WHERE invoice_id = $1 AND provider_payment_id <> $2 AND verdict <> 'mismatch'
         ORDER BY created_at LIMIT 1",
        invoice_id,
        provider_payment_id
    )
    .fetch_optional(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub invoice_id: Uuid,
    pub telegram_user_id: i64,
    pub kind: OfferKind,
    pub verdict: PaymentVerdict,
    pub price_usd: Decimal,
    pub paid_usd: Option<Decimal>,
    pub outcome_amount: Option<Decimal>,
    pub outcome_currency: Option<String>,
    pub platform_fee: Option<Decimal>,
    pub owner_share: Option<Decimal>,
    pub payout_status: PayoutStatus,
    pub hold_reason: Option<String>,
    /// The payout of its owner share, once routed to one.
    pub payout_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A payment row as stored, before its kind, verdict and payout status are parsed.
struct RawPayment {
    id: Uuid,
    channel_id: Uuid,
    invoice_id: Uuid,
    telegram_user_id: i64,
    kind: String,
    verdict: String,
    price_usd: Decimal,
    paid_usd: Option<Decimal>,
    outcome_amount: Option<Decimal>,
    outcome_currency: Option<String>,
    platform_fee: Option<Decimal>,
    owner_share: Option<Decimal>,
    payout_status: String,
    hold_reason: Option<String>,
    payout_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<RawPayment> for PaymentRow {
    type Error = sqlx::Error;

    fn try_from(raw: RawPayment) -> Result<PaymentRow, sqlx::Error> {
        Ok(PaymentRow {
            id: raw.id,
            channel_id: raw.channel_id,
            invoice_id: raw.invoice_id,
            telegram_user_id: raw.telegram_user_id,
            kind: decoded(OfferKind::parse(&raw.kind))?,
            verdict: decoded(PaymentVerdict::parse(&raw.verdict))?,
            price_usd: raw.price_usd,
            paid_usd: raw.paid_usd,
            outcome_amount: raw.outcome_amount,
            outcome_currency: raw.outcome_currency,
            platform_fee: raw.platform_fee,
            owner_share: raw.owner_share,
            payout_status: decoded(PayoutStatus::parse(&raw.payout_status))?,
            hold_reason: raw.hold_reason,
            payout_id: raw.payout_id,
            created_at: raw.created_at,
        })
    }
}

/// A channel's payments, newest first.
pub async fn for_channel(
    conn: &mut PgConnection,
    channel_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawPayment,
        // The page is chosen from `payments` alone (the index on channel and time, stopping after the
        // page) and only its rows are joined with their payouts: a plan built on stale statistics
        // (right after a burst of payments) can then never join and sort the whole channel.
        r#"SELECT p.id AS "id!", p.channel_id AS "channel_id!", p.invoice_id AS "invoice_id!",
                  p.telegram_user_id AS "telegram_user_id!", p.kind::text AS "kind!", p.verdict AS "verdict!",
                  p.price_usd AS "price_usd!", p.paid_usd, p.outcome_amount, p.outcome_currency, p.platform_fee,
                  p.owner_share, p.payout_status AS "payout_status!", p.hold_reason, o.id AS "payout_id?",
                  p.created_at AS "created_at!"
           FROM (SELECT * FROM payments WHERE channel_id = $1
                 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) p
           LEFT JOIN payouts o ON o.payment_id = p.id
           ORDER BY p.created_at DESC, p.id DESC"#,
        channel_id,
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    all(rows, PaymentRow::try_from)
}

/// Every payment of the platform (all channels), newest first, one page: the operator's list.
pub async fn page(conn: &mut PgConnection, limit: i64, offset: i64) -> Result<Vec<PaymentRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawPayment,
        r#"SELECT p.id, p.channel_id, p.invoice_id, p.telegram_user_id, p.kind::text AS "kind!", p.verdict,
                  p.price_usd, p.paid_usd, p.outcome_amount, p.outcome_currency, p.platform_fee, p.owner_share,
                  p.payout_status, p.hold_reason, o.id AS "payout_id?", p.created_at
           FROM payments p LEFT JOIN payouts o ON o.payment_id = p.id
           ORDER BY p.created_at DESC, p.id DESC LIMIT $1 OFFSET $2"#,
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    all(rows, PaymentRow::try_from)
}

/// Sets what happens to the payment's owner share (routed to a payout, paid, accumulated).
pub async fn set_payout_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: PayoutStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE payments SET payout_status = $2 WHERE id = $1", id, status.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Holds the payment's owner share for the operator, with the reason.
pub async fn hold(conn: &mut PgConnection, id: Uuid, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE payments SET payout_status = 'on_hold', hold_reason = $2 WHERE id = $1", id, reason)
        .execute(conn)
        .await?;
    Ok(())
}
