//! The note page (`/notes/{id}`) and what a member does there: like, collect into a board,
//! comment and reply, like comments, follow the author. Every action is a plain form post that
//! comes back to the page; the script turns likes into in-place updates.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use nb_app::comments::NewReply;
use nb_app::{AppError, boards, comments, engagement, media, notes, social, translate};
use nb_bridge::Kind;
use nb_bridge::lang::is_chinese;
use nb_text::Lang;
use serde::Deserialize;

use super::format;
use super::pages::{self, BoardChoice, Chrome, CommentItem, NotePage};
use super::respond::{check_csrf, error_message, error_page, member, redirect};
use super::views::{Person, Photo};
use super::visitor::Visitor;
use crate::extract::Input;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct NoteParams {
    order: Option<String>,
    /// `1`: show the note and its comments translated into the reader's language.
    translate: Option<String>,
    /// `1`: show the originals even with automatic translation on.
    original: Option<String>,
}

/// How the page shows text in another language than the reader's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Original,
    /// The reader asked for (or always wants) translations.
    Translated,
}

pub async fn page(
    State(s): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<NoteParams>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return error_page(&v, &AppError::NotFound("note"));
    };
    let asked = q.translate.as_deref() == Some("1");
    if asked && let Err(r) = member(&v, &format!("/notes/{id}?translate=1")) {
        return r;
    }
    let reading = match &v.account {
        Some(me) if q.original.as_deref() != Some("1") => {
            let auto = match nb_app::accounts::auto_translate(&s.ctx, me).await {
                Ok(a) => a,
                Err(e) => return error_page(&v, &e),
            };
            if asked || auto { Reading::Translated } else { Reading::Original }
        }
        _ => Reading::Original,
    };
    match build(&s, &v, id, q.order.as_deref(), None, reading).await {
        Ok(p) => v.finish(pages::render(StatusCode::OK, &p)),
        Err(e) => error_page(&v, &e),
    }
}

async fn build(
    s: &AppState,
    v: &Visitor,
    id: i64,
    order: Option<&str>,
    error: Option<String>,
    reading: Reading,
) -> Result<NotePage, AppError> {
    let ctx = &s.ctx;
    let note = notes::get_visible(ctx, v.id(), id).await?;
    let photos = media::of_notes(ctx, &[id]).await?.remove(&id).unwrap_or_default();
    let mut thread = comments::thread(ctx, v.id(), id).await?;
    let marks =
        engagement::marks_with_comments(ctx, v.id(), std::slice::from_ref(&note), &thread).await?;
    let order = if order == Some("liked") { "liked" } else { "newest" };
    sort_thread(&mut thread, order);
    let author = note.author();
    let (own, following, boards) = match &v.account {
        Some(me) => {
            let following =
                me.id != author.id && social::relationship(ctx, me.id, author.id).await?.following;
            let collected_in = ctx.store.board_of_collect(me.id, id).await?;
            let boards = boards::list(ctx, Some(me.id), me.id)
                .await?
                .into_iter()
                .map(|b| BoardChoice { holds: collected_in == Some(b.id), id: b.id, name: b.name })
                .collect();
            (me.id == author.id, following, boards)
        }
        None => (false, false, Vec::new()),
    };
    let now = ctx.now();
    let mut texts = vec![note.title.clone(), note.body.clone()];
    texts.extend(thread.iter().map(|c| c.body.clone()));
    let mentioned = notes::mentioned_profiles(ctx, texts.iter().map(String::as_str)).await?;
    let link = |h: &str| mentioned.get(&h.to_ascii_lowercase()).map(|p| format!("/@{}", p.handle));
    let target = nb_bridge::lang::parse(v.t.lang).unwrap_or(Lang::En);
    let note_foreign =
        foreign(note.language.as_deref(), &format!("{}\n{}", note.title, note.body), target);
    let mut note_text = (note.title.clone(), note.body.clone());
    let mut label = None;
    let mut translate_error = None;
    let mut comments = Vec::with_capacity(thread.len());
    let translating = reading == Reading::Translated && ctx.translation.enabled();
    if let (true, Some(me)) = (translating && note_foreign, &v.account) {
        match translate::post(ctx, me, id, Some(v.t.lang)).await {
            Ok(t) => {
                if let Some(title) = &t.title {
                    note_text.0 = title.text.clone();
                }
                note_text.1 = t.body.text.clone();
                label = Some(machine_label(&v.t, t.kind(), t.engine()));
            }
            Err(e) => translate_error = Some(error_message(&v.t, &e).1),
        }
    }
    for c in &thread {
        let is_foreign = foreign(c.language.as_deref(), &c.body, target);
        let mut body = c.body.clone();
        let mut c_label = None;
        if let (true, true, Some(me)) = (translating, is_foreign, &v.account)
            && let Ok(t) = translate::post(ctx, me, c.id, Some(v.t.lang)).await
        {
            body = t.body.text.clone();
            c_label = Some(machine_label(&v.t, t.kind(), t.engine()));
        }
        comments.push(CommentItem {
            id: c.id,
            author: Person::of(&c.author()),
            html: nb_text::render_status("", &body, "", link),
            when: format::ago(&v.t, c.created_at, now),
            likes: format::count(&v.t, c.likes_count),
            liked: marks.liked.contains(&c.id),
            is_reply: c.parent_id.is_some(),
            thread_id: c.parent_id.unwrap_or(c.id),
            deletable: v.id().is_some_and(|me| me == c.author_id || me == note.author_id),
            foreign: is_foreign && ctx.translation.enabled(),
            label: c_label,
        });
    }
    Ok(NotePage {
        c: Chrome::new(v, "", &format!("/notes/{id}")),
        id,
        title: if note_text.0.is_empty() {
            super::views::card_title(&note)
        } else {
            note_text.0.clone()
        },
        html: nb_text::render_status("", &note_text.1, "", link),
        foreign: note_foreign && ctx.translation.enabled(),
        label,
        translate_error,
        ratio: photos.first().map_or_else(
            || "1".to_owned(),
            |p| {
                let r = (p.original_width as f64 / p.original_height.max(1) as f64)
                    .clamp(0.75, 4.0 / 3.0);
                format!("{r:.4}")
            },
        ),
        photos: photos.iter().map(Photo::of).collect(),
        author: Person::of(&author),
        own,
        following,
        when: format::ago(&v.t, note.created_at, now),
        lang: note.language.clone().unwrap_or_default(),
        lang_key: language_key(note.language.as_deref()),
        likes: format::count(&v.t, note.likes_count),
        liked: marks.liked.contains(&id),
        collects: format::count(&v.t, note.collects_count),
        collected: marks.collected.contains(&id),
        comments_count: format::count(&v.t, note.comments_count),
        comments,
        boards,
        order,
        error,
    })
}

