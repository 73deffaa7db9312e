//! The storage conformance suite: every case runs unchanged against SQLite and PostgreSQL.

mod common;

use nb_store::{
    Act, BoardRow, BulkCollect, BulkEdge, BulkNotice, CachedTranslation, EmailConfirmation,
    HomeEntry, MediaRemoval, MediaRow, NewAccount, NewApp, NewComment, NewJob, NewNote, NewToken,
    Page, Picture, Store, StoreError,
};

conformance!(
    accounts_round_trip,
    handles_and_emails_are_unique_ignoring_case,
    roles_change,
    apps_and_tokens,
    notes_round_trip_with_counts,
    concurrent_posts_commit_together_and_fail_alone,
    follow_counts_hold_for_many_follows,
    feeds_page_by_id,
    home_feed_follows_the_graph,
    pulled_authors_are_read_into_home_feeds,
    pulled_notes_merge_into_pages_both_ways,
    private_notes_stay_with_followers,
    tag_feed,
    delete_removes_everything,
    non_ascii_text_survives,
    likes_keep_counts_and_notify_once,
    collects_move_between_boards,
    deleting_a_note_fixes_board_counts,
    notifications_filter_page_and_dismiss,
    markers_move_forward,
    viewer_marks_and_likers,
    comments_two_levels_with_counts,
    media_attach_once_in_order,
    blocks_end_follows_both_ways,
    explore_candidates_follow_stored_scores,
    explore_profile_is_follows_and_liked_tags,
    search_accounts_and_tags,
    jobs_lease_retry_bury_and_replay,
    jobs_dedupe_while_live,
    concurrent_workers_never_share_a_job,
    removing_media_enqueues_blob_release,
    profile_pictures_release_what_they_replace,
    bulk_writes_keep_counters_exact,
    bulk_batches_skip_stored_rows_and_take_turns_with_single_writes,
    load_indexes_come_back_on_migrate,
    email_confirmation_expires_and_is_replaced,
    translation_cache_by_content,
    web_sessions_expire_and_end,
    preferences_and_password_changes,
);

const T0: i64 = 1_764_000_000_000;

fn id(n: i64) -> i64 {
    (T0 + n) << 16
}

/// A distinct act (like, collect, follow) numbered `n`.
fn act(n: i64) -> Act {
    Act { id: id(5_000 + n), notification_id: id(9_000 + n), at: T0 + n }
}

fn account(n: i64, handle: &str) -> NewAccount {
    NewAccount {
        id: id(n),
        handle: handle.to_owned(),
        email: format!("{}@example.com", handle.to_lowercase()),
        password_hash: "$argon2id$stub-not-checked-here".to_owned(),
        display_name: handle.to_owned(),
        home_region: Some("CN".to_owned()),
        languages: "zh-CN,en".to_owned(),
        role: "user".to_owned(),
        state: "active".to_owned(),
        created_at: T0 + n,
        email_confirmed_at: Some(T0 + n),
    }
}

fn note(n: i64, author: i64, body: &str) -> NewNote {
    NewNote {
        id: id(n),
        author_id: author,
        title: String::new(),
        body: body.to_owned(),
        visibility: "public".to_owned(),
        language: Some("en".to_owned()),
        app_id: None,
        created_at: T0 + n,
        tags: vec![],
        mentions: vec![],
        idempotency_key: None,
        media_ids: vec![],
        job: None,
        pull_above: None,
    }
}

async fn accounts_round_trip(s: &Store) {
    let a = account(1, "Li_Wei");
    s.insert_account(&a).await.unwrap();
    let got = s.account(a.id).await.unwrap().unwrap();
    assert_eq!(got.handle, "Li_Wei");
    assert_eq!(got.languages, "zh-CN,en");
    assert_eq!(got.notes_count, 0);
    assert_eq!(s.account_by_handle("li_wei").await.unwrap().unwrap().id, a.id);
    assert_eq!(s.account_by_email("LI_WEI@example.com").await.unwrap().unwrap().id, a.id);
    assert!(s.account(12345).await.unwrap().is_none());
}

async fn handles_and_emails_are_unique_ignoring_case(s: &Store) {
    s.insert_account(&account(1, "ann")).await.unwrap();
    let mut same_handle = account(2, "ANN");
    same_handle.email = "other@example.com".to_owned();
    assert!(matches!(s.insert_account(&same_handle).await, Err(StoreError::Conflict("handle"))));
    let mut same_email = account(3, "bob");
    same_email.email = "ann@example.com".to_owned();
    assert!(matches!(s.insert_account(&same_email).await, Err(StoreError::Conflict("email"))));
}

async fn roles_change(s: &Store) {
    let a = account(1, "mod");
    s.insert_account(&a).await.unwrap();
    s.set_account_role(a.id, "moderator").await.unwrap();
    assert_eq!(s.account(a.id).await.unwrap().unwrap().role, "moderator");
    assert!(matches!(s.set_account_role(99, "admin").await, Err(StoreError::NotFound)));
}

async fn apps_and_tokens(s: &Store) {
    let a = account(1, "ann");
    s.insert_account(&a).await.unwrap();
    let app = NewApp {
        id: id(2),
        name: "Tusky".to_owned(),
        website: None,
        redirect_uris: "urn:ietf:wg:oauth:2.0:oob".to_owned(),
        scopes: "read write".to_owned(),
        client_id: "cid".to_owned(),
        client_secret_hash: "h".to_owned(),
        created_at: T0,
    };
    s.insert_app(&app).await.unwrap();
    assert_eq!(s.app_by_client_id("cid").await.unwrap().unwrap(), app);
    let t = NewToken {
        id: id(3),
        token_hash: "th".to_owned(),
        app_id: app.id,
        account_id: Some(a.id),
        scopes: "read".to_owned(),
        created_at: T0,
    };
    s.insert_token(&t).await.unwrap();
    let got = s.token_by_hash("th").await.unwrap().unwrap();
    assert_eq!(got.account_id, Some(a.id));
    let user = s.user_token_by_hash("th").await.unwrap().unwrap();
    assert_eq!(
        (user.token_id, user.token_app_id, user.token_scopes.as_str()),
        (t.id, app.id, "read")
    );
    assert_eq!(user.account, s.account(a.id).await.unwrap().unwrap());
    // An app's own token has no member.
    let app_token =
        NewToken { id: id(4), token_hash: "app".to_owned(), account_id: None, ..t.clone() };
    s.insert_token(&app_token).await.unwrap();
    assert!(s.user_token_by_hash("app").await.unwrap().is_none());
    assert!(s.token_by_hash("app").await.unwrap().is_some());
    assert!(!s.revoke_token("th", 999, T0).await.unwrap(), "another app cannot revoke it");
    assert!(s.revoke_token("th", app.id, T0).await.unwrap());
    assert!(s.token_by_hash("th").await.unwrap().is_none());
    assert!(s.user_token_by_hash("th").await.unwrap().is_none());
    assert!(!s.revoke_token("th", app.id, T0).await.unwrap());
}

async fn notes_round_trip_with_counts(s: &Store) {
    let a = account(1, "ann");
    s.insert_account(&a).await.unwrap();
    let mut n = note(10, a.id, "hello");
    n.title = "Title".to_owned();
    s.insert_note(&n).await.unwrap();
    let got = s.note(n.id).await.unwrap().unwrap();
    assert_eq!((got.title.as_str(), got.body.as_str()), ("Title", "hello"));
    assert_eq!(got.author().handle, "ann");
    assert_eq!(got.author().notes_count, 1);
    let acc = s.account(a.id).await.unwrap().unwrap();
    assert_eq!((acc.notes_count, acc.last_note_at), (1, Some(T0 + 10)));
    assert!(s.insert_note(&n).await.is_err(), "same id twice");
    assert_eq!(s.account(a.id).await.unwrap().unwrap().notes_count, 1, "failed write left nothing");
}

