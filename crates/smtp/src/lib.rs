//! The live mailer: account mails over SMTP (`PAYGATE_SMTP_URL`, e.g. `smtps://user:pass@host:465`).

use async_trait::async_trait;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use paygate_domain::mailer::{Mail, MailError, Mailer};
use secrecy::{ExposeSecret, SecretString};

/// Sends mails through one SMTP relay.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpConfigError {
    #[error("PAYGATE_SMTP_URL is not a valid smtp:// or smtps:// URL")]
    Url,
    #[error("PAYGATE_MAIL_FROM is not a valid mailbox like `Paygate <no-reply@example.org>`")]
    From,
}

impl SmtpMailer {
    /// `url` carries the credentials, so it is a secret and never echoed in errors.
    pub fn new(url: &SecretString, from: &str) -> Result<Self, SmtpConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|_| SmtpConfigError::Url)?
            .build();
        let from = from.parse().map_err(|_| SmtpConfigError::From)?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to: Mailbox =
            mail.to.parse().map_err(|_| MailError::Permanent("invalid recipient address".into()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| MailError::Permanent(format!("could not build the mail: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => {
                tracing::info!(kind = "external", to = %mail.to, subject = %mail.subject, "mail sent over SMTP");
                Ok(())
            }
            Err(error) if error.is_permanent() => Err(MailError::Permanent(error.to_string())),
            Err(error) => Err(MailError::Temporary(error.to_string())),
        }
    }

    fn is_live(&self) -> bool {
        true
    }
}
