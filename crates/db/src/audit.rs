//! The audit log: who did what to which account or channel.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// One audit entry to write.
#[derive(Debug)]
pub struct NewAuditEntry<'a> {
    /// The account the entry belongs to (shown to that owner).
    pub user_id: Option<Uuid>,
    /// Who acted, when not the owner (an operator); `None` for the owner themself or the system.
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub details: serde_json::Value,
    pub ip: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, entry: &NewAuditEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_log (user_id, actor_id, action, details, ip) VALUES ($1, $2, $3, $4, $5)",
        entry.user_id,
        entry.actor_id,
        entry.action,
        entry.details,
        entry.ip
    )
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub action: String,
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub actor_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The user's entries, newest first, before `before_id` when paging.
pub async fn for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as!(
        AuditRow,
        "SELECT id, action, details, ip, actor_id, created_at FROM audit_log
         WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3",
        user_id,
        before_id,
        limit
    )
    .fetch_all(conn)
    .await
}
