//! A fresh, migrated database per test on the server named by `PAYGATE_TEST_DATABASE_URL`.

use std::str::FromStr;

use sqlx::{ConnectOptions, PgPool, postgres::PgConnectOptions};

/// Creates an empty database, applies every migration and returns a pool to it.
pub async fn fresh_database() -> PgPool {
    let url = std::env::var("PAYGATE_TEST_DATABASE_URL").expect(
        "PAYGATE_TEST_DATABASE_URL is unset: run the tests through scripts/test, which starts a throwaway PostgreSQL",
    );
    let admin = PgConnectOptions::from_str(&url).expect("PAYGATE_TEST_DATABASE_URL is not a PostgreSQL URL");
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin.connect().await.expect("cannot reach the test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("cannot create a test database");
    let pool =
        paygate_db::connect(admin.database(&name), 10).await.expect("cannot connect to the test database");
    paygate_db::migrate(&pool).await.expect("migrations failed on a fresh database");
    pool
}
