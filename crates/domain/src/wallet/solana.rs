//! Solana addresses: base58 (Bitcoin alphabet) of a 32-byte public key, 32–44 characters.

use super::AddressError;

const HINT: &str = "a Solana address is 32 to 44 base58 characters";

/// Solana addresses carry no checksum: only the alphabet and the decoded length can be checked.
pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    if !(32..=44).contains(&raw.len()) {
        return Err(AddressError::BadFormat(HINT));
    }
    let mut key = [0u8; 32];
    match bs58::decode(raw).onto(&mut key) {
        Ok(32) => Ok(raw.to_owned()),
        _ => Err(AddressError::BadFormat(HINT)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_and_encoded_solana_addresses_are_accepted() {
        for address in [
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
            "11111111111111111111111111111111",
        ] {
            assert_eq!(parse(address).as_deref(), Ok(address), "{address}");
        }
        for fill in [1u8, 0x80, 0xff] {
            let address = bs58::encode([fill; 32]).into_string();
            assert_eq!(parse(&address), Ok(address.clone()));
        }
    }

    #[test]
    fn wrong_length_alphabet_and_other_networks_are_rejected() {
        let short = bs58::encode([0xffu8; 31]).into_string();
        let long = bs58::encode([0xffu8; 33]).into_string();
        for address in [
            short.as_str(),
            long.as_str(),
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5D0",
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5Dl",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
