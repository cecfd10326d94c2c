//! Proof that a rule's keywords cover its regex: no string the regex can match lacks all of
//! the rule's keywords (compared ASCII-case-insensitively, as the prefilter compares them).
//!
//! The prefilter skips a rule on every line without one of its keywords, so a keyword list
//! that misses a spelling the regex accepts would silently let secrets through. Examples can
//! only sample; this explores the product of two automata exhaustively: a DFA of the rule's
//! regex (anchored at the match start, for every possible preceding byte, reporting all match
//! ends) and an Aho-Corasick DFA of the keywords. A reachable state where the regex has a match
//! while the keyword automaton has seen no keyword is a counterexample, rebuilt into a string.

use aho_corasick::automaton::Automaton as _;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::util::{start, syntax};
use regex_automata::{nfa::thompson, Anchored, MatchKind};
use std::collections::{HashMap, VecDeque};

use super::rule::Rule;

/// Why coverage could not be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The regex matches this string (lossily printed), which holds none of the keywords.
    Counterexample(String),
    /// The regex's DFA is too big to explore within the limits.
    TooComplex(String),
    /// A match can start like this (lossily printed; the last byte is outside `window.class`,
    /// at or after `window.lead`, before the end of the first keyword).
    Window(String),
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gap::Counterexample(s) => write!(f, "regex can match {s:?}, which contains none of its keywords"),
            Gap::TooComplex(why) => write!(f, "keyword coverage cannot be proved: {why}"),
            Gap::Window(s) => write!(
                f,
                "window does not hold: a match can start with {s:?}, whose last byte is outside window.class \
                 after window.lead bytes and before the end of the first keyword"
            ),
        }
    }
}

const DFA_LIMIT: usize = 64 << 20;
const MAX_PRODUCT_STATES: usize = 2_000_000;

/// Prove that every match of `rule.regex` contains one of `rule.keywords` (and one of its
/// `requires`), and that its `window`, if any, holds (see [`prove_window`]).
/// A rule without keywords runs on every line and needs no proof.
///
/// A scanner rule (code, not a regex) is sound by construction: its scanner starts only at
/// the keyword hits the prefilter hands it and reports spans it reached from them; for the
/// key/value scanner, every name that makes a key sensitive holds one of the rule's keywords
/// (`RuleSet::from_parts` adds the ones that do not).
pub fn prove(rule: &Rule) -> Result<(), Gap> {
    let Some(m) = rule.regex() else { return Ok(()) };
    let mut dfa = RegexDfa::new(rule)?;
    prove_literals(&mut dfa, &rule.keywords, true)?;
    prove_literals(&mut dfa, &rule.requires, false)?;
    match &m.window {
        Some(w) => window_witness(&mut dfa, rule, w.lead, &w.class),
        None => Ok(()),
    }
}

/// Prove a rule's `window`: in every match, each byte from the `lead`-th on, up to and
/// including the last byte of the first keyword occurrence inside the match, is in `class`.
///
/// Why it matters: the match then starts at most `lead` bytes before the run of `class` bytes
/// that ends where its first keyword ends. The scrubber knows where the keywords are (its
/// prefilter found them), so it only needs to look for a match starting in those few windows
/// instead of scanning the whole line — and when no match can start there, it skips the rule.
pub fn prove_window(rule: &Rule, lead: usize, class: &[bool; 256]) -> Result<(), Gap> {
    window_witness(&mut RegexDfa::new(rule)?, rule, lead, class)
}

fn window_witness(
    dfa: &mut RegexDfa,
    rule: &Rule,
    lead: usize,
    class: &[bool; 256],
) -> Result<(), Gap> {
    if rule.keywords.is_empty() {
        return Err(Gap::TooComplex("a window needs keywords".into()));
    }
    let (_, witness) = explore_window(dfa, &rule.keywords, lead, Some(class))?;
    match witness {
        Some(s) => Err(Gap::Window(s)),
        None => Ok(()),
    }
}

/// The smallest class that makes `lead` a valid window for `rule` (for rule authors: what
/// `window.class` must contain).
pub fn window_class(rule: &Rule, lead: usize) -> Result<[bool; 256], Gap> {
    explore_window(&mut RegexDfa::new(rule)?, &rule.keywords, lead, None).map(|(class, _)| class)
}

