//! Every feed query walks an index range in id order, on both backends, with enough rows that
//! the planners' choices are real (DECISIONS.md "Query-plan test").
//!
//! SQLite: no full `SCAN` of notes, follows, home_entries or note_tags, and no
//! `USE TEMP B-TREE FOR ORDER BY`. PostgreSQL: no `Seq Scan` of those tables, every index scan
//! on them has an `Index Cond`, and no `Sort` anywhere in the plan.

mod common;

use nb_store::{
    AUTHOR_FEED, Act, Arg, Backend, BoardRow, BulkCollect, BulkEdge, BulkNotice, EXPLORE_NEWEST,
    EXPLORE_TOP, FOLLOWEE_IDS, FeedSql, HOME_IDS, LIKED_NOTES, NEWEST_OF_MEMBER,
    NOTIFY_AUTHOR_ONCE, NOTIFY_ONCE, NewAccount, NewComment, NewNote, PUBLIC_FEED, Store, TAG_FEED,
    newest_of_members_pg, pulled_note_ids,
};

conformance!(feed_queries_are_index_range_scans, notification_check_finds_the_pair);

const T0: i64 = 1_764_000_000_000;
const ACCOUNTS: i64 = 300;
const NOTES: i64 = 12_000;
const FOLLOWS_EACH: i64 = 25;
const HOT_TABLES: &[&str] =
    &["notes", "follows", "home_entries", "note_tags", "likes", "collects", "pulled_follows"];

async fn seed(s: &Store) {
    for a in 0..ACCOUNTS {
        s.insert_account(&NewAccount {
            id: a + 1,
            handle: format!("user{a}"),
            email: format!("user{a}@example.com"),
            password_hash: "x".to_owned(),
            display_name: format!("User {a}"),
            home_region: None,
            languages: "en".to_owned(),
            role: "user".to_owned(),
            state: "active".to_owned(),
            created_at: T0,
            email_confirmed_at: Some(T0),
        })
        .await
        .unwrap();
    }
    for a in 0..ACCOUNTS {
        for k in 1..=FOLLOWS_EACH {
            let act = Act { id: a * 100 + k + 1, notification_id: (a * 100 + k) << 8, at: T0 };
            s.follow(a + 1, (a + k * 7) % ACCOUNTS + 1, act).await.unwrap();
        }
        // Author 42 is followed by everyone, as a much-followed member.
        if a + 1 != 42 {
            let act = Act { id: a * 100 + 51, notification_id: (a * 100 + 50) << 8, at: T0 };
            s.follow(a + 1, 42, act).await.unwrap();
        }
    }
    let notes: Vec<NewNote> = (0..NOTES)
        .map(|i| NewNote {
            id: (T0 + i) << 16,
            // Author 42, whose feeds are explained, is prolific: a quarter of all notes.
            author_id: if i % 4 == 0 { 42 } else { i % ACCOUNTS + 1 },
            title: String::new(),
            body: format!("note {i}"),
            visibility: ["public", "public", "public", "unlisted", "private"][(i % 5) as usize]
                .to_owned(),
            language: Some("en".to_owned()),
            app_id: None,
            created_at: T0 + i,
            tags: if i % 3 == 0 { vec![format!("tag{}", i % 40)] } else { vec![] },
            mentions: vec![],
            idempotency_key: None,
            media_ids: vec![],
            job: None,
            pull_above: None,
        })
        .collect();
    for chunk in notes.chunks(2_000) {
        s.insert_notes(chunk).await.unwrap();
    }
    // Everyone is pulled (their notes were written into feeds as well): every follow has its
    // `pulled_follows` row, enough rows for the planners' choices to be real.
    let everyone: Vec<i64> = (1..=ACCOUNTS).collect();
    s.pull_authors(&everyone).await.unwrap();
    // Each member likes 40 notes and collects 10 (Explore reads their latest for its profile).
    let note_id = |i: i64| (T0 + i % NOTES) << 16;
    let likes: Vec<BulkEdge> = (0..ACCOUNTS)
        .flat_map(|a| {
            (0..40).map(move |k| BulkEdge {
                id: 1_000_000 + a * 100 + k,
                actor: a + 1,
                target: note_id(a * 37 + k * 101),
                at: T0 + k,
            })
        })
        .collect();
    s.bulk_like(&likes).await.unwrap();
    let boards: Vec<BoardRow> = (0..ACCOUNTS)
        .map(|a| BoardRow {
            id: 900_000 + a,
            owner_id: a + 1,
            name: "Saved".to_owned(),
            is_default: 1,
            visibility: "public".to_owned(),
            created_at: T0,
            notes_count: 0,
        })
        .collect();
    s.bulk_insert_boards(&boards).await.unwrap();
    let collects: Vec<BulkCollect> = (0..ACCOUNTS)
        .flat_map(|a| {
            (0..10).map(move |k| BulkCollect {
                id: 2_000_000 + a * 100 + k,
                account: a + 1,
                note: note_id(a * 53 + k * 211),
                board: 900_000 + a,
                at: T0 + k,
            })
        })
        .collect();
    s.bulk_collect(&collects).await.unwrap();
    s.analyze().await.unwrap();
}

