//! Conservation after 200 random payments: random settlement assets and amounts (above and below
//! the pair minimum), repeated reports, and provider faults injected along the way.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng, rngs::StdRng};
use rust_decimal::Decimal;

use crate::support::*;

#[tokio::test]
async fn conservation_holds_after_200_random_payments_with_injected_faults() {
    let world = PayoutWorld::start(Payout::Xmr).await;
    let seed: u64 = rand::rng().random();
    println!("seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut failed_or_refunded = 0;
    for _ in 0..200 {
        match rng.random_range(0..20) {
            0 => world.changenow.fail_next("min-amount", 1, 503),
            1 => world.changenow.fail_next("estimated-amount", 1, 500),
            2 => world.changenow.rate_limit_next("by-id", 1, 1),
            3 => world.changenow.fail_next("by-id", 1, 502),
            4 => {
                world.changenow.fail_next_after_deposit();
                failed_or_refunded += 1;
            }
            5 => {
                world.changenow.refund_next_after_deposit();
                failed_or_refunded += 1;
            }
            _ => {}
        }
        let (amount, currency) = if rng.random_bool(0.7) {
            // 0.001–0.08 ETH (the ETH→XMR minimum is 0.01)
            (Decimal::new(rng.random_range(1_000..80_000), 6), "eth")
        } else {
            // 1–80 USDT (the USDT→XMR minimum is 10)
            (Decimal::new(rng.random_range(1_000_000..80_000_000), 6), "usdterc20")
        };
        let report = world.finished_report(amount, currency).await;
        world.report(&report).await;
        if rng.random_bool(0.1) {
            world.report(&report).await;
        }
    }

    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let open = world.open_payouts().await;
        if open == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{open} payouts still open");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    assert_eq!(world.count("SELECT count(*) FROM payments").await, 200);
    // Shares below the pair minimum were accumulated; the conversion cron may have converted them
    // (purpose `conversion`) while the run lasted, so only the payments' own payouts are counted.
    let payment_payouts = "SELECT count(*) FROM payouts WHERE purpose = 'payment'";
    assert_eq!(world.count(payment_payouts).await, 200, "one payout per payment");
    assert_eq!(world.count("SELECT count(*) FROM payouts WHERE status = 'needs_attention'").await, 0);
    let funded = world.changenow.funded_exchanges();
    let recorded = world.count("SELECT count(*) FROM payouts WHERE exchange_id IS NOT NULL").await;
    assert_eq!(funded.len() as i64, recorded, "every funded exchange is a payout's, each funded once");
    world.assert_each_funded_exchange_is_one_payouts_amount().await;
    let stopped = world.count("SELECT count(*) FROM payouts WHERE status IN ('failed', 'refunded')").await;
    assert!(stopped <= failed_or_refunded, "{stopped} stopped, {failed_or_refunded} scripted");
    world.assert_conserved().await;
}
