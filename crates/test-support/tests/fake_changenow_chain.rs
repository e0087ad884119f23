//! The fake ChangeNOW watching anvil: deposits seen with their amount and hash, then walked to finished, refunded or failed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::HashMap, time::Duration};

use paygate_test_support::{
    anvil::{Anvil, DEPLOYER, WALLET_ADDRESS, spawn_anvil},
    fake_changenow::FakeChangeNow,
};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json, value::RawValue};

const API_KEY: &str = "CN-KEY-chain-watch";
const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const TRX_ADDRESS: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
const REFUND_ADDRESS: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
/// Anvil's dev account #2 pays the deposits (unlocked, funded).
const PAYER: &str = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const ETHER: u128 = 1_000_000_000_000_000_000;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// A fake watching a fresh anvil (and the test token when `token` is set).
async fn watched_fake(token: Option<&str>) -> (FakeChangeNow, Anvil) {
    let anvil = spawn_anvil().await;
    let fake = FakeChangeNow::start(API_KEY).await;
    fake.watch_chain(anvil.url.parse().unwrap(), token.map(str::to_owned));
    (fake, anvil)
}

/// `POST /exchange` on the fake's wire API; returns the answer.
async fn create(fake: &FakeChangeNow, from: &str, to: (&str, &str, &str), amount: &str) -> Value {
    let (to_code, to_network, address) = to;
    let body = format!(
        r#"{{"fromCurrency":"{from}","fromNetwork":"eth","toCurrency":"{to_code}","toNetwork":"{to_network}",
            "fromAmount":{amount},"address":"{address}","refundAddress":"{REFUND_ADDRESS}","flow":"standard"}}"#
    );
    let response = reqwest::Client::new()
        .post(format!("{}/exchange", fake.base_url()))
        .header("x-changenow-api-key", API_KEY)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// `GET /exchange/by-id`, every field as its raw JSON text (numbers exactly as written).
