//! Channels over the real HTTP API: validation, ownership, Telegram id uniqueness, limits, PATCH, links,
//! currencies and readiness against a fake Bot API.

#![allow(clippy::unwrap_used)] // test helpers should fail loudly on an unexpected value

use paygate_domain::channel::{TierLevel, offer::Offer, offer::OfferRef};
use paygate_test_support::{TestApp, TestAppOptions, fake_telegram::FakeTelegram, spawn_app, spawn_app_with};
use reqwest::{Method, Response};
use serde_json::{Value, json};

const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const BTC_ADDRESS: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
const OPEN: i64 = -1001234567890;
const CLOSED: i64 = -1009876543210;

/// The channel body of SPEC §3.3.
fn spec_body() -> Value {
    json!({
        "open_channel_id": OPEN, "open_channel_title": "Alpha Signals (free)",
        "open_channel_description": "Daily market notes.\nJoin the paid channel for more.",
        "closed_channel_id": CLOSED, "closed_channel_title": "Alpha Signals VIP",
        "closed_channel_description": "Everything, first.",
        "tiers": [{"price_usd": "5.00", "duration_days": 30}],
        "payout": {"wallet_address": XMR_ADDRESS, "currency": "XMR", "network": "XMR", "extra_id": null,
                   "strategy": "threshold", "threshold_usd": "100.00"},
        "donations": {"enabled": true, "message": "Thanks for supporting the channel!"},
        "notifications": {"telegram_user_id": 123456789, "enabled": true}
    })
}

