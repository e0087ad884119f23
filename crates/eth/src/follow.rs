//! After signing: broadcast the stored bytes, follow every candidate's receipt, replace a stuck one at the same nonce.

use alloy::{
    primitives::{Address, B256},
    rpc::types::TransactionReceipt,
};
use chrono::Utc;
use paygate_domain::{
    host_wallet::{TransferId, TransferStatus, TxHash, WalletError},
    money::Asset,
};

use crate::{
    chain::Transfer,
    error::{RpcFailure, db},
    fees::{self, Fees},
    plan::Funds,
    store::{self, CandidateRow, NewCandidate, TransferRow, TransferState},
    wallet::EthWallet,
};

fn hash_of(text: &str) -> Result<TxHash, WalletError> {
    TxHash::parse(text).ok_or_else(|| WalletError::BadResponse(format!("stored hash {text}")))
}

fn b256(text: &str) -> Result<B256, WalletError> {
    text.parse().map_err(|_| WalletError::BadResponse(format!("stored hash {text}")))
}

impl EthWallet {
    /// Steps (b) and (c): sign and store if not yet done, then broadcast the stored bytes (again).
    pub async fn send(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        match self.sign(id).await? {
            TransferStatus::Signed { .. } | TransferStatus::Broadcast { .. } => self.broadcast(id).await,
            other => Ok(other),
        }
    }

    /// Broadcasts the latest stored candidate; a node that already has it, or a nonce already used by
    /// one of our candidates, is success.
    #[tracing::instrument(skip(self), fields(wallet = %self.address_text))]
    pub async fn broadcast(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let row = store::transfer(&mut conn, id.as_uuid()).await.map_err(db)?.ok_or(WalletError::NotFound)?;
        self.own(&row)?;
        let candidates = store::candidates(&mut conn, row.id).await.map_err(db)?;
        drop(conn);
        if candidates.is_empty() || !matches!(row.status, TransferState::Signed | TransferState::Broadcast) {
            return self.status(id).await;
        }
        self.broadcast_latest(&row, &candidates).await
    }

    async fn broadcast_latest(
        &self,
        row: &TransferRow,
        candidates: &[CandidateRow],
    ) -> Result<TransferStatus, WalletError> {
        let id = row.id;
        let Some(latest) = candidates.last() else { return Err(WalletError::NotFound) };
        match self.chain.send_raw(&latest.raw_tx).await {
            Ok(_) | Err(RpcFailure::AlreadyKnown) => {
                store::mark_broadcast(&self.pool, row.id, latest.id).await.map_err(db)?;
                tracing::info!(transfer = %id, hash = %latest.tx_hash, "🏦 transaction broadcast");
            }
            Err(RpcFailure::NonceTooLow) => {
                if self.mined_receipt(candidates).await?.is_none() {
                    return Err(WalletError::NonceConflict(format!(
                        "nonce {} used by another transaction",
                        latest.nonce
                    )));
                }
            }
            Err(RpcFailure::Underpriced) if candidates.iter().any(|c| c.broadcast_at.is_some()) => {
                tracing::info!(transfer = %id, "🏦 an earlier candidate holds the nonce in the pool");
            }
            Err(RpcFailure::Underpriced) => {
                return Err(WalletError::NonceConflict(format!(
                    "nonce {} held by another transaction",
                    latest.nonce
                )));
            }
            Err(other) => return Err(other.into()),
        }
        let nonce = row.nonce.and_then(|n| u64::try_from(n).ok()).unwrap_or_default();
        let hashes = candidates.iter().map(|c| hash_of(&c.tx_hash)).collect::<Result<Vec<_>, _>>()?;
        Ok(TransferStatus::Broadcast { nonce, hashes })
    }

    /// `Signed` until a node accepted a candidate, then `Broadcast` with every hash.
    pub(crate) fn in_flight(
        row: &TransferRow,
        candidates: &[CandidateRow],
    ) -> Result<TransferStatus, WalletError> {
        let nonce = row.nonce.and_then(|n| u64::try_from(n).ok()).unwrap_or_default();
        let hashes = candidates.iter().map(|c| hash_of(&c.tx_hash)).collect::<Result<Vec<_>, _>>()?;
        match (hashes.last(), candidates.iter().any(|c| c.broadcast_at.is_some())) {
            (Some(hash), false) => Ok(TransferStatus::Signed { nonce, hash: hash.clone() }),
            _ => Ok(TransferStatus::Broadcast { nonce, hashes }),
        }
    }