/// Keep replies under their comment; order the top-level comments newest or most liked first.
fn sort_thread(thread: &mut Vec<nb_app::CommentView>, order: &str) {
    let (mut tops, replies): (Vec<_>, Vec<_>) =
        std::mem::take(thread).into_iter().partition(|c| c.parent_id.is_none());
    if order == "liked" {
        tops.sort_by(|a, b| b.likes_count.cmp(&a.likes_count).then(b.id.cmp(&a.id)));
    } else {
        tops.sort_by_key(|c| std::cmp::Reverse(c.id));
    }
    for top in tops {
        let id = top.id;
        thread.push(top);
        thread.extend(replies.iter().filter(|r| r.parent_id == Some(id)).cloned());
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: Option<String>,
    action: Option<String>,
    board: Option<String>,
    new_board: Option<String>,
    text: Option<String>,
    reply_to: Option<String>,
    back: Option<String>,
}

/// The note page again, with what went wrong on it.
async fn page_with_error(s: &AppState, v: &Visitor, id: i64, e: &AppError) -> Response {
    let (status, text) = error_message(&v.t, e);
    match build(s, v, id, None, Some(text), Reading::Original).await {
        Ok(p) => v.finish(pages::render(status, &p)),
        Err(e) => error_page(v, &e),
    }
}

macro_rules! signed_in {
    ($v:expr, $back:expr, $form:expr) => {{
        let me = match member(&$v, $back) {
            Ok(m) => m,
            Err(r) => return r,
        };
        if let Err(r) = check_csrf(&$v, $form.csrf.as_deref()) {
            return r;
        }
        me
    }};
}

pub async fn like(
    State(s): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
    Input(f): Input<ActionForm>,
) -> Response {
    let back = format!("/notes/{id}");
    let me = signed_in!(v, &back, f);
    let done = if f.action.as_deref() == Some("unlike") {
        engagement::unlike(&s.ctx, me, id).await
    } else {
        engagement::like(&s.ctx, me, id).await
    };
    match done {
        Ok(_) => redirect(&back),
        Err(e) => page_with_error(&s, &v, id, &e).await,
    }
}

pub async fn collect(
    State(s): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
    Input(f): Input<ActionForm>,
) -> Response {
    let back = format!("/notes/{id}");
    let me = signed_in!(v, &back, f);
    let done = if f.action.as_deref() == Some("uncollect") {
        engagement::uncollect(&s.ctx, me, id).await.map(|_| ())
    } else {
        let board = match f.board.as_deref() {
            Some("new") | None => {
                let name = f.new_board.as_deref().unwrap_or("").trim();
                if name.is_empty() && f.board.is_none() {
                    Ok(None)
                } else {
                    boards::create(&s.ctx, me, name, Some("public")).await.map(|b| Some(b.id))
                }
            }
            Some(b) => b.parse::<i64>().map(Some).map_err(|_| AppError::NotFound("board")),
        };
        match board {
            Ok(board) => engagement::collect(&s.ctx, me, id, board).await.map(|_| ()),
            Err(e) => Err(e),
        }
    };
    match done {
        Ok(()) => redirect(&back),
        Err(e) => page_with_error(&s, &v, id, &e).await,
    }
}

pub async fn comment(
    State(s): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
    Input(f): Input<ActionForm>,
) -> Response {
    let back = format!("/notes/{id}");
    let me = signed_in!(v, &back, f);
    // A reply goes to the comment named (one of this note's), else the comment is on the note.
    let target = match f.reply_to.as_deref().filter(|r| !r.is_empty()) {
        None => Ok(id),
        Some(r) => match r.parse::<i64>() {
            Ok(c) => comments::get_visible(&s.ctx, Some(me.id), c).await.and_then(|c| {
                if c.note_id == id { Ok(c.id) } else { Err(AppError::NotFound("comment")) }
            }),
            Err(_) => Err(AppError::NotFound("comment")),
        },
    };
    let reply =
        NewReply { text: f.text.unwrap_or_default(), language: None, idempotency_key: None };
    let posted = match target {
        Ok(target) => comments::post(&s.ctx, me, target, reply).await,
        Err(e) => Err(e),
    };
    match posted {
        Ok(c) => redirect(&format!("{back}#c{}", c.id)),
        Err(e) => page_with_error(&s, &v, id, &e).await,
    }
}

pub async fn like_comment(
    State(s): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
    Input(f): Input<ActionForm>,
) -> Response {
    let me = signed_in!(v, "/", f);
    let done = if f.action.as_deref() == Some("unlike") {
        comments::unlike(&s.ctx, me, id).await
    } else {
        comments::like(&s.ctx, me, id).await
    };
    match done {
        Ok(c) => redirect(&format!("/notes/{}#c{}", c.note_id, c.id)),
        Err(e) => error_page(&v, &e),
    }
}

pub async fn follow(
    State(s): State<AppState>,
    v: Visitor,
    Path(handle): Path<String>,
    Input(f): Input<ActionForm>,
) -> Response {
    let back = f.back.clone().unwrap_or_else(|| format!("/@{handle}"));
    let me = signed_in!(v, &back, f);
    let target = match nb_app::accounts::lookup(&s.ctx, &handle).await {
        Ok(a) => a,
        Err(e) => return error_page(&v, &e),
    };
    let done = if f.action.as_deref() == Some("unfollow") {
        social::unfollow(&s.ctx, me, target.id).await
    } else {
        social::follow(&s.ctx, me, target.id).await
    };
    match done {
        Ok(_) => redirect(&back),
        Err(e) => error_page(&v, &e),
    }
}

/// The Fluent message naming a note's language.
fn language_key(tag: Option<&str>) -> &'static str {
    match tag.map(|t| t.split('-').next().unwrap_or(t)) {
        Some("zh") => "note-lang-zh",
        Some("en") => "note-lang-en",
        Some("ja") => "note-lang-ja",
        Some("ko") => "note-lang-ko",
        Some(_) => "note-lang-other",
        None => "",
    }
}

