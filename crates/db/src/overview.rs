//! Owner overview reads: revenue per settlement asset and per day, subscribers, balances, attention, recent rows.

use chrono::{DateTime, NaiveDate, Utc};
use paygate_domain::status::{OfferKind, PaymentVerdict, PayoutPurpose, PayoutState, PayoutStatus};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

/// Whose rows an overview reads: every channel of one owner, or one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Owner(Uuid),
    Channel(Uuid),
}

impl Scope {
    /// (owner, channel) as the queries' optional filters.
    fn filters(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Self::Owner(owner) => (Some(owner), None),
            Self::Channel(channel) => (None, Some(channel)),
        }
    }
}

/// Accepted payments settled in one currency: the last `days` and the `days` before.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueRow {
    /// The settlement currency as the payment provider reported it (lower-case).
    pub currency: String,
    pub settled: Decimal,
    pub owner_share: Decimal,
    pub payments: i64,
    pub previous_settled: Decimal,
    pub previous_owner_share: Decimal,
    pub previous_payments: i64,
}

/// Accepted payments per settlement currency in the two windows (newest `days`, and the `days` before).
pub async fn revenue_by_currency(
    conn: &mut PgConnection,
    scope: Scope,
    days: i32,
) -> Result<Vec<RevenueRow>, sqlx::Error> {
    let (owner, channel) = scope.filters();
    sqlx::query_as!(
        RevenueRow,
        r#"SELECT lower(p.outcome_currency) AS "currency!",
                  COALESCE(sum(p.outcome_amount) FILTER (WHERE p.created_at >= now() - make_interval(days => $3)), 0) AS "settled!",
                  COALESCE(sum(p.owner_share) FILTER (WHERE p.created_at >= now() - make_interval(days => $3)), 0) AS "owner_share!",
                  count(*) FILTER (WHERE p.created_at >= now() - make_interval(days => $3)) AS "payments!",
                  COALESCE(sum(p.outcome_amount) FILTER (WHERE p.created_at < now() - make_interval(days => $3)), 0) AS "previous_settled!",
                  COALESCE(sum(p.owner_share) FILTER (WHERE p.created_at < now() - make_interval(days => $3)), 0) AS "previous_owner_share!",
                  count(*) FILTER (WHERE p.created_at < now() - make_interval(days => $3)) AS "previous_payments!"
           FROM payments p JOIN channels c ON c.id = p.channel_id
           WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR p.channel_id = $2)
             AND p.verdict = 'accepted' AND p.outcome_currency IS NOT NULL
             AND p.created_at >= now() - make_interval(days => 2 * $3) AND p.created_at <= now()
           GROUP BY 1 ORDER BY 1"#,
        owner,
        channel,
        days
    )
    .fetch_all(conn)
    .await
}

/// Accepted payments in USD at payment time (the provider's fiat value of what was paid, else the price).
#[derive(Debug, Clone, PartialEq)]
pub struct UsdRevenue {
    pub usd: Decimal,
    pub payments: i64,
    pub previous_usd: Decimal,
    pub previous_payments: i64,
}

pub async fn revenue_usd(
    conn: &mut PgConnection,
    scope: Scope,
    days: i32,
) -> Result<UsdRevenue, sqlx::Error> {
    let (owner, channel) = scope.filters();
    sqlx::query_as!(
        UsdRevenue,
        r#"SELECT COALESCE(sum(COALESCE(p.paid_usd, p.price_usd)) FILTER (WHERE p.created_at >= now() - make_interval(days => $3)), 0) AS "usd!",
                  count(*) FILTER (WHERE p.created_at >= now() - make_interval(days => $3)) AS "payments!",
                  COALESCE(sum(COALESCE(p.paid_usd, p.price_usd)) FILTER (WHERE p.created_at < now() - make_interval(days => $3)), 0) AS "previous_usd!",
                  count(*) FILTER (WHERE p.created_at < now() - make_interval(days => $3)) AS "previous_payments!"
           FROM payments p JOIN channels c ON c.id = p.channel_id
           WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR p.channel_id = $2)
             AND p.verdict = 'accepted'
             AND p.created_at >= now() - make_interval(days => 2 * $3) AND p.created_at <= now()"#,
        owner,
        channel,
        days
    )
    .fetch_one(conn)
    .await
}