/// Posts that arrive together share a commit on SQLite (group commit): each still succeeds or
/// fails on its own, and a failure late in one post's transaction leaves nothing of it.
async fn concurrent_posts_commit_together_and_fail_alone(s: &Store) {
    let (ann, bob) = (account(1, "ann"), account(2, "bob"));
    s.insert_account(&ann).await.unwrap();
    s.insert_account(&bob).await.unwrap();
    assert!(s.follow(bob.id, ann.id, act(1)).await.unwrap());
    let mut posts = tokio::task::JoinSet::new();
    for i in 0..40 {
        let mut n = note(100 + i, ann.id, &format!("note {i}"));
        n.tags = vec![format!("tag{}", i % 3)];
        // Keys 0..9 are used twice: one of each pair fails on its key, after its note, tags,
        // counter and feed entries were written.
        n.idempotency_key = Some(format!("key-{}", i % 30));
        let s = s.clone();
        posts.spawn(async move { s.insert_note(&n).await });
    }
    let (mut stored, mut refused) = (0, 0);
    while let Some(outcome) = posts.join_next().await {
        match outcome.unwrap() {
            Ok(()) => stored += 1,
            Err(StoreError::Conflict("idempotency_keys")) => refused += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((stored, refused), (30, 10));
    assert_eq!(s.account(ann.id).await.unwrap().unwrap().notes_count, 30);
    assert_eq!(s.home_feed(bob.id, &Page::newest(100)).await.unwrap().len(), 30);
    assert_eq!(s.home_feed(ann.id, &Page::newest(100)).await.unwrap().len(), 30);
    let tagged = s.tag_feed("tag0", &Page::newest(100)).await.unwrap().len()
        + s.tag_feed("tag1", &Page::newest(100)).await.unwrap().len()
        + s.tag_feed("tag2", &Page::newest(100)).await.unwrap().len();
    assert_eq!(tagged, 30);
}

async fn follow_counts_hold_for_many_follows(s: &Store) {
    let ann = account(1, "ann");
    s.insert_account(&ann).await.unwrap();
    for i in 0..30 {
        let other = account(100 + i, &format!("member{i}"));
        s.insert_account(&other).await.unwrap();
        assert!(s.follow(ann.id, other.id, act(i)).await.unwrap());
        assert!(s.follow(other.id, ann.id, act(100 + i)).await.unwrap());
    }
    let a = s.account(ann.id).await.unwrap().unwrap();
    assert_eq!((a.following_count, a.followers_count), (30, 30));
    assert_eq!(s.followers(ann.id, &Page::newest(40)).await.unwrap().len(), 30);
    assert_eq!(s.following(ann.id, &Page::newest(40)).await.unwrap().len(), 30);
    let langs = s.follower_languages(ann.id, 10).await.unwrap();
    assert_eq!(langs.len(), 10, "a bounded sample");
    assert!(langs.iter().all(|l| l == "zh-CN,en"));
}

async fn feeds_page_by_id(s: &Store) {
    let a = account(1, "ann");
    s.insert_account(&a).await.unwrap();
    for i in 0..10 {
        s.insert_note(&note(100 + i, a.id, &format!("n{i}"))).await.unwrap();
    }
    let first = s.public_feed(&Page::newest(4)).await.unwrap();
    let bodies: Vec<_> = first.iter().map(|n| n.body.as_str()).collect();
    assert_eq!(bodies, ["n9", "n8", "n7", "n6"]);
    let next = Page { max_id: Some(first[3].id), ..Page::newest(4) };
    let bodies: Vec<_> =
        s.public_feed(&next).await.unwrap().iter().map(|n| n.body.clone()).collect();
    assert_eq!(bodies, ["n5", "n4", "n3", "n2"]);
    // min_id: the items right after it, still newest first.
    let gap = Page { min_id: Some(id(101)), ..Page::newest(3) };
    let bodies: Vec<_> =
        s.public_feed(&gap).await.unwrap().iter().map(|n| n.body.clone()).collect();
    assert_eq!(bodies, ["n4", "n3", "n2"]);
    // since_id: the newest items after it.
    let since = Page { since_id: Some(id(101)), ..Page::newest(3) };
    let bodies: Vec<_> =
        s.public_feed(&since).await.unwrap().iter().map(|n| n.body.clone()).collect();
    assert_eq!(bodies, ["n9", "n8", "n7"]);
    let own = s.author_feed(a.id, false, &Page::newest(40)).await.unwrap();
    assert_eq!(own.len(), 10);
}

async fn home_feed_follows_the_graph(s: &Store) {
    let (a, b, c) = (account(1, "ann"), account(2, "bob"), account(3, "cai"));
    for x in [&a, &b, &c] {
        s.insert_account(x).await.unwrap();
    }
    s.insert_note(&note(10, b.id, "bob before follow")).await.unwrap();
    assert!(s.follow(a.id, b.id, act(1)).await.unwrap());
    assert!(!s.follow(a.id, b.id, act(2)).await.unwrap(), "second follow is a no-op");
    s.insert_note(&note(11, b.id, "bob after follow")).await.unwrap();
    s.insert_note(&note(12, c.id, "cai, not followed")).await.unwrap();
    s.insert_note(&note(13, a.id, "ann's own")).await.unwrap();
    let home: Vec<_> =
        s.home_feed(a.id, &Page::newest(20)).await.unwrap().into_iter().map(|n| n.body).collect();
    assert_eq!(home, ["ann's own", "bob after follow", "bob before follow"]);
    let (ann, bob) =
        (s.account(a.id).await.unwrap().unwrap(), s.account(b.id).await.unwrap().unwrap());
    assert_eq!((ann.following_count, bob.followers_count), (1, 1));
    assert!(s.is_following(a.id, b.id).await.unwrap());

    assert!(s.unfollow(a.id, b.id).await.unwrap());
    assert!(!s.unfollow(a.id, b.id).await.unwrap());
    let home: Vec<_> =
        s.home_feed(a.id, &Page::newest(20)).await.unwrap().into_iter().map(|n| n.body).collect();
    assert_eq!(home, ["ann's own"]);
    let (ann, bob) =
        (s.account(a.id).await.unwrap().unwrap(), s.account(b.id).await.unwrap().unwrap());
    assert_eq!((ann.following_count, bob.followers_count), (0, 0));
}

/// Ids on a page of `owner`'s home feed.
async fn home_ids(s: &Store, owner: i64, page: &Page) -> Vec<i64> {
    s.home_feed(owner, page).await.unwrap().into_iter().map(|n| n.id).collect()
}

async fn pulled_authors_are_read_into_home_feeds(s: &Store) {
    let star = account(1, "star");
    s.insert_account(&star).await.unwrap();
    let fans: Vec<i64> = (0..4).map(|i| id(10 + i)).collect();
    for (i, &f) in (0..).zip(&fans) {
        s.insert_account(&account(10 + i, &format!("fan{i}"))).await.unwrap();
        assert!(s.follow(f, star.id, act(i)).await.unwrap());
    }
    let newest = Page::newest(20);
    // Written into feeds before she is pulled: an entry per fan, as always.
    let early = note(100, star.id, "before");
    s.insert_note(&early).await.unwrap();
    // Four followers, more than three: this post makes her pulled and goes into no fan's feed,
    // yet every fan reads it, and the early note once.
    let mut post = note(101, star.id, "for my fans");
    post.pull_above = Some(3);
    s.insert_note(&post).await.unwrap();
    let mut private = note(102, star.id, "fans only");
    private.visibility = "private".to_owned();
    private.pull_above = Some(3);
    s.insert_note(&private).await.unwrap();
    for &f in &fans {
        assert_eq!(home_ids(s, f, &newest).await, [private.id, post.id, early.id]);
    }
    assert_eq!(home_ids(s, star.id, &newest).await, [private.id, post.id, early.id]);

    // A later follower reads all of her notes; a stranger none.
    s.insert_account(&account(20, "late")).await.unwrap();
    s.insert_account(&account(21, "stranger")).await.unwrap();
    assert!(s.follow(id(20), star.id, act(20)).await.unwrap());
    assert_eq!(home_ids(s, id(20), &newest).await, [private.id, post.id, early.id]);
    assert!(home_ids(s, id(21), &newest).await.is_empty());

    // Unfollowing or blocking takes her out of a feed, following again brings her back.
    assert!(s.unfollow(fans[0], star.id).await.unwrap());
    assert!(home_ids(s, fans[0], &newest).await.is_empty());
    assert!(s.block(fans[1], star.id, id(30), T0).await.unwrap());
    assert!(home_ids(s, fans[1], &newest).await.is_empty());
    assert!(s.follow(fans[0], star.id, act(40)).await.unwrap());
    assert_eq!(home_ids(s, fans[0], &newest).await, [private.id, post.id, early.id]);

    // Pulled stays pulled: with fewer followers than the threshold now, a post still goes into
    // no fan's entries, and still reaches them.
    assert!(s.unfollow(fans[2], star.id).await.unwrap());
    assert!(s.unfollow(fans[3], star.id).await.unwrap());
    let mut quiet = note(103, star.id, "fewer fans");
    quiet.pull_above = Some(3);
    s.insert_note(&quiet).await.unwrap();
    assert_eq!(s.account(star.id).await.unwrap().unwrap().followers_count, 2);
    assert_eq!(home_ids(s, id(20), &newest).await[0], quiet.id);

    // A bulk load's pulled members: follows and notes written without entries, then marked.
    let (big, reader) = (account(50, "big"), account(51, "reader"));
    s.insert_account(&big).await.unwrap();
    s.insert_account(&reader).await.unwrap();
    let edge = BulkEdge { id: id(52), actor: reader.id, target: big.id, at: T0 };
    s.bulk_follow(&[edge]).await.unwrap();
    s.bulk_insert_notes(&[note(104, big.id, "loaded")], false).await.unwrap();
    assert!(home_ids(s, reader.id, &newest).await.is_empty());
    s.pull_authors(&[big.id]).await.unwrap();
    assert_eq!(home_ids(s, reader.id, &newest).await, [id(104)]);
}

/// A reader's entries and a pulled member's notes interleave; pages walk them in id order
/// both ways without losing or repeating one. The member has more notes than the store keeps
/// in memory for them, so the later pages read the rest.
async fn pulled_notes_merge_into_pages_both_ways(s: &Store) {
    let (reader, star, friend) = (account(1, "reader"), account(2, "star"), account(3, "friend"));
    for a in [&reader, &star, &friend] {
        s.insert_account(a).await.unwrap();
    }
    s.follow(reader.id, star.id, act(1)).await.unwrap();
    s.follow(reader.id, friend.id, act(2)).await.unwrap();
    let mut all = Vec::new();
    for i in 0..90 {
        let mut n = note(100 + i, if i % 3 == 0 { friend.id } else { star.id }, "n");
        n.pull_above = Some(0);
        s.insert_note(&n).await.unwrap();
        all.push(n.id);
    }
    all.reverse();
    let mut seen = Vec::new();
    let mut page = Page::newest(5);
    loop {
        let got = home_ids(s, reader.id, &page).await;
        let Some(&last) = got.last() else { break };
        seen.extend(got);
        page.max_id = Some(last);
    }
    assert_eq!(seen, all, "newest first, max_id");
    let mut up = Vec::new();
    let mut page = Page { min_id: Some(i64::MIN + 1), ..Page::newest(5) };
    loop {
        let got = home_ids(s, reader.id, &page).await;
        let Some(&first) = got.first() else { break };
        up.splice(0..0, got);
        page.min_id = Some(first);
    }
    assert_eq!(up, all, "oldest first, min_id");
    let since = Page { since_id: Some(all[4]), ..Page::newest(20) };
    assert_eq!(home_ids(s, reader.id, &since).await, all[..4]);

    // Her newest notes as read a moment ago are not served after a post or a deletion.
    let mut newer = note(300, star.id, "newer");
    newer.pull_above = Some(0);
    s.insert_note(&newer).await.unwrap();
    assert_eq!(home_ids(s, reader.id, &Page::newest(3)).await, [newer.id, all[0], all[1]]);
    assert_eq!(s.delete_note(all[1]).await.unwrap(), star.id);
    assert_eq!(home_ids(s, reader.id, &Page::newest(3)).await, [newer.id, all[0], all[2]]);
}

async fn private_notes_stay_with_followers(s: &Store) {
    let a = account(1, "ann");
    s.insert_account(&a).await.unwrap();
    let mut p = note(10, a.id, "private");
    p.visibility = "private".to_owned();
    s.insert_note(&p).await.unwrap();
    let mut u = note(11, a.id, "unlisted");
    u.visibility = "unlisted".to_owned();
    s.insert_note(&u).await.unwrap();
    assert!(s.public_feed(&Page::newest(20)).await.unwrap().is_empty());
    assert_eq!(s.author_feed(a.id, false, &Page::newest(20)).await.unwrap().len(), 1);
    assert_eq!(s.author_feed(a.id, true, &Page::newest(20)).await.unwrap().len(), 2);
}

async fn tag_feed(s: &Store) {
    let a = account(1, "ann");
    s.insert_account(&a).await.unwrap();
    let mut n = note(10, a.id, "#美食 #food");
    n.tags = vec!["美食".to_owned(), "food".to_owned()];
    s.insert_note(&n).await.unwrap();
    let mut m = note(11, a.id, "#food");
    m.tags = vec!["food".to_owned()];
    s.insert_note(&m).await.unwrap();
    assert_eq!(s.tag_feed("food", &Page::newest(20)).await.unwrap().len(), 2);
    assert_eq!(s.tag_feed("美食", &Page::newest(20)).await.unwrap()[0].id, n.id);
    assert!(s.tag_feed("travel", &Page::newest(20)).await.unwrap().is_empty());
}

async fn delete_removes_everything(s: &Store) {
    let (a, b) = (account(1, "ann"), account(2, "bob"));
    s.insert_account(&a).await.unwrap();
    s.insert_account(&b).await.unwrap();
    s.follow(b.id, a.id, act(1)).await.unwrap();
    let mut n = note(10, a.id, "#gone");
    n.tags = vec!["gone".to_owned()];
    s.insert_note(&n).await.unwrap();
    assert_eq!(s.home_feed(b.id, &Page::newest(20)).await.unwrap().len(), 1);
    assert_eq!(s.delete_note(n.id).await.unwrap(), a.id);
    assert!(s.note(n.id).await.unwrap().is_none());
    assert!(s.home_feed(b.id, &Page::newest(20)).await.unwrap().is_empty());
    assert!(s.tag_feed("gone", &Page::newest(20)).await.unwrap().is_empty());
    assert_eq!(s.account(a.id).await.unwrap().unwrap().notes_count, 0);
    assert!(matches!(s.delete_note(n.id).await, Err(StoreError::NotFound)));
    // No home entry outlives its note (a foreign key's cascade on PostgreSQL, a trigger on
    // SQLite): a later note with the same id, by someone bob does not follow, stays out of his
    // feed.
    let c = account(3, "cat");
    s.insert_account(&c).await.unwrap();
    s.insert_note(&note(10, c.id, "same id")).await.unwrap();
    assert!(s.home_feed(b.id, &Page::newest(20)).await.unwrap().is_empty());
}

async fn non_ascii_text_survives(s: &Store) {
    let a = account(1, "ann");
    s.insert_account(&a).await.unwrap();
    let body = "今天吃了火锅 🍲\nIt was great — “really” ‘great’ \u{200b}zero-width";
    let mut n = note(10, a.id, body);
    n.title = "成都火锅 Chengdu hotpot".to_owned();
    s.insert_note(&n).await.unwrap();
    let got = s.note(n.id).await.unwrap().unwrap();
    assert_eq!(got.body, body);
    assert_eq!(got.title, "成都火锅 Chengdu hotpot");
}

async fn two_members_and_a_note(s: &Store) -> (i64, i64, i64) {
    let (a, b) = (account(1, "ann"), account(2, "bob"));
    s.insert_account(&a).await.unwrap();
    s.insert_account(&b).await.unwrap();
    let n = note(10, a.id, "ann's note");
    s.insert_note(&n).await.unwrap();
    (a.id, b.id, n.id)
}

async fn likes_keep_counts_and_notify_once(s: &Store) {
    let (ann, bob, n) = two_members_and_a_note(s).await;
    assert!(s.like(bob, n, act(1)).await.unwrap());
    assert!(!s.like(bob, n, act(2)).await.unwrap());
    assert!(s.like(ann, n, act(3)).await.unwrap(), "liking one's own note is allowed");
    assert_eq!(s.note(n).await.unwrap().unwrap().likes_count, 2);
    assert!(s.unlike(bob, n).await.unwrap());
    assert!(!s.unlike(bob, n).await.unwrap());
    assert!(s.like(bob, n, act(4)).await.unwrap());
    let v = s.note(n).await.unwrap().unwrap();
    assert_eq!(v.likes_count, 2);
    // Scored in SQL (on PostgreSQL through `ln`, not `ln_1p`: equal to rounding).
    let score = nb_store::explore_score(v.created_at, 2, 0, 0);
    assert!((v.explore_score - score).abs() < 1e-9, "{} against {score}", v.explore_score);
    let notes = s.notifications(ann, None, &Page::newest(20)).await.unwrap();
    assert_eq!(notes.len(), 1, "one notification for bob's like, none for ann's own");
    assert_eq!(
        (notes[0].kind.as_str(), notes[0].actor_id, notes[0].note_id),
        ("favourite", bob, Some(n))
    );
    let liked = s.liked_notes(bob, &Page::newest(20)).await.unwrap();
    assert_eq!(liked.len(), 1);
    assert_eq!(liked[0].cursor, act(4).id, "favourites page by the like id");
    assert!(s.like(bob, 12345, act(5)).await.is_err(), "no such note");
}

async fn collects_move_between_boards(s: &Store) {
    let (ann, bob, n) = two_members_and_a_note(s).await;
    let default = s.default_board(bob, id(100), T0).await.unwrap();
    assert_eq!(s.default_board(bob, id(101), T0).await.unwrap().id, default.id, "one default");
    let trips = nb_store::BoardRow {
        id: id(102),
        owner_id: bob,
        name: "旅行 trips".to_owned(),
        is_default: 0,
        visibility: "public".to_owned(),
        created_at: T0,
        notes_count: 0,
    };
    s.insert_board(&trips).await.unwrap();
    assert!(s.collect(bob, n, default.id, act(1)).await.unwrap());
    assert!(!s.collect(bob, n, trips.id, act(2)).await.unwrap(), "a second collect moves it");
    assert_eq!(s.board_of_collect(bob, n).await.unwrap(), Some(trips.id));
    // Only collects in public boards show on the profile.
    let public = s.public_collected_notes(bob, &Page::newest(10)).await.unwrap();
    assert_eq!(public.iter().map(|n| n.id).collect::<Vec<_>>(), vec![n]);
    assert_eq!(s.likes_and_collects_received(ann).await.unwrap(), 1);
    assert_eq!(s.likes_and_collects_received(bob).await.unwrap(), 0);
    assert_eq!(s.board(default.id).await.unwrap().unwrap().notes_count, 0);
    assert_eq!(s.board(trips.id).await.unwrap().unwrap().notes_count, 1);
    assert_eq!(s.note(n).await.unwrap().unwrap().collects_count, 1);
    assert_eq!(s.boards_of(bob).await.unwrap().len(), 2);
    let collected = s.collected_notes(bob, &Page::newest(20)).await.unwrap();
    assert_eq!(collected.iter().map(|v| v.id).collect::<Vec<_>>(), [n]);
    let kinds: Vec<_> = s
        .notifications(ann, None, &Page::newest(20))
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(kinds, ["collect"]);
    assert!(s.uncollect(bob, n).await.unwrap());
    assert!(!s.uncollect(bob, n).await.unwrap());
    assert_eq!(s.board(trips.id).await.unwrap().unwrap().notes_count, 0);
    assert_eq!(s.note(n).await.unwrap().unwrap().collects_count, 0);
}

async fn deleting_a_note_fixes_board_counts(s: &Store) {
    let (ann, bob, n) = two_members_and_a_note(s).await;
    let board = s.default_board(bob, id(100), T0).await.unwrap();
    s.collect(bob, n, board.id, act(1)).await.unwrap();
    s.like(bob, n, act(2)).await.unwrap();
    s.delete_note(n).await.unwrap();
    assert_eq!(s.board(board.id).await.unwrap().unwrap().notes_count, 0);
    assert!(s.collected_notes(bob, &Page::newest(20)).await.unwrap().is_empty());
    assert!(s.liked_notes(bob, &Page::newest(20)).await.unwrap().is_empty());
    assert!(s.notifications(ann, None, &Page::newest(20)).await.unwrap().is_empty());
}

async fn notifications_filter_page_and_dismiss(s: &Store) {
    let (ann, bob, n) = two_members_and_a_note(s).await;
    s.follow(bob, ann, act(1)).await.unwrap();
    s.like(bob, n, act(2)).await.unwrap();
    let board = s.default_board(bob, id(100), T0).await.unwrap();
    s.collect(bob, n, board.id, act(3)).await.unwrap();
    let all = s.notifications(ann, None, &Page::newest(20)).await.unwrap();
    assert_eq!(
        all.iter().map(|n| n.kind.as_str()).collect::<Vec<_>>(),
        ["collect", "favourite", "follow"]
    );
    let only = s
        .notifications(ann, Some(&["follow".to_owned(), "collect".to_owned()]), &Page::newest(20))
        .await
        .unwrap();
    assert_eq!(only.len(), 2);
    let older = s
        .notifications(ann, None, &Page { max_id: Some(all[0].id), ..Page::newest(1) })
        .await
        .unwrap();
    assert_eq!(older[0].kind, "favourite");
    assert!(s.notification(bob, all[0].id).await.unwrap().is_none(), "not bob's");
    assert!(!s.dismiss_notification(bob, all[0].id).await.unwrap(), "bob cannot dismiss ann's");
    assert!(s.dismiss_notification(ann, all[0].id).await.unwrap());
    assert_eq!(s.notifications(ann, None, &Page::newest(20)).await.unwrap().len(), 2);
    s.clear_notifications(ann).await.unwrap();
    assert!(s.notifications(ann, None, &Page::newest(20)).await.unwrap().is_empty());
}

async fn markers_move_forward(s: &Store) {
    let (ann, _, _) = two_members_and_a_note(s).await;
    assert!(s.markers(ann).await.unwrap().is_empty());
    s.set_marker(ann, "notifications", 5, T0).await.unwrap();
    s.set_marker(ann, "notifications", 9, T0 + 1).await.unwrap();
    let m = s.markers(ann).await.unwrap();
    assert_eq!((m[0].last_read_id, m[0].version, m[0].updated_at), (9, 1, T0 + 1));
}

async fn viewer_marks_and_likers(s: &Store) {
    let (ann, bob, n) = two_members_and_a_note(s).await;
    let m = note(11, ann, "second");
    s.insert_note(&m).await.unwrap();
    s.like(bob, n, act(1)).await.unwrap();
    s.like(ann, n, act(2)).await.unwrap();
    let board = s.default_board(bob, id(100), T0).await.unwrap();
    s.collect(bob, m.id, board.id, act(3)).await.unwrap();
    // Bob's like and collect notified Ann (her own like did not): unread until her marker passes.
    assert_eq!(s.unread_notifications(ann, 10).await.unwrap(), 2);
    assert_eq!(s.unread_notifications(ann, 1).await.unwrap(), 1, "counted up to the cap");
    assert_eq!(s.unread_notifications(bob, 10).await.unwrap(), 0);
    s.set_marker(ann, "notifications", act(1).notification_id, T0).await.unwrap();
    assert_eq!(s.unread_notifications(ann, 10).await.unwrap(), 1);
    s.set_marker(ann, "notifications", act(3).notification_id, T0).await.unwrap();
    assert_eq!(s.unread_notifications(ann, 10).await.unwrap(), 0);
    let marks = s.viewer_marks(bob, &[n, m.id, 777]).await.unwrap();
    assert!(marks.liked.contains(&n) && !marks.liked.contains(&m.id));
    assert!(marks.collected.contains(&m.id) && !marks.collected.contains(&n));
    let likers = s.likers(n, &Page::newest(20)).await.unwrap();
    assert_eq!(likers.iter().map(|l| l.profile.id).collect::<Vec<_>>(), [ann, bob]);
    assert_eq!(likers[0].cursor, act(2).id);
    let profiles = s.profiles(&[ann, bob, 999]).await.unwrap();
    assert_eq!(profiles.len(), 2);
}

fn comment(n: i64, note: i64, author: i64, parent: Option<i64>, body: &str) -> NewComment {
    NewComment {
        id: id(n),
        note_id: note,
        author_id: author,
        parent_id: parent,
        reply_to_account_id: None,
        body: body.to_owned(),
        language: None,
        created_at: T0 + n,
        idempotency_key: None,
    }
}

async fn comments_two_levels_with_counts(s: &Store) {
    let (ann, bob, n) = two_members_and_a_note(s).await;
    let top = comment(20, n, bob, None, "好看！");
    s.insert_comment(&top, &[(id(8_000), ann, "comment")]).await.unwrap();
    let reply = comment(21, n, ann, Some(top.id), "谢谢 thanks");
    s.insert_comment(&reply, &[(id(8_001), bob, "reply"), (id(8_002), ann, "mention")])
        .await
        .unwrap();
    let second = comment(22, n, bob, None, "second top-level");
    s.insert_comment(&second, &[]).await.unwrap();
    assert_eq!(s.note(n).await.unwrap().unwrap().comments_count, 3);
    let got = s.comment(top.id).await.unwrap().unwrap();
    assert_eq!((got.replies_count, got.author().handle.as_str()), (1, "bob"));
    let thread: Vec<i64> = s.note_comments(n).await.unwrap().iter().map(|c| c.id).collect();
    assert_eq!(thread, [top.id, reply.id, second.id]);
    assert_eq!(s.comment_replies(top.id).await.unwrap()[0].body, "谢谢 thanks");
    // Notifications: ann for the comment, bob for the reply; none to ann for mentioning herself.
    let for_ann = s.notifications(ann, None, &Page::newest(20)).await.unwrap();
    assert_eq!(
        for_ann.iter().map(|n| (n.kind.as_str(), n.comment_id)).collect::<Vec<_>>(),
        [("comment", Some(top.id))]
    );
    let for_bob = s.notifications(bob, None, &Page::newest(20)).await.unwrap();
    assert_eq!(for_bob[0].kind, "reply");

    assert!(s.like_comment(ann, top.id, act(1)).await.unwrap());
    assert!(!s.like_comment(ann, top.id, act(2)).await.unwrap());
    assert!(s.like_comment(ann, second.id, act(3)).await.unwrap());
    assert_eq!(s.comment(top.id).await.unwrap().unwrap().likes_count, 1);
    assert_eq!(s.liked_comments(ann, &[top.id, reply.id, second.id]).await.unwrap().len(), 2);
    let likes: Vec<_> =
        s.notifications(bob, Some(&["favourite".to_owned()]), &Page::newest(20)).await.unwrap();
    assert_eq!(likes.len(), 2, "a like per comment, not one per note");
    assert!(s.unlike_comment(ann, top.id).await.unwrap());
    assert_eq!(s.comment(top.id).await.unwrap().unwrap().likes_count, 0);

    // Deleting a top-level comment takes its replies and fixes the note's count.
    s.delete_comment(top.id).await.unwrap();
    assert!(s.comment(reply.id).await.unwrap().is_none());
    assert_eq!(s.note(n).await.unwrap().unwrap().comments_count, 1);
    s.delete_note(n).await.unwrap();
    assert!(s.comment(second.id).await.unwrap().is_none());
}

fn medium(n: i64, owner: i64) -> MediaRow {
    MediaRow {
        id: id(n),
        owner_id: owner,
        note_id: None,
        position: 0,
        mime: "image/jpeg".to_owned(),
        original_key: format!("aa/bb/{n}.jpg"),
        original_width: 2048,
        original_height: 1536,
        small_key: format!("aa/bb/{n}s.jpg"),
        small_width: 480,
        small_height: 360,
        blurhash: "UBL_:rOpGG-o".to_owned(),
        phash: -1_234_567_890_123,
        description: String::new(),
        created_at: T0 + n,
    }
}

async fn media_attach_once_in_order(s: &Store) {
    let (ann, bob, _) = two_members_and_a_note(s).await;
    for n in [30, 31] {
        s.insert_media(&medium(n, ann)).await.unwrap();
    }
    s.insert_media(&medium(32, bob)).await.unwrap();
    assert!(s.set_media_description(id(30), ann, "火锅 hotpot").await.unwrap());
    assert!(!s.set_media_description(id(30), bob, "not mine").await.unwrap());
    let mut with_photos = note(40, ann, "two photos");
    with_photos.media_ids = vec![id(31), id(30)];
    s.insert_note(&with_photos).await.unwrap();
    let by_note = s.media_of_notes(&[with_photos.id, 999]).await.unwrap();
    let attached: Vec<(i64, i64)> =
        by_note[&with_photos.id].iter().map(|m| (m.id, m.position)).collect();
    assert_eq!(attached, [(id(31), 0), (id(30), 1)]);
    assert_eq!(s.media(id(30)).await.unwrap().unwrap().phash, -1_234_567_890_123);
    // A changed alt text counts on the note it is attached to (status memos check this).
    let rev = |v: Option<nb_store::NoteView>| v.unwrap().media_rev;
    assert_eq!(rev(s.note(with_photos.id).await.unwrap()), 0);
    assert!(s.set_media_description(id(31), ann, "锅底 broth").await.unwrap());
    assert!(!s.set_media_description(id(31), bob, "not mine").await.unwrap());
    assert_eq!(rev(s.note(with_photos.id).await.unwrap()), 1);
    // Attached media and another member's media cannot be attached; nothing is written then.
    let mut again = note(41, ann, "reuse");
    again.media_ids = vec![id(30)];
    assert!(matches!(s.insert_note(&again).await, Err(StoreError::MediaUnavailable(_))));
    let mut theirs = note(42, ann, "theirs");
    theirs.media_ids = vec![id(32)];
    assert!(matches!(s.insert_note(&theirs).await, Err(StoreError::MediaUnavailable(_))));
    assert!(
        s.note(again.id).await.unwrap().is_none() && s.note(theirs.id).await.unwrap().is_none()
    );
    assert_eq!(s.account(ann).await.unwrap().unwrap().notes_count, 2);
    // Deleting the note detaches its media, for a redraft.
    s.delete_note(with_photos.id).await.unwrap();
    assert_eq!(s.media(id(31)).await.unwrap().unwrap().note_id, None);
    let mut redraft = note(43, ann, "redraft");
    redraft.media_ids = vec![id(31)];
    s.insert_note(&redraft).await.unwrap();
}

async fn blocks_end_follows_both_ways(s: &Store) {
    let (ann, bob, n) = two_members_and_a_note(s).await;
    s.follow(ann, bob, act(1)).await.unwrap();
    s.follow(bob, ann, act(2)).await.unwrap();
    assert_eq!(s.home_feed(bob, &Page::newest(20)).await.unwrap().len(), 1, "ann's note");
    assert!(s.block(ann, bob, id(70), T0).await.unwrap());
    assert!(!s.block(ann, bob, id(71), T0).await.unwrap());
    assert!(!s.is_following(ann, bob).await.unwrap() && !s.is_following(bob, ann).await.unwrap());
    let (a, b) = (s.account(ann).await.unwrap().unwrap(), s.account(bob).await.unwrap().unwrap());
    assert_eq!(
        (a.following_count, a.followers_count, b.following_count, b.followers_count),
        (0, 0, 0, 0)
    );
    assert!(s.home_feed(bob, &Page::newest(20)).await.unwrap().iter().all(|v| v.id != n));
    assert!(s.hidden_for(bob).await.unwrap().blocked.contains(&ann), "hidden both ways");
    assert!(s.hidden_for(ann).await.unwrap().blocked.contains(&bob));
    assert_eq!(s.block_state(ann, bob).await.unwrap(), (true, false, false, false));
    assert_eq!(s.block_state(bob, ann).await.unwrap(), (false, true, false, false));
    assert_eq!(s.blocked_accounts(ann, &Page::newest(20)).await.unwrap()[0].profile.id, bob);
    assert!(s.unblock(ann, bob).await.unwrap());
    assert!(s.hidden_for(bob).await.unwrap().blocked.is_empty());

    s.mute(ann, bob, false, id(72), T0).await.unwrap();
    s.mute(ann, bob, true, id(73), T0).await.unwrap();
    let hidden = s.hidden_for(ann).await.unwrap();
    assert!(hidden.hides(bob) && hidden.muted_notifications.contains(&bob));
    assert!(!s.hidden_for(bob).await.unwrap().hides(ann), "mutes are one way");
    assert_eq!(s.muted_accounts(ann, &Page::newest(20)).await.unwrap().len(), 1);
    assert!(s.unmute(ann, bob).await.unwrap());
}

async fn explore_candidates_follow_stored_scores(s: &Store) {
    let (ann, bob, old) = two_members_and_a_note(s).await;
    // A note posted 20 hours later outranks the older one until the older one is engaged with.
    let mut newer = note(10 + 72_000_000, ann, "twenty hours later #美食");
    newer.tags = vec!["美食".into(), "travel".into()];
    s.insert_note(&newer).await.unwrap();
    let mut private = note(11 + 72_000_000, ann, "private");
    private.visibility = "private".into();
    s.insert_note(&private).await.unwrap();
    let ids = |c: &[(nb_store::ExploreCandidate, Vec<String>)]| -> Vec<i64> {
        c.iter().map(|(c, _)| c.id).collect()
    };
    assert_eq!(ids(&s.explore_candidates(10, 10).await.unwrap()), [newer.id, old]);
    let board = s.default_board(bob, id(100), T0).await.unwrap();
    s.like(bob, old, act(1)).await.unwrap();
    s.collect(bob, old, board.id, act(2)).await.unwrap();
    let c = NewComment {
        id: id(50),
        note_id: old,
        author_id: bob,
        parent_id: None,
        reply_to_account_id: None,
        body: "!".into(),
        language: None,
        created_at: T0,
        idempotency_key: None,
    };
    s.insert_comment(&c, &[]).await.unwrap();
    let ranked = s.explore_candidates(10, 10).await.unwrap();
    assert_eq!(ids(&ranked), [old, newer.id], "ln(1+6) = 1.95 outweighs 20 h = 1.67");
    let (top, tags) = &ranked[0];
    assert_eq!(
        (top.author_id, top.likes_count, top.collects_count, top.comments_count, top.photos),
        (ann, 1, 1, 1, 0)
    );
    assert!(tags.is_empty());
    let mut tags = ranked[1].1.clone();
    tags.sort();
    assert_eq!(tags, ["travel", "美食"]);
    // The best one by score and the newest one: each once.
    assert_eq!(ids(&s.explore_candidates(1, 1).await.unwrap()), [old, newer.id]);
    assert_eq!(ids(&s.explore_candidates(1, 2).await.unwrap()), [old, newer.id]);
    let picked = s.explore_candidates_by_id(&[newer.id, private.id, id(999)]).await.unwrap();
    assert_eq!(ids(&picked), [newer.id], "public notes only");
    s.unlike(bob, old).await.unwrap();
    s.uncollect(bob, old).await.unwrap();
    s.delete_comment(c.id).await.unwrap();
    assert_eq!(ids(&s.explore_candidates(10, 10).await.unwrap()), [newer.id, old]);
    assert!(
        (s.note(old).await.unwrap().unwrap().explore_score
            - nb_store::explore_score(T0 + 10, 0, 0, 0))
        .abs()
            < 1e-9
    );
    let mut page: Vec<i64> =
        s.public_notes(&[old, newer.id, private.id]).await.unwrap().iter().map(|n| n.id).collect();
    page.sort_unstable();
    assert_eq!(page, [old, newer.id]);
}

async fn explore_profile_is_follows_and_liked_tags(s: &Store) {
    let (ann, bob, old) = two_members_and_a_note(s).await;
    let cy = account(3, "cy");
    s.insert_account(&cy).await.unwrap();
    let mut food = note(20, ann, "food");
    food.tags = vec!["美食".into(), "travel".into()];
    s.insert_note(&food).await.unwrap();
    let mut more = note(21, cy.id, "more food");
    more.tags = vec!["美食".into()];
    s.insert_note(&more).await.unwrap();
    s.follow(bob, ann, act(1)).await.unwrap();
    s.follow(bob, cy.id, act(2)).await.unwrap();
    s.like(bob, food.id, act(3)).await.unwrap();
    s.like(bob, old, act(4)).await.unwrap();
    let board = s.default_board(bob, id(100), T0).await.unwrap();
    s.collect(bob, more.id, board.id, act(5)).await.unwrap();
    let (follows, mut tags) = s.explore_profile(bob, 10, 10).await.unwrap();
    assert_eq!(follows, [cy.id, ann], "latest follow first");
    tags.sort();
    assert_eq!(tags, [("travel".to_owned(), 1), ("美食".to_owned(), 2)]);
    let (follows, _) = s.explore_profile(bob, 1, 10).await.unwrap();
    assert_eq!(follows, [cy.id]);
    // Only the latest like (of the note without tags) and the latest collect.
    let (_, tags) = s.explore_profile(bob, 10, 1).await.unwrap();
    assert_eq!(tags, [("美食".to_owned(), 1)]);
    assert_eq!(s.explore_profile(ann, 10, 10).await.unwrap(), (vec![], vec![]));
}

async fn search_accounts_and_tags(s: &Store) {
    let mut li = account(1, "li_wei");
    li.display_name = "李伟 Wei".into();
    s.insert_account(&li).await.unwrap();
    s.insert_account(&account(2, "lina")).await.unwrap();
    let mut other = account(3, "sam");
    other.display_name = "Sam likes 李".into();
    s.insert_account(&other).await.unwrap();
    let names = |v: Vec<nb_store::Profile>| v.into_iter().map(|p| p.handle).collect::<Vec<_>>();
    // Handle prefixes first (by followers), then display names containing the text.
    assert_eq!(names(s.search_accounts("@LI", 10, 0).await.unwrap()), ["li_wei", "lina", "sam"]);
    assert_eq!(names(s.search_accounts("lina", 10, 0).await.unwrap()), ["lina"]);
    assert_eq!(names(s.search_accounts("李", 10, 0).await.unwrap()).len(), 2, "display names too");
    assert!(s.search_accounts("%", 10, 0).await.unwrap().is_empty(), "wildcards match literally");
    assert_eq!(names(s.search_accounts("wei", 10, 0).await.unwrap()), ["li_wei"]);
    s.follow(li.id, other.id, act(1)).await.unwrap();
    assert_eq!(
        names(s.search_accounts("li", 10, 0).await.unwrap()),
        ["li_wei", "lina", "sam"],
        "prefixes before a more followed display-name match"
    );
    assert_eq!(names(s.search_accounts("li_", 10, 0).await.unwrap()), ["li_wei"]);
    let mut n = note(10, li.id, "#美食 #美食家 #food");
    n.tags = vec!["美食".into(), "美食家".into(), "food".into()];
    s.insert_note(&n).await.unwrap();
    assert_eq!(s.search_tags("#美食", 10).await.unwrap(), ["美食", "美食家"]);
    assert_eq!(s.search_tags("FO", 10).await.unwrap(), ["food"]);
    assert!(s.search_tags("*", 10).await.unwrap().is_empty());
    let mut m = note(11, li.id, "#美食 again");
    m.tags = vec!["美食".into()];
    s.insert_note(&m).await.unwrap();
    // Most used first, ties by key; only the newest `window` notes count.
    assert_eq!(s.trending_tags(100, 10).await.unwrap(), ["美食", "food", "美食家"]);
    assert_eq!(s.trending_tags(1, 10).await.unwrap(), ["美食"]);
    assert_eq!(s.trending_tags(100, 1).await.unwrap(), ["美食"]);
}

fn job(n: i64, kind: &str, dedupe: Option<&str>, run_at: i64) -> NewJob {
    NewJob {
        id: id(n),
        kind: kind.to_owned(),
        payload: format!("{{\"n\":{n}}}"),
        dedupe_key: dedupe.map(str::to_owned),
        run_at,
        now: T0,
    }
}

async fn jobs_lease_retry_bury_and_replay(s: &Store) {
    for (n, at) in [(1, T0 + 10), (2, T0), (3, T0 + 1_000)] {
        assert!(s.enqueue_job(&job(n, "test", None, at)).await.unwrap());
    }
    // Due first by run_at; the one due later waits.
    let got = s.claim_jobs(T0 + 10, 77, T0 + 60_000, 10).await.unwrap();
    assert_eq!(got.iter().map(|j| j.id).collect::<Vec<_>>(), [id(1), id(2)]);
    assert!(got.iter().all(|j| j.attempts == 1 && j.lease == Some(77) && j.payload.contains('n')));
    // Leased jobs are not handed out again while the lease runs.
    assert!(s.claim_jobs(T0 + 20, 78, T0 + 60_000, 10).await.unwrap().is_empty());
    assert!(s.complete_job(id(2), 77).await.unwrap());
    // A failed run is queued again with its error, and the next claim counts a second attempt.
    assert!(s.retry_job(id(1), 77, "blob store down", T0 + 5_000, T0 + 20).await.unwrap());
    let again = s.claim_jobs(T0 + 5_000, 79, T0 + 65_000, 10).await.unwrap();
    assert_eq!(
        again.iter().map(|j| (j.id, j.attempts)).collect::<Vec<_>>(),
        [(id(1), 2), (id(3), 1)]
    );
    assert_eq!(again[0].last_error, "blob store down");
    // A worker that died: its lease expires and another worker takes the job; the old lease can
    // no longer finish or fail it.
    let taken = s.claim_jobs(T0 + 65_000, 80, T0 + 125_000, 10).await.unwrap();
    assert_eq!(taken.len(), 2);
    assert!(!s.complete_job(id(3), 79).await.unwrap());
    assert!(!s.retry_job(id(1), 79, "late", T0, T0).await.unwrap());
    assert!(s.complete_job(id(3), 80).await.unwrap());
    // Dead letters stay out of the queue until replayed.
    assert!(s.bury_job(id(1), 80, "gave up", T0 + 65_001).await.unwrap());
    assert!(s.claim_jobs(T0 + 999_999, 81, T0 + 1_999_999, 10).await.unwrap().is_empty());
    let dead = s.jobs_in_state("dead", 10).await.unwrap();
    assert_eq!(dead.iter().map(|j| (j.id, j.attempts)).collect::<Vec<_>>(), [(id(1), 3)]);
    assert_eq!(dead[0].last_error, "gave up");
    assert_eq!(s.job_counts().await.unwrap(), (0, 1));
    assert_eq!(s.replay_jobs(Some(id(99)), T0 + 70_000).await.unwrap(), 0);
    assert_eq!(s.replay_jobs(Some(id(1)), T0 + 70_000).await.unwrap(), 1);
    let back = s.claim_jobs(T0 + 70_000, 82, T0 + 130_000, 10).await.unwrap();
    assert_eq!(back.iter().map(|j| (j.id, j.attempts)).collect::<Vec<_>>(), [(id(1), 1)]);
    assert_eq!(s.job_counts().await.unwrap(), (1, 0));
}

async fn jobs_dedupe_while_live(s: &Store) {
    assert!(s.enqueue_job(&job(1, "prune", Some("prune"), T0)).await.unwrap());
    assert!(!s.enqueue_job(&job(2, "prune", Some("prune"), T0)).await.unwrap());
    assert!(s.enqueue_job(&job(3, "other", None, T0)).await.unwrap());
    assert!(s.enqueue_job(&job(4, "other", None, T0)).await.unwrap(), "no key, no dedupe");
    let leased = s.claim_jobs(T0, 5, T0 + 1_000, 1).await.unwrap();
    assert_eq!(leased[0].id, id(1));
    assert!(!s.enqueue_job(&job(5, "prune", Some("prune"), T0)).await.unwrap(), "still live");
    // A buried job frees its key, so periodic work goes on.
    assert!(s.bury_job(id(1), 5, "bad", T0).await.unwrap());
    assert!(s.enqueue_job(&job(6, "prune", Some("prune"), T0)).await.unwrap());
    let leased = s.claim_jobs(T0, 6, T0 + 1_000, 10).await.unwrap();
    assert_eq!(leased.len(), 3);
    for j in &leased {
        assert!(s.complete_job(j.id, 6).await.unwrap());
    }
    assert!(s.enqueue_job(&job(7, "prune", Some("prune"), T0)).await.unwrap(), "done frees it");
}

async fn concurrent_workers_never_share_a_job(s: &Store) {
    for n in 0..40 {
        s.enqueue_job(&job(n, "test", None, T0)).await.unwrap();
    }
    let workers = (0..4).map(|w| {
        let s = s.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = s.claim_jobs(T0, 100 + w, T0 + 60_000, 3).await.unwrap();
                if got.is_empty() {
                    break mine;
                }
                for j in got {
                    assert!(s.complete_job(j.id, 100 + w).await.unwrap());
                    mine.push(j.id);
                }
            }
        })
    });
    let mut all: Vec<i64> = Vec::new();
    for w in workers.collect::<Vec<_>>() {
        all.extend(w.await.unwrap());
    }
    all.sort_unstable();
    assert_eq!(all, (0..40).map(id).collect::<Vec<_>>(), "each job ran exactly once");
}