/// Whether a text is in another language than the reader's (Simplified and Traditional Chinese
/// count as one: the interface converts between them).
fn foreign(declared: Option<&str>, text: &str, reader: Lang) -> bool {
    match translate::source_language(declared, text) {
        Some(source) => source != reader && !(is_chinese(source) && is_chinese(reader)),
        None => false,
    }
}

/// The label every machine-made text carries: a translation or a gloss, and by which engine.
fn machine_label(t: &crate::i18n::Locale, kind: Kind, engine: &str) -> String {
    let key = if kind == Kind::Gloss { "translate-label-gloss" } else { "translate-label" };
    t.t1(key, "engine", engine.to_owned())
}

pub async fn delete(
    State(s): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
    Input(f): Input<ActionForm>,
) -> Response {
    let back = format!("/notes/{id}");
    let me = signed_in!(v, &back, f);
    match notes::delete(&s.ctx, me, id).await {
        Ok(_) => redirect(&format!("/@{}", me.handle)),
        Err(e) => error_page(&v, &e),
    }
}

pub async fn delete_comment(
    State(s): State<AppState>,
    v: Visitor,
    Path(id): Path<i64>,
    Input(f): Input<ActionForm>,
) -> Response {
    let me = signed_in!(v, "/", f);
    match comments::delete(&s.ctx, me, id).await {
        Ok(c) => redirect(&format!("/notes/{}", c.note_id)),
        Err(e) => error_page(&v, &e),
    }
}
