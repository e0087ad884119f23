//! Use cases against the `Messenger` port alone: an in-memory messenger records what they ask of Telegram.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{sync::Arc, time::Duration};

use paygate_app::{AppError, messages::notify, subscribers::invites};
use paygate_domain::messenger::{InlineButton, InlineKeyboard};
use paygate_test_support::{
    in_memory_messenger::{InMemoryMessenger, MessengerCall},
    spawn_app, spawn_app_with_messenger,
};

const USER: i64 = 4242;
const CLOSED: i64 = -1_001_000_000_777;

#[tokio::test]
async fn a_queued_notification_is_sent_through_the_messenger_with_its_keyboard() {
    let messenger = InMemoryMessenger::new();
    let app = spawn_app_with_messenger(Arc::new(messenger.clone())).await;
    let buttons = vec![vec![
        notify::Button::url("Open", "https://example.org/i/1"),
        notify::Button::callback("Status", "status"),
    ]];

    let mut conn = app.pool.acquire().await.unwrap();
    notify::enqueue(&mut conn, USER, "Your <b>access</b> ends soon", buttons).await.unwrap();
    drop(conn);

    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while messenger.messages_to(USER).is_empty() {
        assert!(std::time::Instant::now() < deadline, "the notification was never sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let keyboard = InlineKeyboard {
        rows: vec![vec![
            InlineButton::url("Open", "https://example.org/i/1"),
            InlineButton::callback("Status", "status").unwrap(),
        ]],
    };
    assert_eq!(
        messenger.messages_to(USER),
        vec![("Your <b>access</b> ends soon".to_owned(), Some(keyboard))]
    );
    assert_eq!(messenger.calls().len(), 1, "{:?}", messenger.calls());
}

#[tokio::test]
async fn a_join_request_without_an_invite_is_declined_through_the_messenger() {
    let messenger = InMemoryMessenger::new();
    let app = spawn_app_with_messenger(Arc::new(messenger.clone())).await;

    let approved = invites::decide_join_request(&app.app, CLOSED, USER, None).await.unwrap();

    assert!(!approved);
    assert_eq!(messenger.calls(), vec![MessengerCall::DeclineJoinRequest { chat_id: CLOSED, user_id: USER }]);
}

#[tokio::test]
async fn without_a_bot_token_a_use_case_is_told_no_bot_is_configured() {
    let app = spawn_app().await;

    assert!(!app.app.messenger.is_configured());
    let error = invites::decide_join_request(&app.app, CLOSED, USER, None).await.unwrap_err();

    assert!(
        matches!(&error, AppError::Unavailable(text) if text == "no Telegram bot token is configured"),
        "{error:?}"
    );
}
