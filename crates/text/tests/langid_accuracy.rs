//! Language-id accuracy on the labelled set in `data/langid.tsv` (see `data/SOURCES.md`), by
//! length bucket and by label. The floors sit a few points under what was measured when they
//! were set (see the `langid_report` example for the full table), so they catch a broken
//! identifier, not a small change.

use std::path::PathBuf;

use nb_text::langid_eval::{evaluate, parse_set};

#[test]
fn language_id_accuracy_stays_above_its_floors() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/langid.tsv");
    let tsv = std::fs::read_to_string(&path).expect("the labelled set is committed");
    let samples = parse_set(&tsv);
    assert!(samples.len() >= 2000, "only {} labelled texts", samples.len());
    let report = evaluate(&samples);
    let table = report.table();

    let floors = [("<=10", 84.0), ("<=30", 88.0), ("<=100", 92.0)];
    for (bucket, floor) in floors {
        let tally = report.by_bucket.get(bucket).expect("bucket has texts");
        assert!(tally.percent() >= floor, "{bucket}: {:.1}% < {floor}%\n{table}", tally.percent());
    }
    let label_floors = [
        ("zh-Hans", 97.0),
        ("zh-Hant", 76.0),
        ("en", 77.0),
        ("ja", 87.0),
        ("ko", 97.0),
        ("other", 78.0),
        ("mixed", 90.0),
    ];
    for (label, floor) in label_floors {
        let tally = report.by_label.get(label).expect("label has texts");
        assert!(tally.percent() >= floor, "{label}: {:.1}% < {floor}%\n{table}", tally.percent());
    }
    assert!(report.overall.percent() >= 86.0, "overall\n{table}");
}
