//! Scores of machine translations against references, for comparing engines on a parallel file
//! (`notebridge bridge eval`): chrF (character n-gram F-score, n = 1…6, β = 2, whitespace
//! ignored) and corpus BLEU (n = 1…4, uniform weights, brevity penalty, no smoothing). Chinese
//! and Japanese text is tokenised by character for BLEU, other text at spaces and punctuation,
//! as the common tools do. Both are on a 0–100 scale.

use std::collections::HashMap;

/// chrF over a corpus: n-gram matches summed over all sentences, then one F-score.
pub fn chrf(hypotheses: &[String], references: &[String]) -> f64 {
    const N: usize = 6;
    const BETA2: f64 = 4.0;
    let mut matched = [0usize; N];
    let mut hyp_total = [0usize; N];
    let mut ref_total = [0usize; N];
    for (h, r) in hypotheses.iter().zip(references) {
        let h: Vec<char> = h.chars().filter(|c| !c.is_whitespace()).collect();
        let r: Vec<char> = r.chars().filter(|c| !c.is_whitespace()).collect();
        for n in 1..=N {
            let (hc, rc) = (ngrams(&h, n), ngrams(&r, n));
            matched[n - 1] += overlap(&hc, &rc);
            hyp_total[n - 1] += hc.values().sum::<usize>();
            ref_total[n - 1] += rc.values().sum::<usize>();
        }
    }
    // Average precision and recall over the orders that occur, then F-beta.
    let (mut p, mut r, mut orders) = (0.0, 0.0, 0.0);
    for n in 0..N {
        if hyp_total[n] == 0 && ref_total[n] == 0 {
            continue;
        }
        orders += 1.0;
        p += ratio(matched[n], hyp_total[n]);
        r += ratio(matched[n], ref_total[n]);
    }
    if orders == 0.0 {
        return 0.0;
    }
    let (p, r) = (p / orders, r / orders);
    if p + r == 0.0 { 0.0 } else { 100.0 * (1.0 + BETA2) * p * r / (BETA2 * p + r) }
}

/// Corpus BLEU with the brevity penalty; any n-gram order without a match gives 0.
pub fn bleu(hypotheses: &[String], references: &[String]) -> f64 {
    const N: usize = 4;
    let mut matched = [0usize; N];
    let mut total = [0usize; N];
    let (mut hyp_len, mut ref_len) = (0usize, 0usize);
    for (h, r) in hypotheses.iter().zip(references) {
        let (h, r) = (tokens(h), tokens(r));
        hyp_len += h.len();
        ref_len += r.len();
        for n in 1..=N {
            let (hc, rc) = (ngrams(&h, n), ngrams(&r, n));
            matched[n - 1] += overlap(&hc, &rc);
            total[n - 1] += hc.values().sum::<usize>();
        }
    }
    if matched.contains(&0) || hyp_len == 0 {
        return 0.0;
    }
    let log_precision: f64 =
        (0..N).map(|n| (matched[n] as f64 / total[n] as f64).ln()).sum::<f64>() / N as f64;
    let brevity =
        if hyp_len >= ref_len { 1.0 } else { (1.0 - ref_len as f64 / hyp_len as f64).exp() };
    100.0 * brevity * log_precision.exp()
}

/// BLEU's tokens: each CJK character alone; other runs of letters and digits; each other
/// visible symbol alone.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() && !is_cjk(c) {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn ngrams<T: Clone + Eq + std::hash::Hash>(items: &[T], n: usize) -> HashMap<Vec<T>, usize> {
    let mut counts = HashMap::new();
    if items.len() >= n {
        for w in items.windows(n) {
            *counts.entry(w.to_vec()).or_insert(0) += 1;
        }
    }
    counts
}

/// Clipped matches: each n-gram counts at most as often as the other side has it.
fn overlap<T: Eq + std::hash::Hash>(a: &HashMap<T, usize>, b: &HashMap<T, usize>) -> usize {
    a.iter().map(|(k, n)| (*n).min(b.get(k).copied().unwrap_or(0))).sum()
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn identical_text_scores_100_and_unrelated_text_0() {
        let refs = s(&["The cat sat on the mat.", "我爱吃火锅"]);
        assert!((chrf(&refs, &refs) - 100.0).abs() < 1e-9);
        assert!((bleu(&refs, &refs) - 100.0).abs() < 1e-9);
        let other = s(&["xyz qqq", "猫"]);
        assert_eq!(bleu(&other, &refs), 0.0);
        assert!(chrf(&other, &refs) < 5.0);
    }

    #[test]
    fn bleu_by_hand() {
        // 6 hypothesis tokens against 6 reference tokens: 1-grams 5/6, 2-grams 3/5, 3-grams
        // 2/4, 4-grams 1/3; same length, so no brevity penalty.
        let h = s(&["the cat sat on a mat"]);
        let r = s(&["the cat sat on the mat"]);
        let logs = [5.0 / 6.0, 3.0 / 5.0, 2.0 / 4.0, 1.0 / 3.0f64].map(f64::ln);
        let want = 100.0 * (logs.iter().sum::<f64>() / 4.0).exp();
        assert!((bleu(&h, &r) - want).abs() < 1e-9, "{} vs {want}", bleu(&h, &r));
        // A shorter hypothesis pays the brevity penalty.
        assert!(bleu(&s(&["the cat sat on the"]), &r) < bleu(&s(&["the cat sat on the mat"]), &r));
    }

    #[test]
    fn chinese_is_scored_by_character() {
        let r = s(&["今天的火锅太辣了"]);
        let close = s(&["今天的火锅很辣"]);
        let far = s(&["明天去爬山"]);
        assert!(chrf(&close, &r) > chrf(&far, &r));
        assert!(bleu(&s(&["今天的火锅太辣"]), &r) > 0.0, "character tokens match");
        assert_eq!(tokens("I love 火锅!"), ["i", "love", "火", "锅", "!"]);
    }
}
