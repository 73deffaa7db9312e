//! The model's parameters, measured on generated communities. Sizes stay small: these run
//! unoptimised.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use nb_sim::{
    Community, DAY_MS, Day, Kind, Params, Population, Topic, Violation, Visibility, days,
    population,
};

/// One community shared by the tests of this file.
struct World {
    p: Params,
    pop: Population,
    days: Vec<Day>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let p = Params { users: 2500, days: 5, seed: 42, ..Params::default() };
        p.validate().unwrap();
        let pop = population(&p);
        let days = days(&p, &pop).collect();
        World { p, pop, days }
    })
}

/// FNV-1a over a value's `Debug` form: a stable fingerprint of everything generated.
fn fingerprint(x: &impl std::fmt::Debug) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{x:?}").bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[test]
fn same_seed_same_community_other_seed_other_community() {
    let p = Params { users: 400, days: 2, seed: 7, ..Params::default() };
    let run = |p: &Params| {
        let pop = population(p);
        let days: Vec<Day> = days(p, &pop).collect();
        (pop, days)
    };
    let a = run(&p);
    let b = run(&p);
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    let c = run(&Params { seed: 8, ..p.clone() });
    assert_ne!(fingerprint(&a.0), fingerprint(&c.0));
    assert_ne!(fingerprint(&a.1), fingerprint(&c.1));
    let handles =
        |pop: &Population| pop.people.iter().map(|x| x.handle.clone()).collect::<Vec<_>>();
    assert_ne!(handles(&a.0), handles(&c.0));
}

/// The same seed gives the same community on every machine and release: this fingerprint changes
/// only when the model does. If you change the model on purpose, update it (and say so).
#[test]
fn fingerprint_is_stable() {
    let p = Params { users: 200, days: 2, seed: 2024, ..Params::default() };
    let pop = population(&p);
    let days: Vec<Day> = days(&p, &pop).collect();
    assert_eq!(fingerprint(&(pop, days)), GOLDEN, "the model's output changed");
}

const GOLDEN: u64 = 3_844_930_812_426_534_521;

#[test]
fn homophily_is_measured_as_set() {
    for h in [0.8, 0.3] {
        let p = Params { users: 3000, homophily: h, seed: 5, ..Params::default() };
        let pop = population(&p);
        let same = pop
            .follows
            .iter()
            .filter(|f| {
                pop.people[f.follower as usize].community
                    == pop.people[f.followee as usize].community
            })
            .count();
        let share = same as f64 / pop.follows.len() as f64;
        eprintln!("homophily {h}: measured {share:.3}");
        assert!((share - h).abs() <= 0.05, "homophily {h}: measured {share:.3}");
    }
}

#[test]
fn follower_counts_are_heavy_tailed() {
    let pop = &world().pop;
    let n = pop.people.len();
    let mut indeg = vec![0usize; n];
    for f in &pop.follows {
        indeg[f.followee as usize] += 1;
    }
    let mut sorted = indeg.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let top: usize = sorted[..n / 100].iter().sum();
    let top_share = top as f64 / pop.follows.len() as f64;
    let median = sorted[n / 2].max(1);
    eprintln!("followers: top 1% share {top_share:.3}, max {}, median {median}", sorted[0]);
    // (At 100k people the top 1 % hold about a fifth; a small community saturates sooner.)
    assert!(top_share >= 0.08, "top 1% hold {top_share:.3} of follows");
    assert!(sorted[0] >= 10 * median, "max {} vs median {median}", sorted[0]);
    // Popularity drives it: the most popular tenth gathers far more than the least popular half.
    let mut by_pop: Vec<usize> = (0..n).collect();
    by_pop.sort_by(|&a, &b| pop.people[b].popularity.total_cmp(&pop.people[a].popularity));
    let mean = |ix: &[usize]| ix.iter().map(|&i| indeg[i]).sum::<usize>() as f64 / ix.len() as f64;
    let (hi, lo) = (mean(&by_pop[..n / 10]), mean(&by_pop[n / 2..]));
    eprintln!("followers by popularity: top decile {hi:.1}, bottom half {lo:.1}");
    assert!(hi > 4.0 * lo, "top decile {hi:.1} vs bottom half {lo:.1}");
    // Out-degree averages the setting.
    let out = pop.follows.len() as f64 / n as f64;
    assert!((out - 50.0).abs() < 6.0, "mean follows {out:.1}");
}

