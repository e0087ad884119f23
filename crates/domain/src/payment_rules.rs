//! Money rules of a confirmed payment: amount tolerance and fee split (renewals extend in SQL).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::payment_gateway::PaymentUpdate;

/// Default share of the price a payment may fall short by and still count as paid.
pub const DEFAULT_TOLERANCE_PERCENT: Decimal = Decimal::from_parts(2, 0, 0, false, 0);

/// Crypto amounts keep at most 18 decimals (wei precision); the fee is rounded down to it.
const CRYPTO_SCALE: u32 = 18;

/// Whether a `finished` payment covers its invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountVerdict {
    /// Paid in full (within tolerance); `paid_usd` is the USD value of what arrived.
    Accepted { paid_usd: Decimal },
    /// Short by more than the tolerance: no access.
    Underpaid { paid_usd: Decimal, shortfall_usd: Decimal },
    /// Nothing usable was reported (no paid crypto amount against the asked one, and no fiat value):
    /// no access until an operator has looked.
    Unknown,
}

/// Compares what was paid with the invoice price.
///
/// The paid share of the requested crypto amount (`actually_paid / pay_amount`, same currency)
/// decides; only without it does the provider's USD value (`actually_paid_at_fiat`) count. Zero
/// means "not reported" for both: real `finished` notifications carry `actually_paid_at_fiat: 0`.
pub fn check_amount(price_usd: Decimal, update: &PaymentUpdate, tolerance_percent: Decimal) -> AmountVerdict {
    let positive = |amount: &Decimal| *amount > Decimal::ZERO;
    let by_crypto = match (update.actually_paid.filter(positive), update.pay_amount.filter(positive)) {
        (Some(paid), Some(asked)) => price_usd.checked_mul(paid).and_then(|value| value.checked_div(asked)),
        _ => None,
    };
    let by_fiat = update.actually_paid_at_fiat.filter(positive);
    let Some(paid) = by_crypto.or(by_fiat) else {
        return AmountVerdict::Unknown;
    };
    let paid = paid.round_dp_with_strategy(2, RoundingStrategy::ToZero);
    let keep = Decimal::ONE - tolerance_percent / Decimal::ONE_HUNDRED;
    if paid < price_usd * keep {
        AmountVerdict::Underpaid { paid_usd: paid, shortfall_usd: price_usd - paid }
    } else {
        AmountVerdict::Accepted { paid_usd: paid }
    }
}

/// Splits what the provider settled into the platform fee and the owner's share. The fee is rounded
/// down, so `fee + share == settled` exactly and the owner never loses a fraction to rounding.
pub fn split_fee(settled: Decimal, fee_percent: Decimal) -> (Decimal, Decimal) {
    let fee = (settled * fee_percent / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(CRYPTO_SCALE, RoundingStrategy::ToZero);
    (fee, settled - fee)
}

#[cfg(test)]
pub(crate) mod tests {
    use rust_decimal_macros::dec;

    use super::*;
    use crate::payment_gateway::PaymentStatus;

    pub(crate) fn update(
        fiat: Option<Decimal>,
        paid: Option<Decimal>,
        asked: Option<Decimal>,
    ) -> PaymentUpdate {
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
            parent_payment_id: None,
            raw: String::new(),
        }
    }

    #[test]
    fn payments_within_the_tolerance_are_accepted_and_below_it_underpaid() {
        let tol = DEFAULT_TOLERANCE_PERCENT;
        assert_eq!(
            check_amount(dec!(10.00), &update(Some(dec!(9.80)), None, None), tol),
            AmountVerdict::Accepted { paid_usd: dec!(9.80) }
        );
        assert_eq!(
            check_amount(dec!(10.00), &update(Some(dec!(9.79)), None, None), tol),
            AmountVerdict::Underpaid { paid_usd: dec!(9.79), shortfall_usd: dec!(0.21) }
        );
        // Half of the crypto amount asked is underpaid.
        assert_eq!(
            check_amount(dec!(10.00), &update(None, Some(dec!(0.5)), Some(dec!(1.0))), tol),
            AmountVerdict::Underpaid { paid_usd: dec!(5.00), shortfall_usd: dec!(5.00) }
        );
    }

    #[test]
    fn a_real_finished_payment_with_fiat_zero_is_judged_by_the_crypto_amounts() {
        let tol = DEFAULT_TOLERANCE_PERCENT;
        let paid_in_full = update(Some(dec!(0)), Some(dec!(0.0017)), Some(dec!(0.0017)));
        assert_eq!(check_amount(dec!(5), &paid_in_full, tol), AmountVerdict::Accepted { paid_usd: dec!(5) });
        let overpaid = update(Some(dec!(0)), Some(dec!(0.002)), Some(dec!(0.0017)));
        assert!(matches!(check_amount(dec!(5), &overpaid, tol), AmountVerdict::Accepted { .. }));
        let short = update(Some(dec!(0)), Some(dec!(0.00068)), Some(dec!(0.0017)));
        assert_eq!(
            check_amount(dec!(5), &short, tol),
            AmountVerdict::Underpaid { paid_usd: dec!(2.00), shortfall_usd: dec!(3.00) }
        );
    }

    #[test]
    fn the_crypto_ratio_outweighs_a_reported_fiat_value() {
        let tol = DEFAULT_TOLERANCE_PERCENT;
        let rate_moved = update(Some(dec!(4.10)), Some(dec!(0.0017)), Some(dec!(0.0017)));
        assert!(matches!(check_amount(dec!(5), &rate_moved, tol), AmountVerdict::Accepted { .. }));
    }

    #[test]
    fn without_any_usable_amount_the_payment_is_unknown_not_accepted() {
        let tol = DEFAULT_TOLERANCE_PERCENT;
        for (fiat, paid, asked) in [
            (None, None, None),
            (Some(dec!(0)), None, None),
            (Some(dec!(0)), Some(dec!(0)), Some(dec!(0.0017))),
            (Some(dec!(0)), Some(dec!(0.0017)), Some(dec!(0))),
            (None, Some(dec!(0.0017)), None),
            (Some(dec!(-1)), Some(dec!(-1)), Some(dec!(1))),
        ] {
            assert_eq!(
                check_amount(dec!(5), &update(fiat, paid, asked), tol),
                AmountVerdict::Unknown,
                "{fiat:?} {paid:?} {asked:?}"
            );
        }
    }

    #[test]
    fn amounts_too_large_to_compute_are_unknown_instead_of_panicking() {
        let huge = update(None, Some(Decimal::MAX), Some(dec!(0.0000000000000000000000000001)));
        assert_eq!(check_amount(dec!(5), &huge, DEFAULT_TOLERANCE_PERCENT), AmountVerdict::Unknown);
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
}
