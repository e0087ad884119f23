//! The chain watcher's reads over plain JSON-RPC: pay-in balances (ETH or the test ERC-20) and the deposits' transaction hashes.

use std::{collections::HashMap, time::Duration};

use paygate_domain::money::Asset;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::{
    Shared,
    deposits::{self, Reading},
    lock,
};

/// How often the watcher reads the chain.
const TICK: Duration = Duration::from_millis(150);
/// Blocks per `trace_filter`/`eth_getLogs` call (anvil answers `trace_filter` for at most 300).
const WINDOW: u64 = 300;
/// Windows looked through per tick; a longer way to the head continues on the next tick.
const WINDOWS_PER_TICK: u64 = 20;
/// `Transfer(address,address,uint256)`.
const TRANSFER_TOPIC: &str = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
/// `balanceOf(address)`.
const BALANCE_OF: &str = "0x70a08231";

/// A JSON-RPC call that got no answer, or an error answer.
enum RpcError {
    Unreachable,
    Refused,
}

/// The watched chain and how far its deposits have been looked for.
pub(super) struct Chain {
    http: reqwest::Client,
    url: Url,
    token: Option<String>,
    /// The first block not yet looked through for deposits.
    next_block: u64,
    /// The first deposit transaction seen per pay-in address (lower-case).
    hashes: HashMap<String, String>,
}

/// Reads the chain every tick and applies what it saw, until `stop`.
pub(super) async fn watch(shared: Shared, mut chain: Chain, stop: CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(TICK) => {}
        }
        // An unreachable chain (a test stopping anvil first) only skips the tick.
        if let Ok(reading) = chain.read(&shared).await {
            deposits::apply(&mut lock(&shared), &reading, &chain.hashes);
        }
    }
}

impl Chain {
    pub(super) fn new(url: Url, token: Option<String>) -> Chain {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default();
        let token = token.map(|token| token.to_ascii_lowercase());
        Chain { http, url, token, next_block: 0, hashes: HashMap::new() }
    }

    /// Balances first, then the head block, then the deposits up to that head: every transfer the
    /// balances show lies in a block the look-up covers.
    async fn read(&mut self, shared: &Shared) -> Result<Reading, RpcError> {
        let mut balances = Vec::new();
        for (id, payin, asset) in self.watched(shared) {
            let units = match self.balance(&payin, asset).await {
                Ok(units) => units,
                Err(RpcError::Refused) => continue,
                Err(unreachable) => return Err(unreachable),
            };
            let value = i128::try_from(units)
                .ok()
                .and_then(|units| Decimal::try_from_i128_with_scale(units, asset.decimals()).ok());
            if let Some(value) = value.filter(|value| *value > Decimal::ZERO) {
                balances.push((id, value.normalize()));
            }
        }
        let head = quantity(&self.call("eth_blockNumber", json!([])).await?)
            .and_then(|head| u64::try_from(head).ok())
            .ok_or(RpcError::Refused)?;
        let scanned = self.look_for_deposits(shared, head).await?;
        Ok(Reading { balances, scanned })
    }

    /// Exchanges whose `from` asset this chain carries: id, pay-in address, asset.
    fn watched(&self, shared: &Shared) -> Vec<(String, String, Asset)> {
        let state = lock(shared);
        let carried =
            |asset: Asset| asset == Asset::ETH || (asset == Asset::USDT_ERC20 && self.token.is_some());
        state
            .exchanges
            .iter()
            .filter(|exchange| carried(exchange.from))
            .map(|exchange| (exchange.id.clone(), exchange.payin_address.to_ascii_lowercase(), exchange.from))
            .collect()
    }

    /// `payin`'s balance in base units (wei, or the token's smallest unit).
    async fn balance(&self, payin: &str, asset: Asset) -> Result<u128, RpcError> {
        let answer = match (&self.token, asset == Asset::ETH) {
            (_, true) => self.call("eth_getBalance", json!([payin, "latest"])).await?,
            (Some(token), false) => {
                let data = format!("{BALANCE_OF}{}", word(payin));
                self.call("eth_call", json!([{"to": token, "data": data}, "latest"])).await?
            }
            (None, false) => return Err(RpcError::Refused),
        };
        quantity(&answer).ok_or(RpcError::Refused)
    }

