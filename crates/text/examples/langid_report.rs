//! Prints the language-id accuracy table for `data/langid.tsv`:
//! `cargo run -p nb-text --example langid_report [--errors]`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/langid.tsv");
    let tsv = std::fs::read_to_string(&path)?;
    let samples = nb_text::langid_eval::parse_set(&tsv);
    let report = nb_text::langid_eval::evaluate(&samples);
    println!("{} texts from {}\n", samples.len(), path.display());
    print!("{}", report.table());
    if std::env::args().any(|a| a == "--errors") {
        println!("\n-- wrong answers");
        for s in &samples {
            let got = nb_text::identify(s.text).map_or_else(|| "none".to_owned(), |i| i.label());
            if !nb_text::langid_eval::same_label(s.label, &got) {
                println!("{}\t{}\t{}\t{}", s.label, got, s.text, s.source);
            }
        }
    }
    Ok(())
}
