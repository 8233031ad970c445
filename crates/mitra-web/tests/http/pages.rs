//! The pages: languages, the map, the city and standards pages, errors, and headers.

use std::collections::BTreeMap;

use crate::{spawn_app, spawn_app_with};

/// Whether `needle` occurs in `haystack` as whole words (not inside a longer word, as "Names" in "GeoNames").
fn contains_words(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The page with the text of every element marked `lang="en"` removed (such elements hold text only).
fn without_english_content(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(r#"lang="en">"#) {
        let text_start = at + r#"lang="en">"#.len();
        // The element that says it is English: its name, from its opening tag.
        let open = rest[..at].rfind('<').map_or(at, |o| o + 1);
        let name: String = rest[open..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        out.push_str(&rest[..text_start]);
        rest = &rest[text_start..];
        // Skip to its end, past elements of the same name nested in it.
        let (opening, closing) = (format!("<{name}"), format!("</{name}>"));
        let mut depth = 1;
        let mut at = 0;
        while depth > 0 {
            let next_open = rest[at..].find(&opening).map(|i| i + at);
            let Some(next_close) = rest[at..].find(&closing).map(|i| i + at) else {
                at = rest.len();
                break;
            };
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    at = o + opening.len();
                }
                _ => {
                    depth -= 1;
                    at = if depth == 0 {
                        next_close
                    } else {
                        next_close + closing.len()
                    };
                }
            }
        }
        rest = &rest[at..];
    }
    out.push_str(rest);
    out
}

