//! Supported payout currency/network pairs (seeded by a migration, switched on and off by operators).

use sqlx::PgConnection;

/// One enabled pair; codes are lower-case.
#[derive(Debug, Clone)]
pub struct PayoutPairRow {
    pub currency: String,
    pub network: String,
    pub display_name: String,
}

/// Every enabled pair, ordered by currency then network.
pub async fn list_enabled(conn: &mut PgConnection) -> Result<Vec<PayoutPairRow>, sqlx::Error> {
    sqlx::query_as!(
        PayoutPairRow,
        "SELECT currency, network, display_name FROM payout_pairs WHERE enabled ORDER BY currency, network"
    )
    .fetch_all(conn)
    .await
}
