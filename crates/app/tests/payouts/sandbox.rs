//! Without ChangeNOW and Ethereum credentials the same workflow runs on the sandbox swap and wallet.

use std::time::{Duration, Instant};

use paygate_app::subscribers::payment_intake::{self, Outcome, Source};
use paygate_test_support::{TestAppOptions, spawn_app_with};
use rust_decimal_macros::dec;
use serde_json::Value;

use crate::support::*;

fn fast(settings: &mut paygate_app::Settings) {
    settings.payout_poll_interval = Duration::from_millis(100);
}

#[tokio::test]
async fn sandbox_adapters_carry_a_swap_payout_to_completed_and_readyz_shows_them_as_sandbox() {
    let app =
        spawn_app_with(TestAppOptions { worker: true, settings: Some(fast), ..TestAppOptions::default() })
            .await;
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    let text = ready.to_string();
    assert!(text.contains("\"swap\"") && text.contains("\"wallet\""), "{ready:#}");
    let owner = app.owner_token("owner").await;
    let channel = create_channel(&app, &owner, Payout::Xmr).await;

    let report = finished_report_in(&app, channel, 1, dec!(0.05), "eth").await;
    assert_eq!(
        payment_intake::apply_update(&app.app, &report, Source::Ipn).await.unwrap(),
        Outcome::Accepted
    );

    let path = format!("/api/v1/channels/{channel}/payouts");
    let deadline = Instant::now() + Duration::from_secs(90);
    let payout = loop {
        let list: Value = app.get_as(&owner, &path).await.json().await.unwrap();
        let payout = list["payouts"][0].clone();
        if payout["status"] == "completed" {
            break payout;
        }
        assert!(Instant::now() < deadline, "sandbox payout never completed: {payout:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(payout["kind"], "swap");
    assert!(payout["received"]["amount"].as_str().is_some_and(|a| a.parse::<f64>().unwrap() > 0.0));
    let operator = app.operator_token("operator").await;
    let wallet: Value = app.get_as(&operator, "/api/v1/operator/wallet").await.json().await.unwrap();
    assert_eq!(wallet["mode"], "sandbox");
    let check: Value = app.get_as(&operator, "/api/v1/operator/conservation").await.json().await.unwrap();
    assert_eq!(check["holds"], true, "{check:#}");
}
