//! People and the follow graph.

use std::collections::HashSet;

use rand_chacha::ChaCha8Rng;

use crate::params::{DAY_MS, HOUR_MS, Params};
use crate::rng::{Draw, Stream, rng, search_cumulative};
use crate::text::{self, IdentitySpec, L};
use crate::{Community, EN, Follow, Kind, Person, Population, Propensities, Topic, ZH_CN};

/// Pareto shape of popularity: the top 1 % hold about a fifth of it.
const POPULARITY_ALPHA: f64 = 1.5;
/// Largest popularity, so that no account is followed by nearly everyone.
const POPULARITY_CAP: f64 = 2000.0;
/// Spam accounts' popularity.
const SPAM_POPULARITY: f64 = 0.05;
/// Most expected events per active day a person can have.
pub(crate) const CAP_POST: f64 = 40.0;
pub(crate) const CAP_LIKE: f64 = 2000.0;
pub(crate) const CAP_COLLECT: f64 = 500.0;
pub(crate) const CAP_COMMENT: f64 = 150.0;
/// Most accounts one person follows.
const MAX_FOLLOWS: f64 = 5000.0;

/// Interest priors per topic (in `Topic::ALL` order).
const RESIDENT_PRIOR: [f64; Topic::COUNT] = [1.4, 1.1, 0.9, 1.3, 1.3, 1.0, 1.2, 0.5, 0.8, 0.9];
const WAVE_PRIOR: [f64; Topic::COUNT] = [1.3, 1.0, 1.3, 0.9, 0.8, 0.7, 1.2, 1.2, 0.9, 0.7];

/// Build everyone and the follow graph. Out-of-range parameters are clamped (see
/// [`Params::clamped`]); check them with [`Params::validate`] first.
pub fn population(p: &Params) -> Population {
    let p = p.clamped();
    let n = p.users as usize;
    let residents = ((n as f64 * p.resident_share).round() as usize).min(n);
    let mut r = rng(p.seed, Stream::People, 0);
    let joins = join_times(&p, &mut r, residents, n);

    let mut ids = rng(p.seed, Stream::Handles, 0);
    let mut taken = HashSet::with_capacity(n);
    let mut templates = 0u32;
    let mut raw = Vec::with_capacity(n);
    let mut people = Vec::with_capacity(n);
    for (i, &joined_at) in joins.iter().enumerate() {
        let community = if i < residents { Community::Resident } else { Community::Wave };
        let (region, languages) = region_and_languages(&mut r, community);
        let utc_offset_min = utc_offset(&mut r, region);
        let kind = {
            let x = r.unit();
            if x < p.formulaic_share {
                templates += 1;
                Kind::Formulaic { template: templates - 1 }
            } else if x < p.formulaic_share + p.spam_share {
                Kind::Spam
            } else if x < p.formulaic_share + p.spam_share + p.rule_breaker_share {
                Kind::RuleBreaker
            } else {
                Kind::Normal
            }
        };
        let interests = interests(&mut r, community, languages.len() > 1);
        let popularity = if kind == Kind::Spam {
            SPAM_POPULARITY
        } else {
            r.unit_open().powf(-1.0 / POPULARITY_ALPHA).min(POPULARITY_CAP)
        };
        raw.push(raw_propensities(&mut r, kind, popularity));
        let active_until =
            (community == Community::Wave && r.chance(p.departure_share)).then(|| {
                let days = (0.5f64.ln() + r.unit() * (6.0f64).ln()).exp();
                joined_at + (days * DAY_MS as f64) as i64
            });
        let lang = L::of_tag(languages[0]);
        let mut person = Person {
            handle: String::new(),
            display_name: String::new(),
            bio: String::new(),
            community,
            languages,
            region,
            utc_offset_min,
            joined_at,
            active_until,
            kind,
            interests,
            propensities: Propensities::default(),
            popularity: popularity as f32,
        };
        let top = person.top_topics();
        let spec = IdentitySpec {
            community,
            lang,
            second: person.languages.get(1).map(|t| L::of_tag(t)),
            region,
            spam: kind == Kind::Spam,
            interests: (top[0], top[1]),
        };
        let id = text::identity(&mut ids, &spec, i as u32, &mut taken);
        person.handle = id.handle;
        person.display_name = id.display_name;
        person.bio = id.bio;
        people.push(person);
    }
    scale_propensities(&p, &mut people, &raw);
    let follows = follows(&p, &people, residents);
    Population { people, follows }
}

/// Residents uniformly over the history before day 0; the wave along the truncated exponential
/// arrival curve. Each group sorted, residents first.
fn join_times(p: &Params, r: &mut ChaCha8Rng, residents: usize, n: usize) -> Vec<i64> {
    let history = i64::from(p.resident_history_days) * DAY_MS;
    let mut res: Vec<i64> = (0..residents).map(|_| -r.between(HOUR_MS, history)).collect();
    res.sort_unstable();
    let rate = -(1.0 - p.wave_front_share).ln() / p.wave_front_days; // per day
    let span = f64::from(p.days);
    let within = 1.0 - (-rate * span).exp();
    let end = p.end_ms();
    let mut wave: Vec<i64> = (residents..n)
        .map(|_| {
            let days = -(1.0 - r.unit() * within).ln() / rate;
            ((days * DAY_MS as f64) as i64).clamp(0, end - 1)
        })
        .collect();
    wave.sort_unstable();
    res.extend(wave);
    res
}

