//! The Bot API adapter against the fake Telegram server: rights mapping, error classification, caching.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use paygate_domain::messenger::{ChatRights, MemberStatus, Messenger, MessengerError};
use paygate_telegram::BotApi;
use paygate_test_support::fake_telegram::{DEFAULT_BOT_ID, DEFAULT_BOT_USERNAME, FakeTelegram};
use serde_json::json;

const TOKEN: &str = "7000000001:AAF-secret-token_for_tests";
const CHANNEL: i64 = -1_001_234_567_890;

fn client(base_url: url::Url, token: &str) -> BotApi {
    BotApi::new(base_url, token.to_owned().into(), reqwest::Client::new())
}

async fn fake_and_client() -> (FakeTelegram, BotApi) {
    let fake = FakeTelegram::start(TOKEN).await;
    let api = client(fake.base_url(), TOKEN);
    (fake, api)
}

fn rights(status: MemberStatus, invite: bool, restrict: bool, post: bool) -> ChatRights {
    ChatRights { status, can_invite_users: invite, can_restrict_members: restrict, can_post_messages: post }
}

#[tokio::test]
async fn an_administrator_with_all_rights_can_invite_ban_and_post() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, true, true, true);

    let found = api.bot_rights(CHANNEL).await.unwrap();

    assert_eq!(found, rights(MemberStatus::Administrator, true, true, true));
    assert_eq!(api.bot_username().await.unwrap(), DEFAULT_BOT_USERNAME);
    let (method, params) = fake.calls().pop().unwrap();
    assert_eq!(method, "getChatMember");
    assert_eq!(params, json!({"chat_id": CHANNEL, "user_id": DEFAULT_BOT_ID}));
}

#[tokio::test]
async fn an_administrator_missing_rights_reports_each_one_missing() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, false, true, true);
    fake.bot_is_admin(CHANNEL - 1, true, false, true);
    fake.bot_is_admin(CHANNEL - 2, true, true, false);

    assert_eq!(
        api.bot_rights(CHANNEL).await.unwrap(),
        rights(MemberStatus::Administrator, false, true, true)
    );
    assert_eq!(
        api.bot_rights(CHANNEL - 1).await.unwrap(),
        rights(MemberStatus::Administrator, true, false, true)
    );
    assert_eq!(
        api.bot_rights(CHANNEL - 2).await.unwrap(),
        rights(MemberStatus::Administrator, true, true, false)
    );
}

#[tokio::test]
async fn an_administrator_of_a_group_without_the_post_field_cannot_post() {
    let (fake, api) = fake_and_client().await;
    fake.set_bot_member(CHANNEL, json!({"status": "administrator", "can_invite_users": true}));

    assert_eq!(
        api.bot_rights(CHANNEL).await.unwrap(),
        rights(MemberStatus::Administrator, true, false, false)
    );
}

#[tokio::test]
async fn the_creator_has_every_right() {
    let (fake, api) = fake_and_client().await;
    fake.set_bot_member(CHANNEL, json!({"status": "creator", "is_anonymous": false}));

    assert_eq!(api.bot_rights(CHANNEL).await.unwrap(), rights(MemberStatus::Creator, true, true, true));
}

#[tokio::test]
async fn a_plain_member_has_no_rights() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_member(CHANNEL);

    assert_eq!(api.bot_rights(CHANNEL).await.unwrap(), rights(MemberStatus::Member, false, false, false));
}

#[tokio::test]
async fn a_bot_that_left_or_was_kicked_has_no_rights() {
    let (fake, api) = fake_and_client().await;
    fake.set_bot_member(CHANNEL, json!({"status": "left"}));
    fake.set_bot_member(CHANNEL - 1, json!({"status": "kicked", "until_date": 0}));

    assert_eq!(api.bot_rights(CHANNEL).await.unwrap(), rights(MemberStatus::Left, false, false, false));
    assert_eq!(api.bot_rights(CHANNEL - 1).await.unwrap(), rights(MemberStatus::Kicked, false, false, false));
}

#[tokio::test]
async fn an_unknown_member_status_is_a_rejection_not_a_panic() {
    let (fake, api) = fake_and_client().await;
    fake.set_bot_member(CHANNEL, json!({"status": "overlord"}));

    let error = api.bot_rights(CHANNEL).await.unwrap_err();

    assert!(matches!(error, MessengerError::Rejected { .. }), "{error:?}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_chat_the_bot_is_not_in_is_not_found() {
    let (_fake, api) = fake_and_client().await;

    assert_eq!(api.bot_rights(CHANNEL).await.unwrap_err(), MessengerError::ChatNotFound);
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized_and_never_shown() {
    let fake = FakeTelegram::start(TOKEN).await;
    let wrong = "111:wrong-token-that-must-stay-secret";
    let api = client(fake.base_url(), wrong);

    let error = api.bot_rights(CHANNEL).await.unwrap_err();

    assert_eq!(error, MessengerError::Unauthorized);
    for text in [error.to_string(), format!("{error:?}"), format!("{api:?}")] {
        assert!(!text.contains(wrong), "token leaked in {text}");
    }
}

#[tokio::test]
async fn a_rate_limit_carries_retry_after_and_is_retryable() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, true, true, true);
    fake.fail_next("getChatMember", 1, 429, Some(7));

    let error = api.bot_rights(CHANNEL).await.unwrap_err();

    assert_eq!(error, MessengerError::RateLimited { retry_after: Duration::from_secs(7) });
    assert!(error.is_retryable());
    assert!(api.bot_rights(CHANNEL).await.is_ok(), "the fault lasts one call");
}

#[tokio::test]
async fn a_server_error_is_unavailable_and_retryable() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("getMe", 2, 500, None);

    let error = api.bot_username().await.unwrap_err();

    assert!(matches!(error, MessengerError::Unavailable(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(api.bot_username().await.is_err(), "the fault lasts two calls");
    assert_eq!(api.bot_username().await.unwrap(), DEFAULT_BOT_USERNAME);
}

#[tokio::test]
async fn get_me_is_called_once_across_many_rights_checks() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, true, true, true);
    fake.bot_is_member(CHANNEL - 1);

    for chat in [CHANNEL, CHANNEL - 1, CHANNEL, CHANNEL - 2] {
        let _ = api.bot_rights(chat).await;
    }
    let _ = api.clone().bot_username().await;

    assert_eq!(fake.calls_of("getMe"), 1);
    assert_eq!(fake.calls_of("getChatMember"), 4);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_the_token_is_not_shown() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let api = client(format!("http://{addr}").parse().unwrap(), TOKEN);

    let error = api.bot_rights(CHANNEL).await.unwrap_err();

    assert!(matches!(error, MessengerError::Unavailable(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(!format!("{error} {error:?}").contains(TOKEN));
}

#[tokio::test]
async fn the_fake_answers_get_requests_and_unknown_methods_like_telegram() {
    let fake = FakeTelegram::start(TOKEN).await;
    fake.bot_is_member(CHANNEL);
    let http = reqwest::Client::new();
    // Not `Url::join`: a relative "bot123:abc/..." would parse as a URL with scheme "bot123".
    let url = |method: &str| format!("{}bot{TOKEN}/{method}", fake.base_url());

    let member: serde_json::Value = http
        .get(format!("{}?chat_id={CHANNEL}&user_id={DEFAULT_BOT_ID}", url("getChatMember")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unknown = http.post(url("sendSticker")).json(&json!({})).send().await.unwrap();

    assert_eq!(member["result"]["status"], "member");
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<serde_json::Value>().await.unwrap(),
        json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"})
    );
}
