//! Tests of the lenient list parsing: every accepted shape, the count, and what is refused.

#![allow(clippy::unwrap_used)]

use super::*;

const ITEM: &str = r#"{"requestId":"a1b2c3","status":"waiting","createdAt":"2026-11-28T00:00:00.000Z",
    "payin":{"currency":"eth","address":"0xpayin","amount":null,"expectedAmount":0.05},
    "payout":{"currency":"xmr","address":"44xmr","expectedAmount":1.2}}"#;

fn items(body: &str) -> (usize, Option<u64>) {
    let page = parse_page(body.as_bytes()).unwrap_or_else(|error| panic!("{error}: {body}"));
    (page.items.len(), page.count)
}

#[test]
fn the_documented_object_with_count_and_exchanges_is_read() {
    assert_eq!(items(&format!(r#"{{"count":7,"exchanges":[{ITEM},{ITEM}]}}"#)), (2, Some(7)));
    assert_eq!(items(r#"{"count":"0","exchanges":[]}"#), (0, Some(0)));
}

#[test]
fn a_bare_array_or_the_list_under_data_or_result_is_read_too() {
    assert_eq!(items(&format!("[{ITEM}]")), (1, None));
    assert_eq!(items(&format!(r#"{{"data":[{ITEM}],"total":1}}"#)), (1, None));
    assert_eq!(items(&format!(r#"{{"result":[{ITEM}],"count":null}}"#)), (1, None));
}

#[test]
fn an_answer_without_a_list_or_with_a_strange_count_is_a_bad_response() {
    for body in
        [r#"{"count":1}"#, r#"{"exchanges":{}}"#, r#"{"exchanges":[],"count":"many"}"#, "null", "<html>"]
    {
        assert!(matches!(parse_page(body.as_bytes()), Err(SwapError::BadResponse(_))), "{body}");
    }
}
