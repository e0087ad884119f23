//! IPN callbacks: HMAC-SHA512 signature check over the canonical body, then parsing into a `PaymentUpdate`.

use hmac::{Hmac, Mac};
use paygate_domain::payment_gateway::{PaymentUpdate, UnreadableReport};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha512;
use subtle::{Choice, ConstantTimeEq};

use crate::{canonical::canonical_json, wire::Payment};

/// The header NOWPayments puts the signature in.
pub const IPN_SIGNATURE_HEADER: &str = "x-nowpayments-sig";

/// Longest text kept from a field of an unreadable notification.
const MAX_FIELD_CHARS: usize = 100;

type HmacSha512 = Hmac<Sha512>;

/// Why an IPN's signature was refused (answer 401, store nothing). Deliberately vague: nothing
/// helps a forger. A correctly signed body that does not parse is not an error: see [`VerifiedIpn`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpnError {
    #[error("IPN signature missing")]
    MissingSignature,
    #[error("IPN signature invalid")]
    BadSignature,
}

/// A notification whose signature is proven: it comes from the provider and must be kept.
#[derive(Debug, Clone, PartialEq)]
pub enum VerifiedIpn {
    /// A payment status report Paygate understands.
    Payment(PaymentUpdate),
    /// Signed, but not a payment notification Paygate understands (unknown status, null amounts,
    /// a payout notification ...): stored as received and answered 200 so the provider stops retrying.
    Unreadable(UnreadableReport),
}

impl VerifiedIpn {
    /// The payment update, or what was picked out of a body that is not one.
    pub fn into_payment(self) -> Result<PaymentUpdate, UnreadableReport> {
        match self {
            Self::Payment(update) => Ok(update),
            Self::Unreadable(report) => Err(report),
        }
    }
}

/// Checks an IPN's `x-nowpayments-sig`, then parses the body.
///
/// The signature is lower-case hex of HMAC-SHA512(`ipn_secret`, canonical body) where the canonical
/// body has its keys sorted recursively (see [`sign_ipn`]); a signature over the raw body bytes is
/// accepted too. Hex case does not matter; both comparisons run in constant time. Only a signature
/// failure is an error; a signed body that does not parse is [`VerifiedIpn::Unreadable`].
pub fn verify_ipn(
    ipn_secret: &SecretString,
    body: &[u8],
    signature_header: Option<&str>,
) -> Result<VerifiedIpn, IpnError> {
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
    Ok(match serde_json::from_slice::<Payment>(body) {
        Ok(payment) => VerifiedIpn::Payment(payment.into_update(body)),
        Err(error) => VerifiedIpn::Unreadable(unreadable(body, error.to_string())),
    })
}

/// Picks the payment id, order id and status out of a body that did not parse as a payment.
fn unreadable(body: &[u8], error: String) -> UnreadableReport {
    let value = serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default();
    let field = |name: &str| {
        let text = match value.get(name)? {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Number(number) => number.to_string(),
            _ => return None,
        };
        Some(text.chars().take(MAX_FIELD_CHARS).collect::<String>())
    };
    UnreadableReport {
        provider_payment_id: field("payment_id"),
        order_id: field("order_id"),
        status: field("payment_status").or_else(|| field("status")),
        error: error.chars().take(MAX_FIELD_CHARS * 3).collect(),
        // PostgreSQL text cannot hold NUL; valid JSON never contains one unescaped.
        raw: String::from_utf8_lossy(body).replace('\0', "\u{FFFD}"),
    }
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
