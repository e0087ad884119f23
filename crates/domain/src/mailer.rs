//! The `Mailer` port: account mails (verification, password reset) leave Paygate through it.

use async_trait::async_trait;

/// One plain-text mail.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The body carries one-time tokens: keep it out of debug output.
impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail").field("to", &self.to).field("subject", &self.subject).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum MailError {
    /// The server may accept it later (connection refused, 4xx SMTP reply).
    #[error("mail delivery failed temporarily: {0}")]
    Temporary(String),
    /// It will never be accepted (bad address, 5xx SMTP reply).
    #[error("mail delivery failed permanently: {0}")]
    Permanent(String),
}

impl MailError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Temporary(_))
    }
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
    /// `live` for SMTP, `sandbox` for the built-in mailbox.
    fn is_live(&self) -> bool;
}
