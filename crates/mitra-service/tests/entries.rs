//! The knowledge exchange through the service: demo entries, and search over them that follows every write, on
//! every configured database.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_service::domain::entry::ContentLanguage;
use mitra_service::domain::{OrgId, ValidationError};
use mitra_service::test_support;
use mitra_service::{Dimension, Mitra, SearchRequest, ServiceError, UnknownParameters};
use mitra_store::test_support::for_each_database_from;

/// Builds the template every test starts from: the reference data loaded.
async fn build(url: String) {
    test_support::build_template(&url, false)
        .await
        .expect("template");
}

/// Mitra on a copy of the template, hashing passwords cheaply.
async fn open(url: String) -> Mitra {
    test_support::use_fast_password_hashing();
    Mitra::open(&url).await.expect("open")
}

fn query(q: &str) -> SearchRequest {
    SearchRequest::default().words(q).expect("a valid query")
}

/// The search of the query string `raw`, as the API reads it.
fn parse(raw: &str) -> Result<SearchRequest, ValidationError> {
    SearchRequest::parse(Some(raw), 20, UnknownParameters::Refuse)
}

fn ids(page: &mitra_service::SearchPage) -> Vec<String> {
    page.found.iter().map(|f| f.hit.id.clone()).collect()
}

#[tokio::test]
async fn demo_entries_are_the_documented_initiatives_in_english_and_chinese() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        let entries = mitra.demo_entries().await.expect("demo entries");
        let (examples, initiatives): (Vec<_>, Vec<_>) = entries.iter().partition(|e| e.example);
        assert_eq!(initiatives.len(), 67);
        assert!(
            examples
                .iter()
                .all(|e| matches!(e.kind().tag(), "training" | "event")),
            "only training and events are made up for the demonstration, and they say so"
        );
        assert!(examples.iter().all(|e| {
            e.texts
                .iter()
                .all(|t| t.title.starts_with("Example") || t.title.starts_with("示例"))
        }));
        for entry in &initiatives {
            let langs: Vec<&str> = entry.texts.iter().map(|t| t.lang.tag()).collect();
            assert!(
                langs.starts_with(&["en", "zh-Hans"]),
                "{}: {langs:?}",
                entry.id
            );
            assert!(!entry.sources.is_empty(), "{} has a source", entry.id);
            assert!(
                entry
                    .sources
                    .iter()
                    .all(|s| s.url.as_ref().is_none_or(|u| u.starts_with("http"))),
                "{}",
                entry.id
            );
        }
        let bangkok = entries
            .iter()
            .filter(|e| e.cities.iter().any(|c| c.as_str() == "bangkok"))
            .count();
        assert!(bangkok >= 1, "Bangkok's initiatives are linked to the city");
    })
    .await;
}

#[tokio::test]
async fn search_follows_the_change_feed() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        let empty = mitra.search(&query("flood")).await.expect("search");
        assert_eq!(empty.total, 0, "nothing is indexed before entries exist");
        mitra.load_demo(&[]).await.expect("demo");
        let found = mitra.search(&query("flood")).await.expect("search");
        assert!(
            found.total > 0,
            "entries written after the index was built are found by the next search"
        );
        assert_eq!(
            found.found.len(),
            found.total.min(20),
            "each hit of the page comes with its stored entry"
        );
        assert!(
            found
                .found
                .iter()
                .all(|f| f.hit.id == f.stored.entry.id.as_str()),
            "hits are paired with their own entries"
        );
        let chinese = mitra.search(&query("曼谷")).await.expect("search");
        assert!(
            chinese
                .entries()
                .all(|e| e.entry.cities.iter().any(|c| c.as_str() == "bangkok")
                    || e.entry
                        .texts
                        .iter()
                        .any(|t| t.title.contains("曼谷") || t.summary.contains("曼谷"))),
            "every hit for 曼谷 is about Bangkok"
        );
        assert!(chinese.total >= 1);
    })
    .await;
}

