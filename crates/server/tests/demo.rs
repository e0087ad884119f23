//! `paygate demo`: the scripted story on a throwaway sandbox platform exits 0 when everything
//! happened, and non-zero naming the broken step when a fault is injected into the sandbox swap.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_paygate");

/// Runs `paygate demo` with `args`, without any `PAYGATE_*` setting of the caller.
fn demo(args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.arg("demo").args(args).current_dir(std::env::temp_dir());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PAYGATE_") {
            command.env_remove(name);
        }
    }
    command.output().expect("paygate runs")
}

#[test]
fn the_demo_tells_the_whole_story_on_a_fresh_data_dir_and_exits_zero() {
    let output = demo(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("🎉 the whole story happened"), "{stdout}");
    assert!(!stdout.contains("❌"), "{stdout}");
    for step in [
        "🛒 Sam buys",
        "🚫 Eve tries",
        "🔁 Sam renews",
        "💝 Dana donates",
        "⚠️ Uma underpays",
        "⏰ Bea's",
        "💸",
        "🔄",
        "🏦",
        "🧮",
    ] {
        assert!(stdout.contains(step), "missing {step}: {stdout}");
    }
}

#[test]
fn a_fault_in_the_sandbox_swap_fails_the_demo_at_the_payout_step() {
    let output = demo(&["--fault-swap"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("❌ FAIL"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("demo step failed: 💸"), "{stderr}");
}
