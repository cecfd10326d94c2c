//! Metrics the Lambda way: one invocation's counts, written to stdout as CloudWatch Embedded
//! Metric Format (EMF) JSON lines, which CloudWatch turns into metrics without any API call.
//! The same alerts as the daemon's Prometheus rules become CloudWatch alarms on them.
//!
//! Dimension values are the function name, rule kinds, JWT algs, JWT finding names, allowlisted
//! JWT issuers (from the settings), API names, outcomes and fixed reasons: never anything taken
//! from log content.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::engine::{Hit, RuleSet};

/// One invocation's counts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub lines: u64,
    pub bytes: u64,
    pub lines_redacted: u64,
    /// Lines over the length limit, replaced whole.
    pub oversize_lines: u64,
    pub redactions: BTreeMap<String, u64>,
    pub jwt: BTreeMap<&'static str, u64>,
    /// JWT findings by (finding, issuer label: an allowlisted `iss` or `other`).
    pub jwt_findings: BTreeMap<(&'static str, String), u64>,
    /// Whether an issuer allowlist is configured (then findings also go out by issuer).
    pub jwt_issuers: bool,
    /// Subscription events: received, accepted by PutLogEvents, refused by it (too old, too
    /// new, expired), split because longer than one event may be, skipped (already accepted
    /// by an earlier attempt at the same event, or from scrubd's own output group).
    pub events_in: u64,
    pub events_delivered: u64,
    pub events_rejected: u64,
    pub events_split: u64,
    pub events_skipped: BTreeMap<&'static str, u64>,
    /// Firehose records by result, and the failed ones by reason.
    pub records_ok: u64,
    pub records_dropped: u64,
    pub records_failed: BTreeMap<&'static str, u64>,
    /// CloudWatch Logs API attempts by (api, outcome).
    pub requests: BTreeMap<(&'static str, &'static str), u64>,
}

impl crate::metrics::Tally for Counts {
    fn line_redacted(&mut self) {
        self.lines_redacted += 1;
    }
    fn redaction(&mut self, kind: &str) {
        *self.redactions.entry(kind.to_string()).or_default() += 1;
    }
    fn jwt(&mut self, alg: &'static str) {
        *self.jwt.entry(alg).or_default() += 1;
    }
    fn jwt_finding(&mut self, finding: &'static str, issuer: &str) {
        *self
            .jwt_findings
            .entry((finding, issuer.to_string()))
            .or_default() += 1;
    }
}

impl Counts {
    /// Count a scrubbed block: `lines` lines of `bytes` bytes, `oversize` replaced, `hits`.
    pub fn record_block(
        &mut self,
        lines: u64,
        bytes: u64,
        oversize: u64,
        hits: &[Hit],
        rules: &RuleSet,
    ) {
        self.lines += lines;
        self.bytes += bytes;
        self.oversize_lines += oversize;
        crate::metrics::tally(hits, rules, self);
        self.jwt_issuers = !rules.jwt().issuers().is_empty();
    }

    pub fn records_failed_total(&self) -> u64 {
        self.records_failed.values().sum()
    }

    /// The EMF lines for these counts (each ends in `\n`). The first carries the totals under
    /// the `FunctionName` dimension; the others one metric under one more dimension each,
    /// only for values seen.
    pub fn emf(&self, namespace: &str, function: &str, shape: &str, timestamp_ms: u64) -> String {
        let mut out = String::new();
        let totals: [(&str, u64); 13] = [
            ("Lines", self.lines),
            ("Bytes", self.bytes),
            ("RedactedLines", self.lines_redacted),
            ("Redactions", self.redactions.values().sum()),
            ("OversizeLines", self.oversize_lines),
            ("EventsIn", self.events_in),
            ("EventsDelivered", self.events_delivered),
            ("EventsRejected", self.events_rejected),
            ("EventsSplit", self.events_split),
            ("EventsSkipped", self.events_skipped.values().sum()),
            ("RecordsOk", self.records_ok),
            ("RecordsDropped", self.records_dropped),
            ("RecordsFailed", self.records_failed_total()),
        ];
        line(
            &mut out,
            namespace,
            timestamp_ms,
            &[("FunctionName", function)],
            &[("Shape", shape)],
            &totals,
        );
        // One line per dimension value: the function's name plus the given dimensions.
        let mut per = |dims: &[(&str, &str)], metric: &str, n: u64| {
            let dims: Vec<(&str, &str)> = std::iter::once(("FunctionName", function))
                .chain(dims.iter().copied())
                .collect();
            line(
                &mut out,
                namespace,
                timestamp_ms,
                &dims,
                &[],
                &[(metric, n)],
            );
        };
        for (kind, n) in &self.redactions {
            per(&[("Kind", kind)], "Redactions", *n);
        }
        for (alg, n) in &self.jwt {
            per(&[("Alg", alg)], "Jwts", *n);
        }
        let mut by_finding: BTreeMap<&str, u64> = BTreeMap::new();
        for ((finding, _), n) in &self.jwt_findings {
            *by_finding.entry(finding).or_default() += n;
        }
        for (finding, n) in &by_finding {
            per(&[("Finding", finding)], "JwtFindings", *n);
        }
        for ((finding, issuer), n) in self.jwt_findings.iter().filter(|_| self.jwt_issuers) {
            per(
                &[("Finding", finding), ("Issuer", issuer)],
                "JwtFindings",
                *n,
            );
        }
        for (reason, n) in &self.records_failed {
            per(&[("Reason", reason)], "RecordsFailed", *n);
        }
        for (reason, n) in &self.events_skipped {
            per(&[("Reason", reason)], "EventsSkipped", *n);
        }
        for ((api, outcome), n) in &self.requests {
            per(&[("Api", api), ("Outcome", outcome)], "Requests", *n);
        }
        out
    }
}

