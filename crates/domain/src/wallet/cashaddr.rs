//! Bitcoin Cash addresses: CashAddr (`bitcoincash:q…`/`p…`) and legacy base58check, normalized to CashAddr.

use super::AddressError;
use super::base58check;

const PREFIX: &str = "bitcoincash";
const TESTNET_PREFIXES: [&str; 2] = ["bchtest", "bchreg"];
const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const CHECKSUM_LEN: usize = 8;
const HINT: &str = "a Bitcoin Cash address looks like bitcoincash:q… (or a legacy one starting with 1 or 3)";

/// CashAddr version bytes: P2PKH with a 20-byte hash, P2SH with a 20- or 32-byte hash.
const P2PKH_160: u8 = 0x00;
const P2SH_160: u8 = 0x08;
const P2SH_256: u8 = 0x0b;

/// Validates a mainnet Bitcoin Cash address and returns it as lower-case `bitcoincash:…`.
pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    let (prefix, payload) = match raw.split_once(':') {
        Some((prefix, payload)) => (prefix, payload),
        None if raw.starts_with(['q', 'p', 'Q', 'P']) => (PREFIX, raw),
        None => return legacy(raw),
    };
    let lower_prefix = prefix.to_ascii_lowercase();
    if TESTNET_PREFIXES.contains(&lower_prefix.as_str()) {
        return Err(AddressError::TestnetAddress);
    }
    if lower_prefix != PREFIX {
        return Err(AddressError::BadFormat(HINT));
    }
    let has_lower = raw.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = raw.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        return Err(AddressError::MixedCase);
    }
    let payload = payload.to_ascii_lowercase();
    let values = payload
        .bytes()
        .map(|b| CHARSET.iter().position(|&c| c == b).map(|i| i as u8))
        .collect::<Option<Vec<u8>>>()
        .ok_or(AddressError::BadFormat(HINT))?;
    if values.len() <= CHECKSUM_LEN {
        return Err(AddressError::BadFormat(HINT));
    }
    if polymod(&values) != 0 {
        return Err(AddressError::BadChecksum);
    }
    let data = from_5_bit(&values[..values.len() - CHECKSUM_LEN]).ok_or(AddressError::BadFormat(HINT))?;
    match (data.first(), data.len() - 1) {
        (Some(&P2PKH_160), 20) | (Some(&P2SH_160), 20) | (Some(&P2SH_256), 32) => {
            Ok(format!("{PREFIX}:{payload}"))
        }
        _ => Err(AddressError::BadFormat(HINT)),
    }
}

fn legacy(raw: &str) -> Result<String, AddressError> {
    if !(26..=35).contains(&raw.len()) {
        return Err(AddressError::BadFormat(HINT));
    }
    let body = base58check::decode(raw, bs58::Alphabet::BITCOIN, HINT)?;
    let (version, hash) = body.split_first().ok_or(AddressError::BadFormat(HINT))?;
    if hash.len() != 20 {
        return Err(AddressError::BadFormat(HINT));
    }
    match version {
        0x00 => Ok(encode(P2PKH_160, hash)),
        0x05 => Ok(encode(P2SH_160, hash)),
        0x6f | 0xc4 => Err(AddressError::TestnetAddress),
        _ => Err(AddressError::BadFormat(HINT)),
    }
}

/// Encodes a version byte and hash as a prefixed, lower-case CashAddr.
pub(super) fn encode(version: u8, hash: &[u8]) -> String {
    let mut data = vec![version];
    data.extend_from_slice(hash);
    let mut values = to_5_bit(&data);
    values.extend_from_slice(&[0; CHECKSUM_LEN]);
    let checksum = polymod(&values);
    let len = values.len();
    for (i, value) in values[len - CHECKSUM_LEN..].iter_mut().enumerate() {
        *value = ((checksum >> (5 * (CHECKSUM_LEN - 1 - i))) & 0x1f) as u8;
    }
    let payload: String = values.iter().map(|&v| char::from(CHARSET[usize::from(v)])).collect();
    format!("{PREFIX}:{payload}")
}

