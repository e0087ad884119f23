//! Money rules of a confirmed payment: amount tolerance and fee split (renewals extend in SQL).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::{
    money::{Amount, Asset, FeeSplit, MoneyError, split_fee},
    payment_gateway::PaymentUpdate,
};

/// Default share of the price a payment may fall short by and still count as paid.
pub const DEFAULT_TOLERANCE_PERCENT: Decimal = Decimal::from_parts(2, 0, 0, false, 0);

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

/// Why a `finished` payment has no exact settled amount to split: it is held, never a zero share.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettlementProblem {
    #[error("no settled amount (outcome_amount) was reported")]
    MissingAmount,
    #[error("settled in {0:?}, an asset Paygate does not settle in")]
    UnknownCurrency(String),
    #[error("the settled amount {0} does not fit its asset: {1}")]
    BadAmount(Decimal, MoneyError),
}

/// What the provider settled (`outcome_amount` in `outcome_currency`, which falls back to
/// `pay_currency`), split into the platform fee and the owner's share at the asset's decimals.
pub fn settle(update: &PaymentUpdate, fee_percent: Decimal) -> Result<FeeSplit, SettlementProblem> {
    let value = update.outcome_amount.ok_or(SettlementProblem::MissingAmount)?;
    let currency = update.outcome_currency.as_deref().or(update.pay_currency.as_deref()).unwrap_or_default();
    let asset =
        Asset::settlement(currency).map_err(|_| SettlementProblem::UnknownCurrency(currency.to_owned()))?;
    let settled = Amount::new(value, asset).map_err(|error| SettlementProblem::BadAmount(value, error))?;
    split_fee(settled, fee_percent).map_err(|error| SettlementProblem::BadAmount(value, error))
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

    fn eth_split(settled: Decimal, percent: Decimal) -> (Decimal, Decimal) {
        let split = split_fee(Amount::new(settled, Asset::ETH).unwrap(), percent).unwrap();
        (split.fee.value(), split.owner_share.value())
    }

    #[test]
    fn the_fee_split_is_exact_and_rounds_in_the_owners_favour() {
        assert_eq!(eth_split(dec!(1.000000000000000000), dec!(3)), (dec!(0.03), dec!(0.97)));
        let (fee, share) = eth_split(dec!(0.000000000000000033), dec!(3));
        assert_eq!(fee, dec!(0.000000000000000000));
        assert_eq!(fee + share, dec!(0.000000000000000033));
        let (fee, share) = eth_split(dec!(123.456789), dec!(2.5));
        assert_eq!(fee + share, dec!(123.456789));
        assert_eq!(fee, dec!(3.086419725));
    }

    #[test]
    fn settlement_without_an_amount_or_in_an_unknown_asset_is_a_problem_never_a_zero_share() {
        let mut report = update(None, Some(dec!(1)), Some(dec!(1)));
        report.outcome_amount = None;
        assert_eq!(settle(&report, dec!(3)), Err(SettlementProblem::MissingAmount));
        let mut report = update(None, Some(dec!(1)), Some(dec!(1)));
        report.outcome_currency = Some("usdttrc20".into());
        assert_eq!(settle(&report, dec!(3)), Err(SettlementProblem::UnknownCurrency("usdttrc20".into())));
        report.outcome_currency = None;
        report.pay_currency = None;
        assert!(matches!(settle(&report, dec!(3)), Err(SettlementProblem::UnknownCurrency(_))));
        let mut report = update(None, Some(dec!(1)), Some(dec!(1)));
        report.outcome_currency = Some("usdterc20".into());
        report.outcome_amount = Some(dec!(4.8500001));
        assert!(matches!(settle(&report, dec!(3)), Err(SettlementProblem::BadAmount(..))));
    }

    #[test]
    fn a_usdt_settlement_is_split_at_six_decimals() {
        let mut report = update(None, Some(dec!(1)), Some(dec!(1)));
        report.outcome_currency = Some("usdterc20".into());
        report.outcome_amount = Some(dec!(4.850001));
        let split = settle(&report, dec!(3)).unwrap();
        assert_eq!(split.fee.asset(), Asset::USDT_ERC20);
        assert_eq!((split.fee.value(), split.owner_share.value()), (dec!(0.1455), dec!(4.704501)));
        report.outcome_currency = None;
        report.pay_currency = Some("eth".into());
        assert_eq!(settle(&report, dec!(3)).unwrap().owner_share.asset(), Asset::ETH);
    }
}
