//! Base58check decoding (version byte + payload + double-SHA-256 checksum) for several alphabets.

use super::AddressError;
use super::checksum::double_sha256_prefix;

/// Decodes `raw` in `alphabet` and verifies the checksum; returns version byte + payload.
///
/// Characters outside the alphabet or a too-short result give `BadFormat(hint)`.
pub(super) fn decode(
    raw: &str,
    alphabet: &'static bs58::Alphabet,
    hint: &'static str,
) -> Result<Vec<u8>, AddressError> {
    let bytes =
        bs58::decode(raw).with_alphabet(alphabet).into_vec().map_err(|_| AddressError::BadFormat(hint))?;
    if bytes.len() < 5 {
        return Err(AddressError::BadFormat(hint));
    }
    let (body, checksum) = bytes.split_at(bytes.len() - 4);
    if double_sha256_prefix(body) != checksum {
        return Err(AddressError::BadChecksum);
    }
    Ok(body.to_vec())
}

/// Test helper: base58check-encodes `body` (version byte included) with an independent encoder.
#[cfg(test)]
pub(super) fn encode(body: &[u8], alphabet: &'static bs58::Alphabet) -> String {
    bs58::encode(body).with_alphabet(alphabet).with_check().into_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test should fail loudly on an unexpected value
mod tests {
    use super::*;

    const HINT: &str = "hint";

    #[test]
    fn genesis_address_decodes_to_version_zero_and_twenty_bytes() {
        let body = decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", bs58::Alphabet::BITCOIN, HINT);
        let body = body.unwrap();
        assert_eq!(body.len(), 21);
        assert_eq!(body[0], 0);
        assert_eq!(hex::encode(&body[1..]), "62e907b15cbf27d5425399ebf6f0fb50ebb88f18");
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let result = decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", bs58::Alphabet::BITCOIN, HINT);
        assert_eq!(result, Err(AddressError::BadChecksum));
    }

    #[test]
    fn characters_outside_the_alphabet_are_a_format_error() {
        let result = decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7Div0Na", bs58::Alphabet::BITCOIN, HINT);
        assert_eq!(result, Err(AddressError::BadFormat(HINT)));
    }

    #[test]
    fn too_short_input_is_a_format_error() {
        assert_eq!(decode("1A1z", bs58::Alphabet::BITCOIN, HINT), Err(AddressError::BadFormat(HINT)));
    }

    #[test]
    fn encode_and_decode_round_trip() {
        let body = [0x41, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
        let encoded = encode(&body, bs58::Alphabet::RIPPLE);
        assert_eq!(decode(&encoded, bs58::Alphabet::RIPPLE, HINT), Ok(body.to_vec()));
    }
}