/// The CashAddr BCH-code checksum over the prefix (low 5 bits of each char), a 0 separator and
/// `values`; zero when `values` ends with a correct checksum.
fn polymod(values: &[u8]) -> u64 {
    let prefix = PREFIX.bytes().map(|b| b & 0x1f).chain([0]);
    let mut c: u64 = 1;
    for d in prefix.chain(values.iter().copied()) {
        let c0 = c >> 35;
        c = ((c & 0x07_ffff_ffff) << 5) ^ u64::from(d);
        for (bit, generator) in
            [0x98_f2bc_8e61_u64, 0x79_b76d_99e2, 0xf3_3e5f_b3c4, 0xae_2eab_e2a8, 0x1e_4f43_e470]
                .into_iter()
                .enumerate()
        {
            if (c0 >> bit) & 1 == 1 {
                c ^= generator;
            }
        }
    }
    c ^ 1
}

fn to_5_bit(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        acc = ((acc << 8) | u32::from(byte)) & 0xfff;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(((acc >> bits) & 0x1f) as u8);
        }
    }
    if bits > 0 {
        out.push(((acc << (5 - bits)) & 0x1f) as u8);
    }
    out
}

/// Regroups 5-bit values into bytes; `None` when the padding is longer than 4 bits or not zero.
fn from_5_bit(values: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(values.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &value in values {
        acc = ((acc << 5) | u32::from(value)) & 0xfff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    (bits < 5 && (acc & ((1 << bits) - 1)) == 0).then_some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test should fail loudly on an unexpected value
mod tests {
    use super::*;

    const P2PKH: &str = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a";
    const P2SH: &str = "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq";

    #[test]
    fn cashaddr_spec_addresses_are_accepted() {
        assert_eq!(parse(P2PKH).as_deref(), Ok(P2PKH));
        assert_eq!(parse(P2SH).as_deref(), Ok(P2SH));
    }

    #[test]
    fn encoder_reproduces_the_spec_address_from_its_hash() {
        let hash = hex::decode("76a04053bda0a88bda5177b86a15c3b29f559873").unwrap();
        assert_eq!(encode(P2PKH_160, &hash), P2PKH);
        assert_eq!(encode(P2SH_160, &hash), P2SH);
    }

    #[test]
    fn legacy_addresses_are_converted_to_cashaddr() {
        assert_eq!(parse("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu").as_deref(), Ok(P2PKH));
        assert_eq!(parse("3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC").as_deref(), Ok(P2SH));
    }

    #[test]
    fn bare_and_upper_case_forms_are_normalized_to_prefixed_lower_case() {
        assert_eq!(parse("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a").as_deref(), Ok(P2PKH));
        assert_eq!(parse(&P2PKH.to_ascii_uppercase()).as_deref(), Ok(P2PKH));
        assert_eq!(parse("PPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVN0H829PQ").as_deref(), Ok(P2SH));
    }

    #[test]
    fn p2sh_with_a_32_byte_hash_is_accepted() {
        let address = encode(P2SH_256, &[3; 32]);
        assert!(address.starts_with("bitcoincash:p"));
        assert_eq!(parse(&address), Ok(address.clone()));
    }

    #[test]
    fn mixed_case_cashaddr_is_rejected() {
        assert_eq!(
            parse("bitcoincash:qpm2qsznhks23z7629Mms6s4cwef74vcwvy22gdx6a"),
            Err(AddressError::MixedCase)
        );
        assert_eq!(
            parse("bitcoincash:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A"),
            Err(AddressError::MixedCase)
        );
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        for address in [
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q",
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6",
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadChecksum), "{address}");
        }
    }

    #[test]
    fn testnet_addresses_are_rejected() {
        assert_eq!(
            parse("bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
            Err(AddressError::TestnetAddress)
        );
        assert_eq!(parse("mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef"), Err(AddressError::TestnetAddress));
    }

    #[test]
    fn wrong_prefix_size_type_and_other_networks_are_rejected() {
        for address in [
            "bitcoin:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a".to_owned(),
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6b".to_owned(),
            encode(P2PKH_160, &[1; 21]),
            encode(P2PKH_160, &[1; 32]),
            encode(0x10, &[1; 20]),
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".to_owned(),
            "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9".to_owned(),
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".to_owned(),
            "bitcoincash:".to_owned(),
        ] {
            assert_eq!(parse(&address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
