//! The home feed: a hybrid of fan-out on write and on read.
//!
//! A post writes a home entry for the author and for each follower (`home_entries`), except when
//! its author is *pulled*: a member who had more followers than the server's threshold when they
//! posted. Their notes are written into no feed; a reader's page merges them in from
//! `pulled_follows` (the pulled members the reader follows): from each member's newest ids, kept
//! in memory (`recent.rs`), or one bounded index range per member where those do not reach.
//! Being pulled is sticky (`accounts.home_pull`), so a note that went into no feed is
//! always found by reading, whatever the author's follower count later does.

use std::collections::HashMap;

use crate::Store;
use crate::db::{Arg, Backend, placeholders};
use crate::error::Result;
use crate::notes::{FeedSql, NoteView, note_view};
use crate::page::Page;
use crate::recent::{KEPT, Recent};
use crate::script::Script;

/// A private note shows only while its reader may still see it: fan-out, unfollow and the
/// reads below can interleave (PostgreSQL, READ COMMITTED). $1 is the reader.
macro_rules! readable {
    () => {
        "(n.visibility <> 'private' OR n.author_id = $1 OR EXISTS (SELECT 1 FROM follows f \
         WHERE f.follower_id = $1 AND f.followee_id = n.author_id))"
    };
}

/// Home: the note ids written into one reader's feed, off the primary key of their entries.
/// $1 owner, $2 upper, $3 lower, $4 limit.
macro_rules! home_ids {
    ($dir:literal) => {
        concat!(
            "SELECT note_id FROM home_entries WHERE owner_id = $1 AND note_id < $2 \
             AND note_id > $3 ORDER BY note_id ",
            $dir,
            " LIMIT $4"
        )
    };
}
pub const HOME_IDS: FeedSql = FeedSql { desc: home_ids!("DESC"), asc: home_ids!("ASC") };

/// The ids that may belong on a reader's page from the pulled members they follow: for each,
/// its newest `limit` notes in the window (oldest `limit` reading upwards). Unordered; the
/// caller merges. $1 reader, $2 upper, $3 lower, $4 limit.
///
/// SQLite has no `LATERAL`: it finds each member's `limit`-th note in the window (`edge`) and
/// joins the index range up to it. PostgreSQL, given that join, hashed all notes on a small
/// database (`tests/query_plans.rs`); `LATERAL` keeps it to one bounded range per member.
macro_rules! pulled_sqlite {
    ($dir:literal, $fallback:literal, $cmp:literal) => {
        concat!(
            "WITH pulled AS MATERIALIZED (SELECT pf.followee_id AS author_id, \
             COALESCE((SELECT id FROM notes WHERE author_id = pf.followee_id AND id < $2 \
             AND id > $3 ORDER BY id ",
            $dir,
            " LIMIT 1 OFFSET ($4 - 1)), ",
            $fallback,
            ") AS edge FROM pulled_follows pf WHERE pf.follower_id = $1) \
             SELECT n.id FROM pulled p JOIN notes n ON n.author_id = p.author_id \
             WHERE n.id < $2 AND n.id > $3 AND n.id ",
            $cmp,
            " p.edge"
        )
    };
}
macro_rules! pulled_pg {
    ($dir:literal) => {
        concat!(
            "SELECT n.id FROM pulled_follows pf CROSS JOIN LATERAL (SELECT id FROM notes \
             WHERE author_id = pf.followee_id AND id < $2 AND id > $3 ORDER BY id ",
            $dir,
            " LIMIT $4) n WHERE pf.follower_id = $1"
        )
    };
}
const PULLED_SQLITE: FeedSql =
    FeedSql { desc: pulled_sqlite!("DESC", "$3", ">="), asc: pulled_sqlite!("ASC", "$2", "<=") };
const PULLED_PG: FeedSql = FeedSql { desc: pulled_pg!("DESC"), asc: pulled_pg!("ASC") };

/// [`PULLED_SQLITE`] or [`PULLED_PG`].
pub fn pulled_note_ids(backend: Backend) -> &'static FeedSql {
    match backend {
        Backend::Sqlite => &PULLED_SQLITE,
        Backend::Postgres => &PULLED_PG,
    }
}

/// The pulled members `$1` follows.
const PULLED_FOLLOWS: &str = "SELECT followee_id FROM pulled_follows WHERE follower_id = $1";

/// A member's newest `$2` note ids, newest first. $1 member.
pub const NEWEST_OF_MEMBER: &str =
    "SELECT id FROM notes WHERE author_id = $1 ORDER BY id DESC LIMIT $2";

/// [`NEWEST_OF_MEMBER`] for `members` members at once (PostgreSQL: one round trip), their ids
/// bound from $2. Rows are (member, note id), unordered.
pub fn newest_of_members_pg(members: usize) -> String {
    format!(
        "SELECT a.id, n.id FROM accounts a CROSS JOIN LATERAL (SELECT id FROM notes \
         WHERE author_id = a.id ORDER BY id DESC LIMIT $1) n WHERE a.id IN ({})",
        placeholders(2, members)
    )
}

