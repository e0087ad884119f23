//! Sliding-window rate-limit events, shared by every instance through PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::{Connection, PgConnection};

/// One sliding-window limit to take a slot in: bucket, most events, window in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub bucket: &'a str,
    pub max: i64,
    pub window_secs: f64,
}

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

/// Records one event in every slot's bucket if all of them are below their limits, or none. The check
/// and the insert run under one advisory lock per bucket, so parallel callers (on any instance) can
/// never take more slots than the limit. When a bucket is full, answers its index in `slots` and the
/// time of its oldest event in the window.
pub async fn try_record(
    conn: &mut PgConnection,
    slots: &[Slot<'_>],
) -> Result<Option<(usize, Option<DateTime<Utc>>)>, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let mut buckets: Vec<&str> = slots.iter().map(|slot| slot.bucket).collect();
    buckets.sort_unstable(); // one order for every caller: no deadlock between two buckets
    buckets.dedup();
    for bucket in buckets {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('paygate.rate_limit:' || $1, 0))")
            .bind(bucket)
            .execute(&mut *tx)
            .await?;
    }
    for (index, slot) in slots.iter().enumerate() {
        let (count, oldest) = window(&mut tx, slot.bucket, slot.window_secs).await?;
        if count >= slot.max {
            tx.rollback().await?;
            return Ok(Some((index, oldest)));
        }
    }
    for slot in slots {
        record(&mut tx, slot.bucket).await?;
    }
    tx.commit().await?;
    Ok(None)
}

/// Gives back one event of `bucket` (the newest), e.g. the slot a successful login had taken.
pub async fn release_one(conn: &mut PgConnection, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM rate_limit_events WHERE ctid = (SELECT ctid FROM rate_limit_events WHERE bucket = $1
           ORDER BY created_at DESC LIMIT 1)",
        bucket
    )
    .execute(conn)
    .await
    .map(|_| ())
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
