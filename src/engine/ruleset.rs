//! The compiled set of rules and its keyword prefilter.
//!
//! Every rule names literal `keywords`; one ASCII-case-insensitive Aho-Corasick automaton over
//! all of them finds, in one pass over a block, the lines worth a closer look and which rules
//! are candidates there. A rule with no keywords is a candidate on every line. That the
//! keywords really cover each regex is proved by [`super::coverage`].

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::hybrid::dfa::DFA as LazyDfa;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::syntax;
use std::collections::HashMap;
use std::sync::Arc;

use super::keyvalue::{self, KvScanner, Names, RawNames};
use super::pairs::PairSet;
use super::rule::{self, Rule, Scanner};
use super::Error;

/// Where rules come from.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Leave out the rules compiled into the binary.
    pub no_builtin: bool,
    /// Extra rule files, in order: `(origin, text)`, where `origin` names the file in errors.
    /// The caller reads them (the engine does no I/O).
    pub files: Vec<(String, String)>,
    /// Rule ids to leave out.
    pub disable: Vec<String>,
    /// Load `files` rules even when their keywords cannot be proved to cover their regex
    /// (`scrubd check` does, to report every problem of a file at once).
    pub skip_coverage_proof: bool,
}

/// Compiled rules plus the prefilter that selects them.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Interned kinds: `Hit::kind` indexes this.
    kinds: Vec<String>,
    /// Per rule: the kind id of `rule.kind` and of each `key_kinds` entry.
    rule_kinds: Vec<(u16, Vec<u16>)>,
    prefilter: Option<AhoCorasick>,
    /// Prefilter pattern id -> the rules that keyword selects.
    keyword_rules: Vec<Vec<u32>>,
    /// Rules without keywords: candidates on every line.
    always: Vec<u32>,
    /// The prefilter's patterns: lower-cased keywords, deduplicated.
    patterns: Vec<String>,
    /// The longest pattern's length in bytes.
    longest_keyword: usize,
    /// Gates of the rules with a `window`: rules with the same keywords and window share one.
    gates: Vec<Gate>,
    /// Per rule: its gate, if it has a window.
    rule_gate: Vec<Option<u32>>,
    /// Per prefilter pattern: the gates whose rules have that keyword.
    pattern_gates: Vec<Vec<u32>>,
    /// The fast path for finding every keyword in a block, when the CPU allows it.
    anchors: Option<AnchorSearch>,
    /// The key/value scanner over the name table (used by the key-value rule, if present,
    /// and by the store scanners).
    kv: KvScanner,
    /// Whether a rule uses the key/value scanner, and which.
    kv_rule: bool,
    kv_rule_index: Option<u32>,
    /// Rules that must run on every line while a stream carries SQL parameters.
    carry_rules: Vec<u32>,
    /// How JWTs are judged (weak-key dictionary, bounds, issuer allowlist).
    jwt: Arc<super::jwt::Policy>,
}

/// Finds every keyword occurrence of a block — what the overlapping, ASCII-case-insensitive
/// Aho-Corasick pass finds — several times faster on keyword-dense logs: a SIMD (Teddy) search
/// for a few 3-byte anchors over an ASCII-lower-cased copy of the block, the anchors chosen so
/// that every keyword holds one; each anchor hit is checked against the keywords holding that
/// anchor. Keywords shorter than 3 bytes are looked up in byte and byte-pair tables (1-byte
/// keywords with memchr when there are at most three, byte pairs behind an 8 KiB bitmap) during
/// one scalar pass over the lower-cased block (an overlapping Aho-Corasick pass over the block
/// for 50-odd 1–2 byte keywords cost ~14 % of the filter's time).
///
/// The anchors are split over several Teddy searchers of about [`AnchorSearch::GROUP`]
/// anchors each (rounded to the nearer count of searchers: one anchor more than a multiple of
/// the group size must not cost a whole pass over the block more): Teddy shares its 8 or 16 buckets among its patterns, and the more anchors a bucket
/// holds, the more byte triples its nibble masks accept, so verifying false candidates
/// dominated. Measured on the realistic bench log (1 thread, ~80 anchors, user CPU of the
/// whole filter): groups of 36 → 0.79 s, 24 → 0.74 s, 18 → 0.66 s, 12 → 0.64 s, 9 → 0.64 s;
/// one searcher over 72 anchors took 2–3× as long as two over 36. Fat Teddy (16 buckets,
/// half the bytes per step) beats Slim at the same group size: realistic 300k, 81 anchors,
/// medians of 11 alternated runs, Slim/12 0.40 s, Fat/12 0.38 s, Fat/16 0.38 s, Fat/20 0.38 s;
/// keyword-heavy 1.07 s Slim/12 against 1.04 s Fat/16.
#[derive(Debug)]
struct AnchorSearch {
    /// Searchers over consecutive runs of anchors, and the index of each run's first anchor.
    teddy: Vec<(aho_corasick::packed::Searcher, usize)>,
    /// Per anchor: the keywords holding it, at every offset.
    verify: Vec<Verify>,
    /// Keywords shorter than an anchor.
    short: Option<ShortKeywords>,
}

