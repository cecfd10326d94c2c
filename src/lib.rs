//! scrubd: a log-stream secret scrubber.
//!
//! The [`engine`] is the library's heart and can be embedded or benchmarked on its own;
//! [`filter`] runs it over a byte stream (stdin → stdout) on every core, keeping order.

pub(crate) mod aws;
pub(crate) mod batch;
pub(crate) mod checkpoint;
pub(crate) mod config;
pub mod engine;
pub mod filter;
pub mod jwt_settings;
pub(crate) mod lambda;
pub mod logging;
pub(crate) mod metrics;
pub(crate) mod pipeline;
pub mod rulefiles;
pub(crate) mod service;
pub(crate) mod sink;
pub(crate) mod source;
pub(crate) mod table;

// What the binary starts; everything else outside the engine, `filter` and the rule files is
// crate-private, so the compiler finds dead code.
pub use batch::open_record;
pub use config::Config;
pub use lambda::run as run_lambda;
pub use metrics::{serve as serve_metrics, Metrics};
pub use pipeline::run as run_daemon;
