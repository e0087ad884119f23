//! TRON addresses: base58check with version byte 0x41, `T…`, 34 characters.

use super::AddressError;
use super::base58check;

const HINT: &str = "a TRON address starts with T and is 34 characters long";
const VERSION: u8 = 0x41;

pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    if !raw.starts_with('T') || raw.len() != 34 {
        return Err(AddressError::BadFormat(HINT));
    }
    let body = base58check::decode(raw, bs58::Alphabet::BITCOIN, HINT)?;
    if body.len() != 21 || body[0] != VERSION {
        return Err(AddressError::BadFormat(HINT));
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_and_encoded_tron_addresses_are_accepted() {
        // The USDT (TRC-20) contract.
        assert!(parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").is_ok());
        for fill in [0u8, 0x5a, 0xff] {
            let body = [[VERSION].as_slice(), &[fill; 20]].concat();
            let address = base58check::encode(&body, bs58::Alphabet::BITCOIN);
            assert_eq!(parse(&address), Ok(address.clone()));
        }
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        assert_eq!(parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u"), Err(AddressError::BadChecksum));
    }

    #[test]
    fn wrong_length_version_and_other_networks_are_rejected() {
        let wrong_version =
            base58check::encode(&[[0x42].as_slice(), &[1; 20]].concat(), bs58::Alphabet::BITCOIN);
        let long = base58check::encode(&[[VERSION].as_slice(), &[1; 21]].concat(), bs58::Alphabet::BITCOIN);
        for address in [
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6tt",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj0t",
            wrong_version.as_str(),
            long.as_str(),
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
