//! The demo's narration: one line per step with its emoji, the ids involved and its time, and the
//! summary table at the end. A failed step stops the story.

use std::{
    future::Future,
    time::{Duration, Instant},
};

/// How a step ended.
#[derive(Debug)]
enum Outcome {
    Done(String),
    Failed(String),
}

#[derive(Debug)]
struct Step {
    emoji: &'static str,
    title: String,
    outcome: Outcome,
    took: Duration,
}

/// Prints the story as it happens and keeps every step for the summary.
#[derive(Debug, Default)]
pub struct Narrator {
    steps: Vec<Step>,
}

impl Narrator {
    /// Runs one step: `body` answers what happened (the ids involved) or why it failed.
    pub async fn step<T, F>(&mut self, emoji: &'static str, title: &str, body: F) -> anyhow::Result<T>
    where
        F: Future<Output = anyhow::Result<(T, String)>>,
    {
        println!("{emoji} {title} …");
        let started = Instant::now();
        let result = body.await;
        let took = started.elapsed();
        match result {
            Ok((value, detail)) => {
                println!("   ✅ {detail} ({:.1} s)", took.as_secs_f64());
                self.steps.push(Step {
                    emoji,
                    title: title.to_owned(),
                    outcome: Outcome::Done(detail),
                    took,
                });
                Ok(value)
            }
            Err(error) => {
                let reason = format!("{error:#}");
                println!("   ❌ {reason} ({:.1} s)", took.as_secs_f64());
                self.steps.push(Step {
                    emoji,
                    title: title.to_owned(),
                    outcome: Outcome::Failed(reason),
                    took,
                });
                Err(error.context(format!("demo step failed: {emoji} {title}")))
            }
        }
    }

    /// The summary table: every step, its result and its time.
    pub fn summary(&self) -> String {
        let mut table = String::from(
            "\n  step                                                                      result   time\n",
        );
        for step in &self.steps {
            let (mark, _) = match &step.outcome {
                Outcome::Done(detail) => ("✅ done", detail),
                Outcome::Failed(reason) => ("❌ FAIL", reason),
            };
            let title: String = format!("{} {}", step.emoji, step.title).chars().take(74).collect();
            table.push_str(&format!("  {title:<74} {mark:<8} {:>5.1} s\n", step.took.as_secs_f64()));
        }
        let total: Duration = self.steps.iter().map(|s| s.took).sum();
        let done = self.steps.iter().filter(|s| matches!(s.outcome, Outcome::Done(_))).count();
        table.push_str(&format!(
            "  {done} of {} steps done in {:.1} s\n",
            self.steps.len(),
            total.as_secs_f64()
        ));
        table
    }
}
