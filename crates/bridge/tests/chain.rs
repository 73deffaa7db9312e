//! The chain with scripted in-process engines: mixed text, slang, fallbacks, the circuit
//! breaker (on a paused clock) and single-flight, all without the network.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nb_bridge::config::{BreakerConfig, EngineList, TranslateConfig};
use nb_bridge::engines::gloss::GlossEngine;
use nb_bridge::engines::none::NoneEngine;
use nb_bridge::{
    BoxFuture, Bridge, ConfigError, Kind, Outcome, TranslateError, Translated, Translator,
    parse_engine_list,
};
use nb_text::Lang;
use tokio::sync::Notify;

/// An engine that translates by a table (unknown pieces come back unchanged), records what it
/// was sent, can be made to fail, and can be held on a Notify.
#[derive(Default)]
struct Scripted {
    table: HashMap<&'static str, &'static str>,
    sent: Mutex<Vec<Vec<String>>>,
    calls: AtomicUsize,
    failing: std::sync::atomic::AtomicBool,
    entered: Notify,
    hold: Option<Notify>,
}

impl Scripted {
    fn with(table: &[(&'static str, &'static str)]) -> Scripted {
        Scripted { table: table.iter().copied().collect(), ..Default::default() }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn sent(&self) -> Vec<Vec<String>> {
        self.sent.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Translator for Scripted {
    fn name(&self) -> &str {
        "scripted"
    }

    fn supports(&self, _: Lang, _: Lang) -> bool {
        true
    }

    fn translate<'a>(
        &'a self,
        texts: &'a [String],
        _: Lang,
        _: Lang,
    ) -> BoxFuture<'a, Result<Vec<Outcome>, TranslateError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut s) = self.sent.lock() {
                s.push(texts.to_vec());
            }
            self.entered.notify_one();
            if let Some(hold) = &self.hold {
                hold.notified().await;
            }
            if self.failing.load(Ordering::SeqCst) {
                return Err(TranslateError::Unavailable {
                    engine: "scripted".into(),
                    reason: "HTTP 503".into(),
                });
            }
            Ok(texts
                .iter()
                .map(|t| {
                    let text = self.table.get(t.as_str()).map_or(t.clone(), |s| (*s).to_owned());
                    Ok(Translated { text, engine: "scripted".into(), kind: Kind::Translation })
                })
                .collect())
        })
    }
}

fn one(out: &[Outcome]) -> &Translated {
    out[0].as_ref().expect("a result")
}

#[tokio::test]
async fn mixed_text_keeps_its_english_and_translates_the_chinese() {
    let e = Arc::new(Scripted::with(&[("今天的", "Today's"), ("太辣了", "was too spicy")]));
    let bridge = Bridge::builder().engine(e.clone(), Duration::from_secs(1)).build();
    let out =
        bridge.translate_each(&["今天的hotpot太辣了lol".into()], Lang::ZhHans, Lang::En).await;
    assert_eq!(one(&out).text, "Today's hotpot was too spicy lol");
    assert_eq!(e.sent(), vec![vec!["今天的".to_string(), "太辣了".to_string()]]);
}

#[tokio::test]
async fn slang_is_expanded_before_the_engine_sees_it() {
    let e = Arc::new(Scripted::with(&[("这家火锅⟦0⟧", "This hotpot is ⟦0⟧")]));
    let bridge = Bridge::builder().engine(e.clone(), Duration::from_secs(1)).build();
    let out = bridge.translate_each(&["这家火锅yyds".into()], Lang::ZhHans, Lang::En).await;
    assert_eq!(one(&out).text, "This hotpot is the GOAT");
    assert_eq!(e.sent(), vec![vec!["这家火锅⟦0⟧".to_string()]]);

    let out = bridge.translate_each(&["xswl".into()], Lang::ZhHans, Lang::En).await;
    let t = one(&out);
    assert_eq!(
        (t.text.as_str(), t.kind, t.engine.as_str()),
        ("dying of laughter", Kind::Gloss, "glossary")
    );
    assert_eq!(e.calls(), 1, "nothing left to translate");
}

#[tokio::test]
async fn line_breaks_survive_and_untranslatable_texts_come_back_as_they_are() {
    let e = Arc::new(Scripted::with(&[("第一天", "Day one"), ("⟦0⟧ 第二天", "⟦0⟧ Day two")]));
    let bridge = Bridge::builder().engine(e.clone(), Duration::from_secs(1)).build();
    let texts =
        ["第一天\n\n🍜 第二天".to_string(), "#成都 🔥 @amy".to_string(), "hello".to_string()];
    let out = bridge.translate_each(&texts, Lang::ZhHans, Lang::En).await;
    assert_eq!(one(&out).text, "Day one\n\n🍜 Day two");
    for (o, text) in out[1..].iter().zip(&texts[1..]) {
        let t = o.as_ref().expect("original");
        assert_eq!((t.text.as_str(), t.kind), (text.as_str(), Kind::Original));
    }
    let same = bridge.translate_each(&["你好".into()], Lang::ZhHans, Lang::ZhHans).await;
    assert_eq!(one(&same).kind, Kind::Original);
}