/// One EMF document: `dims` are dimensions (one dimension set), `props` plain properties.
fn line(
    out: &mut String,
    namespace: &str,
    ts: u64,
    dims: &[(&str, &str)],
    props: &[(&str, &str)],
    metrics: &[(&str, u64)],
) {
    let q = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let dim_names: Vec<String> = dims.iter().map(|(k, _)| q(k)).collect();
    let defs: Vec<String> = metrics
        .iter()
        .map(|(m, _)| format!(r#"{{"Name":{},"Unit":"Count"}}"#, q(m)))
        .collect();
    let _ = write!(
        out,
        r#"{{"_aws":{{"Timestamp":{ts},"CloudWatchMetrics":[{{"Namespace":{},"Dimensions":[[{}]],"Metrics":[{}]}}]}}"#,
        q(namespace),
        dim_names.join(","),
        defs.join(",")
    );
    for (k, v) in dims.iter().chain(props) {
        let _ = write!(out, ",{}:{}", q(k), q(v));
    }
    for (m, v) in metrics {
        let _ = write!(out, ",{}:{v}", q(m));
    }
    out.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_lines_are_json_with_declared_metrics() {
        let mut c = Counts {
            lines: 10,
            records_ok: 2,
            ..Counts::default()
        };
        c.redactions.insert("jwt".into(), 3);
        c.jwt.insert("none", 1);
        c.records_failed.insert("gzip", 1);
        c.requests.insert(("PutLogEvents", "throttled"), 2);
        let text = c.emf("scrubd", "fn", "firehose", 1_700_000_000_000);
        let docs: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(docs.len(), 5);
        for d in &docs {
            let m = &d["_aws"]["CloudWatchMetrics"][0];
            assert_eq!(m["Namespace"], "scrubd");
            for dim in m["Dimensions"][0].as_array().unwrap() {
                assert!(
                    d[dim.as_str().unwrap()].is_string(),
                    "dimension value present: {d}"
                );
            }
            for metric in m["Metrics"].as_array().unwrap() {
                assert!(
                    d[metric["Name"].as_str().unwrap()].is_u64(),
                    "metric value present: {d}"
                );
            }
        }
        assert_eq!(docs[0]["Lines"], 10);
        assert_eq!(docs[0]["Redactions"], 3);
        assert_eq!(docs[0]["RecordsFailed"], 1);
        assert_eq!(docs[1]["Kind"], "jwt");
        assert_eq!(docs[2]["Alg"], "none");
        assert_eq!(docs[4]["Outcome"], "throttled");
    }

    #[test]
    fn jwt_findings_go_out_by_finding_and_with_an_allowlist_by_issuer() {
        let mut c = Counts::default();
        c.jwt_findings.insert(("alg_none", "other".into()), 2);
        c.jwt_findings
            .insert(("alg_none", "https://auth.example.com/".into()), 1);
        let docs = |c: &Counts| -> Vec<serde_json::Value> {
            c.emf("scrubd", "fn", "subscription", 1)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .filter(|d: &serde_json::Value| d.get("JwtFindings").is_some())
                .collect()
        };
        let d = docs(&c);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0]["Finding"].as_str(), d[0]["JwtFindings"].as_u64()),
            (Some("alg_none"), Some(3))
        );
        c.jwt_issuers = true;
        let d = docs(&c);
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(d[1]["Issuer"], "https://auth.example.com/");
        assert_eq!(d[2]["Issuer"], "other");
    }
}