/// Make `$1` pulled if it has more than `$2` followers (see the module's comment). It takes the
/// account's row lock first: on PostgreSQL a follow made meanwhile moves the same row's
/// counter, so either it commits before [`PULL_FILL`] reads the follows, or it waits and then
/// finds the account pulled (see [`Store::follow`]).
const PULL_FLIP: &str = "UPDATE accounts SET home_pull = 1 \
     WHERE id = $1 AND home_pull = 0 AND followers_count > $2";

/// Give a newly pulled `$1` its `pulled_follows`, once: later follows add their own row.
const PULL_FILL: &str = "INSERT INTO pulled_follows (follower_id, followee_id) \
     SELECT follower_id, $1 FROM follows WHERE followee_id = $1 \
     AND EXISTS (SELECT 1 FROM accounts WHERE id = $1 AND home_pull = 1) \
     AND NOT EXISTS (SELECT 1 FROM pulled_follows WHERE followee_id = $1) \
     ON CONFLICT DO NOTHING";

/// A post's home entries: every follower's (unless the author is pulled) and the author's own.
/// On SQLite `OR IGNORE`: a statement that no row can abort halfway needs no statement journal
/// (a copy of every page it changes, taken first); with `ON CONFLICT DO NOTHING` alone a
/// `NOT NULL` column could still abort it. The rows are never null. $1 note, $2 author.
macro_rules! fan_out_in_post {
    () => {
        " INTO home_entries (owner_id, note_id, author_id) \
         SELECT follower_id, $1, $2 FROM follows WHERE followee_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = $2 AND home_pull = 1) \
         UNION ALL SELECT $2, $1, $2"
    };
}
pub(crate) const FAN_OUT_IN_POST_SQLITE: &str = concat!("INSERT OR IGNORE", fan_out_in_post!());
const FAN_OUT_IN_POST_PG: &str = concat!("INSERT", fan_out_in_post!());

/// The steps of a post that fill home feeds: with `pull_above`, an author above it becomes
/// pulled first, and then gets only their own entry.
pub(crate) fn post_steps(
    script: &mut Script,
    note: i64,
    author: i64,
    pull_above: Option<i64>,
    backend: Backend,
) {
    if let Some(threshold) = pull_above {
        script.push(PULL_FLIP, vec![Arg::Int(author), Arg::Int(threshold)]);
        script.push(PULL_FILL, vec![Arg::Int(author)]);
    }
    let sql = match backend {
        Backend::Sqlite => FAN_OUT_IN_POST_SQLITE,
        Backend::Postgres => FAN_OUT_IN_POST_PG,
    };
    script.push(sql, vec![Arg::Int(note), Arg::Int(author)]);
}

impl Store {
    /// A page of `owner`'s home feed: their entries merged with the notes of the pulled members
    /// they follow. The page's ids are settled first, so only its own notes are read.
    pub async fn home_feed(&self, owner: i64, page: &Page) -> Result<Vec<NoteView>> {
        let up = page.ascending();
        let window = [
            Arg::Int(owner),
            Arg::Int(page.upper()),
            Arg::Int(page.lower()),
            Arg::Int(page.limit()),
        ];
        let entries: Vec<(i64,)> =
            self.read_all(if up { HOME_IDS.asc } else { HOME_IDS.desc }, &window).await?;
        let mut ids: Vec<i64> = entries.into_iter().map(|(id,)| id).collect();
        // A full page of entries bounds the pulled notes that can still make the page: none
        // beyond its last entry.
        let (mut upper, mut lower) = (page.upper(), page.lower());
        if i64::try_from(ids.len()).is_ok_and(|n| n >= page.limit()) {
            if up {
                upper = ids.iter().copied().max().unwrap_or(upper);
            } else {
                lower = ids.iter().copied().min().unwrap_or(lower);
            }
        }
        ids.extend(self.pulled_ids(owner, upper, lower, page).await?);
        sort_page(&mut ids, up, page.limit());
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows = self.readable_notes(owner, &ids).await?;
        rows.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
        Ok(rows)
    }

