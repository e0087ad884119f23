//! Finding exchanges by payout address and creation time: the way back after a create timed out.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use paygate_domain::{
    money::Asset,
    swap::{ExchangeQuery, ExchangeStatus, NewExchange, SwapPair, SwapProvider},
    wallet::Network,
};
use paygate_test_support::fake_changenow::FakeChangeNow;
use rust_decimal_macros::dec;

use crate::common::*;

fn query(pair: SwapPair, network: Network, payout: &str, window: (TimeDelta, TimeDelta)) -> ExchangeQuery {
    let now = Utc::now();
    ExchangeQuery {
        pair,
        payout_address: address(network, payout),
        created_after: now - window.0,
        created_before: now + window.1,
    }
}

#[tokio::test]
async fn a_create_that_timed_out_is_found_by_payout_address_and_time_window() {
    let fake = FakeChangeNow::start(API_KEY).await;
    let api = client(fake.base_url(), API_KEY);
    let asked_at = Utc::now();
    fake.stall_next_create();
    let timed_out = impatient_client(fake.base_url(), Duration::from_millis(300))
        .create_exchange(&xmr_exchange(dec!(0.05)))
        .await
        .unwrap_err();
    assert!(timed_out.outcome_unknown(), "{timed_out:?}");

    let window = (TimeDelta::minutes(10), TimeDelta::minutes(1));
    let found = api.find_exchanges(&query(eth_to_xmr(), Network::Xmr, XMR_ADDRESS, window)).await.unwrap();

    assert_eq!(found.len(), 1, "{found:?}");
    let exchange = &found[0];
    assert_eq!(exchange.id.as_str(), fake.exchanges()[0]["id"].as_str().unwrap());
    assert_eq!((exchange.status.clone(), exchange.pair), (ExchangeStatus::New, eth_to_xmr()));
    assert_eq!(exchange.expected_from, Some(eth(dec!(0.05))));
    assert_eq!(exchange.payout_address, XMR_ADDRESS);
    assert!(!exchange.payin_address.is_empty());
    assert!(exchange.created_at.is_some_and(|created| created >= asked_at - TimeDelta::seconds(5)));
    let asked = fake.requests().pop().unwrap();
    assert!(asked.starts_with("GET /v2/exchanges?payoutAddress=44AFFq5k"), "{asked}");
    assert!(asked.contains("dateFrom=") && asked.contains("dateTo=") && asked.contains("limit="), "{asked}");
}

#[tokio::test]
async fn exchanges_outside_the_window_or_to_other_addresses_or_pairs_are_not_found() {
    let (fake, api) = fake_and_client().await;
    api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();
    let usdt = NewExchange::new(
        eth(dec!(0.05)),
        usdt_trx(),
        address(Network::Trx, TRX_ADDRESS),
        None,
        address(Network::Eth, ETH_ADDRESS),
        None,
    )
    .unwrap();
    api.create_exchange(&usdt).await.unwrap();
    assert_eq!(fake.exchanges().len(), 2);

    let earlier = (TimeDelta::hours(2), -TimeDelta::hours(1));
    let recent = (TimeDelta::minutes(10), TimeDelta::minutes(1));
    let eth_to_usdt = SwapPair::new(Asset::ETH, usdt_trx()).unwrap();
    let usdt_to_xmr = SwapPair::new(Asset::USDT_ERC20, xmr()).unwrap();

    assert!(
        api.find_exchanges(&query(eth_to_xmr(), Network::Xmr, XMR_ADDRESS, earlier))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        api.find_exchanges(&query(usdt_to_xmr, Network::Xmr, XMR_ADDRESS, recent)).await.unwrap().is_empty()
    );
    let to_trx = api.find_exchanges(&query(eth_to_usdt, Network::Trx, TRX_ADDRESS, recent)).await.unwrap();
    assert_eq!(to_trx.len(), 1);
    assert_eq!(to_trx[0].pair, eth_to_usdt);
}

#[tokio::test]
async fn a_refunded_exchange_found_by_the_list_carries_its_refund_hash_and_by_id_its_amount() {
    let (fake, api) = fake_and_client().await;
    let created = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();
    fake.advance(created.id.as_str());
    fake.advance(created.id.as_str());
    fake.refund(created.id.as_str());

    let window = (TimeDelta::minutes(10), TimeDelta::minutes(1));
    let found = api.find_exchanges(&query(eth_to_xmr(), Network::Xmr, XMR_ADDRESS, window)).await.unwrap();

    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status, ExchangeStatus::Refunded);
    assert_eq!(found[0].amount_from, Some(eth(dec!(0.05))));
    assert!(found[0].refund_hash.is_some() && found[0].payin_hash.is_some());
    // The documented list item has no refund amount; the by-id look-up has it.
    assert_eq!(found[0].refund_amount, None);
    assert_eq!(api.exchange_by_id(&created.id).await.unwrap().refund_amount, Some(eth(dec!(0.05))));
}

#[tokio::test]
async fn more_exchanges_than_fit_one_page_are_read_page_by_page() {
    let (fake, api) = fake_and_client().await;
    for _ in 0..55 {
        api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();
    }

    let window = (TimeDelta::minutes(10), TimeDelta::minutes(1));
    let found = api.find_exchanges(&query(eth_to_xmr(), Network::Xmr, XMR_ADDRESS, window)).await.unwrap();

    assert_eq!(found.len(), 55);
    let mut ids: Vec<_> = found.iter().map(|exchange| exchange.id.clone()).collect();
    ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    ids.dedup();
    assert_eq!(ids.len(), 55, "no exchange twice");
    let pages: Vec<_> =
        fake.requests().into_iter().filter(|request| request.starts_with("GET /v2/exchanges")).collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(!pages[0].contains("offset=") && pages[1].contains("offset=50"), "{pages:?}");
}
