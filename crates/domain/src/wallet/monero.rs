//! Monero addresses: standard (`4…`), subaddress (`8…`) and integrated, in Monero's block base58.

use super::AddressError;
use super::checksum::keccak256;

const HINT: &str = "a Monero address starts with 4 or 8 and is 95 characters long (106 if integrated)";
const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Characters needed to encode a block of 0..=8 bytes; full blocks are 8 bytes in 11 characters.
const ENCODED_BLOCK_SIZES: [usize; 9] = [0, 2, 3, 5, 6, 7, 9, 10, 11];
const FULL_BLOCK: usize = 8;
const FULL_ENCODED_BLOCK: usize = 11;

const STANDARD: u8 = 18;
const INTEGRATED: u8 = 19;
const SUBADDRESS: u8 = 42;
/// Testnet (53, 54, 63) and stagenet (24, 25, 36) prefixes.
const TEST_PREFIXES: [u8; 6] = [53, 54, 63, 24, 25, 36];

/// prefix byte + spend key + view key (+ 8-byte payment id) + 4-byte checksum.
const STANDARD_LEN: usize = 1 + 64 + 4;
const INTEGRATED_LEN: usize = 1 + 64 + 8 + 4;

pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    if raw.len() != 95 && raw.len() != 106 {
        return Err(AddressError::BadFormat(HINT));
    }
    let bytes = decode(raw).ok_or(AddressError::BadFormat(HINT))?;
    let (data, checksum) = bytes.split_at(bytes.len() - 4);
    if keccak256(data)[..4] != *checksum {
        return Err(AddressError::BadChecksum);
    }
    match (data[0], bytes.len()) {
        (STANDARD | SUBADDRESS, STANDARD_LEN) | (INTEGRATED, INTEGRATED_LEN) => Ok(raw.to_owned()),
        (prefix, _) if TEST_PREFIXES.contains(&prefix) => Err(AddressError::TestnetAddress),
        _ => Err(AddressError::BadFormat(HINT)),
    }
}

/// Decodes Monero base58: 11-character blocks of 8 bytes, a shorter last block per the size table.
fn decode(raw: &str) -> Option<Vec<u8>> {
    let chars = raw.as_bytes();
    let mut out = Vec::with_capacity(chars.len() * FULL_BLOCK / FULL_ENCODED_BLOCK + FULL_BLOCK);
    for block in chars.chunks(FULL_ENCODED_BLOCK) {
        let size = ENCODED_BLOCK_SIZES.iter().position(|&n| n == block.len())?;
        let mut value: u128 = 0;
        for &c in block {
            let digit = ALPHABET.iter().position(|&a| a == c)?;
            value = value * 58 + digit as u128;
        }
        if value >> (8 * size) != 0 {
            return None;
        }
        out.extend_from_slice(&value.to_be_bytes()[16 - size..]);
    }
    (out.len() > 5).then_some(out)
}

/// Test helper: Monero base58 encoding.
#[cfg(test)]
fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for block in bytes.chunks(FULL_BLOCK) {
        let mut value = block.iter().fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
        let mut digits = vec![ALPHABET[0]; ENCODED_BLOCK_SIZES[block.len()]];
        for digit in digits.iter_mut().rev() {
            *digit = ALPHABET[(value % 58) as usize];
            value /= 58;
        }
        out.extend(digits.into_iter().map(char::from));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds an address with `prefix`, filler keys and a valid Keccak checksum.
    fn build(prefix: u8, body_len: usize) -> String {
        let mut data: Vec<u8> = (0..body_len as u8).map(|i| i.wrapping_mul(37)).collect();
        data.insert(0, prefix);
        let checksum = keccak256(&data);
        data.extend_from_slice(&checksum[..4]);
        encode(&data)
    }

    /// The Monero General Fund donation address.
    const GENERAL_FUND: &str =
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

    #[test]
    fn the_general_fund_address_is_accepted() {
        assert_eq!(parse(GENERAL_FUND).as_deref(), Ok(GENERAL_FUND));
        assert_eq!(decode(GENERAL_FUND).map(|bytes| encode(&bytes)).as_deref(), Some(GENERAL_FUND));
    }

    #[test]
    fn standard_subaddress_and_integrated_addresses_are_accepted() {
        let standard = build(STANDARD, 64);
        let subaddress = build(SUBADDRESS, 64);
        let integrated = build(INTEGRATED, 72);
        assert!(standard.starts_with('4') && standard.len() == 95);
        assert!(subaddress.starts_with('8') && subaddress.len() == 95);
        assert_eq!(integrated.len(), 106);
        for address in [standard, subaddress, integrated] {
            assert_eq!(parse(&address), Ok(address.clone()));
        }
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let changed = GENERAL_FUND.replacen("44AFF", "44AFG", 1);
        assert_eq!(parse(&changed), Err(AddressError::BadChecksum));
    }

    #[test]
    fn testnet_and_stagenet_addresses_are_rejected() {
        for prefix in [53, 24, 63] {
            assert_eq!(parse(&build(prefix, 64)), Err(AddressError::TestnetAddress));
        }
    }

    #[test]
    fn wrong_length_prefix_alphabet_and_other_networks_are_rejected() {
        let wrong_prefix = build(17, 64);
        let integrated_prefix_standard_length = build(INTEGRATED, 64);
        let too_long = format!("{GENERAL_FUND}1");
        let bad_char = GENERAL_FUND.replacen("44AFF", "44AF0", 1);
        for address in [
            &GENERAL_FUND[..94],
            too_long.as_str(),
            bad_char.as_str(),
            wrong_prefix.as_str(),
            integrated_prefix_standard_length.as_str(),
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