fn region_and_languages(r: &mut ChaCha8Rng, c: Community) -> (&'static str, Vec<&'static str>) {
    match c {
        Community::Resident => {
            const REGIONS: [(&str, f64); 5] =
                [("CN", 0.85), ("TW", 0.05), ("HK", 0.04), ("SG", 0.03), ("MY", 0.03)];
            let region = REGIONS[r.weighted(&REGIONS.map(|x| x.1))].0;
            let langs = match region {
                "SG" | "MY" if r.chance(0.4) => vec![EN, ZH_CN],
                "SG" | "MY" => vec![ZH_CN, EN],
                "TW" | "HK" if r.chance(0.4) => vec![ZH_CN, EN],
                "CN" if r.chance(0.2) => vec![ZH_CN, EN],
                _ => vec![ZH_CN],
            };
            (region, langs)
        }
        Community::Wave => {
            const REGIONS: [(&str, f64); 13] = [
                ("US", 0.70),
                ("GB", 0.08),
                ("CA", 0.08),
                ("AU", 0.06),
                ("DE", 0.01),
                ("FR", 0.01),
                ("PH", 0.01),
                ("IN", 0.01),
                ("NG", 0.01),
                ("BR", 0.01),
                ("MX", 0.01),
                ("JP", 0.005),
                ("KR", 0.005),
            ];
            let region = REGIONS[r.weighted(&REGIONS.map(|x| x.1))].0;
            let langs = if r.chance(0.1) { vec![EN, ZH_CN] } else { vec![EN] };
            (region, langs)
        }
    }
}

fn utc_offset(r: &mut ChaCha8Rng, region: &str) -> i32 {
    match region {
        "CN" | "TW" | "HK" | "SG" | "MY" | "PH" => 480,
        "US" => [-300, -360, -420, -480][r.weighted(&[0.45, 0.3, 0.07, 0.18])],
        "CA" => [-300, -480][r.weighted(&[0.6, 0.4])],
        "AU" => 600,
        "DE" | "FR" | "NG" => 60,
        "IN" => 330,
        "BR" => -180,
        "MX" => -360,
        "JP" | "KR" => 540,
        _ => 0,
    }
}

fn interests(r: &mut ChaCha8Rng, c: Community, bilingual: bool) -> [f32; Topic::COUNT] {
    let prior = if c == Community::Resident { RESIDENT_PRIOR } else { WAVE_PRIOR };
    let mut w = [0f64; Topic::COUNT];
    for (k, x) in w.iter_mut().enumerate() {
        let boost = if bilingual && k == Topic::LanguageExchange as usize { 2.0 } else { 1.0 };
        *x = prior[k] * boost * (1.3 * r.normal()).exp();
    }
    let total: f64 = w.iter().sum();
    w.map(|x| (x / total) as f32)
}

/// Relative post, like, collect and comment tendencies, before scaling.
fn raw_propensities(r: &mut ChaCha8Rng, kind: Kind, popularity: f64) -> [f64; 4] {
    let mut post = if r.chance(0.35) { 0.0 } else { r.lognormal_mean(1.0, 1.3) };
    // Popular accounts are the active creators.
    post *= popularity.powf(0.3);
    let like = if r.chance(0.03) { 0.0 } else { r.lognormal_mean(1.0, 1.1) };
    let collect = like * r.lognormal_mean(1.0, 0.7);
    let mut comment = if r.chance(0.3) { 0.0 } else { r.lognormal_mean(1.0, 1.2) };
    match kind {
        Kind::Formulaic { .. } => post = post.max(0.5) * 5.0,
        Kind::Spam => {
            post = post.max(0.5) * 6.0;
            comment = comment.max(0.5) * 3.0;
        }
        Kind::RuleBreaker => {
            post *= 1.5;
            comment = comment.max(0.5) * 2.0;
        }
        Kind::Normal => {}
    }
    [post, like, collect, comment]
}

/// Newcomers' early enthusiasm: a wave member's activity is multiplied by
/// `1 + NOVELTY_BOOST · exp(-days since joining / NOVELTY_DAYS)`, so the wave's activity peaks
/// early and recedes even among those who stay.
pub(crate) const NOVELTY_BOOST: f64 = 1.5;
pub(crate) const NOVELTY_DAYS: f64 = 1.5;

/// How much activity the person has in `[from, to)`, in days at their base rate: the time they
/// are present, weighted by the newcomer boost.
pub(crate) fn presence(person: &Person, from: i64, to: i64) -> f64 {
    let from = from.max(person.joined_at);
    let to = to.min(person.active_until.unwrap_or(i64::MAX));
    if to <= from {
        return 0.0;
    }
    let day = DAY_MS as f64;
    let days = (to - from) as f64 / day;
    if person.community != Community::Wave {
        return days;
    }
    let a0 = (from - person.joined_at) as f64 / day;
    let a1 = (to - person.joined_at) as f64 / day;
    days + NOVELTY_BOOST * NOVELTY_DAYS * ((-a0 / NOVELTY_DAYS).exp() - (-a1 / NOVELTY_DAYS).exp())
}

