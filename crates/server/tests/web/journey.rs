//! Two members use the web app in Chromium, end to end: sign up in Chinese, post a note with two
//! photos (and a hostile title), find it on the profile and in Explore; a second member follows,
//! likes, collects into a new board and comments; the first replies, reads the notifications,
//! and switches the interface to English.

use nb_app::media::sample_photo;

use crate::browser::{self, Browser};
use crate::common::spawn_app;

const HOSTILE: &str =
    r#"<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>火锅日记"#;

/// Interface strings on the page (text outside user content, titles, placeholders, labels).
pub const INTERFACE_TEXT: &str = r#"
const out = [document.title];
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walk.nextNode()) {
  const n = walk.currentNode, el = n.parentElement;
  if (!el || el.closest('[data-user], script, style, template, noscript')) continue;
  const t = n.textContent.trim();
  if (/\p{L}/u.test(t)) out.push(t);
}
const attrs = ['title', 'placeholder', 'aria-label', 'alt'];
for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], img[alt]:not([data-user]), input[type=submit], input[type=button]')) {
  for (const a of el.tagName === 'INPUT' && /submit|button/.test(el.type) ? attrs.concat('value') : attrs) {
    const v = (el.getAttribute(a) || '').trim();
    if (/\p{L}/u.test(v)) out.push(v);
  }
}
return out;
"#;

async fn register(b: &Browser, handle: &str, interface: &str) {
    b.go("/register").await;
    b.fill("#handle", handle).await;
    b.fill("#display_name", &format!("{handle} ✨")).await;
    b.fill("#email", &format!("{handle}@example.com")).await;
    b.fill("#password", "correct horse battery").await;
    b.click(&format!("input[name=interface][value='{interface}']")).await;
    b.click("input[name=agreement]").await;
    b.click_and_wait("form[action='/register'] button[type=submit]").await;
    assert_eq!(b.path().await, "/", "signed up and on Explore");
}

async fn sign_out(b: &Browser) {
    b.click_and_wait(".logout button").await;
    assert!(b.js("return !document.querySelector('.logout')").await.as_bool().unwrap_or(false));
}