async fn by_id(fake: &FakeChangeNow, id: &str) -> HashMap<String, Box<RawValue>> {
    let text = reqwest::Client::new()
        .get(format!("{}/exchange/by-id?id={id}", fake.base_url()))
        .header("x-changenow-api-key", API_KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn text(exchange: &HashMap<String, Box<RawValue>>, field: &str) -> String {
    exchange[field].get().trim_matches('"').to_owned()
}

fn number(exchange: &HashMap<String, Box<RawValue>>, field: &str) -> Option<Decimal> {
    let raw = exchange[field].get();
    (raw != "null").then(|| Decimal::from_str_exact(raw).unwrap())
}

/// Polls until exchange `id` reaches `status` (generous deadline); returns it then.
async fn wait_for(fake: &FakeChangeNow, id: &str, status: &str) -> HashMap<String, Box<RawValue>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let exchange = by_id(fake, id).await;
        if text(&exchange, "status") == status {
            return exchange;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "exchange {id} stuck at {}",
            text(&exchange, "status")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends `wei` from the payer with a plain `eth_sendTransaction`; returns the mined hash.
async fn send_ether(anvil: &Anvil, to: &str, wei: u128) -> String {
    let tx = json!({"from": PAYER, "to": to, "value": format!("0x{wei:x}")});
    let hash = anvil.rpc("eth_sendTransaction", json!([tx])).await.as_str().unwrap().to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while anvil.receipt(&hash).await.is_null() {
        assert!(tokio::time::Instant::now() < deadline, "deposit {hash} not mined");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    hash
}

fn wei_to_eth(wei: u128) -> Decimal {
    Decimal::from_i128_with_scale(i128::try_from(wei).unwrap(), 18).normalize()
}

#[tokio::test]
async fn an_ether_deposit_is_seen_with_its_amount_and_hash_and_the_exchange_finishes_on_what_arrived() {
    let (fake, anvil) = watched_fake(None).await;
    let paid = create(&fake, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;
    let unpaid = create(&fake, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;
    let (id, payin) = (paid["id"].as_str().unwrap(), paid["payinAddress"].as_str().unwrap());
    for account in [DEPLOYER, WALLET_ADDRESS, PAYER] {
        assert_ne!(payin.to_ascii_lowercase(), account, "a pay-in address is a dev account");
    }
    assert_ne!(payin, unpaid["payinAddress"].as_str().unwrap());

    // Less than asked, still above the pair minimum (0.01): ChangeNOW swaps what arrived.
    let wei = 12_345_678_900_000_001;
    let hash = send_ether(&anvil, payin, wei).await;
    let finished = wait_for(&fake, id, "finished").await;

    let sent = wei_to_eth(wei);
    assert_eq!(number(&finished, "amountFrom"), Some(sent));
    assert_eq!(number(&finished, "expectedAmountFrom"), Some(dec("0.05")));
    let payout = (sent * dec("10.5") - dec("0.0001")).round_dp_with_strategy(12, RoundingStrategy::ToZero);
    assert_eq!(number(&finished, "amountTo"), Some(payout.normalize()));
    assert_eq!(text(&finished, "payinHash"), hash);
    assert_eq!(fake.deposit_received(id), Some(sent));
    assert_eq!(fake.funded_exchanges(), [id]);
    let unpaid_id = unpaid["id"].as_str().unwrap();
    assert_eq!(
        (fake.deposit_received(unpaid_id), text(&by_id(&fake, unpaid_id).await, "status")),
        (None, "new".into())
    );
}

#[tokio::test]
async fn a_token_deposit_is_read_with_balance_of_and_found_by_its_transfer_event() {
    let anvil = spawn_anvil().await;
    let token = anvil.deploy_test_usdt().await;
    anvil.mint(&token, DEPLOYER, 100_000_000).await;
    let fake = FakeChangeNow::start(API_KEY).await;
    fake.watch_chain(anvil.url.parse().unwrap(), Some(token.clone()));
    let created = create(&fake, "usdt", ("usdt", "trx", TRX_ADDRESS), "30").await;
    let (id, payin) = (created["id"].as_str().unwrap(), created["payinAddress"].as_str().unwrap());
    assert_ne!(payin.to_ascii_lowercase(), token);

    let transfer = format!("0xa9059cbb{:0>64}{:064x}", payin.trim_start_matches("0x"), 25_500_000);
    let receipt = anvil.send_from(DEPLOYER, Some(&token), &transfer).await;
    let finished = wait_for(&fake, id, "finished").await;

    assert_eq!(number(&finished, "amountFrom"), Some(dec("25.5")));
    assert_eq!(number(&finished, "amountTo"), Some(dec("24.4745")), "25.5 × 0.999 − 1");
    assert_eq!(text(&finished, "payinHash"), receipt["transactionHash"].as_str().unwrap());
    assert_eq!(fake.funded_exchanges(), [id]);
}

#[tokio::test]
async fn a_deposit_below_the_pair_minimum_is_refunded_whole() {
    let (fake, anvil) = watched_fake(None).await;
    let created = create(&fake, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;
    let id = created["id"].as_str().unwrap();

    send_ether(&anvil, created["payinAddress"].as_str().unwrap(), 4 * ETHER / 1000).await;
    let refunded = wait_for(&fake, id, "refunded").await;

    assert_eq!(number(&refunded, "amountFrom"), Some(dec("0.004")));
    assert_eq!(number(&refunded, "refundAmount"), Some(dec("0.004")));
    assert_eq!(number(&refunded, "amountTo"), None);
    assert_eq!(fake.funded_exchanges(), [id]);
}

#[tokio::test]
async fn scripted_outcomes_fail_or_hold_an_exchange_once_its_deposit_is_seen() {
    let (fake, anvil) = watched_fake(None).await;
    fake.fail_next_after_deposit();
    fake.hold_next_at("verifying");
    let failing = create(&fake, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;
    let held = create(&fake, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;
    let ordinary = create(&fake, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;

    for exchange in [&failing, &held, &ordinary] {
        send_ether(&anvil, exchange["payinAddress"].as_str().unwrap(), 5 * ETHER / 100).await;
    }
    let failed = wait_for(&fake, failing["id"].as_str().unwrap(), "failed").await;
    let held_id = held["id"].as_str().unwrap();
    wait_for(&fake, held_id, "verifying").await;
    // Paid after the held one, it needs more ticks to finish: the hold stays through them.
    wait_for(&fake, ordinary["id"].as_str().unwrap(), "finished").await;

    assert_eq!(number(&failed, "amountFrom"), Some(dec("0.05")));
    assert_eq!(number(&failed, "amountTo"), None);
    assert_eq!(text(&by_id(&fake, held_id).await, "status"), "verifying");
    // The test takes over by hand.
    fake.set_status(held_id, "exchanging");
    fake.finish(held_id);
    assert_eq!(number(&by_id(&fake, held_id).await, "amountTo"), Some(dec("0.5249")));
    assert_eq!(fake.funded_exchanges().len(), 3);
}

#[tokio::test]
async fn fakes_sharing_one_chain_never_share_a_pay_in_address() {
    let (first, anvil) = watched_fake(None).await;
    let second = FakeChangeNow::start(API_KEY).await;
    second.watch_chain(anvil.url.parse().unwrap(), None);
    let a = create(&first, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;
    let b = create(&second, "eth", ("xmr", "xmr", XMR_ADDRESS), "0.05").await;
    assert_ne!(a["payinAddress"], b["payinAddress"]);

    send_ether(&anvil, b["payinAddress"].as_str().unwrap(), 2 * ETHER / 100).await;
    wait_for(&second, b["id"].as_str().unwrap(), "finished").await;
    assert_eq!(first.funded_exchanges(), Vec::<String>::new());
    assert_eq!(text(&by_id(&first, a["id"].as_str().unwrap()).await, "status"), "new");
}
