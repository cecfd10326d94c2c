//! The engine on arbitrary bytes, with the invariants asserted: no panic; one line in, one
//! out with its ending; bytes outside the reported spans unchanged and placeholders written
//! exactly there; scrubbing the output again finds nothing (idempotence); scrubbing the input
//! in two blocks cut where a source may cut (`open_record`), the stream's state carried as the
//! ordered stage carries it, gives the same output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scrubd::engine::{Mode, RuleSet, Scrubber, StreamState};
use scrubd::open_record;
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

    // Cut where a source may cut: after the first and the last such line (three blocks), and
    // after the middle one (two).
    let ends: Vec<usize> = a
        .iter()
        .scan(0, |at, l| {
            *at += l.len();
            Some(*at)
        })
        .filter(|&e| e < input.len() && open_record(&input[..e]).is_none())
        .collect();
    if !ends.is_empty() {
        let (first, last) = (ends[0], ends[ends.len() - 1]);
        for cuts in [&[first, last][..], &[ends[ends.len() / 2]]] {
            let (mut parts, mut hits3) = (Vec::new(), Vec::new());
            let mut state = StreamState::default();
            let mut at = 0;
            for &cut in cuts.iter().chain(&[input.len()]) {
                if cut <= at {
                    continue;
                }
                s.scrub_block(
                    &input[at..cut],
                    &mut state,
                    &mut scratch,
                    &mut parts,
                    &mut hits3,
                );
                if !(state.in_block() || state.recalls()) {
                    state = StreamState::default();
                }
                at = cut;
            }
            assert!(parts == out, "cut at {cuts:?}: output differs");
        }
    }
});