    /// Records deposit hashes from the next unread blocks up to `head`; true once all are read.
    async fn look_for_deposits(&mut self, shared: &Shared, head: u64) -> Result<bool, RpcError> {
        // Listed after `head` was read: a deposit in a block up to `head` went to one of these.
        let (mut eth, mut token) = (Vec::new(), Vec::new());
        for (_, payin, asset) in self.watched(shared) {
            if !self.hashes.contains_key(&payin) {
                if asset == Asset::ETH { eth.push(payin) } else { token.push(payin) }
            }
        }
        if eth.is_empty() && token.is_empty() {
            self.next_block = head + 1;
        }
        for _ in 0..WINDOWS_PER_TICK {
            if self.next_block > head {
                break;
            }
            let to = head.min(self.next_block + WINDOW - 1);
            let range = (format!("0x{:x}", self.next_block), format!("0x{to:x}"));
            if !eth.is_empty() {
                self.ether_deposits(&eth, &range).await?;
            }
            if !token.is_empty() {
                self.token_deposits(&token, &range).await?;
            }
            self.next_block = to + 1;
        }
        Ok(self.next_block > head)
    }

    /// Calls (top-level or internal) carrying ether to the pay-in addresses, via `trace_filter`; a
    /// node without it leaves the hashes unknown.
    async fn ether_deposits(
        &mut self,
        payins: &[String],
        (from, to): &(String, String),
    ) -> Result<(), RpcError> {
        let filter = json!([{"fromBlock": from, "toBlock": to, "toAddress": payins}]);
        let traces = match self.call("trace_filter", filter).await {
            Err(RpcError::Refused) => return Ok(()),
            answer => answer?,
        };
        for trace in traces.as_array().into_iter().flatten().filter(|trace| trace.get("error").is_none()) {
            let action = &trace["action"];
            if quantity(&action["value"]).is_some_and(|value| value > 0) {
                self.remember(action["to"].as_str(), &trace["transactionHash"]);
            }
        }
        Ok(())
    }

    /// `Transfer` events of the token to the pay-in addresses.
    async fn token_deposits(
        &mut self,
        payins: &[String],
        (from, to): &(String, String),
    ) -> Result<(), RpcError> {
        let Some(token) = self.token.clone() else { return Ok(()) };
        let recipients: Vec<String> = payins.iter().map(|payin| format!("0x{}", word(payin))).collect();
        let filter = json!([{"fromBlock": from, "toBlock": to, "address": token,
                             "topics": [TRANSFER_TOPIC, null, recipients]}]);
        let logs = self.call("eth_getLogs", filter).await?;
        for log in logs.as_array().into_iter().flatten().filter(|log| log["removed"] != json!(true)) {
            let recipient =
                log["topics"][2].as_str().and_then(|topic| topic.get(26..)).map(|hex| format!("0x{hex}"));
            if quantity(&log["data"]).is_some_and(|value| value > 0) {
                self.remember(recipient.as_deref(), &log["transactionHash"]);
            }
        }
        Ok(())
    }

    /// Keeps the first deposit hash seen for `payin`.
    fn remember(&mut self, payin: Option<&str>, hash: &Value) {
        if let (Some(payin), Some(hash)) = (payin, hash.as_str()) {
            self.hashes.entry(payin.to_ascii_lowercase()).or_insert_with(|| hash.to_owned());
        }
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let response = self.http.post(self.url.clone()).json(&body).send().await;
        let answer: Value = match response {
            Ok(response) => response.json().await.map_err(|_| RpcError::Unreachable)?,
            Err(_) => return Err(RpcError::Unreachable),
        };
        if answer.get("error").is_some() {
            return Err(RpcError::Refused);
        }
        Ok(answer.get("result").cloned().unwrap_or(Value::Null))
    }
}

/// A hex quantity or 32-byte word (`0x` alone is zero: `eth_call` on an address without code).
fn quantity(value: &Value) -> Option<u128> {
    let digits = value.as_str()?.strip_prefix("0x")?.trim_start_matches('0');
    if digits.is_empty() { Some(0) } else { u128::from_str_radix(digits, 16).ok() }
}

/// An address as a 32-byte ABI word, without `0x`.
fn word(address: &str) -> String {
    format!("{:0>64}", address.trim_start_matches("0x"))
}
