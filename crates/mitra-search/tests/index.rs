//! The index as its users rely on it: words found in every language, facets, filters, pages, snippets,
//! suggestions, changes applied, and an index on disk that survives a restart.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_search::{Dimension, Document, Opened, Query, SearchIndex, Text};

fn text(lang: &str, title: &str, body: &str) -> Text {
    Text {
        lang: lang.into(),
        title: title.into(),
        body: body.into(),
    }
}

fn entries() -> Vec<Document> {
    vec![
        Document {
            id: "bkk-flood".into(),
            kind: "practice".into(),
            texts: vec![
                text(
                    "en",
                    "Bangkok flood management",
                    "Underground tunnels drain floodwater from the city's canals.",
                ),
                text("zh-Hans", "曼谷洪水管理", "地下隧道把城市运河的洪水排走。"),
                text(
                    "th",
                    "การจัดการน้ำท่วมกรุงเทพมหานคร",
                    "อุโมงค์ระบายน้ำใต้ดินช่วยระบายน้ำท่วมจากคลอง",
                ),
            ],
            names: vec!["Bangkok".into(), "กรุงเทพมหานคร".into(), "曼谷".into()],
            topics: vec!["water flood".into()],
            countries: vec!["TH".into()],
            cities: vec!["bangkok".into()],
            focus_areas: vec!["quality-environment".into()],
            challenges: vec!["water-pollution".into()],
            year: Some(2018),
            updated: 100,
        },
        Document {
            id: "hanoi-bus".into(),
            kind: "project".into(),
            texts: vec![
                text(
                    "en",
                    "Hanoi bus rapid transit",
                    "A rapid bus line eases congestion in Hanoi.",
                ),
                text(
                    "vi",
                    "Xe buýt nhanh Hà Nội",
                    "Tuyến xe buýt nhanh giảm ùn tắc giao thông ở Hà Nội.",
                ),
            ],
            names: vec!["Hanoi".into(), "Hà Nội".into()],
            topics: vec![],
            countries: vec!["VN".into()],
            cities: vec!["hanoi".into()],
            focus_areas: vec!["built-infrastructure".into()],
            challenges: vec!["congestion".into()],
            year: Some(2017),
            updated: 300,
        },
        Document {
            id: "hz-brain".into(),
            kind: "practice".into(),
            texts: vec![
                text(
                    "en",
                    "Hangzhou City Brain traffic signals",
                    "Signals adapt to traffic to reduce congestion.",
                ),
                text(
                    "zh-Hans",
                    "杭州城市大脑",
                    "城市大脑根据交通流量调整信号灯，缓解拥堵。",
                ),
            ],
            names: vec!["Hangzhou".into(), "杭州".into()],
            topics: vec![],
            countries: vec!["CN".into()],
            cities: vec!["hangzhou".into()],
            focus_areas: vec!["built-infrastructure".into()],
            challenges: vec!["congestion".into()],
            year: Some(2016),
            updated: 200,
        },
    ]
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    index.rebuild(&entries(), 7).expect("rebuild");
    index
}