/// The keywords holding one anchor, as (prefilter pattern, offset of the anchor in it).
/// Keywords where the anchor is not at the start are sorted by the byte before it, and an anchor
/// hit is checked only against those whose byte matches the block's: the anchor `cod` is held by
/// 50-odd keywords (`"code"`, `?code=`, `<q>_code`, `<q> code`, `<q>code`), and logs say
/// `statusCode` and `status_code` on every other line.
#[derive(Debug, Default)]
struct Verify {
    /// Keywords starting with the anchor.
    starts: Vec<(u32, usize)>,
    /// The others, as (byte before the anchor, pattern, offset), sorted.
    after: Vec<(u8, u32, usize)>,
}

/// The 1- and 2-byte keywords (lower-cased), as tables indexed by a byte and by a byte pair
/// of the lower-cased block. Every entry is 0 (no keyword) or 1 + an index into `ids`.
#[derive(Debug)]
struct ShortKeywords {
    one: Box<[u8; 256]>,
    /// The bytes `one` has an entry for (most rule sets have no 1-byte keyword but `@`): up to
    /// three are found with memchr instead of a look at every byte.
    one_bytes: Vec<u8>,
    two: Box<[u8]>,
    /// The pairs `two` has an entry for, searched for in the block (none: no pair pass).
    pairs: Option<PairSet>,
    ids: Vec<u32>,
}

impl ShortKeywords {
    /// `None` when a keyword is empty or there are more than 255 of them.
    fn build(patterns: &[String], short: &[usize], freq: &[f64; 256]) -> Option<ShortKeywords> {
        if short.len() > 255 {
            return None;
        }
        let mut one = Box::new([0u8; 256]);
        let mut two = vec![0u8; 1 << 16].into_boxed_slice();
        for (slot, &i) in short.iter().enumerate() {
            let tag = slot as u8 + 1;
            match patterns[i].as_bytes() {
                [a] => one[a.to_ascii_lowercase() as usize] = tag,
                [a, b] => {
                    two[((a.to_ascii_lowercase() as usize) << 8)
                        | b.to_ascii_lowercase() as usize] = tag
                }
                _ => return None,
            }
        }
        let pairs: Vec<[u8; 2]> = (0..two.len())
            .filter(|&p| two[p] != 0)
            .map(|p| [(p >> 8) as u8, p as u8])
            .collect();
        Some(ShortKeywords {
            one_bytes: (0..=255u8).filter(|&b| one[b as usize] != 0).collect(),
            one,
            two,
            pairs: (!pairs.is_empty()).then(|| PairSet::new(&pairs, freq)),
            ids: short.iter().map(|&i| i as u32).collect(),
        })
    }

    /// Every occurrence in `lower` (a lower-cased block), unordered.
    fn find(&self, lower: &[u8], out: &mut Vec<(u32, usize, usize)>) {
        let one = |i: usize| (self.ids[self.one[lower[i] as usize] as usize - 1], i, i + 1);
        match self.one_bytes[..] {
            [] => {}
            [a] => out.extend(memchr::memchr_iter(a, lower).map(one)),
            [a, b] => out.extend(memchr::memchr2_iter(a, b, lower).map(one)),
            [a, b, c] => out.extend(memchr::memchr3_iter(a, b, c, lower).map(one)),
            _ => {
                for (i, &b) in lower.iter().enumerate() {
                    let t = self.one[b as usize];
                    if t != 0 {
                        out.push((self.ids[t as usize - 1], i, i + 1));
                    }
                }
            }
        }
        if let Some(pairs) = &self.pairs {
            pairs.for_each(lower, |i, pair| {
                out.push((self.ids[self.two[pair] as usize - 1], i, i + 2))
            });
        }
    }
}

impl AnchorSearch {
    const LEN: usize = 3;
    /// How many anchors one Teddy searcher gets (up to half again as many).
    const GROUP: usize = 16;