/// The page without the addresses of its links and forms, which are not read by anyone (`open=true` is a
/// parameter, not a word shown); labels and titles in attributes stay, as screen readers say them.
fn without_addresses(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = [rest.find(" href=\""), rest.find(" action=\"")]
        .into_iter()
        .flatten()
        .min()
    {
        let value_start = at + rest[at..].find('"').map_or(0, |q| q + 1);
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// Single-line messages of a Fluent file, by key.
fn messages(ftl: &str) -> BTreeMap<String, String> {
    ftl.lines()
        .filter(|l| !l.starts_with(['#', ' ', '\t']))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

#[tokio::test]
async fn the_home_page_shows_the_map_with_every_city_and_the_networks_highlighted() {
    let app = spawn_app().await;
    let html = app.get_page("/", 200).await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("ASEAN"));
    let map = &html[html.find(r#"<svg id="map""#).expect("map")..];
    let map = &map[..map.find("</svg>").expect("end of map")];
    assert!(
        map.matches("<circle").count() >= 540,
        "every city on the map"
    );
    assert_eq!(map.matches(r#"class="city partner""#).count(), 8);
    assert_eq!(map.matches(r#"class="city ascn""#).count(), 31);
    assert!(
        map.contains(r#"<a href="/cities/nanning""#),
        "network cities link to their pages"
    );
    assert!(map.matches("<path").count() >= 11, "country outlines");
}

#[tokio::test]
async fn choosing_chinese_sets_a_cookie_that_later_pages_honour() {
    let app = spawn_app().await;
    let response = app.get("/?lang=zh-Hans").await;
    assert_eq!(response.status().as_u16(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.starts_with("mitra_lang=zh-Hans")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"<html lang="zh-Hans">"#));
    assert!(html.contains("智慧城市"));

    let city = app
        .get_with("/cities/nanning", "cookie", "mitra_lang=zh-Hans")
        .await;
    let html = city.text().await.expect("html");
    assert!(html.contains(r#"<html lang="zh-Hans">"#));
    assert!(html.contains(r#"<h1 lang="zh-Hans">南宁</h1>"#));
    assert!(html.contains("人口"));
}

#[tokio::test]
async fn accept_language_picks_the_best_language_the_interface_speaks() {
    let app = spawn_app().await;
    for (header, lang) in [
        ("de-DE, zh-CN;q=0.8, en;q=0.5", "zh-Hans"),
        ("th-TH, zh-CN;q=0.8", "th"),
        ("vi-VN", "vi"),
        ("tl-PH", "fil"),
        ("zh-SG", "zh-Hans"),
        ("de-DE, fr;q=0.5", "en"),
    ] {
        let response = app.get_with("/standards", "accept-language", header).await;
        assert_eq!(
            response.headers()["content-language"].to_str().ok(),
            Some(lang),
            "{header}"
        );
        let html = response.text().await.expect("html");
        assert!(
            html.contains(&format!(r#"<html lang="{lang}">"#)),
            "{header} reads {lang}"
        );
    }
}

#[tokio::test]
async fn an_unavailable_language_shows_the_page_in_another_and_says_so() {
    let app = spawn_app().await;
    let html = app.get_page("/cities?lang=xx", 200).await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("The language “xx” is not available; this page is shown in English."));
    // The other preferences still choose, and the note speaks the language they chose.
    let html = app
        .get_with("/cities?lang=fr", "cookie", "mitra_lang=zh-Hans")
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains(r#"<html lang="zh-Hans">"#));
    assert!(html.contains("界面暂不支持语言“fr”"));
    // What was asked is shown as text, never as markup.
    let html = app.get_page("/cities?lang=%3Cscript%3E", 200).await;
    assert!(!html.contains("<script>"));
    // Every language of the switch is offered, each named in itself.
    for name in [
        "English",
        "简体中文",
        "Bahasa Indonesia",
        "Bahasa Melayu",
        "Filipino",
        "Tiếng Việt",
        "ไทย",
        "ខ្មែរ",
        "ລາວ",
        "မြန်မာ",
        "தமிழ்",
    ] {
        assert!(html.contains(name), "{name} in the switch");
    }
}

#[tokio::test]
async fn thai_readers_see_thai_city_names_with_the_english_one_beside() {
    let app = spawn_app().await;
    let html = app.get_page("/cities/bangkok?lang=th", 200).await;
    assert!(html.contains(r#"<html lang="th">"#));
    assert!(
        html.contains(r#"<h1 lang="th">กรุงเทพ</h1>"#),
        "the Thai name"
    );
    // The country is named in Thai too (Unicode CLDR), and Vietnamese readers read Vietnam's name in Vietnamese.
    assert!(html.contains(r#"<a href="/cities?country=TH">ไทย</a>"#));
    let html = app.get_page("/cities/hanoi?lang=vi", 200).await;
    assert!(html.contains(r#"<a href="/cities?country=VN">Việt Nam</a>"#));
    assert!(html.contains(r#"<h1 lang="vi">Hà Nội</h1>"#));
    // Numbers are written as each language writes them (ICU4X with CLDR data): Vietnamese groups digits with dots.
    let bangkok = app.get_page("/cities/bangkok?lang=vi", 200).await;
    assert!(
        bangkok.contains("10.539.415"),
        "Bangkok's population in Vietnamese"
    );
    let bangkok = app.get_page("/cities/bangkok?lang=en", 200).await;
    assert!(bangkok.contains("10,539,415"));
}

/// Asserts that a Chinese page shows no interface string in English (content without a Chinese version, marked
/// `lang="en"`, and the country and city names on the map are data and are left out).
pub fn assert_no_english(path: &str, html: &str) {
    let en = messages(include_str!("../../../../locales/en/main.ftl"));
    let zh = messages(include_str!("../../../../locales/zh-Hans/main.ftl"));
    let english_only: Vec<&String> = en
        .iter()
        // "English" is also the language switch's autonym, which every page shows in its own language.
        .filter(|(key, value)| {
            zh.get(*key) != Some(value)
                && value.len() >= 4
                && !value.contains('{')
                && *value != "English"
        })
        .map(|(_, value)| value)
        .collect();
    assert!(english_only.len() > 50);
    assert!(
        html.contains(r#"<html lang="zh-Hans">"#),
        "{path} is not in Chinese"
    );
    let html = match (html.find("<g class=\"countries\">"), html.find("</svg>")) {
        (Some(start), Some(end)) => format!("{}{}", &html[..start], &html[end..]),
        _ => html.to_owned(),
    };
    let html = without_addresses(&without_english_content(&html));
    for english in &english_only {
        assert!(
            !contains_words(&html, english),
            "{path} still shows English: {english}"
        );
    }
}

#[tokio::test]
async fn the_chinese_interface_has_no_english_strings_left() {
    let app = spawn_app_with(None, true).await;
    for path in [
        "/?lang=zh-Hans",
        "/cities?lang=zh-Hans",
        "/cities?country=TH&lang=zh-Hans",
        "/cities/bangkok?lang=zh-Hans",
        "/standards?lang=zh-Hans",
        "/standards/u4ssc?lang=zh-Hans",
        "/crosswalk?lang=zh-Hans",
        "/indicators/iso37120-2014:8.1?lang=zh-Hans",
        "/api?lang=zh-Hans",
        "/no-such-page?lang=zh-Hans",
        "/cities?q=zzzz&lang=zh-Hans",
        "/login?lang=zh-Hans",
        "/signup?lang=zh-Hans",
        "/reset?lang=zh-Hans",
        "/reset/confirm?token=x&lang=zh-Hans",
        "/organisations?lang=zh-Hans",
        "/organisations/new?lang=zh-Hans",
        "/cities/bangkok/assessment?lang=zh-Hans",
        "/cities/bangkok/assessment?standard=u4ssc&lang=zh-Hans",
        "/rankings?lang=zh-Hans",
        "/rankings?group_by=tier&lang=zh-Hans",
    ] {
        let html = app.get(path).await.text().await.expect("html");
        assert_no_english(path, &html);
    }
}

#[tokio::test]
async fn the_city_list_filters_pages_and_keeps_filters_in_the_language_switch() {
    let app = spawn_app().await;
    let html = app.get_page("/cities?country=VN", 200).await;
    assert!(html.contains(r#"href="/cities/hanoi""#));
    assert!(!html.contains(r#"href="/cities/bangkok""#));
    assert!(
        html.contains("?country=VN&#38;lang=zh-Hans"),
        "the language switch keeps the filter"
    );
    let html = app.get_page("/cities", 200).await;
    assert!(
        html.contains(r#"rel="next""#),
        "more than one page of cities"
    );
    let next = html
        .split(r#"rel="next" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the next page")
        .replace("&#38;", "&");
    let second = app.get_page(&next, 200).await;
    assert!(
        second.contains(r#"href="/cities/"#) && !second.contains(r#"href="/cities/bangkok""#),
        "the next page holds other cities"
    );
    // Sorted as the reader's language sorts: Chinese by pinyin (曼谷 Mangu, 普吉 Puji, 清迈 Qingmai), English by
    // letters (Bangkok, Chiang Mai, Phuket).
    let order = |html: &str| {
        let mut at: Vec<(usize, &str)> = ["bangkok", "chiang-mai", "phuket"]
            .into_iter()
            .map(|id| (html.find(&format!(r#"href="/cities/{id}""#)).expect(id), id))
            .collect();
        at.sort_unstable();
        at.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    let zh = app.get_page("/cities?country=TH&lang=zh-Hans", 200).await;
    assert_eq!(order(&zh), ["bangkok", "phuket", "chiang-mai"]);
    let en = app.get_page("/cities?country=TH&lang=en", 200).await;
    assert_eq!(order(&en), ["bangkok", "chiang-mai", "phuket"]);
    let empty = app.get_page("/cities?q=nowhere-at-all", 200).await;
    assert!(empty.contains("No city matches these filters"));
    app.get_page("/cities?country=Vietnam", 400).await;
}

#[tokio::test]
async fn a_city_page_names_the_city_and_its_province_in_the_readers_language_with_sources() {
    let app = spawn_app().await;
    let thai = app.get_page("/cities/nanning?lang=th", 200).await;
    assert!(thai.contains("หนานหนิง"), "Nanning in Thai, from GeoNames");
    assert!(
        thai.contains("GeoNames alternate names"),
        "the name's source is given"
    );
    let chinese = app.get_page("/cities/nanning?lang=zh-Hans", 200).await;
    assert!(
        chinese.contains("广西壮族自治区"),
        "the province in Chinese"
    );
    let english = app.get_page("/cities/nanning?lang=en", 200).await;
    assert!(
        english.contains(">Guangxi<"),
        "the province as GeoNames writes it"
    );
}

#[tokio::test]
async fn chinese_readers_see_machine_translated_titles_marked_and_gbt_33356_in_its_own_chinese() {
    let app = spawn_app().await;
    let iso = app
        .get_page("/standards/iso37120-2014?lang=zh-Hans", 200)
        .await;
    assert!(iso.contains("城市失业率"), "ISO 37120 5.1 in Chinese");
    assert!(iso.contains("机器翻译"), "marked as machine translation");
    let indicator = app
        .get_page("/indicators/iso37120-2014:5.1?lang=zh-Hans", 200)
        .await;
    assert!(indicator.contains("城市失业率") && indicator.contains("机器翻译"));
    let english = app.get_page("/standards/iso37120-2014?lang=en", 200).await;
    assert!(
        english.contains("City&#39;s unemployment rate")
            || english.contains("City's unemployment rate")
    );
    assert!(!english.contains("城市失业率"));
}

#[tokio::test]
async fn standard_and_indicator_pages_show_themes_and_relations() {
    let app = spawn_app().await;
    let html = app.get_page("/standards/iso37120-2014", 200).await;
    assert!(
        html.contains("Environment") && html.contains(r#"href="/indicators/iso37120-2014:8.1""#)
    );
    let html = app.get_page("/indicators/iso37120-2014:8.1", 200).await;
    assert!(html.contains(r#"href="/indicators/u4ssc:EN:EN:AQ:1C""#));
    assert!(html.contains("Narrower than"));
    let html = app.get_page("/indicators/iso37120-2014:5.2", 200).await;
    assert!(html.contains("No relation to an indicator of another standard is recorded."));
    app.get_page("/indicators/iso37120-2014:99.9", 404).await;
}

#[tokio::test]
async fn an_unknown_page_is_a_localized_404() {
    let app = spawn_app().await;
    let html = app.get_page("/cities/atlantis", 404).await;
    assert!(html.contains("Page not found"));
    let zh = app
        .get_with("/nowhere", "cookie", "mitra_lang=zh-Hans")
        .await;
    assert_eq!(zh.status().as_u16(), 404);
    assert!(
        zh.text()
            .await
            .expect("html")
            .contains(r#"<html lang="zh-Hans">"#)
    );
}

#[tokio::test]
async fn pages_are_keyboard_usable_and_carry_security_headers() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let html = response.text().await.expect("html");
    let body = &html[html.find("<body>").expect("body")..];
    assert!(
        body.trim_start_matches("<body>")
            .trim_start()
            .starts_with(r##"<a class="skip-link" href="#main">"##)
    );
    assert!(html.contains(r#"<main id="main""#));
    assert!(!html.contains("<script"), "pages work without JavaScript");
}

#[tokio::test]
async fn a_demo_instance_says_so_on_every_page() {
    let demo = spawn_app_with(None, true).await;
    let page = demo.get_page("/standards", 200).await;
    // Inside the page's banner landmark, so that a screen reader finds it with the site's name and navigation.
    let banner = page.find("demo-banner").expect("the demo banner");
    let header = (page.find("<header"), page.find("</header>"));
    assert!(
        matches!(header, (Some(open), Some(close)) if open < banner && banner < close),
        "the demo banner is inside <header>"
    );
    // A notice after an action is inside <main>.
    let noted = demo.get_page("/cities?lang=xx", 200).await;
    let note = noted.find("is not available").expect("the note");
    assert!(noted.find("<main").is_some_and(|main| main < note));
    let plain = spawn_app().await;
    assert!(
        !plain
            .get_page("/standards", 200)
            .await
            .contains("demo-banner")
    );
}

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let app = spawn_app().await;
    let css = app.get("/assets/mitra.css").await;
    assert_eq!(css.status().as_u16(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    assert_eq!(app.get("/assets/nope.js").await.status().as_u16(), 404);
    // The API reference is drawn on the server: every operation, without a script.
    let docs = app.get_page("/api", 200).await;
    assert!(!docs.contains("<script"));
    assert!(
        docs.contains(
            r#"<span class="method">GET</span> <code lang="en">/api/v1/cities/{id}</code>"#
        )
    );
    assert!(docs.contains(r##"<a href="#op-propose">"##));
    assert!(docs.contains("<caption>Parameters</caption>"));
}

#[tokio::test]
async fn an_oversized_request_body_is_refused() {
    let app = spawn_app().await;
    let body = "x".repeat(2 * 1024 * 1024);
    let response = app
        .client
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 413);
}

#[tokio::test]
async fn the_city_page_shows_indicator_trends_and_links_to_its_assessment_and_rankings() {
    let app = spawn_app_with(None, true).await;
    let html = app.get_page("/cities/bangkok", 200).await;
    assert!(html.contains("href=\"/cities/bangkok/assessment\""));
    assert!(
        html.contains("href=\"/rankings?indicator=iso37120-2014:8.1\""),
        "PM2.5 from the WHO pack"
    );
    assert!(
        html.contains("<svg class=\"sparkline\""),
        "the population series draws a trend line"
    );
    assert!(
        html.contains("<svg class=\"radar\""),
        "PM2.5 and PM10 give a quality-environment score"
    );
    assert!(
        html.contains(
            "<dd>Quality Environment, Built Infrastructure, Industry and Innovation</dd>"
        ),
        "the priorities of Bangkok's 2018 Smart City Action Plan"
    );
    let assessment = app
        .get_page("/cities/bangkok/assessment?standard=iso37120-2014", 200)
        .await;
    assert!(assessment.contains("Mitra coverage levels for ISO 37120:2014"));
    assert!(assessment.contains("not a certification"));
    assert!(
        assessment.contains("iso37120-2014:5.1"),
        "the gap lists missing core indicators"
    );
    let rankings = app
        .get_page(
            "/rankings?indicator=iso37120-2014:8.1&year=2019&group_by=country&group=TH",
            200,
        )
        .await;
    assert!(rankings.contains("href=\"/cities/bangkok\""));
    assert!(rankings.contains("lower is better"));
    let empty = app
        .get_page("/rankings?indicator=iso37120-2014:5.1", 200)
        .await;
    assert!(empty.contains("No city has a value for this indicator"));
    app.get_page("/rankings?group_by=galaxy", 400).await;
}

#[tokio::test]
async fn verifiers_review_submitted_values_and_admins_edit_the_crosswalk_on_indicator_pages() {
    let app = spawn_app_with(None, true).await;
    // The demo's published statistics are verified already; a city editor submits one more value.
    let editor =
        crate::Browser::signed_in(&app, "editor@demo.mitra.invalid", "demo-password-editor").await;
    let token = crate::create_token(&app, &editor, "write").await;
    let submitted = app
        .client
        .post(app.url("/api/v1/observations"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(
            "city,indicator,year,value,source\nbangkok,iso37120-2014:5.1,2021,1.2,Labour survey\n",
        )
        .send()
        .await
        .expect("import");
    assert_eq!(submitted.status().as_u16(), 200);
    let listed = app
        .get_json("/api/v1/observations?status=submitted", 200)
        .await;
    let id = listed["observations"][0]["id"].as_i64().expect("id");
    let verifier = crate::Browser::signed_in(
        &app,
        "verifier@demo.mitra.invalid",
        "demo-password-verifier",
    )
    .await;
    let html = verifier
        .get(&app, "/review")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("href=\"/review\""),
        "verifiers get the review link"
    );
    assert!(
        html.contains(&format!("action=\"/review/{id}/verify\"")),
        "{html}"
    );
    let verified = verifier
        .post(&app, &format!("/review/{id}/verify"), &[])
        .await;
    assert!(verified.status().is_redirection() || verified.status().is_success());
    let after = verifier
        .get(&app, "/review?status=verified")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        after.contains("/cities/"),
        "the verified value is listed under verified"
    );
    let member =
        crate::Browser::signed_in(&app, "member@demo.mitra.invalid", "demo-password-member").await;
    assert_eq!(member.get(&app, "/review").await.status(), 403);

    let admin =
        crate::Browser::signed_in(&app, "admin@demo.mitra.invalid", "demo-password-admin").await;
    let page = admin
        .get(&app, "/indicators/iso37120-2014:8.1")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("action=\"/indicators/iso37120-2014:8.1/crosswalk\""));
    let saved = admin
        .post(
            &app,
            "/indicators/iso37120-2014:8.1/crosswalk",
            &[
                ("to", "u4ssc:EC:ICT:ICT:1C"),
                ("relation", "related"),
                ("basis", "derived"),
                ("source", "Test review"),
            ],
        )
        .await;
    assert!(saved.status().is_redirection() || saved.status().is_success());
    let page = admin
        .get(&app, "/indicators/iso37120-2014:8.1")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("href=\"/indicators/u4ssc:EC:ICT:ICT:1C\""));
    let tier = admin
        .post(&app, "/cities/bangkok/tier", &[("tier", "tier-1")])
        .await;
    assert!(tier.status().is_redirection() || tier.status().is_success());
    let city = admin
        .get(&app, "/cities/bangkok")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        city.contains("<dd>Tier 1</dd>"),
        "the admin's tier replaces the derived tier 2"
    );
    let anonymous = app.get_page("/indicators/iso37120-2014:8.1", 200).await;
    assert!(
        !anonymous.contains("/crosswalk/delete"),
        "only platform admins see the edit forms"
    );
}

#[tokio::test]
async fn a_signed_in_readers_choice_of_language_is_kept_in_the_account_and_wins_over_the_cookie() {
    let app = spawn_app_with(None, true).await;
    let member =
        crate::Browser::signed_in(&app, "member@demo.mitra.invalid", "demo-password-member").await;
    let page = member
        .get(&app, "/cities?lang=th")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains(r#"<html lang="th">"#));
    // The next page, without `?lang=` and without the language cookie, reads the account's setting.
    let next = member
        .get(&app, "/standards")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        next.contains(r#"<html lang="th">"#),
        "the account keeps the choice"
    );
    let cookies = format!(
        "{}; mitra_lang=en",
        member.cookie.clone().expect("a session cookie")
    );
    let response = app
        .client
        .get(app.url("/standards"))
        .header("cookie", cookies)
        .send()
        .await
        .expect("request");
    assert_eq!(
        response.headers()["content-language"].to_str().ok(),
        Some("th"),
        "the account's setting comes before the cookie"
    );
    let settings = member
        .get(&app, "/account")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        settings.contains(r#"value="th" lang="th" selected"#),
        "the settings show it"
    );
}

#[tokio::test]
async fn pages_name_indicators_countries_and_regions_instead_of_showing_their_ids() {
    let app = spawn_app_with(None, true).await;
    let city = app.get_page("/cities/bangkok", 200).await;
    assert!(city.contains(r#"lang="en">Population density</a><br><small class="code">mitra:population-density</small>"#));
    assert!(
        !city.contains(">mitra:population-density</a>"),
        "the id is not the link text"
    );
    let by_region = app
        .get_page("/rankings?indicator=iso37120-2014:8.1&group_by=region", 200)
        .await;
    assert!(by_region.contains(r#"<option value="asean">ASEAN</option>"#));
    assert!(
        by_region.contains("Fine particulate matter (PM2.5) concentration (iso37120-2014:8.1)")
    );
    let by_country = app
        .get_page(
            "/rankings?indicator=iso37120-2014:8.1&group_by=country&lang=th",
            200,
        )
        .await;
    assert!(
        by_country.contains(r#"<option value="TH">ไทย</option>"#),
        "country names in the reader's language"
    );
}

#[tokio::test]
async fn the_standards_page_leads_to_the_crosswalk_and_its_downloads() {
    let app = spawn_app().await;
    let standards = app.get_page("/standards", 200).await;
    for link in [
        r#"href="/crosswalk""#,
        r#"href="/api/v1/crosswalk.csv""#,
        r#"href="/api/v1/crosswalk.jsonld""#,
    ] {
        assert!(standards.contains(link), "{link}");
    }
    let crosswalk = app.get_page("/crosswalk", 200).await;
    let rows = crosswalk.matches("<tr><th scope=\"row\">").count();
    let listed = app.get_json("/api/v1/crosswalk?limit=500", 200).await;
    assert_eq!(
        rows,
        listed["crosswalk"].as_array().map_or(0, Vec::len),
        "every relation, once"
    );
    assert!(rows >= 50);
    // Both ends are named by their titles, with the id beside.
    assert!(crosswalk.contains(r#"<small class="code">iso37120-2014:"#));
    assert!(!crosswalk.contains(">iso37120-2014:8.1</a>"));
}
