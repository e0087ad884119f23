//! Unit tests of the status walk, on rows built in memory.

use rust_decimal::Decimal;

use super::*;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn created() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z").unwrap().with_timezone(&Utc)
}

/// An ETH → XMR exchange of 0.01 ETH created at 10:00, awaiting its deposit until 10:20.
fn row() -> ExchangeRow {
    ExchangeRow {
        id: "sbx0123".into(),
        from_code: "eth".into(),
        from_network: "eth".into(),
        to_code: "xmr".into(),
        to_network: "xmr".into(),
        fixed_rate: true,
        expected_from: dec("0.01"),
        rate: dec("20"),
        expected_to: dec("0.1985"),
        min_from: dec("0.005"),
        payin_address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into(),
        payout_address: "xmr-address".into(),
        payout_extra_id: None,
        refund_address: "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359".into(),
        fail_after_deposit: false,
        created_at: created(),
        valid_until: created() + TimeDelta::minutes(20),
        deposit_hash: None,
        deposit_amount: None,
        deposit_at: None,
        db_now: created() + TimeDelta::seconds(1),
    }
}

fn deposited(mut row: ExchangeRow, amount: &str, seconds_ago: i64) -> ExchangeRow {
    row.deposit_hash = Some(format!("0x{}", "1".repeat(64)));
    row.deposit_amount = Some(dec(amount));
    row.deposit_at = Some(row.db_now - TimeDelta::seconds(seconds_ago));
    row
}

const STEP: Duration = Duration::from_secs(10);

#[test]
fn without_a_deposit_the_exchange_waits_then_expires() {
    let waiting = exchange_of(&row(), STEP).unwrap();
    assert_eq!(waiting.status, ExchangeStatus::Waiting);
    assert_eq!(waiting.amount_from, None);
    assert_eq!(waiting.valid_until, Some(row().valid_until));
    let mut late = row();
    late.db_now = late.valid_until;
    assert_eq!(exchange_of(&late, STEP).unwrap().status, ExchangeStatus::Expired);
}

#[test]
fn a_deposit_walks_one_status_per_step_to_finished() {
    let statuses: Vec<_> = [0, 9, 10, 25, 30, 3600]
        .into_iter()
        .map(|ago| exchange_of(&deposited(row(), "0.01", ago), STEP).unwrap().status)
        .collect();
    use ExchangeStatus::*;
    assert_eq!(statuses, [Confirming, Confirming, Exchanging, Sending, Finished, Finished]);
}

#[test]
fn a_finished_exchange_pays_the_deposit_at_the_stored_rate_after_fees() {
    let finished = exchange_of(&deposited(row(), "0.02", 30), STEP).unwrap();
    assert_eq!(finished.amount_from.map(Amount::value), Some(dec("0.02")));
    // 0.02 × 20 × 0.995 − 0.0005
    assert_eq!(finished.amount_to.map(Amount::value), Some(dec("0.3975")));
    assert!(finished.payout_hash.as_deref().is_some_and(|hash| hash.len() == 64));
    assert_eq!(finished.payin_hash, Some(format!("0x{}", "1".repeat(64))));
    let sending = exchange_of(&deposited(row(), "0.02", 29), STEP).unwrap();
    assert_eq!(sending.amount_to, None);
    assert_eq!(sending.payout_hash, None);
}

#[test]
fn a_deposit_below_the_minimum_is_refunded_in_full() {
    let refunded = exchange_of(&deposited(row(), "0.004", 10), STEP).unwrap();
    assert_eq!(refunded.status, ExchangeStatus::Refunded);
    assert_eq!(refunded.refund_amount.map(Amount::value), Some(dec("0.004")));
    assert!(refunded.refund_hash.as_deref().is_some_and(|hash| hash.starts_with("0x")));
    assert_eq!(refunded.amount_to, None);
}

#[test]
fn a_faulted_exchange_fails_one_step_after_its_deposit() {
    let mut faulted = row();
    faulted.fail_after_deposit = true;
    assert_eq!(
        exchange_of(&deposited(faulted.clone(), "0.01", 5), STEP).unwrap().status,
        ExchangeStatus::Confirming
    );
    assert_eq!(exchange_of(&deposited(faulted, "0.01", 3600), STEP).unwrap().status, ExchangeStatus::Failed);
}

#[test]
fn a_zero_step_finishes_as_soon_as_the_deposit_is_seen() {
    let finished = exchange_of(&deposited(row(), "0.01", 0), Duration::ZERO).unwrap();
    assert_eq!(finished.status, ExchangeStatus::Finished);
    assert_eq!(finished.updated_at, Some(row().db_now));
}
