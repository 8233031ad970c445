//! The store contract: every store operation, run on SQLite always and on PostgreSQL when
//! `MITRA_TEST_POSTGRES_URL` is set (each test in its own fresh database, dropped afterwards).

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

mod accounts;
mod concurrency;
mod entries;
mod interests;
mod migrations;
mod partnerships;
mod support;

use crate::support::operator;
use mitra_domain::access::AuditStamp;
use std::collections::BTreeSet;

use mitra_domain::reference::ReferenceData;
use mitra_domain::{
    Basis, City, CityFilter, CityId, Coordinates, Country, CountryCode, CrosswalkEntry, FocusArea,
    Indicator, IndicatorId, IndicatorKind, Network, NetworkFilter, PageRequest, Population,
    PopulationKind, PopulationPoint, Relation, Standard, StandardId,
};
use mitra_store::{MIGRATION_NAMES, StoreError};
use support::for_each_backend;

fn id<T>(parse: fn(&str) -> Result<T, mitra_domain::ValidationError>, raw: &str) -> T {
    match parse(raw) {
        Ok(v) => v,
        Err(e) => panic!("test id {raw}: {e}"),
    }
}

fn city(slug: &str, name: &str, country: &str, networks: &[Network]) -> City {
    City {
        id: id(CityId::parse, slug),
        name_en: name.into(),
        name_zh: Some(format!("{name}市")),
        name_local: None,
        country: id(CountryCode::parse, country),
        admin1: None,
        location: Coordinates {
            latitude: 10.0,
            longitude: 100.0,
        },
        timezone: "Asia/Bangkok".into(),
        population: Some(Population {
            count: 1_000_000,
            year: Some(2020),
            source: "UN WUP 2018".into(),
        }),
        networks: networks.iter().copied().collect::<BTreeSet<_>>(),
        geonames_id: None,
        wup_city_code: None,
    }
}

fn indicator(standard: &StandardId, code: &str, position: i64) -> Indicator {
    Indicator {
        id: match IndicatorId::new(standard, code) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        },
        standard_id: standard.clone(),
        code: code.into(),
        title_en: format!("Indicator {code}"),
        title_zh: None,
        title_en_is_translation: false,
        theme: "Environment".into(),
        sub_theme: None,
        kind: IndicatorKind::Core,
        unit: Some("%".into()),
        unit_basis: Some("test".into()),
        parent_id: None,
        weight_percent: None,
        direction: None,
        position,
        source: "test".into(),
    }
}

pub(crate) fn sample() -> ReferenceData {
    let iso = id(StandardId::parse, "iso37120-2014");
    let u4ssc = id(StandardId::parse, "u4ssc");
    let country = |code: &str, name: &str, region: &str| Country {
        code: id(CountryCode::parse, code),
        iso3: format!("{code}X"),
        name_en: name.into(),
        name_zh: None,
        region: region.into(),
    };
    let standard = |sid: &StandardId, code: &str| Standard {
        id: sid.clone(),
        code: code.into(),
        title: code.into(),
        publisher: "test".into(),
        coverage_note: "all".into(),
        source: "test".into(),
    };
    let iso_pm = indicator(&iso, "8.1", 0);
    let iso_pm10 = indicator(&iso, "8.2", 1);
    let u4ssc_air = indicator(&u4ssc, "EN:EN:AQ:1C", 0);
    ReferenceData {
        countries: vec![
            country("TH", "Thailand", "asean"),
            country("CN", "China", "china"),
        ],
        cities: vec![
            city("bangkok", "Bangkok", "TH", &[Network::AscnPilot2018]),
            city("chiang-mai", "Chiang Mai", "TH", &[Network::Ascn2024]),
            city("nanning", "Nanning", "CN", &[Network::ChinaPartner]),
            city("hat-yai", "Hat Yai", "TH", &[]),
            city("kunming", "Kunming", "CN", &[Network::ChinaPartner]),
        ],
        populations: vec![
            (
                id(CityId::parse, "bangkok"),
                PopulationPoint {
                    year: 2015,
                    count: 9_000_000,
                    kind: PopulationKind::Estimate,
                    source: "WUP".into(),
                },
            ),
            (
                id(CityId::parse, "bangkok"),
                PopulationPoint {
                    year: 2020,
                    count: 10_000_000,
                    kind: PopulationKind::Projection,
                    source: "WUP".into(),
                },
            ),
        ],
        standards: vec![standard(&iso, "ISO 37120:2014"), standard(&u4ssc, "U4SSC")],
        crosswalk: vec![CrosswalkEntry {
            from: iso_pm.id.clone(),
            to: u4ssc_air.id.clone(),
            relation: Relation::Narrower,
            basis: Basis::Derived,
            note: "component (PM2.5)".into(),
            source: "test".into(),
        }],
        indicators: vec![iso_pm, iso_pm10, u4ssc_air],
        focus_areas: vec![FocusArea {
            id: "civic_social".into(),
            name_en: "Civic and Social".into(),
            source: "t".into(),
        }],
    }
}