fn release(n: i64) -> impl FnOnce(Vec<String>) -> NewJob {
    move |keys| NewJob { payload: keys.join(","), ..job(n, "release", None, T0) }
}

async fn removing_media_enqueues_blob_release(s: &Store) {
    let (ann, bob, _) = two_members_and_a_note(s).await;
    for n in [30, 31, 32] {
        s.insert_media(&medium(n, ann)).await.unwrap();
    }
    let mut carried = note(40, ann, "one photo");
    carried.media_ids = vec![id(32)];
    s.insert_note(&carried).await.unwrap();
    assert!(s.blob_in_use("aa/bb/30.jpg").await.unwrap());
    assert_eq!(
        s.remove_unattached_media(id(30), bob, release(1)).await.unwrap(),
        MediaRemoval::NotFound
    );
    assert_eq!(
        s.remove_unattached_media(id(32), ann, release(1)).await.unwrap(),
        MediaRemoval::Attached
    );
    assert!(s.jobs_in_state("queued", 10).await.unwrap().is_empty(), "nothing removed, no job");
    let MediaRemoval::Removed(row) =
        s.remove_unattached_media(id(30), ann, release(1)).await.unwrap()
    else {
        panic!("own unattached upload is removed");
    };
    assert_eq!(row.id, id(30));
    assert!(s.media(id(30)).await.unwrap().is_none());
    assert!(
        !s.blob_in_use("aa/bb/30.jpg").await.unwrap()
            && !s.blob_in_use("aa/bb/30s.jpg").await.unwrap()
    );
    let queued = s.jobs_in_state("queued", 10).await.unwrap();
    assert_eq!(queued[0].payload, "aa/bb/30.jpg,aa/bb/30s.jpg");
    // Pruning takes old unattached uploads only: 31 (unattached) goes, 32 (on a note) stays.
    assert_eq!(s.prune_unattached_media(T0 + 31, 100, release(2)).await.unwrap(), 0);
    assert_eq!(s.prune_unattached_media(T0 + 100, 100, release(2)).await.unwrap(), 1);
    assert!(s.media(id(31)).await.unwrap().is_none() && s.media(id(32)).await.unwrap().is_some());
    assert_eq!(
        s.jobs_in_state("queued", 10).await.unwrap()[1].payload,
        "aa/bb/31.jpg,aa/bb/31s.jpg"
    );
    assert_eq!(s.prune_unattached_media(T0 + 100, 100, release(3)).await.unwrap(), 0);
    assert_eq!(s.jobs_in_state("queued", 10).await.unwrap().len(), 2, "no empty release jobs");
}