fn ids(index: &SearchIndex, query: Query) -> Vec<String> {
    index
        .search(&query)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn find(index: &SearchIndex, text: &str) -> Vec<String> {
    ids(
        index,
        Query {
            text: text.into(),
            limit: 10,
            ..Query::default()
        },
    )
}

#[test]
fn words_are_found_in_every_language_and_script() {
    let index = index();
    assert_eq!(find(&index, "floods"), ["bkk-flood"], "English, by stem");
    assert_eq!(find(&index, "洪水"), ["bkk-flood"], "Chinese");
    assert_eq!(
        find(&index, "น้ำท่วม"),
        ["bkk-flood"],
        "Thai, written without spaces"
    );
    assert_eq!(
        find(&index, "ha noi xe buyt"),
        ["hanoi-bus"],
        "Vietnamese without tone marks"
    );
    assert_eq!(
        find(&index, "กรุงเทพมหานคร"),
        ["bkk-flood"],
        "a city's name in its own language"
    );
    assert!(find(&index, "tsunami").is_empty());
}

#[test]
fn more_words_found_rank_higher() {
    let index = index();
    let hits = find(&index, "congestion signals");
    assert_eq!(
        hits.first().map(String::as_str),
        Some("hz-brain"),
        "{hits:?}"
    );
    assert!(
        hits.contains(&"hanoi-bus".to_string()),
        "one of the words is enough to be found: {hits:?}"
    );
}

#[test]
fn facets_count_the_matching_entries_and_filters_narrow_them() {
    let index = index();
    let results = index
        .search(&Query {
            text: "congestion".into(),
            limit: 10,
            ..Query::default()
        })
        .expect("search");
    assert_eq!(results.total, 2);
    let kinds = &results
        .facets
        .iter()
        .find(|(d, _)| *d == Dimension::Kind)
        .expect("kinds")
        .1;
    assert_eq!(
        kinds,
        &[("practice".to_string(), 1), ("project".to_string(), 1)]
    );
    let filtered = ids(
        &index,
        Query {
            text: "congestion".into(),
            filters: vec![(Dimension::Country, "CN".into())],
            limit: 10,
            ..Query::default()
        },
    );
    assert_eq!(filtered, ["hz-brain"]);
    let either = ids(
        &index,
        Query {
            filters: vec![
                (Dimension::Country, "CN".into()),
                (Dimension::Country, "TH".into()),
            ],
            limit: 10,
            ..Query::default()
        },
    );
    assert_eq!(
        either.len(),
        2,
        "values of one dimension are alternatives: {either:?}"
    );
    let both = ids(
        &index,
        Query {
            filters: vec![
                (Dimension::Country, "CN".into()),
                (Dimension::Kind, "project".into()),
            ],
            limit: 10,
            ..Query::default()
        },
    );
    assert!(both.is_empty(), "dimensions are all required: {both:?}");
    let languages = index
        .search(&Query {
            limit: 0,
            ..Query::default()
        })
        .expect("search")
        .facets;
    let languages = &languages
        .iter()
        .find(|(d, _)| *d == Dimension::Language)
        .expect("languages")
        .1;
    assert!(
        languages.contains(&("en".to_string(), 3)) && languages.contains(&("vi".to_string(), 1))
    );
}

#[test]
fn feeds_list_the_newest_change_first() {
    let index = index();
    let newest = ids(
        &index,
        Query {
            newest_first: true,
            limit: 10,
            ..Query::default()
        },
    );
    assert_eq!(newest, ["hanoi-bus", "hz-brain", "bkk-flood"]);
    let searched = ids(
        &index,
        Query {
            text: "congestion".into(),
            newest_first: true,
            limit: 10,
            ..Query::default()
        },
    );
    assert_eq!(searched, ["hanoi-bus", "hz-brain"]);
}

#[test]
fn pages_follow_one_another_without_overlap() {
    let index = index();
    let first = ids(
        &index,
        Query {
            limit: 2,
            ..Query::default()
        },
    );
    let second = ids(
        &index,
        Query {
            offset: 2,
            limit: 2,
            ..Query::default()
        },
    );
    assert_eq!(first.len(), 2);
    assert_eq!(second.len(), 1);
    assert!(!first.contains(&second[0]));
}

#[test]
fn snippets_mark_the_words_found_in_the_readers_language_when_it_has_them() {
    let index = index();
    let chinese = index
        .search(&Query {
            text: "地下".into(),
            limit: 1,
            lang: Some("en".into()),
            ..Query::default()
        })
        .expect("search");
    let hit = &chinese.hits[0];
    assert_eq!(
        hit.lang, "zh-Hans",
        "the English text has no 地下 (underground) nor a concept it names, so the Chinese one is shown"
    );
    assert!(
        hit.snippet_html.contains("<mark>地下</mark>"),
        "{}",
        hit.snippet_html
    );
    // 洪水 names the concept of floods, which the English text names too: an English reader sees it, marked.
    let concept = index
        .search(&Query {
            text: "洪水".into(),
            limit: 1,
            lang: Some("en".into()),
            ..Query::default()
        })
        .expect("search");
    let hit = &concept.hits[0];
    assert_eq!(hit.lang, "en");
    assert!(
        hit.title_html.contains("<mark>flood</mark>"),
        "{}",
        hit.title_html
    );
    let long = index
        .search(&Query {
            text: "signals".into(),
            limit: 1,
            lang: Some("en".into()),
            ..Query::default()
        })
        .expect("search");
    assert_eq!(
        long.hits[0].title_html, "Hangzhou City Brain traffic <mark>signals</mark>",
        "titles are shown whole"
    );
    let english = index
        .search(&Query {
            text: "bangkok".into(),
            limit: 1,
            lang: Some("th".into()),
            ..Query::default()
        })
        .expect("search");
    assert_eq!(english.hits[0].lang, "en");
    let unsearched = index
        .search(&Query {
            filters: vec![(Dimension::City, "hanoi".into())],
            limit: 1,
            lang: Some("vi".into()),
            ..Query::default()
        })
        .expect("search");
    assert_eq!(
        unsearched.hits[0].lang, "vi",
        "with no words the reader's language is shown"
    );
    assert!(!unsearched.hits[0].snippet_html.contains("<mark>"));
}

#[test]
fn markup_in_entries_is_escaped_in_titles_and_snippets() {
    let index = SearchIndex::in_memory().expect("index");
    let entry = Document {
        id: "x".into(),
        kind: "event".into(),
        texts: vec![text(
            "en",
            "<script>alert(1)</script> workshop",
            "A <b>workshop</b> & more",
        )],
        ..Document::default()
    };
    index.rebuild(&[entry], 1).expect("rebuild");
    let results = index
        .search(&Query {
            text: "workshop".into(),
            limit: 1,
            ..Query::default()
        })
        .expect("search");
    let hit = &results.hits[0];
    assert!(
        !hit.title_html.contains("<script>") && hit.title_html.contains("&lt;script&gt;"),
        "{}",
        hit.title_html
    );
    assert!(
        hit.snippet_html.contains("&lt;b&gt;")
            && hit.snippet_html.contains("<mark>workshop</mark>"),
        "{}",
        hit.snippet_html
    );
}

#[test]
fn suggestions_complete_the_last_word_typed() {
    let index = index();
    assert_eq!(index.suggest("bang", 5).expect("suggest"), ["bangkok"]);
    assert_eq!(
        index.suggest("smart Hang", 5).expect("suggest"),
        ["smart hangzhou"]
    );
    assert!(
        index
            .suggest("杭", 5)
            .expect("suggest")
            .contains(&"杭州".to_string())
    );
    assert!(index.suggest("zzz", 5).expect("suggest").is_empty());
    assert!(index.suggest("", 5).expect("suggest").is_empty());
}

#[test]
fn changes_are_seen_at_once_and_removed_entries_are_gone() {
    let index = index();
    let mut changed = entries().remove(1);
    changed.texts[0].title = "Hanoi metro line 3".into();
    index
        .apply(&[changed], &["bkk-flood".to_string()], 9)
        .expect("apply");
    assert_eq!(find(&index, "metro"), ["hanoi-bus"]);
    assert!(find(&index, "flood").is_empty());
    assert_eq!(
        index.len(),
        2,
        "an entry changed is replaced, not added again"
    );
    assert_eq!(index.position().expect("position"), Some(9));
}

#[test]
fn an_index_on_disk_is_kept_across_restarts_and_one_of_another_version_is_thrown_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("search");
    {
        let (index, opened) = SearchIndex::open(&path).expect("open");
        assert_eq!(opened, Opened::Empty);
        index.rebuild(&entries(), 42).expect("rebuild");
    }
    {
        let (index, opened) = SearchIndex::open(&path).expect("reopen");
        assert_eq!(opened, Opened::Current { since: 42 });
        assert_eq!(find(&index, "洪水"), ["bkk-flood"]);
    }
    std::fs::write(path.join("mitra-index-version"), "0").expect("write");
    let (index, opened) = SearchIndex::open(&path).expect("reopen");
    assert_eq!(opened, Opened::Empty);
    assert!(index.is_empty());
}

