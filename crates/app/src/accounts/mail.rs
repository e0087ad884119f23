//! Account mails: their texts and the durable job that hands them to the configured mailer.

use std::sync::Arc;

use async_trait::async_trait;
use paygate_domain::mailer::{Mail, Mailer};
use paygate_jobs::{Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use crate::{AppResult, Settings};

/// One mail to deliver; enqueued in the transaction that created its token.
#[derive(Serialize, Deserialize)]
pub struct SendMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Job for SendMail {
    const KIND: &'static str = "mail.send";
    const MAX_ATTEMPTS: i32 = 12;
}

pub struct SendMailHandler(pub Arc<dyn Mailer>);

#[async_trait]
impl Handler for SendMailHandler {
    type Job = SendMail;

    async fn run(&self, _ctx: &JobContext, job: SendMail) -> Result<(), JobError> {
        let mail = Mail { to: job.to, subject: job.subject, body: job.body };
        match self.0.send(&mail).await {
            Ok(()) => Ok(()),
            Err(error) if error.is_retryable() => Err(JobError::retryable(error)),
            Err(error) => Err(JobError::fatal(error)),
        }
    }
}

/// Enqueues the e-mail verification mail with its one-time link.
pub async fn enqueue_verification(
    conn: &mut PgConnection,
    settings: &Settings,
    to: &str,
    token: &str,
) -> AppResult<()> {
    let link = link(settings, "verify-email", token);
    let body = format!(
        "Welcome to Paygate.\n\nConfirm your e-mail address by opening this link within 48 hours:\n\n{link}\n\n\
         If you did not sign up, ignore this mail."
    );
    enqueue(conn, to, "Confirm your e-mail address", body).await
}

/// Enqueues the password-reset mail with its one-time link.
pub async fn enqueue_reset(
    conn: &mut PgConnection,
    settings: &Settings,
    to: &str,
    token: &str,
) -> AppResult<()> {
    let link = link(settings, "reset-password", token);
    let body = format!(
        "Someone asked to reset the password of your Paygate account.\n\n\
         Choose a new password within one hour here:\n\n{link}\n\n\
         If it was not you, ignore this mail: your password stays unchanged."
    );
    enqueue(conn, to, "Reset your Paygate password", body).await
}

async fn enqueue(conn: &mut PgConnection, to: &str, subject: &str, body: String) -> AppResult<()> {
    paygate_jobs::enqueue(conn, &SendMail { to: to.to_owned(), subject: subject.to_owned(), body }).await?;
    Ok(())
}

fn link(settings: &Settings, page: &str, token: &str) -> String {
    let mut url = settings.public_url.clone();
    url.set_path(&format!("/{page}"));
    url.query_pairs_mut().clear().append_pair("token", token);
    url.to_string()
}
