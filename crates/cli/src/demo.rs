//! `serve --demo`: a small fixed community for a first look, written through the same use cases
//! as everything else. The population simulator (its own issue) will replace this seeding.

use anyhow::Result;
use nb_app::accounts::{self, Registrar, Registration};
use nb_app::notes::{self, Compose};
use nb_app::{Ctx, media, social};
use nb_domain::Role;

/// Every demo member has this password.
pub const DEMO_PASSWORD: &str = "notebridge-demo";

struct Member {
    handle: &'static str,
    name: &'static str,
    region: &'static str,
    languages: &'static [&'static str],
}

const MEMBERS: &[Member] = &[
    Member { handle: "mei", name: "小美 Mei", region: "CN", languages: &["zh-CN", "en"] },
    Member { handle: "chen_cooks", name: "陈师傅", region: "CN", languages: &["zh-CN"] },
    Member { handle: "lin_travels", name: "林在路上", region: "CN", languages: &["zh-CN"] },
    Member { handle: "sam_in_ohio", name: "Sam", region: "US", languages: &["en"] },
    Member { handle: "jess_draws", name: "Jess 🎨", region: "US", languages: &["en", "zh-CN"] },
    Member {
        handle: "tom_learns_zh", name: "Tom 汤姆", region: "GB", languages: &["en", "zh-CN"]
    },
];

/// (author index, title, text)
const NOTES: &[(usize, &str, &str)] = &[
    (
        1,
        "十分钟番茄炒蛋",
        "家常做法：鸡蛋先炒到七分熟盛出，番茄炒出汁再回锅。加一点糖提鲜。#美食 #家常菜",
    ),
    (
        3,
        "My first week here",
        "Hi everyone! I'm Sam from Ohio. I came for the cat videos and stayed for the cooking. What should I try first? #daily_life #hello",
    ),
    (
        0,
        "英语角今晚八点",
        "Tonight 8pm English corner! 今晚八点英语角，欢迎大家来聊天，不用怕说错 😊 #language_exchange #英语角",
    ),
    (
        2,
        "成都三日游攻略",
        "第一天宽窄巷子，第二天大熊猫基地要早去，第三天吃火锅！交通：地铁很方便。#旅行 #成都",
    ),
    (
        4,
        "Sketching my lunch",
        "Tried drawing my noodles before eating them. The noodles won. #art #food",
    ),
    (
        5,
        "我的中文学习第30天",
        "Day 30 of learning Chinese. Today's word: 加油 (jiāyóu) — keep going! 大家有什么推荐的中文歌吗？ #study #学中文",
    ),
    (1, "红烧肉的秘诀", "秘诀就是小火慢炖一个小时，糖色要炒到枣红色。周末试试吧！#美食"),
    (
        3,
        "Cat tax",
        "As is tradition, here is my cat, Biscuit. She is judging your lunch. #pets #cats",
    ),
    (
        0,
        "Ask me anything about Shanghai",
        "住在上海十年了，外国朋友们有什么问题都可以问我！Anything about living in Shanghai, ask away. #上海 #language_exchange",
    ),
    (2, "雨天的西湖", "下雨的西湖反而更安静，断桥上几乎没人。推荐傍晚去。#旅行 #杭州"),
    (
        4,
        "Color palette from Guilin photos",
        "Pulled a palette from a friend's Guilin photos: misty greens and soft greys. Might paint this weekend. #art #travel",
    ),
    (
        5,
        "Tones are hard",
        "I said 我想睡觉 (I want to sleep) but apparently it sounded like something else entirely. Native speakers, help! #study",
    ),
    (1, "早餐：煎饼果子", "天津朋友教的，面糊要薄，鸡蛋摊匀，薄脆一定要脆。#美食 #早餐"),
    (
        3,
        "Tried hotpot for the first time",
        "Went to a Sichuan place downtown. My mouth is still numb. 10/10 would suffer again. #food #hotpot",
    ),
    (
        0,
        "Weekend market finds",
        "周末市集淘到的手工陶杯，才三十块！Handmade cup from the weekend market. #daily_life #生活",
    ),
];

/// Seed the demo community unless the database already has members.
pub async fn seed_if_empty(ctx: &Ctx) -> Result<()> {
    if ctx.store.has_accounts().await? {
        println!("demo: the database already has members; nothing seeded");
        return Ok(());
    }
    let mut members = Vec::new();
    for (i, m) in MEMBERS.iter().enumerate() {
        let reg = Registration {
            handle: m.handle.to_owned(),
            email: format!("{}@demo.notebridge.invalid", m.handle),
            password: DEMO_PASSWORD.to_owned(),
            display_name: Some(m.name.to_owned()),
            languages: m.languages.iter().map(|l| (*l).to_owned()).collect(),
            home_region: Some(m.region.to_owned()),
            agreement: true,
        };
        let role = if i == 0 { Role::Admin } else { Role::User };
        members.push(accounts::register(ctx, reg, Registrar::Operator(role)).await?);
    }
    // Everyone follows a few others, across the language line too.
    for (i, a) in members.iter().enumerate() {
        for step in [1, 2, 3] {
            let b = &members[(i + step) % members.len()];
            social::follow(ctx, a, b.id).await?;
        }
    }
    let mut photos = 0;
    for (i, (author, title, text)) in NOTES.iter().enumerate() {
        let author = &members[*author];
        // One to three generated photos per note, portrait 3:4 like a phone picture.
        let mut media_ids = Vec::new();
        for k in 0..1 + i % 3 {
            let seed = u64::try_from(i * 10 + k).unwrap_or(0);
            let bytes = media::sample_photo(seed, 900, 1200)?;
            let alt = format!("{title} ({})", k + 1);
            media_ids.push(media::upload(ctx, author, bytes, Some(&alt)).await?.id);
            photos += 1;
        }
        let compose = Compose {
            title: Some((*title).to_owned()),
            text: (*text).to_owned(),
            media_ids,
            ..Compose::default()
        };
        notes::post(ctx, author, compose).await?;
    }
    println!(
        "demo: seeded {} members and {} notes with {photos} photos; sign in as {} with password \
         {DEMO_PASSWORD}",
        members.len(),
        NOTES.len(),
        MEMBERS[0].handle
    );
    Ok(())
}
