//! The operator's platform-wide reads and controls beyond payouts: the job queue, all payments and payouts.

pub mod jobs;
pub mod lists;
