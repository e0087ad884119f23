//! EVM addresses (Ethereum, BNB Smart Chain, Polygon): `0x` + 40 hex with the EIP-55 checksum.

use super::AddressError;
use super::checksum::keccak256;

const HINT: &str = "an address starts with 0x followed by 40 hexadecimal characters";

/// Validates an EVM address and returns it in its EIP-55 checksummed form.
///
/// All-lower and all-upper hex carry no checksum and are accepted; mixed case must match EIP-55.
pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    let hex = raw.strip_prefix("0x").ok_or(AddressError::BadFormat(HINT))?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressError::BadFormat(HINT));
    }
    let checksummed = eip55(hex);
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper && hex != checksummed {
        return Err(AddressError::BadChecksum);
    }
    Ok(format!("0x{checksummed}"))
}

/// EIP-55: upper-case each letter whose nibble in Keccak-256(lower-case hex) is 8 or more.
fn eip55(hex: &str) -> String {
    let lower = hex.to_ascii_lowercase();
    let hash = keccak256(lower.as_bytes());
    lower
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            if nibble >= 8 { c.to_ascii_uppercase() } else { c }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples of the EIP-55 specification.
    const EIP55_EXAMPLES: [&str; 8] = [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn eip55_specification_examples_are_accepted() {
        for address in EIP55_EXAMPLES {
            assert!(parse(address).is_ok(), "{address}");
        }
    }

    #[test]
    fn addresses_are_normalized_to_their_checksummed_form() {
        assert_eq!(
            parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").as_deref(),
            Ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        );
        assert_eq!(
            parse("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED").as_deref(),
            Ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        );
        assert_eq!(
            parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359").as_deref(),
            Ok("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        );
    }

    #[test]
    fn mixed_case_with_a_wrong_checksum_is_rejected() {
        for address in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadChecksum), "{address}");
        }
    }

    #[test]
    fn wrong_length_non_hex_and_missing_prefix_are_rejected() {
        for address in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",
            "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
