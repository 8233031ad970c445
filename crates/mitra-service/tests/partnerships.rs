//! City partnerships through the service, on every configured database: the shipped sister-city ties loaded once as
//! recorded partnerships, and dormancy marked after the configured months without activity, told to both cities.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_service::domain::interest::NotificationKind;
use mitra_service::domain::partnership::{ActivityInput, PartnershipStatus};
use mitra_service::domain::{Actor, CityId};
use mitra_service::{Mitra, NotificationAbout, PartnershipFilter, test_support};
use mitra_store::test_support::for_each_database_from;

async fn build_demo(url: String) {
    test_support::build_template(&url, true)
        .await
        .expect("template");
}

async fn open(url: String) -> Mitra {
    test_support::use_fast_password_hashing();
    Mitra::open(&url).await.expect("open")
}

async fn demo_actor(mitra: &Mitra, who: &str) -> Actor {
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
async fn recorded_ties_load_once_and_go_dormant_after_the_configured_months_telling_both_cities() {
    for_each_database_from("demo", build_demo, |url| async move {
        let mitra = open(url).await;
        let all = |status| PartnershipFilter {
            statuses: vec![status],
            limit: 200,
            ..PartnershipFilter::default()
        };
        let (_, recorded) = mitra
            .partnerships(&Actor::Operator, all(PartnershipStatus::Signed))
            .await
            .expect("list");
        let report = mitra.recorded_ties().await.expect("ties");
        assert_eq!(
            recorded,
            report.ties.len() as u64,
            "every matched tie is recorded"
        );
        assert_eq!(
            mitra.load_recorded_partnerships().await.expect("again"),
            0,
            "loaded once"
        );

        // Bangkok and Beijing plan an activity on their tie six months from now; the rest had none since they were
        // loaded today.
        let today = time::OffsetDateTime::now_utc().date();
        let months = |n| mitra_service::domain::partnership::add_months(today, n);
        let planned = months(6).to_string();
        let editor = demo_actor(&mitra, "editor").await;
        let (bangkok, _) = mitra
            .partnerships(
                &editor,
                PartnershipFilter {
                    city: Some(CityId::parse("bangkok").expect("city")),
                    limit: 200,
                    ..PartnershipFilter::default()
                },
            )
            .await
            .expect("list");
        let beijing = bangkok
            .iter()
            .find(|p| p.invited.as_str() == "beijing")
            .expect("Bangkok – Beijing");
        mitra
            .log_activity(
                &editor,
                &beijing.id,
                &ActivityInput {
                    kind: "exchange-visit",
                    title: "Metro operators' visit",
                    starts_on: &planned,
                    ..ActivityInput::default()
                },
                "",
            )
            .await
            .expect("logged");

        // Eleven months on, nothing is dormant yet: the ties entered Mitra today.
        assert_eq!(
            mitra
                .mark_dormant_partnerships(months(11), 12)
                .await
                .expect("sweep"),
            0
        );
        // Thirteen months on, every tie without activity is dormant; the one with the visit is not.
        let marked = mitra
            .mark_dormant_partnerships(months(13), 12)
            .await
            .expect("sweep");
        assert_eq!(marked, recorded - 1);
        let (_, active) = mitra
            .partnerships(&Actor::Operator, all(PartnershipStatus::Active))
            .await
            .expect("list");
        assert_eq!(active, 1);
        assert_eq!(
            mitra
                .mark_dormant_partnerships(months(18), 12)
                .await
                .expect("sweep"),
            1,
            "the visit's partnership goes dormant twelve months after it"
        );
        // Bangkok's government is told about each of its ties that went dormant, from Mitra itself.
        let (notes, _) = mitra.notifications(&editor, 100).await.expect("notes");
        let dormant: Vec<_> = notes
            .iter()
            .filter(|n| n.kind == NotificationKind::PartnershipDormant)
            .collect();
        assert!(!dormant.is_empty());
        assert!(dormant.iter().all(|n| n.from.is_none()));
        assert!(dormant.iter().all(|n| matches!(
            &n.about,
            NotificationAbout::Partnership { cities, .. }
                if cities.0.as_str() == "bangkok" || cities.1.as_str() == "bangkok"
        )));
        // A dormant tie revives with an activity.
        let revived = bangkok
            .iter()
            .find(|p| p.invited.as_str() == "shanghai")
            .expect("Bangkok – Shanghai");
        mitra
            .log_activity(
                &editor,
                &revived.id,
                &ActivityInput {
                    kind: "youth-exchange",
                    title: "School orchestra exchange",
                    starts_on: &planned,
                    ..ActivityInput::default()
                },
                "",
            )
            .await
            .expect("revived");
        let view = mitra
            .partnership(&Actor::Anonymous, &revived.id)
            .await
            .expect("view");
        assert_eq!(view.record.status, PartnershipStatus::Active);
    })
    .await;
}
