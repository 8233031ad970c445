//! Observation import and review through the service, on every configured database.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_service::domain::{Actor, ObservationStatus};
use mitra_service::{DEMO_ACCOUNTS, Mitra, ObservationQuery, ServiceError};
use mitra_store::test_support::for_each_database_from;

const ALL_PACKS: [&str; 4] = [
    "population",
    "land-area",
    "who-air-quality",
    "cdp-emissions",
];

/// Builds the template every test starts from: the reference data and the demo accounts, but no demo
/// observations.
async fn build(url: String) {
    mitra_service::test_support::use_fast_password_hashing();
    let mitra = Mitra::open(&url).await.expect("open");
    mitra.load_reference().await.expect("reference data");
    let exclude: Vec<String> = ALL_PACKS.iter().map(|p| (*p).to_owned()).collect();
    mitra.load_demo(&exclude).await.expect("demo accounts");
    mitra.close().await;
}

/// Mitra on a copy of the template.
async fn open(url: String) -> Mitra {
    Mitra::open(&url).await.expect("open")
}

async fn demo_actor(mitra: &Mitra, role: &str) -> Actor {
    let (email, password, _, _) = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.3 == role)
        .expect("demo role");
    let session = mitra.sign_in(email, password, None).await.expect("sign in");
    mitra
        .resolve_session(&session.cookie)
        .await
        .expect("resolve")
        .expect("session")
        .actor
}

async fn stored(mitra: &Mitra, city: &str) -> Vec<mitra_service::domain::Observation> {
    mitra
        .list_observations(&ObservationQuery {
            city: Some(city.into()),
            ..ObservationQuery::default()
        })
        .await
        .expect("list")
        .observations
}

const GOOD: &str = "city,indicator,year,value,unit,source\n\
    bangkok,iso37120-2014:5.1,2019,1.2,%,NSO Labour Force Survey\n\
    Bangkok,iso37120-2014:5.6,2019,0.5,per 1 000,DBD register\n\
    bangkok,u4ssc:EC:ICT:ICT:1C,2019,80,%,NBTC\n";

