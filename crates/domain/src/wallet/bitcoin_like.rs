//! Bitcoin, Litecoin and Dogecoin addresses: base58check (P2PKH/P2SH) and bech32/bech32m segwit.

use super::AddressError;
use super::base58check;

/// The address parameters of one Bitcoin-derived chain's mainnet.
pub(super) struct Chain {
    /// Segwit human-readable part, when the chain has segwit addresses.
    hrp: Option<&'static str>,
    testnet_hrps: &'static [&'static str],
    versions: &'static [u8],
    testnet_versions: &'static [u8],
    hint: &'static str,
}

pub(super) const BITCOIN: Chain = Chain {
    hrp: Some("bc"),
    testnet_hrps: &["tb", "bcrt"],
    versions: &[0x00, 0x05],
    testnet_versions: &[0x6f, 0xc4],
    hint: "a Bitcoin address starts with 1, 3, bc1q or bc1p",
};

pub(super) const LITECOIN: Chain = Chain {
    hrp: Some("ltc"),
    testnet_hrps: &["tltc", "rltc"],
    versions: &[0x30, 0x32, 0x05],
    testnet_versions: &[0x6f, 0x3a, 0xc4],
    hint: "a Litecoin address starts with L, M, 3 or ltc1",
};

pub(super) const DOGECOIN: Chain = Chain {
    hrp: None,
    testnet_hrps: &[],
    versions: &[0x1e, 0x16],
    testnet_versions: &[0x71, 0xc4],
    hint: "a Dogecoin address starts with D, A or 9",
};

/// Validates a mainnet address of `chain`; segwit addresses are returned lower-cased.
pub(super) fn parse(chain: &Chain, raw: &str) -> Result<String, AddressError> {
    let lower = raw.to_ascii_lowercase();
    if let Some(hrp) = chain.hrp
        && has_hrp(&lower, hrp)
    {
        // A base58 address may start with the same letters in another case; let it through.
        return segwit(chain, hrp, raw).or_else(|error| legacy(chain, raw).map_err(|_| error));
    }
    if chain.testnet_hrps.iter().any(|hrp| has_hrp(&lower, hrp)) {
        return Err(AddressError::TestnetAddress);
    }
    legacy(chain, raw)
}

fn has_hrp(lower: &str, hrp: &str) -> bool {
    lower.strip_prefix(hrp).is_some_and(|rest| rest.starts_with('1'))
}

fn legacy(chain: &Chain, raw: &str) -> Result<String, AddressError> {
    if !(26..=35).contains(&raw.len()) {
        return Err(AddressError::BadFormat(chain.hint));
    }
    let body = base58check::decode(raw, bs58::Alphabet::BITCOIN, chain.hint)?;
    if body.len() != 21 {
        return Err(AddressError::BadFormat(chain.hint));
    }
    if chain.versions.contains(&body[0]) {
        Ok(raw.to_owned())
    } else if chain.testnet_versions.contains(&body[0]) {
        Err(AddressError::TestnetAddress)
    } else {
        Err(AddressError::BadFormat(chain.hint))
    }
}

fn segwit(chain: &Chain, hrp: &str, raw: &str) -> Result<String, AddressError> {
    let has_lower = raw.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = raw.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        return Err(AddressError::MixedCase);
    }
    let lower = raw.to_ascii_lowercase();
    let (decoded_hrp, version, program) = bech32::segwit::decode(&lower).map_err(|error| match error.0 {
        bech32::primitives::decode::SegwitHrpstringError::Checksum(_) => AddressError::BadChecksum,
        _ => AddressError::BadFormat(chain.hint),
    })?;
    if decoded_hrp.as_str() != hrp {
        return Err(AddressError::BadFormat(chain.hint));
    }
    // v0 (P2WPKH, P2WSH) and v1 taproot only: later versions are not spendable by anyone yet.
    let supported = match version.to_u8() {
        0 => program.len() == 20 || program.len() == 32,
        1 => program.len() == 32,
        _ => false,
    };
    if !supported {
        return Err(AddressError::BadFormat(chain.hint));
    }
    Ok(lower)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test should fail loudly on an unexpected value
mod tests {
    use super::*;

    fn btc(raw: &str) -> Result<String, AddressError> {
        parse(&BITCOIN, raw)
    }

