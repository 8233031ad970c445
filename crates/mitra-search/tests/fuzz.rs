//! Whatever a person types, in any script and with any whitespace their input method produces, the analyzer, the
//! search and the suggestions answer without panicking. Each property runs `MITRA_FUZZ_CASES` cases (256 unless
//! set; long runs set more).

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_search::{Document, Query, SearchIndex, Text};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("MITRA_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// One index of two texts, built once: searching and suggesting do not change it.
fn index() -> &'static SearchIndex {
    static INDEX: std::sync::OnceLock<SearchIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(built)
}

fn built() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    let document = Document {
        id: "nanning-sponge".into(),
        kind: "practice".into(),
        texts: vec![
            Text {
                lang: "en".into(),
                title: "Nanning sponge city".into(),
                body: "Rain gardens and wetlands hold floodwater.".into(),
            },
            Text {
                lang: "zh-Hans".into(),
                title: "南宁海绵城市".into(),
                body: "雨水花园和湿地蓄积洪水。智慧交通".into(),
            },
        ],
        names: vec!["Nanning".into(), "南宁".into()],
        ..Document::default()
    };
    index.apply(&[document], &[], 1).expect("apply");
    index
}

/// Text mixing the scripts and spaces that real queries have, and anything else Unicode holds.
fn typed() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("智慧".to_owned()),
        Just("交通".to_owned()),
        Just("Hà".to_owned()),
        Just("Nội".to_owned()),
        Just("จราจร".to_owned()),
        Just("ນ້ຳຖ້ວມ".to_owned()),
        Just("ទឹកជំនន់".to_owned()),
        Just("ရေကြီး".to_owned()),
        Just("\u{3000}".to_owned()),
        Just("\u{a0}".to_owned()),
        Just("\u{202f}".to_owned()),
        Just(" ".to_owned()),
        Just("\u{200b}".to_owned()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..12).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn suggestions_never_panic_and_keep_what_was_typed_before_the_last_word(text in typed()) {
        let index = index();
        let suggestions = index.suggest(&text, 5).expect("suggest");
        for suggestion in suggestions {
            let kept = text.trim_end().char_indices().rfind(|(_, c)| c.is_whitespace())
                .map_or("", |(at, c)| &text[..at + c.len_utf8()]);
            prop_assert!(suggestion.starts_with(kept), "{suggestion:?} starts with {kept:?}");
        }
    }

    #[test]
    fn searches_never_panic(text in typed()) {
        let index = index();
        let query = Query { text, limit: 10, ..Query::default() };
        index.search(&query).expect("search");
    }
}

#[test]
fn a_word_after_an_ideographic_or_no_break_space_is_completed() {
    let index = index();
    assert_eq!(
        index.suggest("智慧\u{3000}南", 5).expect("suggest"),
        ["智慧\u{3000}南宁"]
    );
    assert_eq!(
        index.suggest("Hà\u{a0}nan", 5).expect("suggest"),
        ["Hà\u{a0}nanning"]
    );
}
