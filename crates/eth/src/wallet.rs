//! `EthWallet`: the host wallet on one chain, and its `HostWallet` port implementation.

use alloy::primitives::{Address, U256};
use async_trait::async_trait;
use paygate_domain::{
    host_wallet::{
        HostWallet, TransferId, TransferRequest, TransferStatus, TxHash, WalletBalances, WalletError,
    },
    money::{Amount, Asset},
    wallet::{Network, WalletAddress},
};
use sqlx::PgPool;

use crate::{
    chain::Chain,
    config::EthWalletConfig,
    error::db,
    store::{self, NewTransfer},
    units::{from_base_units, to_base_units},
};

/// The operator's wallet: one sender per wallet address (nonces are allocated under a row lock).
#[derive(Clone)]
pub struct EthWallet {
    pub(crate) pool: PgPool,
    pub(crate) chain: Chain,
    pub(crate) config: EthWalletConfig,
    pub(crate) address: Address,
    /// `0x` + lower-case hex, as stored.
    pub(crate) address_text: String,
    own_address: WalletAddress,
}

impl std::fmt::Debug for EthWallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EthWallet").field("config", &self.config).finish_non_exhaustive()
    }
}

/// One signed candidate of a transfer, as stored (for operators and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub nonce: u64,
    pub hash: TxHash,
    pub raw_tx: Vec<u8>,
    pub gas_limit: u64,
    pub max_fee_per_gas: u128,
    pub max_priority_fee_per_gas: u128,
    pub broadcast: bool,
}

impl EthWallet {
    /// Connects to the node and checks it serves `config.chain_id`.
    pub async fn connect(pool: PgPool, config: EthWalletConfig) -> Result<Self, WalletError> {
        let chain = Chain::new(&config)?;
        let served = chain.chain_id().await?;
        if served != config.chain_id {
            return Err(WalletError::Rejected(format!(
                "the node serves chain {served}, not {}",
                config.chain_id
            )));
        }
        let address = config.key.address();
        let address_text = format!("{address:#x}");
        let own_address = WalletAddress::parse(Network::Eth, &address_text)
            .map_err(|e| WalletError::InvalidAddress(e.to_string()))?;
        Ok(Self { pool, chain, config, address, address_text, own_address })
    }

    pub fn address_hex(&self) -> &str {
        &self.address_text
    }

    /// Every candidate of a transfer, oldest first.
    pub async fn candidates(&self, id: TransferId) -> Result<Vec<Candidate>, WalletError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let rows = store::candidates(&mut conn, id.as_uuid()).await.map_err(db)?;
        rows.into_iter()
            .map(|row| {
                let bad =
                    |what: &str| WalletError::BadResponse(format!("stored candidate {}: {what}", row.id));
                Ok(Candidate {
                    nonce: u64::try_from(row.nonce).map_err(|_| bad("nonce"))?,
                    hash: TxHash::parse(&row.tx_hash).ok_or_else(|| bad("hash"))?,
                    gas_limit: u64::try_from(row.gas_limit).map_err(|_| bad("gas limit"))?,
                    max_fee_per_gas: row.max_fee_per_gas.parse().map_err(|_| bad("max fee"))?,
                    max_priority_fee_per_gas: row
                        .max_priority_fee_per_gas
                        .parse()
                        .map_err(|_| bad("priority fee"))?,
                    broadcast: row.broadcast_at.is_some(),
                    raw_tx: row.raw_tx,
                })
            })
            .collect()
    }

    pub(crate) fn asset_of(code: &str, network: &str) -> Result<Asset, WalletError> {
        let asset = Asset::parse(code, network).map_err(|e| WalletError::BadResponse(e.to_string()))?;
        if asset == Asset::ETH || asset == Asset::USDT_ERC20 {
            Ok(asset)
        } else {
            Err(WalletError::UnsupportedAsset(asset))
        }
    }

    pub(crate) fn amount(value: U256, asset: Asset) -> Result<Amount, WalletError> {
        from_base_units(value, asset)
            .ok_or_else(|| WalletError::BadResponse(format!("{value} {asset:?} is out of range")))
    }
}

#[async_trait]
impl HostWallet for EthWallet {
    fn address(&self) -> WalletAddress {
        self.own_address.clone()
    }

    async fn balances(&self) -> Result<WalletBalances, WalletError> {
        let eth = self.chain.eth_balance(self.address).await?;
        let usdt = self.chain.token_balance(self.config.usdt_contract, self.address).await?;
        Ok(WalletBalances {
            eth: Self::amount(eth, Asset::ETH)?,
            usdt: Self::amount(usdt, Asset::USDT_ERC20)?,
        })
    }

    #[tracing::instrument(skip_all, fields(reference = %request.reference))]
    async fn prepare_transfer(&self, request: &TransferRequest) -> Result<TransferId, WalletError> {
        let asset = Self::asset_of(request.amount.asset().code(), request.amount.asset().network())?;
        if request.to.network() != Network::Eth {
            return Err(WalletError::InvalidAddress(format!("{} is not an Ethereum address", request.to)));
        }
        let to: Address =
            request.to.as_str().parse().map_err(|_| WalletError::InvalidAddress(request.to.to_string()))?;
        let reference = request.reference.as_str();
        if reference.is_empty() || reference.len() > 200 || !reference.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(WalletError::Rejected("a reference is 1–200 printable ASCII characters".into()));
        }
        if request.amount.is_zero() {
            return Err(WalletError::Rejected("nothing to send".into()));
        }
        let (to_text, amount_text) = (format!("{to:#x}"), to_base_units(request.amount).to_string());
        let new = NewTransfer {
            id: TransferId::new().as_uuid(),
            wallet_address: &self.address_text,
            reference,
            asset_code: asset.code(),
            asset_network: asset.network(),
            to_address: &to_text,
            amount_base: &amount_text,
        };
        let row = store::insert_transfer(&self.pool, &new).await.map_err(db)?;
        let same = row.wallet_address == self.address_text
            && row.asset_code == asset.code()
            && row.asset_network == asset.network()
            && row.to_address == to_text
            && row.amount_base == amount_text;
        if !same {
            return Err(WalletError::ReferenceConflict(row.reference));
        }
        Ok(TransferId::from_uuid(row.id))
    }

    async fn send(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        EthWallet::send(self, id).await
    }

    async fn status(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        EthWallet::status(self, id).await
    }

    fn is_live(&self) -> bool {
        true
    }
}
