//! Payout wallet addresses and memos, checked against each network's real address format.

mod base58check;
mod bitcoin_like;
mod cashaddr;
mod checksum;
mod evm;
mod extra_id;
mod monero;
mod ripple;
mod solana;
mod stellar;
mod ton;
mod tron;

use std::fmt;

pub use extra_id::ExtraId;

/// A payout network, named by its ChangeNOW network code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    Btc,
    Eth,
    Bsc,
    Matic,
    Trx,
    Ltc,
    Bch,
    Doge,
    Xmr,
    Sol,
    Xrp,
    Ton,
    Xlm,
}

impl Network {
    /// Every supported network, in a stable order.
    pub const ALL: [Network; 13] = [
        Network::Btc,
        Network::Eth,
        Network::Bsc,
        Network::Matic,
        Network::Trx,
        Network::Ltc,
        Network::Bch,
        Network::Doge,
        Network::Xmr,
        Network::Sol,
        Network::Xrp,
        Network::Ton,
        Network::Xlm,
    ];

    /// Looks a network up by its ChangeNOW code, in any case.
    pub fn from_code(code: &str) -> Option<Network> {
        let code = code.trim();
        Self::ALL.into_iter().find(|network| network.code().eq_ignore_ascii_case(code))
    }

    /// The lower-case ChangeNOW network code.
    pub fn code(self) -> &'static str {
        match self {
            Network::Btc => "btc",
            Network::Eth => "eth",
            Network::Bsc => "bsc",
            Network::Matic => "matic",
            Network::Trx => "trx",
            Network::Ltc => "ltc",
            Network::Bch => "bch",
            Network::Doge => "doge",
            Network::Xmr => "xmr",
            Network::Sol => "sol",
            Network::Xrp => "xrp",
            Network::Ton => "ton",
            Network::Xlm => "xlm",
        }
    }

    /// A human name for messages and pickers.
    pub fn display_name(self) -> &'static str {
        match self {
            Network::Btc => "Bitcoin",
            Network::Eth => "Ethereum",
            Network::Bsc => "BNB Smart Chain",
            Network::Matic => "Polygon",
            Network::Trx => "TRON",
            Network::Ltc => "Litecoin",
            Network::Bch => "Bitcoin Cash",
            Network::Doge => "Dogecoin",
            Network::Xmr => "Monero",
            Network::Sol => "Solana",
            Network::Xrp => "XRP Ledger",
            Network::Ton => "TON",
            Network::Xlm => "Stellar",
        }
    }

    /// Which extra id (memo, destination tag) a payout on this network may carry.
    pub fn extra_id_kind(self) -> ExtraIdKind {
        match self {
            Network::Xrp => ExtraIdKind::DestinationTag,
            Network::Xlm | Network::Ton => ExtraIdKind::Memo,
            Network::Btc
            | Network::Eth
            | Network::Bsc
            | Network::Matic
            | Network::Trx
            | Network::Ltc
            | Network::Bch
            | Network::Doge
            | Network::Xmr
            | Network::Sol => ExtraIdKind::None,
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The kind of extra id a network uses next to the address; it is always optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtraIdKind {
    None,
    /// XRP Ledger destination tag: a decimal 32-bit unsigned integer.
    DestinationTag,
    /// A short text memo (Stellar, TON).
    Memo,
}

/// Why an address or extra id was rejected; the message is shown to the user as a field error.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AddressError {
    #[error("enter a wallet address")]
    Empty,
    #[error("the address must not contain spaces")]
    ContainsWhitespace,
    /// A network-specific hint on what the address should look like.
    #[error("{0}")]
    BadFormat(&'static str),
    #[error("the address mixes upper- and lower-case letters; paste it exactly as your wallet shows it")]
    MixedCase,
    #[error("the address checksum does not match; check it for a typo")]
    BadChecksum,
    #[error("this is a testnet address; use a mainnet address")]
    TestnetAddress,
    /// A valid address of a kind we do not pay out to, with what to use instead.
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("this network does not use a memo or destination tag")]
    ExtraIdNotSupported,
    /// What a valid memo or destination tag looks like.
    #[error("{0}")]
    BadExtraId(&'static str),
}

/// A payout address proven valid for its network, stored in its normalized form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WalletAddress {
    network: Network,
    address: String,
}

impl WalletAddress {
    /// Checks `raw` (surrounding whitespace ignored) against the address format of `network`.
    pub fn parse(network: Network, raw: &str) -> Result<WalletAddress, AddressError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(AddressError::Empty);
        }
        if raw.chars().any(char::is_whitespace) {
            return Err(AddressError::ContainsWhitespace);
        }
        if !raw.is_ascii() {
            return Err(AddressError::BadFormat("the address may only contain latin letters and digits"));
        }
        let address = match network {
            Network::Btc => bitcoin_like::parse(&bitcoin_like::BITCOIN, raw)?,
            Network::Ltc => bitcoin_like::parse(&bitcoin_like::LITECOIN, raw)?,
            Network::Doge => bitcoin_like::parse(&bitcoin_like::DOGECOIN, raw)?,
            Network::Bch => cashaddr::parse(raw)?,
            Network::Eth | Network::Bsc | Network::Matic => evm::parse(raw)?,
            Network::Trx => tron::parse(raw)?,
            Network::Xmr => monero::parse(raw)?,
            Network::Sol => solana::parse(raw)?,
            Network::Xrp => ripple::parse(raw)?,
            Network::Ton => ton::parse(raw)?,
            Network::Xlm => stellar::parse(raw)?,
        };
        Ok(WalletAddress { network, address })
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    pub fn network(&self) -> Network {
        self.network
    }
}

impl fmt::Display for WalletAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl serde::Serialize for WalletAddress {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.address)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test should fail loudly on an unexpected value
mod tests;
