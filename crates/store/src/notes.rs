//! Notes and the chronological feeds over them. Every feed here is one query that walks an
//! index range in id order (see `tests/query_plans.rs`); the home feed, which merges two, is in
//! `home.rs`.

use sqlx::FromRow;

use crate::Store;
use crate::accounts::{AuthorColumns, Profile};
use crate::db::{Arg, Backend, on_write};
use crate::engagement::NOTIFY_ONCE;
use crate::error::{Result, StoreError};
use crate::idempotency::{Keyed, idempotency_steps};
use crate::jobs::{NewJob, enqueue_step};
use crate::page::Page;
use crate::script::{Check, Script};

#[derive(Debug, Clone)]
pub struct NewNote {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
    pub body: String,
    pub visibility: String,
    pub language: Option<String>,
    pub app_id: Option<i64>,
    pub created_at: i64,
    /// Tag keys, distinct. Indexed for the tag feed when the note is public.
    pub tags: Vec<String>,
    /// Mentioned accounts to notify: (notification id, recipient).
    pub mentions: Vec<(i64, i64)>,
    /// The client's `Idempotency-Key`, unique per author.
    pub idempotency_key: Option<String>,
    /// Uploaded, unattached media of the author, in display order.
    pub media_ids: Vec<i64>,
    /// A job enqueued with the note, in its transaction (the translation prefetch).
    pub job: Option<NewJob>,
    /// Above this many followers the author becomes pulled and the note goes into no
    /// follower's home feed (see `home.rs`); `None` writes it into every follower's feed
    /// (unless the author is pulled already).
    pub pull_above: Option<i64>,
}

/// A note joined with what a client shows beside it: its author and the posting app.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct NoteView {
    /// Where this row sits in its list: the note id in feeds, the like or collect id in a
    /// member's favourites and bookmarks. Pagination cursors use it.
    pub cursor: i64,
    pub id: i64,
    pub author_id: i64,
    pub title: String,
    pub body: String,
    pub visibility: String,
    pub language: Option<String>,
    pub created_at: i64,
    pub likes_count: i64,
    pub collects_count: i64,
    pub comments_count: i64,
    /// The stored Explore score (see `explore`).
    pub explore_score: f64,
    /// Bumped whenever the note's attached media change (see migration 0018 on SQLite).
    pub media_rev: i64,
    pub app_name: Option<String>,
    pub app_website: Option<String>,
    #[sqlx(flatten)]
    author_cols: AuthorColumns,
}

crate::lite::lite_row!(NoteView {
    cursor, id, author_id, title, body, visibility, language, created_at, likes_count,
    collects_count, comments_count, explore_score, media_rev, app_name, app_website,
} flatten author_cols: AuthorColumns);

impl NoteView {
    pub fn author(&self) -> Profile {
        self.author_cols.profile(self.author_id)
    }

    /// Whether a client would be shown the same note: equal in everything but the list
    /// position (`cursor`) and the Explore score. Destructured so a new field must be placed.
    pub fn shows_same(&self, other: &NoteView) -> bool {
        let NoteView {
            cursor: _,
            id,
            author_id,
            title,
            body,
            visibility,
            language,
            created_at,
            likes_count,
            collects_count,
            comments_count,
            explore_score: _,
            media_rev,
            app_name,
            app_website,
            author_cols,
        } = self;
        (id, author_id, title, body, visibility, language, created_at)
            == (
                &other.id,
                &other.author_id,
                &other.title,
                &other.body,
                &other.visibility,
                &other.language,
                &other.created_at,
            )
            && (likes_count, collects_count, comments_count, media_rev)
                == (
                    &other.likes_count,
                    &other.collects_count,
                    &other.comments_count,
                    &other.media_rev,
                )
            && (app_name, app_website, author_cols)
                == (&other.app_name, &other.app_website, &other.author_cols)
    }
}

macro_rules! note_view {
    ($from:expr, $where:expr, $order:expr) => {
        note_view!("n.id", $from, $where, $order)
    };
    ($cursor:expr, $from:expr, $where:expr, $order:expr) => {
        concat!(
            "SELECT ",
            $cursor,
            " AS cursor, n.id, n.author_id, n.title, n.body, n.visibility, n.language, n.created_at, \
             n.likes_count, n.collects_count, n.comments_count, n.explore_score, n.media_rev, \
             ap.name AS app_name, ap.website AS app_website, \
             a.handle AS a_handle, a.display_name AS a_display_name, a.bio AS a_bio, \
             a.home_region AS a_home_region, a.languages AS a_languages, a.role AS a_role, \
             a.created_at AS a_created_at, a.notes_count AS a_notes_count, \
             a.followers_count AS a_followers_count, a.following_count AS a_following_count, \
             a.last_note_at AS a_last_note_at, a.avatar_key AS a_avatar_key, \
             a.header_key AS a_header_key FROM ",
            $from,
            " JOIN accounts a ON a.id = n.author_id LEFT JOIN apps ap ON ap.id = n.app_id WHERE ",
            $where,
            " ORDER BY ",
            $order
        )
    };
}