#[test]
fn both_backends_have_a_migration_file_of_each_name() {
    let names = |dir: &str| -> BTreeSet<String> {
        let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .filter_map(|e| e.ok())
            .map(|e| {
                e.file_name()
                    .to_string_lossy()
                    .trim_end_matches(".sql")
                    .to_owned()
            })
            .collect()
    };
    let sqlite = names("sqlite");
    assert_eq!(sqlite, names("postgres"), "migration folders differ");
    let embedded: BTreeSet<String> = MIGRATION_NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        sqlite, embedded,
        "MIGRATION_NAMES must list every migration file"
    );
}

#[tokio::test]
async fn loading_reference_data_twice_changes_nothing_the_second_time() {
    for_each_backend(|store| async move {
        assert_eq!(store.reference_state().await.expect("state"), None);
        let data = sample();
        let first = store
            .apply_reference(&data, 1, "hash-a")
            .await
            .expect("first load");
        // 2 countries + 5 cities + 1 population series + 2 standards + 3 indicators + 1 crosswalk + 1 focus area.
        assert_eq!((first.inserted, first.updated, first.unchanged), (15, 0, 0));
        let audit_after_first = store.list_audit_entries(1000).await.expect("audit").len();
        assert_eq!(audit_after_first, 15);

        let second = store
            .apply_reference(&data, 1, "hash-a")
            .await
            .expect("second load");
        assert_eq!(
            (second.inserted, second.updated, second.unchanged),
            (0, 0, 15)
        );
        assert_eq!(
            store.list_audit_entries(1000).await.expect("audit").len(),
            audit_after_first
        );
        let state = store
            .reference_state()
            .await
            .expect("state")
            .expect("recorded");
        assert_eq!((state.version, state.content_hash.as_str()), (1, "hash-a"));
    })
    .await;
}

#[tokio::test]
async fn a_changed_row_is_updated_and_audited_with_before_and_after() {
    for_each_backend(|store| async move {
        let mut data = sample();
        store.apply_reference(&data, 1, "a").await.expect("load");
        data.cities[0].name_zh = Some("曼谷".into());
        data.cities[0].networks.insert(Network::Ascn2024);
        let changes = store.apply_reference(&data, 2, "b").await.expect("reload");
        assert_eq!((changes.inserted, changes.updated), (0, 1));

        let newest = &store.list_audit_entries(1).await.expect("audit")[0];
        assert_eq!(
            (
                newest.entity.as_str(),
                newest.entity_id.as_str(),
                newest.action.as_str()
            ),
            ("city", "bangkok", "update")
        );
        assert_eq!(newest.actor, "system:reference");
        assert_eq!(
            newest.before.as_ref().and_then(|b| b["name_zh"].as_str()),
            Some("Bangkok市")
        );
        assert_eq!(
            newest.after.as_ref().and_then(|a| a["name_zh"].as_str()),
            Some("曼谷")
        );

        let bangkok = store
            .find_city(&id(CityId::parse, "bangkok"))
            .await
            .expect("city");
        assert_eq!(bangkok.name_zh.as_deref(), Some("曼谷"));
        assert!(
            bangkok.networks.contains(&Network::Ascn2024)
                && bangkok.networks.contains(&Network::AscnPilot2018)
        );
    })
    .await;
}