/// The rule's regex as a lazy DFA (anchored at the match start, reporting every match end):
/// the proofs walk only the states reachable before a keyword, a small corner of the full DFA
/// of a rule like `-u <name>{8,128}:`, so determinizing them on demand is what keeps loading
/// a rule file cheap. The cache never clears (a clear would invalidate the state ids the
/// proofs keep); a regex that fills it is too complex to prove.
struct RegexDfa {
    dfa: DFA,
    cache: Cache,
}

impl RegexDfa {
    fn new(rule: &Rule) -> Result<Self, Gap> {
        let regex = rule
            .regex()
            .ok_or_else(|| Gap::TooComplex("not a regex rule".into()))?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(DFA_LIMIT)
                    .minimum_cache_clear_count(Some(0)),
            )
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .thompson(thompson::Config::new().utf8(false))
            .build(regex.regex.as_str())
            .map_err(|e| Gap::TooComplex(e.to_string()))?;
        let cache = dfa.create_cache();
        Ok(RegexDfa { dfa, cache })
    }

    /// The start state after `look_behind` (`None`: the start of the text).
    fn start(&mut self, look_behind: Option<u8>) -> Result<LazyStateID, Gap> {
        let cfg = start::Config::new()
            .anchored(Anchored::Yes)
            .look_behind(look_behind);
        self.dfa
            .start_state(&mut self.cache, &cfg)
            .map_err(|e| Gap::TooComplex(e.to_string()))
    }

    fn next(&mut self, s: LazyStateID, b: u8) -> Result<LazyStateID, Gap> {
        self.dfa.next_state(&mut self.cache, s, b).map_err(too_big)
    }

    fn eoi(&mut self, s: LazyStateID) -> Result<LazyStateID, Gap> {
        self.dfa.next_eoi_state(&mut self.cache, s).map_err(too_big)
    }
}

fn too_big(e: regex_automata::hybrid::CacheError) -> Gap {
    Gap::TooComplex(format!("the regex's DFA outgrows {DFA_LIMIT} bytes ({e})"))
}

/// Explore (regex DFA state, keyword automaton state, bytes read capped at `lead`) up to the
/// end of the first keyword; collect the bytes read at depth >= `lead`. With `class`, stop at
/// the first such byte outside it and return the string that reaches it.
fn explore_window(
    dfa: &mut RegexDfa,
    keywords: &[String],
    lead: usize,
    class: Option<&[bool; 256]>,
) -> Result<([bool; 256], Option<String>), Gap> {
    let kw = aho_corasick::dfa::DFA::builder()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::Standard)
        .start_kind(aho_corasick::StartKind::Unanchored)
        .build(keywords)
        .map_err(|e| Gap::TooComplex(e.to_string()))?;
    let kw_start = kw
        .start_state(aho_corasick::Anchored::No)
        .map_err(|e| Gap::TooComplex(e.to_string()))?;
    type State = (LazyStateID, aho_corasick::automaton::StateID, usize);
    let mut seen: HashMap<State, Option<(State, u8)>> = HashMap::new();
    let mut queue = VecDeque::new();
    for lb in std::iter::once(None).chain((0..=255u8).map(Some)) {
        let s = dfa.start(lb)?;
        let st = (s, kw_start, 0);
        if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(st) {
            v.insert(None);
            queue.push_back(st);
        }
    }
    let rebuild = |seen: &HashMap<State, Option<(State, u8)>>, mut st: State, last: u8| {
        let mut bytes = vec![last];
        while let Some(Some((parent, b))) = seen.get(&st) {
            bytes.push(*b);
            st = *parent;
        }
        bytes.reverse();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let mut found = [false; 256];
    while let Some(st @ (d, a, depth)) = queue.pop_front() {
        for b in 0..=255u8 {
            let d2 = dfa.next(d, b)?;
            if d2.is_dead() {
                continue;
            }
            if d2.is_match() {
                // A match without a keyword: the keyword proof reports it.
                return Err(Gap::Counterexample(rebuild(&seen, st, b)));
            }
            if depth >= lead {
                if class.is_some_and(|c| !c[b as usize]) {
                    return Ok((found, Some(rebuild(&seen, st, b))));
                }
                found[b as usize] = true;
            }
            let a2 = kw.next_state(aho_corasick::Anchored::No, a, b);
            if kw.is_match(a2) {
                continue; // the first keyword ends here
            }
            let next = (d2, a2, (depth + 1).min(lead));
            if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(next) {
                v.insert(Some((st, b)));
                queue.push_back(next);
                if seen.len() > MAX_PRODUCT_STATES {
                    return Err(Gap::TooComplex(format!(
                        "more than {MAX_PRODUCT_STATES} states to explore"
                    )));
                }
            }
        }
    }
    Ok((found, None))
}