#[tokio::test]
async fn members_post_follow_like_collect_comment_and_reply() {
    if !browser::available() {
        return;
    }
    let app = spawn_app().await;
    let b = Browser::open(&app.base, 1280, 900).await;
    let dir = tempfile::tempdir().unwrap();
    let photos: Vec<String> = [(1, 900, 1200), (2, 1200, 800)]
        .iter()
        .map(|&(seed, w, h)| {
            let path = dir.path().join(format!("photo{seed}.jpg"));
            std::fs::write(&path, sample_photo(seed, w, h).unwrap()).unwrap();
            path.display().to_string()
        })
        .collect();

    // Ana signs up with the Chinese interface.
    register(&b, "ana", "zh-CN").await;
    assert_eq!(b.js("return document.documentElement.lang").await, "zh-CN");
    assert_eq!(b.text("nav.tabs-main a[href='/'] span").await, "发现");

    // She posts a note with two photos, each described.
    b.go("/compose").await;
    b.find("#photos").await.send_keys(&photos.join("\n")).await.unwrap();
    b.find(".previews li:nth-child(2)").await;
    for (i, alt) in ["红油锅底", "毛肚和鸭肠"].iter().enumerate() {
        let field = format!(".previews li:nth-child({}) input[name=alt]", i + 1);
        b.fill(&field, alt).await;
    }
    b.fill("#title", HOSTILE).await;
    b.fill("#text", "今天的火锅太辣了，但是很好吃！#美食 #成都").await;
    b.click_and_wait(".compose button[type=submit]").await;
    let note = b.path().await;
    assert!(note.starts_with("/notes/"), "the composer leads to the note, not {note}");
    // The hostile title is text, and nothing in it ran.
    assert_eq!(b.text(".note-body h1").await, HOSTILE);
    assert!(b.js("return window.pwned === undefined").await.as_bool().unwrap());
    let alts = b.js("return [...document.querySelectorAll('.slide img')].map(i => i.alt)").await;
    assert_eq!(alts, serde_json::json!(["红油锅底", "毛肚和鸭肠"]));
    assert_eq!(b.texts(".note-body a.hashtag").await, ["#美食", "#成都"]);

    // It shows on her profile, and in Explore for everyone but her.
    b.go("/@ana").await;
    assert_eq!(b.texts(".card h2").await, [HOSTILE]);
    b.go("/").await;
    assert!(!b.texts(".card h2").await.contains(&HOSTILE.to_owned()), "not in her own Explore");
    sign_out(&b).await;
    b.go("/").await;
    assert!(b.texts(".card h2").await.contains(&HOSTILE.to_owned()), "in a visitor's Explore");

    // Ben, with the English interface, follows her, likes, collects into a new board, comments.
    register(&b, "ben", "en").await;
    b.go(&note).await;
    b.click_and_wait(".author-row button[value=follow]").await;
    assert_eq!(b.text(".author-row button").await, "Following");
    // His Explore says why her note is there.
    b.go("/").await;
    assert_eq!(b.texts(".card .why").await, ["From someone you follow"]);
    b.go(&note).await;
    // The like goes through in the background; the page shows it at once, and so does a reload.
    b.click(&format!("form[action='{note}/like'] button")).await;
    b.find(&format!("form[action='{note}/like'] button.on")).await;
    assert_eq!(b.text(&format!("form[action='{note}/like'] [data-count]")).await, "1");
    b.go(&note).await;
    b.find(&format!("form[action='{note}/like'] button.on[value=unlike]")).await;
    assert_eq!(b.text(&format!("form[action='{note}/like'] [data-count]")).await, "1");
    b.click("details.collect summary").await;
    b.click("input[name=board][value=new]").await;
    b.fill(".board-picker input[name=new_board]", "Trips 旅行").await;
    b.click_and_wait(".board-picker button[value=collect]").await;
    b.find("details.collect summary.on").await;
    b.fill("#comment-text", "Looks delicious! Where is this? 🌶️").await;
    b.click_and_wait(".comment-form button[type=submit]").await;
    assert_eq!(b.texts(".thread .text").await, ["Looks delicious! Where is this? 🌶️"]);
    // The board is public, so the note shows among his collects.
    b.go("/@ben?tab=collects").await;
    assert_eq!(b.texts(".card h2").await, [HOSTILE]);
    sign_out(&b).await;

    // Ana signs in again, replies to Ben, and reads her notifications.
    b.go("/login").await;
    b.fill("#login", "ana").await;
    b.fill("#password", "correct horse battery").await;
    b.click_and_wait("form[action='/login'] button[type=submit]").await;
    b.go(&note).await;
    b.click("[data-reply]").await;
    assert_eq!(b.text("[data-replying-to]").await, "ben ✨");
    b.fill("#comment-text", "谢谢！在春熙路，下次带你去").await;
    b.click_and_wait(".comment-form button[type=submit]").await;
    assert_eq!(b.texts(".comment.reply .text").await, ["谢谢！在春熙路，下次带你去"]);
    b.click_and_wait("nav.tabs-main a[href='/notifications']").await;
    let notices = b.texts(".notices li p").await.join("\n");
    for said in ["关注了你", "赞了你的笔记", "收藏了你的笔记", "评论了你的笔记"]
    {
        assert!(notices.contains(said), "{said:?} in {notices}");
    }

    // Switching to English changes every interface string on the page.
    b.click_and_wait("header .lang").await;
    assert_eq!(b.js("return document.documentElement.lang").await, "en");
    assert!(b.texts(".notices li p").await.join("\n").contains("followed you"));
    let strings = b.js(INTERFACE_TEXT).await;
    let chinese: Vec<&str> = strings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .filter(|s| s.chars().any(|c| ('\u{3400}'..='\u{9fff}').contains(&c)))
        .collect();
    assert_eq!(chinese, ["中文"], "only the switch back to Chinese is in Chinese");
}

/// An English-interface member reads a Chinese note: taps translate, sees the labelled gloss,
/// goes back to the original; then turns on automatic translation and sees it at once.
#[tokio::test]
async fn a_chinese_note_read_in_english_with_and_without_auto_translate() {
    if !browser::available() {
        return;
    }
    let app = spawn_app().await;
    let ana = app.member("ana").await;
    let note = app
        .post_json(
            &ana.token,
            "/api/v1/statuses",
            serde_json::json!({"status": "我爱火锅 #美食", "language": "zh"}),
        )
        .await;
    let note: serde_json::Value = note.json().await.unwrap();
    let path = format!("/notes/{}", note["id"].as_str().unwrap());
    let b = Browser::open(&app.base, 1280, 900).await;
    register(&b, "ben", "en").await;
    b.go(&path).await;
    assert_eq!(b.text(".note-body p").await, "我爱火锅 #美食");
    b.click_and_wait("a[data-translate]").await;
    let label = b.text(".mt-label").await;
    assert!(label.starts_with("Dictionary gloss, not a full translation"), "{label}");
    let shown = b.text(".note-body p").await;
    assert!(shown.contains("hotpot") && shown.contains("#美食"), "{shown}");
    b.click_and_wait("a[data-show-original]").await;
    assert_eq!(b.text(".note-body p").await, "我爱火锅 #美食");

    // Always translate: the note opens translated, still labelled.
    b.go("/settings").await;
    b.click("input[name=auto_translate]").await;
    b.click_and_wait("form[action='/settings'] button[type=submit]").await;
    b.find(".notice").await;
    b.go(&path).await;
    assert!(b.text(".note-body p").await.contains("hotpot"));
    assert!(b.text(".mt-label").await.starts_with("Dictionary gloss"));
    b.click_and_wait("a[data-show-original]").await;
    assert_eq!(b.text(".note-body p").await, "我爱火锅 #美食");
}
