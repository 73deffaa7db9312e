//! Bulk writes for the simulator and imports: many rows per statement, one transaction per
//! batch, and every counter the single writes keep recounted for the rows a batch touched, so
//! counters are exact after each batch. Rows that already exist are skipped, not errors.

use std::collections::BTreeSet;

use sqlx::QueryBuilder;

use crate::Store;
use crate::accounts::NewAccount;
use crate::comments::NewComment;
use crate::db::on_write;
use crate::engagement::BoardRow;
use crate::error::Result;
use crate::media::MediaRow;

/// Rows per multi-row INSERT: under SQLite's 32766 bound variables with room to spare.
const CHUNK: usize = 1000;

/// A follow, like or collect by `actor` of `target` (an account or a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkEdge {
    pub id: i64,
    pub actor: i64,
    pub target: i64,
    pub at: i64,
}

/// A collect into a board the collector owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkCollect {
    pub id: i64,
    pub account: i64,
    pub note: i64,
    pub board: i64,
    pub at: i64,
}

/// A notification, written as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkNotice {
    pub id: i64,
    pub recipient: i64,
    pub kind: &'static str,
    pub actor: i64,
    pub note: Option<i64>,
    pub comment: Option<i64>,
    pub at: i64,
}

/// `UPDATE … WHERE id IN (…)` over `ids` in chunks, binding nothing but the ids.
macro_rules! for_ids {
    ($tx:ident, $sql:expr, $ids:expr) => {
        let ids: Vec<i64> = $ids.iter().copied().collect();
        for chunk in ids.chunks(CHUNK) {
            let mut qb = QueryBuilder::new($sql);
            qb.push(" WHERE id IN (");
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.build().execute(&mut *$tx).await?;
        }
    };
}

/// Recompute the counters and Explore scores of `notes` in `$tx`.
macro_rules! recount_notes {
    ($tx:ident, $notes:expr) => {
        for_ids!(
            $tx,
            "UPDATE notes SET likes_count = (SELECT COUNT(*) FROM likes WHERE note_id = notes.id), \
             collects_count = (SELECT COUNT(*) FROM collects WHERE note_id = notes.id), \
             comments_count = (SELECT COUNT(*) FROM comments WHERE note_id = notes.id)",
            $notes
        );
        let ids: Vec<i64> = $notes.iter().copied().collect();
        for chunk in ids.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "SELECT id, created_at, likes_count, collects_count, comments_count FROM notes \
                 WHERE id IN (",
            );
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            let rows: Vec<(i64, i64, i64, i64, i64)> =
                qb.build_query_as().fetch_all(&mut *$tx).await?;
            for (id, at, likes, collects, comments) in rows {
                sqlx::query("UPDATE notes SET explore_score = $2 WHERE id = $1")
                    .bind(id)
                    .bind(crate::explore::explore_score(at, likes, collects, comments))
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    };
}

