//! The pattern engine: pure, synchronous, no I/O: callers hand it rule texts and key bytes.
//!
//! Data flow: rule files ([`rule`]) compile into a [`RuleSet`] with one keyword prefilter
//! ([`ruleset`]); a [`Scrubber`] ([`scrub`]) runs that prefilter over a block of lines, runs
//! only the candidate rules on the lines where their keywords occur (past colour codes and
//! character references: [`plain`]), checks each match with
//! its [`validate::Validator`], merges overlapping spans and writes the line with placeholders
//! ([`redact`]) into a reused output buffer. [`coverage`] proves that a rule's keywords cover
//! its regex, so the prefilter never skips a line the rule could match. [`examples`] checks the
//! example lines each rule ships with.
//!
//! The engine reports what it found as [`Hit`]s; counting them is the caller's job.

mod ansi;
pub mod coverage;
mod entities;
mod escapes;
pub mod examples;
pub mod jwt;
pub mod keyvalue;
mod pairs;
mod plain;
mod recall;
pub mod redact;
pub mod rule;
pub mod ruleset;
pub mod scrub;
pub mod stores;
mod substr;
pub mod validate;

pub use redact::Mode;
pub use rule::Rule;
pub use ruleset::{LoadOptions, RuleSet};
pub use scrub::{Hit, Scratch, Scrubber, StreamState};

/// The engine's one error type: loading rules, keying hash mode. Errors name the file and
/// rule, never log content or key bytes.
/// Text an error carries for the program but must not print (its `Debug` says so instead).
#[derive(Clone, PartialEq, Eq)]
pub struct Withheld(pub String);

impl std::fmt::Debug for Withheld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<withheld>")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{origin}: {reason}")]
    RuleFile { origin: String, reason: String },
    #[error("{origin}:{rule}: {reason}")]
    Rule {
        origin: String,
        rule: String,
        reason: String,
    },
    /// A fingerprint key that cannot be used (the message never quotes the key).
    #[error("{0}")]
    Key(String),
    #[error("rule id {id:?} defined twice: in {first} and in {second}")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
    /// `shown` is the id as the rules scrub it; `id` is kept to find it in a config file and
    /// is never printed.
    #[error("--disable {shown:?}: no rule has that id (see `scrubd rules`)")]
    UnknownDisable { shown: String, id: Withheld },
    #[error("building the keyword prefilter: {0}")]
    Prefilter(String),
}
