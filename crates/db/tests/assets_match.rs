//! Every payout pair seeded in the database has its decimals in `paygate_domain::money`'s asset table.

#![allow(clippy::unwrap_used)] // test helpers should fail loudly on an unexpected value

use paygate_domain::money::Asset;
use paygate_test_support::fresh_database;

#[tokio::test]
async fn every_seeded_payout_pair_is_a_known_asset() {
    let pool = fresh_database().await;
    let pairs: Vec<(String, String)> =
        sqlx::query_as("SELECT currency, network FROM payout_pairs ORDER BY currency, network")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(pairs.len() >= 17, "the seed lists at least the pairs of SPEC §3.2");
    for (currency, network) in pairs {
        let asset = Asset::parse(&currency, &network);
        assert!(asset.is_ok(), "payout pair {currency}/{network} has no decimals in the asset table");
    }
}
