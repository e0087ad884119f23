//! Chat administration against the fake Telegram: invite links, join requests, bans and unbans.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{CHANNEL, USER, fake_and_client};
use paygate_domain::messenger::MessengerError;
use paygate_telegram::InviteLinkRequest;
use serde_json::json;

fn one_person_link() -> InviteLinkRequest {
    InviteLinkRequest {
        name: "sub 42".into(),
        expire_date: Some(1_900_000_000),
        member_limit: Some(1),
        creates_join_request: false,
    }
}

#[tokio::test]
async fn create_chat_invite_link_returns_the_link_and_sends_every_field() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, true, true, true);

    let link = api.create_chat_invite_link(CHANNEL, &one_person_link()).await.unwrap();

    assert!(link.starts_with("https://t.me/+"), "{link}");
    let recorded = fake.invite_links().pop().unwrap();
    assert_eq!(recorded["invite_link"], json!(link));
    assert_eq!(recorded["chat_id"], json!(CHANNEL));
    assert_eq!(recorded["name"], "sub 42");
    assert_eq!(recorded["expire_date"], 1_900_000_000);
    assert_eq!(recorded["member_limit"], 1);
    assert_eq!(recorded["creates_join_request"], false);
}

#[tokio::test]
async fn a_join_request_link_is_made_without_a_member_limit() {
    let (fake, api) = fake_and_client().await;
    let request = InviteLinkRequest { member_limit: None, creates_join_request: true, ..one_person_link() };

    api.create_chat_invite_link(CHANNEL, &request).await.unwrap();

    let params = &fake.calls()[0].1;
    assert!(params.get("member_limit").is_none());
    assert_eq!(params["creates_join_request"], true);
}

#[tokio::test]
async fn a_member_limit_with_join_requests_is_rejected_without_calling_telegram() {
    let (fake, api) = fake_and_client().await;
    let request = InviteLinkRequest { creates_join_request: true, ..one_person_link() };

    let error = api.create_chat_invite_link(CHANNEL, &request).await.unwrap_err();

    assert!(matches!(error, MessengerError::Rejected { code: 400, .. }), "{error:?}");
    assert!(fake.calls().is_empty());
}

#[tokio::test]
async fn a_bot_without_the_invite_right_is_rejected() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, false, true, true);

    let error = api.create_chat_invite_link(CHANNEL, &one_person_link()).await.unwrap_err();

    assert!(matches!(error, MessengerError::Rejected { code: 400, .. }), "{error:?}");
    assert!(fake.invite_links().is_empty());
}

#[tokio::test]
async fn revoke_chat_invite_link_marks_the_link_revoked() {
    let (fake, api) = fake_and_client().await;
    let link = api.create_chat_invite_link(CHANNEL, &one_person_link()).await.unwrap();

    api.revoke_chat_invite_link(CHANNEL, &link).await.unwrap();
    let unknown = api.revoke_chat_invite_link(CHANNEL, "https://t.me/+unknown").await.unwrap_err();

    assert_eq!(fake.invite_links()[0]["is_revoked"], true);
    assert!(matches!(unknown, MessengerError::Rejected { code: 400, .. }), "{unknown:?}");
}

#[tokio::test]
async fn join_requests_are_approved_or_declined() {
    let (fake, api) = fake_and_client().await;

    api.approve_chat_join_request(CHANNEL, USER).await.unwrap();
    api.decline_chat_join_request(CHANNEL, USER + 1).await.unwrap();

    assert_eq!(fake.approved(), vec![(CHANNEL, USER)]);
    assert_eq!(fake.declined(), vec![(CHANNEL, USER + 1)]);
}

#[tokio::test]
async fn a_removal_bans_then_unbans_only_if_banned() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, true, true, true);
    fake.set_member(CHANNEL, USER, json!({"status": "member"}));

    api.ban_chat_member(CHANNEL, USER).await.unwrap();
    api.unban_chat_member(CHANNEL, USER, true).await.unwrap();

    assert_eq!(fake.bans(), vec![(CHANNEL, USER)]);
    assert_eq!(fake.unbans(), vec![(CHANNEL, USER)]);
    assert_eq!(
        fake.calls().last().unwrap().1,
        json!({"chat_id": CHANNEL, "user_id": USER, "only_if_banned": true})
    );
}

#[tokio::test]
async fn a_rate_limited_ban_is_rate_limited_with_retry_after() {
    let (fake, api) = fake_and_client().await;
    fake.fail_next("banChatMember", 1, 429, Some(5));

    let error = api.ban_chat_member(CHANNEL, USER).await.unwrap_err();

    assert_eq!(error, MessengerError::RateLimited { retry_after: Duration::from_secs(5) });
    assert!(fake.bans().is_empty());
}

#[tokio::test]
async fn a_ban_without_the_restrict_right_is_rejected_and_a_lost_channel_is_forbidden() {
    let (fake, api) = fake_and_client().await;
    fake.bot_is_admin(CHANNEL, true, false, true);
    fake.fail_next("unbanChatMember", 1, 403, None);

    let ban = api.ban_chat_member(CHANNEL, USER).await.unwrap_err();
    let unban = api.unban_chat_member(CHANNEL, USER, true).await.unwrap_err();

    assert!(matches!(ban, MessengerError::Rejected { code: 400, .. }), "{ban:?}");
    assert_eq!(unban, MessengerError::Forbidden);
}