async fn profile_pictures_release_what_they_replace(s: &Store) {
    let (ann, _, _) = two_members_and_a_note(s).await;
    assert_eq!(
        s.set_profile_picture(ann, Picture::Avatar, Some("aa/cc/1.jpg"), release(1)).await.unwrap(),
        None
    );
    assert!(s.blob_in_use("aa/cc/1.jpg").await.unwrap());
    assert!(s.jobs_in_state("queued", 10).await.unwrap().is_empty());
    s.set_profile_picture(ann, Picture::Header, Some("aa/cc/2.jpg"), release(2)).await.unwrap();
    let old =
        s.set_profile_picture(ann, Picture::Avatar, Some("aa/cc/3.jpg"), release(3)).await.unwrap();
    assert_eq!(old.as_deref(), Some("aa/cc/1.jpg"));
    let a = s.account(ann).await.unwrap().unwrap();
    assert_eq!(
        (a.avatar_key.as_deref(), a.header_key.as_deref()),
        (Some("aa/cc/3.jpg"), Some("aa/cc/2.jpg"))
    );
    assert_eq!(a.profile().avatar_key, a.avatar_key);
    let queued = s.jobs_in_state("queued", 10).await.unwrap();
    assert_eq!(queued.iter().map(|j| j.payload.as_str()).collect::<Vec<_>>(), ["aa/cc/1.jpg"]);
    // Setting the same picture again releases nothing; clearing releases it.
    s.set_profile_picture(ann, Picture::Header, Some("aa/cc/2.jpg"), release(4)).await.unwrap();
    s.set_profile_picture(ann, Picture::Header, None, release(5)).await.unwrap();
    let queued = s.jobs_in_state("queued", 10).await.unwrap();
    assert_eq!(
        queued.iter().map(|j| j.payload.as_str()).collect::<Vec<_>>(),
        ["aa/cc/1.jpg", "aa/cc/2.jpg"]
    );
    assert!(matches!(
        s.set_profile_picture(999, Picture::Avatar, None, release(6)).await,
        Err(StoreError::NotFound)
    ));
}

