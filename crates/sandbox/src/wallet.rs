//! `SandboxWallet`: the host wallet simulated in PostgreSQL — balances, idempotent transfers, fake hashes, confirmation after a delay.

mod funds;
mod store;

use std::time::Duration;

use async_trait::async_trait;
use paygate_domain::{
    host_wallet::{
        HostWallet, TransferId, TransferRequest, TransferStatus, TxHash, WalletBalances, WalletError,
    },
    money::{Amount, Asset},
    wallet::{Network, WalletAddress},
};
use rust_decimal::Decimal;
use sqlx::PgPool;

use self::{
    funds::{Funds, check_funds},
    store::{NewTransfer, Sent, TransferRow, TransferState},
};

pub use self::funds::SANDBOX_GAS_FEE;

/// The sandbox host wallet's address when the operator names none (no key exists for it).
pub const SANDBOX_WALLET_ADDRESS: &str = "0x5a4db0c0000000000000000000000000005a4db0";

fn db(error: sqlx::Error) -> WalletError {
    WalletError::Storage(error.to_string())
}

fn bad(what: String) -> WalletError {
    WalletError::BadResponse(what)
}

/// The operator's wallet in the sandbox: every state in the `sandbox_wallet` and `sandbox_transfers`
/// rows, so a restart or a second instance sees the same balances and transfers.
#[derive(Debug, Clone)]
pub struct SandboxWallet {
    pool: PgPool,
    address: WalletAddress,
    confirm_delay: Duration,
}

impl SandboxWallet {
    /// A sandbox wallet at `address` (an Ethereum address). `initial` seeds its balances the first time
    /// only; later starts keep what the database holds. A sent transfer confirms `confirm_delay` later.
    pub async fn new(
        pool: PgPool,
        address: WalletAddress,
        initial: WalletBalances,
        confirm_delay: Duration,
    ) -> Result<Self, WalletError> {
        if address.network() != Network::Eth {
            return Err(WalletError::InvalidAddress(format!("{address} is not an Ethereum address")));
        }
        let (eth, usdt) = balance_values(initial)?;
        store::seed(&pool, address.as_str(), eth, usdt).await.map_err(db)?;
        Ok(Self { pool, address, confirm_delay })
    }

    /// [`SANDBOX_WALLET_ADDRESS`] as a wallet address.
    pub fn default_address() -> WalletAddress {
        WalletAddress::parse(Network::Eth, SANDBOX_WALLET_ADDRESS)
            .unwrap_or_else(|_| unreachable!("the sandbox address is a valid Ethereum address"))
    }

    /// Operator helper: adds `eth` and `usdt` to the balances and returns the new balances.
    pub async fn top_up(&self, eth: Amount, usdt: Amount) -> Result<WalletBalances, WalletError> {
        let (eth, usdt) = balance_values(WalletBalances { eth, usdt })?;
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let row = store::add_balances(&mut conn, self.address.as_str(), eth, usdt)
            .await
            .map_err(db)?
            .ok_or(WalletError::NotFound)?;
        tracing::info!(kind = "user", eth = %row.eth, usdt = %row.usdt, "🏦 sandbox wallet topped up");
        balances_of(row.eth, row.usdt)
    }

    /// Operator helper: sets both balances (e.g. to zero, to demonstrate `NeedsFunds`).
    pub async fn set_balances(&self, balances: WalletBalances) -> Result<(), WalletError> {
        let (eth, usdt) = balance_values(balances)?;
        store::set_balances(&self.pool, self.address.as_str(), eth, usdt).await.map_err(db)
    }

    fn delay_ms(&self) -> i64 {
        i64::try_from(self.confirm_delay.as_millis()).unwrap_or(i64::MAX)
    }

    /// A transfer of another sandbox wallet (the address was changed) is never touched by this one.
    fn own(&self, row: &TransferRow) -> Result<(), WalletError> {
        if row.wallet_address == self.address.as_str() { Ok(()) } else { Err(WalletError::NotFound) }
    }

    async fn send_locked(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let row =
            store::lock_transfer(&mut tx, id.as_uuid()).await.map_err(db)?.ok_or(WalletError::NotFound)?;
        self.own(&row)?;
        if matches!(row.status, TransferState::Broadcast | TransferState::Confirmed) {
            tx.commit().await.map_err(db)?;
            return self.status(id).await;
        }
        let amount = amount_of(&row)?;
        let wallet = store::lock_balances(&mut tx, self.address.as_str())
            .await
            .map_err(db)?
            .ok_or(WalletError::NotFound)?;
        let (eth_debit, usdt_debit) = match check_funds(amount, &wallet)? {
            Funds::Short { needed, available } => {
                let detail = format!("needs {needed}, has {available}");
                tracing::warn!(transfer = %id, %detail, "🏦 sandbox wallet needs funds");
                store::mark_needs_funds(&mut tx, row.id, &detail).await.map_err(db)?;
                tx.commit().await.map_err(db)?;
                return Ok(TransferStatus::NeedsFunds { needed, available });
            }
            Funds::Enough { eth_debit, usdt_debit } => (eth_debit, usdt_debit),
        };
        store::add_balances(&mut tx, self.address.as_str(), -eth_debit, -usdt_debit).await.map_err(db)?;
        let hash = crate::fake::eth_tx_hash(row.id.as_bytes());
        let sent = Sent { nonce: wallet.next_nonce, tx_hash: &hash, gas_fee: SANDBOX_GAS_FEE };
        store::mark_sent(&mut tx, row.id, self.address.as_str(), &sent).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        tracing::info!(transfer = %id, nonce = sent.nonce, %hash, "🏦 sandbox transfer broadcast");
        Ok(TransferStatus::Broadcast { nonce: nonce_of(sent.nonce)?, hashes: vec![tx_hash(&hash)?] })
    }
}

