//! The engine on arbitrary bytes, with the invariants asserted: no panic; one line in, one
//! out with its ending; bytes outside the reported spans unchanged and placeholders written
//! exactly there; scrubbing the output again finds nothing (idempotence).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scrubd::engine::{Mode, RuleSet, Scrubber, StreamState};
use std::sync::{Arc, OnceLock};

fn scrubber() -> &'static Scrubber {
    static S: OnceLock<Scrubber> = OnceLock::new();
    S.get_or_init(|| Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask))
}

fn lines(b: &[u8]) -> Vec<&[u8]> {
    if b.is_empty() {
        return Vec::new();
    }
    b.split_inclusive(|&c| c == b'\n').collect()
}

fuzz_target!(|input: &[u8]| {
    let s = scrubber();
    let mut scratch = s.scratch();
    let (mut out, mut hits) = (Vec::new(), Vec::new());
    s.scrub_block(
        input,
        &mut StreamState::default(),
        &mut scratch,
        &mut out,
        &mut hits,
    );

    let (a, b) = (lines(input), lines(&out));
    assert_eq!(a.len(), b.len(), "line count changed");
    let mut rebuilt = Vec::new();
    for (i, line) in a.iter().enumerate() {
        let ending = if line.ends_with(b"\r\n") {
            2
        } else {
            usize::from(line.ends_with(b"\n"))
        };
        assert_eq!(
            &b[i][b[i].len() - ending.min(b[i].len())..],
            &line[line.len() - ending..],
            "line ending changed"
        );
        let content = &line[..line.len() - ending];
        let mut at = 0;
        for h in hits.iter().filter(|h| h.line == i) {
            assert!(
                at <= h.start && h.start < h.end && h.end <= content.len(),
                "bad span {h:?}"
            );
            rebuilt.extend_from_slice(&content[at..h.start]);
            s.mode().write_placeholder(
                s.rules().kind_name(h.kind),
                &content[h.start..h.end],
                &mut rebuilt,
            );
            at = h.end;
        }
        rebuilt.extend_from_slice(&content[at..]);
        rebuilt.extend_from_slice(&line[line.len() - ending..]);
    }
    assert!(rebuilt == out, "bytes outside spans changed");

    let (mut again, mut hits2) = (Vec::new(), Vec::new());
    s.scrub_block(
        &out,
        &mut StreamState::default(),
        &mut scratch,
        &mut again,
        &mut hits2,
    );
    assert!(hits2.is_empty() && again == out, "not idempotent");
});
