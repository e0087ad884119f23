//! Dividing what a grouped conversion received among its entries, exactly, in proportion to their sources.

use rust_decimal::{Decimal, RoundingStrategy};

/// Splits `received` (already at `decimals`) among `parts` in proportion to their sizes: each part is
/// rounded down to `decimals`, and the last takes the remainder, so the results add up to `received`
/// exactly and none is negative. `None` when there is nothing to split by (no parts, or all zero).
pub fn split_proportionally(received: Decimal, parts: &[Decimal], decimals: u32) -> Option<Vec<Decimal>> {
    let total: Decimal = parts.iter().copied().sum();
    let (_, rest) = parts.split_last()?;
    if total <= Decimal::ZERO || received < Decimal::ZERO || parts.iter().any(|part| *part < Decimal::ZERO) {
        return None;
    }
    let mut shares = Vec::with_capacity(parts.len());
    let mut given = Decimal::ZERO;
    for part in rest {
        let exact = received.checked_mul(*part)?.checked_div(total)?;
        let share = exact.round_dp_with_strategy(decimals, RoundingStrategy::ToZero);
        given += share;
        shares.push(share);
    }
    shares.push(received - given);
    Some(shares)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn the_remainder_goes_to_the_last_entry() {
        let shares = split_proportionally(dec!(100.000001), &[dec!(1), dec!(1), dec!(1)], 6).unwrap();
        assert_eq!(shares, [dec!(33.333333), dec!(33.333333), dec!(33.333335)]);
        assert_eq!(split_proportionally(dec!(5), &[], 6), None);
        assert_eq!(split_proportionally(dec!(5), &[dec!(0)], 6), None);
        assert_eq!(split_proportionally(dec!(5), &[dec!(0.2)], 6), Some(vec![dec!(5)]));
    }

    proptest! {
        #[test]
        fn parts_sum_to_what_was_received_and_none_is_negative(
            received in 0u64..10_000_000_000_000,
            parts in proptest::collection::vec(1u64..1_000_000_000_000_000_000, 1..40),
        ) {
            let received = Decimal::new(received as i64, 6);
            let parts: Vec<Decimal> = parts.into_iter().map(|p| Decimal::new(p as i64, 18)).collect();
            let shares = split_proportionally(received, &parts, 6).unwrap();
            prop_assert_eq!(shares.len(), parts.len());
            prop_assert_eq!(shares.iter().copied().sum::<Decimal>(), received);
            for share in &shares {
                prop_assert!(*share >= Decimal::ZERO);
                prop_assert!(share.scale() <= 6 || share.normalize().scale() <= 6);
            }
        }
    }
}