#[tokio::test]
async fn the_change_feed_is_monotonic_and_can_be_followed() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "a")
            .await
            .expect("load");
        let changes = store.list_changes_since(0, 1000).await.expect("feed");
        assert_eq!(changes.len(), 15);
        assert!(
            changes.windows(2).all(|w| w[0].seq < w[1].seq),
            "sequence must increase"
        );
        let rest = store
            .list_changes_since(changes[9].seq, 1000)
            .await
            .expect("feed tail");
        assert_eq!(rest.len(), 5);
        assert_eq!(rest[0].seq, changes[10].seq);
    })
    .await;
}

#[tokio::test]
async fn a_failing_reference_load_writes_nothing() {
    for_each_backend(|store| async move {
        let mut data = sample();
        // A city in a country that is not loaded breaks the foreign key on the last city.
        data.cities.push(city("yangon", "Yangon", "MM", &[]));
        let err = store
            .apply_reference(&data, 1, "a")
            .await
            .expect_err("foreign key");
        assert!(matches!(err, StoreError::Conflict { .. }), "got {err:?}");
        assert_eq!(
            store
                .count_cities(&CityFilter::default())
                .await
                .expect("count"),
            0
        );
        assert!(
            store
                .list_audit_entries(10)
                .await
                .expect("audit")
                .is_empty()
        );
        assert!(
            store
                .list_changes_since(0, 10)
                .await
                .expect("feed")
                .is_empty()
        );
        assert_eq!(store.reference_state().await.expect("state"), None);
    })
    .await;
}

#[tokio::test]
async fn cities_are_filtered_counted_and_paged_by_id() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "a")
            .await
            .expect("load");
        let th = CityFilter {
            country: Some(id(CountryCode::parse, "TH")),
            ..Default::default()
        };
        let ids = |cities: Vec<City>| {
            cities
                .into_iter()
                .map(|c| c.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(store.count_cities(&th).await.expect("count"), 3);

        let page1 = store
            .list_cities(
                &th,
                &PageRequest {
                    limit: 2,
                    after: None,
                },
            )
            .await
            .expect("page 1");
        assert_eq!(ids(page1), ["bangkok", "chiang-mai"]);
        let page2 = store
            .list_cities(
                &th,
                &PageRequest {
                    limit: 2,
                    after: Some("chiang-mai".into()),
                },
            )
            .await
            .expect("page 2");
        assert_eq!(ids(page2), ["hat-yai"]);

        let partners = CityFilter {
            network: Some(NetworkFilter::Only(Network::ChinaPartner)),
            ..Default::default()
        };
        let found = store
            .list_cities(&partners, &PageRequest::default())
            .await
            .expect("partners");
        assert!(
            found
                .iter()
                .all(|c| c.networks.contains(&Network::ChinaPartner))
        );
        assert_eq!(ids(found), ["kunming", "nanning"]);

        let ascn = CityFilter {
            network: Some(NetworkFilter::AnyAscn),
            ..Default::default()
        };
        let found = store
            .list_cities(&ascn, &PageRequest::default())
            .await
            .expect("ascn");
        assert_eq!(ids(found), ["bangkok", "chiang-mai"], "both ASCN cohorts");

        let by_name = CityFilter {
            name: Some("MAI".into()),
            ..Default::default()
        };
        assert_eq!(
            ids(store
                .list_cities(&by_name, &PageRequest::default())
                .await
                .expect("q")),
            ["chiang-mai"]
        );
        let wildcard = CityFilter {
            name: Some("%".into()),
            ..Default::default()
        };
        assert_eq!(
            store.count_cities(&wildcard).await.expect("count"),
            0,
            "% is matched literally"
        );
    })
    .await;
}

#[tokio::test]
async fn a_city_has_its_population_series_and_an_unknown_city_is_not_found() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "a")
            .await
            .expect("load");
        let series = store
            .list_city_populations(&id(CityId::parse, "bangkok"))
            .await
            .expect("series");
        assert_eq!(
            series.iter().map(|p| p.year).collect::<Vec<_>>(),
            [2015, 2020]
        );
        assert_eq!(series[1].kind, PopulationKind::Projection);
        let err = store
            .find_city(&id(CityId::parse, "atlantis"))
            .await
            .expect_err("missing");
        assert!(matches!(err, StoreError::NotFound { entity: "city", .. }));
        assert_eq!(store.list_countries().await.expect("countries").len(), 2);
    })
    .await;
}