    /// `None` when no Teddy searcher can be built (no SIMD support): the caller falls back to
    /// the Aho-Corasick pass.
    /// `fat`: use Fat Teddy where the CPU has it (tests turn it off to cover the Slim path).
    fn build(patterns: &[String], fat: bool) -> Option<AnchorSearch> {
        let long: Vec<usize> = (0..patterns.len())
            .filter(|&i| patterns[i].len() >= Self::LEN)
            .collect();
        let short: Vec<usize> = (0..patterns.len())
            .filter(|&i| patterns[i].len() < Self::LEN)
            .collect();
        // Greedy cover: each round takes the 3-byte substring with the fewest expected
        // occurrences per keyword it covers, counting a fixed cost per anchor (every anchor
        // widens Teddy's buckets): `(per_mb + ANCHOR_COST) / covered`. `per_mb` is how often the
        // triple occurs in log text (src/engine/trigrams.txt). Measured on the realistic bench
        // log: 46 % fewer anchor hits than ranking triples by how common their letters are;
        // faster only with small Teddy groups (below: 0.64 s against 0.67 s at 12 per group,
        // slower at 36, where bucket collisions rather than true hits were the cost).
        const ANCHOR_COST: f64 = 500.0;
        let freq = trigram_frequencies();
        let per_mb = |g: &[u8]| -> f64 {
            let key: [u8; 3] = g.try_into().expect("anchors are 3 bytes");
            freq.get(&key).map_or(TRIGRAM_FLOOR, |&n| n as f64)
        };
        // Each triple, in byte order (ties go to the first), with the long keywords holding it.
        let mut holders: std::collections::BTreeMap<&[u8], Vec<usize>> = Default::default();
        for &i in &long {
            for w in patterns[i].as_bytes().windows(Self::LEN) {
                let list = holders.entry(w).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut covered = vec![false; patterns.len()];
        let mut left = long.len();
        let mut anchors: Vec<Vec<u8>> = Vec::new();
        while left > 0 {
            let mut best: Option<(&[u8], f64)> = None;
            for (&g, list) in &holders {
                let n = list.iter().filter(|&&i| !covered[i]).count();
                if n == 0 {
                    continue;
                }
                let score = (per_mb(g) + ANCHOR_COST) / n as f64;
                if best.map_or(true, |(_, s)| score < s) {
                    best = Some((g, score));
                }
            }
            let (g, _) = best.expect("an uncovered keyword holds a triple");
            for &i in &holders[g] {
                if !covered[i] {
                    covered[i] = true;
                    left -= 1;
                }
            }
            anchors.push(g.to_vec());
        }
        // Without any long keyword there is nothing for Teddy to do; the plain pass is as good.
        if anchors.is_empty() {
            return None;
        }
        let groups = ((anchors.len() + Self::GROUP / 2) / Self::GROUP).max(1);
        let per_group = anchors.len().div_ceil(groups);
        let mut teddy = Vec::with_capacity(groups);
        for (g, run) in anchors.chunks(per_group).enumerate() {
            // Fat Teddy (16 buckets, AVX2) where the CPU has it, else Slim (8 buckets).
            let build = |fat: Option<bool>| {
                let mut cfg = aho_corasick::packed::Config::new();
                cfg.match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                    .heuristic_pattern_limits(false)
                    .only_teddy_fat(fat);
                cfg.builder().extend(run).build()
            };
            let fat = if fat { build(Some(true)) } else { None };
            teddy.push((fat.or_else(|| build(Some(false)))?, g * per_group));
        }
        let verify = anchors
            .iter()
            .map(|a| {
                let mut v = Verify::default();
                for &i in &long {
                    let pat = patterns[i].as_bytes();
                    for (off, w) in pat.windows(Self::LEN).enumerate() {
                        if w == a.as_slice() {
                            match off.checked_sub(1) {
                                None => v.starts.push((i as u32, off)),
                                Some(b) => v.after.push((pat[b], i as u32, off)),
                            }
                        }
                    }
                }
                v.after.sort_unstable();
                v
            })
            .collect();
        let short = if short.is_empty() {
            None
        } else {
            let mut bytes = [1.0; 256];
            for (t, &n) in &freq {
                bytes[t[0] as usize] += n as f64;
            }
            Some(ShortKeywords::build(patterns, &short, &bytes)?)
        };
        Some(AnchorSearch {
            teddy,
            verify,
            short,
        })
    }

    fn find(
        &self,
        patterns: &[String],
        block: &[u8],
        lower: &mut Vec<u8>,
        out: &mut Vec<(u32, usize, usize)>,
    ) {
        lower.clear();
        lower.extend(block.iter().map(|b| b.to_ascii_lowercase()));
        let lower = &lower[..];
        for (teddy, first) in &self.teddy {
            let mut pos = 0;
            while let Some(m) = teddy.find_in(lower, aho_corasick::Span::from(pos..lower.len())) {
                let at = m.start();
                let v = &self.verify[first + m.pattern().as_usize()];
                let mut check = |p: u32, off: usize| {
                    let pat = patterns[p as usize].as_bytes();
                    if let Some(s) = at.checked_sub(off) {
                        // First and last byte before the whole compare: most candidates fail
                        // there, and a memcmp call costs more than the few bytes it compares.
                        let end = s + pat.len();
                        if end <= lower.len()
                            && lower[s] == pat[0]
                            && lower[end - 1] == pat[pat.len() - 1]
                            && lower[s..end] == *pat
                        {
                            out.push((p, s, end));
                        }
                    }
                };
                for &(p, off) in &v.starts {
                    check(p, off);
                }
                if let Some(&before) = at.checked_sub(1).and_then(|b| lower.get(b)) {
                    let from = v.after.partition_point(|e| e.0 < before);
                    for &(_, p, off) in v.after[from..].iter().take_while(|e| e.0 == before) {
                        check(p, off);
                    }
                }
                pos = at + 1;
            }
        }
        if let Some(short) = &self.short {
            short.find(lower, out);
        }
        sort_hits(out, lower.len());
    }
}

/// Put the keyword hits of a `len`-byte block in the order of the overlapping pass (by end,
/// then start, then pattern), one entry per occurrence. A block's hits are many and spread
/// over it: one counting pass by 256-byte stretch of the end, then a small sort inside each
/// stretch, costs a third of a comparison sort of the whole block.
fn sort_hits(hits: &mut Vec<(u32, usize, usize)>, len: usize) {
    const STRETCH: u32 = 8; // log2 of the stretch length
    let key = |&(p, s, e): &(u32, usize, usize)| (e, s, p);
    if hits.len() < 64 {
        hits.sort_unstable_by_key(key);
        hits.dedup();
        return;
    }
    let stretches = (len >> STRETCH) + 1; // an end is at most `len`
    let mut first = vec![0u32; stretches + 1];
    for h in hits.iter() {
        first[(h.2 >> STRETCH) + 1] += 1;
    }
    for i in 1..first.len() {
        first[i] += first[i - 1];
    }
    let mut next = first.clone();
    let mut sorted = vec![(0, 0, 0); hits.len()];
    for &h in hits.iter() {
        let slot = &mut next[h.2 >> STRETCH];
        sorted[*slot as usize] = h;
        *slot += 1;
    }
    for w in first.windows(2) {
        if w[1] - w[0] > 1 {
            sorted[w[0] as usize..w[1] as usize].sort_unstable_by_key(key);
        }
    }
    *hits = sorted;
    hits.dedup();
}

/// Occurrences per MB of each byte triple common in log text; triples not in the table are
/// rarer than its threshold (see scripts/gen_trigrams.py, which writes it).
fn trigram_frequencies() -> HashMap<[u8; 3], u32> {
    include_str!("trigrams.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (hex, n) = l.split_once(' ')?;
            let v = u32::from_str_radix(hex, 16).ok()?;
            let [_, a, b, c] = v.to_be_bytes();
            Some(([a, b, c], n.parse().ok()?))
        })
        .collect()
}

/// What a triple missing from the table is taken to occur per MB: half the table's threshold.
const TRIGRAM_FLOOR: f64 = 25.0;

/// A cheap check that a group of rules sharing keywords and a `window` cannot match a line:
/// one anchored lazy DFA of `.{0,lead}? class*? (R1|R2|…)`, run from each keyword hit's
/// window start. The window proof guarantees every match starts inside such a window, so when
/// no run finds a match, none of the group's regexes needs to scan the line.
#[derive(Debug)]
pub(crate) struct Gate {
    pub(crate) lead: usize,
    pub(crate) class: [bool; 256],
    pub(crate) dfa: LazyDfa,
}

impl RuleSet {
    /// The built-in rules only.
    pub fn builtin() -> Result<Self, Error> {
        Self::load(&LoadOptions::default())
    }

