//! Rows sent to PostgreSQL with `COPY … FROM STDIN` (text format): no parameters to bind and
//! no statement to plan per thousand rows, which is what bounded the bulk load's row rate.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sqlx::postgres::PgConnection;

use crate::error::Result;

/// Bytes sent per `CopyData` message.
const SEND_AT: usize = 1 << 20;

/// Rows in `COPY`'s text format: fields separated by tabs, rows ended by a newline, `\N` for
/// NULL, and backslash escapes for the separators inside text.
#[derive(Default)]
pub(super) struct CopyRows {
    buf: String,
    row_started: bool,
}

impl CopyRows {
    fn sep(&mut self) {
        if self.row_started {
            self.buf.push('\t');
        }
        self.row_started = true;
    }

    pub(super) fn int(&mut self, v: i64) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{v}");
        self
    }

    pub(super) fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    pub(super) fn float(&mut self, v: f64) -> &mut Self {
        self.sep();
        // `{:?}` prints the shortest text that reads back as the same f64.
        let _ = write!(self.buf, "{v:?}");
        self
    }

    pub(super) fn text(&mut self, v: &str) -> &mut Self {
        self.sep();
        for c in v.chars() {
            match c {
                '\\' => self.buf.push_str("\\\\"),
                '\t' => self.buf.push_str("\\t"),
                '\n' => self.buf.push_str("\\n"),
                '\r' => self.buf.push_str("\\r"),
                c => self.buf.push(c),
            }
        }
        self
    }

    pub(super) fn opt_text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.push_str("\\N");
        self
    }

    pub(super) fn end_row(&mut self) {
        self.buf.push('\n');
        self.row_started = false;
    }
}

/// `COPY target FROM STDIN` with `rows` written by `write` for each item, sent in pieces of
/// about a mebibyte. Returns the rows copied.
pub(super) async fn copy_in<T>(
    conn: &mut PgConnection,
    target: &str,
    items: &[T],
    mut write: impl FnMut(&mut CopyRows, &T),
) -> sqlx::Result<u64> {
    let mut copy = conn.copy_in_raw(&format!("COPY {target} FROM STDIN")).await?;
    let mut rows = CopyRows::default();
    for (i, item) in items.iter().enumerate() {
        write(&mut rows, item);
        rows.end_row();
        if rows.buf.len() >= SEND_AT || i + 1 == items.len() {
            let data = std::mem::take(&mut rows.buf).into_bytes();
            if let Err(e) = copy.send(data).await {
                let _ = copy.abort("the rows could not be sent").await;
                return Err(e);
            }
        }
    }
    copy.finish().await
}

/// An empty temporary table `name` with `columns`, dropped when the transaction ends.
async fn scratch(conn: &mut PgConnection, name: &str, columns: &str) -> Result<()> {
    let sql = format!("CREATE TEMP TABLE IF NOT EXISTS {name} {columns} ON COMMIT DROP");
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
    let sql = format!("TRUNCATE {name}");
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
    Ok(())
}

/// Insert `items` into `table` (columns `cols`, each row written by `write`), skipping rows
/// already there (in the table or earlier in `items`). Returns, for each row inserted, the two
/// columns `returning` (as `pick` reads them off an item).
///
/// The rows are first copied straight into the table, which a load into an empty database
/// gets away with unless it repeats a row, and which is several times faster; only if that
/// meets a row already there are they copied into a temporary table and inserted from there with
/// `ON CONFLICT DO NOTHING`, which `COPY` itself cannot do.
pub(super) async fn insert_copied<T>(
    conn: &mut PgConnection,
    table: &str,
    cols: &str,
    items: &[T],
    mut write: impl FnMut(&mut CopyRows, &T),
    returning: &str,
    pick: impl Fn(&T) -> (i64, Option<i64>),
) -> Result<Vec<(i64, Option<i64>)>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query("SAVEPOINT straight_copy").execute(&mut *conn).await?;
    match copy_in(conn, &format!("{table} ({cols})"), items, &mut write).await {
        Ok(_) => {
            sqlx::query("RELEASE SAVEPOINT straight_copy").execute(&mut *conn).await?;
            return Ok(items.iter().map(pick).collect());
        }
        Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
            sqlx::query("ROLLBACK TO SAVEPOINT straight_copy").execute(&mut *conn).await?;
        }
        Err(e) => return Err(e.into()),
    }
    let stage = format!("load_{table}");
    scratch(conn, &stage, &format!("(LIKE {table} INCLUDING DEFAULTS)")).await?;
    copy_in(conn, &format!("{stage} ({cols})"), items, &mut write).await?;
    let sql = format!(
        "INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} \
         ON CONFLICT DO NOTHING RETURNING {returning}"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?)
}