#[tokio::test]
async fn a_file_with_one_bad_row_at_the_end_writes_nothing() {
    for_each_database_from("demo-accounts", build, |url| async move {
        let mitra = open(url).await;
        let file = format!("{GOOD}bangkok,iso37120-2014:5.1,2020,250,%,NSO\n");
        let err = mitra
            .import_observations(
                &Actor::Operator,
                "t.csv",
                file.as_bytes(),
                false,
                &|_, _, _| {},
            )
            .await
            .expect_err("bad last row");
        let ServiceError::Import(errors) = err else {
            panic!("expected row errors, got {err:?}")
        };
        assert_eq!(
            errors
                .shown()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["line 5, column value: 250 is not a percentage from 0 to 100"]
        );
        assert!(
            stored(&mitra, "bangkok").await.is_empty(),
            "nothing was written"
        );
    })
    .await;
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_and_converts_units() {
    for_each_database_from("demo-accounts", build, |url| async move {
        let mitra = open(url).await;
        let first = mitra
            .import_observations(&Actor::Operator, "t.csv", GOOD.as_bytes(), false, &|_, _, _| {})
            .await
            .expect("import");
        assert_eq!((first.rows, first.written, first.unchanged), (3, 3, 0));
        assert_eq!(first.converted, 1, "per 1 000 is converted to per 100 000");
        assert_eq!(
            first.recognised, 1,
            "the crosswalk makes ISO 5.1 (unemployment) equivalent to a U4SSC KPI; 5.6 and the U4SSC ICT KPI have no equivalent"
        );
        let again = mitra
            .import_observations(&Actor::Operator, "t.csv", GOOD.as_bytes(), false, &|_, _, _| {})
            .await
            .expect("import again");
        assert_eq!((again.written, again.unchanged), (0, 3));
        let rows = stored(&mitra, "bangkok").await;
        assert_eq!(rows.len(), 3);
        let businesses = rows
            .iter()
            .find(|o| o.indicator_id.as_str() == "iso37120-2014:5.6")
            .expect("stored");
        assert_eq!(businesses.value, 50.0);
        assert_eq!(businesses.unit.as_deref(), Some("per 100 000 population"));
        assert_eq!(
            (
                businesses.original_value,
                businesses.original_unit.as_deref()
            ),
            (Some(0.5), Some("per 1 000 population")),
            "the original is kept, its unit in its canonical spelling"
        );
        let dry = mitra
            .import_observations(
                &Actor::Operator,
                "t.csv",
                GOOD.replace("1.2", "1.4").as_bytes(),
                true,
                &|_, _, _| {},
            )
            .await
            .expect("dry run");
        assert_eq!((dry.dry_run, dry.written), (true, 0));
        assert!(
            stored(&mitra, "bangkok")
                .await
                .iter()
                .any(|o| o.value == 1.2),
            "a dry run writes nothing"
        );
    })
    .await;
}

#[tokio::test]
async fn only_editors_of_the_city_government_submit_and_only_verifiers_review() {
    for_each_database_from("demo-accounts", build, |url| async move {
        let mitra = open(url).await;
        let editor = demo_actor(&mitra, "org-editor").await;
        let report = mitra
            .import_observations(&editor, "t.csv", GOOD.as_bytes(), false, &|_, _, _| {})
            .await
            .expect("the demo editor edits Bangkok");
        assert_eq!(report.written, 3);
        let other_city = "city,indicator,year,value\nhanoi,iso37120-2014:5.1,2019,2\n";
        let err = mitra
            .import_observations(
                &editor,
                "t.csv",
                other_city.as_bytes(),
                false,
                &|_, _, _| {},
            )
            .await
            .expect_err("not Hanoi's editor");
        assert!(matches!(err, ServiceError::ImportNotAllowed(ref e) if e.shown()[0].line == 2));
        assert!(matches!(
            mitra
                .import_observations(
                    &Actor::Anonymous,
                    "t.csv",
                    GOOD.as_bytes(),
                    false,
                    &|_, _, _| {}
                )
                .await,
            Err(ServiceError::Unauthenticated)
        ));
        let member = demo_actor(&mitra, "org-member").await;
        assert!(
            matches!(
                mitra
                    .import_observations(&member, "t.csv", GOOD.as_bytes(), false, &|_, _, _| {})
                    .await,
                Err(ServiceError::Forbidden)
            ),
            "a member who edits no city is refused before the file is read"
        );

        let id = stored(&mitra, "bangkok").await[0].id;
        assert!(matches!(
            mitra
                .review_observation(&editor, id, "verified", None)
                .await,
            Err(ServiceError::Forbidden)
        ));
        let verifier = demo_actor(&mitra, "verifier").await;
        assert!(matches!(
            mitra.review_observation(&verifier, id, "rejected", Some("  ")).await,
            Err(ServiceError::Validation(ref e)) if e.field == "reason"
        ));
        let verified = mitra
            .review_observation(&verifier, id, "verified", None)
            .await
            .expect("verify");
        assert_eq!(verified.status, ObservationStatus::Verified);
        assert!(verified.reviewed_by.is_some());
        // A changed value goes back to review.
        mitra
            .import_observations(
                &editor,
                "t.csv",
                GOOD.replace("1.2", "1.3").as_bytes(),
                false,
                &|_, _, _| {},
            )
            .await
            .expect("resubmit");
        let after = stored(&mitra, "bangkok").await;
        let changed = after.iter().find(|o| o.id == id).expect("same row");
        assert_eq!(
            (changed.value, changed.status),
            (1.3, ObservationStatus::Submitted)
        );
    })
    .await;
}

#[tokio::test]
async fn a_bad_row_after_the_first_written_chunk_still_leaves_nothing_written() {
    for_each_database_from("demo-accounts", build, |url| async move {
        let mitra = open(url).await;
        // More rows than one chunk of the import (50 000), then a bad one.
        let mut file = String::from("city,indicator,year,value,unit,source\n");
        for n in 0..50_100 {
            file.push_str(&format!(
                "bangkok,iso37120-2014:5.1,{},{}.5,%,survey {}\n",
                2000 + n % 20,
                n % 90,
                n / 20
            ));
        }
        file.push_str("bangkok,iso37120-2014:5.1,2019,abc,%,survey x\n");
        let err = mitra
            .import_observations(
                &Actor::Operator,
                "big.csv",
                file.as_bytes(),
                false,
                &|_, _, _| {},
            )
            .await
            .expect_err("the last row is bad");
        let ServiceError::Import(errors) = err else {
            panic!("expected row errors, got {err:?}")
        };
        assert_eq!(
            errors
                .shown()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["line 50102, column value: 'abc' is not a number"]
        );
        assert!(
            stored(&mitra, "bangkok").await.is_empty(),
            "the first chunk was rolled back"
        );
        // Without the bad row, every row is written.
        let good = file.lines().take(50_101).collect::<Vec<_>>().join("\n");
        let report = mitra
            .import_observations(
                &Actor::Operator,
                "big.csv",
                good.as_bytes(),
                false,
                &|_, _, _| {},
            )
            .await
            .expect("import");
        assert_eq!((report.rows, report.written), (50_100, 50_100));
    })
    .await;
}

#[tokio::test]
async fn every_indicator_has_a_unit_and_a_value_in_a_unit_that_does_not_fit_is_refused() {
    for_each_database_from("demo-accounts", build, |url| async move {
        let mitra = open(url).await;
        let indicators = mitra.all_indicators().await.expect("indicators");
        let without: Vec<String> = indicators
            .values()
            .filter(|i| i.unit.is_none() || i.unit_basis.is_none())
            .map(|i| i.id.to_string())
            .collect();
        assert_eq!(without, Vec::<String>::new(), "indicators without a unit or its basis");
        let file = "city,indicator,year,value,unit\n\
                    bangkok,iso37120-2014:8.2,2019,40,kg\n\
                    bangkok,iso37120-2014:12.1,2019,77,furlongs\n\
                    bangkok,u4ssc:EC:I:UP:2A,2019,2,\n\
                    bangkok,iso37120-2014:8.1,2019,25,ug/m3\n";
        let err = mitra
            .import_observations(&Actor::Operator, "t.csv", file.as_bytes(), false, &|_, _, _| {})
            .await
            .expect_err("refused");
        let ServiceError::Import(errors) = err else {
            panic!("an import problem, not {err}");
        };
        let shown: Vec<String> = errors.shown().iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "line 2, column unit: 'kg' cannot be converted to the indicator's unit 'µg/m³'",
                "line 3, column unit: 'furlongs' is not a unit Mitra knows; this indicator is measured in years",
                "line 4, column value: 2 is not 1 (yes) or 0 (no), which a yes/no indicator takes",
            ]
        );
        let good = "city,indicator,year,value,unit\nbangkok,iso37120-2014:8.1,2019,25,ug/m3\n\
                    bangkok,iso37120-2014:10.5,2019,0.25,hours\n";
        mitra
            .import_observations(&Actor::Operator, "t.csv", good.as_bytes(), false, &|_, _, _| {})
            .await
            .expect("import");
        let rows = stored(&mitra, "bangkok").await;
        let unit_of = |id: &str| {
            rows.iter()
                .find(|o| o.indicator_id.as_str() == id)
                .map(|o| (o.value, o.unit.clone()))
        };
        assert_eq!(
            unit_of("iso37120-2014:8.1"),
            Some((25.0, Some("µg/m³".to_owned()))),
            "stored in the canonical spelling"
        );
        assert_eq!(
            unit_of("iso37120-2014:10.5"),
            Some((15.0, Some("minutes".to_owned()))),
            "a quarter of an hour is 15 minutes"
        );
    })
    .await;
}

