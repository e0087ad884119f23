//! Receiving updates against the fake Telegram (long polling, webhook, commands) and `parse_update`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{CHANNEL, USER, fake_and_client};
use paygate_domain::messenger::MessengerError;
use paygate_telegram::{
    CallbackQuery, IncomingMessage, JoinRequest, TelegramUser, Update, UpdateKind, parse_update,
};
use paygate_test_support::fake_telegram::FakeTelegram;
use serde_json::json;

fn parse(value: &serde_json::Value) -> Update {
    parse_update(&serde_json::to_vec(value).unwrap()).unwrap()
}

#[test]
fn a_text_message_parses_with_its_sender() {
    let update = parse(&FakeTelegram::text_message_update(USER, "alice", "/start ch1_t2"));

    let UpdateKind::Message(message) = update.kind else { panic!("{update:?}") };
    assert_eq!(
        message,
        IncomingMessage {
            chat_id: USER,
            message_id: message.message_id,
            from: Some(TelegramUser {
                id: USER,
                username: Some("alice".into()),
                first_name: format!("User {USER}")
            }),
            text: Some("/start ch1_t2".into()),
        }
    );
}

#[test]
fn a_callback_query_parses_with_data_and_message() {
    let update = parse(&FakeTelegram::callback_update(USER, "pay:7", 55));

    let UpdateKind::CallbackQuery(CallbackQuery { id, from, data, message_chat_id, message_id }) =
        update.kind
    else {
        panic!("{update:?}")
    };
    assert!(!id.is_empty());
    assert_eq!((from.id, from.username), (USER, None));
    assert_eq!(data.as_deref(), Some("pay:7"));
    assert_eq!((message_chat_id, message_id), (Some(USER), Some(55)));
}

#[test]
fn a_join_request_parses_with_the_channel_and_the_link() {
    let update = parse(&FakeTelegram::join_request_update(CHANNEL, USER, "https://t.me/+abc"));

    let UpdateKind::ChatJoinRequest(JoinRequest { chat_id, from, invite_link }) = update.kind else {
        panic!("{update:?}")
    };
    assert_eq!((chat_id, from.id, invite_link.as_deref()), (CHANNEL, USER, Some("https://t.me/+abc")));
}

#[test]
fn unknown_and_malformed_updates_are_other_but_a_missing_update_id_is_an_error() {
    let member = parse(&json!({"update_id": 9, "my_chat_member": {"chat": {"id": CHANNEL}}}));
    let broken = parse(&json!({"update_id": 10, "message": {"text": "no chat, no id"}}));

    assert_eq!(member, Update { update_id: 9, kind: UpdateKind::Other });
    assert_eq!(broken, Update { update_id: 10, kind: UpdateKind::Other });
    assert!(parse_update(br#"{"message": {}}"#).is_err());
    assert!(parse_update(b"not json").is_err());
}

#[tokio::test]
async fn get_updates_returns_pushed_updates_until_an_offset_confirms_them() {
    let (fake, api) = fake_and_client().await;
    fake.push_update(FakeTelegram::text_message_update(USER, "alice", "/help"));
    fake.push_update(FakeTelegram::callback_update(USER, "status", 1));

    let batch = api.get_updates(None, 0).await.unwrap();
    assert_eq!(batch.len(), 2);
    assert!(
        matches!(batch[0].kind, UpdateKind::Message(_))
            && matches!(batch[1].kind, UpdateKind::CallbackQuery(_))
    );
    let params = &fake.calls()[0].1;
    assert_eq!(
        params["allowed_updates"],
        json!(["message", "callback_query", "chat_join_request", "my_chat_member", "chat_member"])
    );

    let rest = api.get_updates(Some(batch[0].update_id + 1), 0).await.unwrap();
    assert_eq!(rest, batch[1..].to_vec());
    let none = api.get_updates(Some(batch[1].update_id + 1), 0).await.unwrap();
    assert!(none.is_empty());
    assert!(fake.pending_updates().is_empty());
}

#[tokio::test]
async fn a_long_poll_waits_for_a_push_and_returns_it_at_once() {
    let (fake, api) = fake_and_client().await;
    let started = Instant::now();
    let poll = tokio::spawn(async move { api.get_updates(None, 20).await });
    tokio::time::sleep(Duration::from_millis(200)).await;

    fake.push_update(FakeTelegram::join_request_update(CHANNEL, USER, "https://t.me/+x"));
    let updates = poll.await.unwrap().unwrap();

    assert_eq!(updates.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(5), "the poll returned on the push, not the timeout");
}

#[tokio::test]
async fn a_long_poll_without_updates_returns_empty_after_its_timeout() {
    let (_fake, api) = fake_and_client().await;
    let started = Instant::now();

    let updates = api.get_updates(None, 1).await.unwrap();

    assert!(updates.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn a_webhook_is_set_with_its_secret_and_blocks_polling_until_deleted() {
    let (fake, api) = fake_and_client().await;

    api.set_webhook("https://paygate.example/webhooks/telegram", "s3cret-token").await.unwrap();
    let conflict = api.get_updates(None, 0).await.unwrap_err();
    api.delete_webhook().await.unwrap();

    assert!(matches!(conflict, MessengerError::Rejected { code: 409, .. }), "{conflict:?}");
    assert!(fake.webhook().is_none());
    let set = &fake.calls()[0].1;
    assert_eq!(set["secret_token"], "s3cret-token");
    assert_eq!(set["url"], "https://paygate.example/webhooks/telegram");
    assert!(api.get_updates(None, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_plain_http_webhook_is_rejected() {
    let (_fake, api) = fake_and_client().await;

    let error = api.set_webhook("http://insecure.example/hook", "s").await.unwrap_err();

    assert!(matches!(error, MessengerError::Rejected { code: 400, .. }), "{error:?}");
}

#[tokio::test]
async fn set_my_commands_sends_the_menu_and_invalid_commands_are_rejected() {
    let (fake, api) = fake_and_client().await;

    api.set_my_commands(&[("status", "Your subscriptions"), ("help", "How it works")]).await.unwrap();
    let invalid = api.set_my_commands(&[("/Start", "bad")]).await.unwrap_err();

    assert_eq!(
        fake.commands(),
        json!([{"command": "status", "description": "Your subscriptions"}, {"command": "help", "description": "How it works"}])
    );
    assert!(matches!(invalid, MessengerError::Rejected { code: 400, .. }), "{invalid:?}");
}

#[tokio::test]
async fn a_rate_limited_poll_is_rate_limited() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("getUpdates", 1, 429, Some(2));

    assert_eq!(
        api.get_updates(None, 0).await.unwrap_err(),
        MessengerError::RateLimited { retry_after: Duration::from_secs(2) }
    );
}

#[test]
fn a_chat_member_update_parses_with_the_invite_link_the_member_joined_with() {
    let joined =
        parse(&FakeTelegram::chat_member_update(CHANNEL, USER, "left", "member", Some("https://t.me/+x")));
    let left = parse(&FakeTelegram::chat_member_update(CHANNEL, USER, "member", "left", None));

    let UpdateKind::ChatMember(member) = joined.kind else { panic!("{joined:?}") };
    assert_eq!((member.chat_id, member.user.id), (CHANNEL, USER));
    assert_eq!(member.invite_link.as_deref(), Some("https://t.me/+x"));
    assert!(member.joined());
    let UpdateKind::ChatMember(member) = left.kind else { panic!("{left:?}") };
    assert!(!member.joined());
    assert_eq!(member.invite_link, None);
}
