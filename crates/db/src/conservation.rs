//! The conservation check (SPEC §5.1): every owner share is paid out, accumulated, in flight or held.

use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// One owner's shares in one settlement currency and where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConservationLine {
    pub owner_id: Uuid,
    pub currency: String,
    pub owner_shares: Decimal,
    pub paid_out: Decimal,
    pub accumulated: Decimal,
    pub in_flight: Decimal,
    pub held: Decimal,
    /// Shares minus what the buckets hold: zero when conserved.
    pub unaccounted: Decimal,
}

/// Every owner and currency, from the `payout_conservation` view.
pub async fn lines(conn: &mut PgConnection) -> Result<Vec<ConservationLine>, sqlx::Error> {
    sqlx::query_as!(
        ConservationLine,
        r#"SELECT owner_id AS "owner_id!", currency AS "currency!", owner_shares AS "owner_shares!",
                  paid_out AS "paid_out!", accumulated AS "accumulated!", in_flight AS "in_flight!",
                  held AS "held!", unaccounted AS "unaccounted!"
           FROM payout_conservation ORDER BY owner_id, currency"#
    )
    .fetch_all(conn)
    .await
}

/// Ids breaking one of the routing rules the view alone cannot see, each with the rule's name:
/// a payment both in a payout and in accumulation (unless the payout fell below its minimum), a
/// payout whose amount is not its payment's share, a wallet transfer of another amount or asset
/// than its payout, and more than one transfer for one payout reference.
pub async fn routing_violations(conn: &mut PgConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT 'payment both paid out and accumulated' AS "rule!", o.payment_id::text AS "id!"
             FROM payouts o JOIN accumulation_entries e ON e.payment_id = o.payment_id
            WHERE o.status <> 'accumulated'
           UNION ALL
           SELECT 'payout amount differs from the owner share', o.id::text
             FROM payouts o JOIN payments p ON p.id = o.payment_id
            WHERE p.owner_share IS DISTINCT FROM o.source_amount
           UNION ALL
           SELECT 'accumulated amount differs from the owner share', e.id::text
             FROM accumulation_entries e JOIN payments p ON p.id = e.payment_id
            WHERE p.owner_share IS DISTINCT FROM e.source_amount
           UNION ALL
           SELECT 'host wallet transfer differs from its payout', o.id::text
             FROM payouts o JOIN wallet_transfers t ON t.id = o.transfer_id
            WHERE t.asset_code <> o.source_code OR t.asset_network <> o.source_network
               OR t.amount_base <> o.source_amount
                  * power(10::numeric, CASE WHEN o.source_code = 'eth' THEN 18 ELSE 6 END)
           UNION ALL
           SELECT 'more than one host wallet transfer for a payout', o.id::text
             FROM payouts o
            WHERE (SELECT count(*) FROM wallet_transfers t WHERE t.reference LIKE 'payout:' || o.id::text || ':%') > 1"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.rule, row.id)).collect())
}
