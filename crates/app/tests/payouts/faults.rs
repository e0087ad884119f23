//! Provider faults: fatal errors stop for the operator without retries, transient ones are retried,
//! an exchange that fails after the deposit is never re-sent, and the operator's controls.

use reqwest::Method;
use rust_decimal_macros::dec;
use serde_json::Value;

use crate::support::*;

fn creates(world: &PayoutWorld) -> usize {
    world.changenow.requests().iter().filter(|r| r.starts_with("POST /v2/exchange")).count()
}

#[tokio::test]
async fn an_address_the_provider_refuses_stops_the_payout_for_the_operator_without_retries() {
    let world = PayoutWorld::start(Payout::Xmr).await;
    world.changenow.refuse_address(XMR_OWNER);

    let payment = world.pay(dec!(0.05), "eth").await;
    let payout = world.payout_reaches(payment, &["needs_attention"]).await;

    assert!(payout["failure_reason"].as_str().unwrap().contains("address"), "{payout:#}");
    assert_eq!(creates(&world), 1, "a fatal error is not retried");
    assert!(world.changenow.funded_exchanges().is_empty());
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(creates(&world), 1, "still not retried");
    world.assert_conserved().await;

    // Owners do not see the operator routes; the operator cancels, and the share is held.
    let id = payout["id"].as_str().unwrap();
    let path = format!("/api/v1/operator/payouts/{id}/cancel");
    assert_eq!(world.app.send_as(Method::POST, &world.owner, &path, None).await.status(), 404);
    let operator = world.operator_token().await;
    let cancelled: Value =
        world.app.send_as(Method::POST, &operator, &path, None).await.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    let again = world.app.send_as(Method::POST, &operator, &path, None).await;
    assert_eq!(again.status(), 409);
    world.assert_conserved().await;
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_with_backoff_and_the_payout_completes() {
    let world = PayoutWorld::start(Payout::Xmr).await;
    world.changenow.fail_next("min-amount", 2, 503);
    world.changenow.rate_limit_next("estimated-amount", 1, 1);
    world.changenow.fail_next("by-id", 1, 500);

    let payment = world.pay(dec!(0.05), "eth").await;
    world.payout_reaches(payment, &["completed"]).await;

    let requests = world.changenow.requests();
    assert!(requests.iter().filter(|r| r.contains("min-amount")).count() >= 3, "{requests:#?}");
    assert!(requests.iter().filter(|r| r.contains("estimated-amount")).count() >= 2, "{requests:#?}");
    assert_eq!(world.changenow.funded_exchanges().len(), 1);
    world.assert_conserved().await;
}

#[tokio::test]
async fn an_exchange_that_fails_after_the_deposit_needs_the_operator_and_is_never_sent_again() {
    let world = PayoutWorld::start(Payout::Xmr).await;
    world.changenow.fail_next_after_deposit();

    let payment = world.pay(dec!(0.05), "eth").await;
    let payout = world.payout_reaches(payment, &["failed"]).await;

    assert_eq!(world.changenow.funded_exchanges().len(), 1);
    assert_eq!(world.transfers_of(payout["id"].as_str().unwrap()).await, 1);
    let operator = world.operator_token().await;
    let queue: Value =
        world.app.get_as(&operator, "/api/v1/operator/payouts/attention").await.json().await.unwrap();
    assert!(queue["payouts"].as_array().unwrap().iter().any(|p| p["id"] == payout["id"]));
    // A failed exchange is not retried by itself, nor by the retry action.
    let path = format!("/api/v1/operator/payouts/{}/retry", payout["id"].as_str().unwrap());
    assert_eq!(world.app.send_as(Method::POST, &operator, &path, None).await.status(), 409);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(world.changenow.exchanges().len(), 1);
    assert_eq!(world.count("SELECT count(*) FROM wallet_transfers").await, 1);
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_refunded_exchange_stops_as_refunded_for_the_operator() {
    let world = PayoutWorld::start(Payout::Xmr).await;
    world.changenow.refund_next_after_deposit();

    let payment = world.pay(dec!(0.05), "eth").await;
    let payout = world.payout_reaches(payment, &["refunded"]).await;

    assert!(payout["failure_reason"].as_str().unwrap().contains("refunded"));
    assert_eq!(world.changenow.funded_exchanges().len(), 1);
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_create_answer_naming_another_payout_address_is_not_trusted_and_only_a_verified_exchange_is_funded()
{
    let world = PayoutWorld::start(Payout::Xmr).await;
    world.changenow.misreport_next_payout_address("4BADaddressBADaddressBADaddress");

    let payment = world.pay(dec!(0.05), "eth").await;
    let payout = world.payout_reaches(payment, &["completed", "needs_attention"]).await;

    // The answer was not acted on: the exchange was looked up at the provider, which pays the
    // owner's wallet, before a single deposit was made to it.
    let funded = world.changenow.funded_exchanges();
    assert_eq!(funded.len(), 1, "{payout:#}");
    let exchange = world.changenow.exchanges().into_iter().find(|e| e["id"] == funded[0].as_str()).unwrap();
    assert_eq!(exchange["payoutAddress"], XMR_OWNER);
    assert!(world.changenow.requests().iter().any(|r| r.starts_with("GET /v2/exchanges")), "looked up");
    assert_eq!(world.count("SELECT count(*) FROM wallet_transfers").await, 1);
    world.assert_conserved().await;
}

#[tokio::test]
async fn the_operator_sees_the_host_wallet_and_owners_get_404() {
    let world = PayoutWorld::start(Payout::Eth).await;
    assert_eq!(world.app.get_as(&world.owner, "/api/v1/operator/wallet").await.status(), 404);
    assert_eq!(world.app.get_as(&world.owner, "/api/v1/operator/conservation").await.status(), 404);
    let operator = world.operator_token().await;
    let wallet: Value = world.app.get_as(&operator, "/api/v1/operator/wallet").await.json().await.unwrap();
    assert!(
        wallet["address"].as_str().unwrap().eq_ignore_ascii_case(paygate_test_support::anvil::WALLET_ADDRESS)
    );
    assert_eq!(wallet["mode"], "live");
    let currencies: Vec<&str> =
        wallet["balances"].as_array().unwrap().iter().map(|b| b["currency"].as_str().unwrap()).collect();
    assert_eq!(currencies, ["eth", "usdt"]);
    // Another owner's channel payouts are a 404 too.
    let stranger = world.app.owner_token("stranger").await;
    let path = format!("/api/v1/channels/{}/payouts", world.channel_id);
    assert_eq!(world.app.get_as(&stranger, &path).await.status(), 404);
}