#[test]
fn wave_arrives_along_the_curve() {
    for (front, days) in [(3.0, 7), (1.5, 4)] {
        let p = Params { users: 6000, days, wave_front_days: front, seed: 9, ..Params::default() };
        let pop = population(&p);
        let wave: Vec<_> = pop.people.iter().filter(|x| x.community == Community::Wave).collect();
        let residents = pop.people.len() - wave.len();
        assert!((residents as f64 / 6000.0 - p.resident_share).abs() < 0.01);
        assert!(
            pop.people
                .iter()
                .filter(|x| x.community == Community::Resident)
                .all(|x| x.joined_at < 0)
        );
        assert!(wave.iter().all(|x| (0..p.end_ms()).contains(&x.joined_at)));
        let by_front = (front * DAY_MS as f64) as i64;
        let share =
            wave.iter().filter(|x| x.joined_at < by_front).count() as f64 / wave.len() as f64;
        let expected = p.expected_wave_share_by_front();
        eprintln!("wave by front {front}: {share:.3} (expected {expected:.3})");
        assert!((0.8..=0.9).contains(&expected), "{expected}");
        assert!((share - expected).abs() < 0.03, "front {front}: {share:.3} vs {expected:.3}");
        // People are in join order.
        assert!(pop.people.windows(2).all(|w| w[0].joined_at <= w[1].joined_at));
    }
}

#[test]
fn departed_people_go_quiet() {
    let w = world();
    let people = &w.pop.people;
    let wave = people.iter().filter(|x| x.community == Community::Wave).count();
    let departed = people.iter().filter(|x| x.active_until.is_some()).count();
    assert!(people.iter().all(|x| x.active_until.is_none() || x.community == Community::Wave));
    let share = departed as f64 / wave as f64;
    eprintln!("departed share of the wave {share:.3}");
    assert!((share - w.p.departure_share).abs() < 0.05, "departed {share:.3}");
    let mut quiet_after = 0;
    let active = |who: u32, at: i64| {
        let x = &people[who as usize];
        at >= x.joined_at && x.active_until.is_none_or(|u| at < u)
    };
    for f in &w.pop.follows {
        assert!(active(f.follower, f.at), "follow by an absent person: {f:?}");
    }
    for d in &w.days {
        for n in &d.notes {
            assert!(active(n.author, n.at), "note {} by an absent person", n.id);
        }
        assert!(d.likes.iter().all(|l| active(l.who, l.at)));
        assert!(d.collects.iter().all(|c| active(c.who, c.at)));
        assert!(d.comments.iter().all(|c| active(c.author, c.at)));
        assert!(d.comment_likes.iter().all(|c| active(c.who, c.at)));
        quiet_after += d.notes.len();
    }
    assert!(quiet_after > 0);
    // Departures show: the wave's activity on the last day is well below its peak.
    let wave_notes = |d: &Day| {
        d.notes.iter().filter(|n| people[n.author as usize].community == Community::Wave).count()
    };
    let counts: Vec<usize> = w.days.iter().map(wave_notes).collect();
    let last = *counts.last().unwrap();
    let max = *counts.iter().max().unwrap();
    let wave_left_by_end =
        people.iter().filter(|x| x.active_until.is_some_and(|u| u < w.p.end_ms())).count();
    assert!(wave_left_by_end > 0);
    assert!(last < max, "wave notes per day {counts:?}");
}

