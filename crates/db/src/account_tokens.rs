//! One-time account tokens (e-mail verification, password reset), stored as SHA-256 hashes.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn insert(
    conn: &mut PgConnection,
    hash: &[u8],
    user_id: Uuid,
    purpose: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at)
         VALUES ($1, $2, $3::text::account_token_purpose, $4)",
        hash,
        user_id,
        purpose,
        expires_at
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Spends an unexpired, unused token of `purpose`; returns its user, or `None` when it cannot be used.
pub async fn consume(
    conn: &mut PgConnection,
    hash: &[u8],
    purpose: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE account_tokens SET used_at = now()
         WHERE token_hash = $1 AND purpose = $2::text::account_token_purpose
           AND used_at IS NULL AND expires_at > now()
         RETURNING user_id",
        hash,
        purpose
    )
    .fetch_optional(conn)
    .await
}

/// Invalidates the user's other unused tokens of `purpose` (only the newest link works).
pub async fn expire_unused(conn: &mut PgConnection, user_id: Uuid, purpose: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE account_tokens SET used_at = now()
         WHERE user_id = $1 AND purpose = $2::text::account_token_purpose AND used_at IS NULL",
        user_id,
        purpose
    )
    .execute(conn)
    .await
    .map(|_| ())
}
