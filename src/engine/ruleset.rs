//! The compiled set of rules and its keyword prefilter.
//!
//! Every rule names literal `keywords`; one ASCII-case-insensitive Aho-Corasick automaton over
//! all of them finds, in one pass over a block, the lines worth a closer look and which rules
//! are candidates there. A rule with no keywords is a candidate on every line. That the
//! keywords really cover each regex is proved by [`super::coverage`].

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::path::PathBuf;

use super::rule::{self, Rule};
use super::Error;

/// Where rules come from.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Leave out the rules compiled into the binary.
    pub no_builtin: bool,
    /// Extra directories of `*.toml` rule files, in order.
    pub dirs: Vec<PathBuf>,
    /// Rule ids to leave out.
    pub disable: Vec<String>,
    /// Load `dirs` rules even when their keywords cannot be proved to cover their regex
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
}

impl RuleSet {
    /// The built-in rules only.
    pub fn builtin() -> Result<Self, Error> {
        Self::load(&LoadOptions::default())
    }

    /// Load the built-in rules (unless `no_builtin`), then every rule dir, minus `disable`.
    pub fn load(opts: &LoadOptions) -> Result<Self, Error> {
        let mut rules = Vec::new();
        if !opts.no_builtin {
            for (name, text) in rule::BUILTIN_FILES {
                rules.extend(rule::parse_file(&format!("builtin:{name}"), text)?);
            }
        }
        for dir in &opts.dirs {
            for (path, text) in rule::read_dir(dir)? {
                let file_rules = rule::parse_file(&path.display().to_string(), &text)?;
                // Fail closed: a user rule whose keywords miss a spelling its regex accepts would
                // be skipped on exactly those lines. Built-in rules are proved by the test suite.
                for r in file_rules.iter().filter(|_| !opts.skip_coverage_proof) {
                    if let Err(gap) = super::coverage::prove(r) {
                        return Err(Error::Rule { origin: r.origin.clone(), rule: r.id.clone(), reason: gap.to_string() });
                    }
                }
                rules.extend(file_rules);
            }
        }
        for id in &opts.disable {
            if !rules.iter().any(|r| &r.id == id) {
                return Err(Error::UnknownDisable(id.clone()));
            }
        }
        rules.retain(|r| !opts.disable.contains(&r.id));
        Self::from_rules(rules)
    }

    /// Build the prefilter over already compiled rules.
    pub fn from_rules(rules: Vec<Rule>) -> Result<Self, Error> {
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
            .map(|r| (intern(&r.kind), r.key_kinds.iter().map(|(_, k)| intern(k)).collect()))
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
        Ok(RuleSet { rules, kinds, rule_kinds, prefilter, keyword_rules, always })
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

    pub(crate) fn prefilter(&self) -> Option<&AhoCorasick> {
        self.prefilter.as_ref()
    }

    pub(crate) fn keyword_rules(&self, pattern: usize) -> &[u32] {
        &self.keyword_rules[pattern]
    }

    pub(crate) fn always(&self) -> &[u32] {
        &self.always
    }

    /// Index of the rule with `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{coverage, examples, Mode, Scrubber};
    use std::sync::Arc;

    fn builtin() -> Scrubber {
        Scrubber::new(Arc::new(RuleSet::builtin().expect("built-in rules compile")), Mode::Mask)
    }

    #[test]
    fn builtin_rule_examples_hold() {
        let s = builtin();
        let mut failures = Vec::new();
        for (i, r) in s.rules().rules().iter().enumerate() {
            assert!(!r.examples.redact.is_empty(), "{} has no redact example", r.id);
            assert!(!r.examples.keep.is_empty(), "{} has no keep example", r.id);
            failures.extend(examples::check_rule(&s, i).into_iter().map(|f| format!("{}: {f}", r.id)));
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

    #[test]
    fn unknown_disable_is_an_error() {
        let opts = LoadOptions { disable: vec!["no-such-rule".into()], ..Default::default() };
        assert!(matches!(RuleSet::load(&opts), Err(Error::UnknownDisable(_))));
    }

    #[test]
    fn disable_removes_rule() {
        let opts = LoadOptions { disable: vec!["jwt".into()], ..Default::default() };
        let set = RuleSet::load(&opts).unwrap();
        assert!(set.position("jwt").is_none());
        assert!(set.position("bearer").is_some());
    }
}
