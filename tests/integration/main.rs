//! Whole-program tests: one binary (see Cargo.toml `autotests = false`), one module per area.
//!
//! Tiers: modules and tests that need tools beyond Rust (moto, promtool, systemd-analyze,
//! faketime, root for tmpfs mounts) run only with `--features external-tests`, which
//! scripts/test.sh sets; there a missing tool fails the test.

mod cli;
mod cloudwatch;
mod common;
mod corpus;
mod daemon;
mod evasion;
#[cfg(feature = "external-tests")]
mod faults;
mod hygiene;
mod invariants;
#[cfg(feature = "external-tests")]
mod journald;
mod jwt;
mod lambda;
mod reliability;
mod scanners;
#[cfg(feature = "external-tests")]
mod service;
