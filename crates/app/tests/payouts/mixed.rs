//! Conservation after a randomized run mixing an instant and a threshold channel, with provider
//! faults injected, conversions and batch passes interleaved with payments.

use std::time::{Duration, Instant};

use paygate_app::payouts::threshold;
use paygate_domain::money::Asset;
use paygate_test_support::fake_changenow::PairTerms;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::*;

#[tokio::test]
async fn conservation_holds_after_a_random_mix_of_instant_and_threshold_payments_with_faults() {
    let world = PayoutWorld::start(Payout::Xmr).await;
    let terms = PairTerms { rate: dec!(3000), min: dec!(0.005), withdrawal_fee: dec!(1) };
    world.changenow.set_pair(Asset::ETH, Asset::USDT_ERC20, terms);
    let threshold_channel = create_channel(&world.app, &world.owner, Payout::ThresholdUsdtTrx).await;
    let mut app = world.app.app.clone();
    let mut settings = (*app.settings).clone();
    settings.conversion_interval = Duration::ZERO;
    app.settings = std::sync::Arc::new(settings);

    let seed: u64 = rand::rng().random();
    println!("seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    for n in 0..80u64 {
        match rng.random_range(0..16) {
            0 => world.changenow.fail_next("min-amount", 1, 503),
            1 => world.changenow.rate_limit_next("by-id", 1, 1),
            2 => world.changenow.fail_next("estimated-amount", 1, 500),
            3 => world.changenow.fail_next_after_deposit(),
            _ => {}
        }
        let channel = if rng.random_bool(0.5) { world.channel_id } else { threshold_channel };
        let (amount, currency) = if rng.random_bool(0.6) {
            (Decimal::new(rng.random_range(1_000..60_000), 6), "eth")
        } else {
            (Decimal::new(rng.random_range(1_000_000..60_000_000), 6), "usdterc20")
        };
        let report = finished_report_in(&world.app, channel, 10_000 + n, amount, currency).await;
        world.report(&report).await;
        if n % 10 == 9 {
            let _ = threshold::convert_pending(&app).await;
            let _ = threshold::batch_pass(&app).await;
        }
    }
    // Drain: keep converting and batching until nothing is in flight.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let _ = threshold::convert_pending(&app).await;
        let _ = threshold::batch_pass(&app).await;
        let open = world.open_payouts().await;
        if open == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{open} payouts still open");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    assert_eq!(world.count("SELECT count(*) FROM payments").await, 80);
    assert_eq!(
        world
            .count("SELECT count(*) FROM accumulation_entries WHERE status IN ('in_batch', 'converting')")
            .await,
        0,
        "nothing left half-way"
    );
    world.assert_each_funded_exchange_is_one_payouts_amount().await;
    let batched_twice = world
        .count("SELECT count(*) FROM (SELECT payment_id FROM accumulation_entries GROUP BY payment_id HAVING count(*) > 1) d")
        .await;
    assert_eq!(batched_twice, 0);
    world.assert_conserved().await;
}
