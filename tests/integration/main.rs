//! Whole-program tests: one binary (see Cargo.toml `autotests = false`), one module per area.

mod cli;
mod common;
mod cloudwatch;
mod corpus;
mod daemon;
mod evasion;
mod faults;
mod hygiene;
mod invariants;
mod jwt;
mod lambda;
mod reliability;
mod scanners;
mod service;
