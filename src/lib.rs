//! scrubd: a log-stream secret scrubber.
//!
//! The [`engine`] is the library's heart and can be embedded or benchmarked on its own;
//! [`filter`] runs it over a byte stream (stdin → stdout) on every core, keeping order.

pub mod aws;
pub mod batch;
pub mod engine;
pub mod filter;
pub mod lambda;
pub mod checkpoint;
pub mod source;
pub mod metrics;
pub mod config;
pub mod pipeline;
pub mod rulefiles;
pub mod sink;
pub mod service;
pub mod jwt_settings;
