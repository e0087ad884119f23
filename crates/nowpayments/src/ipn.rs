//! IPN callbacks: HMAC-SHA512 signature check over the canonical body, then parsing into a `PaymentUpdate`.

use hmac::{Hmac, Mac};
use paygate_domain::payment_gateway::PaymentUpdate;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha512;
use subtle::{Choice, ConstantTimeEq};

use crate::{canonical::canonical_json, wire::Payment};

/// The header NOWPayments puts the signature in.
pub const IPN_SIGNATURE_HEADER: &str = "x-nowpayments-sig";

type HmacSha512 = Hmac<Sha512>;

/// Why an IPN was refused. Deliberately vague before the signature is proven: nothing helps a forger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpnError {
    #[error("IPN signature missing")]
    MissingSignature,
    #[error("IPN signature invalid")]
    BadSignature,
    /// Correctly signed, but not a payment notification Paygate understands.
    #[error("IPN body malformed: {0}")]
    Malformed(String),
}

/// Checks an IPN's `x-nowpayments-sig` and parses the body.
///
/// The signature is lower-case hex of HMAC-SHA512(`ipn_secret`, canonical body) where the canonical
/// body has its keys sorted recursively (see [`sign_ipn`]); a signature over the raw body bytes is
/// accepted too. Hex case does not matter; both comparisons run in constant time.
pub fn verify_ipn(
    ipn_secret: &SecretString,
    body: &[u8],
    signature_header: Option<&str>,
) -> Result<PaymentUpdate, IpnError> {
    let header = signature_header.map(str::trim).filter(|header| !header.is_empty());
    let signature =
        hex::decode(header.ok_or(IpnError::MissingSignature)?).map_err(|_| IpnError::BadSignature)?;
    let over_raw = mac(ipn_secret, body).ct_eq(&signature);
    let over_canonical = match canonical_json(body) {
        Ok(canonical) => mac(ipn_secret, canonical.as_bytes()).ct_eq(&signature),
        Err(_) => Choice::from(0),
    };
    if !bool::from(over_raw | over_canonical) {
        return Err(IpnError::BadSignature);
    }
    let payment: Payment =
        serde_json::from_slice(body).map_err(|error| IpnError::Malformed(error.to_string()))?;
    let raw = serde_json::from_slice(body).map_err(|error| IpnError::Malformed(error.to_string()))?;
    Ok(payment.into_update(raw))
}

/// The signature NOWPayments would send for `body`: lower-case hex HMAC-SHA512 of its canonical form.
///
/// `verify_ipn` accepts it for the bytes of `serde_json::to_vec(body)` (numbers print the same).
pub fn sign_ipn(ipn_secret: &SecretString, body: &serde_json::Value) -> String {
    let text = body.to_string();
    let canonical = canonical_json(text.as_bytes()).unwrap_or(text);
    hex::encode(mac(ipn_secret, canonical.as_bytes()))
}

fn mac(secret: &SecretString, message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so this never falls back.
    let Ok(mut mac) = HmacSha512::new_from_slice(secret.expose_secret().as_bytes()) else {
        return Vec::new();
    };
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
#[path = "ipn_tests.rs"]
mod tests;
