//! Fake chain values for the sandbox: deterministic transaction hashes and fresh Ethereum addresses.

use paygate_domain::wallet::{Network, WalletAddress};

/// splitmix64: a tiny, well-mixed step; enough for values that only need to look random.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 64 lower-case hex digits, always the same for the same `seed` (not a real hash: a sandbox stand-in).
pub(crate) fn hex64(seed: &[u8]) -> String {
    let mut state = seed.iter().fold(0x5a4d_b0c5_u64, |acc, byte| mix(acc ^ u64::from(*byte)));
    (0..4)
        .map(|_| {
            state = mix(state);
            format!("{state:016x}")
        })
        .collect()
}

/// A transaction hash as Ethereum writes it: `0x` + 64 hex digits.
pub(crate) fn eth_tx_hash(seed: &[u8]) -> String {
    format!("0x{}", hex64(seed))
}

/// A fresh random Ethereum address in its EIP-55 form.
pub(crate) fn random_eth_address() -> Option<WalletAddress> {
    let bytes = [*uuid::Uuid::new_v4().as_bytes(), *uuid::Uuid::new_v4().as_bytes()].concat();
    let hex: String = bytes.iter().take(20).map(|byte| format!("{byte:02x}")).collect();
    WalletAddress::parse(Network::Eth, &format!("0x{hex}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_deterministic_distinct_and_well_formed() {
        let one = eth_tx_hash(b"a");
        assert_eq!(one, eth_tx_hash(b"a"));
        assert_ne!(one, eth_tx_hash(b"b"));
        assert!(paygate_domain::host_wallet::TxHash::parse(&one).is_some(), "{one}");
        assert_eq!(hex64(b"").len(), 64);
    }

    #[test]
    fn random_addresses_are_valid_and_differ() {
        let (a, b) = (random_eth_address().unwrap(), random_eth_address().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.network(), Network::Eth);
        assert_eq!(a.as_str().len(), 42);
    }
}
