//! Lists keyed by one account or note and paged by the list entry's own id: followers,
//! following, blocks, mutes, likers, favourites, bookmarks. One SQL shape, one paging helper.

use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::Store;
use crate::db::on_read;
use crate::error::Result;
use crate::notes::FeedSql;
use crate::page::Page;

/// A page of profiles from `$table`, where `$key = $1` and `$other` names the listed account,
/// newest entry first (or oldest, `ASC`). $1 key, $2 upper, $3 lower, $4 limit.
macro_rules! profile_list {
    ($table:literal, $key:literal, $other:literal, $dir:literal) => {
        concat!(
            "SELECT x.id AS cursor, a.id, a.handle, a.display_name, a.bio, a.home_region, \
             a.languages, a.role, a.created_at, a.notes_count, a.followers_count, \
             a.following_count, a.last_note_at, a.avatar_key, a.header_key FROM (SELECT ",
            $other,
            " AS account_id, id FROM ",
            $table,
            " WHERE ",
            $key,
            " = $1 AND id < $2 AND id > $3 ORDER BY id ",
            $dir,
            " LIMIT $4) x JOIN accounts a ON a.id = x.account_id ORDER BY x.id ",
            $dir
        )
    };
}
pub(crate) use profile_list;

impl Store {
    /// Run a list query for `key` over the window `page`, newest first either way.
    pub(crate) async fn keyed_page<T>(&self, sql: &FeedSql, key: i64, page: &Page) -> Result<Vec<T>>
    where
        T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>,
    {
        let query = if page.ascending() { sql.asc } else { sql.desc };
        let mut rows: Vec<T> = on_read!(self, |p| sqlx::query_as(query)
            .bind(key)
            .bind(page.upper())
            .bind(page.lower())
            .bind(page.limit())
            .fetch_all(p)
            .await)?;
        if page.ascending() {
            rows.reverse();
        }
        Ok(rows)
    }
}