fn body_with_ids(open: i64, closed: i64) -> Value {
    let mut body = spec_body();
    body["open_channel_id"] = json!(open);
    body["closed_channel_id"] = json!(closed);
    body
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Response {
    app.send_as(Method::POST, token, "/api/v1/channels", Some(body)).await
}

/// Creates a channel that must succeed and returns its JSON.
async fn created(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = create(app, token, body).await;
    assert_eq!(response.status(), 201, "create failed");
    response.json().await.unwrap()
}

async fn json_of(response: Response) -> Value {
    response.json().await.unwrap()
}

async fn error_code(response: Response) -> String {
    json_of(response).await["error"]["code"].as_str().unwrap_or_default().to_owned()
}

fn path_of(channel: &Value, suffix: &str) -> String {
    format!("/api/v1/channels/{}{suffix}", channel["id"].as_str().unwrap())
}

#[tokio::test]
async fn a_full_valid_body_is_created_and_read_back_exactly() {
    let app = spawn_app().await;
    let token = app.owner_token("alice").await;
    let channel = created(&app, &token, &spec_body()).await;
    let read = json_of(app.get_as(&token, &path_of(&channel, "")).await).await;
    for (key, value) in spec_body().as_object().unwrap() {
        assert_eq!(&read[key], value, "{key}");
    }
    assert_eq!(read["open_channel_id"].as_i64(), Some(OPEN));
    assert_eq!(read["tiers"][0]["price_usd"], "5.00");
    assert_eq!(read["payout"]["threshold_usd"], "100.00");
    assert!(read["created_at"].is_string() && read["updated_at"].is_string());
    assert_eq!(read["readiness"]["ready"], false);
    assert_eq!(read["readiness"]["bot_configured"], false);
    assert_eq!(read["readiness"]["missing"], json!(["no Telegram bot token is configured"]));
    assert_eq!(read, channel);
}

#[tokio::test]
async fn each_broken_rule_is_rejected_with_its_field_path() {
    let app = spawn_app().await;
    let token = app.owner_token("alice").await;
    let tier = json!({"price_usd": "5.00", "duration_days": 30});
    let trx_payout =
        json!({"wallet_address": BTC_ADDRESS, "currency": "USDT", "network": "TRX", "strategy": "instant"});
    let cases: Vec<(&str, Value, &str)> = vec![
        ("/open_channel_title", json!(""), "open_channel_title"),
        ("/closed_channel_title", json!("x".repeat(101)), "closed_channel_title"),
        ("/open_channel_description", json!("x".repeat(501)), "open_channel_description"),
        ("/closed_channel_description", json!("a\u{7}b"), "closed_channel_description"),
        ("/tiers", json!([]), "tiers"),
        ("/tiers", json!([tier, tier, tier, tier]), "tiers"),
        ("/tiers/0/price_usd", json!("0.00"), "tiers[0].price_usd"),
        ("/tiers/0/price_usd", json!("10000.00"), "tiers[0].price_usd"),
        ("/tiers/0/price_usd", json!("1.001"), "tiers[0].price_usd"),
        ("/tiers/0/price_usd", json!("abc"), "tiers[0].price_usd"),
        ("/tiers/0/duration_days", json!(0), "tiers[0].duration_days"),
        ("/tiers/0/duration_days", json!(1000), "tiers[0].duration_days"),
        ("/open_channel_id", json!(1234), "open_channel_id"),
        ("/closed_channel_id", json!(-123456789), "closed_channel_id"),
        ("/closed_channel_id", json!(OPEN), "closed_channel_id"),
        ("/payout/currency", json!("DOGE"), "payout.currency"),
        ("/payout", trx_payout, "payout.wallet_address"),
        ("/payout/extra_id", json!("12345"), "payout.extra_id"),
        ("/payout/threshold_usd", Value::Null, "payout.threshold_usd"),
        ("/payout/threshold_usd", json!("49.99"), "payout.threshold_usd"),
        ("/donations/message", Value::Null, "donations.message"),
        ("/notifications/telegram_user_id", Value::Null, "notifications.telegram_user_id"),
    ];
    for (pointer, value, field) in cases {
        let mut body = spec_body();
        *body.pointer_mut(pointer).unwrap() = value.clone();
        let response = create(&app, &token, &body).await;
        assert_eq!(response.status(), 422, "{pointer} = {value}");
        let error = json_of(response).await["error"].clone();
        assert_eq!(error["code"], "validation_failed");
        let fields: Vec<&str> =
            error["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(fields, [field], "{pointer} = {value}");
    }
    let list = json_of(app.get_as(&token, "/api/v1/channels").await).await;
    assert_eq!(list["count"], 0);
}

#[tokio::test]
async fn an_owner_cannot_see_or_change_another_owners_channel() {
    let app = spawn_app().await;
    let (alice, bob) = (app.owner_token("alice").await, app.owner_token("bob").await);
    let channel = created(&app, &bob, &spec_body()).await;
    let before = json_of(app.get_as(&bob, &path_of(&channel, "")).await).await;
    let attempts = [
        (Method::GET, path_of(&channel, ""), None),
        (Method::PATCH, path_of(&channel, ""), Some(json!({"payout": {"wallet_address": XMR_ADDRESS}}))),
        (Method::PATCH, path_of(&channel, ""), Some(json!({"open_channel_title": "Mine now"}))),
        (Method::DELETE, path_of(&channel, ""), None),
        (Method::POST, path_of(&channel, "/check"), None),
        (Method::GET, path_of(&channel, "/links"), None),
        (Method::GET, format!("/api/v1/channels/{}", uuid::Uuid::new_v4()), None),
        (Method::GET, "/api/v1/channels/not-a-uuid".to_owned(), None),
        (Method::DELETE, "/api/v1/channels/not-a-uuid".to_owned(), None),
    ];
    for (method, path, body) in attempts {
        let response = app.send_as(method.clone(), &alice, &path, body.as_ref()).await;
        assert_eq!(response.status(), 404, "{method} {path}");
        assert_eq!(error_code(response).await, "not_found");
    }
    let alice_list = json_of(app.get_as(&alice, "/api/v1/channels").await).await;
    assert_eq!(alice_list["channels"], json!([]));
    let after = json_of(app.get_as(&bob, &path_of(&channel, "")).await).await;
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_telegram_chat_id_of_a_live_channel_cannot_be_claimed_until_that_channel_is_deleted() {
    let fake = FakeTelegram::start("4242:taken").await;
    fake.bot_is_admin(OPEN, true, true, true);
    fake.bot_is_admin(CLOSED, true, true, true);
    let app = readiness::app_with(&fake).await;
    let alice = app.owner_token("alice").await;
    // Bob administers both chats, so his channel is proven and holds them.
    let bob = readiness::administering_owner(&app, &fake, "bob", 5_200_002).await;
    let bobs = created(&app, &bob, &spec_body()).await;
    assert_eq!(bobs["readiness"]["ready"], true, "{bobs}");
    let (free_a, free_b) = (-1005555555555, -1006666666666);
    for (open, closed) in [(OPEN, free_a), (free_a, CLOSED), (CLOSED, free_a), (free_a, OPEN)] {
        let response = create(&app, &alice, &body_with_ids(open, closed)).await;
        assert_eq!(response.status(), 409, "{open} / {closed}");
        assert_eq!(error_code(response).await, "channel_id_taken");
    }
    // Bob himself cannot register the same chats twice either.
    assert_eq!(create(&app, &bob, &spec_body()).await.status(), 409);
    // Moving another channel onto a taken id by PATCH is refused the same way.
    let alices = created(&app, &alice, &body_with_ids(free_a, free_b)).await;
    let patch = json!({"open_channel_id": CLOSED});
    let response = app.send_as(Method::PATCH, &alice, &path_of(&alices, ""), Some(&patch)).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_code(response).await, "channel_id_taken");

    let deleted = app.send_as(Method::DELETE, &bob, &path_of(&bobs, ""), None).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get_as(&bob, &path_of(&bobs, "")).await.status(), 404);
    let claimed = created(&app, &alice, &body_with_ids(CLOSED, OPEN)).await;
    assert_eq!(claimed["open_channel_id"].as_i64(), Some(CLOSED));
}

#[tokio::test]
async fn the_eleventh_channel_is_refused_and_deleting_one_frees_a_slot() {
    let app = spawn_app().await;
    let token = app.owner_token("alice").await;
    let ids = |i: i64| (-1001000000000 - i, -1002000000000 - i);
    let mut first = Value::Null;
    for i in 0..10 {
        let (open, closed) = ids(i);
        let channel = created(&app, &token, &body_with_ids(open, closed)).await;
        if i == 0 {
            first = channel;
        }
    }
    let (open, closed) = ids(10);
    let refused = create(&app, &token, &body_with_ids(open, closed)).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(error_code(refused).await, "channel_limit_reached");
    let list = json_of(app.get_as(&token, "/api/v1/channels").await).await;
    assert_eq!((list["count"].as_i64(), list["max_channels"].as_i64()), (Some(10), Some(10)));
    assert_eq!(app.send_as(Method::DELETE, &token, &path_of(&first, ""), None).await.status(), 204);
    created(&app, &token, &body_with_ids(open, closed)).await;
}

#[tokio::test]
async fn concurrent_creates_cannot_exceed_the_channel_limit() {
    let app = spawn_app().await;
    let token = app.owner_token("alice").await;
    for i in 0..8 {
        created(&app, &token, &body_with_ids(-1001000000000 - i, -1002000000000 - i)).await;
    }
    let requests: Vec<_> = (8..14)
        .map(|i| {
            let request = app.http.post(app.url("/api/v1/channels")).bearer_auth(&token);
            let body = body_with_ids(-1001000000000 - i, -1002000000000 - i);
            tokio::spawn(async move { request.json(&body).send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 4, "{statuses:?}");
    let list = json_of(app.get_as(&token, "/api/v1/channels").await).await;
    assert_eq!(list["count"], 10);
}

#[tokio::test]
async fn patch_merges_onto_the_stored_channel_and_audits_payout_changes() {
    let app = spawn_app().await;
    let token = app.owner_token("alice").await;
    let mut body = spec_body();
    body["payout"]["strategy"] = json!("instant");
    body["payout"]["threshold_usd"] = Value::Null;
    let channel = created(&app, &token, &body).await;
    let path = path_of(&channel, "");
    let patch = |body: Value| {
        let (app, token, path) = (&app, &token, &path);
        async move { app.send_as(Method::PATCH, token, path, Some(&body)).await }
    };

    let retitled = json_of(patch(json!({"closed_channel_title": "VIP room"})).await).await;
    assert_eq!(retitled["closed_channel_title"], "VIP room");
    for key in ["open_channel_title", "tiers", "payout", "donations", "notifications", "closed_channel_id"] {
        assert_eq!(retitled[key], channel[key], "{key}");
    }
    let tiers =
        json!([{"price_usd": "9.5", "duration_days": 30}, {"price_usd": "50", "duration_days": 36500}]);
    let retiered = json_of(patch(json!({"tiers": tiers})).await).await;
    assert_eq!(
        retiered["tiers"],
        json!([{"price_usd": "9.50", "duration_days": 30}, {"price_usd": "50.00", "duration_days": 36500}])
    );
    let bad = patch(json!({"payout": {"strategy": "threshold"}})).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(json_of(bad).await["error"]["fields"][0]["field"], "payout.threshold_usd");
    let switched =
        json_of(patch(json!({"payout": {"strategy": "threshold", "threshold_usd": "250"}})).await).await;
    assert_eq!(switched["payout"]["strategy"], "threshold");
    assert_eq!(switched["payout"]["threshold_usd"], "250.00");
    assert_eq!(switched["payout"]["wallet_address"], XMR_ADDRESS);
    let new_wallet = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    let moved =
        patch(json!({"payout": {"wallet_address": new_wallet, "currency": "usdt", "network": "eth"}})).await;
    assert_eq!(moved.status(), 200);
    assert_eq!(json_of(moved).await["payout"]["currency"], "USDT");

    let audit = json_of(app.get_as(&token, "/api/v1/audit").await).await;
    let entries = audit["entries"].as_array().unwrap();
    let payout_changes: Vec<&Value> =
        entries.iter().filter(|e| e["action"] == "channel.payout_settings_changed").collect();
    assert_eq!(payout_changes.len(), 2);
    let latest = &payout_changes[0]["details"];
    assert_eq!(latest["channel_id"], channel["id"]);
    assert_eq!(
        (&latest["old"]["wallet_address"], &latest["new"]["wallet_address"]),
        (&json!(XMR_ADDRESS), &json!(new_wallet))
    );
    assert_eq!(
        (&latest["old"]["threshold_usd"], &latest["new"]["network"]),
        (&json!("250.00"), &json!("eth"))
    );
    let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "channel.updated").count(), 4);
    assert!(actions.contains(&"channel.created"));
}

#[tokio::test]
async fn links_name_each_offer_without_a_price_and_parse_back_to_the_channel() {
    let fake = FakeTelegram::start("4242:links").await;
    let app = spawn_app_with(TestAppOptions { telegram: Some(&fake), ..TestAppOptions::default() }).await;
    let token = app.owner_token("alice").await;
    let mut body = spec_body();
    body["tiers"] = json!([
        {"price_usd": "5.00", "duration_days": 30}, {"price_usd": "12.00", "duration_days": 90},
        {"price_usd": "99.99", "duration_days": 36500}
    ]);
    let channel = created(&app, &token, &body).await;
    let links = json_of(app.get_as(&token, &path_of(&channel, "/links")).await).await;
    assert_eq!(links["bot_username"], "paygate_test_bot");
    let id = uuid::Uuid::parse_str(channel["id"].as_str().unwrap()).unwrap();
    let mut payloads: Vec<String> = Vec::new();
    let mut offers = Vec::new();
    for (link, level) in links["tiers"].as_array().unwrap().iter().zip(TierLevel::ALL) {
        assert_eq!(link["tier"], level.as_str());
        offers.push((link, Offer::Tier(level)));
    }
    assert_eq!(links["tiers"][2]["price_usd"], "99.99");
    assert_eq!(links["tiers"][1]["duration_days"], 90);
    offers.push((&links["donation"], Offer::Donation));
    for (link, offer) in offers {
        let payload = link["payload"].as_str().unwrap().to_owned();
        assert!(
            payload.len() <= 64
                && payload.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        );
        let parsed = OfferRef::parse(&payload).unwrap();
        assert_eq!((parsed.channel.as_uuid(), parsed.offer), (id, offer));
        // Exactly the channel and the offer letter: no room for a price.
        assert_eq!(payload.split_once('_').map(|(hex, _)| hex.to_owned()), Some(id.simple().to_string()));
        assert_eq!(link["url"], format!("https://t.me/paygate_test_bot?start={payload}"));
        payloads.push(payload);
    }
    payloads.sort();
    payloads.dedup();
    assert_eq!(payloads.len(), 4);
}

#[tokio::test]
async fn links_without_a_bot_have_payloads_but_no_urls_and_no_donation_when_donations_are_off() {
    let app = spawn_app().await;
    let token = app.owner_token("alice").await;
    let mut body = spec_body();
    body["donations"] = json!({"enabled": false});
    let channel = created(&app, &token, &body).await;
    let links = json_of(app.get_as(&token, &path_of(&channel, "/links")).await).await;
    assert_eq!(links["bot_username"], Value::Null);
    assert_eq!(links["tiers"][0]["url"], Value::Null);
    assert!(links["tiers"][0]["payload"].as_str().unwrap().ends_with("_g"));
    assert_eq!(links["donation"], Value::Null);
}

#[tokio::test]
async fn currencies_are_public_and_list_every_spec_pair() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/currencies").await;
    assert_eq!(response.status(), 200);
    let currencies = json_of(response).await["currencies"].as_array().unwrap().clone();
    let pairs: Vec<String> = currencies
        .iter()
        .map(|c| format!("{}/{}", c["currency"].as_str().unwrap(), c["network"].as_str().unwrap()))
        .collect();
    let spec = "BTC/BTC ETH/ETH USDT/ETH USDT/TRX USDT/BSC USDC/ETH LTC/LTC XMR/XMR TRX/TRX DOGE/DOGE SOL/SOL \
                BNB/BSC XRP/XRP BCH/BCH MATIC/MATIC TON/TON SHIB/ETH";
    for pair in spec.split_whitespace() {
        assert!(pairs.iter().any(|p| p == pair), "{pair} missing from {pairs:?}");
    }
    let xrp = currencies.iter().find(|c| c["currency"] == "XRP").unwrap();
    assert_eq!((&xrp["needs_extra_id"], &xrp["extra_id_kind"]), (&json!(true), &json!("destination_tag")));
    let btc = currencies.iter().find(|c| c["currency"] == "BTC").unwrap();
    assert_eq!((&btc["needs_extra_id"], &btc["display_name"]), (&json!(false), &json!("Bitcoin")));
}

#[tokio::test]
async fn operators_can_read_any_channel_but_not_change_it() {
    let app = spawn_app().await;
    let bob = app.owner_token("bob").await;
    let channel = created(&app, &bob, &spec_body()).await;
    paygate_app::accounts::users::create_operator(
        &app.app,
        "operator1",
        "ops@example.org",
        "correct-horse-9",
    )
    .await
    .unwrap();
    let login =
        app.post("/api/v1/auth/login", &json!({"login": "operator1", "password": "correct-horse-9"})).await;
    let operator = json_of(login).await["access_token"].as_str().unwrap().to_owned();

    let read = json_of(app.get_as(&operator, &path_of(&channel, "")).await).await;
    assert_eq!(read["id"], channel["id"]);
    let list = json_of(app.get_as(&operator, "/api/v1/channels").await).await;
    assert_eq!(list["count"], 1);
    let patch = json!({"payout": {"wallet_address": BTC_ADDRESS, "currency": "BTC", "network": "BTC"}});
    let patched = app.send_as(Method::PATCH, &operator, &path_of(&channel, ""), Some(&patch)).await;
    assert_eq!(patched.status(), 404);
    assert_eq!(app.send_as(Method::DELETE, &operator, &path_of(&channel, ""), None).await.status(), 404);
    assert_eq!(app.send_as(Method::POST, &operator, &path_of(&channel, "/check"), None).await.status(), 404);
    let unchanged = json_of(app.get_as(&bob, &path_of(&channel, "")).await).await;
    assert_eq!(unchanged["payout"]["wallet_address"], XMR_ADDRESS);
}

/// Readiness against the fake Bot API.
#[path = "channels/readiness.rs"]
mod readiness;

/// Proof of control: hijacked chat ids, the real administrator, revoked proofs, nothing leaked.
#[path = "channels/control.rs"]
mod control;

#[tokio::test]
async fn the_openapi_document_describes_every_channel_route_and_the_body() {
    let app = spawn_app().await;
    let doc = json_of(app.get("/api/v1/openapi.json").await).await;
    let paths = &doc["paths"];
    for (path, method) in [
        ("/api/v1/currencies", "get"),
        ("/api/v1/channels", "get"),
        ("/api/v1/channels", "post"),
        ("/api/v1/channels/{id}", "get"),
        ("/api/v1/channels/{id}", "patch"),
        ("/api/v1/channels/{id}", "delete"),
        ("/api/v1/channels/{id}/links", "get"),
        ("/api/v1/channels/{id}/check", "post"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
    let body = &doc["components"]["schemas"]["ChannelBody"]["properties"];
    for key in spec_body().as_object().unwrap().keys() {
        assert!(body[key].is_object(), "ChannelBody.{key}");
    }
    assert!(doc["components"]["schemas"]["ChannelView"]["properties"]["readiness"].is_object());
}
