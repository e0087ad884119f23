//! A real dev chain for wallet tests: Foundry's anvil from the npm package (scripts/install-test-tools), plus a USDT-like test token.

use std::{process::Stdio, time::Duration};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// Where scripts/install-test-tools puts anvil (the binary ships inside the npm package).
const NPM_PREFIX: &str = "/var/tmp/paygate-node";
/// Anvil's default chain id.
pub const ANVIL_CHAIN_ID: u64 = 31337;
/// Anvil's first dev account (funded, unlocked): deploys and mints in tests.
pub const DEPLOYER: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
/// A dev account's key for the host wallet in tests (anvil account #1).
pub const WALLET_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
pub const WALLET_ADDRESS: &str = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
/// Creation bytecode of contracts/TestUsdt.sol (6 decimals, `transfer` returns nothing).
const TEST_USDT_BIN: &str = include_str!("../contracts/TestUsdt.bin");

/// The anvil binary: `PAYGATE_ANVIL_BIN`, else the npm install of scripts/install-test-tools.
pub fn anvil_binary() -> std::path::PathBuf {
    if let Ok(path) = std::env::var("PAYGATE_ANVIL_BIN") {
        return path.into();
    }
    let arch = if cfg!(target_arch = "aarch64") { "arm64" } else { "amd64" };
    let path = format!("{NPM_PREFIX}/node_modules/@foundry-rs/anvil-linux-{arch}/bin/anvil");
    assert!(
        std::path::Path::new(&path).exists(),
        "anvil is missing at {path}: run scripts/install-test-tools (npm @foundry-rs/anvil) or set PAYGATE_ANVIL_BIN"
    );
    path.into()
}

/// One anvil process on a free port, killed when dropped.
pub struct Anvil {
    _child: Child,
    pub url: String,
    http: reqwest::Client,
}

/// Starts anvil (automining) and waits until it answers.
pub async fn spawn_anvil() -> Anvil {
    let mut child = Command::new(anvil_binary())
        .args(["--port", "0", "--host", "127.0.0.1", "--chain-id", &ANVIL_CHAIN_ID.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start anvil");
    let stdout = child.stdout.take().expect("anvil stdout");
    let mut lines = BufReader::new(stdout).lines();
    let address = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("anvil output") {
            if let Some(address) = line.trim().strip_prefix("Listening on ") {
                return address.to_owned();
            }
        }
        panic!("anvil exited before listening");
    })
    .await
    .expect("anvil did not start within 60 s");
    // Keep draining its output so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let anvil = Anvil { _child: child, url: format!("http://{address}"), http: reqwest::Client::new() };
    anvil.rpc("eth_chainId", json!([])).await;
    anvil
}

/// `0x`-prefixed hex of a quantity.
pub fn quantity(value: u128) -> String {
    format!("0x{value:x}")
}

fn parse_quantity(value: &Value) -> u128 {
    let text = value.as_str().expect("a hex quantity");
    u128::from_str_radix(text.trim_start_matches("0x"), 16).expect("a hex quantity")
}

fn word(hex_without_0x: &str) -> String {
    format!("{hex_without_0x:0>64}")
}

impl Anvil {
    /// A JSON-RPC call; an error answer fails the test.
    pub async fn rpc(&self, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let answer: Value = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .expect("anvil unreachable")
            .json()
            .await
            .expect("anvil answer");
        if let Some(error) = answer.get("error") {
            panic!("anvil {method} failed: {error}");
        }
        answer["result"].clone()
    }

    pub async fn mine(&self, blocks: u64) {
        self.rpc("anvil_mine", json!([quantity(u128::from(blocks))])).await;
    }

    pub async fn set_automine(&self, on: bool) {
        self.rpc("evm_setAutomine", json!([on])).await;
    }

    pub async fn set_balance(&self, address: &str, wei: u128) {
        self.rpc("anvil_setBalance", json!([address, quantity(wei)])).await;
    }

    pub async fn balance(&self, address: &str) -> u128 {
        parse_quantity(&self.rpc("eth_getBalance", json!([address, "latest"])).await)
    }

    /// Mined transactions sent from `address`.
    pub async fn nonce(&self, address: &str) -> u64 {
        u64::try_from(parse_quantity(&self.rpc("eth_getTransactionCount", json!([address, "latest"])).await))
            .expect("nonce")
    }

    pub async fn block_number(&self) -> u64 {
        u64::try_from(parse_quantity(&self.rpc("eth_blockNumber", json!([])).await)).expect("block")
    }

    /// The receipt of `hash`, or `Value::Null` when not mined.
    pub async fn receipt(&self, hash: &str) -> Value {
        self.rpc("eth_getTransactionReceipt", json!([hash])).await
    }

    pub async fn transaction(&self, hash: &str) -> Value {
        self.rpc("eth_getTransactionByHash", json!([hash])).await
    }

    /// Sends from an unlocked dev account, mines a block (automining or not) and returns the receipt.
    pub async fn send_from(&self, from: &str, to: Option<&str>, data: &str) -> Value {
        let mut tx = json!({"from": from, "data": data, "gas": quantity(3_000_000)});
        if let Some(to) = to {
            tx["to"] = json!(to);
        }
        let hash = self.rpc("eth_sendTransaction", json!([tx])).await.as_str().expect("hash").to_owned();
        self.mine(1).await;
        // Automining may answer before its block is stored: wait for the receipt (generous deadline).
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let receipt = self.receipt(&hash).await;
            if !receipt.is_null() {
                assert_eq!(receipt["status"], "0x1", "dev transaction reverted: {receipt}");
                return receipt;
            }
            assert!(tokio::time::Instant::now() < deadline, "dev transaction {hash} not mined within 60 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Deploys contracts/TestUsdt.sol and returns its address.
    pub async fn deploy_test_usdt(&self) -> String {
        let receipt = self.send_from(DEPLOYER, None, &format!("0x{}", TEST_USDT_BIN.trim())).await;
        receipt["contractAddress"].as_str().expect("a deployed contract").to_ascii_lowercase()
    }

    /// Mints `units` (6 decimals) of the test token to `to`.
    pub async fn mint(&self, token: &str, to: &str, units: u128) {
        let data = format!("0x40c10f19{}{}", word(to.trim_start_matches("0x")), word(&format!("{units:x}")));
        self.send_from(DEPLOYER, Some(token), &data).await;
    }

    pub async fn token_balance(&self, token: &str, owner: &str) -> u128 {
        let data = format!("0x70a08231{}", word(owner.trim_start_matches("0x")));
        parse_quantity(&self.rpc("eth_call", json!([{"to": token, "data": data}, "latest"])).await)
    }

    /// Freezes the test token (storage slot 0) so every `transfer` reverts, without a transaction.
    pub async fn freeze_token(&self, token: &str) {
        self.rpc("anvil_setStorageAt", json!([token, "0x0", format!("0x{}", word("1"))])).await;
    }
}