#[test]
fn a_query_in_a_language_no_entry_is_written_in_finds_entries_on_its_concept() {
    let index = index();
    // Vietnamese, Filipino, Khmer, Burmese and Tamil "flood": no entry has a word of them.
    for query in ["ngập lụt", "baha", "ទឹកជំនន់", "ရေကြီး", "வெள்ளம்"]
    {
        let results = index
            .search(&Query {
                text: query.into(),
                limit: 10,
                ..Query::default()
            })
            .expect("search");
        let found: Vec<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(found.first(), Some(&"bkk-flood"), "{query}: {found:?}");
        assert!(!found.contains(&"hz-brain"), "{query}: {found:?}");
        assert!(
            results.concepts.iter().any(|c| c.contains("flood")),
            "{query} names the concept it was expanded with: {:?}",
            results.concepts
        );
    }
}

#[test]
fn a_thai_word_is_found_inside_the_compound_that_holds_it() {
    let index = SearchIndex::in_memory().expect("index");
    let thai = Document {
        id: "th-traffic".into(),
        kind: "practice".into(),
        // "Traffic signal control in Khon Kaen": การจราจร is one dictionary word holding จราจร.
        texts: vec![text(
            "th",
            "การควบคุมสัญญาณไฟการจราจรขอนแก่น",
            "ระบบควบคุมการจราจรอัจฉริยะ",
        )],
        updated: 1,
        ..Document::default()
    };
    index.rebuild(&[thai], 1).expect("rebuild");
    let results = index
        .search(&Query {
            text: "จราจร".into(),
            limit: 10,
            lang: Some("th".into()),
            ..Query::default()
        })
        .expect("search");
    assert_eq!(results.total, 1);
    assert!(
        results.hits[0].title_html.contains("<mark>"),
        "the compound holding the word is marked: {}",
        results.hits[0].title_html
    );
}

