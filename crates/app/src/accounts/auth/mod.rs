//! Authentication building blocks: access tokens, opaque one-time tokens and password hashing.

pub mod password;
pub mod tokens;

pub use tokens::{AccessClaims, issue_access_token, verify_access_token};