fn check(backend: Backend, name: &str, plan: &[String]) {
    let text = plan.join("\n");
    match backend {
        Backend::Sqlite => {
            for line in plan {
                let l = line.trim();
                for t in HOT_TABLES {
                    let full_scan = l.starts_with("SCAN ")
                        && (l == format!("SCAN {t}")
                            || l.starts_with(&format!("SCAN {t} "))
                            || l.split_whitespace().nth(1).is_some_and(|alias| {
                                table_of_alias(alias) == Some(*t) && !l.contains("USING")
                            }));
                    assert!(!full_scan, "{name}: full scan of {t}\n{text}");
                }
                assert!(!l.contains("TEMP B-TREE"), "{name}: sorts in a temp b-tree\n{text}");
            }
        }
        Backend::Postgres => {
            assert!(!text.contains("Sort"), "{name}: plan sorts\n{text}");
            for (i, line) in plan.iter().enumerate() {
                for t in HOT_TABLES {
                    if !line.contains(&format!(" on {t} ")) && !line.ends_with(&format!(" on {t}"))
                    {
                        continue;
                    }
                    assert!(!line.contains("Seq Scan"), "{name}: Seq Scan on {t}\n{text}");
                    let cond = plan[i + 1..]
                        .iter()
                        .take_while(|l| indent(l) > indent(line))
                        .any(|l| l.contains("Index Cond"));
                    assert!(cond, "{name}: scan of {t} without an Index Cond\n{text}");
                }
            }
        }
    }
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// The aliases the feed queries use.
fn table_of_alias(alias: &str) -> Option<&'static str> {
    match alias {
        "n" => Some("notes"),
        "h" => Some("home_entries"),
        "t" => Some("note_tags"),
        "f" => Some("follows"),
        "pf" => Some("pulled_follows"),
        _ => None,
    }
}

/// Explain both directions of a feed, for the newest page and for a page in the middle.
/// `args` builds the feed's arguments from (upper, lower) bounds.
async fn explain_feed(s: &Store, name: &str, feed: &FeedSql, args: impl Fn(i64, i64) -> Vec<Arg>) {
    let mid = (T0 + NOTES / 2) << 16;
    for (dir, sql) in [("desc", feed.desc), ("asc", feed.asc)] {
        for (upper, lower) in [(i64::MAX, i64::MIN), (mid, i64::MIN), (i64::MAX, mid)] {
            let plan = s.explain(sql, &args(upper, lower)).await.unwrap();
            check(s.backend(), &format!("{name} {dir} ({lower}, {upper})"), &plan);
        }
    }
}

