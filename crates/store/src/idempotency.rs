//! `Idempotency-Key`s of posts: written in the post's own transaction, so a retried request
//! finds what the first one made. Notes and comments keep theirs in tables of the same shape.

use crate::Store;
use crate::db::{Arg, on_write};
use crate::error::Result;
use crate::script::{Check, Script};

/// How long an `Idempotency-Key` holds, as in Mastodon: one hour.
pub const IDEMPOTENCY_WINDOW_MS: i64 = 3_600_000;

/// Which posts a key names: the table that holds the keys and its post column.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keyed {
    Note,
    Comment,
}

impl Keyed {
    pub(crate) const fn table(self) -> &'static str {
        match self {
            Keyed::Note => "idempotency_keys",
            Keyed::Comment => "comment_idempotency_keys",
        }
    }

    const fn column(self) -> &'static str {
        match self {
            Keyed::Note => "note_id",
            Keyed::Comment => "comment_id",
        }
    }

    /// Drop the author's expired use of the key, then record it for `post`; a live one is a
    /// `Conflict` named after the table.
    pub(crate) fn sql(self) -> (String, String) {
        let (table, column) = (self.table(), self.column());
        (
            format!("DELETE FROM {table} WHERE account_id = $1 AND key = $2 AND created_at < $3"),
            format!(
                "INSERT INTO {table} (account_id, key, {column}, created_at) VALUES ($1, $2, $3, $4)"
            ),
        )
    }
}

/// [`put_idempotency_key`] as two steps of a [`Script`].
pub(crate) fn idempotency_steps(
    script: &mut Script,
    keyed: Keyed,
    author: i64,
    key: &str,
    post: i64,
    at: i64,
) {
    let (expire, insert) = keyed.sql();
    script.push(
        expire,
        vec![Arg::Int(author), Arg::Text(key.to_owned()), Arg::Int(at - IDEMPOTENCY_WINDOW_MS)],
    );
    script.checked(
        insert,
        vec![Arg::Int(author), Arg::Text(key.to_owned()), Arg::Int(post), Arg::Int(at)],
        Check::Unique(keyed.table()),
    );
}

/// Record `$key` of `$author` for post `$post` made at `$at`, in the caller's transaction `$tx`.
macro_rules! put_idempotency_key {
    ($tx:ident, $keyed:expr, $author:expr, $key:expr, $post:expr, $at:expr) => {{
        let keyed: $crate::idempotency::Keyed = $keyed;
        let (expire, insert) = keyed.sql();
        sqlx::query(sqlx::AssertSqlSafe(expire))
            .bind($author)
            .bind($key)
            .bind($at - $crate::idempotency::IDEMPOTENCY_WINDOW_MS)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(insert))
            .bind($author)
            .bind($key)
            .bind($post)
            .bind($at)
            .execute(&mut *$tx)
            .await
            .map_err(|e| $crate::StoreError::conflict_on(e, &[keyed.table()]))?;
    }};
}
pub(crate) use put_idempotency_key;

impl Store {
    /// The note an author posted with this idempotency key since `since`.
    pub async fn note_by_idempotency_key(
        &self,
        author: i64,
        key: &str,
        since: i64,
    ) -> Result<Option<i64>> {
        self.post_by_idempotency_key(Keyed::Note, author, key, since).await
    }

    /// The comment an author posted with this idempotency key since `since`.
    pub async fn comment_by_idempotency_key(
        &self,
        author: i64,
        key: &str,
        since: i64,
    ) -> Result<Option<i64>> {
        self.post_by_idempotency_key(Keyed::Comment, author, key, since).await
    }

    async fn post_by_idempotency_key(
        &self,
        keyed: Keyed,
        author: i64,
        key: &str,
        since: i64,
    ) -> Result<Option<i64>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE account_id = $1 AND key = $2 AND created_at >= $3",
            keyed.column(),
            keyed.table()
        );
        // The writer: a retry right after the first request must see its key.
        let row: Option<(i64,)> =
            on_write!(self, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(author)
                .bind(key)
                .bind(since)
                .fetch_optional(p)
                .await)?;
        Ok(row.map(|(id,)| id))
    }
}
