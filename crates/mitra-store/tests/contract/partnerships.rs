//! Contract for city partnerships: one going per pair of cities, moves decided against the status they were read
//! at (so concurrent writers cannot move one twice), activities, visibility of proposals, recorded ties, dormancy
//! candidates and the notifications they cause.

use mitra_domain::interest::NotificationKind;
use mitra_domain::partnership::{
    Activity, ActivityKind, Origin, PartnershipId, PartnershipKind, PartnershipStatus, PartySide,
    Signing,
};
use mitra_domain::{CityId, IndicatorId, ModerationStatus, OrgKind};
use mitra_store::{
    Attachment, ChangeDetails, ConflictKind, NewPartnership, NotificationAbout, OutcomeRecord,
    PartnershipChange, PartnershipFilter, RecordedPartnership, Store, StoreError,
};
use time::macros::date;

use crate::accounts::{account, org};
use crate::support::{for_each_backend, load_sample, operator};

fn pid(n: u8) -> PartnershipId {
    PartnershipId::parse(&format!("0193a4b5-c6d7-7e8f-9a0b-1c2d3e4f60{n:02x}")).expect("id")
}

fn city(id: &str) -> CityId {
    CityId::parse(id).expect("city")
}

/// Bangkok's and Nanning's governments, an editor in each: (bangkok editor, nanning editor).
async fn governments(
    store: &dyn Store,
) -> (
    mitra_domain::AccountId,
    mitra_domain::AccountId,
    mitra_domain::OrgId,
) {
    load_sample(store).await;
    let (ana, bo) = (account(1, "ana@example.org"), account(2, "bo@example.org"));
    store.insert_account(&ana, &operator()).await.expect("ana");
    store.insert_account(&bo, &operator()).await.expect("bo");
    let mut bangkok = org(
        "bangkok-metropolitan-administration",
        OrgKind::CityGovernment,
        Some("bangkok"),
    );
    bangkok.status = ModerationStatus::Approved;
    let mut nanning = org(
        "nanning-government",
        OrgKind::CityGovernment,
        Some("nanning"),
    );
    nanning.status = ModerationStatus::Approved;
    store
        .insert_org(&bangkok, Some(&ana.account.id), &operator())
        .await
        .expect("bangkok");
    store
        .insert_org(&nanning, Some(&bo.account.id), &operator())
        .await
        .expect("nanning");
    (ana.account.id, bo.account.id, bangkok.id)
}

