//! Benchmark: one threshold batch pass over 10k channels holding 10k, 100k and 1M converted entries.
//!
//! Run (see docs/BENCHMARKS.md): `PAYGATE_TEST_DATABASE_URL=postgres://… cargo run --release -p paygate-app --example batch_pass_bench`
//! Optional arguments: entry counts, e.g. `-- 10000 100000 1000000`. Each size gets a fresh database;
//! 1 % of the channels are over their threshold, so every pass starts 100 batches. Two layouts per
//! size: `spread` puts the entries evenly over all channels (a due channel's batch grows with the
//! size), `fixed` gives each due channel 10 entries and the rest to the others (the same batches at
//! every size: what is left is the cost of the entries the pass must not read).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a benchmark reports on stdout

use std::time::Instant;

use paygate_app::payouts::threshold;
use paygate_test_support::{TestAppOptions, spawn_app_with};

const CHANNELS: i64 = 10_000;
/// Channels over their $50 threshold (1 %).
const DUE: i64 = 100;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sizes: Vec<i64> = std::env::args().skip(1).filter_map(|arg| arg.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10_000, 100_000, 1_000_000] } else { sizes };
    println!(
        "| layout | entries | channels | channels due | entries batched | fill (s) | batch pass (ms) | batches |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (layout, entries) in sizes.iter().flat_map(|n| [("fixed", *n), ("spread", *n)]) {
        let app = spawn_app_with(TestAppOptions::default()).await;
        app.owner_token("bench").await;
        let fill = Instant::now();
        fill_entries(&app.pool, entries, layout == "fixed").await;
        let filled = fill.elapsed();
        sqlx::query("ANALYZE").execute(&app.pool).await.unwrap();
        let pass = Instant::now();
        let started = threshold::batch_pass(&app.app).await.unwrap();
        let took = pass.elapsed();
        let batched: i64 =
            sqlx::query_scalar("SELECT count(*) FROM accumulation_entries WHERE status = 'in_batch'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        println!(
            "| {layout} | {entries} | {CHANNELS} | {DUE} | {batched} | {:.1} | {:.1} | {} |",
            filled.as_secs_f64(),
            took.as_secs_f64() * 1000.0,
            started.len()
        );
        assert_eq!(started.len() as i64, DUE, "every due channel got its batch");
        if entries == 1_000_000 && layout == "fixed" {
            let plan: Vec<(String,)> = sqlx::query_as(
                "EXPLAIN SELECT b.channel_id FROM channel_balances b JOIN channels c ON c.id = b.channel_id
                 WHERE b.converted_usdt > 0
                   AND (c.payout_strategy = 'instant' OR b.converted_usdt >= c.payout_threshold_usd)
                 ORDER BY b.channel_id",
            )
            .fetch_all(&app.pool)
            .await
            .unwrap();
            println!("\nplan of the pass's channel query at {entries} entries:");
            for (line,) in plan {
                println!("    {line}");
            }
        }
    }
}

/// 10k threshold channels paying USDT on Ethereum and `entries` converted entries (each with its
/// payment): $60 each in the first 1 % of channels (due), $0.01 elsewhere. `fixed`: the due channels
/// get 10 entries each and every other entry goes to the rest; otherwise all are spread evenly.
async fn fill_entries(pool: &sqlx::PgPool, entries: i64, fixed: bool) {
    let statements = [
        "INSERT INTO channels (id, owner_id, open_channel_id, open_channel_title, closed_channel_id,
                               closed_channel_title, payout_wallet_address, payout_currency, payout_network,
                               payout_strategy, payout_threshold_usd)
         SELECT gen_random_uuid(), (SELECT id FROM users LIMIT 1), -1001000000000 - g * 2, 'Open ' || g,
                -1001000000001 - g * 2, 'Closed ' || g, '0x3333333333333333333333333333333333333333',
                'usdt', 'eth', 'threshold', 50
         FROM generate_series(1, $1::bigint) g",
        "CREATE TABLE bench_channels AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM channels",
        "ALTER TABLE bench_channels ADD PRIMARY KEY (n)",
        "INSERT INTO subscribers (telegram_user_id, first_name) VALUES (777, 'Bench')",
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, price_usd, provider, status, expires_at)
         SELECT gen_random_uuid(), id, 777, 'donation', 10, 'sandbox', 'finished', now() FROM channels LIMIT 1",
    ];
    sqlx::query(statements[0]).bind(CHANNELS).execute(pool).await.unwrap();
    for statement in &statements[1..] {
        sqlx::query(sqlx::AssertSqlSafe(*statement)).execute(pool).await.unwrap();
    }
    // Payments and entries in chunks (one transaction each) so a fill of 1M stays within memory.
    let chunk = 100_000i64;
    let mut from = 0i64;
    while from < entries {
        let to = (from + chunk).min(entries);
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(
            "WITH g AS (
                 SELECT g, gen_random_uuid() AS payment_id, c.id AS channel_id,
                        CASE WHEN c.n < $4 THEN 60::numeric ELSE 0.01 END AS share
                 FROM generate_series($1::bigint, $2::bigint - 1) g
                 JOIN bench_channels c ON c.n = CASE
                     WHEN NOT $5 THEN g % $3
                     WHEN g < $4 * 10 THEN g % $4
                     ELSE $4 + g % ($3 - $4) END
             ), p AS (
                 INSERT INTO payments (id, invoice_id, provider_payment_id, channel_id, telegram_user_id, kind, verdict,
                                       price_usd, outcome_amount, outcome_currency, fee_percent, platform_fee,
                                       owner_share, payout_status)
                 SELECT payment_id, (SELECT id FROM invoices LIMIT 1), 'bench-' || g, channel_id, 777, 'donation',
                        'accepted', 10, share, 'usdterc20', 0, 0, share, 'accumulated'
                 FROM g
                 RETURNING id, channel_id, owner_share
             )
             INSERT INTO accumulation_entries (id, channel_id, owner_id, payment_id, reason, source_amount, source_code,
                                               source_network, status, usdt_amount)
             SELECT gen_random_uuid(), p.channel_id, (SELECT id FROM users LIMIT 1), p.id, 'threshold', p.owner_share,
                    'usdt', 'eth', 'converted', p.owner_share
             FROM p",
        )
        .bind(from)
        .bind(to)
        .bind(CHANNELS)
        .bind(DUE)
        .bind(fixed)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        from = to;
    }
}
