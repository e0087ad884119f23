//! Accounts: sign-up and sessions, e-mail verification and password recovery, audit log, auth, mail.

pub mod audit;
pub mod auth;
pub mod mail;
pub mod recovery;
pub mod sandbox_mailbox;
pub mod users;
