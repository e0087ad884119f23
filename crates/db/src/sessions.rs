//! Login sessions and their rotating refresh tokens (stored as SHA-256 hashes only).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn create(conn: &mut PgConnection, id: Uuid, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO sessions (id, user_id) VALUES ($1, $2)", id, user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// True when the session exists and is not revoked.
pub async fn is_active(conn: &mut PgConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    let found =
        sqlx::query_scalar!(r#"SELECT true AS "ok!" FROM sessions WHERE id = $1 AND revoked_at IS NULL"#, id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Revokes a session (logout, refresh reuse); returns whether it was active.
pub async fn revoke(conn: &mut PgConnection, id: Uuid, reason: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL",
        id,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every session of a user (password reset or change).
pub async fn revoke_all_for_user(
    conn: &mut PgConnection,
    user_id: Uuid,
    except: Option<Uuid>,
    reason: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE sessions SET revoked_at = now(), revoked_reason = $3
         WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2)",
        user_id,
        except,
        reason
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn insert_refresh_token(
    conn: &mut PgConnection,
    hash: &[u8],
    session_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)",
        hash,
        session_id,
        expires_at
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A refresh token as found by its hash, locked for the rotation.
#[derive(Debug)]
pub struct RefreshTokenRow {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub session_revoked: bool,
}

pub async fn find_refresh_token_for_update(
    conn: &mut PgConnection,
    hash: &[u8],
) -> Result<Option<RefreshTokenRow>, sqlx::Error> {
    sqlx::query_as!(
        RefreshTokenRow,
        r#"SELECT t.session_id, s.user_id, t.expires_at, t.used_at, (s.revoked_at IS NOT NULL) AS "session_revoked!"
           FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
           WHERE t.token_hash = $1
           FOR UPDATE OF t, s"#,
        hash,
    )
    .fetch_optional(conn)
    .await
}

pub async fn mark_refresh_token_used(conn: &mut PgConnection, hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1", hash)
        .execute(conn)
        .await
        .map(|_| ())
}
