//! Checksum and hash helpers shared by the address formats.

use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// First four bytes of SHA-256(SHA-256(data)), the base58check checksum.
pub(super) fn double_sha256_prefix(data: &[u8]) -> [u8; 4] {
    let digest = Sha256::digest(Sha256::digest(data));
    [digest[0], digest[1], digest[2], digest[3]]
}

/// Keccak-256 (the pre-standard SHA-3 used by Ethereum and Monero).
pub(super) fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final xor.
pub(super) fn crc16_xmodem(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc16_xmodem_matches_the_standard_check_value() {
        assert_eq!(crc16_xmodem(b"123456789"), 0x31c3);
    }

    #[test]
    fn keccak256_of_empty_input_is_the_well_known_constant() {
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn double_sha256_prefix_takes_four_bytes_of_the_double_hash() {
        // SHA-256(SHA-256("")) = 5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456
        assert_eq!(double_sha256_prefix(b""), [0x5d, 0xf6, 0xe0, 0xe2]);
    }
}