/// One UTC day of accepted payments.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    pub day: NaiveDate,
    pub usd: Decimal,
    pub payments: i64,
}

/// The last `days` UTC days, today included, oldest first; days without payments are zero.
pub async fn revenue_per_day(
    conn: &mut PgConnection,
    scope: Scope,
    days: i32,
) -> Result<Vec<DayRow>, sqlx::Error> {
    let (owner, channel) = scope.filters();
    sqlx::query_as!(
        DayRow,
        r#"WITH span AS (
               SELECT generate_series(0, $3 - 1) AS back, (now() AT TIME ZONE 'UTC')::date AS today
           ),
           paid AS (
               SELECT (p.created_at AT TIME ZONE 'UTC')::date AS day, COALESCE(p.paid_usd, p.price_usd) AS usd
               FROM payments p JOIN channels c ON c.id = p.channel_id
               WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR p.channel_id = $2)
                 AND p.verdict = 'accepted' AND p.created_at >= now() - make_interval(days => $3 + 1)
           )
           SELECT s.today - s.back AS "day!", COALESCE(sum(paid.usd), 0) AS "usd!", count(paid.usd) AS "payments!"
           FROM span s LEFT JOIN paid ON paid.day = s.today - s.back
           GROUP BY s.today, s.back ORDER BY s.back DESC"#,
        owner,
        channel,
        days
    )
    .fetch_all(conn)
    .await
}

/// Subscribers (distinct Telegram users) with an unexpired active subscription in a live channel.
pub async fn active_subscribers(conn: &mut PgConnection, scope: Scope) -> Result<i64, sqlx::Error> {
    let (owner, channel) = scope.filters();
    sqlx::query_scalar!(
        r#"SELECT count(DISTINCT s.telegram_user_id) AS "count!"
           FROM subscriptions s JOIN channels c ON c.id = s.channel_id
           WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR s.channel_id = $2)
             AND c.deleted_at IS NULL AND s.status = 'active' AND s.expires_at > now()"#,
        owner,
        channel
    )
    .fetch_one(conn)
    .await
}

/// Payouts stopped for the operator (needs attention, failed, refunded, expired) or waiting for funds.
pub async fn payouts_needing_attention(conn: &mut PgConnection, scope: Scope) -> Result<i64, sqlx::Error> {
    let (owner, channel) = scope.filters();
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!"
           FROM payouts o JOIN channels c ON c.id = o.channel_id
           WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR o.channel_id = $2)
             AND o.status IN ('needs_attention', 'failed', 'refunded', 'expired', 'needs_funds')"#,
        owner,
        channel
    )
    .fetch_one(conn)
    .await
}

/// A live channel's held balance: threshold channels, and any channel holding entries.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldRow {
    pub channel_id: Uuid,
    pub title: String,
    pub threshold_usd: Option<Decimal>,
    pub converted_usdt: Decimal,
    pub pending_entries: i64,
}

pub async fn held_balances(conn: &mut PgConnection, scope: Scope) -> Result<Vec<HeldRow>, sqlx::Error> {
    let (owner, channel) = scope.filters();
    sqlx::query_as!(
        HeldRow,
        r#"SELECT c.id AS channel_id, c.closed_channel_title AS title, c.payout_threshold_usd AS threshold_usd,
                  COALESCE(b.converted_usdt, 0) AS "converted_usdt!", COALESCE(b.pending_entries, 0) AS "pending_entries!"
           FROM channels c LEFT JOIN channel_balances b ON b.channel_id = c.id
           WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR c.id = $2) AND c.deleted_at IS NULL
             AND (c.payout_strategy = 'threshold' OR b.converted_usdt > 0 OR b.pending_entries > 0)
           ORDER BY c.created_at, c.id"#,
        owner,
        channel
    )
    .fetch_all(conn)
    .await
}

/// A recent payment with its channel's title.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentPayment {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub channel_title: String,
    pub kind: OfferKind,
    pub verdict: PaymentVerdict,
    pub price_usd: Decimal,
    pub settled_amount: Option<Decimal>,
    pub settled_currency: Option<String>,
    pub owner_share: Option<Decimal>,
    pub payout_status: PayoutStatus,
    pub created_at: DateTime<Utc>,
}