#[tokio::test]
async fn two_cities_have_one_going_partnership_whichever_proposed() {
    for_each_backend(|store| async move {
        let (ana, bo, bangkok_gov) = governments(store.as_ref()).await;
        let (bkk, nn) = (city("bangkok"), city("nanning"));
        let editors = store.city_government_editors(&nn).await.expect("editors");
        assert_eq!(editors.len(), 1, "{editors:?}");
        assert_eq!(editors[0].0, bo);
        let notify = [bo.clone()];
        let first = pid(1);
        let new = NewPartnership {
            id: &first,
            proposer: &bkk,
            invited: &nn,
            kind: PartnershipKind::Cooperation,
            title: "Flood resilience",
            org: Some(&bangkok_gov),
            author: Some(&ana),
            message: "Shall we work on flood sensors together?",
            notify: &notify,
        };
        store
            .create_partnership(&new, &operator())
            .await
            .expect("propose");
        let reverse = pid(2);
        let again = store
            .create_partnership(
                &NewPartnership {
                    id: &reverse,
                    proposer: &nn,
                    invited: &bkk,
                    ..new.clone()
                },
                &operator(),
            )
            .await
            .expect_err("one going per pair");
        assert!(
            matches!(
                again,
                StoreError::Conflict {
                    kind: ConflictKind::Unique,
                    ..
                }
            ),
            "{again:?}"
        );
        let record = store.find_partnership(&first).await.expect("find");
        assert_eq!(record.status, PartnershipStatus::Proposed);
        assert_eq!(record.origin, Origin::Proposed);
        assert_eq!(record.side_of(&nn), Some(PartySide::Invited));
        assert_eq!(
            record.proposed_by.as_ref().map(|o| &o.id),
            Some(&bangkok_gov)
        );
        assert_eq!(record.messages, 1);

        // Bo is told, and the notification names the partnership and its cities.
        let (notes, unread) = store.list_notifications(&bo, 10).await.expect("notes");
        assert_eq!(unread, 1);
        assert_eq!(notes[0].kind, NotificationKind::PartnershipProposed);
        assert_eq!(
            notes[0].about,
            NotificationAbout::Partnership {
                partnership: first.clone(),
                cities: (bkk.clone(), nn.clone()),
            }
        );
        assert_eq!(notes[0].from.as_ref().map(|o| &o.id), Some(&bangkok_gov));

        // A declined proposal frees the pair.
        store
            .change_partnership(
                &PartnershipChange {
                    id: &first,
                    from: PartnershipStatus::Proposed,
                    to: PartnershipStatus::Declined,
                    side: Some(PartySide::Invited),
                    org: None,
                    author: Some(&bo),
                    details: ChangeDetails {
                        message: Some("Not this year."),
                        ..ChangeDetails::default()
                    },
                    notify: (
                        NotificationKind::PartnershipChanged,
                        std::slice::from_ref(&ana),
                    ),
                },
                &operator(),
            )
            .await
            .expect("decline");
        store
            .create_partnership(
                &NewPartnership {
                    id: &reverse,
                    proposer: &nn,
                    invited: &bkk,
                    ..new.clone()
                },
                &operator(),
            )
            .await
            .expect("a new one after the first was declined");
        let messages = store
            .list_partnership_messages(&first)
            .await
            .expect("thread");
        assert_eq!(
            messages
                .iter()
                .map(|m| (m.position, m.side, m.body.as_str()))
                .collect::<Vec<_>>(),
            [
                (
                    1,
                    PartySide::Proposer,
                    "Shall we work on flood sensors together?"
                ),
                (2, PartySide::Invited, "Not this year."),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_move_decided_on_a_stale_status_is_refused_and_writes_nothing() {
    for_each_backend(|store| async move {
        let (ana, bo, _) = governments(store.as_ref()).await;
        let (bkk, nn) = (city("bangkok"), city("nanning"));
        let id = pid(3);
        store
            .create_partnership(
                &NewPartnership {
                    id: &id,
                    proposer: &bkk,
                    invited: &nn,
                    kind: PartnershipKind::SisterCity,
                    title: "Sister cities",
                    org: None,
                    author: Some(&ana),
                    message: "Hello",
                    notify: &[],
                },
                &operator(),
            )
            .await
            .expect("propose");
        let accept = PartnershipChange {
            id: &id,
            from: PartnershipStatus::Proposed,
            to: PartnershipStatus::Discussing,
            side: Some(PartySide::Invited),
            org: None,
            author: Some(&bo),
            details: ChangeDetails::default(),
            notify: (NotificationKind::PartnershipChanged, &[]),
        };
        store
            .change_partnership(&accept, &operator())
            .await
            .expect("accept");
        let stale = store
            .change_partnership(
                &PartnershipChange {
                    to: PartnershipStatus::Declined,
                    details: ChangeDetails {
                        message: Some("No"),
                        ..ChangeDetails::default()
                    },
                    ..accept.clone()
                },
                &operator(),
            )
            .await
            .expect_err("stale");
        assert!(
            matches!(
                stale,
                StoreError::Conflict {
                    kind: ConflictKind::Changed,
                    ..
                }
            ),
            "{stale:?}"
        );
        let record = store.find_partnership(&id).await.expect("find");
        assert_eq!(record.status, PartnershipStatus::Discussing);
        assert_eq!(record.messages, 1, "the refused move wrote no message");
        let missing = store
            .change_partnership(
                &PartnershipChange {
                    id: &pid(99),
                    ..accept.clone()
                },
                &operator(),
            )
            .await
            .expect_err("missing");
        assert!(
            matches!(missing, StoreError::NotFound { .. }),
            "{missing:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn signing_and_activities_move_the_day_dormancy_counts_from() {
    for_each_backend(|store| async move {
        let (ana, bo, _) = governments(store.as_ref()).await;
        let (bkk, nn) = (city("bangkok"), city("nanning"));
        let id = pid(4);
        store
            .create_partnership(
                &NewPartnership {
                    id: &id,
                    proposer: &bkk,
                    invited: &nn,
                    kind: PartnershipKind::Friendship,
                    title: "Friendship",
                    org: None,
                    author: Some(&ana),
                    message: "Hello",
                    notify: &[],
                },
                &operator(),
            )
            .await
            .expect("propose");
        let step = |from, to, details| PartnershipChange {
            id: &id,
            from,
            to,
            side: Some(PartySide::Proposer),
            org: None,
            author: Some(&ana),
            details,
            notify: (NotificationKind::PartnershipChanged, &[]),
        };
        store
            .change_partnership(
                &step(
                    PartnershipStatus::Proposed,
                    PartnershipStatus::Discussing,
                    ChangeDetails::default(),
                ),
                &operator(),
            )
            .await
            .expect("accept");
        let signing = Signing {
            signed_on: date!(2025 - 03 - 01),
            signatories: "Governor of Bangkok; Mayor of Nanning".into(),
            document: Some("https://example.org/agreement.pdf".into()),
        };
        store
            .change_partnership(
                &step(
                    PartnershipStatus::Discussing,
                    PartnershipStatus::Signed,
                    ChangeDetails {
                        signing: Some(&signing),
                        ..ChangeDetails::default()
                    },
                ),
                &operator(),
            )
            .await
            .expect("sign");
        let record = store.find_partnership(&id).await.expect("find");
        assert_eq!(record.signing.as_ref(), Some(&signing));
        assert_eq!(record.last_active_on, Some(date!(2025 - 03 - 01)));
        let candidates = store
            .dormancy_candidates(date!(2025 - 03 - 01))
            .await
            .expect("candidates");
        assert_eq!(candidates.len(), 1, "last active on the cut-off day");
        assert!(
            store
                .dormancy_candidates(date!(2025 - 02 - 28))
                .await
                .expect("candidates")
                .is_empty()
        );

        let festival = Activity {
            kind: ActivityKind::Festival,
            title: "Songkran in Nanning".into(),
            starts_on: date!(2026 - 04 - 13),
            ends_on: Some(date!(2026 - 04 - 15)),
            host: Some(PartySide::Invited),
            participants: Some(120),
            participant_names: Some("Bangkok youth orchestra".into()),
            description: None,
        };
        let older = Activity {
            kind: ActivityKind::Meeting,
            title: "Planning call".into(),
            starts_on: date!(2025 - 09 - 01),
            ends_on: None,
            host: None,
            participants: None,
            participant_names: None,
            description: None,
        };
        for (n, (from, activity)) in [
            (PartnershipStatus::Signed, &festival),
            (PartnershipStatus::Active, &older),
        ]
        .into_iter()
        .enumerate()
        {
            let activity_id = format!("0193a4b5-c6d7-7e8f-9a0b-1c2d3e4f70{n:02x}");
            store
                .change_partnership(
                    &PartnershipChange {
                        id: &id,
                        from,
                        to: PartnershipStatus::Active,
                        side: Some(PartySide::Invited),
                        org: None,
                        author: Some(&bo),
                        details: ChangeDetails {
                            activity: Some((&activity_id, activity, None)),
                            ..ChangeDetails::default()
                        },
                        notify: (NotificationKind::ActivityLogged, &[]),
                    },
                    &operator(),
                )
                .await
                .expect("activity");
        }
        let record = store.find_partnership(&id).await.expect("find");
        assert_eq!(record.status, PartnershipStatus::Active);
        assert_eq!(
            record.last_active_on,
            Some(date!(2026 - 04 - 15)),
            "an older activity logged later does not move the day back"
        );
        assert_eq!(record.activities, 2);
        let activities = store
            .list_partnership_activities(&id)
            .await
            .expect("activities");
        assert_eq!(activities[0].activity, festival, "latest first, kept whole");
        assert_eq!(activities[0].author_name.as_deref(), Some("Person 2"));
        let year = store
            .list_city_activities(&nn, 2026)
            .await
            .expect("city year");
        assert_eq!(year.len(), 1);
        assert!(
            store
                .dormancy_candidates(date!(2026 - 04 - 14))
                .await
                .expect("candidates")
                .is_empty()
        );

        store
            .put_outcome(
                &id,
                &OutcomeRecord {
                    city: bkk.clone(),
                    indicator: IndicatorId::parse("iso37120-2014:8.1").expect("indicator"),
                    note: Some("Fewer flooded streets".into()),
                    created_at: time::OffsetDateTime::now_utc(),
                },
                &operator(),
            )
            .await
            .expect("outcome");
        let outcomes = store.list_outcomes(&id).await.expect("outcomes");
        assert_eq!(outcomes.len(), 1);
        assert_eq!(outcomes[0].note.as_deref(), Some("Fewer flooded streets"));
    })
    .await;
}

#[tokio::test]
async fn proposals_are_listed_only_to_their_cities_and_recorded_ties_are_loaded_once() {
    for_each_backend(|store| async move {
        let (ana, _, _) = governments(store.as_ref()).await;
        let (bkk, nn, cm) = (city("bangkok"), city("nanning"), city("chiang-mai"));
        store
            .create_partnership(
                &NewPartnership {
                    id: &pid(5),
                    proposer: &bkk,
                    invited: &nn,
                    kind: PartnershipKind::Cooperation,
                    title: "Proposal",
                    org: None,
                    author: Some(&ana),
                    message: "Hello",
                    notify: &[],
                },
                &operator(),
            )
            .await
            .expect("propose");
        let tie = |n: u8, a: &CityId, b: &CityId| RecordedPartnership {
            id: pid(n),
            first: a.clone(),
            second: b.clone(),
            kind: PartnershipKind::SisterCity,
            title: "Sister cities".into(),
            source: "twin_cities.csv line 2".into(),
        };
        assert!(!store.has_recorded_partnerships().await.expect("none yet"));
        let written = store
            .record_partnerships(&[tie(6, &cm, &nn), tie(7, &nn, &bkk)], &operator())
            .await
            .expect("record");
        assert_eq!(written, 1, "the pair with a proposal going is left alone");
        assert!(store.has_recorded_partnerships().await.expect("some"));
        let recorded = store.find_partnership(&pid(6)).await.expect("recorded");
        assert_eq!(
            (recorded.status, recorded.origin, recorded.signing),
            (PartnershipStatus::Signed, Origin::Recorded, None)
        );

        let public = PartnershipFilter {
            private_of: Some(vec![]),
            limit: 50,
            ..PartnershipFilter::default()
        };
        let (listed, total) = store.list_partnerships(&public).await.expect("public");
        assert_eq!((listed.len(), total), (1, 1), "only the signed tie");
        let (listed, _) = store
            .list_partnerships(&PartnershipFilter {
                private_of: Some(vec![nn.clone()]),
                ..public.clone()
            })
            .await
            .expect("nanning's view");
        assert_eq!(
            listed.len(),
            2,
            "Nanning's government sees the proposal to it"
        );
        let (listed, total) = store
            .list_partnerships(&PartnershipFilter {
                city: Some(bkk.clone()),
                private_of: None,
                statuses: vec![PartnershipStatus::Proposed],
                ..public.clone()
            })
            .await
            .expect("admin view");
        assert_eq!((listed.len(), total), (1, 1));
        let (listed, total) = store
            .list_partnerships(&PartnershipFilter {
                private_of: None,
                limit: 1,
                offset: 1,
                ..public.clone()
            })
            .await
            .expect("second page");
        assert_eq!((listed.len(), total), (1, 2));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_activities_all_count_and_of_two_concurrent_decisions_one_wins() {
    for_each_backend(|store| async move {
        let (ana, bo, _) = governments(store.as_ref()).await;
        let (bkk, nn) = (city("bangkok"), city("nanning"));
        let id = pid(8);
        store
            .record_partnerships(
                &[RecordedPartnership {
                    id: id.clone(),
                    first: bkk.clone(),
                    second: nn.clone(),
                    kind: PartnershipKind::SisterCity,
                    title: "Sister cities".into(),
                    source: "list".into(),
                }],
                &operator(),
            )
            .await
            .expect("record");
        // Eight writers log an activity each on an active partnership at once: none is lost, and the latest day
        // wins whatever order they commit in.
        store
            .change_partnership(
                &PartnershipChange {
                    id: &id,
                    from: PartnershipStatus::Signed,
                    to: PartnershipStatus::Active,
                    side: Some(PartySide::Proposer),
                    org: None,
                    author: Some(&ana),
                    details: ChangeDetails {
                        work_plan: Some("Exchange visits every year"),
                        ..ChangeDetails::default()
                    },
                    notify: (NotificationKind::PartnershipChanged, &[]),
                },
                &operator(),
            )
            .await
            .expect("activate");
        let mut tasks = Vec::new();
        for n in 0..8_u8 {
            let (store, id, bo) = (store.clone(), id.clone(), bo.clone());
            tasks.push(tokio::spawn(async move {
                let activity = Activity {
                    kind: ActivityKind::ExchangeVisit,
                    title: format!("Visit {n}"),
                    starts_on: date!(2026 - 01 - 01).replace_day(n + 1).expect("day"),
                    ends_on: None,
                    host: None,
                    participants: Some(u32::from(n) + 1),
                    participant_names: None,
                    description: None,
                };
                let activity_id = format!("0193a4b5-c6d7-7e8f-9a0b-1c2d3e4f80{n:02x}");
                store
                    .change_partnership(
                        &PartnershipChange {
                            id: &id,
                            from: PartnershipStatus::Active,
                            to: PartnershipStatus::Active,
                            side: Some(PartySide::Invited),
                            org: None,
                            author: Some(&bo),
                            details: ChangeDetails {
                                activity: Some((&activity_id, &activity, None)),
                                ..ChangeDetails::default()
                            },
                            notify: (NotificationKind::ActivityLogged, &[]),
                        },
                        &operator(),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("writer {n}: {e}"));
            }));
        }
        for task in tasks {
            task.await.expect("writer");
        }
        let record = store.find_partnership(&id).await.expect("find");
        assert_eq!(record.activities, 8);
        assert_eq!(record.last_active_on, Some(date!(2026 - 01 - 08)));

        // Completing and a second completion decided on the same status: exactly one goes through.
        let complete = |author| PartnershipChange {
            id: &id,
            from: PartnershipStatus::Active,
            to: PartnershipStatus::Completed,
            side: Some(PartySide::Proposer),
            org: None,
            author: Some(author),
            details: ChangeDetails {
                message: Some("Done"),
                ..ChangeDetails::default()
            },
            notify: (NotificationKind::PartnershipChanged, &[]),
        };
        let (first, second, stamp) = (complete(&ana), complete(&bo), operator());
        let (a, b) = tokio::join!(
            store.change_partnership(&first, &stamp),
            store.change_partnership(&second, &stamp)
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{a:?} {b:?}"
        );
        assert_eq!(
            store
                .list_partnership_messages(&id)
                .await
                .expect("thread")
                .len(),
            1,
            "only the winner's message is written"
        );
    })
    .await;
}

#[tokio::test]
async fn a_partnership_keeps_one_signed_agreement_whose_file_counts_as_in_use() {
    for_each_backend(|store| async move {
        let (ana, _, _) = governments(store.as_ref()).await;
        let (bkk, nn) = (city("bangkok"), city("nanning"));
        store
            .create_partnership(
                &NewPartnership {
                    id: &pid(9),
                    proposer: &bkk,
                    invited: &nn,
                    kind: PartnershipKind::Cooperation,
                    title: "Agreement",
                    org: None,
                    author: Some(&ana),
                    message: "Hello",
                    notify: &[],
                },
                &operator(),
            )
            .await
            .expect("propose");
        let file = |sha: char, name: &str| Attachment {
            sha256: sha.to_string().repeat(64),
            name: name.into(),
            content_type: "application/pdf".into(),
            size: 1234,
            created_by: String::new(),
            created_at: time::OffsetDateTime::from_unix_timestamp(1_790_000_000).expect("time"),
        };
        let none = store
            .set_partnership_document(&pid(10), &file('a', "x.pdf"), &operator())
            .await
            .expect_err("no such partnership");
        assert!(matches!(none, StoreError::NotFound { .. }), "{none:?}");
        let first = store
            .set_partnership_document(&pid(9), &file('a', "mou.pdf"), &operator())
            .await
            .expect("first");
        assert_eq!(first, None, "nothing replaced");
        let record = store.find_partnership(&pid(9)).await.expect("find");
        let kept = record.document_file.expect("kept");
        assert_eq!((kept.name.as_str(), kept.size), ("mou.pdf", 1234));
        assert_eq!(kept.created_by, operator().as_str());
        assert!(
            store
                .attachment_in_use(&"a".repeat(64))
                .await
                .expect("in use")
        );
        let same = store
            .set_partnership_document(&pid(9), &file('a', "mou (renamed).pdf"), &operator())
            .await
            .expect("same bytes");
        assert_eq!(same, None, "the same file is not reported as replaced");
        let replaced = store
            .set_partnership_document(&pid(9), &file('b', "mou-v2.pdf"), &operator())
            .await
            .expect("replace");
        assert_eq!(replaced, Some("a".repeat(64)));
        assert!(
            !store
                .attachment_in_use(&"a".repeat(64))
                .await
                .expect("unused")
        );
        let listed = store
            .list_partnerships(&PartnershipFilter {
                city: Some(bkk.clone()),
                private_of: None,
                limit: 10,
                ..PartnershipFilter::default()
            })
            .await
            .expect("list")
            .0;
        assert_eq!(
            listed[0].document_file.as_ref().map(|f| f.name.as_str()),
            Some("mou-v2.pdf")
        );
    })
    .await;
}
