//! Value parsers for configuration: trim, check, and explain what is wrong.

use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use rust_decimal::Decimal;
use secrecy::SecretString;
use url::Url;

use crate::secret_url::{self, SecretUrl};

pub fn trimmed(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        Err("must not be empty (unset the variable instead)".into())
    } else {
        Ok(value.to_owned())
    }
}

pub fn secret(raw: &str) -> Result<SecretString, String> {
    trimmed(raw).map(SecretString::from)
}

pub fn long_secret(raw: &str) -> Result<SecretString, String> {
    let value = trimmed(raw)?;
    if value.chars().count() < 32 {
        return Err("must be at least 32 characters".into());
    }
    Ok(SecretString::from(value))
}

pub fn private_key(raw: &str) -> Result<SecretString, String> {
    let value = trimmed(raw)?;
    let hex = value.strip_prefix("0x").unwrap_or(&value);
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        // Never echo the value: it is a key.
        return Err("must be 64 hexadecimal characters, optionally prefixed with 0x".into());
    }
    Ok(SecretString::from(value))
}

pub fn path(raw: &str) -> Result<PathBuf, String> {
    trimmed(raw).map(PathBuf::from)
}

pub fn socket_addr(raw: &str) -> Result<SocketAddr, String> {
    let value = trimmed(raw)?;
    SocketAddr::from_str(&value).map_err(|_| format!("`{value}` is not an address like 127.0.0.1:8080"))
}

/// An http(s) URL with a host. Errors show it with any credentials redacted.
pub fn http_url(raw: &str) -> Result<Url, String> {
    let value = trimmed(raw)?;
    let shown = secret_url::redact_raw(&value);
    let url = Url::parse(&value).map_err(|e| format!("{shown} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{shown} must be an http(s) URL with a host"));
    }
    Ok(url)
}

/// [`http_url`] for URLs that may embed a key (printed redacted).
pub fn secret_http_url(raw: &str) -> Result<SecretUrl, String> {
    http_url(raw).map(SecretUrl::new)
}

pub fn fee_percent(raw: &str) -> Result<Decimal, String> {
    let value = trimmed(raw)?;
    let fee = Decimal::from_str(&value).map_err(|_| format!("`{value}` is not a decimal number"))?;
    if fee < Decimal::ZERO || fee > Decimal::from(50) {
        return Err(format!("`{value}` must be between 0 and 50"));
    }
    Ok(fee)
}

pub fn min_price(raw: &str) -> Result<Decimal, String> {
    let value = trimmed(raw)?;
    let price = Decimal::from_str(&value).map_err(|_| format!("`{value}` is not a decimal number"))?;
    if price < Decimal::new(1, 2) || price > Decimal::from(100) || price.scale() > 2 {
        return Err(format!("`{value}` must be between 0.01 and 100 with at most 2 decimals"));
    }
    Ok(price)
}

pub fn tolerance(raw: &str) -> Result<Decimal, String> {
    let value = trimmed(raw)?;
    let percent = Decimal::from_str(&value).map_err(|_| format!("`{value}` is not a decimal number"))?;
    if percent < Decimal::ZERO || percent > Decimal::from(20) {
        return Err(format!("`{value}` must be between 0 and 20"));
    }
    Ok(percent)
}

pub fn boolean(raw: &str) -> Result<bool, String> {
    match trimmed(raw)?.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(format!("`{other}` must be true or false")),
    }
}

