//! Credentials inside configured URLs never reach `paygate config` output or start-up errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_paygate");
const RPC_KEY: &str = "0123456789abcdef0123456789abcdef";

fn paygate(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(BIN);
    command.args(args).env_clear().current_dir(dir.path()).env("PAYGATE_DATA_DIR", dir.path().join("data"));
    for (key, value) in vars {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn the_config_command_shows_urls_with_their_keys_and_passwords_redacted() {
    let rpc = format!("https://mainnet.infura.io/v3/{RPC_KEY}?apikey=query-key-material");
    let wallet_key = format!("0x{}", "ab".repeat(32));
    let output = paygate(
        &["config"],
        &[
            ("PAYGATE_ETH_RPC_URL", &rpc),
            ("PAYGATE_HOST_WALLET_PRIVATE_KEY", &wallet_key),
            ("PAYGATE_DATABASE_URL", "postgres://paygate:db-password-material@db.internal/paygate"),
            ("PAYGATE_SMTP_URL", "smtps://mailer:smtp-password-material@mail.example.org:465"),
        ],
    );
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("mainnet.infura.io"), "the RPC host should stay readable: {text}");
    for secret in
        [RPC_KEY, "query-key-material", "db-password-material", "smtp-password-material", &wallet_key[2..]]
    {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[test]
fn a_malformed_url_is_reported_without_its_credentials() {
    for bad in [
        format!("ftp://rpc.example.org/v3/{RPC_KEY}"),
        format!("https://user:{RPC_KEY}@[::1"),
        format!("https://{RPC_KEY}@/path"),
    ] {
        let output = paygate(&["migrate"], &[("PAYGATE_ETH_RPC_URL", &bad)]);
        let text = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{bad} accepted: {text}");
        assert!(text.contains("PAYGATE_ETH_RPC_URL"), "{text}");
        assert!(!text.contains(RPC_KEY), "the key leaked: {text}");
    }
    let output =
        paygate(&["migrate"], &[("PAYGATE_NOWPAYMENTS_API_URL", "gopher://u:np-password-material@x.org")]);
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(!text.contains("np-password-material"), "{text}");
}
