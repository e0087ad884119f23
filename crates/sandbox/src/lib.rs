//! Sandbox adapters used when a provider's credentials are not configured.

mod fake;
mod mailer;
mod payments;
mod swap;
pub mod telegram;
mod wallet;

pub use mailer::SandboxMailer;
pub use payments::{CheckoutAction, SandboxPayments};
pub use swap::SandboxSwap;
pub use telegram::SandboxTelegram;
pub use wallet::{SANDBOX_GAS_FEE, SANDBOX_WALLET_ADDRESS, SandboxWallet};
