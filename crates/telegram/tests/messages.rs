//! Messaging methods against the fake Telegram: send, edit, delete, answer callbacks, and their errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{CHANNEL, USER, fake_and_client};
use paygate_domain::messenger::MessengerError;
use paygate_telegram::{InlineButton, InlineKeyboard};
use serde_json::json;

fn pay_keyboard() -> InlineKeyboard {
    InlineKeyboard {
        rows: vec![vec![
            InlineButton::url("Open invoice", "https://pay.example/i/1"),
            InlineButton::callback("Cancel", "cancel:1").unwrap(),
        ]],
    }
}

#[tokio::test]
async fn send_message_posts_html_without_previews_and_returns_increasing_ids() {
    let (fake, api) = fake_and_client().await;

    let first = api.send_message(USER, "<b>Hello</b> https://t.me/x", Some(&pay_keyboard())).await.unwrap();
    let second = api.send_message(CHANNEL, "Offer", None).await.unwrap();

    assert!(second > first);
    let (method, params) = fake.calls().swap_remove(0);
    assert_eq!(method, "sendMessage");
    assert_eq!(params["parse_mode"], "HTML");
    assert_eq!(params["link_preview_options"], json!({"is_disabled": true}));
    let sent = fake.sent_messages();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        (sent[0].chat_id, sent[0].message_id, sent[0].text.as_str()),
        (USER, first, "<b>Hello</b> https://t.me/x")
    );
    assert_eq!(
        sent[0].reply_markup,
        json!({"inline_keyboard": [[
            {"text": "Open invoice", "url": "https://pay.example/i/1"},
            {"text": "Cancel", "callback_data": "cancel:1"}
        ]]})
    );
    assert_eq!(sent[1].chat_id, CHANNEL, "the channel id keeps its sign");
    assert!(sent[1].reply_markup.is_null());
}

#[tokio::test]
async fn a_rate_limited_send_is_rate_limited_with_retry_after() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("sendMessage", 1, 429, Some(3));

    let error = api.send_message(USER, "hi", None).await.unwrap_err();

    assert_eq!(error, MessengerError::RateLimited { retry_after: Duration::from_secs(3) });
    assert!(fake.sent_messages().is_empty());
}

#[tokio::test]
async fn a_user_who_blocked_the_bot_is_forbidden_and_not_retryable() {
    let (fake, api) = fake_and_client().await;
    fake.block_user(USER);

    let error = api.send_message(USER, "hi", None).await.unwrap_err();

    assert_eq!(error, MessengerError::Forbidden);
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_empty_or_overlong_message_is_rejected() {
    let (_fake, api) = fake_and_client().await;

    for text in [" ".to_owned(), "x".repeat(4097)] {
        let error = api.send_message(USER, &text, None).await.unwrap_err();
        assert!(matches!(error, MessengerError::Rejected { code: 400, .. }), "{error:?}");
    }
}

#[tokio::test]
async fn edit_message_text_changes_the_text_and_keyboard_of_a_sent_message() {
    let (fake, api) = fake_and_client().await;
    let id = api.send_message(USER, "Pay $5", Some(&pay_keyboard())).await.unwrap();

    api.edit_message_text(USER, id, "Paid ✅", None).await.unwrap();

    let sent = fake.sent_messages();
    assert_eq!(sent[0].text, "Paid ✅");
    assert!(sent[0].reply_markup.is_null());
}

#[tokio::test]
async fn editing_a_missing_message_or_to_the_same_text_is_rejected() {
    let (_fake, api) = fake_and_client().await;
    let id = api.send_message(USER, "Same", None).await.unwrap();

    let missing = api.edit_message_text(USER, id + 100, "New", None).await.unwrap_err();
    let unchanged = api.edit_message_text(USER, id, "Same", None).await.unwrap_err();

    assert!(matches!(missing, MessengerError::Rejected { code: 400, .. }), "{missing:?}");
    assert!(
        matches!(unchanged, MessengerError::Rejected { code: 400, ref description } if description.contains("not modified"))
    );
}

#[tokio::test]
async fn delete_message_removes_it_once() {
    let (fake, api) = fake_and_client().await;
    let id = api.send_message(CHANNEL, "Old offer", None).await.unwrap();

    api.delete_message(CHANNEL, id).await.unwrap();
    let again = api.delete_message(CHANNEL, id).await.unwrap_err();

    assert_eq!(fake.deleted_messages(), vec![(CHANNEL, id)]);
    assert!(matches!(again, MessengerError::Rejected { code: 400, .. }), "{again:?}");
}

#[tokio::test]
async fn answer_callback_query_sends_the_id_and_optional_text() {
    let (fake, api) = fake_and_client().await;

    api.answer_callback_query("q1", Some("Invoice created")).await.unwrap();
    api.answer_callback_query("q2", None).await.unwrap();

    assert_eq!(
        fake.answered_callbacks(),
        vec![("q1".to_owned(), Some("Invoice created".to_owned())), ("q2".to_owned(), None)]
    );
    assert_eq!(fake.calls()[1].1, json!({"callback_query_id": "q2"}));
}

#[tokio::test]
async fn a_bot_removed_from_a_channel_cannot_post_there() {
    let (fake, api) = fake_and_client().await;
    fake.set_bot_member(CHANNEL, json!({"status": "kicked", "until_date": 0}));

    assert_eq!(api.send_message(CHANNEL, "Offer", None).await.unwrap_err(), MessengerError::Forbidden);
}