impl Store {
    /// Accounts, all or none (a taken handle or email fails the batch).
    pub async fn bulk_insert_accounts(&self, accounts: &[NewAccount]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in accounts.chunks(CHUNK / 10) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO accounts (id, handle, handle_key, email, password_hash, \
                     display_name, home_region, languages, role, state, created_at) ",
                );
                qb.push_values(chunk, |mut b, a| {
                    b.push_bind(a.id)
                        .push_bind(&a.handle)
                        .push_bind(a.handle.to_lowercase())
                        .push_bind(&a.email)
                        .push_bind(&a.password_hash)
                        .push_bind(&a.display_name)
                        .push_bind(&a.home_region)
                        .push_bind(&a.languages)
                        .push_bind(&a.role)
                        .push_bind(&a.state)
                        .push_bind(a.created_at);
                });
                qb.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| crate::StoreError::conflict_on(e, &["handle", "email"]))?;
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Set bios (the simulator writes them after the accounts).
    pub async fn bulk_set_bios(&self, bios: &[(i64, String)]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for (id, bio) in bios {
                sqlx::query("UPDATE accounts SET bio = $2 WHERE id = $1")
                    .bind(id)
                    .bind(bio)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Follows; both accounts' counters are recounted.
    pub async fn bulk_follow(&self, follows: &[BulkEdge]) -> Result<()> {
        let touched: BTreeSet<i64> = follows.iter().flat_map(|f| [f.actor, f.target]).collect();
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in follows.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO follows (follower_id, followee_id, id, created_at) ",
                );
                qb.push_values(chunk, |mut b, f| {
                    b.push_bind(f.actor).push_bind(f.target).push_bind(f.id).push_bind(f.at);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            for_ids!(
                tx,
                "UPDATE accounts SET \
                 followers_count = (SELECT COUNT(*) FROM follows WHERE followee_id = accounts.id), \
                 following_count = (SELECT COUNT(*) FROM follows WHERE follower_id = accounts.id)",
                touched
            );
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Media rows as they are (already attached to their notes, or not).
    pub async fn bulk_insert_media(&self, media: &[MediaRow]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in media.chunks(CHUNK / 20) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO media (id, owner_id, note_id, position, mime, original_key, \
                     original_width, original_height, small_key, small_width, small_height, \
                     blurhash, phash, description, created_at) ",
                );
                qb.push_values(chunk, |mut b, m| {
                    b.push_bind(m.id)
                        .push_bind(m.owner_id)
                        .push_bind(m.note_id)
                        .push_bind(m.position)
                        .push_bind(&m.mime)
                        .push_bind(&m.original_key)
                        .push_bind(m.original_width)
                        .push_bind(m.original_height)
                        .push_bind(&m.small_key)
                        .push_bind(m.small_width)
                        .push_bind(m.small_height)
                        .push_bind(&m.blurhash)
                        .push_bind(m.phash)
                        .push_bind(&m.description)
                        .push_bind(m.created_at);
                });
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Likes; the notes' counters and scores are recounted.
    pub async fn bulk_like(&self, likes: &[BulkEdge]) -> Result<()> {
        let notes: BTreeSet<i64> = likes.iter().map(|l| l.target).collect();
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in likes.chunks(CHUNK) {
                let mut qb =
                    QueryBuilder::new("INSERT INTO likes (account_id, note_id, id, created_at) ");
                qb.push_values(chunk, |mut b, l| {
                    b.push_bind(l.actor).push_bind(l.target).push_bind(l.id).push_bind(l.at);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            recount_notes!(tx, notes);
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Boards (named ones and defaults alike).
    pub async fn bulk_insert_boards(&self, boards: &[BoardRow]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in boards.chunks(CHUNK / 10) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO boards (id, owner_id, name, is_default, visibility, created_at) ",
                );
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(r.id)
                        .push_bind(r.owner_id)
                        .push_bind(&r.name)
                        .push_bind(r.is_default)
                        .push_bind(&r.visibility)
                        .push_bind(r.created_at);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Collects; the notes' and boards' counters are recounted.
    pub async fn bulk_collect(&self, collects: &[BulkCollect]) -> Result<()> {
        let notes: BTreeSet<i64> = collects.iter().map(|c| c.note).collect();
        let boards: BTreeSet<i64> = collects.iter().map(|c| c.board).collect();
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in collects.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO collects (account_id, note_id, id, board_id, created_at) ",
                );
                qb.push_values(chunk, |mut b, c| {
                    b.push_bind(c.account)
                        .push_bind(c.note)
                        .push_bind(c.id)
                        .push_bind(c.board)
                        .push_bind(c.at);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            for_ids!(
                tx,
                "UPDATE boards SET \
                 notes_count = (SELECT COUNT(*) FROM collects WHERE board_id = boards.id)",
                boards
            );
            recount_notes!(tx, notes);
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Comments (a reply's parent earlier in the slice or already stored); the notes' and the
    /// parents' counters are recounted.
    pub async fn bulk_insert_comments(&self, comments: &[NewComment]) -> Result<()> {
        let notes: BTreeSet<i64> = comments.iter().map(|c| c.note_id).collect();
        let parents: BTreeSet<i64> = comments.iter().filter_map(|c| c.parent_id).collect();
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in comments.chunks(CHUNK / 10) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO comments (id, note_id, author_id, parent_id, \
                     reply_to_account_id, body, language, created_at) ",
                );
                qb.push_values(chunk, |mut b, c| {
                    b.push_bind(c.id)
                        .push_bind(c.note_id)
                        .push_bind(c.author_id)
                        .push_bind(c.parent_id)
                        .push_bind(c.reply_to_account_id)
                        .push_bind(&c.body)
                        .push_bind(&c.language)
                        .push_bind(c.created_at);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            for_ids!(
                tx,
                "UPDATE comments SET \
                 replies_count = (SELECT COUNT(*) FROM comments r WHERE r.parent_id = comments.id)",
                parents
            );
            recount_notes!(tx, notes);
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Likes of comments (`target` a comment); the comments' counters are recounted.
    pub async fn bulk_like_comments(&self, likes: &[BulkEdge]) -> Result<()> {
        let comments: BTreeSet<i64> = likes.iter().map(|l| l.target).collect();
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in likes.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO comment_likes (account_id, comment_id, id, created_at) ",
                );
                qb.push_values(chunk, |mut b, l| {
                    b.push_bind(l.actor).push_bind(l.target).push_bind(l.id).push_bind(l.at);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            for_ids!(
                tx,
                "UPDATE comments SET likes_count = \
                 (SELECT COUNT(*) FROM comment_likes WHERE comment_id = comments.id)",
                comments
            );
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Notifications as given.
    pub async fn bulk_notify(&self, notices: &[BulkNotice]) -> Result<()> {
        on_write!(self, |p| {
            let mut tx = p.begin().await?;
            for chunk in notices.chunks(CHUNK / 10) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO notifications (id, recipient_id, kind, actor_id, note_id, \
                     comment_id, created_at) ",
                );
                qb.push_values(chunk, |mut b, n| {
                    b.push_bind(n.id)
                        .push_bind(n.recipient)
                        .push_bind(n.kind)
                        .push_bind(n.actor)
                        .push_bind(n.note)
                        .push_bind(n.comment)
                        .push_bind(n.at);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok::<_, crate::StoreError>(())
        })
    }
}