    /// Load the built-in rules (unless `no_builtin`), then every rule dir, minus `disable`.
    pub fn load(opts: &LoadOptions) -> Result<Self, Error> {
        let mut rules = Vec::new();
        let mut names = RawNames::default();
        if !opts.no_builtin {
            for (name, text) in rule::BUILTIN_FILES {
                let (r, n) = rule::parse_builtin(&format!("builtin:{name}"), text)?;
                rules.extend(r);
                if let Some(n) = n {
                    names.extend(&n);
                }
            }
        }
        for (origin, text) in &opts.files {
            let (file_rules, file_names) = rule::parse(origin, text)?;
            if let Some(n) = file_names {
                names.extend(&n);
            }
            // Fail closed: a user rule whose keywords miss a spelling its regex accepts would
            // be skipped on exactly those lines. Built-in rules are proved by the test suite.
            for r in file_rules.iter().filter(|_| !opts.skip_coverage_proof) {
                if let Err(gap) = super::coverage::prove(r) {
                    return Err(Error::Rule {
                        origin: r.origin.clone(),
                        rule: r.id.clone(),
                        reason: gap.to_string(),
                    });
                }
            }
            rules.extend(file_rules);
        }
        if let Some(id) = opts
            .disable
            .iter()
            .find(|id| !rules.iter().any(|r| &r.id == *id))
        {
            // The id is printed back, so it goes through the rules first: someone may have
            // pasted a secret where a rule id belongs.
            let all = Self::from_parts(rules, &names)?;
            let scrubber = super::Scrubber::new(std::sync::Arc::new(all), super::Mode::Mask);
            let shown = scrubber.scrub_str(id, &mut scrubber.scratch()).into_owned();
            return Err(Error::UnknownDisable {
                shown,
                id: super::Withheld(id.clone()),
            });
        }
        rules.retain(|r| !opts.disable.contains(&r.id));
        Self::from_parts(rules, &names)
    }