/// Add each `(id, delta)` of `deltas` to the counter `col` of `table`, in one statement over
/// the deltas copied into a temporary table.
pub(super) async fn add_counts(
    conn: &mut PgConnection,
    table: &str,
    col: &str,
    deltas: &BTreeMap<i64, i64>,
) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    copy_deltas(conn, deltas).await?;
    let sql = format!(
        "UPDATE {table} SET {col} = {col} + d.n FROM load_deltas d WHERE {table}.id = d.id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
    Ok(())
}

/// One of a note's engagement counters.
#[derive(Clone, Copy)]
pub(super) enum NoteCounter {
    Likes,
    Collects,
    Comments,
}

impl NoteCounter {
    fn column(self) -> &'static str {
        match self {
            NoteCounter::Likes => "likes_count",
            NoteCounter::Collects => "collects_count",
            NoteCounter::Comments => "comments_count",
        }
    }

    /// The note's Explore score once `n` is added to this counter.
    fn score_after(self, note: &CountedNote, n: i64) -> f64 {
        let (_, at, mut likes, mut collects, mut comments) = *note;
        match self {
            NoteCounter::Likes => likes += n,
            NoteCounter::Collects => collects += n,
            NoteCounter::Comments => comments += n,
        }
        crate::explore::explore_score(at, likes, collects, comments)
    }
}

/// A note's id, creation time, likes, collects and comments.
type CountedNote = (i64, i64, i64, i64, i64);

/// [`add_counts`] for one of the notes' engagement counters, moving each note's
/// Explore score with it. The notes are read (and locked) first, so that counter and score go
/// in one `UPDATE`: a second pass over a hundred thousand notes per batch rewrote each row
/// twice.
pub(super) async fn add_note_counts(
    conn: &mut PgConnection,
    counter: NoteCounter,
    deltas: &BTreeMap<i64, i64>,
) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    copy_deltas(conn, deltas).await?;
    let current: Vec<CountedNote> = sqlx::query_as(
        "SELECT n.id, n.created_at, n.likes_count, n.collects_count, n.comments_count \
         FROM notes n JOIN load_deltas d ON n.id = d.id FOR NO KEY UPDATE OF n",
    )
    .fetch_all(&mut *conn)
    .await?;
    scratch(conn, "load_scores", "(id BIGINT, n BIGINT, score DOUBLE PRECISION)").await?;
    let write = |r: &mut CopyRows, note: &CountedNote| {
        let n = deltas.get(&note.0).copied().unwrap_or(0);
        r.int(note.0).int(n).float(counter.score_after(note, n));
    };
    copy_in(conn, "load_scores (id, n, score)", &current, write).await?;
    let col = counter.column();
    let sql = format!(
        "UPDATE notes SET {col} = {col} + s.n, explore_score = s.score FROM load_scores s \
         WHERE notes.id = s.id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await?;
    Ok(())
}

async fn copy_deltas(conn: &mut PgConnection, deltas: &BTreeMap<i64, i64>) -> Result<()> {
    scratch(conn, "load_deltas", "(id BIGINT, n BIGINT)").await?;
    let pairs: Vec<(i64, i64)> = deltas.iter().map(|(k, v)| (*k, *v)).collect();
    copy_in(conn, "load_deltas (id, n)", &pairs, |r, (id, n)| {
        r.int(*id).int(*n);
    })
    .await?;
    Ok(())
}
