//! The sandbox mailer: keeps every mail in the `sandbox_mails` table for the operator to read.

use async_trait::async_trait;
use paygate_domain::mailer::{Mail, MailError, Mailer};
use sqlx::PgPool;

#[derive(Debug, Clone)]
pub struct SandboxMailer {
    pool: PgPool,
}

impl SandboxMailer {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl Mailer for SandboxMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let mut conn = self.pool.acquire().await.map_err(|e| MailError::Temporary(e.to_string()))?;
        let id = paygate_db::sandbox_mails::insert(&mut conn, &mail.to, &mail.subject, &mail.body)
            .await
            .map_err(|e| MailError::Temporary(e.to_string()))?;
        // The body holds one-time links: it stays in the database, out of the logs.
        tracing::info!(kind = "user", mail_id = id, to = %mail.to, subject = %mail.subject, "sandbox mail stored");
        Ok(())
    }

    fn is_live(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use paygate_test_support::fresh_database;

    use super::*;

    #[tokio::test]
    async fn mails_are_kept_in_the_database_newest_first() {
        let pool = fresh_database().await;
        let mailer = SandboxMailer::new(pool.clone());
        for n in 0..2 {
            let mail =
                Mail { to: format!("o{n}@example.org"), subject: format!("s{n}"), body: format!("b{n}") };
            mailer.send(&mail).await.unwrap();
        }
        let mut conn = pool.acquire().await.unwrap();
        let kept = paygate_db::sandbox_mails::latest(&mut conn, 10).await.unwrap();
        assert_eq!(
            kept.iter().map(|m| m.to_address.as_str()).collect::<Vec<_>>(),
            ["o1@example.org", "o0@example.org"]
        );
        assert_eq!(kept[0].body, "b1");
        assert!(!mailer.is_live());
    }
}
