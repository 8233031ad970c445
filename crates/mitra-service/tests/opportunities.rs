//! Opportunities and city needs through the service, over the demo's sourced projects, funding programmes and
//! solutions, on every configured database: the filters an investor or a city uses, amounts compared in US dollars
//! at the shipped rates, and listings that follow every write.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_service::domain::entry::ContentLanguage;
use mitra_service::domain::opportunity::OpportunityQuery;
use mitra_service::domain::{CityId, Entry, OrgId};
use mitra_service::{CityListQuery, Mitra, ServiceError, test_support};
use mitra_store::test_support::for_each_database_from;
use time::macros::date;

async fn build_demo(url: String) {
    test_support::build_template(&url, true)
        .await
        .expect("template");
}

async fn open(url: String) -> Mitra {
    test_support::use_fast_password_hashing();
    Mitra::open(&url).await.expect("open")
}

fn query(raw: &str) -> OpportunityQuery {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).expect("query string");
    OpportunityQuery::parse(&pairs, &[]).expect("a valid listing")
}

async fn ids(mitra: &Mitra, raw: &str) -> Vec<String> {
    let mut q = query(raw);
    q.per_page = 100;
    let page = mitra
        .opportunities(q, ContentLanguage::En, date!(2026 - 12 - 04))
        .await
        .expect("listed");
    assert!(page.total <= 100, "one page holds them all");
    page.items
        .iter()
        .map(|o| o.listing.stored.entry.id.to_string())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn an_amount_range_in_dollars_finds_calls_in_other_currencies_at_the_stated_rates() {
    for_each_database_from("demo", build_demo, |url| async move {
        let mitra = open(url).await;
        // At the ECB rates of 2026-10-30 (USD 1.1172, GBP 0.8338, KRW 1491.76 per euro): fund-16's GBP 100 000 to
        // 350 000 is USD 133 989 to 468 961 and meets 400 000–450 000; fund-21's KRW 700 000 000 ceiling is
        // USD 524 240 and meets it too; fund-11 (USD 1 000 000 to 5 000 000) starts above it and fund-22
        // (USD 50 to 150 million) far above; calls with only a ceiling above 400 000 meet it.
        let found = ids(&mitra, "kind=funding&min_usd=400000&max_usd=450000").await;
        assert_eq!(
            sorted(found),
            [
                "fund-06", "fund-08", "fund-09", "fund-16", "fund-19", "fund-20", "fund-21"
            ]
        );
        let page = mitra
            .opportunities(
                query("min_usd=1"),
                ContentLanguage::En,
                date!(2026 - 12 - 04),
            )
            .await
            .expect("listed");
        assert_eq!(page.fx_date, "2026-10-30");
        assert!(page.fx_source.contains("European Central Bank"));
        let fund16 = ids(&mitra, "kind=funding&min_usd=468000&max_usd=469000").await;
        assert!(fund16.contains(&"fund-16".to_owned()));
        assert!(
            !ids(&mitra, "kind=funding&min_usd=469000&max_usd=470000")
                .await
                .contains(&"fund-16".to_owned()),
            "GBP 350 000 is USD 468 961, below 469 000"
        );
    })
    .await;
}

#[tokio::test]
async fn filters_by_country_stage_and_kind_list_what_each_user_asks_for() {
    for_each_database_from("demo", build_demo, |url| async move {
        let mitra = open(url).await;
        let vietnam = ids(&mitra, "kind=funding&country=VN").await;
        assert!(vietnam.contains(&"fund-13".to_owned()), "open to VN");
        assert!(
            vietnam.contains(&"fund-08".to_owned()),
            "open to any country"
        );
        assert!(
            !vietnam.contains(&"fund-16".to_owned()),
            "open to ID and MY only"
        );
        assert!(vietnam.iter().all(|id| id.starts_with("fund-")));

        let feasibility = ids(&mitra, "stage=feasibility").await;
        assert!(feasibility.contains(&"example-project-flood-sensors".to_owned()));
        // Every project the 2018 plans declared at the feasibility stage is listed, beside the example.
        let declared: Vec<String> = mitra
            .demo_opportunities()
            .await
            .expect("demo opportunities")
            .iter()
            .filter(|e| {
                matches!(&e.details, mitra_service::domain::Details::Project { stage, .. }
                    if stage.tag() == "feasibility")
            })
            .map(|e| e.id.to_string())
            .collect();
        assert!(!declared.is_empty());
        let mut expected = declared;
        expected.push("example-project-flood-sensors".to_owned());
        assert_eq!(sorted(feasibility), sorted(expected));

        let bangkok_projects = ids(&mitra, "kind=project&city=bangkok").await;
        assert!(
            bangkok_projects
                .iter()
                .any(|id| id.starts_with("scap-bangkok"))
        );
        assert!(
            ids(&mitra, "kind=solution&stage=idea").await.is_empty(),
            "a stage asks for projects"
        );
    })
    .await;
}

#[tokio::test]
async fn sorting_by_deadline_and_amount_puts_unknowns_last() {
    for_each_database_from("demo", build_demo, |url| async move {
        let mitra = open(url).await;
        let mut q = query("kind=funding&sort=amount");
        q.per_page = 100;
        let page = mitra
            .opportunities(q, ContentLanguage::En, date!(2026 - 12 - 04))
            .await
            .expect("listed");
        let amounts: Vec<Option<f64>> = page
            .items
            .iter()
            .map(|o| o.listing.usd_max.or(o.listing.usd_min))
            .collect();
        let known = amounts.iter().take_while(|a| a.is_some()).count();
        assert!(known >= 8, "the calls stating an amount come first");
        assert!(amounts[known..].iter().all(Option::is_none));
        assert!(
            amounts[..known].windows(2).all(|w| w[0] >= w[1]),
            "largest first: {amounts:?}"
        );
        assert_eq!(
            page.items[0].listing.stored.entry.id.as_str(),
            "fund-22",
            "USD 150 million is the largest award"
        );
    })
    .await;
}

#[tokio::test]
async fn a_published_opportunity_is_listed_at_once_with_its_publisher_and_leaves_when_deleted() {
    for_each_database_from("demo", build_demo, |url| async move {
        let mitra = open(url).await;
        assert!(ids(&mitra, "kind=project&city=bangkok").await.len() > 1);
        let flood = ids(&mitra, "kind=project&city=bangkok&challenge=water-pollution").await;
        let page = mitra
            .opportunities(
                query("kind=project&challenge=water-pollution&city=bangkok"),
                ContentLanguage::En,
                date!(2026 - 12 - 04),
            )
            .await
            .expect("listed");
        let example = page
            .items
            .iter()
            .find(|o| o.listing.stored.entry.id.as_str() == "example-project-flood-sensors")
            .expect("the demo organisation's project");
        let publisher = example.publisher.as_ref().expect("a publisher");
        assert!(publisher.name_en.starts_with("Demo organisation"));

        let (email, password, ..) = mitra_service::DEMO_ACCOUNTS
            .iter()
            .find(|(email, ..)| email.starts_with("editor@"))
            .expect("the demo editor");
        let session = mitra.sign_in(email, password, None).await.expect("sign in");
        let editor = mitra
            .resolve_session(&session.cookie)
            .await
            .expect("resolve")
            .expect("session")
            .actor;
        let project: Entry = serde_json::from_value(serde_json::json!({
            "id": "canal-sensors-phase-2",
            "texts": [{"lang": "en", "origin": "original", "title": "Canal sensors, phase 2", "summary": "More sensors."}],
            "cities": ["bangkok"],
            "challenges": ["water-pollution"],
            "details": {"kind": "project", "stage": "procurement",
                        "needs": {"capital": {"amount": 3726000.0, "currency": "THB"}}}
        }))
        .expect("entry");
        let org = OrgId::parse("demo-organisation-bangkok-city-government-example").expect("org");
        mitra
            .create_entry(&editor, &org, &project)
            .await
            .expect("published");
        let after = ids(&mitra, "kind=project&city=bangkok&challenge=water-pollution").await;
        assert_eq!(after.len(), flood.len() + 1);
        // THB 3 726 000 at 37.683 THB and 1.1172 USD per euro is USD 110 464.
        let by_amount = ids(&mitra, "min_usd=110000&max_usd=111000&kind=project").await;
        assert_eq!(by_amount, ["canal-sensors-phase-2"]);

        mitra
            .delete_entry(&editor, &project.id)
            .await
            .expect("deleted");
        assert_eq!(
            ids(&mitra, "kind=project&city=bangkok&challenge=water-pollution").await,
            flood
        );
    })
    .await;
}

#[tokio::test]
async fn a_city_shows_its_declared_priorities_and_projects_and_the_city_list_filters_on_them() {
    for_each_database_from("demo", build_demo, |url| async move {
        let mitra = open(url).await;
        let bangkok = CityId::parse("bangkok").expect("id");
        let needs = mitra
            .all_city_needs()
            .await
            .expect("needs")
            .get(&bangkok)
            .cloned()
            .expect("Bangkok declared priorities");
        // Bangkok's 2018 plan names Built Infrastructure, Quality Environment and Industry and Innovation.
        for area in [
            "built_infrastructure",
            "quality_environment",
            "industry_innovation",
        ] {
            assert!(needs.focus_areas.iter().any(|f| f == area), "{area}");
        }
        assert!(
            needs
                .projects
                .iter()
                .any(|p| p.stored.entry.id.as_str() == "scap-bangkok-1")
        );
        assert!(
            needs
                .challenges
                .contains(&mitra_service::domain::entry::Challenge::WaterPollution)
        );

        let list = |focus: Option<&str>, challenge: Option<&str>| CityListQuery {
            focus_area: focus.map(str::to_owned),
            challenge: challenge.map(str::to_owned),
            limit: Some("500".into()),
            ..CityListQuery::default()
        };
        let found = mitra
            .list_cities(&list(Some("industry_innovation"), None))
            .await
            .expect("listed");
        assert!(found.cities.iter().any(|c| c.id == bangkok));
        assert_eq!(found.total as usize, found.cities.len());
        let all = mitra.all_city_needs().await.expect("needs");
        for city in &found.cities {
            assert!(
                all[&city.id]
                    .focus_areas
                    .iter()
                    .any(|f| f == "industry_innovation"),
                "{} declared it",
                city.id
            );
        }
        let both = mitra
            .list_cities(&list(Some("quality_environment"), Some("water-pollution")))
            .await
            .expect("listed");
        assert!(both.cities.iter().any(|c| c.id == bangkok));
        assert!(both.cities.len() <= found.total as usize + all.len());

        let paged = mitra
            .list_cities(&CityListQuery {
                limit: Some("2".into()),
                ..list(Some("built_infrastructure"), None)
            })
            .await
            .expect("listed");
        assert_eq!(paged.cities.len(), 2);
        let next = mitra
            .list_cities(&CityListQuery {
                limit: Some("2".into()),
                cursor: paged.next_cursor.clone(),
                ..list(Some("built_infrastructure"), None)
            })
            .await
            .expect("next page");
        assert!(next.cities.iter().all(|c| c.id > paged.cities[1].id));

        assert!(matches!(
            mitra.list_cities(&list(Some("smart_toilets"), None)).await,
            Err(ServiceError::Validation(e)) if e.field == "focus_area"
        ));
        assert!(matches!(
            mitra.list_cities(&list(None, Some("boredom"))).await,
            Err(ServiceError::Validation(e)) if e.field == "challenges"
        ));
    })
    .await;
}

#[tokio::test]
async fn matching_runs_over_every_city_and_every_approved_opportunity() {
    for_each_database_from("demo", build_demo, |url| async move {
        let mitra = open(url).await;
        let today = date!(2026 - 12 - 04);
        let (cities, items) = mitra.matching_scope(today).await.expect("scope");
        let all_cities = mitra
            .all_cities(&mitra_service::domain::CityFilter::default())
            .await
            .expect("cities");
        assert_eq!(cities, all_cities.len());
        let shelf = mitra.shelf().await.expect("shelf");
        let matched = shelf
            .entries
            .values()
            .filter(|l| {
                !matches!(
                    l.stored.entry.kind(),
                    mitra_service::domain::EntryKind::Event
                )
            })
            .count();
        assert_eq!(items, matched);

        // Every funding match of every project is a call open to the project's country, and no closed call.
        for project in shelf.of_kind(mitra_service::domain::EntryKind::Project) {
            let found = mitra
                .entry_matches(&project.stored.entry.id, today)
                .await
                .expect("matches");
            for m in &found.entries {
                let call = &shelf.entries[&m.id].stored.entry;
                if let mitra_service::domain::Details::Funding {
                    countries,
                    deadline,
                    ..
                } = &call.details
                {
                    assert!(
                        countries.is_empty()
                            || project
                                .countries
                                .iter()
                                .any(|c| countries.iter().any(|e| e == c.as_str())),
                        "{} for {}",
                        m.id,
                        project.stored.entry.id
                    );
                    assert!(deadline.as_deref().is_none_or(|d| d >= "2026-12-04"));
                } else {
                    panic!("{} is not a call", m.id);
                }
            }
            let again = mitra
                .entry_matches(&project.stored.entry.id, today)
                .await
                .expect("matches");
            assert_eq!(found.entries, again.entries, "deterministic");
        }
        let bangkok = CityId::parse("bangkok").expect("id");
        let first = mitra.city_matches(&bangkok, today).await.expect("matches");
        assert!(!first.offers.is_empty());
        assert!(first.context.gaps.iter().all(|g| g.group_size >= 5));
    })
    .await;
}
