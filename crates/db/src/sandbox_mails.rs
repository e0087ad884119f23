//! The sandbox mailbox: mails kept in the database when no SMTP server is configured.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

#[derive(Debug, Clone)]
pub struct SandboxMailRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut PgConnection,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO sandbox_mails (to_address, subject, body) VALUES ($1, $2, $3) RETURNING id",
        to,
        subject,
        body
    )
    .fetch_one(conn)
    .await
}

/// Newest first.
pub async fn latest(conn: &mut PgConnection, limit: i64) -> Result<Vec<SandboxMailRow>, sqlx::Error> {
    sqlx::query_as!(
        SandboxMailRow,
        "SELECT id, to_address, subject, body, created_at FROM sandbox_mails ORDER BY id DESC LIMIT $1",
        limit
    )
    .fetch_all(conn)
    .await
}
