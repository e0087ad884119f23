//! Sandbox adapters used when a provider's credentials are not configured.

mod fake;
mod mailer;
mod payments;
mod swap;
mod wallet;

pub use mailer::SandboxMailer;
pub use payments::{CheckoutAction, SandboxPayments};
pub use swap::SandboxSwap;
pub use wallet::{SANDBOX_GAS_FEE, SANDBOX_WALLET_ADDRESS, SandboxWallet};