#[tokio::test]
async fn a_reply_that_loses_a_placeholder_falls_back_whole_to_the_next_engine() {
    let bad = Arc::new(Scripted::with(&[("周末去成都 ⟦0⟧", "Weekend in Chengdu")]));
    let bridge = Bridge::builder()
        .engine(bad.clone(), Duration::from_secs(1))
        .engine(Arc::new(GlossEngine), Duration::from_secs(1))
        .build();
    let out = bridge.translate_each(&["周末去成都 #旅行".into()], Lang::ZhHans, Lang::En).await;
    let t = one(&out);
    assert_eq!(
        (t.engine.as_str(), t.kind, t.text.as_str()),
        ("gloss", Kind::Gloss, "weekend go Chengdu #旅行")
    );
}

#[tokio::test]
async fn no_engine_for_a_pair_is_an_error() {
    let bridge = Bridge::builder().engine(Arc::new(GlossEngine), Duration::from_secs(1)).build();
    let out = bridge.translate_each(&["hello world".into()], Lang::En, Lang::Ja).await;
    assert!(matches!(&out[0], Err(TranslateError::Unsupported { .. })), "{out:?}");
    let empty = Bridge::builder().build();
    let out = empty.translate_each(&["你好".into()], Lang::ZhHans, Lang::En).await;
    assert!(matches!(&out[0], Err(TranslateError::NoEngine { .. })), "{out:?}");
}

#[tokio::test(start_paused = true)]
async fn the_circuit_opens_after_failures_and_probes_after_the_cool_down() {
    let e = Arc::new(Scripted::with(&[("你好", "hello")]));
    e.failing.store(true, Ordering::SeqCst);
    let bridge = Bridge::builder()
        .breaker(BreakerConfig { failures: 2, cool_down_secs: 30 })
        .engine(e.clone(), Duration::from_secs(1))
        .engine(Arc::new(NoneEngine), Duration::from_secs(1))
        .build();
    let texts = ["你好".to_string()];
    for _ in 0..2 {
        let out = bridge.translate_each(&texts, Lang::ZhHans, Lang::En).await;
        assert_eq!(one(&out).engine, "none");
    }
    assert_eq!(e.calls(), 2);
    let out = bridge.translate_each(&texts, Lang::ZhHans, Lang::En).await;
    assert_eq!(one(&out).engine, "none");
    assert_eq!(e.calls(), 2, "open: the engine is skipped");

    tokio::time::advance(Duration::from_secs(30)).await;
    e.failing.store(false, Ordering::SeqCst);
    let out = bridge.translate_each(&texts, Lang::ZhHans, Lang::En).await;
    assert_eq!((one(&out).engine.as_str(), one(&out).text.as_str()), ("scripted", "hello"));
    assert_eq!(e.calls(), 3, "one probe, which closes the circuit");
    bridge.translate_each(&texts, Lang::ZhHans, Lang::En).await;
    assert_eq!(e.calls(), 4);
}

#[tokio::test]
async fn concurrent_identical_requests_share_one_engine_call() {
    let e = Arc::new(Scripted {
        table: [("火锅", "hotpot")].into_iter().collect(),
        hold: Some(Notify::new()),
        ..Default::default()
    });
    let bridge = Arc::new(Bridge::builder().engine(e.clone(), Duration::from_secs(60)).build());
    let texts = vec!["火锅".to_string()];
    let run = |b: Arc<Bridge>, t: Vec<String>| async move {
        b.translate_each(&t, Lang::ZhHans, Lang::En).await
    };

    let first = tokio::spawn(run(Arc::clone(&bridge), texts.clone()));
    e.entered.notified().await;
    let second = tokio::spawn(run(Arc::clone(&bridge), texts.clone()));
    // On the test's single-threaded runtime, yielding lets `second` run until it waits on the
    // call in flight.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    if let Some(hold) = &e.hold {
        hold.notify_one();
    }
    let a = first.await.expect("first");
    let b = second.await.expect("second");
    assert_eq!(e.calls(), 1);
    assert_eq!(one(&a).text, "hotpot");
    assert_eq!(a, b);

    // A finished call is not reused: caching results is the store's job, not single-flight's.
    let third = tokio::spawn(run(Arc::clone(&bridge), texts.clone()));
    e.entered.notified().await;
    if let Some(hold) = &e.hold {
        hold.notify_one();
    }
    third.await.expect("third");
    assert_eq!(e.calls(), 2, "finished calls are not cached here");
}

#[tokio::test]
async fn bridge_from_config_orders_engines_per_pair() {
    let cfg = TranslateConfig {
        engines: parse_engine_list("local,gloss,none").ok().map(EngineList),
        ..Default::default()
    };
    // An empty data directory: no local model, so `local` is skipped without an error.
    let data = tempfile::tempdir().expect("temp dir");
    let bridge = Bridge::from_config(&cfg, data.path(), reqwest::Client::new()).expect("valid");
    assert_eq!(bridge.engines_for(Lang::ZhHans, Lang::En), ["gloss", "none"]);
    let out = bridge.translate_each(&["你好".into()], Lang::En, Lang::ZhHans).await;
    assert_eq!(one(&out).kind, Kind::Original);

    let cfg = TranslateConfig {
        engines: parse_engine_list("openai,gloss").ok().map(EngineList),
        ..Default::default()
    };
    assert!(matches!(
        Bridge::from_config(&cfg, data.path(), reqwest::Client::new()),
        Err(ConfigError::MissingSettings("openai"))
    ));
}
