//! Invoices: what a subscriber was asked to pay, and their provider status.

use chrono::{DateTime, Utc};
use paygate_domain::{
    channel::TierLevel,
    status::{InvoiceStatus, OfferKind},
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::decoded;

#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub telegram_user_id: i64,
    pub kind: OfferKind,
    pub tier_level: Option<TierLevel>,
    pub duration_days: Option<i32>,
    pub price_usd: Decimal,
    pub provider: String,
    pub provider_invoice_id: Option<String>,
    pub invoice_url: Option<String>,
    pub provider_payment_id: Option<String>,
    pub status: InvoiceStatus,
    pub check_attempts: i32,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// An invoice row as stored, before its kind, tier level and status are parsed.
struct RawInvoice {
    id: Uuid,
    channel_id: Uuid,
    telegram_user_id: i64,
    kind: String,
    tier_level: Option<i16>,
    duration_days: Option<i32>,
    price_usd: Decimal,
    provider: String,
    provider_invoice_id: Option<String>,
    invoice_url: Option<String>,
    provider_payment_id: Option<String>,
    status: String,
    check_attempts: i32,
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

impl TryFrom<RawInvoice> for InvoiceRow {
    type Error = sqlx::Error;

    fn try_from(raw: RawInvoice) -> Result<InvoiceRow, sqlx::Error> {
        Ok(InvoiceRow {
            id: raw.id,
            channel_id: raw.channel_id,
            telegram_user_id: raw.telegram_user_id,
            kind: decoded(OfferKind::parse(&raw.kind))?,
            tier_level: raw.tier_level.map(|level| decoded(TierLevel::from_stored(level))).transpose()?,
            duration_days: raw.duration_days,
            price_usd: raw.price_usd,
            provider: raw.provider,
            provider_invoice_id: raw.provider_invoice_id,
            invoice_url: raw.invoice_url,
            provider_payment_id: raw.provider_payment_id,
            status: decoded(InvoiceStatus::parse(&raw.status))?,
            check_attempts: raw.check_attempts,
            expires_at: raw.expires_at,
            created_at: raw.created_at,
        })
    }
}

#[derive(Debug)]
pub struct NewInvoice<'a> {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub telegram_user_id: i64,
    pub kind: OfferKind,
    pub tier_level: Option<TierLevel>,
    pub duration_days: Option<i32>,
    pub price_usd: Decimal,
    pub provider: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut PgConnection, new: &NewInvoice<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, tier_level, duration_days, price_usd, provider, expires_at)
         VALUES ($1, $2, $3, $4::text::offer_kind, $5, $6, $7, $8, $9)",
        new.id,
        new.channel_id,
        new.telegram_user_id,
        new.kind.as_str(),
        new.tier_level.map(TierLevel::stored),
        new.duration_days,
        new.price_usd,
        new.provider,
        new.expires_at
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn set_provider_invoice(
    conn: &mut PgConnection,
    id: Uuid,
    provider_id: &str,
    url: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoices SET provider_invoice_id = $2, invoice_url = $3, status = 'waiting', updated_at = now() WHERE id = $1",
        id,
        provider_id,
        url
    )
    .execute(conn)
    .await
    .map(|_| ())
}

macro_rules! select_invoice {
    ($tail:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            RawInvoice,
            r#"SELECT id, channel_id, telegram_user_id, kind::text AS "kind!", tier_level, duration_days, price_usd, provider,
                      provider_invoice_id, invoice_url, provider_payment_id, status, check_attempts, expires_at, created_at
               FROM invoices "# + $tail,
            $($arg),*
        )
    };
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<InvoiceRow>, sqlx::Error> {
    select_invoice!("WHERE id = $1", id).fetch_optional(conn).await?.map(InvoiceRow::try_from).transpose()
}

/// Locks the invoice for a status change (serialises concurrent notifications of one invoice).
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<InvoiceRow>, sqlx::Error> {
    select_invoice!("WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await?
        .map(InvoiceRow::try_from)
        .transpose()
}

/// Records a provider status; never moves an invoice out of a final state.
pub async fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: InvoiceStatus,
    provider_payment_id: &str,
    next_check_at: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoices
         SET status = CASE WHEN status IN ('finished', 'underpaid', 'on_hold', 'failed', 'refunded', 'expired') THEN status ELSE $2 END,
             provider_payment_id = COALESCE(provider_payment_id, $3),
             next_check_at = CASE WHEN status IN ('finished', 'underpaid', 'on_hold', 'failed', 'refunded', 'expired') THEN NULL ELSE $4::timestamptz END,
             updated_at = now()
         WHERE id = $1",
        id,
        status.as_str(),
        provider_payment_id,
        next_check_at
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks a final outcome decided by Paygate (`finished`, `underpaid`, `on_hold`) and stops reconciliation.
pub async fn finalize(conn: &mut PgConnection, id: Uuid, status: InvoiceStatus) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoices SET status = $2, next_check_at = NULL, updated_at = now() WHERE id = $1",
        id,
        status.as_str()
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Invoices whose provider status must be polled now (a lost IPN must not lose a payment).
pub async fn due_for_check(conn: &mut PgConnection, limit: i64) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM invoices WHERE next_check_at <= now() ORDER BY next_check_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit
    )
    .fetch_all(conn)
    .await
}

/// Schedules the next poll, or stops polling when `next` is `None`.
pub async fn schedule_check(
    conn: &mut PgConnection,
    id: Uuid,
    next: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE invoices SET next_check_at = $2, check_attempts = check_attempts + 1, updated_at = now() WHERE id = $1",
        id,
        next
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Stores one status report; `raw` is the body exactly as received.
pub async fn insert_event(
    conn: &mut PgConnection,
    invoice_id: Option<Uuid>,
    provider_payment_id: &str,
    status: &str,
    source: &str,
    raw: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO payment_events (invoice_id, provider_payment_id, status, source, raw) VALUES ($1, $2, $3, $4, $5)",
        invoice_id,
        provider_payment_id,
        status,
        source,
        raw
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Stores a correctly signed notification that could not be read, with why, for the operator.
pub async fn insert_unreadable_event(
    conn: &mut PgConnection,
    invoice_id: Option<Uuid>,
    provider_payment_id: &str,
    status: &str,
    raw: &str,
    parse_error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO payment_events (invoice_id, provider_payment_id, status, source, raw, parse_error)
         VALUES ($1, $2, $3, 'ipn', $4, $5)",
        invoice_id,
        provider_payment_id,
        status,
        raw,
        parse_error
    )
    .execute(conn)
    .await
    .map(|_| ())
}