#[tokio::test]
async fn standards_indicators_and_the_crosswalk_are_read_back() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "a")
            .await
            .expect("load");
        let standards = store.list_standards().await.expect("standards");
        let counts: Vec<_> = standards
            .iter()
            .map(|s| (s.standard.id.to_string(), s.indicator_count))
            .collect();
        assert_eq!(
            counts,
            [("iso37120-2014".to_string(), 2), ("u4ssc".to_string(), 1)]
        );

        let iso = id(StandardId::parse, "iso37120-2014");
        let indicators = store.list_indicators(&iso).await.expect("indicators");
        assert_eq!(
            indicators
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>(),
            ["8.1", "8.2"]
        );
        let air = id(IndicatorId::parse, "u4ssc:EN:EN:AQ:1C");
        assert_eq!(
            store
                .find_indicator(&air)
                .await
                .expect("indicator")
                .standard_id
                .as_str(),
            "u4ssc"
        );
        let relations = store.list_crosswalk_of(&air).await.expect("crosswalk");
        assert_eq!(relations.len(), 1);
        assert_eq!(
            relations[0]
                .seen_from(&air)
                .map(|(other, r)| (other.to_string(), r)),
            Some(("iso37120-2014:8.1".to_string(), Relation::Broader))
        );
        assert!(
            store
                .list_crosswalk_of(&id(IndicatorId::parse, "iso37120-2014:8.2"))
                .await
                .expect("none")
                .is_empty()
        );

        let all = store
            .list_crosswalk(&PageRequest::default())
            .await
            .expect("all");
        assert_eq!(all.len(), 1);
        let after = format!("{} {}", all[0].from, all[0].to);
        assert!(
            store
                .list_crosswalk(&PageRequest {
                    limit: 10,
                    after: Some(after)
                })
                .await
                .expect("next")
                .is_empty()
        );
        assert!(matches!(
            store
                .find_standard(&id(StandardId::parse, "gbt33356-2016"))
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(
            store.list_focus_areas().await.expect("focus areas")[0].id,
            "civic_social"
        );
    })
    .await;
}

#[tokio::test]
async fn a_demo_pack_is_recorded_once() {
    for_each_backend(|store| async move {
        assert!(
            store
                .mark_demo_loaded("foundation", &AuditStamp::system("demo"))
                .await
                .expect("first")
        );
        assert!(
            !store
                .mark_demo_loaded("foundation", &AuditStamp::system("demo"))
                .await
                .expect("second")
        );
        assert_eq!(store.demo_packs().await.expect("packs"), ["foundation"]);
        let audit = store.list_audit_entries(10).await.expect("audit");
        assert_eq!(audit.len(), 1);
        assert_eq!(
            (audit[0].entity.as_str(), audit[0].actor.as_str()),
            ("demo_pack", "system:demo")
        );
        store.ping().await.expect("ping");
    })
    .await;
}

/// Runs SQL statements on the database at `url`, outside the store.
async fn execute(url: &str, sql: &str) {
    use sqlx::Connection as _;
    if url.starts_with("postgres") {
        let mut db = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&mut db).await.expect("execute");
    } else {
        let mut db = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&mut db).await.expect("execute");
    }
}