async fn bulk_writes_keep_counters_exact(s: &Store) {
    let members: Vec<_> = (1..=4).map(|n| account(n, &format!("bulk{n}"))).collect();
    s.bulk_insert_accounts(&members).await.unwrap();
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| members[i].id);
    let edge = |n: i64, actor: i64, target: i64| BulkEdge { id: id(n), actor, target, at: T0 + n };
    // A duplicate follow in the batch and one repeated in a second batch count once.
    let follows =
        [edge(100, b, a), edge(101, c, a), edge(102, d, a), edge(103, a, b), edge(104, b, a)];
    s.bulk_follow(&follows).await.unwrap();
    s.bulk_follow(&[edge(105, c, a)]).await.unwrap();
    let ann = s.account(a).await.unwrap().unwrap();
    assert_eq!((ann.followers_count, ann.following_count), (3, 1));
    assert_eq!(s.account(b).await.unwrap().unwrap().followers_count, 1);
    // Notes through the batch insert fan out to the followers' home feeds.
    s.bulk_insert_notes(&[note(200, a, "one"), note(201, a, "two")], true).await.unwrap();
    let home = s.home_feed(d, &Page::newest(10)).await.unwrap();
    assert_eq!(home.len(), 2);
    assert_eq!(s.account(a).await.unwrap().unwrap().notes_count, 2);
    // Without fan-out a note reaches no home feed until its entries are written.
    // Text with the separators of PostgreSQL's COPY format comes back as written.
    let mut tagged = note(202, b, "#bulk quiet\ttab\nline \\N back\\slash\r 安静");
    tagged.tags = vec!["bulk".to_owned()];
    s.bulk_insert_notes(std::slice::from_ref(&tagged), false).await.unwrap();
    let quiet = s.note(id(202)).await.unwrap().unwrap();
    assert_eq!((&quiet.title, &quiet.body), (&tagged.title, &tagged.body));
    assert_eq!(quiet.explore_score, nb_store::explore_score(quiet.created_at, 0, 0, 0));
    let ids = |v: Vec<nb_store::NoteView>| v.iter().map(|n| n.id).collect::<Vec<_>>();
    assert_eq!(ids(s.home_feed(a, &Page::newest(10)).await.unwrap()), [id(201), id(200)]);
    assert_eq!(s.tag_feed("bulk", &Page::newest(10)).await.unwrap().len(), 1);
    // Without fan-out, entries go in as given; one already there is skipped.
    let entry = |owner: i64, note: i64, author: i64| HomeEntry { owner, note, author };
    s.bulk_home_entries(&[entry(a, id(202), b), entry(b, id(202), b), entry(d, id(201), a)])
        .await
        .unwrap();
    assert_eq!(ids(s.home_feed(a, &Page::newest(10)).await.unwrap()), [id(202), id(201), id(200)]);
    assert_eq!(ids(s.home_feed(d, &Page::newest(10)).await.unwrap()), [id(201), id(200)]);
    let (n1, n2) = (id(200), id(201));
    s.bulk_like(&[edge(300, b, n1), edge(301, c, n1), edge(302, b, n1), edge(303, d, n2)])
        .await
        .unwrap();
    let board = BoardRow {
        id: id(400),
        owner_id: b,
        name: "想去".to_owned(),
        is_default: 0,
        visibility: "public".to_owned(),
        created_at: T0,
        notes_count: 0,
    };
    s.bulk_insert_boards(std::slice::from_ref(&board)).await.unwrap();
    let collect = |n: i64, note: i64| BulkCollect {
        id: id(n),
        account: b,
        note,
        board: board.id,
        at: T0 + n,
    };
    s.bulk_collect(&[collect(401, n1), collect(402, n2)]).await.unwrap();
    let top = NewComment {
        id: id(500),
        note_id: n1,
        author_id: c,
        parent_id: None,
        reply_to_account_id: None,
        body: "好看!\t\\N".to_owned(),
        language: Some("zh-CN".to_owned()),
        created_at: T0 + 500,
        idempotency_key: None,
    };
    let reply = NewComment {
        id: id(501),
        author_id: a,
        parent_id: Some(id(500)),
        reply_to_account_id: Some(c),
        ..top.clone()
    };
    s.bulk_insert_comments(&[top, reply]).await.unwrap();
    let one = s.note(n1).await.unwrap().unwrap();
    assert_eq!((one.likes_count, one.collects_count, one.comments_count), (2, 1, 2));
    assert_eq!(one.explore_score, nb_store::explore_score(one.created_at, 2, 1, 2));
    let two = s.note(n2).await.unwrap().unwrap();
    assert_eq!((two.likes_count, two.collects_count, two.comments_count), (1, 1, 0));
    assert_eq!(s.board(board.id).await.unwrap().unwrap().notes_count, 2);
    let top = s.comment(id(500)).await.unwrap().unwrap();
    assert_eq!((top.replies_count, top.body.as_str()), (1, "好看!\t\\N"));
    s.bulk_like_comments(&[edge(510, a, id(500)), edge(511, d, id(500)), edge(512, a, id(500))])
        .await
        .unwrap();
    assert_eq!(s.comment(id(500)).await.unwrap().unwrap().likes_count, 2);
    s.bulk_notify(&[BulkNotice {
        id: id(600),
        recipient: a,
        kind: "favourite",
        actor: b,
        note: Some(n1),
        comment: None,
        at: T0 + 600,
    }])
    .await
    .unwrap();
    let got = s.notifications(a, None, &Page::newest(10)).await.unwrap();
    assert_eq!(got.len(), 1);
    // A batch with a taken handle writes nothing.
    let taken = NewAccount { email: "other@example.com".to_owned(), ..account(8, "BULK1") };
    let again = vec![account(7, "fresh"), taken];
    assert!(matches!(s.bulk_insert_accounts(&again).await, Err(StoreError::Conflict("handle"))));
    assert!(s.account(id(7)).await.unwrap().is_none());
}