#[tokio::test]
async fn filters_facets_and_pages() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra.load_demo(&[]).await.expect("demo");
        let all = mitra
            .search(&parse("limit=10").expect("valid"))
            .await
            .expect("all");
        assert_eq!(
            all.total, 74,
            "67 initiatives, 5 example events and training, and the demo organisations' 2 example opportunities"
        );
        let countries = &all
            .facets
            .iter()
            .find(|(d, _)| *d == Dimension::Country)
            .expect("countries")
            .1;
        let china = countries
            .iter()
            .find(|(c, _)| c == "CN")
            .map(|(_, n)| *n)
            .expect("CN counted");
        let in_china = mitra
            .search(&parse("country=CN&limit=100").expect("valid"))
            .await
            .expect("filtered");
        assert_eq!(
            in_china.total as u64, china,
            "the filter finds what the facet counted"
        );
        let second = mitra
            .search(&parse("offset=10&limit=10").expect("valid"))
            .await
            .expect("page 2");
        assert!(
            ids(&second).iter().all(|id| !ids(&all).contains(id)),
            "pages do not overlap"
        );

        let bad = parse("colour=red");
        assert!(matches!(bad, Err(ref e) if e.field == "colour"), "{bad:?}");
        let bad = parse("limit=0");
        assert!(matches!(bad, Err(ref e) if e.field == "limit"), "{bad:?}");
        let bad = parse("page=2&limit=101");
        assert!(matches!(bad, Err(ref e) if e.field == "limit"), "{bad:?}");
        let bad = parse("offset=10001");
        assert!(matches!(bad, Err(ref e) if e.field == "offset"), "{bad:?}");
        let bad = parse("lang=xx");
        assert!(matches!(bad, Err(ref e) if e.field == "lang"), "{bad:?}");
        let bad = SearchRequest::default().words(&"x".repeat(501));
        assert!(matches!(bad, Err(ref e) if e.field == "q"), "{bad:?}");
        let pages =
            parse("q=flood&page=3&limit=7&lang=zh-CN&country=TH&country=VN&kind=").expect("valid");
        assert_eq!(
            (pages.text(), pages.offset(), pages.limit(), pages.lang()),
            ("flood", 14, 7, Some(ContentLanguage::ZhHans)),
            "page 3 of 7 starts after 14 hits; an interface alias names the reader's language"
        );
        assert_eq!(
            pages
                .filters()
                .iter()
                .map(|f| f.value.as_str())
                .collect::<Vec<_>>(),
            ["TH", "VN"],
            "repeated filters are alternatives; empty ones are left out"
        );
        let lenient = SearchRequest::parse(
            Some("colour=red&lang=xx&done=1"),
            20,
            UnknownParameters::Ignore,
        )
        .expect("pages leave unknown parameters alone");
        assert!(lenient.filters().is_empty() && lenient.lang().is_none());
    })
    .await;
}

#[tokio::test]
async fn the_index_on_disk_is_reused_and_can_be_rebuilt() {
    for_each_database_from("reference", build, |url| async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = open(url.clone())
            .await
            .with_search_dir(dir.path().join("search"));
        first.load_demo(&[]).await.expect("demo");
        let before = ids(&first.search(&query("transport")).await.expect("search"));
        assert!(!before.is_empty());
        drop(first);
        let second = open(url).await.with_search_dir(dir.path().join("search"));
        assert_eq!(
            ids(&second.search(&query("transport")).await.expect("search")),
            before
        );
        assert_eq!(second.rebuild_search_index().await.expect("rebuild"), 74);
        assert_eq!(
            ids(&second.search(&query("transport")).await.expect("search")),
            before
        );
    })
    .await;
}