async fn feed_queries_are_index_range_scans(s: &Store) {
    seed(s).await;
    use Arg::{Int, Text};
    explain_feed(s, "home", &HOME_IDS, |u, l| vec![Int(42), Int(u), Int(l), Int(20)]).await;
    explain_feed(s, "public", &PUBLIC_FEED, |u, l| vec![Int(u), Int(l), Int(20)]).await;
    for private in [0, 1] {
        explain_feed(s, "author", &AUTHOR_FEED, |u, l| {
            vec![Int(42), Int(u), Int(l), Int(20), Int(private)]
        })
        .await;
    }
    let plan = s.explain(EXPLORE_TOP, &[Int(1_500), Arg::Real(f64::MAX)]).await.unwrap();
    check(s.backend(), "explore top", &plan);
    let plan = s.explain(EXPLORE_NEWEST, &[Int(500), Int(i64::MAX)]).await.unwrap();
    check(s.backend(), "explore newest", &plan);
    let plan = s.explain(FOLLOWEE_IDS, &[Int(42), Int(1_000)]).await.unwrap();
    check(s.backend(), "explore profile follows", &plan);
    let plan = s.explain(LIKED_NOTES, &[Int(42), Int(200)]).await.unwrap();
    check(s.backend(), "explore profile likes", &plan);
    explain_feed(s, "tag", &TAG_FEED, |u, l| vec![Text("tag3".into()), Int(u), Int(l), Int(20)])
        .await;
    // Reader 1 follows only pulled members (everyone is): their notes come off their index,
    // a bounded range per member.
    let pulled = pulled_note_ids(s.backend());
    explain_feed(s, "pulled", pulled, |u, l| vec![Int(1), Int(u), Int(l), Int(20)]).await;
    // A member with a usual share of the notes (40), more than the limit: with fewer, all of
    // them are read and sorting them is bounded too. For member 42, who wrote a quarter of all
    // notes, PostgreSQL rightly walks the primary key back and meets enough of hers at once.
    let plan = s.explain(NEWEST_OF_MEMBER, &[Int(7), Int(8)]).await.unwrap();
    check(s.backend(), "a pulled member's newest", &plan);
    if s.backend() == Backend::Postgres {
        let many: &'static str = Box::leak(newest_of_members_pg(3).into_boxed_str());
        let plan = s.explain(many, &[Int(8), Int(1), Int(2), Int(3)]).await.unwrap();
        check(s.backend(), "pulled members' newest", &plan);
    }
}

/// A new notification's duplicate check goes straight to the (actor, recipient) pair, whatever
/// the note and comment (a like has no comment: the check must not read every notification
/// without one).
async fn notification_check_finds_the_pair(s: &Store) {
    seed(s).await;
    // Beside the follows' notifications (no note, no comment), one per comment: many distinct
    // comment ids, so an index on them looks selective to a planner even for "no comment".
    let comments: Vec<NewComment> = (0..3_000)
        .map(|i| NewComment {
            id: (T0 + NOTES + i) << 16,
            note_id: (T0 + i) << 16,
            author_id: i % ACCOUNTS + 1,
            parent_id: None,
            reply_to_account_id: None,
            body: format!("comment {i}"),
            language: Some("en".to_owned()),
            created_at: T0 + NOTES + i,
            idempotency_key: None,
        })
        .collect();
    s.bulk_insert_comments(&comments).await.unwrap();
    let notices: Vec<BulkNotice> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| BulkNotice {
            id: c.id + 1,
            recipient: (i as i64 + 5) % ACCOUNTS + 1,
            kind: "comment",
            actor: c.author_id,
            note: Some(c.note_id),
            comment: Some(c.id),
            at: c.created_at,
        })
        .collect();
    s.bulk_notify(&notices).await.unwrap();
    // Statistics as a bulk load leaves them (sampled on SQLite).
    s.set_bulk_load_mode(true).await.unwrap();
    s.analyze().await.unwrap();
    s.set_bulk_load_mode(false).await.unwrap();
    use Arg::{Int, Text};
    for (note, comment) in [(0, 0), ((T0 + 8) << 16, 0), ((T0 + 8) << 16, 77)] {
        let args =
            [Int(1), Int(42), Text("favourite".into()), Int(7), Int(note), Int(T0), Int(comment)];
        let plan = s.explain(NOTIFY_ONCE, &args).await.unwrap();
        let text = plan.join("\n");
        assert!(text.contains("notifications_by_actor"), "{text}");
        assert!(!text.contains("notifications_by_comment"), "{text}");
        assert!(!text.contains("notifications_by_note"), "{text}");
    }
    // The same check for a like's or collect's notice, its recipient read from the note.
    let args = [Int(1), Text("favourite".into()), Int(7), Int(T0), Int((T0 + 8) << 16)];
    let text = s.explain(NOTIFY_AUTHOR_ONCE, &args).await.unwrap().join("\n");
    assert!(text.contains("notifications_by_actor"), "{text}");
    assert!(!text.contains("notifications_by_comment"), "{text}");
    assert!(!text.contains("notifications_by_note"), "{text}");
}
