//! USD amounts from decimal strings: `UsdPrice`, `ThresholdUsd`, `DonationAmount` (2 decimals).

use std::fmt;

use rust_decimal::Decimal;

use crate::limits::{
    DONATION_MAX_USD, DONATION_MIN_USD, PRICE_MAX_USD, PRICE_MIN_USD, THRESHOLD_MAX_USD, THRESHOLD_MIN_USD,
    USD_DECIMALS,
};

/// Integer digits beyond which an amount is certainly out of range (and would not fit a `Decimal`).
const MAX_INTEGER_DIGITS: usize = 15;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsdAmountError {
    #[error("is required")]
    Required,
    #[error("must be a decimal amount such as \"5.00\"")]
    NotDecimal,
    #[error("must have at most {USD_DECIMALS} decimal places")]
    TooManyDecimals,
    #[error("must be between {min} and {max}")]
    OutOfRange { min: Decimal, max: Decimal },
}

/// Parses `digits[.digits]` (no sign, exponent or separators) and checks the range.
fn parse_in_range(raw: &str, min: Decimal, max: Decimal) -> Result<Decimal, UsdAmountError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(UsdAmountError::Required);
    }
    let (integer, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if integer.is_empty() || !all_digits(integer) || !all_digits(fraction) || raw.ends_with('.') {
        return Err(UsdAmountError::NotDecimal);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > USD_DECIMALS as usize {
        return Err(UsdAmountError::TooManyDecimals);
    }
    let integer = integer.trim_start_matches('0');
    if integer.len() > MAX_INTEGER_DIGITS {
        return Err(out_of_range(min, max));
    }
    let exact = format!("{}.{}", if integer.is_empty() { "0" } else { integer }, fraction);
    let value = exact.trim_end_matches('.').parse::<Decimal>().map_err(|_| UsdAmountError::NotDecimal)?;
    in_range(value, min, max)
}

/// Checks an already numeric amount: at most two decimals, within `min..=max`; rescales to 2 decimals.
fn in_range(value: Decimal, min: Decimal, max: Decimal) -> Result<Decimal, UsdAmountError> {
    if value.normalize().scale() > USD_DECIMALS {
        return Err(UsdAmountError::TooManyDecimals);
    }
    if value < min || value > max {
        return Err(out_of_range(min, max));
    }
    let mut value = value;
    value.rescale(USD_DECIMALS);
    Ok(value)
}

fn out_of_range(min: Decimal, max: Decimal) -> UsdAmountError {
    let two_places = |mut d: Decimal| {
        if d.scale() < USD_DECIMALS {
            d.rescale(USD_DECIMALS);
        }
        d
    };
    UsdAmountError::OutOfRange { min: two_places(min), max: two_places(max) }
}

/// A tier price: 0.01–9999.99 USD and at least the payment provider's minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsdPrice(Decimal);

impl UsdPrice {
    /// Parses a decimal string; `provider_min` raises the lower bound (pass zero for none).
    pub fn parse(raw: &str, provider_min: Decimal) -> Result<UsdPrice, UsdAmountError> {
        parse_in_range(raw, Self::min(provider_min), PRICE_MAX_USD).map(UsdPrice)
    }

    /// Checks a numeric value, e.g. one read back from the database.
    pub fn from_decimal(value: Decimal, provider_min: Decimal) -> Result<UsdPrice, UsdAmountError> {
        in_range(value, Self::min(provider_min), PRICE_MAX_USD).map(UsdPrice)
    }

    fn min(provider_min: Decimal) -> Decimal {
        PRICE_MIN_USD.max(provider_min)
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

/// The USD amount an owner's threshold payouts wait for: 50–100,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThresholdUsd(Decimal);

impl ThresholdUsd {
    pub fn parse(raw: &str) -> Result<ThresholdUsd, UsdAmountError> {
        parse_in_range(raw, THRESHOLD_MIN_USD, THRESHOLD_MAX_USD).map(ThresholdUsd)
    }

    pub fn from_decimal(value: Decimal) -> Result<ThresholdUsd, UsdAmountError> {
        in_range(value, THRESHOLD_MIN_USD, THRESHOLD_MAX_USD).map(ThresholdUsd)
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

/// An amount a subscriber donates: 1.00–9999.99 USD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DonationAmount(Decimal);

impl DonationAmount {
    pub fn parse(raw: &str) -> Result<DonationAmount, UsdAmountError> {
        parse_in_range(raw, DONATION_MIN_USD, DONATION_MAX_USD).map(DonationAmount)
    }

    pub fn from_decimal(value: Decimal) -> Result<DonationAmount, UsdAmountError> {
        in_range(value, DONATION_MIN_USD, DONATION_MAX_USD).map(DonationAmount)
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

macro_rules! display_decimal {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}
display_decimal!(UsdPrice, ThresholdUsd, DonationAmount);

#[cfg(test)]
#[path = "usd_tests.rs"]
mod tests;