    /// Build the prefilter over already compiled rules (a key/value scanner rule gets the
    /// built-in name table).
    pub fn from_rules(rules: Vec<Rule>) -> Result<Self, Error> {
        let names = keyvalue::builtin_names().map_err(|reason| Error::RuleFile {
            origin: "builtin:names.toml".into(),
            reason,
        })?;
        Self::from_parts(rules, &names)
    }

    /// Build the set from compiled rules and the key/value name table.
    pub fn from_parts(mut rules: Vec<Rule>, names: &RawNames) -> Result<Self, Error> {
        let kv_rules: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].scanner() == Some(Scanner::KeyValue))
            .collect();
        if kv_rules.len() > 1 {
            let r = &rules[kv_rules[1]];
            return Err(Error::Rule {
                origin: r.origin.clone(),
                rule: r.id.clone(),
                reason: "only one rule may use the key-value scanner".into(),
            });
        }
        match kv_rules.first() {
            None => {}
            Some(&i) => {
                // Every name that makes a key sensitive must hold one of the rule's keywords, or
                // the prefilter would skip lines with such keys: add the ones that do not.
                let r = &mut rules[i];
                for entry in names.sensitive_entries() {
                    let covered = r
                        .keywords
                        .iter()
                        .any(|k| entry.contains(&k.to_ascii_lowercase()));
                    if !covered {
                        if entry.len() < 3 {
                            return Err(Error::Rule {
                                origin: r.origin.clone(),
                                rule: r.id.clone(),
                                reason: format!("names entry {entry:?} is shorter than 3 bytes and holds none of the rule's keywords"),
                            });
                        }
                        r.keywords.push(entry);
                    }
                }
            }
        }
        let kv_rule = !kv_rules.is_empty();
        let compiled = Names::compile(names);
        for r in rules.iter_mut().filter(|r| r.scanner().is_some()) {
            r.key_kinds = compiled
                .kinds()
                .iter()
                .map(|k| (k.clone(), k.clone()))
                .collect();
        }
        let kv = KvScanner::new(compiled);
        let carry_rules: Vec<u32> = (0..rules.len())
            .filter(|&i| rules[i].scanner() == Some(Scanner::Sql))
            .map(|i| i as u32)
            .collect();
        for (i, r) in rules.iter().enumerate() {
            if let Some(first) = rules[..i].iter().find(|x| x.id == r.id) {
                return Err(Error::DuplicateId {
                    id: r.id.clone(),
                    first: first.origin.clone(),
                    second: r.origin.clone(),
                });
            }
            if r.keywords.iter().any(|k| k.contains(['\n', '\r'])) {
                return Err(Error::Rule {
                    origin: r.origin.clone(),
                    rule: r.id.clone(),
                    reason: "keywords cannot contain line breaks".into(),
                });
            }
        }
        let mut kinds: Vec<String> = Vec::new();
        let mut intern = |k: &str| -> u16 {
            match kinds.iter().position(|x| x == k) {
                Some(i) => i as u16,
                None => {
                    kinds.push(k.to_string());
                    (kinds.len() - 1) as u16
                }
            }
        };
        let rule_kinds = rules
            .iter()
            .map(|r| {
                (
                    intern(&r.kind),
                    r.key_kinds.iter().map(|(_, k)| intern(k)).collect(),
                )
            })
            .collect();

        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut always = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.keywords.is_empty() {
                always.push(i as u32);
            }
            for k in &r.keywords {
                let k = k.to_ascii_lowercase();
                match patterns.iter().position(|p| *p == k) {
                    Some(p) => keyword_rules[p].push(i as u32),
                    None => {
                        patterns.push(k);
                        keyword_rules.push(vec![i as u32]);
                    }
                }
            }
        }
        let (gates, rule_gate, pattern_gates) = build_gates(&rules, &patterns)?;
        let prefilter = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&patterns)
                    .map_err(|e| Error::Prefilter(e.to_string()))?,
            )
        };
        let anchors = AnchorSearch::build(&patterns, true);
        Ok(RuleSet {
            rules,
            kinds,
            rule_kinds,
            prefilter,
            keyword_rules,
            always,
            gates,
            rule_gate,
            pattern_gates,
            anchors,
            longest_keyword: patterns.iter().map(String::len).max().unwrap_or(0),
            patterns,
            kv,
            kv_rule,
            kv_rule_index: kv_rules.first().map(|&i| i as u32),
            carry_rules,
            jwt: super::jwt::Policy::builtin(),
        })
    }

    /// The same rules, judging JWTs by `policy` instead of the built-in one.
    pub fn with_jwt_policy(mut self, policy: Arc<super::jwt::Policy>) -> Self {
        self.jwt = policy;
        self
    }

    /// How JWTs are judged.
    pub fn jwt(&self) -> &super::jwt::Policy {
        &self.jwt
    }

    /// The key/value scanner, if a rule uses it.
    pub(crate) fn kv(&self) -> Option<&KvScanner> {
        self.kv_rule.then_some(&self.kv)
    }

    /// The key/value scanner, for the store scanners (present even without the key-value rule).
    pub(crate) fn kv_or_builtin(&self) -> Option<&KvScanner> {
        Some(&self.kv)
    }

    /// The name of a key/value scanner kind (an index into the name table's kinds).
    pub fn kv_kind_name(&self, kind: u16) -> &str {
        self.kv
            .names()
            .kinds()
            .get(kind as usize)
            .map_or("rule kind", String::as_str)
    }

    /// Index of the key-value rule, if present.
    pub(crate) fn kv_rule(&self) -> Option<u32> {
        self.kv_rule_index
    }

    pub(crate) fn carry_rules(&self) -> &[u32] {
        &self.carry_rules
    }

    /// The kind id of the `i`-th entry of a scanner rule's `key_kinds` (the scanner's kinds).
    pub(crate) fn scanner_kind_id(&self, rule: usize, i: u16) -> u16 {
        let (default, by_key) = &self.rule_kinds[rule];
        by_key.get(i as usize).copied().unwrap_or(*default)
    }

    /// The scanner's own kind index that [`Self::scanner_kind_id`] maps to `id` (the rule's
    /// default kind when none does).
    pub(crate) fn scanner_kind_index(&self, rule: usize, id: u16) -> u16 {
        let (_, by_key) = &self.rule_kinds[rule];
        by_key
            .iter()
            .position(|&k| k == id)
            .map_or(u16::MAX, |i| i as u16)
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The kind name behind a [`super::Hit::kind`] id.
    pub fn kind_name(&self, kind: u16) -> &str {
        &self.kinds[kind as usize]
    }

    /// Every kind any rule can report, for pre-registering counters.
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// The kind id for a match of `rule` under `key`.
    pub(crate) fn kind_id(&self, rule: usize, key: Option<&[u8]>) -> u16 {
        let r = &self.rules[rule];
        if r.scanner().is_some() {
            return self.rule_kinds[rule].0;
        }
        let (default, by_key) = &self.rule_kinds[rule];
        if let Some(key) = key {
            let key = key.to_ascii_lowercase();
            for (i, (needle, _)) in r.key_kinds.iter().enumerate() {
                if memchr::memmem::find(&key, needle.as_bytes()).is_some() {
                    return by_key[i];
                }
            }
        }
        *default
    }

    /// The keywords the prefilter searches for (ASCII case-insensitively), each once: what
    /// the benchmarks give other multi-literal searchers to compare the scan with.
    pub fn keywords(&self) -> &[String] {
        &self.patterns
    }

    /// The length of the longest keyword, in bytes.
    pub(crate) fn longest_keyword(&self) -> usize {
        self.longest_keyword
    }

    pub(crate) fn prefilter(&self) -> Option<&AhoCorasick> {
        self.prefilter.as_ref()
    }

    /// Every keyword occurrence in `block` as (prefilter pattern, start, end), in order of end,
    /// appended to `out`; `lower` is scratch space.
    pub(crate) fn find_keywords(
        &self,
        block: &[u8],
        lower: &mut Vec<u8>,
        out: &mut Vec<(u32, usize, usize)>,
    ) {
        match (&self.anchors, &self.prefilter) {
            (Some(a), _) => a.find(&self.patterns, block, lower, out),
            (None, Some(ac)) => {
                out.extend(
                    ac.find_overlapping_iter(block)
                        .map(|m| (m.pattern().as_u32(), m.start(), m.end())),
                );
            }
            (None, None) => {}
        }
    }

    pub(crate) fn keyword_rules(&self, pattern: usize) -> &[u32] {
        &self.keyword_rules[pattern]
    }

    pub(crate) fn always(&self) -> &[u32] {
        &self.always
    }

    pub(crate) fn gates(&self) -> &[Gate] {
        &self.gates
    }

    pub(crate) fn rule_gate(&self, rule: usize) -> Option<u32> {
        self.rule_gate[rule]
    }

    pub(crate) fn pattern_gates(&self, pattern: usize) -> &[u32] {
        &self.pattern_gates[pattern]
    }

    /// Index of the rule with `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}

/// Group the rules that have a window by (keywords, window) and build one gate per group.
/// `patterns` are the prefilter's (lower-cased, deduplicated) keywords.
#[allow(clippy::type_complexity)]
fn build_gates(
    rules: &[Rule],
    patterns: &[String],
) -> Result<(Vec<Gate>, Vec<Option<u32>>, Vec<Vec<u32>>), Error> {
    let mut groups: Vec<(Vec<String>, usize, [bool; 256], Vec<usize>)> = Vec::new();
    let mut rule_gate = vec![None; rules.len()];
    for (i, r) in rules.iter().enumerate() {
        let Some(w) = r.regex().and_then(|m| m.window.as_ref()) else {
            continue;
        };
        let mut kws: Vec<String> = r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
        kws.sort();
        kws.dedup();
        let g = match groups
            .iter()
            .position(|(k, l, c, _)| *k == kws && *l == w.lead && *c == w.class)
        {
            Some(g) => g,
            None => {
                groups.push((kws, w.lead, w.class, Vec::new()));
                groups.len() - 1
            }
        };
        groups[g].3.push(i);
        rule_gate[i] = Some(g as u32);
    }
    let mut gates = Vec::with_capacity(groups.len());
    let mut pattern_gates = vec![Vec::new(); patterns.len()];
    for (g, (kws, lead, _, members)) in groups.iter().enumerate() {
        let w = rules[members[0]]
            .regex()
            .and_then(|m| m.window.as_ref())
            .expect("grouped rules have a window");
        let prefix = format!("(?s-u:[\\x00-\\xFF]{{0,{lead}}}?{}*?)", w.class_regex());
        let pats: Vec<String> = members
            .iter()
            .map(|&i| {
                format!(
                    "{prefix}(?:{})",
                    rules[i]
                        .regex()
                        .expect("windows are on regex rules")
                        .regex
                        .as_str()
                )
            })
            .collect();
        let dfa = LazyDfa::builder()
            .configure(LazyDfa::config().match_kind(regex_automata::MatchKind::LeftmostFirst))
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .thompson(
                thompson::Config::new()
                    .utf8(false)
                    .which_captures(WhichCaptures::None),
            )
            .build_many(&pats)
            .map_err(|e| {
                let r = &rules[members[0]];
                Error::Rule {
                    origin: r.origin.clone(),
                    rule: r.id.clone(),
                    reason: format!("building its window gate: {e}"),
                }
            })?;
        for (p, pat) in patterns.iter().enumerate() {
            if kws.contains(pat) {
                pattern_gates[p].push(g as u32);
            }
        }
        gates.push(Gate {
            lead: *lead,
            class: w.class,
            dfa,
        });
    }
    Ok((gates, rule_gate, pattern_gates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{coverage, examples, Mode, Scrubber};
    use std::sync::Arc;

    fn builtin() -> Scrubber {
        Scrubber::new(
            Arc::new(RuleSet::builtin().expect("built-in rules compile")),
            Mode::Mask,
        )
    }

    /// Built-in regexes compile on first use, where a failure could only panic: every one
    /// must compile within the size limit.
    #[test]
    fn every_builtin_regex_compiles() {
        let set = RuleSet::builtin().unwrap();
        let mut regexes = 0;
        for r in set.rules() {
            r.compile()
                .unwrap_or_else(|e| panic!("{}:{}: {e}", r.origin, r.id));
            regexes += usize::from(r.regex().is_some());
        }
        assert!(regexes > 50, "only {regexes} regex rules");
    }

    #[test]
    fn builtin_rule_examples_hold() {
        let s = builtin();
        let mut failures = Vec::new();
        for (i, r) in s.rules().rules().iter().enumerate() {
            assert!(
                !r.examples.redact.is_empty(),
                "{} has no redact example",
                r.id
            );
            assert!(!r.examples.keep.is_empty(), "{} has no keep example", r.id);
            failures.extend(
                examples::check_rule(&s, i)
                    .into_iter()
                    .map(|f| format!("{}: {f}", r.id)),
            );
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn builtin_keywords_cover_every_regex() {
        let s = builtin();
        let gaps: Vec<String> = s
            .rules()
            .rules()
            .iter()
            .filter_map(|r| coverage::prove(r).err().map(|g| format!("{}: {g}", r.id)))
            .collect();
        assert!(gaps.is_empty(), "{}", gaps.join("\n"));
    }

    #[test]
    fn every_builtin_rule_has_keywords() {
        for r in RuleSet::builtin().unwrap().rules() {
            assert!(!r.keywords.is_empty(), "{} would run on every line", r.id);
        }
    }

    /// Every line of the trigram table is read (a malformed line would silently make its
    /// triple look rare).
    #[test]
    fn trigram_table_reads_whole() {
        let lines = include_str!("trigrams.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        let table = trigram_frequencies();
        assert!(lines > 1000, "{lines}");
        assert_eq!(table.len(), lines);
        assert!(
            table[b"tok"] < table[b"ken"],
            "frequencies read the wrong way round"
        );
    }

    /// The anchor search finds exactly what the overlapping Aho-Corasick pass finds.
    #[test]
    fn anchor_search_equals_overlapping_pass() {
        let set = RuleSet::builtin().unwrap();
        // And without the rules of 2-byte keywords: 1-byte keywords, no byte-pair pass.
        let disable = set
            .rules()
            .iter()
            .filter(|r| r.keywords.iter().any(|k| k.len() == 2))
            .map(|r| r.id.clone())
            .collect();
        let no_pairs = RuleSet::load(&LoadOptions {
            disable,
            ..Default::default()
        })
        .unwrap();
        assert!(no_pairs.keywords().iter().all(|k| k.len() != 2));
        assert!(no_pairs.keywords().iter().any(|k| k.len() == 1));
        for set in [set, no_pairs] {
            anchor_search_finds_every_keyword(set);
        }
    }

    fn anchor_search_finds_every_keyword(set: RuleSet) {
        assert!(
            set.anchors.is_some() || !std::arch::is_x86_feature_detected!("ssse3"),
            "no anchor search built"
        );
        let mut blocks: Vec<Vec<u8>> = Vec::new();
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        for e in std::fs::read_dir(corpus).unwrap() {
            blocks.push(std::fs::read(e.unwrap().path()).unwrap_or_default());
        }
        blocks.push(
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/leaky.log")).unwrap(),
        );
        let mut all = String::new();
        for r in set.rules() {
            for k in &r.keywords {
                all.push_str(&format!(
                    "{k}{}x{} {k}{k}@",
                    k.to_ascii_uppercase(),
                    &k[1..]
                ));
            }
            for ex in r.examples.redact.iter().chain(&r.examples.keep) {
                all.push_str(ex);
                all.push('\n');
            }
        }
        blocks.push(all.clone().into_bytes());
        blocks.push(all.to_ascii_uppercase().into_bytes());
        for cut in [1, 2, 5, 17, 31, 64] {
            blocks.push(all.as_bytes()[cut..].to_vec());
            blocks.push(all.as_bytes()[..all.len() - cut].to_vec());
            blocks.push(all.as_bytes()[..cut.min(all.len())].to_vec());
        }
        let ac = set.prefilter().unwrap();
        // The Slim Teddy searchers a CPU without AVX2 gets.
        let slim = AnchorSearch::build(&set.patterns, false);
        assert!(slim.is_some() || !std::arch::is_x86_feature_detected!("ssse3"));
        let mut lower = Vec::new();
        for b in &blocks {
            let mut fast = Vec::new();
            set.find_keywords(b, &mut lower, &mut fast);
            let mut slow: Vec<(u32, usize, usize)> = ac
                .find_overlapping_iter(b)
                .map(|m| (m.pattern().as_u32(), m.start(), m.end()))
                .collect();
            slow.sort_unstable_by_key(|&(p, s, e)| (e, s, p));
            assert_eq!(fast, slow);
            if let Some(slim) = &slim {
                let mut out = Vec::new();
                slim.find(&set.patterns, b, &mut lower, &mut out);
                assert_eq!(out, slow, "Slim Teddy");
            }
        }
    }

    #[test]
    fn unknown_disable_is_an_error() {
        let opts = LoadOptions {
            disable: vec!["no-such-rule".into()],
            ..Default::default()
        };
        assert!(matches!(
            RuleSet::load(&opts),
            Err(Error::UnknownDisable { .. })
        ));
    }

    #[test]
    fn an_unknown_disable_id_that_is_a_secret_is_not_repeated() {
        let key = "AKIA2E0A8F3B244C9986";
        let opts = LoadOptions {
            disable: vec![key.into()],
            ..Default::default()
        };
        let Err(e) = RuleSet::load(&opts) else {
            panic!("an unknown id must be refused")
        };
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(key), "{shown}");
        assert!(shown.contains("[REDACTED"), "{shown}");
    }

    #[test]
    fn disable_removes_rule() {
        let opts = LoadOptions {
            disable: vec!["jwt".into()],
            ..Default::default()
        };
        let set = RuleSet::load(&opts).unwrap();
        assert!(set.position("jwt").is_none());
        assert!(set.position("bearer").is_some());
    }
}
