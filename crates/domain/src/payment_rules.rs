//! Money rules of a confirmed payment: amount tolerance, fee split, and subscription extension.

use chrono::{DateTime, Duration, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::payment_gateway::PaymentUpdate;

/// Default share of the price a payment may fall short by and still count as paid.
pub const DEFAULT_TOLERANCE_PERCENT: Decimal = Decimal::from_parts(2, 0, 0, false, 0);

/// Crypto amounts keep at most 18 decimals (wei precision); the fee is rounded down to it.
const CRYPTO_SCALE: u32 = 18;

/// Whether a `finished` payment covers its invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountVerdict {
    /// Paid in full (within tolerance); `paid_usd` when the provider reported it.
    Accepted { paid_usd: Option<Decimal> },
    /// Short by more than the tolerance: no access.
    Underpaid { paid_usd: Decimal, shortfall_usd: Decimal },
}

/// Compares what was paid with the invoice price. The provider's USD value of the payment decides
/// when present; otherwise the paid share of the requested crypto amount does.
pub fn check_amount(price_usd: Decimal, update: &PaymentUpdate, tolerance_percent: Decimal) -> AmountVerdict {
    let keep = Decimal::ONE - tolerance_percent / Decimal::ONE_HUNDRED;
    let paid_usd = match (update.actually_paid_at_fiat, update.actually_paid, update.pay_amount) {
        (Some(fiat), _, _) => Some(fiat),
        (None, Some(paid), Some(asked)) if asked > Decimal::ZERO => Some(price_usd * paid / asked),
        _ => None,
    };
    match paid_usd {
        Some(paid) if paid < price_usd * keep => {
            let paid = paid.round_dp_with_strategy(2, RoundingStrategy::ToZero);
            AmountVerdict::Underpaid { paid_usd: paid, shortfall_usd: price_usd - paid }
        }
        paid => AmountVerdict::Accepted {
            paid_usd: paid.map(|p| p.round_dp_with_strategy(2, RoundingStrategy::ToZero)),
        },
    }
}

/// Splits what the provider settled into the platform fee and the owner's share. The fee is rounded
/// down, so `fee + share == settled` exactly and the owner never loses a fraction to rounding.
pub fn split_fee(settled: Decimal, fee_percent: Decimal) -> (Decimal, Decimal) {
    let fee = (settled * fee_percent / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(CRYPTO_SCALE, RoundingStrategy::ToZero);
    (fee, settled - fee)
}

/// New expiry of a subscription bought or renewed at `now` for `days`: a renewal extends from the
/// current expiry when that is still in the future, so no paid day is lost.
pub fn extend_expiry(current: Option<DateTime<Utc>>, now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let start = current.filter(|at| *at > now).unwrap_or(now);
    start + Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::payment_gateway::PaymentStatus;

    fn update(fiat: Option<Decimal>, paid: Option<Decimal>, asked: Option<Decimal>) -> PaymentUpdate {
        PaymentUpdate {
            provider_payment_id: "1".into(),
            provider_invoice_id: None,
            order_id: None,
            status: PaymentStatus::Finished,
            price_amount: dec!(5),
            price_currency: "usd".into(),
            pay_amount: asked,
            actually_paid: paid,
            actually_paid_at_fiat: fiat,
            pay_currency: Some("eth".into()),
            outcome_amount: Some(dec!(0.001)),
            outcome_currency: Some("eth".into()),
            raw: serde_json::Value::Null,
        }
    }

    #[test]
    fn payments_within_the_tolerance_are_accepted_and_below_it_underpaid() {
        let tol = DEFAULT_TOLERANCE_PERCENT;
        assert_eq!(
            check_amount(dec!(10.00), &update(Some(dec!(9.80)), None, None), tol),
            AmountVerdict::Accepted { paid_usd: Some(dec!(9.80)) }
        );
        assert_eq!(
            check_amount(dec!(10.00), &update(Some(dec!(9.79)), None, None), tol),
            AmountVerdict::Underpaid { paid_usd: dec!(9.79), shortfall_usd: dec!(0.21) }
        );
        // Without a fiat value the crypto ratio decides: half of what was asked is underpaid.
        assert!(matches!(
            check_amount(dec!(10.00), &update(None, Some(dec!(0.5)), Some(dec!(1.0))), tol),
            AmountVerdict::Underpaid { .. }
        ));
        assert!(matches!(
            check_amount(dec!(10.00), &update(None, None, None), tol),
            AmountVerdict::Accepted { .. }
        ));
    }

    #[test]
    fn the_fee_split_is_exact_and_rounds_in_the_owners_favour() {
        assert_eq!(split_fee(dec!(1.000000000000000000), dec!(3)), (dec!(0.03), dec!(0.97)));
        let (fee, share) = split_fee(dec!(0.000000000000000033), dec!(3));
        assert_eq!(fee, dec!(0.000000000000000000));
        assert_eq!(fee + share, dec!(0.000000000000000033));
        let (fee, share) = split_fee(dec!(123.456789), dec!(2.5));
        assert_eq!(fee + share, dec!(123.456789));
        assert_eq!(fee, dec!(3.086419725));
    }

    #[test]
    fn renewals_extend_from_the_current_expiry_and_lapsed_ones_from_now() {
        let now = Utc::now();
        let ahead = now + Duration::days(10);
        assert_eq!(extend_expiry(Some(ahead), now, 30), ahead + Duration::days(30));
        assert_eq!(extend_expiry(Some(now - Duration::days(3)), now, 30), now + Duration::days(30));
        assert_eq!(extend_expiry(None, now, 36_500), now + Duration::days(36_500));
    }
}
