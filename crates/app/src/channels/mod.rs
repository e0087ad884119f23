//! Channels: registration and views, proof of control and readiness, deep links, offer posts, activity.

pub mod activity;
pub mod control_proof;
pub mod currencies;
pub mod links;
pub mod manage;
pub mod offer_posts;
pub mod offer_requests;
pub mod overview;
pub mod readiness;
pub mod readiness_recheck;
pub mod views;
