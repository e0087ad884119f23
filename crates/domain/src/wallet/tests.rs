//! Cross-network tests of the public wallet API.

use super::*;

/// One real address per network.
const SAMPLES: [(Network, &str); 13] = [
    (Network::Btc, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    (Network::Eth, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
    (Network::Bsc, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"),
    (Network::Matic, "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"),
    (Network::Trx, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
    (Network::Ltc, "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9"),
    (Network::Bch, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
    (Network::Doge, "DPpJVPpvPNP6i6tMj4rTycAGh8wReTqaSU"),
    (
        Network::Xmr,
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
    ),
    (Network::Sol, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"),
    (Network::Xrp, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"),
    (Network::Ton, "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N"),
    (Network::Xlm, "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ"),
];

fn is_evm(network: Network) -> bool {
    matches!(network, Network::Eth | Network::Bsc | Network::Matic)
}

#[test]
fn network_codes_round_trip_in_any_case() {
    for network in Network::ALL {
        assert_eq!(Network::from_code(network.code()), Some(network));
        assert_eq!(Network::from_code(&network.code().to_ascii_uppercase()), Some(network));
        assert_eq!(network.code(), network.code().to_ascii_lowercase());
        assert_eq!(network.to_string(), network.code());
    }
    assert_eq!(Network::from_code("Matic"), Some(Network::Matic));
    assert_eq!(Network::from_code("erc20"), None);
    assert_eq!(Network::from_code(""), None);
}

#[test]
fn only_xrp_stellar_and_ton_take_an_extra_id() {
    assert_eq!(Network::Xrp.extra_id_kind(), ExtraIdKind::DestinationTag);
    assert_eq!(Network::Xlm.extra_id_kind(), ExtraIdKind::Memo);
    assert_eq!(Network::Ton.extra_id_kind(), ExtraIdKind::Memo);
    let without = Network::ALL.iter().filter(|n| n.extra_id_kind() == ExtraIdKind::None).count();
    assert_eq!(without, 10);
}

#[test]
fn every_network_accepts_its_sample_address() {
    for (network, raw) in SAMPLES {
        let address = WalletAddress::parse(network, raw).unwrap_or_else(|e| panic!("{network} {raw}: {e}"));
        assert_eq!(address.network(), network);
        assert_eq!(address.as_str(), raw);
    }
}

#[test]
fn every_network_rejects_the_other_networks_addresses() {
    for (network, _) in SAMPLES {
        for (other, raw) in SAMPLES {
            let same_family = network == other || (is_evm(network) && is_evm(other));
            let result = WalletAddress::parse(network, raw);
            assert_eq!(result.is_ok(), same_family, "{raw} on {network}: {result:?}");
        }
    }
}

#[test]
fn surrounding_whitespace_is_trimmed() {
    let address = WalletAddress::parse(Network::Trx, " \tTR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\n");
    assert_eq!(address.map(|a| a.to_string()).as_deref(), Ok("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"));
}

#[test]
fn empty_and_blank_addresses_are_rejected_on_every_network() {
    for network in Network::ALL {
        assert_eq!(WalletAddress::parse(network, ""), Err(AddressError::Empty));
        assert_eq!(WalletAddress::parse(network, "  \n"), Err(AddressError::Empty));
    }
}

#[test]
fn whitespace_inside_an_address_is_rejected_on_every_network() {
    for (network, raw) in SAMPLES {
        let (head, tail) = raw.split_at(10);
        for gap in [" ", "\t", "\u{a0}"] {
            let spaced = format!("{head}{gap}{tail}");
            assert_eq!(
                WalletAddress::parse(network, &spaced),
                Err(AddressError::ContainsWhitespace),
                "{spaced}"
            );
        }
    }
}

#[test]
fn non_ascii_lookalike_characters_are_rejected() {
    // Cyrillic "Т" instead of the Latin T.
    let result = WalletAddress::parse(Network::Trx, "\u{422}R7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
    assert!(matches!(result, Err(AddressError::BadFormat(_))));
}

#[test]
fn addresses_are_stored_normalized() {
    let eth = WalletAddress::parse(Network::Eth, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").unwrap();
    assert_eq!(eth.as_str(), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    let bch = WalletAddress::parse(Network::Bch, "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu").unwrap();
    assert_eq!(bch.as_str(), "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a");
    let btc = WalletAddress::parse(Network::Btc, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").unwrap();
    assert_eq!(btc.as_str(), "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
}

#[test]
fn addresses_serialize_as_plain_strings() {
    let address = WalletAddress::parse(Network::Xrp, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh").unwrap();
    assert_eq!(serde_json::to_string(&address).unwrap(), "\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\"");
    assert_eq!(address.to_string(), "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh");
}

#[test]
fn error_messages_are_short_sentences_for_end_users() {
    let errors = [
        WalletAddress::parse(Network::Eth, "0x123").unwrap_err(),
        WalletAddress::parse(Network::Eth, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").unwrap_err(),
        WalletAddress::parse(Network::Btc, "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7")
            .unwrap_err(),
        WalletAddress::parse(Network::Btc, "").unwrap_err(),
        ExtraId::parse(Network::Btc, "1").unwrap_err(),
    ];
    for error in errors {
        let message = error.to_string();
        assert!(!message.is_empty() && message.len() < 120, "{message}");
        assert!(!message.contains('{') && !message.contains("Error"), "{message}");
    }
    assert_eq!(
        WalletAddress::parse(Network::Eth, "0x123").unwrap_err().to_string(),
        "an address starts with 0x followed by 40 hexadecimal characters"
    );
}