async fn bulk_batches_skip_stored_rows_and_take_turns_with_single_writes(s: &Store) {
    let (ann, bob, n1) = two_members_and_a_note(s).await;
    let cy = account(3, "cy");
    s.insert_account(&cy).await.unwrap();
    let cy = cy.id;
    let edge = |n: i64, actor: i64, target: i64| BulkEdge { id: id(n), actor, target, at: T0 + n };
    // Rows stored by the single writes, then batches that repeat them and repeat themselves.
    assert!(s.like(bob, n1, act(1)).await.unwrap());
    assert!(s.follow(bob, ann, act(2)).await.unwrap());
    s.bulk_like(&[edge(800, bob, n1), edge(801, cy, n1), edge(802, cy, n1), edge(803, ann, n1)])
        .await
        .unwrap();
    let one = s.note(n1).await.unwrap().unwrap();
    assert_eq!(one.likes_count, 3);
    assert_eq!(one.explore_score, nb_store::explore_score(one.created_at, 3, 0, 0));
    assert_eq!(s.likers(n1, &Page::newest(10)).await.unwrap().len(), 3);
    s.bulk_follow(&[edge(810, bob, ann), edge(811, cy, ann), edge(812, cy, ann)]).await.unwrap();
    let counts = |a: nb_store::AccountRow| (a.followers_count, a.following_count);
    assert_eq!(counts(s.account(ann).await.unwrap().unwrap()), (2, 0));
    assert_eq!(counts(s.account(bob).await.unwrap().unwrap()), (0, 1));
    assert_eq!(counts(s.account(cy).await.unwrap().unwrap()), (0, 1));
    // A batch that fails (a like of a note that does not exist) writes nothing, and the next
    // batch goes through.
    let n2 = id(11);
    s.insert_note(&note(11, ann, "second")).await.unwrap();
    assert!(s.bulk_like(&[edge(820, bob, n2), edge(821, bob, id(99_999))]).await.is_err());
    assert_eq!(s.note(n2).await.unwrap().unwrap().likes_count, 0);
    assert!(s.likers(n2, &Page::newest(10)).await.unwrap().is_empty());
    // Batches and single writes at once take turns; none fails or loses a count.
    let likes = [edge(830, ann, n2), edge(831, bob, n2), edge(832, cy, n2)];
    let third = note(12, bob, "third");
    let follows = [edge(840, ann, cy), edge(841, ann, bob)];
    let (a, b, c) =
        tokio::join!(s.bulk_like(&likes), s.insert_note(&third), s.bulk_follow(&follows),);
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let (like_again, follow_again) =
        tokio::join!(s.like(cy, n2, act(3)), s.follow(cy, bob, act(4)));
    assert!(!like_again.unwrap());
    assert!(follow_again.unwrap());
    assert_eq!(s.note(n2).await.unwrap().unwrap().likes_count, 3);
    assert_eq!(counts(s.account(bob).await.unwrap().unwrap()), (2, 1));
    assert_eq!(counts(s.account(ann).await.unwrap().unwrap()), (2, 2));
    assert_eq!(s.account(bob).await.unwrap().unwrap().notes_count, 1);
}

