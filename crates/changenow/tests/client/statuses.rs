//! Exchange look-ups: the documented status walk, the final statuses, and an unknown status kept.

use paygate_domain::{
    money::Amount,
    swap::{ExchangeId, ExchangeStatus, SwapError, SwapProvider},
};
use rust_decimal_macros::dec;

use crate::common::*;

#[tokio::test]
async fn an_exchange_walks_every_status_and_amount_to_stays_null_until_finished() {
    let (fake, api) = fake_and_client().await;
    let created = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();
    let id = created.id.as_str();

    let mut seen = vec![api.exchange_by_id(&created.id).await.unwrap()];
    while !seen.last().unwrap().status.is_final() {
        fake.advance(id);
        seen.push(api.exchange_by_id(&created.id).await.unwrap());
    }

    let statuses: Vec<_> = seen.iter().map(|exchange| exchange.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            ExchangeStatus::New,
            ExchangeStatus::Waiting,
            ExchangeStatus::Confirming,
            ExchangeStatus::Exchanging,
            ExchangeStatus::Sending,
            ExchangeStatus::Finished,
        ]
    );
    let (before, finished) = seen.split_at(seen.len() - 1);
    assert!(before.iter().all(|exchange| exchange.amount_to.is_none() && exchange.payout_hash.is_none()));
    assert_eq!(seen[2].amount_from, Some(eth(dec!(0.05))), "the deposit is seen when confirming");
    assert!(seen[2].payin_hash.is_some());
    let finished = &finished[0];
    assert_eq!(finished.amount_to, Some(Amount::new(dec!(0.5249), xmr()).unwrap()));
    assert_eq!(finished.payout_hash.as_deref(), Some(format!("payout-{id}").as_str()));
    assert_eq!((finished.id.clone(), finished.pair), (created.id.clone(), eth_to_xmr()));
    assert_eq!(
        (finished.payin_address.as_str(), finished.payout_address.as_str()),
        (created.payin_address.as_str(), XMR_ADDRESS)
    );
    assert_eq!(finished.refund_address.as_deref(), Some(ETH_ADDRESS));
    assert!(finished.created_at.is_some() && finished.updated_at >= finished.created_at);
}

#[tokio::test]
async fn failed_verifying_and_expired_map_to_their_statuses_and_only_verifying_stays_open() {
    let (fake, api) = fake_and_client().await;
    let created = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();

    for (raw, expected, is_final) in [
        ("verifying", ExchangeStatus::Verifying, false),
        ("failed", ExchangeStatus::Failed, true),
        ("expired", ExchangeStatus::Expired, true),
    ] {
        fake.set_status(created.id.as_str(), raw);
        let exchange = api.exchange_by_id(&created.id).await.unwrap();
        assert_eq!(exchange.status, expected, "{raw}");
        assert_eq!(exchange.status.is_final(), is_final, "{raw}");
    }
}

#[tokio::test]
async fn a_refunded_exchange_carries_the_refund_hash_and_the_whole_deposit_in_the_from_asset() {
    let (fake, api) = fake_and_client().await;
    let created = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();
    fake.advance(created.id.as_str());
    fake.advance(created.id.as_str());

    fake.refund(created.id.as_str());
    let exchange = api.exchange_by_id(&created.id).await.unwrap();

    assert_eq!(exchange.status, ExchangeStatus::Refunded);
    assert!(exchange.status.is_final());
    assert_eq!(exchange.refund_amount, Some(eth(dec!(0.05))));
    assert!(exchange.refund_hash.is_some());
    assert_eq!(exchange.amount_to, None);
}

#[tokio::test]
async fn an_unknown_status_is_kept_as_received_and_the_exchange_stays_open() {
    let (fake, api) = fake_and_client().await;
    let created = api.create_exchange(&xmr_exchange(dec!(0.05))).await.unwrap();
    fake.set_status(created.id.as_str(), "hold_for_review");

    let exchange = api.exchange_by_id(&created.id).await.unwrap();

    assert_eq!(exchange.status, ExchangeStatus::Unknown("hold_for_review".into()));
    assert!(!exchange.status.is_final());
}

#[tokio::test]
async fn an_unknown_exchange_is_not_found_and_fatal() {
    let (fake, api) = fake_and_client().await;

    let error = api.exchange_by_id(&ExchangeId::parse("ffffffffffffff").unwrap()).await.unwrap_err();

    assert_eq!(error, SwapError::NotFound);
    assert!(!error.is_retryable());
    assert_eq!(fake.requests(), ["GET /v2/exchange/by-id?id=ffffffffffffff"]);
}
