//! The knowledge exchange through the service: demo entries, and search over them that follows every write, on
//! every configured database.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_service::domain::entry::ContentLanguage;
use mitra_service::domain::{Entry, OrgId, ValidationError};
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
        let (made_up, sourced): (Vec<&Entry>, Vec<&Entry>) =
            examples.iter().copied().partition(|e| e.sources.is_empty());
        assert!(
            made_up
                .iter()
                .all(|e| matches!(e.kind().tag(), "training" | "event")),
            "only training and events are made up for the demonstration, and they say so"
        );
        assert!(made_up.iter().all(|e| {
            e.texts
                .iter()
                .all(|t| t.title.starts_with("Example") || t.title.starts_with("示例"))
        }));
        assert!(
            sourced
                .iter()
                .all(|e| matches!(e.kind().tag(), "project" | "funding" | "solution")),
            "the other examples are the opportunities taken from their sources"
        );
        assert!(
            sourced
                .iter()
                .all(|e| e.sources.iter().all(|s| s.retrieved.is_some())),
            "every opportunity says when its sources were read"
        );
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

/// The rows of a shipped CSV file under `data/`, as maps of column to value.
fn shipped_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let record = r.expect("row");
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.trim().to_owned()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_demo_opportunities_are_the_shipped_projects_funding_and_solutions_with_their_sources()
{
    use mitra_service::domain::Network;
    use mitra_service::domain::entry::{Details, Money, TextOrigin};
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        let opportunities = mitra.demo_opportunities().await.expect("the files parse");
        let of_kind = |kind: &str| -> Vec<&Entry> {
            opportunities
                .iter()
                .filter(|e| e.kind().tag() == kind)
                .collect()
        };
        let (projects, funding, solutions) =
            (of_kind("project"), of_kind("funding"), of_kind("solution"));
        // 26 cities with two projects each, and Manila with three: 25 × 2 + 3.
        assert_eq!(projects.len(), 53);
        // 23 programmes researched, 3 left out (FUND-04, FUND-07, FUND-10).
        assert_eq!(funding.len(), 20);
        assert_eq!(solutions.len(), 6);
        assert_eq!(opportunities.len(), 79, "nothing but these three kinds");

        for entry in &opportunities {
            assert!(entry.example, "{} is flagged as an example", entry.id);
            assert!(!entry.sources.is_empty(), "{} has a source", entry.id);
            let (en, zh) = (&entry.texts[0], &entry.texts[1]);
            assert_eq!(
                (en.lang.tag(), en.origin, zh.lang.tag(), zh.origin),
                (
                    "en",
                    TextOrigin::Original,
                    "zh-Hans",
                    TextOrigin::MachineTranslation
                ),
                "{}: English from the sources, Chinese marked as machine translation",
                entry.id
            );
        }

        let places = mitra.places().await.expect("places");
        let mut cities = std::collections::BTreeSet::new();
        for project in &projects {
            let city = &project.cities[0];
            cities.insert(city.as_str());
            assert!(
                project
                    .id
                    .as_str()
                    .starts_with(&format!("scap-{}-", city.as_str())),
                "{}",
                project.id
            );
            assert!(
                places.cities[city]
                    .networks
                    .contains(&Network::AscnPilot2018),
                "{}: {city} is an ASCN pilot city",
                project.id
            );
            assert_eq!((project.year_from, project.year_to), (Some(2018), Some(2018)));
            assert!(project.texts[0].body.starts_with(
                "Declared in the city's 2018 ASCN Smart City Action Plan; not a current call."
            ));
            assert!(project.texts[1].body.contains("并非当前的征集"));
            assert!(
                project
                    .sources
                    .iter()
                    .all(|s| s.retrieved.as_deref() == Some("2026-11"))
            );
        }
        assert_eq!(cities.len(), 26, "every pilot city matched, each once");
        let partners: Vec<&str> = projects
            .iter()
            .filter_map(|p| match &p.details {
                Details::Project { needs, .. } => needs.partners.as_deref(),
                _ => None,
            })
            .collect();
        assert_eq!(
            partners,
            ["PPP partners and urban-design advice"],
            "the one need the plans' paraphrases state"
        );

        let programmes = shipped_rows(include_str!("../../../data/funding/funding_programmes.csv"));
        let left_out: Vec<String> =
            shipped_rows(include_str!("../../../data/funding/selection.csv"))
                .into_iter()
                .filter(|r| r["use"] == "leave-out")
                .map(|r| r["id"].to_lowercase())
                .collect();
        assert_eq!(left_out, ["fund-04", "fund-07", "fund-10"]);
        for row in &programmes {
            let id = row["id"].to_lowercase();
            let found = funding.iter().find(|e| e.id.as_str() == id);
            let Some(entry) = found else {
                assert!(left_out.contains(&id), "{id} is shown or left out on purpose");
                continue;
            };
            let Details::Funding {
                amount_min,
                amount_max,
                deadline,
                ..
            } = &entry.details
            else {
                panic!("{id} is funding");
            };
            let stated = |column: &str| {
                (!row[column].is_empty()).then(|| Money {
                    amount: row[column].parse().expect("a figure"),
                    currency: row["currency"].clone(),
                })
            };
            assert_eq!(
                (amount_min, amount_max),
                (&stated("amount_min"), &stated("amount_max")),
                "{id}: an amount only where the file states one"
            );
            assert_eq!(deadline.as_deref().unwrap_or(""), row["deadline"], "{id}");
            assert!(
                entry
                    .sources
                    .iter()
                    .all(|s| s.retrieved.as_deref() == Some(row["retrieved"].as_str())
                        && s.url.is_some()),
                "{id}: every source with its address and retrieval date"
            );
            assert!(
                entry.texts[0]
                    .body
                    .contains(&format!("retrieved {}", row["retrieved"])),
                "{id}"
            );
        }
        let with_amounts = funding
            .iter()
            .filter(|e| {
                matches!(&e.details, Details::Funding { amount_min, amount_max, .. }
                    if amount_min.is_some() || amount_max.is_some())
            })
            .count();
        assert_eq!(
            with_amounts, 9,
            "the 9 rows that state an amount (FUND-06, 08, 09, 11, 16, 19, 20, 21, 22), none of them left out"
        );

        for solution in &solutions {
            let Details::Solution {
                provider,
                deployed_in,
                ..
            } = &solution.details
            else {
                panic!("{} is a solution", solution.id);
            };
            assert!(
                !deployed_in.is_empty() && *deployed_in == solution.cities,
                "{}: deployed where documented",
                solution.id
            );
            assert!(solution.organisations.contains(provider), "{}", solution.id);
        }
    })
    .await;
}