pub fn positive_u64(raw: &str) -> Result<u64, String> {
    let value = trimmed(raw)?;
    match value.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{value}` must be a positive integer")),
    }
}

fn bounded(raw: &str, min: u64, max: u64) -> Result<u64, String> {
    let value = trimmed(raw)?;
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("`{value}` must be an integer from {min} to {max}")),
    }
}

pub fn confirmations(raw: &str) -> Result<u32, String> {
    bounded(raw, 0, 1000).map(|n| n as u32)
}

pub fn pool_size(raw: &str) -> Result<u32, String> {
    bounded(raw, 2, 1000).map(|n| n as u32)
}

pub fn concurrency(raw: &str) -> Result<usize, String> {
    bounded(raw, 1, 1000).map(|n| n as usize)
}

/// A Telegram flood limit: 1 to 100,000 calls per its window.
pub fn telegram_rate(raw: &str) -> Result<u32, String> {
    bounded(raw, 1, 100_000).map(|n| n as u32)
}

/// Room for network jitter: 0 to 2 s.
pub fn network_allowance(raw: &str) -> Result<Duration, String> {
    let value = trimmed(raw)?;
    let duration = humantime::parse_duration(&value)
        .map_err(|e| format!("`{value}` is not a duration like 140ms: {e}"))?;
    if duration > Duration::from_secs(2) {
        return Err(format!("`{value}` must be at most 2s"));
    }
    Ok(duration)
}

pub fn evm_address(raw: &str) -> Result<String, String> {
    let value = trimmed(raw)?;
    let hex = value.strip_prefix("0x").unwrap_or("");
    if hex.len() != 40 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("`{value}` is not an 0x-prefixed 20-byte address"));
    }
    Ok(value)
}

pub fn interval(raw: &str) -> Result<Duration, String> {
    let value = trimmed(raw)?;
    let duration =
        humantime::parse_duration(&value).map_err(|e| format!("`{value}` is not a duration like 5m: {e}"))?;
    if duration < Duration::from_secs(10) || duration > Duration::from_secs(7 * 24 * 3600) {
        return Err(format!("`{value}` must be between 10s and 7d"));
    }
    Ok(duration)
}

/// A short pace (sandbox steps): 1 s to 1 h.
pub fn pace(raw: &str) -> Result<Duration, String> {
    let value = trimmed(raw)?;
    let duration = humantime::parse_duration(&value)
        .map_err(|e| format!("`{value}` is not a duration like 20s: {e}"))?;
    if duration < Duration::from_secs(1) || duration > Duration::from_secs(3600) {
        return Err(format!("`{value}` must be between 1s and 1h"));
    }
    Ok(duration)
}

/// A sandbox balance: a decimal from 0 to 1,000,000,000.
pub fn balance(raw: &str) -> Result<Decimal, String> {
    let value = trimmed(raw)?;
    let amount = Decimal::from_str(&value).map_err(|_| format!("`{value}` is not a decimal number"))?;
    if amount < Decimal::ZERO || amount > Decimal::from(1_000_000_000) {
        return Err(format!("`{value}` must be between 0 and 1000000000"));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_and_balances_are_bounded() {
        assert_eq!(pace("20s"), Ok(Duration::from_secs(20)));
        for bad in ["0s", "500ms", "2h", "soon"] {
            assert!(pace(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(balance(" 10.5 "), Ok(Decimal::new(105, 1)));
        for bad in ["-1", "x", "2000000000"] {
            assert!(balance(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn values_are_trimmed_and_empty_ones_rejected() {
        assert_eq!(trimmed("  abc\n").as_deref(), Ok("abc"));
        assert!(trimmed(" \n").is_err());
    }

    #[test]
    fn fee_percent_rejects_non_numbers_and_out_of_range() {
        assert_eq!(fee_percent("3"), Ok(Decimal::from(3)));
        assert_eq!(fee_percent(" 2.5 "), Ok(Decimal::new(25, 1)));
        for bad in ["abc", "-1", "51", "3%", ""] {
            assert!(fee_percent(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn urls_must_be_http_with_a_host() {
        assert!(http_url("https://api.telegram.org").is_ok());
        for bad in ["ftp://x.org", "not a url", "http://", "mailto:a@b.c"] {
            assert!(http_url(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn private_key_errors_never_echo_the_key() {
        let error = private_key("0xnothex-secret-material").err().unwrap_or_default();
        assert!(!error.contains("secret-material"));
        assert!(private_key(&format!("0x{}", "ab".repeat(32))).is_ok());
        assert!(private_key(&"ab".repeat(31)).is_err());
    }

    #[test]
    fn intervals_parse_human_durations_within_bounds() {
        assert_eq!(interval("5m"), Ok(Duration::from_secs(300)));
        for bad in ["5", "1s", "30d", "soon"] {
            assert!(interval(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn evm_addresses_need_prefix_and_forty_hex_digits() {
        assert!(evm_address("0xdAC17F958D2ee523a2206206994597C13D831ec7").is_ok());
        for bad in [
            "dAC17F958D2ee523a2206206994597C13D831ec7",
            "0x123",
            "0xZZC17F958D2ee523a2206206994597C13D831ec7",
        ] {
            assert!(evm_address(bad).is_err(), "{bad} accepted");
        }
    }
}
