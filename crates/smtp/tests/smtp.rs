//! The SMTP mailer against a minimal SMTP server speaking the real protocol on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::sync::{Arc, Mutex};

use paygate_domain::mailer::{Mail, MailError, Mailer};
use paygate_smtp::SmtpMailer;
use secrecy::SecretString;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// Accepts SMTP sessions; answers RCPT TO with `rcpt_reply`; records every DATA payload.
async fn fake_smtp(rcpt_reply: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
                let mut in_data = false;
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut data));
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-fake\r\n250 8BITMIME\r\n",
                        "MAIL" | "RSET" | "NOOP" => b"250 ok\r\n",
                        "RCPT" => rcpt_reply.as_bytes(),
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"502 unknown\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

fn mail() -> Mail {
    Mail {
        to: "owner@example.org".into(),
        subject: "Reset your Paygate password".into(),
        body: "link: http://x/reset?token=abc".into(),
    }
}

fn mailer(port: u16) -> SmtpMailer {
    SmtpMailer::new(&SecretString::from(format!("smtp://127.0.0.1:{port}")), "Paygate <no-reply@example.org>")
        .unwrap()
}

#[tokio::test]
async fn a_mail_is_delivered_with_sender_recipient_subject_and_body() {
    let (port, received) = fake_smtp("250 ok\r\n").await;
    mailer(port).send(&mail()).await.unwrap();
    let kept = received.lock().unwrap().clone();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].contains("To: owner@example.org"), "{}", kept[0]);
    assert!(kept[0].contains("From: Paygate <no-reply@example.org>"), "{}", kept[0]);
    assert!(kept[0].contains("Subject: Reset your Paygate password"), "{}", kept[0]);
    assert!(kept[0].contains("token=abc"), "{}", kept[0]);
}

#[tokio::test]
async fn a_5xx_reply_is_a_permanent_failure_and_a_4xx_reply_a_temporary_one() {
    let (port, _) = fake_smtp("550 no such user\r\n").await;
    let error = mailer(port).send(&mail()).await.unwrap_err();
    assert!(matches!(error, MailError::Permanent(_)), "{error:?}");
    let (port, _) = fake_smtp("451 try later\r\n").await;
    let error = mailer(port).send(&mail()).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_temporary_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let error = mailer(port).send(&mail()).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
}

#[test]
fn a_bad_url_or_sender_is_a_configuration_error_that_does_not_echo_the_url() {
    let error =
        SmtpMailer::new(&SecretString::from("nonsense://user:hunter2@x".to_string()), "a@b.c").unwrap_err();
    assert!(!error.to_string().contains("hunter2"));
    assert!(
        SmtpMailer::new(&SecretString::from("smtp://127.0.0.1:25".to_string()), "not a mailbox").is_err()
    );
}
