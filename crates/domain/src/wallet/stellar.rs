//! Stellar account ids: StrKey `G…`, 56 characters of base32 (version, ed25519 key, CRC16).

use super::AddressError;
use super::checksum::crc16_xmodem;

const HINT: &str = "a Stellar address starts with G and is 56 characters long";
const SECRET_SEED: &str =
    "this is a Stellar secret key, not an address: never share it; use your public G… address";
const MUXED: &str = "muxed M… addresses are not supported: use the G… address with a memo";
const ACCOUNT_ID_VERSION: u8 = 6 << 3;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    if raw.starts_with('S') && raw.len() == 56 {
        return Err(AddressError::Unsupported(SECRET_SEED));
    }
    if raw.starts_with('M') && raw.len() == 69 {
        return Err(AddressError::Unsupported(MUXED));
    }
    if !raw.starts_with('G') || raw.len() != 56 {
        return Err(AddressError::BadFormat(HINT));
    }
    let bytes = decode_base32(raw).ok_or(AddressError::BadFormat(HINT))?;
    let (body, crc) = bytes.split_at(33);
    if crc16_xmodem(body).to_le_bytes() != crc {
        return Err(AddressError::BadChecksum);
    }
    if body[0] != ACCOUNT_ID_VERSION {
        return Err(AddressError::BadFormat(HINT));
    }
    Ok(raw.to_owned())
}

/// Decodes RFC 4648 base32 (upper case, no padding) of a length that is a multiple of 8.
fn decode_base32(raw: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len() * 5 / 8);
    for group in raw.as_bytes().chunks(8) {
        if group.len() != 8 {
            return None;
        }
        let mut acc: u64 = 0;
        for &c in group {
            let value = ALPHABET.iter().position(|&a| a == c)?;
            acc = (acc << 5) | value as u64;
        }
        out.extend_from_slice(&acc.to_be_bytes()[3..]);
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test should fail loudly on an unexpected value
mod tests {
    use super::*;

    /// The account id used throughout Stellar's SEP-23 StrKey test vectors.
    const SEP23_ACCOUNT: &str = "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ";

    /// Test helper: StrKey-encodes a version byte and 32-byte key.
    fn encode(version: u8, key: &[u8; 32]) -> String {
        let mut bytes = vec![version];
        bytes.extend_from_slice(key);
        let crc = crc16_xmodem(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        let mut out = String::new();
        for group in bytes.chunks(5) {
            let acc = group.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            for shift in (0..8).rev() {
                out.push(char::from(ALPHABET[((acc >> (5 * shift)) & 0x1f) as usize]));
            }
        }
        out
    }

    #[test]
    fn account_ids_are_accepted() {
        assert_eq!(parse(SEP23_ACCOUNT).as_deref(), Ok(SEP23_ACCOUNT));
        let decoded = decode_base32(SEP23_ACCOUNT).unwrap();
        let key: [u8; 32] = decoded[1..33].try_into().unwrap();
        assert_eq!(encode(ACCOUNT_ID_VERSION, &key), SEP23_ACCOUNT);
        for fill in [0u8, 0x42, 0xff] {
            let address = encode(ACCOUNT_ID_VERSION, &[fill; 32]);
            assert_eq!(parse(&address), Ok(address.clone()));
        }
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let changed = SEP23_ACCOUNT.replacen("GA7Q", "GA7R", 1);
        assert_eq!(parse(&changed), Err(AddressError::BadChecksum));
    }

    #[test]
    fn secret_seeds_and_muxed_accounts_are_refused_with_advice() {
        let seed = encode(18 << 3, &[7; 32]);
        assert!(seed.starts_with('S'));
        assert_eq!(parse(&seed), Err(AddressError::Unsupported(SECRET_SEED)));
        let muxed = "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAJLK";
        assert_eq!(parse(muxed), Err(AddressError::Unsupported(MUXED)));
    }

    #[test]
    fn wrong_length_version_case_and_other_networks_are_rejected() {
        // Version bytes 48..=55 all encode to a leading G; only 48 is an account id.
        let wrong_version = encode(ACCOUNT_ID_VERSION + 1, &[7; 32]);
        assert!(wrong_version.starts_with('G'));
        let lower = SEP23_ACCOUNT.to_ascii_lowercase();
        for address in [
            &SEP23_ACCOUNT[..55],
            "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZA",
            "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSG1",
            lower.as_str(),
            wrong_version.as_str(),
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