/// `n` copies of the sample entries under new ids, enough for the pages to be prepared on several threads.
fn many(n: usize) -> Vec<Document> {
    (0..n)
        .flat_map(|i| {
            entries().into_iter().map(move |mut d| {
                d.id = format!("{}-{i}", d.id);
                d.updated += i as i64;
                d
            })
        })
        .collect()
}

#[test]
fn a_rebuild_in_pages_finds_what_a_rebuild_at_once_finds() {
    let documents = many(60);
    let whole = SearchIndex::in_memory().expect("index");
    whole.rebuild(&documents, 3).expect("rebuild");
    let paged = SearchIndex::in_memory().expect("index");
    paged.rebuild(&entries(), 1).expect("first build");
    let mut rebuild = paged.begin_rebuild().expect("begin");
    for page in documents.chunks(70) {
        rebuild.add(page.to_vec()).expect("page");
    }
    rebuild.commit(3).expect("commit");

    assert_eq!(paged.len(), documents.len() as u64);
    assert_eq!(paged.position().expect("position"), Some(3));
    for text in ["flood", "杭州", "น้ำท่วม", "", "banjir"] {
        let query = Query {
            text: text.into(),
            limit: 500,
            newest_first: true,
            ..Query::default()
        };
        let (a, b) = (
            whole.search(&query).expect("search"),
            paged.search(&query).expect("search"),
        );
        assert_eq!(a.total, b.total, "{text}");
        assert!(a.total > 0, "{text}");
        // Equal scores may come in another order from other segments: the same entries, each with its score.
        let found = |r: &mitra_search::Results| {
            let mut hits: Vec<(String, String)> = r
                .hits
                .iter()
                .map(|h| (h.id.clone(), format!("{:.4}", h.score)))
                .collect();
            hits.sort();
            hits
        };
        assert_eq!(found(&a), found(&b), "{text}");
        assert_eq!(a.facets, b.facets, "{text}");
    }
}

#[test]
fn a_rebuild_that_does_not_end_leaves_the_index_as_it_was() {
    let index = index();
    let before = find(&index, "flood");
    {
        let mut rebuild = index.begin_rebuild().expect("begin");
        rebuild.add(many(2)).expect("page");
        // Dropped without its commit: the store could not be read to the end.
    }
    assert_eq!(index.len(), entries().len() as u64);
    assert_eq!(index.position().expect("position"), Some(7));
    assert_eq!(find(&index, "flood"), before);

    // The next change does not commit the abandoned rebuild with it.
    let mut changed = entries()[0].clone();
    changed.updated += 1;
    index.apply(&[changed], &[], 8).expect("apply");
    assert_eq!(index.len(), entries().len() as u64);
    assert_eq!(find(&index, "flood"), before);
}

#[test]
fn a_snippet_cut_inside_a_compound_is_marked_and_does_not_fail() {
    // The analyzer gives a compound's parts before the compound (交通, 拥堵, then 交通拥堵: traffic congestion).
    // Here the snippet's 240 bytes end inside it: its second part starts a new fragment, and the compound begins
    // before that fragment does.
    let body = format!("{}交通拥堵", "城市".repeat(39));
    let index = SearchIndex::in_memory().expect("index");
    index
        .rebuild(
            &[Document {
                id: "congestion".into(),
                kind: "practice".into(),
                texts: vec![text("zh-Hans", "城市", &body)],
                ..Document::default()
            }],
            1,
        )
        .expect("rebuild");
    let results = index
        .search(&Query {
            text: "拥堵".into(),
            limit: 10,
            ..Query::default()
        })
        .expect("search");
    assert_eq!(results.hits.len(), 1);
    assert!(
        results.hits[0].snippet_html.contains("<mark>"),
        "{}",
        results.hits[0].snippet_html
    );
}
