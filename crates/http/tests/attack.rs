//! The attack suite: what a hostile client sends to the real app (deep and huge JSON, broken bytes,
//! forged, replayed and misdirected IPNs, other owners' ids, rate-limit dodges). After each attack the
//! app still answers `/healthz` and the payments are conserved.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

#[path = "attack/support.rs"]
mod support;

#[path = "attack/nesting.rs"]
mod nesting;

#[path = "attack/bodies.rs"]
mod bodies;

#[path = "attack/ipn.rs"]
mod ipn;

#[path = "attack/callbacks.rs"]
mod callbacks;

#[path = "attack/cross_owner.rs"]
mod cross_owner;

#[path = "attack/limits.rs"]
mod limits;