#[tokio::test]
async fn search_works_from_memory_when_the_index_on_disk_cannot_be_written() {
    use mitra_service::domain::{Actor, Entry};
    for_each_database_from("reference", build, |url| async move {
        let dir = tempfile::tempdir().expect("tempdir");
        // Where the index should go, a file is in the way: the index cannot be created.
        let blocked = dir.path().join("search");
        std::fs::write(&blocked, "not a directory").expect("file");
        let mitra = open(url.clone()).await.with_search_dir(blocked.clone());
        mitra.load_demo(&[]).await.expect("demo");
        assert_eq!(mitra.prepare_search().await.expect("starts anyway"), 74);
        assert!(
            !ids(&mitra.search(&query("transport")).await.expect("search")).is_empty(),
            "reads are served"
        );
        let problem = mitra.search_problem().expect("the problem is told");
        assert!(
            problem.contains(&blocked.display().to_string())
                && problem.contains("cannot be written"),
            "{problem}"
        );
        assert!(matches!(
            mitra.rebuild_search_index().await,
            Err(ServiceError::Config(ref message)) if message == &problem
        ));

        // An index that was written before and then cannot take a change any more (its files are gone, as on a
        // disk that failed): searches carry on from memory and find the change.
        let second = dir.path().join("second");
        let node = open(url).await.with_search_dir(second.clone());
        assert_eq!(node.prepare_search().await.expect("index on disk"), 74);
        assert!(node.search_problem().is_none());
        std::fs::remove_dir_all(&second).expect("remove the index");
        std::fs::write(&second, "not a directory").expect("file");
        let entry: Entry = serde_json::from_value(entry_json("canal-sensors")).expect("entry");
        let org =
            OrgId::parse("demo-organisation-bangkok-city-government-example").expect("org id");
        node.create_entry(&Actor::Operator, &org, &entry)
            .await
            .expect("writes to the database go on");
        let found = node.search(&query("canal sensors")).await.expect("search");
        assert!(
            ids(&found).contains(&"canal-sensors".to_owned()),
            "{:?}",
            ids(&found)
        );
        assert!(node.search_problem().is_some());
    })
    .await;
}

