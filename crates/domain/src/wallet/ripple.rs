//! XRP Ledger classic addresses: base58check in the Ripple alphabet, version 0, `r…`.

use super::AddressError;
use super::base58check;

const HINT: &str = "an XRP address starts with r and is 25 to 35 characters long";
const X_ADDRESS: &str = "X-addresses are not supported: use the classic r… address with a destination tag";

pub(super) fn parse(raw: &str) -> Result<String, AddressError> {
    if (raw.starts_with('X') || raw.starts_with('T')) && raw.len() == 47 {
        return Err(AddressError::Unsupported(X_ADDRESS));
    }
    if !raw.starts_with('r') || !(25..=35).contains(&raw.len()) {
        return Err(AddressError::BadFormat(HINT));
    }
    let body = base58check::decode(raw, bs58::Alphabet::RIPPLE, HINT)?;
    if body.len() != 21 || body[0] != 0 {
        return Err(AddressError::BadFormat(HINT));
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_and_encoded_xrp_addresses_are_accepted() {
        for address in [
            "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
            "rrrrrrrrrrrrrrrrrrrrrhoLvTp",
            "rrrrrrrrrrrrrrrrrrrrBZbvji",
        ] {
            assert_eq!(parse(address).as_deref(), Ok(address), "{address}");
        }
        for fill in [1u8, 0x77, 0xff] {
            let address =
                base58check::encode(&[[0].as_slice(), &[fill; 20]].concat(), bs58::Alphabet::RIPPLE);
            assert_eq!(parse(&address), Ok(address.clone()));
        }
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        assert_eq!(parse("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTj"), Err(AddressError::BadChecksum));
    }

    #[test]
    fn x_addresses_are_refused_with_advice() {
        let x_address = "XVLhHMPHU98es4dbozjVtdWzVrDjtV5fdx1mHp98tDMoQXb";
        assert_eq!(parse(x_address), Err(AddressError::Unsupported(X_ADDRESS)));
    }

    #[test]
    fn wrong_length_version_alphabet_and_other_networks_are_rejected() {
        let wrong_version = base58check::encode(&[[1].as_slice(), &[1; 20]].concat(), bs58::Alphabet::RIPPLE);
        for address in [
            "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyThrHb9C",
            "rHb9",
            "rHb9CJAWyB4rj91VRWn96DkukG4bwdty0h",
            wrong_version.as_str(),
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        ] {
            assert_eq!(parse(address), Err(AddressError::BadFormat(HINT)), "{address}");
        }
    }
}
