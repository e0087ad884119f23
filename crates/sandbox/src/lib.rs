//! Sandbox adapters used when a provider's credentials are not configured.

mod mailer;
mod payments;

pub use mailer::SandboxMailer;
pub use payments::{CheckoutAction, SandboxPayments};
