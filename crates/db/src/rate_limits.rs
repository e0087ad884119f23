//! Sliding-window rate-limit events, shared by every instance through PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Events in `bucket` within the last `window_secs`, and the oldest one's time.
pub async fn window(
    conn: &mut PgConnection,
    bucket: &str,
    window_secs: f64,
) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "count!", min(created_at) AS oldest FROM rate_limit_events
           WHERE bucket = $1 AND created_at > now() - make_interval(secs => $2)"#,
        bucket,
        window_secs
    )
    .fetch_one(conn)
    .await?;
    Ok((row.count, row.oldest))
}

pub async fn record(conn: &mut PgConnection, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO rate_limit_events (bucket) VALUES ($1)", bucket).execute(conn).await.map(|_| ())
}

/// Forgets a bucket (e.g. an account's failed logins after a successful one).
pub async fn clear(conn: &mut PgConnection, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM rate_limit_events WHERE bucket = $1", bucket).execute(conn).await.map(|_| ())
}

/// Deletes events older than any window (housekeeping).
pub async fn purge_older_than(conn: &mut PgConnection, secs: f64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM rate_limit_events WHERE created_at < now() - make_interval(secs => $1)",
        secs
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
