//! Before a nonce is used: what the transaction calls, whether the wallet can pay for it, and signing it into stored bytes.

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::eip2718::Encodable2718,
    network::TxSignerSync,
    primitives::{Address, B256, Bytes, TxKind, U256},
    sol_types::SolCall,
};
use paygate_domain::{
    host_wallet::{TransferId, TransferStatus, TxHash, WalletError},
    money::{Amount, Asset},
};
use sqlx::PgConnection;

use crate::{
    chain::transferCall,
    error::{RpcFailure, db},
    fees::Fees,
    store::{self, NewCandidate, TransferRow, TransferState},
    units::gwei,
    wallet::EthWallet,
};

/// The on-chain call of a transfer: a plain value transfer, or `transfer(to, amount)` on the token.
pub(crate) struct Call {
    pub asset: Asset,
    pub recipient: Address,
    pub amount: U256,
    pub to: Address,
    pub value: U256,
    pub input: Bytes,
}

pub(crate) enum Funds {
    Enough { gas_limit: u64, fees: Fees },
    Short { needed: Amount, available: Amount },
}

const TOKEN_GAS_FALLBACK: u64 = 100_000;
const ETH_GAS: u64 = 21_000;

impl EthWallet {
    /// A transfer of another wallet (the key was changed) is never touched by this one.
    pub(crate) fn own(&self, row: &TransferRow) -> Result<(), WalletError> {
        if row.wallet_address == self.address_text { Ok(()) } else { Err(WalletError::NotFound) }
    }

    pub(crate) fn cap_wei(&self) -> u128 {
        gwei(self.config.max_fee_gwei)
    }

    pub(crate) fn call_of(&self, row: &TransferRow) -> Result<Call, WalletError> {
        let asset = Self::asset_of(&row.asset_code, &row.asset_network)?;
        let bad = |what: &str| WalletError::BadResponse(format!("stored transfer {}: {what}", row.id));
        let recipient: Address = row.to_address.parse().map_err(|_| bad("address"))?;
        let amount: U256 = row.amount_base.parse().map_err(|_| bad("amount"))?;
        Ok(if asset == Asset::ETH {
            Call { asset, recipient, amount, to: recipient, value: amount, input: Bytes::new() }
        } else {
            let input = transferCall { to: recipient, value: amount }.abi_encode().into();
            Call { asset, recipient, amount, to: self.config.usdt_contract, value: U256::ZERO, input }
        })
    }

    /// Checks the balances against this transfer plus every unmined transfer of the wallet, and
    /// estimates gas. Nothing is signed and no nonce is used.
    pub(crate) async fn check_funds(
        &self,
        conn: &mut PgConnection,
        call: &Call,
    ) -> Result<Funds, WalletError> {
        let mined_nonce = self.chain.mined_nonce(self.address).await?;
        let (mut reserved_eth, mut reserved_token) = (U256::ZERO, U256::ZERO);
        let from_nonce = i64::try_from(mined_nonce).unwrap_or(i64::MAX);
        for reservation in store::reservations(conn, &self.address_text, from_nonce).await.map_err(db)? {
            let amount: U256 = reservation.amount_base.parse().unwrap_or(U256::MAX);
            reserved_eth += reservation.max_gas_cost.parse::<U256>().unwrap_or(U256::MAX);
            if reservation.asset_code == Asset::ETH.code() {
                reserved_eth = reserved_eth.saturating_add(amount);
            } else {
                reserved_token = reserved_token.saturating_add(amount);
            }
        }
        let eth = self.chain.eth_balance(self.address).await?.saturating_sub(reserved_eth);
        let fees = self.chain.fees(self.cap_wei()).await?;
        let eth_short = |needed: U256| -> Result<Funds, WalletError> {
            Ok(Funds::Short {
                needed: Self::amount(needed, Asset::ETH)?,
                available: Self::amount(eth, Asset::ETH)?,
            })
        };
        if call.asset == Asset::USDT_ERC20 {
            let token = self.chain.token_balance(self.config.usdt_contract, self.address).await?;
            let token = token.saturating_sub(reserved_token);
            if token < call.amount {
                return Ok(Funds::Short {
                    needed: Self::amount(call.amount, call.asset)?,
                    available: Self::amount(token, call.asset)?,
                });
            }
        }
        let gas_cost = |gas: u64| U256::from(gas) * U256::from(fees.max_fee_per_gas);
        if eth < call.value {
            return eth_short(call.value + gas_cost(ETH_GAS));
        }
        let estimate = self.chain.estimate_gas(self.address, call.to, call.value, call.input.clone()).await;
        let gas_limit = match estimate {
            // Token gas varies with storage state: a margin, the unused part is refunded.
            Ok(gas) if call.asset == Asset::USDT_ERC20 => gas.saturating_mul(6) / 5,
            Ok(gas) => gas.max(ETH_GAS),
            Err(RpcFailure::InsufficientFunds) if call.asset == Asset::ETH => ETH_GAS,
            Err(RpcFailure::InsufficientFunds) => TOKEN_GAS_FALLBACK,
            Err(RpcFailure::Reverted(reason)) => return Err(WalletError::Reverted(reason)),
            Err(other) => return Err(other.into()),
        };
        let needed = call.value + gas_cost(gas_limit);
        if eth < needed {
            return eth_short(needed);
        }
        Ok(Funds::Enough { gas_limit, fees })
    }

