//! `GET /exchanges` (the key's exchanges, filtered by payout address and creation time), read leniently:
//! a bare array, or an object with the array under `exchanges`, `data` or `result` and an optional count.

use chrono::SecondsFormat;
use paygate_domain::swap::{Exchange, ExchangeQuery, SwapError};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::{
    ChangeNow,
    client::parse,
    convert::{bad, same_address},
    wire::{WireExchange, parse_decimal},
};

/// Exchanges asked for per page, and the most pages read for one look-up. The documentation says the
/// limit must be "bigger than 0 and less than 100": 50 is valid however that is read.
const PAGE_SIZE: usize = 50;
const MAX_PAGES: usize = 5;

/// The object form of a list answer. The documented one is `{"count":…,"exchanges":[…]}`.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    exchanges: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    data: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    result: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    count: Option<Box<RawValue>>,
}

/// One page: its raw items and the total count when told.
struct Page {
    items: Vec<Box<RawValue>>,
    count: Option<u64>,
}

impl ChangeNow {
    /// Exchanges of `query.pair` paying to `query.payout_address`, created within the window.
    pub(crate) async fn list_exchanges(&self, query: &ExchangeQuery) -> Result<Vec<Exchange>, SwapError> {
        let date_from = query.created_after.to_rfc3339_opts(SecondsFormat::Millis, true);
        let date_to = query.created_before.to_rfc3339_opts(SecondsFormat::Millis, true);
        let limit = PAGE_SIZE.to_string();
        let mut found = Vec::new();
        let mut offset = 0;
        for _ in 0..MAX_PAGES {
            let offset_text = offset.to_string();
            let mut params = vec![
                ("payoutAddress", query.payout_address.as_str()),
                ("dateFrom", date_from.as_str()),
                ("dateTo", date_to.as_str()),
                ("limit", limit.as_str()),
            ];
            // "You can only specify offset bigger than 0": the first page goes without one.
            if offset > 0 {
                params.push(("offset", offset_text.as_str()));
            }
            let request = self.http.get(self.url("exchanges", &params)?);
            let body = self.call("list_exchanges", request).await?;
            let page = parse_page(&body)?;
            let read = page.items.len();
            for item in page.items {
                let wire: WireExchange = parse("list_exchanges", item.get().as_bytes())?;
                if let Some(exchange) = wire.into_exchange(Some(query.pair))?
                    && matches(&exchange, query)
                {
                    found.push(exchange);
                }
            }
            offset += read;
            let more = page.count.map_or(read == PAGE_SIZE, |count| (offset as u64) < count);
            if read == 0 || !more {
                break;
            }
        }
        Ok(found)
    }
}

/// The provider's filters are not trusted: the address and the window are checked again here.
fn matches(exchange: &Exchange, query: &ExchangeQuery) -> bool {
    let in_window = exchange
        .created_at
        .is_none_or(|created| query.created_after <= created && created <= query.created_before);
    same_address(&exchange.payout_address, query.payout_address.as_str()) && in_window
}

fn parse_page(body: &[u8]) -> Result<Page, SwapError> {
    if let Ok(items) = serde_json::from_slice::<Vec<Box<RawValue>>>(body) {
        return Ok(Page { items, count: None });
    }
    let envelope: Envelope = parse("list_exchanges", body)?;
    let count = match envelope.count {
        None => None,
        Some(raw) if raw.get() == "null" => None,
        Some(raw) => Some(
            parse_decimal(raw.get().trim_matches('"'))
                .and_then(|count| u64::try_from(count).ok())
                .ok_or_else(|| bad(format!("unexpected exchanges count {}", raw.get())))?,
        ),
    };
    let items = envelope
        .exchanges
        .or(envelope.data)
        .or(envelope.result)
        .ok_or_else(|| bad("exchanges answer without a list (exchanges, data or result)"))?;
    Ok(Page { items, count })
}

#[cfg(test)]
#[path = "listing_tests.rs"]
mod tests;
