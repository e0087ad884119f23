//! Sandbox adapters used when a provider's credentials are not configured.

mod mailer;

pub use mailer::SandboxMailer;
