//! Housekeeping deletes old finished removal records and invite joins, and keeps recent or open ones.

#![allow(clippy::unwrap_used)] // a failing test should fail loudly

use chrono::{Duration, Utc};
use paygate_app::housekeeping::purge_member_records;
use paygate_test_support::fresh_database;
use uuid::Uuid;

#[tokio::test]
async fn old_finished_removals_and_joins_are_purged_while_recent_and_open_ones_stay() {
    let pool = fresh_database().await;
    let mut conn = pool.acquire().await.unwrap();
    // Rows only: foreign keys are not the subject here.
    sqlx::query("SET session_replication_role = replica").execute(&mut *conn).await.unwrap();
    let old = Utc::now() - Duration::days(120);
    let recent = Utc::now() - Duration::days(5);
    for (state, at) in [("removed", old), ("readmitted", old), ("removed", recent), ("banning", old)] {
        sqlx::query(
            "INSERT INTO member_removals (id, chat_id, telegram_user_id, state, updated_at)
             VALUES ($1, -1001234567890, 7, $2::member_removal_state, $3)",
        )
        .bind(Uuid::now_v7())
        .bind(state)
        .bind(at)
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    for (user, at) in [(1_i64, old), (2, recent)] {
        sqlx::query(
            "INSERT INTO invite_joins (invite_id, telegram_user_id, chat_id, paying, joined_at)
             VALUES ($1, $2, -1001234567890, false, $3)",
        )
        .bind(Uuid::now_v7())
        .bind(user)
        .bind(at)
        .execute(&mut *conn)
        .await
        .unwrap();
    }

    let purged = purge_member_records(&mut conn, Utc::now()).await.unwrap();

    assert_eq!(purged, (2, 1));
    let states: Vec<String> = sqlx::query_scalar("SELECT state::text FROM member_removals ORDER BY state")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(states, ["banning", "removed"], "an unfinished removal is never purged, however old");
    let joins: Vec<i64> =
        sqlx::query_scalar("SELECT telegram_user_id FROM invite_joins").fetch_all(&mut *conn).await.unwrap();
    assert_eq!(joins, [2]);
}