    #[test]
    fn bitcoin_legacy_and_segwit_addresses_are_accepted() {
        for address in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc1py3m7vwnghyne9gnvcjw82j7gqt2rafgdmlmwmqnn3hvcmdm09rjqcgrtxs",
        ] {
            assert_eq!(btc(address).as_deref(), Ok(address), "{address}");
        }
    }

    #[test]
    fn upper_case_bech32_is_accepted_and_lower_cased() {
        assert_eq!(
            btc("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").as_deref(),
            Ok("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
        );
    }

    #[test]
    fn bitcoin_addresses_with_a_changed_character_fail_the_checksum() {
        for address in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            // A taproot program with a bech32 (not bech32m) checksum.
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        ] {
            assert_eq!(btc(address), Err(AddressError::BadChecksum), "{address}");
        }
    }

    #[test]
    fn mixed_case_bech32_is_rejected() {
        assert_eq!(btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3T4"), Err(AddressError::MixedCase));
    }

    #[test]
    fn testnet_addresses_are_rejected_on_mainnet() {
        for address in [
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            "mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef",
            "2MxKEf2su6FGAUfCEAHreGFQvEYrfYNHvL7",
        ] {
            assert_eq!(btc(address), Err(AddressError::TestnetAddress), "{address}");
        }
    }

    #[test]
    fn bitcoin_rejects_wrong_lengths_versions_and_other_networks() {
        for address in [
            "1A1zP1eP5QGefi2DM",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa1A1z",
            "BC1SW50QGDZ25J",
            "bc1pw5dgrnzv",
            "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9",
            "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSU",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        ] {
            assert_eq!(btc(address), Err(AddressError::BadFormat(BITCOIN.hint)), "{address}");
        }
    }

    #[test]
    fn litecoin_legacy_p2sh_and_segwit_addresses_are_accepted() {
        for address in [
            "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9",
            "LTpYZG19YmfvY2bBDYtCKpunVRw7nVgRHW",
            "M7uWktm4AttpT71jJco9LVZcTnCT77yGzp",
            "3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt",
            "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea",
        ] {
            assert_eq!(parse(&LITECOIN, address).as_deref(), Ok(address), "{address}");
        }
    }

    #[test]
    fn litecoin_segwit_built_by_the_reference_encoder_is_accepted() {
        let hrp = bech32::Hrp::parse("ltc").unwrap();
        let address = bech32::segwit::encode_v0(hrp, &[7; 32]).unwrap();
        assert_eq!(parse(&LITECOIN, &address), Ok(address));
    }

    #[test]
    fn litecoin_rejects_bitcoin_and_broken_addresses() {
        assert_eq!(
            parse(&LITECOIN, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
            Err(AddressError::BadFormat(LITECOIN.hint))
        );
        assert_eq!(
            parse(&LITECOIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
            Err(AddressError::BadFormat(LITECOIN.hint))
        );
        assert_eq!(parse(&LITECOIN, "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH8"), Err(AddressError::BadChecksum));
        assert_eq!(
            parse(&LITECOIN, "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfeA"),
            Err(AddressError::MixedCase)
        );
        assert_eq!(
            parse(&LITECOIN, "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfec"),
            Err(AddressError::BadChecksum)
        );
    }

    #[test]
    fn dogecoin_p2pkh_and_p2sh_addresses_are_accepted() {
        for address in [
            "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSU",
            "DNzLUN6MyYVS5zf4Xc2yK69V3dXs6Mxia5",
            "A7JjzK9k9x5b2MkkQzqt91WZsuu7wTu6iS",
        ] {
            assert_eq!(parse(&DOGECOIN, address).as_deref(), Ok(address), "{address}");
        }
        let built = base58check::encode(&[[0x16].as_slice(), &[9; 20]].concat(), bs58::Alphabet::BITCOIN);
        assert!(built.starts_with('9') || built.starts_with('A'));
        assert_eq!(parse(&DOGECOIN, &built), Ok(built.clone()));
    }

    #[test]
    fn dogecoin_rejects_bitcoin_segwit_and_broken_addresses() {
        let hint = Err(AddressError::BadFormat(DOGECOIN.hint));
        assert_eq!(parse(&DOGECOIN, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), hint);
        assert_eq!(parse(&DOGECOIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"), hint);
        assert_eq!(parse(&DOGECOIN, "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqa"), Err(AddressError::BadChecksum));
        assert_eq!(parse(&DOGECOIN, "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSV"), Err(AddressError::BadChecksum));
    }
}