fn trigrams(s: &str) -> HashSet<[char; 3]> {
    let c: Vec<char> = s.chars().collect();
    c.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

fn jaccard(a: &HashSet<[char; 3]>, b: &HashSet<[char; 3]>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 { 1.0 } else { inter as f64 / union as f64 }
}

#[test]
fn formulaic_posters_post_near_copies() {
    let w = world();
    let people = &w.pop.people;
    let mut by_template: HashMap<u32, Vec<HashSet<[char; 3]>>> = HashMap::new();
    let mut normal = Vec::new();
    for n in w.days.iter().flat_map(|d| &d.notes) {
        let kind = people[n.author as usize].kind;
        let grams = trigrams(&format!("{}\n{}", n.title, n.text));
        match (kind, n.template) {
            (Kind::Formulaic { template }, Some(t)) => {
                assert_eq!(template, t);
                by_template.entry(t).or_default().push(grams);
            }
            (Kind::Formulaic { .. }, None) | (_, Some(_)) => {
                panic!("template mismatch on note {}", n.id)
            }
            (Kind::Normal, None) => normal.push(grams),
            _ => {}
        }
    }
    let formulaic = people.iter().filter(|x| matches!(x.kind, Kind::Formulaic { .. })).count();
    let share = formulaic as f64 / people.len() as f64;
    assert!((share - w.p.formulaic_share).abs() < 0.015, "formulaic share {share:.3}");
    let (mut sum, mut pairs) = (0.0, 0);
    for notes in by_template.values() {
        for (a, b) in notes.iter().zip(notes.iter().skip(1)) {
            sum += jaccard(a, b);
            pairs += 1;
        }
    }
    assert!(pairs >= 50, "only {pairs} formulaic pairs");
    let within = sum / pairs as f64;
    let (mut sum, mut pairs) = (0.0, 0);
    for (a, b) in normal.iter().step_by(7).zip(normal.iter().skip(3).step_by(11)).take(2000) {
        sum += jaccard(a, b);
        pairs += 1;
    }
    let random = sum / pairs as f64;
    eprintln!("trigram Jaccard: within template {within:.3}, random pairs {random:.3}");
    assert!(within >= 0.6, "within-template similarity {within:.3}");
    assert!(random <= 0.15, "random-pair similarity {random:.3}");
}

#[test]
fn volumes_match_the_defaults() {
    let w = world();
    let user_days = f64::from(w.p.users) * f64::from(w.p.days);
    let sum = |f: fn(&Day) -> usize| w.days.iter().map(f).sum::<usize>() as f64;
    let notes = sum(|d| d.notes.len());
    let likes = sum(|d| d.likes.len());
    let collects = sum(|d| d.collects.len());
    let comments = sum(|d| d.comments.len());
    let comment_likes = sum(|d| d.comment_likes.len());
    eprintln!(
        "per user-day: notes {:.3} likes {:.2}; collects/like {:.3} comments/like {:.3} comment likes/comment {:.3}",
        notes / user_days,
        likes / user_days,
        collects / likes,
        comments / likes,
        comment_likes / comments
    );
    let near = |x: f64, target: f64, tol: f64| (x / target - 1.0).abs() <= tol;
    assert!(
        near(notes / user_days, w.p.notes_per_user_day, 0.08),
        "notes/user-day {}",
        notes / user_days
    );
    assert!(
        near(likes / user_days, w.p.likes_per_user_day, 0.08),
        "likes/user-day {}",
        likes / user_days
    );
    assert!(
        near(collects / likes, w.p.collects_per_like, 0.1),
        "collects/like {}",
        collects / likes
    );
    assert!(
        near(comments / likes, w.p.comments_per_like, 0.1),
        "comments/like {}",
        comments / likes
    );
    assert!(
        comment_likes > 0.2 * comments,
        "comment likes {comment_likes} for {comments} comments"
    );
    // Most people lurk: the busiest tenth writes most notes.
    let mut per_author = vec![0usize; w.pop.people.len()];
    for n in w.days.iter().flat_map(|d| &d.notes) {
        per_author[n.author as usize] += 1;
    }
    per_author.sort_unstable_by(|a, b| b.cmp(a));
    let top: usize = per_author[..per_author.len() / 10].iter().sum();
    assert!(top as f64 > 0.5 * notes, "top tenth wrote {top} of {notes}");
    assert!(per_author.iter().filter(|&&c| c == 0).count() > per_author.len() / 4);
}

#[test]
fn totals_scale_linearly() {
    let count = |users, days| {
        let p = Params { users, days, seed: 3, ..Params::default() };
        let pop = population(&p);
        nb_sim::days(&p, &pop)
            .map(|d| (d.notes.len(), d.likes.len()))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    };
    let (n1, l1) = count(500, 2);
    let (n2, l2) = count(1000, 2);
    let (n3, l3) = count(500, 4);
    for (name, base, double) in [
        ("notes/users", n1, n2),
        ("likes/users", l1, l2),
        ("notes/days", n1, n3),
        ("likes/days", l1, l3),
    ] {
        let ratio = double as f64 / base as f64;
        eprintln!("{name} doubled: x{ratio:.2}");
        assert!((1.7..=2.3).contains(&ratio), "{name}: {ratio:.2}");
    }
}

#[test]
fn everything_is_valid() {
    let w = world();
    let people = &w.pop.people;
    let n = people.len() as u32;
    let mut handles = HashSet::new();
    for x in people {
        assert!(
            (3..=30).contains(&x.handle.len())
                && x.handle
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "bad handle {:?}",
            x.handle
        );
        assert!(handles.insert(x.handle.as_str()), "duplicate handle {}", x.handle);
        assert!(!x.display_name.trim().is_empty() && x.display_name.chars().count() <= 30);
        assert!(!x.bio.is_empty() && x.bio.chars().count() <= 200, "{:?}", x.bio);
        assert!(matches!(x.languages.first(), Some(&"zh-CN" | &"en")));
        assert!((x.interests.iter().sum::<f32>() - 1.0).abs() < 1e-3);
    }
    let mut follows = HashSet::new();
    for f in &w.pop.follows {
        assert!(f.follower < n && f.followee < n && f.follower != f.followee);
        assert!(follows.insert((f.follower, f.followee)), "duplicate follow {f:?}");
        assert!(
            f.at >= people[f.follower as usize].joined_at
                && f.at >= people[f.followee as usize].joined_at
        );
    }
    assert!(w.pop.follows.windows(2).all(|x| x[0].at <= x[1].at));

    let follow_at: HashMap<(u32, u32), i64> =
        w.pop.follows.iter().map(|f| ((f.follower, f.followee), f.at)).collect();
    // Followers-only and unlisted notes reach only the author's followers (and the author).
    let may_see = |who: u32, author: u32, public: bool, at: i64| {
        public || who == author || follow_at.get(&(who, author)).is_some_and(|&f| f <= at)
    };
    let mut public: Vec<bool> = Vec::new();
    let mut notes: Vec<(i64, u32)> = Vec::new(); // by id: (at, author)
    let mut likes = HashSet::new();
    let mut collects = HashSet::new();
    let mut comments: Vec<(u64, Option<u64>, i64)> = Vec::new(); // by id: (note, parent, at)
    let mut comment_likes = HashSet::new();
    for (k, d) in w.days.iter().enumerate() {
        assert_eq!(d.index as usize, k);
        let (d0, d1) = (k as i64 * DAY_MS, (k as i64 + 1) * DAY_MS);
        assert!(d.notes.windows(2).all(|x| x[0].at <= x[1].at));
        assert!(d.likes.windows(2).all(|x| x[0].at <= x[1].at));
        assert!(d.collects.windows(2).all(|x| x[0].at <= x[1].at));
        assert!(d.comments.windows(2).all(|x| x[0].at <= x[1].at));
        assert!(d.comment_likes.windows(2).all(|x| x[0].at <= x[1].at));
        for note in &d.notes {
            assert_eq!(note.id, notes.len() as u64, "note ids dense and in order");
            assert!((d0..d1).contains(&note.at));
            assert!(notes.last().is_none_or(|l| l.0 <= note.at));
            assert!(note.author < n);
            assert!(note.title.chars().count() <= 100 && !note.title.contains('\n'));
            assert!(!note.title.trim().is_empty());
            assert!(note.text.chars().count() <= 5000 && !note.text.trim().is_empty());
            for t in &note.tags {
                assert!(note.text.contains(&format!("#{t}")), "tag {t} not in {:?}", note.text);
            }
            assert!(matches!(note.language, "zh-CN" | "en"));
            assert!(note.photos.len() <= 9);
            assert!(note.photos.iter().all(|p| p.pool_index < w.p.photo_pool_size));
            notes.push((note.at, note.author));
            public.push(note.visibility == Visibility::Public);
        }
        for l in &d.likes {
            assert!((d0..d1).contains(&l.at));
            let (at, author) = notes[l.note as usize];
            assert!(l.at >= at, "like before its note");
            assert_ne!(l.who, author, "like on own note");
            assert!(
                may_see(l.who, author, public[l.note as usize], l.at),
                "{l:?} on a hidden note"
            );
            assert!(likes.insert((l.who, l.note)), "duplicate like {l:?}");
        }
        for c in &d.collects {
            assert!((d0..d1).contains(&c.at));
            let (at, author) = notes[c.note as usize];
            assert!(c.at >= at && c.who != author);
            assert!(
                may_see(c.who, author, public[c.note as usize], c.at),
                "{c:?} on a hidden note"
            );
            assert!(collects.insert((c.who, c.note)), "duplicate collect {c:?}");
        }
        for c in &d.comments {
            assert_eq!(c.id, comments.len() as u64, "comment ids dense and in order");
            assert!((d0..d1).contains(&c.at));
            let (at, author) = notes[c.note as usize];
            assert!(c.at >= at);
            assert!(
                may_see(c.author, author, public[c.note as usize], c.at),
                "comment {} on a hidden note",
                c.id
            );
            assert!(!c.text.trim().is_empty() && c.text.chars().count() <= 5000);
            if let Some(parent) = c.parent {
                let (pnote, pparent, pat) = comments[parent as usize];
                assert_eq!(pnote, c.note, "parent on another note");
                assert!(pparent.is_none(), "parent is itself a reply");
                assert!(pat <= c.at);
            }
            comments.push((c.note, c.parent, c.at));
        }
        for cl in &d.comment_likes {
            let (note, _, at) = comments[cl.comment as usize];
            let author = notes[note as usize].1;
            assert!(public[note as usize] || cl.who == author, "{cl:?} on a hidden note");
            assert!(cl.at >= at && (d0..d1).contains(&cl.at));
            assert!(comment_likes.insert((cl.who, cl.comment)));
        }
    }
    let replies = comments.iter().filter(|c| c.1.is_some()).count();
    eprintln!("replies {replies} of {} comments", comments.len());
    assert!(replies > comments.len() / 10, "{replies} replies of {}", comments.len());
}

#[test]
fn both_languages_in_proportion() {
    let w = world();
    let people = &w.pop.people;
    let notes: Vec<_> = w.days.iter().flat_map(|d| &d.notes).collect();
    let share = |c: Community, lang: &str| {
        let of: Vec<_> =
            notes.iter().filter(|n| people[n.author as usize].community == c).collect();
        of.iter().filter(|n| n.language == lang).count() as f64 / of.len() as f64
    };
    let zh_res = share(Community::Resident, "zh-CN");
    let en_wave = share(Community::Wave, "en");
    assert!(zh_res > 0.8, "residents' notes in Chinese: {zh_res:.2}");
    assert!(en_wave > 0.85, "wave notes in English: {en_wave:.2}");
    let mixed = notes.iter().filter(|n| n.mixed).count() as f64 / notes.len() as f64;
    eprintln!("residents' notes zh {zh_res:.3}, wave notes en {en_wave:.3}, mixed {mixed:.3}");
    assert!((0.04..0.3).contains(&mixed), "mixed notes {mixed:.3}");
    let zh = notes.iter().filter(|n| n.language == "zh-CN").count() as f64 / notes.len() as f64;
    assert!((0.35..0.85).contains(&zh), "Chinese notes {zh:.2}");
    // Mixed text really mixes scripts.
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let latin = |s: &str| s.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 3;
    let mixed_both = notes.iter().filter(|n| n.mixed && cjk(&n.text) && latin(&n.text)).count();
    assert!(mixed_both * 10 >= notes.iter().filter(|n| n.mixed).count() * 8);
    // Engagement crosses languages, but mostly stays.
    let lang_of = |who: u32| people[who as usize].languages[0];
    let (mut cross, mut all) = (0usize, 0usize);
    for d in &w.days {
        for l in &d.likes {
            let note = notes[l.note as usize];
            all += 1;
            cross += usize::from(lang_of(l.who) != note.language);
        }
    }
    let cross = cross as f64 / all as f64;
    eprintln!("cross-language likes {cross:.3}");
    assert!((0.1..0.45).contains(&cross), "cross-language likes {cross:.3}");
    // Comments come in the commenter's language.
    let comments: Vec<_> = w.days.iter().flat_map(|d| &d.comments).collect();
    let own = comments
        .iter()
        .filter(|c| people[c.author as usize].languages.contains(&c.language))
        .count();
    assert_eq!(own, comments.len());
}

#[test]
fn spam_and_rule_breakers_are_marked() {
    let w = world();
    let people = &w.pop.people;
    let spam = people.iter().filter(|x| x.kind == Kind::Spam).count() as f64 / people.len() as f64;
    let rb =
        people.iter().filter(|x| x.kind == Kind::RuleBreaker).count() as f64 / people.len() as f64;
    assert!((spam - w.p.spam_share).abs() < 0.01, "spam {spam:.3}");
    assert!((rb - w.p.rule_breaker_share).abs() < 0.008, "rule breakers {rb:.3}");
    let (mut abusive, mut rb_notes) = (0, 0);
    for n in w.days.iter().flat_map(|d| &d.notes) {
        match people[n.author as usize].kind {
            Kind::Spam => {
                assert_eq!(n.violation, Some(Violation::Spam));
                let bait =
                    ["https://", "wx_", "DM", "加V", "私", "互关", "follow", "回关", "Follow"];
                assert!(bait.iter().any(|b| n.text.contains(b)), "{:?}", n.text);
            }
            Kind::RuleBreaker => {
                rb_notes += 1;
                abusive += usize::from(n.violation == Some(Violation::Abuse));
            }
            _ => assert_eq!(n.violation, None),
        }
    }
    assert!(abusive > 0 && abusive < rb_notes, "{abusive} abusive of {rb_notes}");
    for c in w.days.iter().flat_map(|d| &d.comments) {
        let kind = people[c.author as usize].kind;
        match c.violation {
            Some(Violation::Spam) => assert_eq!(kind, Kind::Spam),
            Some(Violation::Abuse) => assert_eq!(kind, Kind::RuleBreaker),
            None => assert!(!matches!(kind, Kind::Spam)),
        }
    }
}

#[test]
fn engagement_favours_recent_notes_and_interests() {
    let w = world();
    let people = &w.pop.people;
    let notes: Vec<_> = w.days.iter().flat_map(|d| &d.notes).collect();
    let mut ages: Vec<i64> =
        w.days.iter().flat_map(|d| &d.likes).map(|l| l.at - notes[l.note as usize].at).collect();
    ages.sort_unstable();
    let median = ages[ages.len() / 2];
    eprintln!("median like age {:.1} h", median as f64 / 3.6e6);
    assert!(median < DAY_MS, "median like age {} h", median / 3_600_000);
    assert!(*ages.last().unwrap() < i64::from(w.p.engagement_window_days) * DAY_MS);
    // Likes land on the liker's stronger interests more than chance would.
    let (mut hit, mut all) = (0.0, 0.0);
    for l in w.days.iter().flat_map(|d| &d.likes) {
        let topic = notes[l.note as usize].topic;
        hit += f64::from(people[l.who as usize].interests[topic as usize]);
        all += 1.0;
    }
    eprintln!("mean interest weight of liked topics {:.3}", hit / all);
    assert!(
        hit / all > 1.5 / Topic::COUNT as f64,
        "mean interest in liked topics {:.3}",
        hit / all
    );
    // Mostly public notes.
    let public = notes.iter().filter(|n| n.visibility == Visibility::Public).count();
    assert!(public as f64 > 0.9 * notes.len() as f64);
    assert!(notes.iter().any(|n| n.visibility != Visibility::Public));
    // Photos: mostly one to four, some text-only.
    let text_only =
        notes.iter().filter(|n| n.photos.is_empty()).count() as f64 / notes.len() as f64;
    let few = notes.iter().filter(|n| (1..=4).contains(&n.photos.len())).count() as f64
        / notes.len() as f64;
    eprintln!("text-only {text_only:.3}, 1-4 photos {few:.3}");
    assert!(
        (0.05..0.2).contains(&text_only) && few > 0.6,
        "text only {text_only:.2}, 1-4 {few:.2}"
    );
}

#[test]
fn iterator_yields_each_day_once() {
    let p = Params { users: 50, days: 3, ..Params::default() };
    let pop = population(&p);
    let it = days(&p, &pop);
    assert_eq!(it.len(), 3);
    assert_eq!(it.map(|d| d.index).collect::<Vec<_>>(), vec![0, 1, 2]);
    // Tiny and degenerate communities work too.
    for users in [1, 2, 3] {
        let p = Params { users, days: 2, ..Params::default() };
        let pop = population(&p);
        assert_eq!(pop.people.len(), users as usize);
        assert_eq!(days(&p, &pop).count(), 2);
    }
    let p =
        Params { users: 200, days: 1, resident_share: 1.0, homophily: 0.0, ..Params::default() };
    let pop = population(&p);
    assert!(pop.people.iter().all(|x| x.community == Community::Resident));
    assert!(!pop.follows.is_empty());
}
