//! scrubd: a log-stream secret scrubber.
//!
//! The [`engine`] is the library's heart and can be embedded or benchmarked on its own;
//! [`filter`] runs it over a byte stream (stdin → stdout) on every core, keeping order.

pub mod aws;
pub mod batch;
pub mod checkpoint;
pub mod config;
pub mod engine;
pub mod filter;
pub mod jwt_settings;
pub mod lambda;
pub mod metrics;
pub mod pipeline;
pub mod rulefiles;
pub mod service;
pub mod sink;
pub mod source;