/// Turn relative tendencies into expected events per active day, so that the expected totals over
/// the span match the targets, with each person under the caps.
fn scale_propensities(p: &Params, people: &mut [Person], raw: &[[f64; 4]]) {
    let end = p.end_ms();
    let present: Vec<f64> = people.iter().map(|x| presence(x, 0, end)).collect();
    let user_days = f64::from(p.users) * f64::from(p.days);
    let likes = p.likes_per_user_day * user_days;
    let targets = [
        p.notes_per_user_day * user_days,
        likes,
        likes * p.collects_per_like,
        likes * p.comments_per_like,
    ];
    let caps = [CAP_POST, CAP_LIKE, CAP_COLLECT, CAP_COMMENT];
    let mut rates = vec![[0f64; 4]; people.len()];
    for k in 0..4 {
        // Scale, cap, and rescale the uncapped rest until the caps stop biting.
        let mut capped = vec![false; people.len()];
        for _ in 0..6 {
            let (mut free_mass, mut capped_total) = (0.0, 0.0);
            for i in 0..people.len() {
                if capped[i] {
                    capped_total += caps[k] * present[i];
                } else {
                    free_mass += raw[i][k] * present[i];
                }
            }
            let scale = if free_mass > 0.0 {
                ((targets[k] - capped_total) / free_mass).max(0.0)
            } else {
                0.0
            };
            let mut changed = false;
            for i in 0..people.len() {
                if capped[i] {
                    rates[i][k] = caps[k];
                } else {
                    rates[i][k] = raw[i][k] * scale;
                    if rates[i][k] > caps[k] {
                        rates[i][k] = caps[k];
                        capped[i] = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }
    for (person, r) in people.iter_mut().zip(rates) {
        person.propensities = Propensities {
            post: r[0] as f32,
            like: r[1] as f32,
            collect: r[2] as f32,
            comment: r[3] as f32,
        };
    }
}

/// Popularity-weighted sampling within one community (people `offset..offset + cum.len()`).
struct Pool {
    offset: usize,
    cum: Vec<f64>,
}

impl Pool {
    fn new(people: &[Person], range: std::ops::Range<usize>) -> Self {
        let mut acc = 0.0;
        let cum = people[range.clone()]
            .iter()
            .map(|x| {
                acc += f64::from(x.popularity);
                acc
            })
            .collect();
        Self { offset: range.start, cum }
    }

    fn draw(&self, r: &mut ChaCha8Rng) -> Option<usize> {
        let total = *self.cum.last()?;
        Some(self.offset + search_cumulative(&self.cum, r.unit() * total))
    }
}

fn follows(p: &Params, people: &[Person], residents: usize) -> Vec<Follow> {
    let n = people.len();
    let pools = [Pool::new(people, 0..residents), Pool::new(people, residents..n)];
    let end = p.end_ms();
    let mut r = rng(p.seed, Stream::Follows, 0);
    // Degrees first, so the list is allocated once at its final size.
    let degrees: Vec<usize> = people
        .iter()
        .map(|person| {
            let mean = p.follows_per_user * if person.kind == Kind::Spam { 3.0 } else { 1.0 };
            if mean > 0.0 {
                r.lognormal_mean(mean, 0.9).round().min(MAX_FOLLOWS).min((n - 1) as f64) as usize
            } else {
                0
            }
        })
        .collect();
    let mut out = Vec::with_capacity(degrees.iter().sum());
    let mut chosen: Vec<u32> = Vec::new();
    for (i, (person, &degree)) in people.iter().zip(&degrees).enumerate() {
        let own = usize::from(person.community == Community::Wave);
        let hi = person.active_until.unwrap_or(end).min(end);
        chosen.clear();
        for _ in 0..degree {
            let mut pool = if r.chance(p.homophily) { &pools[own] } else { &pools[1 - own] };
            if pool.cum.is_empty() {
                // Only one community exists.
                pool = &pools[own];
            }
            for _attempt in 0..20 {
                let Some(j) = pool.draw(&mut r) else { break };
                if j == i {
                    continue;
                }
                let Err(slot) = chosen.binary_search(&(j as u32)) else { continue };
                let other = &people[j];
                let lo = person.joined_at.max(other.joined_at);
                if lo >= hi {
                    continue;
                }
                let at = if other.joined_at <= person.joined_at && r.chance(1.0 / 3.0) {
                    // Onboarding: follows right after arriving.
                    (lo + r.exponential(20.0 * 60_000.0) as i64).min(hi - 1)
                } else {
                    lo + r.below((hi - lo) as u64) as i64
                };
                chosen.insert(slot, j as u32);
                out.push(Follow { follower: i as u32, followee: j as u32, at });
                break;
            }
        }
    }
    out.sort_unstable_by_key(|f| (f.at, f.follower, f.followee));
    out
}
