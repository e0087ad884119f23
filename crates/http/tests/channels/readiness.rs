//! Channel readiness over the API, with the bot's rights set in a fake Telegram Bot API.

use super::*;

pub(crate) async fn app_with(fake: &FakeTelegram) -> TestApp {
    spawn_app_with(TestAppOptions { telegram: Some(fake), ..TestAppOptions::default() }).await
}

/// Alice's linked Telegram account in these tests.
pub(crate) const ALICE_TG: i64 = 5_100_001;

/// Signs up `name`, links Telegram account `telegram_user_id` and makes it an administrator of both
/// spec chats in the fake (the proof of control every ready channel needs); returns the token.
pub(crate) async fn administering_owner(
    app: &TestApp,
    fake: &FakeTelegram,
    name: &str,
    telegram_user_id: i64,
) -> String {
    let token = app.owner_token(name).await;
    app.link_telegram(name, telegram_user_id).await;
    fake.user_is_admin(OPEN, telegram_user_id);
    fake.user_is_creator(CLOSED, telegram_user_id);
    token
}

pub(crate) async fn check(app: &TestApp, token: &str, channel: &Value) -> Value {
    let response = app.send_as(Method::POST, token, &path_of(channel, "/check"), None).await;
    assert_eq!(response.status(), 200);
    json_of(response).await["readiness"].clone()
}

#[tokio::test]
async fn a_bot_administering_both_chats_with_every_right_makes_the_channel_ready() {
    let fake = FakeTelegram::start("4242:ready").await;
    fake.bot_is_admin(CLOSED, true, true, false);
    fake.bot_is_admin(OPEN, false, false, true);
    let app = app_with(&fake).await;
    let token = administering_owner(&app, &fake, "alice", ALICE_TG).await;
    let channel = created(&app, &token, &spec_body()).await;
    let readiness = &channel["readiness"];
    assert_eq!((&readiness["ready"], &readiness["bot_configured"]), (&json!(true), &json!(true)));
    assert_eq!(readiness["missing"], json!([]));
    assert!(readiness["checked_at"].is_string());
    assert!(channel["control"]["proven_at"].is_string());
    assert_eq!(check(&app, &token, &channel).await["ready"], true);
    assert!(fake.calls_of("getChatMember") >= 4);
}

#[tokio::test]
async fn a_bot_that_is_only_a_member_leaves_the_channel_not_ready_with_what_is_missing() {
    let fake = FakeTelegram::start("4242:member").await;
    fake.bot_is_member(CLOSED);
    fake.bot_is_member(OPEN);
    let app = app_with(&fake).await;
    let token = administering_owner(&app, &fake, "alice", ALICE_TG).await;
    let channel = created(&app, &token, &spec_body()).await;
    assert_eq!(channel["readiness"]["ready"], false);
    assert_eq!(
        channel["readiness"]["missing"],
        json!([
            "closed channel: the bot is not an administrator",
            "open channel: the bot is not an administrator"
        ])
    );
    // Promoting the bot and checking again makes it ready; the stored answer is what GET shows.
    fake.bot_is_admin(CLOSED, true, true, true);
    fake.bot_is_admin(OPEN, true, true, true);
    assert_eq!(check(&app, &token, &channel).await["ready"], true);
    let read = json_of(app.get_as(&token, &path_of(&channel, "")).await).await;
    assert_eq!(read["readiness"]["ready"], true);
}

#[tokio::test]
async fn each_missing_administrator_right_is_named() {
    let fake = FakeTelegram::start("4242:rights").await;
    fake.bot_is_admin(CLOSED, false, false, true);
    fake.bot_is_admin(OPEN, true, true, false);
    let app = app_with(&fake).await;
    let token = administering_owner(&app, &fake, "alice", ALICE_TG).await;
    let channel = created(&app, &token, &spec_body()).await;
    assert_eq!(
        channel["readiness"]["missing"],
        json!([
            "closed channel: the bot may not invite users",
            "closed channel: the bot may not ban users",
            "open channel: the bot may not post messages"
        ])
    );
    fake.bot_is_admin(CLOSED, true, false, false);
    let readiness = check(&app, &token, &channel).await;
    assert_eq!(
        readiness["missing"],
        json!(["closed channel: the bot may not ban users", "open channel: the bot may not post messages"])
    );
}

#[tokio::test]
async fn chats_the_bot_is_not_in_and_telegram_failures_are_reported_without_failing_the_request() {
    let fake = FakeTelegram::start("4242:errors").await;
    fake.bot_is_admin(OPEN, true, true, true);
    let app = app_with(&fake).await;
    let token = app.owner_token("alice").await;
    app.link_telegram("alice", ALICE_TG).await;
    fake.user_is_admin(OPEN, ALICE_TG);
    // The bot is not in the closed chat, so Telegram cannot show who administers it: not proven.
    let channel = created(&app, &token, &spec_body()).await;
    let missing = channel["readiness"]["missing"].as_array().unwrap().clone();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].as_str().unwrap().starts_with("prove you administer these chats"), "{missing:?}");
    assert!(missing[0].as_str().unwrap().contains("the bot an administrator there"), "{missing:?}");

    fake.user_is_admin(CLOSED, ALICE_TG);
    fake.bot_is_admin(CLOSED, true, true, true);
    assert_eq!(check(&app, &token, &channel).await["ready"], true);
    fake.fail_next("getChatMember", 2, 502, None);
    let readiness = check(&app, &token, &channel).await;
    assert_eq!(readiness["ready"], false);
    let missing: Vec<&str> =
        readiness["missing"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(!missing.is_empty());
    assert!(missing.iter().all(|m| m.contains("Telegram could not be reached")), "{missing:?}");

    fake.fail_next("getChatMember", 10, 429, Some(30));
    let patched = app
        .send_as(Method::PATCH, &token, &path_of(&channel, ""), Some(&json!({"open_channel_title": "New"})))
        .await;
    assert_eq!(patched.status(), 200);
    let patched = json_of(patched).await;
    assert_eq!(patched["readiness"]["ready"], false);
    // Telegram's silence is no evidence either way: the proof is kept for the next check.
    assert!(patched["control"]["proven_at"].is_string(), "{patched}");
}

#[tokio::test]
async fn without_a_bot_token_the_channel_is_not_ready_and_says_why() {
    let app = spawn_app().await;
    let token = app.owner_token("alice").await;
    let channel = created(&app, &token, &spec_body()).await;
    let readiness = check(&app, &token, &channel).await;
    assert_eq!(readiness["ready"], false);
    assert_eq!(readiness["bot_configured"], false);
    assert_eq!(readiness["missing"], json!(["no Telegram bot token is configured"]));
}
