//! Tests of the USD amount types: what they accept, how they normalise, what they reject.

use super::*;
use rust_decimal_macros::dec;

const NO_PROVIDER_MIN: Decimal = Decimal::ZERO;

fn price(raw: &str) -> Result<String, UsdAmountError> {
    UsdPrice::parse(raw, NO_PROVIDER_MIN).map(|p| p.to_string())
}

#[test]
fn prices_are_normalised_to_two_decimals() {
    assert_eq!(price("5"), Ok("5.00".to_owned()));
    assert_eq!(price("5.5"), Ok("5.50".to_owned()));
    assert_eq!(price(" 005.00 "), Ok("5.00".to_owned()));
    assert_eq!(price("1.230"), Ok("1.23".to_owned()));
    assert_eq!(price("0.01"), Ok("0.01".to_owned()));
    assert_eq!(price("9999.99"), Ok("9999.99".to_owned()));
    assert_eq!(UsdPrice::parse("5", NO_PROVIDER_MIN).map(|p| p.get().scale()), Ok(2));
}

#[test]
fn prices_outside_one_cent_to_9999_99_are_rejected() {
    let range = UsdAmountError::OutOfRange { min: dec!(0.01), max: dec!(9999.99) };
    for raw in ["0.00", "0", "10000.00", "10000", "99999999999999999999999999999999999"] {
        assert_eq!(price(raw), Err(range.clone()), "{raw}");
    }
}

#[test]
fn prices_with_more_than_two_decimals_are_rejected() {
    for raw in ["0.999", "1.001", "5.0001", "0.001"] {
        assert_eq!(price(raw), Err(UsdAmountError::TooManyDecimals), "{raw}");
    }
}

#[test]
fn prices_that_are_not_plain_decimal_strings_are_rejected() {
    for raw in ["-5", "+5", "1e3", "1E3", "abc", "5.", ".5", "1,000.00", "5 .00", "5.0.0", "0x10", "NaN", "٥"]
    {
        assert_eq!(price(raw), Err(UsdAmountError::NotDecimal), "{raw}");
    }
    assert_eq!(price(""), Err(UsdAmountError::Required));
    assert_eq!(price("  "), Err(UsdAmountError::Required));
}

#[test]
fn the_provider_minimum_raises_the_lowest_price() {
    assert_eq!(
        UsdPrice::parse("0.99", dec!(1)),
        Err(UsdAmountError::OutOfRange { min: dec!(1.00), max: dec!(9999.99) })
    );
    assert_eq!(UsdPrice::parse("1.00", dec!(1)).map(UsdPrice::get), Ok(dec!(1.00)));
    assert_eq!(UsdPrice::parse("1.00", dec!(1)).map(|p| p.to_string()), Ok("1.00".to_owned()));
    // A provider minimum below one cent does not lower the platform's minimum.
    assert!(UsdPrice::parse("0.00", dec!(-1)).is_err());
}

#[test]
fn the_out_of_range_message_names_both_bounds() {
    let message = UsdPrice::parse("0.50", dec!(1)).map_err(|e| e.to_string());
    assert_eq!(message, Err("must be between 1.00 and 9999.99".to_owned()));
}

#[test]
fn numeric_prices_are_checked_the_same_way() {
    assert_eq!(
        UsdPrice::from_decimal(dec!(5), NO_PROVIDER_MIN).map(|p| p.to_string()),
        Ok("5.00".to_owned())
    );
    assert_eq!(UsdPrice::from_decimal(dec!(5.000), NO_PROVIDER_MIN).map(UsdPrice::get), Ok(dec!(5.00)));
    assert_eq!(UsdPrice::from_decimal(dec!(0.999), NO_PROVIDER_MIN), Err(UsdAmountError::TooManyDecimals));
    assert!(UsdPrice::from_decimal(dec!(-5), NO_PROVIDER_MIN).is_err());
}

#[test]
fn thresholds_from_50_to_100000_are_accepted() {
    for raw in ["50", "50.00", "100.5", "100000", "100000.00"] {
        assert!(ThresholdUsd::parse(raw).is_ok(), "{raw}");
    }
    assert_eq!(ThresholdUsd::parse("100").map(|t| t.to_string()), Ok("100.00".to_owned()));
}

#[test]
fn thresholds_of_49_99_or_100000_01_or_three_decimals_are_rejected() {
    let range = UsdAmountError::OutOfRange { min: dec!(50.00), max: dec!(100000.00) };
    assert_eq!(ThresholdUsd::parse("49.99"), Err(range.clone()));
    assert_eq!(ThresholdUsd::parse("100000.01"), Err(range));
    assert_eq!(ThresholdUsd::parse("50.001"), Err(UsdAmountError::TooManyDecimals));
    assert_eq!(ThresholdUsd::parse("-50"), Err(UsdAmountError::NotDecimal));
    assert!(ThresholdUsd::from_decimal(dec!(49.99)).is_err());
}

#[test]
fn donations_from_one_dollar_to_9999_99_are_accepted_and_others_rejected() {
    assert_eq!(DonationAmount::parse("1").map(|d| d.to_string()), Ok("1.00".to_owned()));
    assert!(DonationAmount::parse("9999.99").is_ok());
    assert!(DonationAmount::from_decimal(dec!(25)).is_ok());
    for raw in ["0.99", "10000", "0"] {
        assert!(matches!(DonationAmount::parse(raw), Err(UsdAmountError::OutOfRange { .. })), "{raw}");
    }
    assert_eq!(DonationAmount::parse("1.005"), Err(UsdAmountError::TooManyDecimals));
}