#[tokio::test]
async fn a_thai_or_chinese_query_finds_bangkoks_declared_projects() {
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        mitra.load_demo(&[]).await.expect("demo");
        let projects = |q: &str| {
            parse(&format!("q={q}&kind=project&year=2018&limit=100")).expect("a valid query")
        };
        let thai = mitra.search(&projects("กรุงเทพ")).await.expect("search");
        assert_eq!(
            ids(&thai),
            ["scap-bangkok-1", "scap-bangkok-2"],
            "the city's Thai name finds its two declared projects, and only them"
        );
        let chinese = mitra.search(&projects("邦苏")).await.expect("search");
        assert_eq!(
            ids(&chinese),
            ["scap-bangkok-1"],
            "the Chinese text of the Bang Sue hub has 邦苏"
        );
        let funding = mitra
            .search(&parse("q=澜湄&kind=funding").expect("a valid query"))
            .await
            .expect("search");
        assert_eq!(
            ids(&funding),
            ["fund-17"],
            "the official Chinese name of the Lancang-Mekong fund"
        );
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
            all.total, 153,
            "67 initiatives, 5 example events and training, 79 example opportunities (53 projects, 20 \
             funding programmes, 6 solutions) and the demo organisations' 2 example opportunities"
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
        assert_eq!(second.rebuild_search_index().await.expect("rebuild"), 153);
        assert_eq!(
            ids(&second.search(&query("transport")).await.expect("search")),
            before
        );
    })
    .await;
}