/// Prove every match of `rule.regex` contains one of `literals` (ASCII case-insensitively or
/// exactly).
fn prove_literals(
    dfa: &mut RegexDfa,
    literals: &[String],
    case_insensitive: bool,
) -> Result<(), Gap> {
    if literals.is_empty() {
        return Ok(());
    }
    let kw = aho_corasick::dfa::DFA::builder()
        .ascii_case_insensitive(case_insensitive)
        .match_kind(aho_corasick::MatchKind::Standard)
        .start_kind(aho_corasick::StartKind::Unanchored)
        .build(literals)
        .map_err(|e| Gap::TooComplex(e.to_string()))?;
    let kw_start = kw
        .start_state(aho_corasick::Anchored::No)
        .map_err(|e| Gap::TooComplex(e.to_string()))?;

    type State = (LazyStateID, aho_corasick::automaton::StateID);
    // Each explored state and how it was reached (parent, byte), for counterexamples.
    let mut seen: HashMap<State, Option<(State, u8)>> = HashMap::new();
    let mut queue = VecDeque::new();
    for lb in std::iter::once(None).chain((0..=255u8).map(Some)) {
        let s = dfa.start(lb)?;
        let st = (s, kw_start);
        if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(st) {
            v.insert(None);
            queue.push_back(st);
        }
    }
    let rebuild = |seen: &HashMap<State, Option<(State, u8)>>, mut st: State| {
        let mut bytes = Vec::new();
        while let Some(Some((parent, b))) = seen.get(&st) {
            bytes.push(*b);
            st = *parent;
        }
        bytes.reverse();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    while let Some(st @ (d, a)) = queue.pop_front() {
        // Matches are reported one byte late: a match state after reading `b` (or EOI) means
        // the regex matched the bytes read before it, which saw no keyword.
        if dfa.eoi(d)?.is_match() {
            return Err(Gap::Counterexample(rebuild(&seen, st)));
        }
        for b in 0..=255u8 {
            let d2 = dfa.next(d, b)?;
            if d2.is_match() {
                return Err(Gap::Counterexample(rebuild(&seen, st)));
            }
            if d2.is_dead() {
                continue;
            }
            let a2 = kw.next_state(aho_corasick::Anchored::No, a, b);
            if kw.is_match(a2) {
                continue; // a keyword is inside the match from here on
            }
            let next = (d2, a2);
            if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(next) {
                v.insert(Some((st, b)));
                queue.push_back(next);
                if seen.len() > MAX_PRODUCT_STATES {
                    return Err(Gap::TooComplex(format!(
                        "more than {MAX_PRODUCT_STATES} states to explore"
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rule::parse_file;

    fn rule(keywords: &str, regex: &str) -> Rule {
        let text = format!(
            "[[rule]]\nid = \"t\"\nkind = \"t\"\ndescription = \"t\"\nkeywords = {keywords}\nregex = '''{regex}'''\n"
        );
        parse_file("test", &text).unwrap().remove(0)
    }

    #[test]
    fn covered_literal_prefix() {
        assert_eq!(
            prove(&rule(r#"["bearer"]"#, r"(?i)bearer\s+(?P<secret>\w+)")),
            Ok(())
        );
    }

    #[test]
    fn covered_by_any_of_several_keywords() {
        assert_eq!(
            prove(&rule(
                r#"["AKIA", "ASIA"]"#,
                r"(?P<secret>(?:AKIA|ASIA)[A-Z0-9]{16})"
            )),
            Ok(())
        );
    }

    #[test]
    fn gap_when_alternative_lacks_keyword() {
        let gap = prove(&rule(
            r#"["AKIA"]"#,
            r"(?P<secret>(?:AKIA|ASIA)[A-Z0-9]{16})",
        ))
        .unwrap_err();
        match gap {
            Gap::Counterexample(s) => assert!(s.starts_with("ASIA"), "{s}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn gap_when_case_insensitive_regex_meets_keyword_split_by_optional_char() {
        // `api_key` keyword misses `apikey`, which the regex allows.
        let gap = prove(&rule(r#"["api_key"]"#, r"(?i)api_?key=(?P<secret>\w+)")).unwrap_err();
        assert!(
            matches!(gap, Gap::Counterexample(ref s) if s.to_ascii_lowercase().starts_with("apikey=")),
            "{gap:?}"
        );
    }

    #[test]
    fn requires_are_proved_exactly() {
        let mut r = rule(r#"["k"]"#, r#"k\\"(?P<secret>x)"#);
        r.requires = vec!["\\\"".into()];
        assert_eq!(prove(&r), Ok(()));
        r.requires = vec!["K\\\"".into()];
        assert!(matches!(prove(&r), Err(Gap::Counterexample(_))));
    }

    #[test]
    fn a_regex_whose_whole_dfa_is_huge_is_proved_by_the_part_before_its_keyword() {
        // The full DFA of `[ab]*a[ab]{24}` has 2^25 states (far past the 64 MiB limit); the
        // proof only needs the states before `key=`, so a rule like this loads.
        assert_eq!(
            prove(&rule(r#"["key="]"#, r"key=(?P<secret>[ab]*a[ab]{24})")),
            Ok(())
        );
    }

    #[test]
    fn keywordless_rule_needs_no_proof() {
        assert_eq!(prove(&rule("[]", r"(?P<secret>x)")), Ok(()));
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;
    use crate::engine::rule::{parse_file, BUILTIN_FILES};

    fn show(class: &[bool; 256]) -> String {
        let mut s = String::new();
        let mut b = 0usize;
        while b < 256 {
            if !class[b] {
                b += 1;
                continue;
            }
            let mut e = b;
            while e + 1 < 256 && class[e + 1] {
                e += 1;
            }
            let esc = |x: usize| match x as u8 {
                c if c.is_ascii_alphanumeric() => (c as char).to_string(),
                c => format!("\\x{c:02X}"),
            };
            s.push_str(&esc(b));
            if e > b {
                s.push('-');
                s.push_str(&esc(e));
            }
            b = e + 1;
        }
        format!("[{s}]")
    }

    /// `cargo test print_window_classes -- --ignored --nocapture`: the smallest window class
    /// of every built-in rule for leads 0 to 4 (what `window.class` must contain).
    #[test]
    #[ignore]
    fn print_window_classes() {
        for (name, text) in BUILTIN_FILES {
            for r in parse_file(name, text).unwrap() {
                for lead in 0..=4 {
                    match window_class(&r, lead) {
                        Ok(c) => println!("{:28} lead {lead}: {}", r.id, show(&c)),
                        Err(e) => println!("{:28} lead {lead}: {e}", r.id),
                    }
                }
            }
        }
    }

    fn rule(keywords: &str, regex: &str, window: &str) -> Rule {
        let text = format!(
            "[[rule]]\nid = \"t\"\nkind = \"t\"\ndescription = \"t\"\nkeywords = {keywords}\nregex = '''{regex}'''\n{window}\n"
        );
        parse_file("test", &text).unwrap().remove(0)
    }

    #[test]
    fn window_proved_for_key_run() {
        let r = rule(
            r#"["token"]"#,
            r#"(?i)["'](?P<secret>[a-z0-9_]*token)["']"#,
            "window = { lead = 1, class = '[A-Za-z0-9_]' }",
        );
        assert_eq!(prove(&r), Ok(()));
    }

    #[test]
    fn window_gap_when_class_misses_a_byte() {
        let r = rule(
            r#"["token"]"#,
            r#"(?i)["'](?P<secret>[a-z0-9_.]*token)["']"#,
            "window = { lead = 1, class = '[A-Za-z0-9_]' }",
        );
        assert!(
            matches!(prove(&r), Err(Gap::Window(ref s)) if s.ends_with('.')),
            "{:?}",
            prove(&r)
        );
    }

    #[test]
    fn window_gap_when_lead_too_short() {
        let r = rule(
            r#"["token"]"#,
            r#"(?i)\(["'](?P<secret>[a-z0-9_]*token)["']"#,
            "window = { lead = 1, class = '[A-Za-z0-9_]' }",
        );
        assert!(matches!(prove(&r), Err(Gap::Window(_))), "{:?}", prove(&r));
        let r = rule(
            r#"["token"]"#,
            r#"(?i)\(["'](?P<secret>[a-z0-9_]*token)["']"#,
            "window = { lead = 2, class = '[A-Za-z0-9_]' }",
        );
        assert_eq!(prove(&r), Ok(()));
    }
}