/// An entry for the concurrency test, as JSON (the import and the API format).
fn entry_json(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "texts": [{"lang": "en", "origin": "original", "title": "Canal sensors", "summary": "Sensors in the canals."}],
        "cities": ["bangkok"],
        "year_from": 2020,
        "year_to": null,
        "details": {"kind": "practice"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_find_every_entry_of_concurrent_writers_and_a_bulk_import() {
    use mitra_service::domain::{Actor, Entry};
    const WRITERS: usize = 4;
    const WRITES_EACH: usize = 50;
    const BULK: usize = 2_000;
    for_each_database_from("reference", build, |url| async move {
        // Two nodes on one database, each with its own connections and its own index; the bulk import goes
        // through a third, as `mitra import entries` would.
        let node_a = open(url.clone()).await;
        let node_b = Mitra::open(&url).await.expect("open node b");
        let importer = Mitra::open(&url).await.expect("open importer");
        let org = node_a
            .create_organisation(
                &Actor::Operator,
                &mitra_service::OrgInput {
                    kind: "ngo".into(),
                    name_en: "Canal Keepers".into(),
                    country: "TH".into(),
                    description_en: "Volunteers.".into(),
                    ..mitra_service::OrgInput::default()
                },
            )
            .await
            .expect("organisation");
        for node in [&node_a, &node_b] {
            node.search(&query(""))
                .await
                .expect("index built before the writes");
        }
        let mut tasks = Vec::new();
        for writer in 0..WRITERS {
            let (node, org) = (node_a.clone(), org.id.clone());
            tasks.push(tokio::spawn(async move {
                for n in 0..WRITES_EACH {
                    let entry: Entry =
                        serde_json::from_value(entry_json(&format!("w{writer}-{n}")))
                            .expect("entry");
                    node.create_entry(&Actor::Operator, &org, &entry)
                        .await
                        .unwrap_or_else(|e| panic!("writer {writer}, write {n}: {e}"));
                }
            }));
        }
        {
            let org = org.id.clone();
            tasks.push(tokio::spawn(async move {
                let file: Vec<serde_json::Value> = (0..BULK)
                    .map(|n| entry_json(&format!("bulk-{n}")))
                    .collect();
                let bytes = serde_json::to_vec(&file).expect("file");
                importer
                    .import_entries(&Actor::Operator, Some(&org), &bytes, false)
                    .await
                    .unwrap_or_else(|e| panic!("bulk import: {e}"));
            }));
        }
        // Both nodes keep searching while the writes land, so that their indexes follow the feed as it grows.
        let searching = [node_a.clone(), node_b.clone()].map(|node| {
            tokio::spawn(async move {
                for _ in 0..200 {
                    node.search(&query("canal"))
                        .await
                        .expect("search while writing");
                    tokio::task::yield_now().await;
                }
            })
        });
        for task in tasks {
            task.await.expect("writer");
        }
        for task in searching {
            task.await.expect("searcher");
        }
        let expected = WRITERS * WRITES_EACH + BULK;
        for (name, node) in [("a", &node_a), ("b", &node_b)] {
            let found = node.search(&query("canal")).await.expect("search");
            assert_eq!(
                found.total, expected,
                "node {name} finds every entry written"
            );
        }
    })
    .await;
}

/// The actor of the demo account whose address starts with `who@`, signed in.
async fn demo_actor(mitra: &Mitra, who: &str) -> mitra_service::domain::Actor {
    let (email, password, ..) = mitra_service::DEMO_ACCOUNTS
        .iter()
        .find(|(email, ..)| email.starts_with(&format!("{who}@")))
        .expect("a demo account");
    let session = mitra.sign_in(email, password, None).await.expect("sign in");
    mitra
        .resolve_session(&session.cookie)
        .await
        .expect("resolve")
        .expect("session")
        .actor
}

#[tokio::test]
async fn an_entrys_detail_names_its_evidence_and_says_what_each_reader_may_do() {
    use mitra_service::domain::{Actor, Entry};
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra.load_demo(&[]).await.expect("demo");
        let editor = demo_actor(&mitra, "editor").await;
        let member = demo_actor(&mitra, "member").await;
        let org = "demo-organisation-bangkok-city-government-example";
        let row = |indicator: &str| {
            serde_json::json!({"indicator": indicator, "before": {"year": 2018, "value": 40.0},
                               "after": {"year": 2021, "value": 31.5}})
        };
        let practice: Entry = serde_json::from_value(serde_json::json!({
            "id": "bus-lanes",
            "texts": [{"lang": "en", "origin": "original", "title": "Bus lanes", "summary": "Cleaner air."}],
            "cities": ["bangkok"],
            "details": {"kind": "practice", "evidence": [
                row("iso37120-2014:8.1"), row("iso37120-2014:8.2"), row("iso37120-2014:8.1"),
                row("no-such-standard:1")
            ]}
        }))
        .expect("entry");
        let org_id = OrgId::parse(org).expect("org id");
        mitra
            .create_entry(&editor, &org_id, &practice)
            .await
            .expect("published");

        let detail = mitra
            .entry_detail(&Actor::Anonymous, &practice.id)
            .await
            .expect("a public entry");
        let mut named: Vec<&str> = detail.indicators.keys().map(|i| i.as_str()).collect();
        named.sort_unstable();
        assert_eq!(
            named,
            ["iso37120-2014:8.1", "iso37120-2014:8.2"],
            "each indicator the catalogue has, once; an unknown one is left out"
        );
        assert_eq!(
            detail.permissions,
            mitra_service::EntryPermissions {
                edit: false,
                enrol: false
            }
        );
        assert!(detail.training.is_none() && detail.attachments.is_empty());
        assert!(detail.places.city("bangkok").is_some());

        let as_editor = mitra
            .entry_detail(&editor, &practice.id)
            .await
            .expect("entry");
        assert!(as_editor.permissions.edit && as_editor.permissions.enrol);
        let as_member = mitra
            .entry_detail(&member, &practice.id)
            .await
            .expect("entry");
        assert!(!as_member.permissions.edit && as_member.permissions.enrol);

        assert!(mitra.entry_to_edit(&editor, &practice.id).await.is_ok());
        assert!(matches!(
            mitra.entry_to_edit(&member, &practice.id).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            mitra.entry_to_edit(&Actor::Anonymous, &practice.id).await,
            Err(ServiceError::Unauthenticated)
        ));
        let publishing: Vec<String> = mitra
            .publishing_orgs(&editor)
            .await
            .expect("orgs")
            .into_iter()
            .map(|o| o.id.to_string())
            .collect();
        assert_eq!(publishing, [org]);
        assert!(
            mitra
                .publishing_orgs(&member)
                .await
                .expect("orgs")
                .is_empty(),
            "a member who does not edit publishes for no organisation"
        );
        assert!(matches!(
            mitra.publishing_orgs(&Actor::Anonymous).await,
            Err(ServiceError::Unauthenticated)
        ));
    })
    .await;
}
