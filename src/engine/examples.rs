//! Rule examples: each rule ships lines it must redact (secret marked `«…»`) and lines it must
//! keep. `scrubd check` and `cargo test` both run [`check_rule`] over every rule.

use super::scrub::{Scrubber, StreamState};

pub use super::rule::unmark;

/// Check one rule's examples against the scrubber's rule set; returns the failures.
///
/// - a `redact` example must contain a keyword of the rule (or the prefilter would skip it),
///   the rule alone must find exactly the marked ranges, and the whole rule set must leave no
///   marked secret in the output;
/// - a `keep` example must draw no finding from the rule, and pass the whole set unchanged
///   (a failure shows it as the set writes it: what another rule takes for a secret is not
///   repeated).
pub fn check_rule(scrubber: &Scrubber, rule_index: usize) -> Vec<String> {
    let rule = &scrubber.rules().rules()[rule_index];
    let mut scratch = scrubber.scratch();
    let mut failures = Vec::new();
    for ex in &rule.examples.redact {
        let Some((text, marked)) = unmark(ex) else {
            failures.push(format!(
                "redact example has no well-formed «secret» marks: {ex:?}"
            ));
            continue;
        };
        if text.contains('\n') {
            failures.extend(check_multiline(scrubber, ex, &text, &marked));
            continue;
        }
        let lower = text.to_ascii_lowercase();
        if !rule.keywords.is_empty()
            && !rule
                .keywords
                .iter()
                .any(|k| lower.contains(&k.to_ascii_lowercase()))
        {
            failures.push(format!(
                "redact example contains none of the rule's keywords: {ex:?}"
            ));
        }
        let mut found: Vec<(usize, usize)> = scrubber
            .findings(text.as_bytes(), Some(rule_index), &mut scratch)
            .iter()
            .map(|f| (f.start, f.end))
            .collect();
        found.sort_unstable();
        found.dedup();
        if found != marked {
            let shown: Vec<&str> = found
                .iter()
                .map(|&(s, e)| text.get(s..e).unwrap_or("<non-utf8>"))
                .collect();
            failures.push(format!(
                "redact example: rule found {shown:?}, marked spans differ: {ex:?}"
            ));
        }
        let out = scrub_text(scrubber, &text);
        for &(s, e) in &marked {
            if out.contains(&text[s..e]) {
                failures.push(format!(
                    "redact example: marked secret survives the full rule set: {ex:?}"
                ));
            }
        }
    }
    for ex in &rule.examples.keep {
        let found = scrubber.findings(ex.as_bytes(), Some(rule_index), &mut scratch);
        if !found.is_empty() {
            let shown: Vec<&str> = found
                .iter()
                .map(|f| ex.get(f.start..f.end).unwrap_or("<non-utf8>"))
                .collect();
            failures.push(format!("keep example: rule matched {shown:?} in {ex:?}"));
        } else {
            // Another rule takes it for a secret: show it as that rule leaves it (what changed,
            // and no recognised secret in check's output).
            let out = scrub_text(scrubber, ex);
            if out != *ex {
                failures.push(format!("keep example is changed by another rule: {out:?}"));
            }
        }
    }
    failures
}

/// A `redact` example over several lines (a block rule: the secret is on a line after the one
/// that opens it) is checked as one stream through the whole rule set: every marked secret is
/// gone, and every line without a mark comes back unchanged.
fn check_multiline(
    scrubber: &Scrubber,
    ex: &str,
    text: &str,
    marked: &[(usize, usize)],
) -> Vec<String> {
    let mut failures = Vec::new();
    let out = scrub_text(scrubber, text);
    for &(s, e) in marked {
        if out.contains(&text[s..e]) {
            failures.push(format!(
                "redact example: marked secret survives the full rule set: {ex:?}"
            ));
        }
    }
    let out_lines: Vec<&str> = out.split('\n').collect();
    let mut at = 0;
    for (i, line) in text.split('\n').enumerate() {
        let end = at + line.len();
        let has_mark = marked.iter().any(|&(s, e)| s < end && e > at);
        if !has_mark && out_lines.get(i) != Some(&line) {
            failures.push(format!(
                "redact example: unmarked line {} changed ({:?}): {ex:?}",
                i + 1,
                out_lines.get(i)
            ));
        }
        at = end + 1;
    }
    failures
}

/// Scrub a text with fresh state (one line, or several as one stream).
pub fn scrub_text(scrubber: &Scrubber, text: &str) -> String {
    let mut scratch = scrubber.scratch();
    let mut out = Vec::new();
    let mut hits = Vec::new();
    scrubber.scrub_block(
        text.as_bytes(),
        &mut StreamState::default(),
        &mut scratch,
        &mut out,
        &mut hits,
    );
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmark_single_and_multiple() {
        assert_eq!(unmark("a «b» c"), Some(("a b c".into(), vec![(2, 3)])));
        assert_eq!(
            unmark("«x»-«yz»"),
            Some(("x-yz".into(), vec![(0, 1), (2, 4)]))
        );
    }

    #[test]
    fn unmark_rejects_malformed() {
        assert_eq!(unmark("no marks"), None);
        assert_eq!(unmark("«open"), None);
        assert_eq!(unmark("close»"), None);
        assert_eq!(unmark("«»"), None);
        assert_eq!(unmark("««x»»"), None);
    }
}