    async fn mined_receipt(
        &self,
        candidates: &[CandidateRow],
    ) -> Result<Option<(String, TransactionReceipt)>, WalletError> {
        for candidate in candidates {
            if let Some(receipt) = self.chain.receipt(b256(&candidate.tx_hash)?).await? {
                return Ok(Some((candidate.tx_hash.clone(), receipt)));
            }
        }
        Ok(None)
    }

    /// Step (d): confirmations of any candidate; otherwise re-broadcast, or replace the latest
    /// candidate at the same nonce once it has waited `replace_after`.
    #[tracing::instrument(skip(self), fields(wallet = %self.address_text))]
    pub async fn status(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let row = store::transfer(&mut conn, id.as_uuid()).await.map_err(db)?.ok_or(WalletError::NotFound)?;
        self.own(&row)?;
        match row.status {
            TransferState::Confirmed => {
                let hash = hash_of(row.mined_hash.as_deref().unwrap_or_default())?;
                let block = row.mined_block.and_then(|b| u64::try_from(b).ok()).unwrap_or_default();
                return Ok(TransferStatus::Confirmed { hash, block });
            }
            TransferState::Failed => {
                let reason = row.detail.clone().unwrap_or_default();
                let hash = hash_of(row.mined_hash.as_deref().unwrap_or_default())?;
                return Ok(TransferStatus::Failed { hash, reverted: reason == "reverted", reason });
            }
            TransferState::Prepared => return Ok(TransferStatus::Prepared),
            TransferState::NeedsFunds => {
                let call = self.call_of(&row)?;
                return Ok(match self.check_funds(&mut conn, &call).await? {
                    Funds::Short { needed, available } => TransferStatus::NeedsFunds { needed, available },
                    Funds::Enough { .. } => TransferStatus::Prepared,
                });
            }
            TransferState::Signed | TransferState::Broadcast | TransferState::Mined => {}
        }
        let candidates = store::candidates(&mut conn, row.id).await.map_err(db)?;
        if let Some((hash, receipt)) = self.mined_receipt(&candidates).await? {
            return self.judge(&mut conn, &row, &hash, &receipt).await;
        }
        if row.status == TransferState::Mined {
            // Its block was reorganised away: back to waiting (never to unsent).
            store::set_status(&mut conn, row.id, TransferState::Broadcast, None, None).await.map_err(db)?;
        }
        drop(conn);
        let nonce = row.nonce.and_then(|n| u64::try_from(n).ok()).unwrap_or_default();
        if self.chain.mined_nonce(self.address).await? > nonce {
            // Mined between the receipt look-up and now?
            if let Some((hash, receipt)) = self.mined_receipt(&candidates).await? {
                let mut conn = self.pool.acquire().await.map_err(db)?;
                return self.judge(&mut conn, &row, &hash, &receipt).await;
            }
            // A lagging node, or someone else used the nonce: retried, the operator told if it persists.
            return Err(WalletError::NonceConflict(format!(
                "nonce {nonce} is used but no candidate has a receipt"
            )));
        }
        let Some(latest) = candidates.last() else { return Err(WalletError::NotFound) };
        let waited = latest.broadcast_at.map(|at| Utc::now() - at);
        let stuck = waited.is_some_and(|w| w.to_std().unwrap_or_default() >= self.config.replace_after);
        if stuck {
            self.replace(&row, latest).await?;
        }
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let candidates = store::candidates(&mut conn, row.id).await.map_err(db)?;
        drop(conn);
        self.broadcast_latest(&row, &candidates).await
    }

