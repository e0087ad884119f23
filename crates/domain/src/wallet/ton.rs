//! TON addresses: user-friendly base64/base64url (flags, workchain, hash, CRC16) or raw `wc:hex`.

use super::AddressError;
use super::checksum::crc16_xmodem;

const HINT: &str = "a TON address is 48 characters like EQ… or UQ…, or the raw form 0:<64 hex characters>";

const BOUNCEABLE: u8 = 0x11;
const NON_BOUNCEABLE: u8 = 0x51;
const TEST_ONLY: u8 = 0x80;
const BASECHAIN: u8 = 0x00;
const MASTERCHAIN: u8 = 0xff;

/// Validates a TON address; the raw form is returned with lower-case hex, the user-friendly as typed.
pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    if let Some((workchain, hash)) = raw.split_once(':') {
        return parse_raw(workchain, hash);
    }
    if raw.len() != 48 {
        return Err(AddressError::BadFormat(HINT));
    }
    let bytes = decode_base64(raw).ok_or(AddressError::BadFormat(HINT))?;
    let (body, crc) = bytes.split_at(34);
    if crc16_xmodem(body).to_be_bytes() != crc {
        return Err(AddressError::BadChecksum);
    }
    let flags = body[0];
    if flags == BOUNCEABLE | TEST_ONLY || flags == NON_BOUNCEABLE | TEST_ONLY {
        return Err(AddressError::TestnetAddress);
    }
    if flags != BOUNCEABLE && flags != NON_BOUNCEABLE {
        return Err(AddressError::BadFormat(HINT));
    }
    if body[1] != BASECHAIN && body[1] != MASTERCHAIN {
        return Err(AddressError::BadFormat(HINT));
    }
    Ok(raw.to_owned())
}

fn parse_raw(workchain: &str, hash: &str) -> Result<String, AddressError> {
    if !matches!(workchain, "0" | "-1") || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressError::BadFormat(HINT));
    }
    Ok(format!("{workchain}:{}", hash.to_ascii_lowercase()))
}

/// Decodes 48 characters of base64 or base64url (no padding) into 36 bytes.
fn decode_base64(raw: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(36);
    for quad in raw.as_bytes().chunks(4) {
        let mut acc: u32 = 0;
        for &c in quad {
            acc = (acc << 6) | u32::from(sextet(c)?);
        }
        out.extend_from_slice(&acc.to_be_bytes()[1..]);
    }
    Some(out)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test should fail loudly on an unexpected value
mod tests {
    use super::*;

    /// The TON Foundation's wallet, and its raw form.
    const FOUNDATION: &str = "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N";
    const FOUNDATION_RAW: &str = "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8";

    /// Test helper: user-friendly form of a hash, in base64url.
    fn encode(flags: u8, workchain: u8, hash: &[u8; 32]) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bytes = vec![flags, workchain];
        bytes.extend_from_slice(hash);
        let crc = crc16_xmodem(&bytes);
        bytes.extend_from_slice(&crc.to_be_bytes());
        let mut out = String::new();
        for triple in bytes.chunks(3) {
            let acc = (u32::from(triple[0]) << 16) | (u32::from(triple[1]) << 8) | u32::from(triple[2]);
            for shift in [18, 12, 6, 0] {
                out.push(char::from(ALPHABET[((acc >> shift) & 0x3f) as usize]));
            }
        }
        out
    }

    fn foundation_hash() -> [u8; 32] {
        hex::decode(&FOUNDATION_RAW[2..]).unwrap().try_into().unwrap()
    }

    #[test]
    fn the_foundation_wallet_is_accepted_in_both_forms() {
        assert_eq!(parse(FOUNDATION).as_deref(), Ok(FOUNDATION));
        assert_eq!(parse(FOUNDATION_RAW).as_deref(), Ok(FOUNDATION_RAW));
        assert_eq!(encode(BOUNCEABLE, BASECHAIN, &foundation_hash()), FOUNDATION);
    }

    #[test]
    fn non_bounceable_masterchain_and_base64_forms_are_accepted() {
        let hash = foundation_hash();
        let non_bounceable = encode(NON_BOUNCEABLE, BASECHAIN, &hash);
        assert!(non_bounceable.starts_with("UQ"));
        let masterchain = encode(BOUNCEABLE, MASTERCHAIN, &[0xfb; 32]);
        let standard_base64 = masterchain.replace('-', "+").replace('_', "/");
        for address in [non_bounceable, masterchain, standard_base64] {
            assert_eq!(parse(&address), Ok(address.clone()));
        }
        let upper_raw = FOUNDATION_RAW.to_ascii_uppercase();
        assert_eq!(parse(&upper_raw).as_deref(), Ok(FOUNDATION_RAW));
        assert!(parse(&format!("-1:{}", &FOUNDATION_RAW[2..])).is_ok());
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let changed = FOUNDATION.replacen("EQCD3", "EQCD4", 1);
        assert_eq!(parse(&changed), Err(AddressError::BadChecksum));
    }

    #[test]
    fn test_only_addresses_are_rejected() {
        let address = encode(BOUNCEABLE | TEST_ONLY, BASECHAIN, &foundation_hash());
        assert_eq!(parse(&address), Err(AddressError::TestnetAddress));
    }

    #[test]
    fn wrong_flags_workchain_length_and_other_networks_are_rejected() {
        let bad_flags = encode(0x12, BASECHAIN, &foundation_hash());
        let bad_workchain = encode(BOUNCEABLE, 0x01, &foundation_hash());
        for address in [
            bad_flags.as_str(),
            bad_workchain.as_str(),
            &FOUNDATION[..47],
            "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N=",
            "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2*",
            "1:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8",
            "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31",
            "0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31ag",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
