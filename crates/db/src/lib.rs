//! PostgreSQL access for Paygate: connection pool, migrations and per-aggregate queries.

pub mod account_tokens;
pub mod accumulation;
pub mod audit;
pub mod channel_control;
pub mod channels;
pub mod conservation;
pub mod invites;
pub mod invoices;
pub mod member_removals;
pub mod offer_posts;
pub mod offers;
pub mod open_invoices;
pub mod operator_reads;
pub mod overview;
pub mod owner_contacts;
pub mod owner_outbox;
pub mod payments;
pub mod payout_pairs;
pub mod payouts;
pub mod rate_limits;
pub mod sandbox_mails;
pub mod sessions;
pub mod subscribers;
pub mod subscriptions;
pub mod telegram_pacing;
mod typed;
pub mod users;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
pub use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// Every migration of `migrations/`, embedded at compile time.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not connect to PostgreSQL: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply migrations: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// Opens a pool to `options` with at most `max_connections` connections.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<PgPool, DbError> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(DbError::Connect)
}

/// Applies pending migrations; safe to call from several instances at once (sqlx takes an advisory lock).
pub async fn migrate(pool: &PgPool) -> Result<(), DbError> {
    MIGRATOR.run(pool).await.map_err(DbError::Migrate)?;
    tracing::info!(kind = "db", "database migrations applied");
    Ok(())
}

/// Checks that the database answers.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}

/// True when `error` is a unique-constraint violation (SQLSTATE 23505) on `constraint`, if given.
pub fn is_unique_violation(error: &sqlx::Error, constraint: Option<&str>) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23505")
                && constraint.is_none_or(|name| db.constraint() == Some(name))
        }
        _ => false,
    }
}