#[tokio::test]
async fn search_works_from_memory_when_the_index_on_disk_cannot_be_written() {
    use mitra_service::domain::Actor;
    for_each_database_from("reference", build, |url| async move {
        let dir = tempfile::tempdir().expect("tempdir");
        // Where the index should go, a file is in the way: the index cannot be created.
        let blocked = dir.path().join("search");
        std::fs::write(&blocked, "not a directory").expect("file");
        let mitra = open(url.clone()).await.with_search_dir(blocked.clone());
        mitra.load_demo(&[]).await.expect("demo");
        assert_eq!(mitra.prepare_search().await.expect("starts anyway"), 153);
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
        assert_eq!(node.prepare_search().await.expect("index on disk"), 153);
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
    use mitra_service::domain::Actor;
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
                    .import_entries(
                        &Actor::Operator,
                        Some(&org),
                        std::sync::Arc::new(bytes),
                        false,
                        &|_, _, _| {},
                    )
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
    use mitra_service::domain::Actor;
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

#[tokio::test]
async fn an_import_of_many_pages_is_written_all_or_nothing() {
    use mitra_service::domain::entry_import::PAGE;
    use mitra_service::domain::{Actor, EntryId};
    use std::sync::{Arc, Mutex};
    const ENTRIES: usize = 2 * PAGE + PAGE / 2;
    for_each_database_from("reference", build, |url| async move {
        let mitra = open(url).await;
        let organisation = |name: &str| mitra_service::OrgInput {
            kind: "ngo".into(),
            name_en: name.into(),
            country: "TH".into(),
            description_en: "Volunteers.".into(),
            ..mitra_service::OrgInput::default()
        };
        let ours = mitra
            .create_organisation(&Actor::Operator, &organisation("Canal Keepers"))
            .await
            .expect("organisation")
            .id;
        let theirs = mitra
            .create_organisation(&Actor::Operator, &organisation("Bridge Keepers"))
            .await
            .expect("organisation")
            .id;
        let import = |org: OrgId, file: Vec<serde_json::Value>, dry_run: bool| {
            let mitra = mitra.clone();
            async move {
                let told = Mutex::new(Vec::new());
                let bytes = serde_json::to_vec(&file).expect("file");
                let size = bytes.len() as u64;
                let report = mitra
                    .import_entries(
                        &Actor::Operator,
                        Some(&org),
                        Arc::new(bytes),
                        dry_run,
                        &|stage, done, total| {
                            assert_eq!(total, size);
                            told.lock().expect("lock").push((stage, done));
                        },
                    )
                    .await;
                (report, told.into_inner().expect("lock"))
            }
        };
        let stored = |id: &str| {
            let mitra = mitra.clone();
            let id = EntryId::parse(id).expect("id");
            async move { mitra.entry_for(&Actor::Operator, &id).await.is_ok() }
        };
        let (report, _) = import(theirs.clone(), vec![entry_json("theirs")], false).await;
        assert_eq!(
            report
                .expect("their entry")
                .writes
                .expect("written")
                .inserted,
            1
        );
        let file = |last: serde_json::Value| {
            let mut file: Vec<serde_json::Value> = (1..ENTRIES)
                .map(|n| entry_json(&format!("bulk-{n}")))
                .collect();
            file.push(last);
            file
        };

        // The last page holds an entry another organisation publishes: the pages before it, already written in
        // the import's transaction, are not kept.
        let (refused, _) = import(ours.clone(), file(entry_json("theirs")), false).await;
        let Err(ServiceError::Import(errors)) = refused else {
            panic!("refused: {refused:?}");
        };
        assert_eq!(errors.rows(), 1);
        assert_eq!(errors.shown()[0].line, ENTRIES as u64);
        assert_eq!(errors.shown()[0].column, "id");
        assert!(
            !stored("bulk-1").await,
            "nothing of the refused file is kept"
        );

        // So is a file whose last entry is bad.
        let mut bad = entry_json("bulk-last");
        bad["year_from"] = serde_json::json!(20_000);
        let (refused, _) = import(ours.clone(), file(bad), false).await;
        let Err(ServiceError::Import(errors)) = refused else {
            panic!("refused: {refused:?}");
        };
        assert_eq!(errors.shown()[0].line, ENTRIES as u64);
        assert!(
            !stored("bulk-1").await,
            "nothing of the refused file is kept"
        );

        // A good file is written whole, and its progress reaches its end.
        let (written, told) = import(ours.clone(), file(entry_json("bulk-last")), false).await;
        let written = written.expect("imported");
        assert_eq!(written.read, ENTRIES as u64);
        assert_eq!(written.writes.expect("written").inserted, ENTRIES as u64);
        assert!(stored("bulk-1").await && stored("bulk-last").await);
        let last = told.last().expect("progress told");
        assert_eq!(last.0, mitra_service::ImportStage::Writing);
        assert!(
            told.windows(2)
                .all(|w| w[0].1 <= w[1].1 || w[0].0 != w[1].0)
        );

        // Checked again without writing, every entry is one that is stored.
        let (again, _) = import(ours, file(entry_json("bulk-last")), true).await;
        let again = again.expect("checked");
        assert_eq!(
            (again.read, again.replaced),
            (ENTRIES as u64, ENTRIES as u64)
        );
        assert!(again.writes.is_none());
    })
    .await;
}