    /// The ids that may belong on `reader`'s page from the pulled members they follow, in the
    /// window (`lower`, `upper`): from the members' kept newest ids where those cover the
    /// window, and otherwise read as [`pulled_note_ids`] does.
    async fn pulled_ids(
        &self,
        reader: i64,
        upper: i64,
        lower: i64,
        page: &Page,
    ) -> Result<Vec<i64>> {
        let members: Vec<(i64,)> = self.read_all(PULLED_FOLLOWS, &[Arg::Int(reader)]).await?;
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let members: Vec<i64> = members.into_iter().map(|(m,)| m).collect();
        let found = self.recents.lookup(&members);
        let read = self.newest_note_ids(&found.missing).await?;
        self.recents.keep(found.token, &read);
        let mut kept = found.kept;
        kept.extend(read.into_iter().map(|(_, recent)| recent));
        let limit = usize::try_from(page.limit()).unwrap_or(usize::MAX);
        let mut ids = Vec::new();
        for recent in &kept {
            match recent.window(upper, lower, limit, page.ascending()) {
                Some(window) => ids.extend(window),
                None => {
                    let sql = pulled_note_ids(self.backend());
                    let sql = if page.ascending() { sql.asc } else { sql.desc };
                    let args = [
                        Arg::Int(reader),
                        Arg::Int(upper),
                        Arg::Int(lower),
                        Arg::Int(page.limit()),
                    ];
                    let rows: Vec<(i64,)> = self.read_all(sql, &args).await?;
                    return Ok(rows.into_iter().map(|(id,)| id).collect());
                }
            }
        }
        Ok(ids)
    }

    /// The newest [`KEPT`] note ids of each of `members`, for [`Recents`].
    async fn newest_note_ids(&self, members: &[i64]) -> Result<Vec<(i64, Recent)>> {
        let more = Arg::Int(i64::try_from(KEPT).unwrap_or(i64::MAX) + 1);
        let mut newest = Vec::with_capacity(members.len());
        match self.backend() {
            // Inline reads: one statement per member costs no round trip.
            Backend::Sqlite => {
                for &member in members {
                    let ids: Vec<(i64,)> =
                        self.read_all(NEWEST_OF_MEMBER, &[Arg::Int(member), more.clone()]).await?;
                    newest.push((
                        member,
                        Recent::from_newest(ids.into_iter().map(|(id,)| id).collect()),
                    ));
                }
            }
            Backend::Postgres => {
                for chunk in members.chunks(500) {
                    let sql = newest_of_members_pg(chunk.len());
                    let mut args = vec![more.clone()];
                    args.extend(chunk.iter().map(|&m| Arg::Int(m)));
                    let rows: Vec<(i64, i64)> = self.read_all(&sql, &args).await?;
                    let mut by_member: HashMap<i64, Vec<i64>> =
                        chunk.iter().map(|&m| (m, Vec::new())).collect();
                    for (member, id) in rows {
                        by_member.entry(member).or_default().push(id);
                    }
                    newest.extend(by_member.into_iter().map(|(member, mut ids)| {
                        ids.sort_unstable_by(|a, b| b.cmp(a));
                        (member, Recent::from_newest(ids))
                    }));
                }
            }
        }
        Ok(newest)
    }

    /// Those of `ids` that `reader` may read in their home feed, in no particular order.
    async fn readable_notes(&self, reader: i64, ids: &[i64]) -> Result<Vec<NoteView>> {
        let sql = format!(
            note_view!("notes n", concat!(readable!(), " AND n.id IN ({})"), "n.id"),
            placeholders(2, ids.len())
        );
        let mut args = vec![Arg::Int(reader)];
        args.extend(ids.iter().map(|&id| Arg::Int(id)));
        self.read_all(&sql, &args).await
    }

    /// Make `authors` pulled, and give every pulled member's followers their `pulled_follows`
    /// rows. Bulk loads end with it: they write no entries for these authors, and their follows
    /// bypass [`Store::follow`], which keeps the rows up to date one at a time.
    pub async fn pull_authors(&self, authors: &[i64]) -> Result<()> {
        let mut script = Script::default();
        for chunk in authors.chunks(500) {
            script.push(
                format!(
                    "UPDATE accounts SET home_pull = 1 WHERE id IN ({})",
                    placeholders(1, chunk.len())
                ),
                chunk.iter().map(|&id| Arg::Int(id)).collect(),
            );
        }
        script.push(
            "INSERT INTO pulled_follows (follower_id, followee_id) \
             SELECT f.follower_id, f.followee_id FROM accounts a \
             JOIN follows f ON f.followee_id = a.id WHERE a.home_pull = 1 \
             ON CONFLICT DO NOTHING",
            vec![],
        );
        self.run_script(script).await.map(drop)
    }
}

/// Sort a page's candidate ids the way the page reads (newest first, or oldest first upwards),
/// keep the first `limit`, and leave them newest first.
fn sort_page(ids: &mut Vec<i64>, ascending: bool, limit: i64) {
    if ascending {
        ids.sort_unstable();
    } else {
        ids.sort_unstable_by(|a, b| b.cmp(a));
    }
    ids.dedup();
    ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    if ascending {
        ids.reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::sort_page;

    #[test]
    fn a_page_keeps_the_nearest_ids_to_its_cursor() {
        let mut down = vec![5, 9, 1, 7, 9, 3];
        sort_page(&mut down, false, 3);
        assert_eq!(down, [9, 7, 5]);
        let mut up = vec![5, 9, 1, 7, 3];
        sort_page(&mut up, true, 3);
        assert_eq!(up, [5, 3, 1]);
    }
}