struct RawRecentPayment {
    id: Uuid,
    channel_id: Uuid,
    channel_title: String,
    kind: String,
    verdict: String,
    price_usd: Decimal,
    settled_amount: Option<Decimal>,
    settled_currency: Option<String>,
    owner_share: Option<Decimal>,
    payout_status: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<RawRecentPayment> for RecentPayment {
    type Error = sqlx::Error;

    fn try_from(raw: RawRecentPayment) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: raw.id,
            channel_id: raw.channel_id,
            channel_title: raw.channel_title,
            kind: decoded(OfferKind::parse(&raw.kind))?,
            verdict: decoded(PaymentVerdict::parse(&raw.verdict))?,
            price_usd: raw.price_usd,
            settled_amount: raw.settled_amount,
            settled_currency: raw.settled_currency,
            owner_share: raw.owner_share,
            payout_status: decoded(PayoutStatus::parse(&raw.payout_status))?,
            created_at: raw.created_at,
        })
    }
}

/// The newest `limit` payments, every verdict.
pub async fn recent_payments(
    conn: &mut PgConnection,
    scope: Scope,
    limit: i64,
) -> Result<Vec<RecentPayment>, sqlx::Error> {
    let (owner, channel) = scope.filters();
    let rows = sqlx::query_as!(
        RawRecentPayment,
        r#"SELECT p.id, p.channel_id, c.closed_channel_title AS channel_title, p.kind::text AS "kind!", p.verdict,
                  p.price_usd, p.outcome_amount AS settled_amount, p.outcome_currency AS settled_currency,
                  p.owner_share, p.payout_status, p.created_at
           FROM payments p JOIN channels c ON c.id = p.channel_id
           WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR p.channel_id = $2)
           ORDER BY p.created_at DESC, p.id DESC LIMIT $3"#,
        owner,
        channel,
        limit
    )
    .fetch_all(conn)
    .await?;
    all(rows, RecentPayment::try_from)
}

/// A recent payout (payment or batch) with its channel's title.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentPayout {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub channel_title: String,
    pub purpose: PayoutPurpose,
    pub status: PayoutState,
    pub source_amount: Decimal,
    pub source_code: String,
    pub source_network: String,
    pub dest_code: String,
    pub dest_network: String,
    pub received_amount: Option<Decimal>,
    pub payout_hash: Option<String>,
    pub created_at: DateTime<Utc>,
}

struct RawRecentPayout {
    id: Uuid,
    channel_id: Uuid,
    channel_title: String,
    purpose: String,
    status: String,
    source_amount: Decimal,
    source_code: String,
    source_network: String,
    dest_code: String,
    dest_network: String,
    received_amount: Option<Decimal>,
    payout_hash: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<RawRecentPayout> for RecentPayout {
    type Error = sqlx::Error;

    fn try_from(raw: RawRecentPayout) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: raw.id,
            channel_id: raw.channel_id,
            channel_title: raw.channel_title,
            purpose: decoded(PayoutPurpose::parse(&raw.purpose))?,
            status: decoded(PayoutState::parse(&raw.status))?,
            source_amount: raw.source_amount,
            source_code: raw.source_code,
            source_network: raw.source_network,
            dest_code: raw.dest_code,
            dest_network: raw.dest_network,
            received_amount: raw.received_amount,
            payout_hash: raw.payout_hash,
            created_at: raw.created_at,
        })
    }
}

/// The newest `limit` payouts of the scope's channels (conversions belong to no channel).
pub async fn recent_payouts(
    conn: &mut PgConnection,
    scope: Scope,
    limit: i64,
) -> Result<Vec<RecentPayout>, sqlx::Error> {
    let (owner, channel) = scope.filters();
    let rows = sqlx::query_as!(
        RawRecentPayout,
        r#"SELECT o.id, c.id AS channel_id, c.closed_channel_title AS channel_title, o.purpose, o.status,
                  o.source_amount, o.source_code, o.source_network, o.dest_code, o.dest_network,
                  o.received_amount, o.payout_hash, o.created_at
           FROM payouts o JOIN channels c ON c.id = o.channel_id
           WHERE ($1::uuid IS NULL OR c.owner_id = $1) AND ($2::uuid IS NULL OR o.channel_id = $2)
           ORDER BY o.created_at DESC, o.id DESC LIMIT $3"#,
        owner,
        channel,
        limit
    )
    .fetch_all(conn)
    .await?;
    all(rows, RecentPayout::try_from)
}
