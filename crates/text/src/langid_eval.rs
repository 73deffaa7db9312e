//! Scoring [`identify`] on a labelled set (`data/langid.tsv`: `label<TAB>text<TAB>source`), by
//! label and by text length. Used by the accuracy test and the `langid_report` example.
//!
//! A text is right when the identifier's label equals the set's: a pure text must come out as
//! that one language, a mixed one (`mixed:zh-Hans+en`) as a mix of the same languages (order
//! not counted). Text without letters counts as `none`.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::langid::identify;

/// One labelled text.
#[derive(Debug, Clone)]
pub struct Sample<'a> {
    pub label: &'a str,
    pub text: &'a str,
    pub source: &'a str,
}

/// Parse the TSV; comment lines (`#`) and malformed lines are skipped.
pub fn parse_set(tsv: &str) -> Vec<Sample<'_>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(Sample { label: f.next()?, text: f.next()?, source: f.next().unwrap_or("") })
        })
        .collect()
}

/// Length buckets of the report, by characters.
pub const BUCKETS: [(&str, usize); 3] = [("<=10", 10), ("<=30", 30), ("<=100", 100)];

/// Right and total counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub right: usize,
    pub total: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.total += 1;
        self.right += usize::from(right);
    }

    /// Accuracy in percent (0 for an empty tally).
    pub fn percent(&self) -> f64 {
        if self.total == 0 { 0.0 } else { 100.0 * self.right as f64 / self.total as f64 }
    }
}

/// Results of one run.
#[derive(Debug, Default)]
pub struct Report {
    pub overall: Tally,
    pub by_label: BTreeMap<String, Tally>,
    pub by_bucket: BTreeMap<&'static str, Tally>,
    /// (expected, predicted) → count, wrong answers only.
    pub confusion: BTreeMap<(String, String), usize>,
}

fn label_group(label: &str) -> String {
    if label.starts_with("mixed:") { "mixed".to_owned() } else { label.to_owned() }
}

/// Whether an identifier label matches an expected one (mix order not counted).
pub fn same_label(expected: &str, got: &str) -> bool {
    match (expected.strip_prefix("mixed:"), got.strip_prefix("mixed:")) {
        (Some(e), Some(g)) => {
            let mut e: Vec<&str> = e.split('+').collect();
            let mut g: Vec<&str> = g.split('+').collect();
            e.sort_unstable();
            g.sort_unstable();
            e == g
        }
        (None, None) => expected == got,
        _ => false,
    }
}

/// Identify every sample and tally the results.
pub fn evaluate(samples: &[Sample<'_>]) -> Report {
    let mut report = Report::default();
    for s in samples {
        let got = identify(s.text).map_or_else(|| "none".to_owned(), |i| i.label());
        let right = same_label(s.label, &got);
        report.overall.add(right);
        report.by_label.entry(label_group(s.label)).or_default().add(right);
        let chars = s.text.chars().count();
        let bucket = BUCKETS.iter().find(|(_, max)| chars <= *max).map_or(">100", |(name, _)| name);
        report.by_bucket.entry(bucket).or_default().add(right);
        if !right {
            *report.confusion.entry((label_group(s.label), label_group(&got))).or_default() += 1;
        }
    }
    report
}

impl Report {
    /// The accuracy table as text.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let row = |out: &mut String, name: &str, t: &Tally| {
            let _ =
                writeln!(out, "{name:<10} {:>6.1}%  {:>5}/{:<5}", t.percent(), t.right, t.total);
        };
        let _ = writeln!(out, "{:<10} {:>7}  {:>11}", "", "accuracy", "right/total");
        row(&mut out, "overall", &self.overall);
        let _ = writeln!(out, "-- by length (characters)");
        for (name, _) in BUCKETS {
            if let Some(t) = self.by_bucket.get(name) {
                row(&mut out, name, t);
            }
        }
        let _ = writeln!(out, "-- by label");
        for (name, t) in &self.by_label {
            row(&mut out, name, t);
        }
        let _ = writeln!(out, "-- confusion (expected -> got: count), wrong answers only");
        let mut wrong: Vec<_> = self.confusion.iter().collect();
        wrong.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for ((expected, got), n) in wrong {
            let _ = writeln!(out, "{expected:>8} -> {got:<8} {n}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_pure_and_mixed_labels() {
        let set = parse_set(
            "# header\nzh-Hans\t今天吃火锅\tx\nmixed:zh-Hans+en\thello你好\tx\nen\t你好\tx\n",
        );
        let r = evaluate(&set);
        assert_eq!(r.overall, Tally { right: 2, total: 3 });
        assert_eq!(r.confusion.get(&("en".to_owned(), "zh-Hans".to_owned())), Some(&1));
        assert!(r.table().contains("overall"));
    }
}
