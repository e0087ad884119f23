//! A process that dies after signing, or after broadcasting, resumes from what it stored: exactly one
//! transfer reaches the chain. The "crash" is the send step failing at that point (the job runs
//! again from the database, as a restarted process would).

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use async_trait::async_trait;
use paygate_domain::{
    host_wallet::{HostWallet, TransferId, TransferRequest, TransferStatus, WalletBalances, WalletError},
    wallet::WalletAddress,
};
use paygate_eth::EthWallet;
use paygate_test_support::anvil::WALLET_ADDRESS;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum DieAfter {
    Signing,
    Broadcast,
}

/// The live wallet, whose first `send` dies at the chosen point.
struct Dying {
    inner: Arc<EthWallet>,
    point: DieAfter,
    died: AtomicBool,
}

#[async_trait]
impl HostWallet for Dying {
    fn address(&self) -> WalletAddress {
        self.inner.address()
    }
    async fn balances(&self) -> Result<WalletBalances, WalletError> {
        self.inner.balances().await
    }
    async fn prepare_transfer(&self, request: &TransferRequest) -> Result<TransferId, WalletError> {
        self.inner.prepare_transfer(request).await
    }
    async fn send(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        if self.died.swap(true, Ordering::SeqCst) {
            return self.inner.send(id).await;
        }
        match self.point {
            DieAfter::Signing => {
                self.inner.sign(id).await?;
            }
            DieAfter::Broadcast => {
                self.inner.send(id).await?;
            }
        }
        Err(WalletError::Unavailable("the process was killed here".into()))
    }
    async fn status(&self, id: TransferId) -> Result<TransferStatus, WalletError> {
        self.inner.status(id).await
    }
    fn is_live(&self) -> bool {
        true
    }
}

async fn dies_then_pays_once(point: DieAfter) {
    let world = PayoutWorld::start_with(
        Payout::Eth,
        |_| {},
        move |inner| Arc::new(Dying { inner, point, died: AtomicBool::new(false) }) as Arc<dyn HostWallet>,
    )
    .await;

    let payment = world.pay(dec!(0.03), "eth").await;
    let payout = world.payout_reaches(payment, &["completed"]).await;

    let share = world.share(payment).await;
    let wei: u128 = (share * Decimal::from(1_000_000_000_000_000_000u64)).try_into().unwrap();
    assert_eq!(world.anvil.balance(ETH_OWNER).await, wei, "paid exactly once");
    assert_eq!(world.anvil.nonce(WALLET_ADDRESS).await, 1, "one transaction on chain");
    assert_eq!(world.transfers_of(payout["id"].as_str().unwrap()).await, 1);
    assert_eq!(
        payout["deposit_hashes"].as_array().unwrap().len(),
        1,
        "the stored transaction, not a new one"
    );
    let candidates = world.count("SELECT count(*) FROM wallet_tx_candidates").await;
    assert_eq!(candidates, 1, "signed once");
    world.assert_conserved().await;
}

#[tokio::test]
async fn a_process_killed_after_signing_but_before_broadcast_sends_the_stored_transaction_once() {
    dies_then_pays_once(DieAfter::Signing).await;
}

#[tokio::test]
async fn a_process_killed_after_broadcast_but_before_confirmation_pays_once() {
    dies_then_pays_once(DieAfter::Broadcast).await;
}