    /// Signs the call at `nonce`: the EIP-2718 bytes to store and broadcast, and their hash.
    pub(crate) fn sign_call(
        &self,
        call: &Call,
        nonce: u64,
        gas_limit: u64,
        fees: Fees,
    ) -> Result<(Vec<u8>, B256), WalletError> {
        let mut tx = TxEip1559 {
            chain_id: self.config.chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas: fees.max_fee_per_gas,
            max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
            to: TxKind::Call(call.to),
            value: call.value,
            access_list: Default::default(),
            input: call.input.clone(),
        };
        let signature = self
            .config
            .key
            .signer()
            .sign_transaction_sync(&mut tx)
            .map_err(|e| WalletError::Rejected(e.to_string()))?;
        let envelope = TxEnvelope::from(tx.into_signed(signature));
        Ok((envelope.encoded_2718(), *envelope.tx_hash()))
    }

    /// Step (b): funds checked, then the next nonce is taken, the transaction signed and stored —
    /// all under the wallet's nonce lock, before anything is broadcast. Already signed: unchanged.
    #[tracing::instrument(skip(self), fields(wallet = %self.address_text))]
    pub async fn sign(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let row =
            store::lock_transfer(&mut tx, id.as_uuid()).await.map_err(db)?.ok_or(WalletError::NotFound)?;
        self.own(&row)?;
        if row.nonce.is_some() {
            let candidates = store::candidates(&mut tx, row.id).await.map_err(db)?;
            tx.commit().await.map_err(db)?;
            return match row.status {
                TransferState::Signed | TransferState::Broadcast => Self::in_flight(&row, &candidates),
                _ => self.status(id).await,
            };
        }
        let call = self.call_of(&row)?;
        let pending = i64::try_from(self.chain.pending_nonce(self.address).await?).unwrap_or(i64::MAX);
        let chain_id = i64::try_from(self.config.chain_id).unwrap_or(i64::MAX);
        let nonce =
            store::lock_next_nonce(&mut tx, &self.address_text, chain_id, pending).await.map_err(db)?;
        let (gas_limit, fees) = match self.check_funds(&mut tx, &call).await? {
            Funds::Short { needed, available } => {
                let detail = format!("needs {needed}, has {available}");
                tracing::warn!(transfer = %id, %detail, "🏦 host wallet needs funds");
                store::set_status(&mut tx, row.id, TransferState::NeedsFunds, None, Some(&detail))
                    .await
                    .map_err(db)?;
                tx.commit().await.map_err(db)?;
                return Ok(TransferStatus::NeedsFunds { needed, available });
            }
            Funds::Enough { gas_limit, fees } => (gas_limit, fees),
        };
        let nonce_u64 =
            u64::try_from(nonce).map_err(|_| WalletError::BadResponse("negative nonce".into()))?;
        let (raw, hash) = self.sign_call(&call, nonce_u64, gas_limit, fees)?;
        let hash_text = format!("{hash:#x}");
        let candidate = NewCandidate {
            transfer_id: row.id,
            nonce,
            raw_tx: &raw,
            tx_hash: &hash_text,
            gas_limit: i64::try_from(gas_limit).unwrap_or(i64::MAX),
            max_fee_per_gas: &fees.max_fee_per_gas.to_string(),
            max_priority_fee_per_gas: &fees.max_priority_fee_per_gas.to_string(),
        };
        store::insert_candidate(&mut tx, &candidate).await.map_err(db)?;
        store::assign_nonce(&mut tx, row.id, nonce).await.map_err(db)?;
        store::set_next_nonce(&mut tx, &self.address_text, nonce + 1).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        tracing::info!(transfer = %id, nonce, hash = %hash_text, "🏦 transfer signed and stored");
        let hash = TxHash::parse(&hash_text).ok_or_else(|| WalletError::BadResponse(hash_text.clone()))?;
        Ok(TransferStatus::Signed { nonce: nonce_u64, hash })
    }
}
