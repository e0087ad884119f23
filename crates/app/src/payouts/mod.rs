//! Owner payouts (SPEC §5): routing each share, the payout step machine, operator controls and views.

pub mod job;
pub mod metered_swap;
pub mod operator;
pub mod progress;
pub mod route;
pub mod sandbox_time;
mod steps;
mod swap_steps;
pub mod threshold;
pub mod views;