pub(crate) use note_view;

/// A feed query in both directions: newest first, and oldest first for `min_id`.
pub struct FeedSql {
    pub desc: &'static str,
    pub asc: &'static str,
}

macro_rules! feed_sql {
    ($from:literal, $key:literal, $where:literal, $n:literal) => {
        FeedSql {
            desc: note_view!($from, $where, concat!($key, " DESC LIMIT $", $n)),
            asc: note_view!($from, $where, concat!($key, " ASC LIMIT $", $n)),
        }
    };
}

/// Public: every public note. $1 upper, $2 lower, $3 limit.
pub const PUBLIC_FEED: FeedSql =
    feed_sql!("notes n", "n.id", "n.visibility = 'public' AND n.id < $1 AND n.id > $2", "3");

/// One author's notes; `$5 = 1` includes private ones (the viewer is the author or a follower).
/// $1 author, $2 upper, $3 lower, $4 limit.
pub const AUTHOR_FEED: FeedSql = feed_sql!(
    "notes n",
    "n.id",
    "n.author_id = $1 AND n.id < $2 AND n.id > $3 AND (n.visibility <> 'private' OR $5 = 1)",
    "4"
);

/// Public notes with a tag. $1 tag key, $2 upper, $3 lower, $4 limit. `note_tags` holds
/// public notes only, so the page comes straight off its index; it is taken first, so the
/// planner joins only those rows (left to itself, PostgreSQL merge-joined against a walk of
/// every note).
macro_rules! tag_sql {
    ($dir:literal) => {
        note_view!(
            concat!(
                "(SELECT note_id FROM note_tags WHERE tag_key = $1 AND note_id < $2 \
                 AND note_id > $3 ORDER BY note_id ",
                $dir,
                " LIMIT $4) page JOIN notes n ON n.id = page.note_id"
            ),
            "1 = 1",
            concat!("page.note_id ", $dir)
        )
    };
}
pub const TAG_FEED: FeedSql = FeedSql { desc: tag_sql!("DESC"), asc: tag_sql!("ASC") };

const NOTE_BY_ID: &str = note_view!("notes n", "n.id = $1", "n.id");

/// The statements that write one note (see [`Store::insert_note`]).
fn note_steps(script: &mut Script, n: &NewNote, backend: Backend) {
    script.checked(
        "INSERT INTO notes (id, author_id, title, body, visibility, language, app_id, \
         created_at, explore_score) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        vec![
            Arg::Int(n.id),
            Arg::Int(n.author_id),
            Arg::Text(n.title.clone()),
            Arg::Text(n.body.clone()),
            Arg::Text(n.visibility.clone()),
            Arg::opt_text(n.language.as_deref()),
            Arg::opt_int(n.app_id),
            Arg::Int(n.created_at),
            Arg::Real(crate::explore::explore_score(n.created_at, 0, 0, 0)),
        ],
        Check::Unique("notes"),
    );
    // The tag index serves the public tag feed: public notes only.
    let tags = if n.visibility == "public" { n.tags.as_slice() } else { &[] };
    for tag in tags {
        script.push(
            "INSERT INTO note_tags (tag_key, note_id) VALUES ($1, $2)",
            vec![Arg::Text(tag.clone()), Arg::Int(n.id)],
        );
    }
    script.push(
        "UPDATE accounts SET notes_count = notes_count + 1, last_note_at = \
         CASE WHEN last_note_at IS NULL OR last_note_at < $2 THEN $2 \
         ELSE last_note_at END WHERE id = $1",
        vec![Arg::Int(n.author_id), Arg::Int(n.created_at)],
    );
    crate::home::post_steps(script, n.id, n.author_id, n.pull_above, backend);
    if let Some(key) = &n.idempotency_key {
        idempotency_steps(script, Keyed::Note, n.author_id, key, n.id, n.created_at);
    }
    for (position, media) in n.media_ids.iter().enumerate() {
        script.checked(
            "UPDATE media SET note_id = $1, position = $2 \
             WHERE id = $3 AND owner_id = $4 AND note_id IS NULL",
            vec![
                Arg::Int(n.id),
                Arg::Int(i64::try_from(position).unwrap_or(i64::MAX)),
                Arg::Int(*media),
                Arg::Int(n.author_id),
            ],
            Check::AttachesMedia(*media),
        );
    }
    if let Some(job) = &n.job {
        enqueue_step(script, job);
    }
    for (notification, recipient) in &n.mentions {
        script.push(
            NOTIFY_ONCE,
            vec![
                Arg::Int(*notification),
                Arg::Int(*recipient),
                Arg::Text("mention".to_owned()),
                Arg::Int(n.author_id),
                Arg::Int(n.id),
                Arg::Int(n.created_at),
                Arg::NullInt,
            ],
        );
    }
}