async fn load_indexes_come_back_on_migrate(s: &Store) {
    let (ann, bob, n1) = two_members_and_a_note(s).await;
    let n2 = id(11);
    s.insert_note(&note(11, ann, "second")).await.unwrap();
    s.drop_load_indexes().await.unwrap();
    s.drop_load_indexes().await.unwrap();
    // As after a load cut off midway: the next start's migrate builds them again.
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
    // likes_by_account is unique on (account, like id): a second like reusing bob's like id is
    // refused by the restored index and counted nowhere.
    let like = |note: i64| BulkEdge { id: id(700), actor: bob, target: note, at: T0 + 700 };
    s.bulk_like(&[like(n1)]).await.unwrap();
    s.bulk_like(&[like(n2)]).await.unwrap();
    assert_eq!(s.note(n1).await.unwrap().unwrap().likes_count, 1);
    assert_eq!(s.note(n2).await.unwrap().unwrap().likes_count, 0);
    assert_eq!(s.likers(n1, &Page::newest(10)).await.unwrap().len(), 1);
    // The foreign keys are back too (PostgreSQL drops them for a load): a like of a note that
    // does not exist is refused.
    let stray = BulkEdge { id: id(701), actor: bob, target: id(999), at: T0 + 701 };
    assert!(s.bulk_like(&[stray]).await.is_err());
}

