//! The rule loader on arbitrary TOML: no panic; a rule that loads can be proved (or not) and run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scrubd::engine::{coverage, rule, Mode, RuleSet, Scrubber, StreamState};
use std::sync::Arc;

fuzz_target!(|text: &str| {
    let Ok(rules) = rule::parse_file("fuzz.toml", text) else {
        return;
    };
    for r in &rules {
        let _ = coverage::prove(r);
    }
    let Ok(set) = RuleSet::from_rules(rules) else {
        return;
    };
    let s = Scrubber::new(Arc::new(set), Mode::Mask);
    let (mut out, mut hits) = (Vec::new(), Vec::new());
    s.scrub_block(
        text.as_bytes(),
        &mut StreamState::default(),
        &mut s.scratch(),
        &mut out,
        &mut hits,
    );
});