    /// A mined candidate: reverted (final failure), moved no tokens (final failure), or counting
    /// confirmations up to done.
    async fn judge(
        &self,
        conn: &mut sqlx::PgConnection,
        row: &TransferRow,
        hash: &str,
        receipt: &TransactionReceipt,
    ) -> Result<TransferStatus, WalletError> {
        let head = self.chain.block_number().await?;
        let block = receipt.block_number.unwrap_or(head);
        let mined = Some((hash, i64::try_from(block).unwrap_or(i64::MAX)));
        let failure = if !receipt.status() {
            Some("reverted".to_owned())
        } else if Self::asset_of(&row.asset_code, &row.asset_network)? == Asset::USDT_ERC20
            && !self.moved_tokens(row, receipt)?
        {
            Some("mined without a Transfer log of the amount to the recipient".to_owned())
        } else {
            None
        };
        if let Some(reason) = failure {
            tracing::error!(transfer = %row.id, %hash, %reason, "🏦 transfer failed on chain");
            store::set_status(conn, row.id, TransferState::Failed, mined, Some(&reason)).await.map_err(db)?;
            return Ok(TransferStatus::Failed {
                hash: hash_of(hash)?,
                reverted: reason == "reverted",
                reason,
            });
        }
        let confirmations = head.saturating_sub(block) + 1;
        if confirmations >= self.config.confirmations {
            store::set_status(conn, row.id, TransferState::Confirmed, mined, None).await.map_err(db)?;
            tracing::info!(transfer = %row.id, %hash, block, "🏦 transfer confirmed");
            return Ok(TransferStatus::Confirmed { hash: hash_of(hash)?, block });
        }
        store::set_status(conn, row.id, TransferState::Mined, mined, None).await.map_err(db)?;
        Ok(TransferStatus::Mined { hash: hash_of(hash)?, block, confirmations })
    }

    fn moved_tokens(&self, row: &TransferRow, receipt: &TransactionReceipt) -> Result<bool, WalletError> {
        let call = self.call_of(row)?;
        let (token, from): (Address, Address) = (self.config.usdt_contract, self.address);
        Ok(receipt.inner.logs().iter().any(|log| {
            log.address() == token
                && log.log_decode::<Transfer>().is_ok_and(|event| {
                    let event = &event.inner.data;
                    event.from == from && event.to == call.recipient && event.value == call.amount
                })
        }))
    }

    /// Signs and stores a replacement at the same nonce with both fees raised by at least 12.5 %
    /// (never above the cap). Every earlier candidate stays stored and followed.
    async fn replace(&self, row: &TransferRow, judged: &CandidateRow) -> Result<(), WalletError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let row_now =
            store::lock_transfer(&mut tx, row.id).await.map_err(db)?.ok_or(WalletError::NotFound)?;
        let candidates = store::candidates(&mut tx, row.id).await.map_err(db)?;
        let unchanged = candidates.last().is_some_and(|c| c.id == judged.id);
        if !unchanged || !matches!(row_now.status, TransferState::Signed | TransferState::Broadcast) {
            return Ok(()); // replaced or settled meanwhile
        }
        let parse = |text: &str| {
            text.parse::<u128>().map_err(|_| WalletError::BadResponse(format!("stored fee {text}")))
        };
        let previous = Fees {
            max_fee_per_gas: parse(&judged.max_fee_per_gas)?,
            max_priority_fee_per_gas: parse(&judged.max_priority_fee_per_gas)?,
        };
        let market = self.chain.fees(self.cap_wei()).await?;
        let Some(bumped) = fees::bump(previous, market, self.cap_wei()) else {
            tracing::warn!(transfer = %row.id, "🏦 stuck transaction not replaced: the fee cap is reached");
            return Ok(());
        };
        let call = self.call_of(&row_now)?;
        let nonce =
            u64::try_from(judged.nonce).map_err(|_| WalletError::BadResponse("negative nonce".into()))?;
        let gas_limit =
            u64::try_from(judged.gas_limit).map_err(|_| WalletError::BadResponse("gas limit".into()))?;
        let (raw, hash) = self.sign_call(&call, nonce, gas_limit, bumped)?;
        let hash_text = format!("{hash:#x}");
        let candidate = NewCandidate {
            transfer_id: row.id,
            nonce: judged.nonce,
            raw_tx: &raw,
            tx_hash: &hash_text,
            gas_limit: judged.gas_limit,
            max_fee_per_gas: &bumped.max_fee_per_gas.to_string(),
            max_priority_fee_per_gas: &bumped.max_priority_fee_per_gas.to_string(),
        };
        store::insert_candidate(&mut tx, &candidate).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        tracing::warn!(transfer = %row.id, nonce, replaced = %judged.tx_hash, by = %hash_text, "🏦 stuck transaction replaced at the same nonce");
        Ok(())
    }
}