fn finish(mut rows: Vec<NoteView>, page: &Page) -> Vec<NoteView> {
    if page.ascending() {
        rows.reverse();
    }
    rows
}

impl Store {
    /// Write a note, its tags, the author's counters and its home-feed entries (the author's and
    /// every follower's) in one transaction.
    pub async fn insert_note(&self, n: &NewNote) -> Result<()> {
        self.insert_notes(std::slice::from_ref(n)).await
    }

    /// Write several notes in one transaction, each exactly as [`Store::insert_note`] writes it
    /// (mentions, idempotency keys, media to attach): all of them or none. Large loads use
    /// [`Store::bulk_insert_notes`].
    pub async fn insert_notes(&self, notes: &[NewNote]) -> Result<()> {
        let mut script = Script::default();
        for n in notes {
            note_steps(&mut script, n, self.backend());
        }
        let done = self.run_script(script).await.map(drop);
        for n in notes {
            self.recents.forget(n.author_id);
        }
        done
    }

    pub async fn note(&self, id: i64) -> Result<Option<NoteView>> {
        self.read_first(NOTE_BY_ID, &[Arg::Int(id)]).await
    }

    /// Those of `ids` (a page of them) that are public notes, in no particular order.
    pub async fn public_notes(&self, ids: &[i64]) -> Result<Vec<NoteView>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            note_view!("notes n", "n.visibility = 'public' AND n.id IN ({})", "n.id"),
            crate::db::placeholders(1, ids.len())
        );
        let args: Vec<Arg> = ids.iter().map(|&id| Arg::Int(id)).collect();
        self.read_all(&sql, &args).await
    }

    /// Delete a note with everything that hangs on it (tags, feed entries, likes, collects,
    /// notifications) and fix the author's and the boards' counts. Returns the author's id, or `NotFound`.
    pub async fn delete_note(&self, id: i64) -> Result<i64> {
        let lock = self.lock_row_sql("notes");
        let author = on_write!(self, |p| {
            let mut tx = p.begin().await?;
            // PostgreSQL: hold the note so a collect, like or comment in flight (whose foreign
            // key check needs it) waits and then fails, instead of slipping past the counters.
            sqlx::query(sqlx::AssertSqlSafe(lock)).bind(id).execute(&mut *tx).await?;
            // Boards that held the note lose it; likes, collects and the rest cascade.
            sqlx::query(
                "UPDATE boards SET notes_count = notes_count - 1 \
                 WHERE id IN (SELECT board_id FROM collects WHERE note_id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let author: Option<(i64,)> =
                sqlx::query_as("DELETE FROM notes WHERE id = $1 RETURNING author_id")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (author,) = author.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE accounts SET notes_count = notes_count - 1 WHERE id = $1")
                .bind(author)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(author)
        })?;
        self.recents.forget(author);
        Ok(author)
    }

    pub async fn public_feed(&self, page: &Page) -> Result<Vec<NoteView>> {
        let sql = if page.ascending() { PUBLIC_FEED.asc } else { PUBLIC_FEED.desc };
        let args = [Arg::Int(page.upper()), Arg::Int(page.lower()), Arg::Int(page.limit())];
        let rows = self.read_all(sql, &args).await?;
        Ok(finish(rows, page))
    }

    pub async fn author_feed(
        &self,
        author: i64,
        include_private: bool,
        page: &Page,
    ) -> Result<Vec<NoteView>> {
        let sql = if page.ascending() { AUTHOR_FEED.asc } else { AUTHOR_FEED.desc };
        let args = [
            Arg::Int(author),
            Arg::Int(page.upper()),
            Arg::Int(page.lower()),
            Arg::Int(page.limit()),
            Arg::Int(i64::from(include_private)),
        ];
        let rows = self.read_all(sql, &args).await?;
        Ok(finish(rows, page))
    }

    pub async fn tag_feed(&self, tag_key: &str, page: &Page) -> Result<Vec<NoteView>> {
        let sql = if page.ascending() { TAG_FEED.asc } else { TAG_FEED.desc };
        let args = [
            Arg::Text(tag_key.to_owned()),
            Arg::Int(page.upper()),
            Arg::Int(page.lower()),
            Arg::Int(page.limit()),
        ];
        let rows = self.read_all(sql, &args).await?;
        Ok(finish(rows, page))
    }
}