#[async_trait]
impl HostWallet for SandboxWallet {
    fn address(&self) -> WalletAddress {
        self.address.clone()
    }

    async fn balances(&self) -> Result<WalletBalances, WalletError> {
        let row = store::balances(&self.pool, self.address.as_str())
            .await
            .map_err(db)?
            .ok_or(WalletError::NotFound)?;
        balances_of(row.eth, row.usdt)
    }

    #[tracing::instrument(skip_all, fields(reference = %request.reference))]
    async fn prepare_transfer(&self, request: &TransferRequest) -> Result<TransferId, WalletError> {
        let asset = supported(request.amount.asset())?;
        if request.to.network() != Network::Eth {
            return Err(WalletError::InvalidAddress(format!("{} is not an Ethereum address", request.to)));
        }
        let reference = request.reference.as_str();
        if reference.is_empty() || reference.len() > 200 || !reference.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(WalletError::Rejected("a reference is 1–200 printable ASCII characters".into()));
        }
        if request.amount.is_zero() {
            return Err(WalletError::Rejected("nothing to send".into()));
        }
        let new = NewTransfer {
            id: TransferId::new().as_uuid(),
            wallet_address: self.address.as_str(),
            reference,
            asset_code: asset.code(),
            asset_network: asset.network(),
            to_address: request.to.as_str(),
            amount: request.amount.value(),
        };
        let row = store::insert_transfer(&self.pool, &new).await.map_err(db)?;
        let same = row.wallet_address == new.wallet_address
            && row.asset_code == asset.code()
            && row.asset_network == asset.network()
            && row.to_address == new.to_address
            && row.amount == new.amount;
        if !same {
            return Err(WalletError::ReferenceConflict(reference.to_owned()));
        }
        Ok(TransferId::from_uuid(row.id))
    }

    #[tracing::instrument(skip(self), fields(wallet = %self.address))]
    async fn send(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        self.send_locked(id).await
    }

    async fn status(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        let row =
            store::transfer(&self.pool, id.as_uuid()).await.map_err(db)?.ok_or(WalletError::NotFound)?;
        self.own(&row)?;
        match row.status {
            TransferState::Prepared => Ok(TransferStatus::Prepared),
            TransferState::NeedsFunds => {
                let wallet = store::balances(&self.pool, self.address.as_str())
                    .await
                    .map_err(db)?
                    .ok_or(WalletError::NotFound)?;
                Ok(match check_funds(amount_of(&row)?, &wallet)? {
                    Funds::Short { needed, available } => TransferStatus::NeedsFunds { needed, available },
                    Funds::Enough { .. } => TransferStatus::Prepared,
                })
            }
            TransferState::Broadcast => {
                match store::confirm_if_due(&self.pool, row.id, self.delay_ms()).await.map_err(db)? {
                    Some((hash, block)) => {
                        tracing::info!(transfer = %id, %hash, block, "🏦 sandbox transfer confirmed");
                        Ok(TransferStatus::Confirmed { hash: tx_hash(&hash)?, block: block_of(block)? })
                    }
                    None => {
                        let hash = tx_hash(row.tx_hash.as_deref().unwrap_or_default())?;
                        Ok(TransferStatus::Broadcast {
                            nonce: nonce_of(row.nonce.unwrap_or(-1))?,
                            hashes: vec![hash],
                        })
                    }
                }
            }
            TransferState::Confirmed => Ok(TransferStatus::Confirmed {
                hash: tx_hash(row.tx_hash.as_deref().unwrap_or_default())?,
                block: block_of(row.block.unwrap_or(-1))?,
            }),
        }
    }

    fn is_live(&self) -> bool {
        false
    }
}

/// ETH and USDT-ERC20 are what a host wallet sends; anything else is refused.
fn supported(asset: Asset) -> Result<Asset, WalletError> {
    if asset == Asset::ETH || asset == Asset::USDT_ERC20 {
        Ok(asset)
    } else {
        Err(WalletError::UnsupportedAsset(asset))
    }
}

fn amount_of(row: &TransferRow) -> Result<Amount, WalletError> {
    let asset = Asset::parse(&row.asset_code, &row.asset_network).map_err(|e| bad(e.to_string()))?;
    Amount::new(row.amount, supported(asset)?).map_err(|e| bad(format!("stored transfer {}: {e}", row.id)))
}

/// `(eth, usdt)` values of balances whose assets are right.
fn balance_values(balances: WalletBalances) -> Result<(Decimal, Decimal), WalletError> {
    if balances.eth.asset() != Asset::ETH || balances.usdt.asset() != Asset::USDT_ERC20 {
        return Err(WalletError::Rejected("balances are ETH and USDT-ERC20".into()));
    }
    Ok((balances.eth.value(), balances.usdt.value()))
}

fn balances_of(eth: Decimal, usdt: Decimal) -> Result<WalletBalances, WalletError> {
    Ok(WalletBalances {
        eth: Amount::new(eth, Asset::ETH).map_err(|e| bad(e.to_string()))?,
        usdt: Amount::new(usdt, Asset::USDT_ERC20).map_err(|e| bad(e.to_string()))?,
    })
}

fn tx_hash(text: &str) -> Result<TxHash, WalletError> {
    TxHash::parse(text).ok_or_else(|| bad(format!("stored hash {text}")))
}

fn nonce_of(nonce: i64) -> Result<u64, WalletError> {
    u64::try_from(nonce).map_err(|_| bad(format!("stored nonce {nonce}")))
}

fn block_of(block: i64) -> Result<u64, WalletError> {
    u64::try_from(block).map_err(|_| bad(format!("stored block {block}")))
}