#[tokio::test]
async fn numbering_observation_keys_keeps_every_observation_and_its_id() {
    mitra_store::test_support::for_each_database(|url| async move {
        let postgres = url.starts_with("postgres");
        let store = mitra_store::connect(&url).await.expect("open");
        store
            .apply_reference(&sample(), 1, "hash")
            .await
            .expect("load");
        drop(store);
        // Back to the observations table as 0003 made it, with rows in it.
        let old = include_str!("../../migrations/sqlite/0003_observations.sql");
        let old = if postgres {
            include_str!("../../migrations/postgres/0003_observations.sql")
        } else {
            old
        };
        let start = old.find("create table observations").expect("0003 creates observations");
        let end = old.find("create table city_tiers").expect("0003 creates city_tiers");
        let at = "'2026-01-02T03:04:05Z'";
        execute(
            &url,
            &format!(
                "drop table observations; drop table observation_sources; drop table observation_indicators; \
                 drop table observation_cities; {} \
                 insert into observations (id, city_id, indicator_id, year, source, value, unit, status, \
                 submitted_by, submitted_at) {} values \
                 (7, 'bangkok', 'iso37120-2014:8.1', 2019, 'WHO', 25.5, 'µg/m³', 'verified', 'operator', {at}), \
                 (9, 'nanning', 'iso37120-2014:8.2', 2020, '', 40, null, 'submitted', 'operator', {at}); \
                 delete from schema_migrations where name = '0004_observation_keys';",
                &old[start..end],
                // The 0003 id is an identity column that PostgreSQL numbers itself unless told otherwise.
                if postgres { "overriding system value" } else { "" }
            ),
        )
        .await;
        let store = mitra_store::connect(&url).await.expect("migrate");
        let listed = store
            .list_observations(&mitra_store::ObservationFilter::default(), &PageRequest::default())
            .await
            .expect("list");
        let seen: Vec<(i64, &str, &str, i32, &str, f64)> = listed
            .iter()
            .map(|o| {
                (o.id, o.city_id.as_str(), o.indicator_id.as_str(), o.year, o.source.as_str(), o.value)
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (7, "bangkok", "iso37120-2014:8.1", 2019, "WHO", 25.5),
                (9, "nanning", "iso37120-2014:8.2", 2020, "", 40.0),
            ]
        );
        assert_eq!(listed[0].unit.as_deref(), Some("µg/m³"));
        assert_eq!(listed[0].status, mitra_domain::ObservationStatus::Verified);
        // A new observation gets an id after the migrated ones, and the migrated key still holds.
        let mut batch = mitra_domain::ObservationBatch::default();
        for (city, year) in [("bangkok", 2019), ("bangkok", 2021)] {
            batch.push(&mitra_domain::NewObservation {
                city_id: id(CityId::parse, city),
                indicator_id: id(IndicatorId::parse, "iso37120-2014:8.1"),
                year,
                value: 25.5,
                unit: Some("µg/m³".into()),
                original_value: None,
                original_unit: None,
                source: "WHO".into(),
                note: None,
            });
        }
        let report = store
            .import_observations(&batch, &operator(), "test", None, &|_| {})
            .await
            .expect("import");
        assert_eq!((report.written, report.unchanged), (1, 1));
        let all = store
            .list_observations(&mitra_store::ObservationFilter::default(), &PageRequest::default())
            .await
            .expect("list");
        assert_eq!(all.len(), 3);
        assert!(all[2].id > 9 && all[2].year == 2021, "{:?}", all[2]);
        assert_eq!(all[2].status, mitra_domain::ObservationStatus::Submitted);
        // Published statistics the platform loads are written as verified by whoever vouches for them.
        let mut published = mitra_domain::ObservationBatch::default();
        published.push(&mitra_domain::NewObservation {
            city_id: id(CityId::parse, "nanning"),
            indicator_id: id(IndicatorId::parse, "iso37120-2014:8.1"),
            year: 2022,
            value: 30.0,
            unit: Some("µg/m³".into()),
            original_value: None,
            original_unit: None,
            source: "WHO".into(),
            note: None,
        });
        store
            .import_observations(&published, &operator(), "demo", Some(&AuditStamp::system("demo")), &|_| {})
            .await
            .expect("import verified");
        let nanning = store
            .list_observations(
                &mitra_store::ObservationFilter {
                    city: Some(id(CityId::parse, "nanning")),
                    year: Some(2022),
                    ..Default::default()
                },
                &PageRequest::default(),
            )
            .await
            .expect("list");
        assert_eq!(
            (nanning[0].status, nanning[0].reviewed_by.as_deref()),
            (mitra_domain::ObservationStatus::Verified, Some("system:demo"))
        );
        let panel = store.panel_values().await.expect("panel");
        assert!(panel.iter().any(|v| v.city_id == "nanning" && v.year == 2022 && v.verified));
        assert!(panel.iter().any(|v| v.city_id == "bangkok" && v.year == 2021 && !v.verified));
        let of_nanning = store
            .panel_values_of(&[id(CityId::parse, "nanning")])
            .await
            .expect("panel of a city");
        assert!(!of_nanning.is_empty());
        assert_eq!(
            of_nanning,
            panel
                .iter()
                .filter(|v| v.city_id == "nanning")
                .cloned()
                .collect::<Vec<_>>()
        );
        assert!(store.panel_values_of(&[]).await.expect("none").is_empty());
    })
    .await;
}