/// Values of one indicator in 2019, as an import file.
fn values_2019(rows: &[(&str, f64)]) -> String {
    let mut file = String::from("city,indicator,year,value,unit,source\n");
    for (city, value) in rows {
        file.push_str(&format!("{city},iso37120-2014:5.1,2019,{value},%,test\n"));
    }
    file
}

/// (city, value, percentile) of the ranking of the indicator in 2019 within regions.
async fn ranked(mitra: &Mitra, values: mitra_service::Values) -> Vec<(String, f64, String)> {
    let indicator = mitra_service::domain::IndicatorId::parse("iso37120-2014:5.1").expect("id");
    let mut rows: Vec<(String, f64, String)> = mitra
        .ranking(
            &indicator,
            Some("2019"),
            mitra_service::domain::peers::Grouping::Region,
            None,
            values,
        )
        .await
        .expect("ranking")
        .entries
        .into_iter()
        .map(|e| (e.city.to_string(), e.value, format!("{:.6}", e.percentile)))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[tokio::test]
async fn the_panel_after_a_write_of_values_equals_one_built_afresh() {
    for_each_database_from("demo-accounts", build, |url| async move {
        let mitra = open(url.clone()).await;
        let import = |rows: Vec<(&'static str, f64)>| {
            let mitra = mitra.clone();
            async move {
                mitra
                    .import_observations(
                        &Actor::Operator,
                        "t.csv",
                        values_2019(&rows).as_bytes(),
                        false,
                        &|_, _, _| {},
                    )
                    .await
                    .expect("import")
            }
        };
        import(vec![
            ("bangkok", 1.0),
            ("hanoi", 2.0),
            ("phnom-penh", 3.0),
            ("yangon", 4.0),
            ("manila", 5.0),
            ("kuala-lumpur", 6.0),
        ])
        .await;
        let all = mitra_service::Values::All;
        let before = ranked(&mitra, all).await;
        assert_eq!(before.len(), 6);

        // Bangkok changes, Singapore is new: the panel built before takes only their values again.
        import(vec![("bangkok", 9.0), ("singapore", 0.5)]).await;
        let after = ranked(&mitra, all).await;
        assert_ne!(after, before);
        assert!(
            after
                .iter()
                .any(|(c, v, _)| c == "bangkok" && (*v - 9.0).abs() < 1e-9)
        );
        assert!(after.iter().any(|(c, _, _)| c == "singapore"));

        let fresh = open(url).await;
        assert_eq!(after, ranked(&fresh, all).await);
        assert_eq!(
            ranked(&mitra, mitra_service::Values::Verified).await,
            ranked(&fresh, mitra_service::Values::Verified).await
        );
    })
    .await;
}