fn confirmation(n: i64, hash: &str, expires_at: i64) -> EmailConfirmation {
    EmailConfirmation {
        token_hash: hash.to_owned(),
        expires_at,
        mail: NewJob { payload: format!("mail {n}"), ..job(n, "send_mail", None, T0) },
    }
}

async fn email_confirmation_expires_and_is_replaced(s: &Store) {
    let waiting = NewAccount { email_confirmed_at: None, ..account(1, "mei") };
    s.insert_account_to_confirm(&waiting, &confirmation(1, "h1", T0 + 1000)).await.unwrap();
    assert_eq!(s.account(id(1)).await.unwrap().unwrap().email_confirmed_at, None);
    // The mail is enqueued with the account.
    let queued = s.jobs_in_state("queued", 10).await.unwrap();
    assert_eq!(queued.iter().map(|j| j.payload.as_str()).collect::<Vec<_>>(), ["mail 1"]);
    // A taken handle writes neither the account, the confirmation nor the mail.
    let dup = NewAccount { email: "x@example.com".to_owned(), ..account(2, "MEI") };
    assert!(matches!(
        s.insert_account_to_confirm(&dup, &confirmation(2, "h2", T0 + 1000)).await,
        Err(StoreError::Conflict("handle"))
    ));
    assert_eq!(s.jobs_in_state("queued", 10).await.unwrap().len(), 1);
    assert_eq!(s.confirm_email("h2", T0).await.unwrap(), None);

    // A new mail replaces the token; an expired token confirms nothing.
    assert!(s.renew_email_confirmation(id(1), &confirmation(3, "h3", T0 + 1000)).await.unwrap());
    assert_eq!(s.confirm_email("h1", T0).await.unwrap(), None);
    assert_eq!(s.confirm_email("h3", T0 + 1000).await.unwrap(), None);
    assert_eq!(s.account(id(1)).await.unwrap().unwrap().email_confirmed_at, None);
    assert_eq!(s.confirm_email("h3", T0 + 999).await.unwrap(), Some(id(1)));
    assert_eq!(s.account(id(1)).await.unwrap().unwrap().email_confirmed_at, Some(T0 + 999));
    // Again while valid: harmless, the first time stays. Confirmed: no renewal.
    assert_eq!(s.confirm_email("h3", T0 + 999).await.unwrap(), Some(id(1)));
    assert!(!s.renew_email_confirmation(id(1), &confirmation(4, "h4", T0 + 9)).await.unwrap());
    assert_eq!(s.jobs_in_state("queued", 10).await.unwrap().len(), 2);

    // An operator confirms by hand; the open token goes.
    let other = NewAccount { email_confirmed_at: None, ..account(5, "bo_lin") };
    s.insert_account_to_confirm(&other, &confirmation(5, "h5", T0 + 1000)).await.unwrap();
    assert!(s.set_email_confirmed(id(5), T0 + 7).await.unwrap());
    assert_eq!(s.account(id(5)).await.unwrap().unwrap().email_confirmed_at, Some(T0 + 7));
    assert_eq!(s.confirm_email("h5", T0).await.unwrap(), None);
    assert!(!s.set_email_confirmed(999, T0).await.unwrap());
}

fn cached(hash: &str, target: &str, engine: &str, text: &str, at: i64) -> CachedTranslation {
    CachedTranslation {
        content_hash: hash.to_owned(),
        source: "zh-Hans".to_owned(),
        target: target.to_owned(),
        engine: engine.to_owned(),
        kind: if engine == "gloss" { "gloss" } else { "translation" }.to_owned(),
        text: text.to_owned(),
        created_at: at,
    }
}

async fn translation_cache_by_content(s: &Store) {
    let hashes = ["a1".to_owned(), "b2".to_owned(), "c3".to_owned()];
    assert!(s.cached_translations(&hashes, "zh-Hans", "en").await.unwrap().is_empty());
    let rows = [
        cached("a1", "en", "gloss", "today hotpot", T0),
        cached("a1", "en", "openai", "Today's hotpot 🌶️", T0),
        cached("b2", "en", "gloss", "cat", T0),
        cached("a1", "ja", "openai", "今日の火鍋", T0),
    ];
    s.put_translations(&rows).await.unwrap();
    let mut got = s.cached_translations(&hashes, "zh-Hans", "en").await.unwrap();
    got.sort_by(|a, b| (&a.content_hash, &a.engine).cmp(&(&b.content_hash, &b.engine)));
    assert_eq!(got, rows[..3].to_vec());
    // Asked again, an engine's newer answer replaces its old one.
    s.put_translations(&[cached("b2", "en", "gloss", "kitty", T0 + 5)]).await.unwrap();
    let b2 = s.cached_translations(&hashes[1..2], "zh-Hans", "en").await.unwrap();
    assert_eq!(b2, vec![cached("b2", "en", "gloss", "kitty", T0 + 5)]);
}

async fn web_sessions_expire_and_end(s: &Store) {
    s.insert_account(&account(1, "ana")).await.unwrap();
    s.create_session("h1", id(1), T0, T0 + 1_000).await.unwrap();
    s.create_session("h2", id(1), T0, T0 + 10).await.unwrap();
    let who = s.session_account("h1", T0 + 5).await.unwrap().expect("live session");
    assert_eq!(who.handle, "ana");
    assert!(s.session_account("h2", T0 + 10).await.unwrap().is_none(), "expired");
    assert!(s.session_account("nope", T0).await.unwrap().is_none());
    // Ending one session sweeps the expired ones too; the other live one stays.
    s.create_session("h3", id(1), T0, T0 + 1_000).await.unwrap();
    s.delete_session("h1", T0 + 20).await.unwrap();
    assert!(s.session_account("h1", T0 + 21).await.unwrap().is_none());
    assert!(s.session_account("h3", T0 + 21).await.unwrap().is_some());
    s.delete_session("h1", T0 + 20).await.unwrap();
}

async fn preferences_and_password_changes(s: &Store) {
    s.insert_account(&account(1, "ana")).await.unwrap();
    assert!(!s.auto_translate(id(1)).await.unwrap(), "off unless set");
    s.set_auto_translate(id(1), true).await.unwrap();
    assert!(s.auto_translate(id(1)).await.unwrap());
    s.set_auto_translate(id(1), false).await.unwrap();
    assert!(!s.auto_translate(id(1)).await.unwrap());
    s.create_session("h1", id(1), T0, T0 + 1_000).await.unwrap();
    s.set_password_hash(id(1), "$argon2id$new").await.unwrap();
    assert_eq!(s.account(id(1)).await.unwrap().unwrap().password_hash, "$argon2id$new");
    assert!(s.session_account("h1", T0).await.unwrap().is_none(), "sessions end with the password");
}
