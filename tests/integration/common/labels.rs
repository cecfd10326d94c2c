//! Labelled secrets against what the engine redacted: shared by the corpus and scanner tests.

use scrubd::engine::Hit;

/// Bytes of the labelled secret `s` in line `a` that no hit covers: half a value left in clear
/// (`&rxu` after a redacted `monkey4`). Quotes, spaces and a `-` a label took in at its ends
/// are not part of the value.
pub fn in_clear(a: &[u8], s: &str, hits: &[&Hit]) -> usize {
    let trim = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '-' | '\\');
    let core = s.trim_matches(trim);
    let Some(skip) = s.find(core).filter(|_| !core.is_empty()) else {
        return 0;
    };
    let mut spans: Vec<(usize, usize)> = hits.iter().map(|h| (h.start, h.end)).collect();
    spans.sort_unstable();
    memchr::memmem::find_iter(a, s.as_bytes())
        .map(|at| {
            let (start, end) = (at + skip, at + skip + core.len());
            let mut clear = 0;
            let mut pos = start;
            for &(hs, he) in &spans {
                if he <= pos || hs >= end {
                    continue;
                }
                clear += hs.saturating_sub(pos);
                pos = pos.max(he);
            }
            clear + end.saturating_sub(pos)
        })
        .max()
        .unwrap_or(0)
}
