//! Accounts: owners and operators.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// One account row.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub max_channels: i32,
    pub created_at: DateTime<Utc>,
}

/// The fields of a new account.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
}

/// Inserts an account; a duplicate username or e-mail fails with a unique violation on
/// `users_username_ci` or `users_email_ci`.
pub async fn insert(conn: &mut PgConnection, user: &NewUser<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO users (id, username, email, password_hash, role) VALUES ($1, $2, $3, $4, $5::text::user_role)",
        user.id,
        user.username,
        user.email,
        user.password_hash,
        user.role,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn by_id(conn: &mut PgConnection, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id, username, email, password_hash, role::text AS "role!", email_verified_at, max_channels, created_at
           FROM users WHERE id = $1"#,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// Finds an account by username or e-mail, case-insensitively.
pub async fn by_login(conn: &mut PgConnection, login: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id, username, email, password_hash, role::text AS "role!", email_verified_at, max_channels, created_at
           FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1)
           LIMIT 1"#,
        login,
    )
    .fetch_optional(conn)
    .await
}

pub async fn set_password_hash(conn: &mut PgConnection, id: Uuid, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1", id, hash)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn mark_email_verified(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now() WHERE id = $1",
        id
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Locks the account row so concurrent requests of one owner serialise (e.g. the channel limit).
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!("SELECT max_channels FROM users WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await
}
