//! Contract for expressions of interest: threads, their status under concurrent decisions, notifications and mail.

use mitra_domain::interest::{InterestId, InterestStatus, MailFrequency, NotificationKind, Side};
use mitra_domain::{ModerationStatus, OrgKind};
use mitra_store::{ConflictKind, InterestFilter, NewInterest, Store, StoreError, ThreadChange};
use time::OffsetDateTime;

use crate::accounts::{account, org};
use crate::entries::{entry, with_status};
use crate::support::{for_each_backend, load_sample, operator};

fn interest_id(n: u8) -> InterestId {
    InterestId::parse(&format!("0193a4b5-c6d7-7e8f-9a0b-1c2d3e4f50{n:02x}")).expect("id")
}

/// Two organisations, an account in each, and an opportunity published by the first.
async fn parties(
    store: &dyn Store,
) -> (
    mitra_domain::OrgId,
    mitra_domain::OrgId,
    mitra_domain::AccountId,
    mitra_domain::AccountId,
    mitra_domain::EntryId,
) {
    load_sample(store).await;
    let (ana, bo) = (account(1, "ana@example.org"), account(2, "bo@example.org"));
    store.insert_account(&ana, &operator()).await.expect("ana");
    store.insert_account(&bo, &operator()).await.expect("bo");
    let publisher = org(
        "bangkok-metropolitan-administration",
        OrgKind::CityGovernment,
        Some("bangkok"),
    );
    let buyer = org("shenzhen-sensors", OrgKind::Enterprise, None);
    store
        .insert_org(&publisher, Some(&ana.account.id), &operator())
        .await
        .expect("publisher");
    store
        .insert_org(&buyer, Some(&bo.account.id), &operator())
        .await
        .expect("buyer");
    let project = entry("bkk-flood", "Flood sensors wanted");
    store
        .put_entries(
            &with_status(std::slice::from_ref(&project), ModerationStatus::Approved),
            Some(&publisher.id),
            &operator(),
        )
        .await
        .expect("entry");
    (
        publisher.id,
        buyer.id,
        ana.account.id,
        bo.account.id,
        project.id,
    )
}

#[tokio::test]
async fn a_thread_keeps_its_messages_and_one_organisation_has_one_going_thread_per_opportunity() {
    for_each_backend(|store| async move {
        let (publisher, buyer, ana, bo, project) = parties(store.as_ref()).await;
        let first = interest_id(1);
        let notify = [ana.clone()];
        let new = NewInterest {
            id: &first,
            entry: &project,
            interested: &buyer,
            author: Some(&bo),
            message: "We make flood sensors.",
            notify: &notify,
        };
        store
            .create_interest(&new, &operator())
            .await
            .expect("express");
        let second = interest_id(2);
        let again = store
            .create_interest(
                &NewInterest {
                    id: &second,
                    ..new.clone()
                },
                &operator(),
            )
            .await
            .expect_err("one going thread");
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

        let record = store.find_interest(&first).await.expect("find");
        assert_eq!(record.status, InterestStatus::Open);
        assert_eq!(
            record.publisher.as_ref().map(|p| &p.id),
            Some(&publisher),
            "the publisher is the entry's owner"
        );
        assert_eq!(
            (record.interested.id.clone(), record.messages),
            (buyer.clone(), 1)
        );

        let reply_to = [bo.clone()];
        store
            .change_thread(
                &ThreadChange {
                    interest: &first,
                    from: InterestStatus::Open,
                    to: InterestStatus::InDiscussion,
                    side: Side::Publisher,
                    org: &publisher,
                    author: Some(&ana),
                    message: Some("Tell us more."),
                    notify: (NotificationKind::MessageReceived, &reply_to),
                },
                &operator(),
            )
            .await
            .expect("reply");
        let messages = store
            .list_interest_messages(&first)
            .await
            .expect("messages");
        assert_eq!(
            messages
                .iter()
                .map(|m| (
                    m.position,
                    m.side,
                    m.author_name.as_deref(),
                    m.body.as_str()
                ))
                .collect::<Vec<_>>(),
            [
                (
                    1,
                    Side::Interested,
                    Some("Person 2"),
                    "We make flood sensors."
                ),
                (2, Side::Publisher, Some("Person 1"), "Tell us more."),
            ]
        );

        // Closed, the organisation may start again.
        store
            .change_thread(
                &ThreadChange {
                    interest: &first,
                    from: InterestStatus::InDiscussion,
                    to: InterestStatus::Closed,
                    side: Side::Interested,
                    org: &buyer,
                    author: Some(&bo),
                    message: None,
                    notify: (NotificationKind::InterestWithdrawn, &notify),
                },
                &operator(),
            )
            .await
            .expect("withdraw");
        store
            .create_interest(
                &NewInterest {
                    id: &second,
                    ..new.clone()
                },
                &operator(),
            )
            .await
            .expect("a new thread after the closed one");

        let inbox = store
            .list_interests(&InterestFilter {
                orgs: vec![publisher.clone()],
                entry: None,
                limit: 10,
            })
            .await
            .expect("inbox");
        assert_eq!(
            inbox.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
            [second.clone(), first.clone()],
            "newest change first"
        );
        let of_others = store
            .list_interests(&InterestFilter {
                orgs: vec![mitra_domain::OrgId::parse("someone-else").expect("org")],
                entry: None,
                limit: 10,
            })
            .await
            .expect("inbox");
        assert!(
            of_others.is_empty(),
            "an organisation that is no party sees no thread"
        );

        let (ana_sees, unread) = store
            .list_notifications(&ana, 10)
            .await
            .expect("notifications");
        assert_eq!(
            ana_sees.iter().map(|n| n.kind).collect::<Vec<_>>(),
            [
                NotificationKind::InterestReceived,
                NotificationKind::InterestWithdrawn,
                NotificationKind::InterestReceived
            ]
        );
        assert_eq!(unread, 3);
        let newest = ana_sees[0].id;
        assert_eq!(
            store
                .mark_notifications_read(&ana, newest, &operator())
                .await
                .expect("read"),
            3
        );
        assert_eq!(
            store.list_notifications(&ana, 10).await.expect("again").1,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn of_two_concurrent_decisions_on_a_thread_exactly_one_is_written() {
    for_each_backend(|store| async move {
        let (publisher, buyer, ana, bo, project) = parties(store.as_ref()).await;
        let id = interest_id(3);
        store
            .create_interest(
                &NewInterest {
                    id: &id,
                    entry: &project,
                    interested: &buyer,
                    author: Some(&bo),
                    message: "Hello.",
                    notify: &[],
                },
                &operator(),
            )
            .await
            .expect("express");
        let accept = {
            let (store, id, publisher, ana) =
                (store.clone(), id.clone(), publisher.clone(), ana.clone());
            tokio::spawn(async move {
                store
                    .change_thread(
                        &ThreadChange {
                            interest: &id,
                            from: InterestStatus::Open,
                            to: InterestStatus::Agreed,
                            side: Side::Publisher,
                            org: &publisher,
                            author: Some(&ana),
                            message: None,
                            notify: (NotificationKind::InterestAccepted, &[]),
                        },
                        &operator(),
                    )
                    .await
            })
        };
        let withdraw = {
            let (store, id, buyer, bo) = (store.clone(), id.clone(), buyer.clone(), bo.clone());
            tokio::spawn(async move {
                store
                    .change_thread(
                        &ThreadChange {
                            interest: &id,
                            from: InterestStatus::Open,
                            to: InterestStatus::Closed,
                            side: Side::Interested,
                            org: &buyer,
                            author: Some(&bo),
                            message: Some("We found another buyer."),
                            notify: (NotificationKind::InterestWithdrawn, &[]),
                        },
                        &operator(),
                    )
                    .await
            })
        };
        let results = [accept.await.expect("task"), withdraw.await.expect("task")];
        let written = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(written, 1, "{results:?}");
        assert!(results.iter().any(|r| matches!(
            r,
            Err(StoreError::Conflict {
                kind: ConflictKind::Changed,
                ..
            })
        )));
        let record = store.find_interest(&id).await.expect("find");
        let messages = store.list_interest_messages(&id).await.expect("messages");
        if results[0].is_ok() {
            assert_eq!(
                (record.status, messages.len()),
                (InterestStatus::Agreed, 1),
                "the refused withdrawal left no message"
            );
        } else {
            assert_eq!((record.status, messages.len()), (InterestStatus::Closed, 2));
        }
    })
    .await;
}

#[tokio::test]
async fn mail_is_due_at_once_daily_or_weekly_as_each_account_chose() {
    for_each_backend(|store| async move {
        let (_publisher, buyer, ana, bo, project) = parties(store.as_ref()).await;
        assert_eq!(
            store.mail_frequency(&ana).await.expect("default"),
            MailFrequency::Daily
        );
        let id = interest_id(4);
        let notify = [ana.clone()];
        store
            .create_interest(
                &NewInterest {
                    id: &id,
                    entry: &project,
                    interested: &buyer,
                    author: Some(&bo),
                    message: "Hello.",
                    notify: &notify,
                },
                &operator(),
            )
            .await
            .expect("express");
        let now = OffsetDateTime::now_utc();
        let due = store.mail_due(now, &[]).await.expect("due");
        assert!(
            store
                .mail_due(now, std::slice::from_ref(&bo))
                .await
                .expect("due")
                .is_empty(),
            "asked for other accounts only, none is due"
        );
        assert_eq!(
            store
                .mail_due(now, std::slice::from_ref(&ana))
                .await
                .expect("due"),
            due,
            "asked for the account notified, its mail"
        );
        assert_eq!(due.len(), 1, "a first daily digest is due at once");
        assert_eq!(
            (due[0].account.clone(), due[0].notifications.len()),
            (ana.clone(), 1)
        );
        let up_to = due[0].notifications[0].id;
        let claimed = store
            .mark_mailed(&ana, up_to, true, now, &operator())
            .await
            .expect("mailed");
        assert_eq!(claimed, 1);
        let again = store
            .mark_mailed(&ana, up_to, true, now, &operator())
            .await
            .expect("mailed");
        assert_eq!(again, 0, "a second node finds nothing left to send");
        assert!(
            store.mail_due(now, &[]).await.expect("due").is_empty(),
            "nothing new"
        );

        // Something new an hour later waits for tomorrow's digest, unless the account asked for every mail at once.
        let later = now + time::Duration::hours(1);
        let second = interest_id(5);
        let other = crate::entries::entry("bkk-bus", "Bus partner wanted");
        store
            .put_entries(
                &with_status(std::slice::from_ref(&other), ModerationStatus::Approved),
                Some(&_publisher),
                &operator(),
            )
            .await
            .expect("entry");
        store
            .create_interest(
                &NewInterest {
                    id: &second,
                    entry: &other.id,
                    interested: &buyer,
                    author: Some(&bo),
                    message: "Hi.",
                    notify: &notify,
                },
                &operator(),
            )
            .await
            .expect("express");
        assert!(
            store.mail_due(later, &[]).await.expect("due").is_empty(),
            "the daily digest waits"
        );
        assert_eq!(
            store
                .mail_due(now + time::Duration::hours(25), &[])
                .await
                .expect("due")
                .len(),
            1
        );
        store
            .set_mail_frequency(&ana, MailFrequency::Immediately, &operator())
            .await
            .expect("set");
        assert_eq!(
            store.mail_due(later, &[]).await.expect("due").len(),
            1,
            "mailed at once"
        );
        store
            .set_mail_frequency(&ana, MailFrequency::Never, &operator())
            .await
            .expect("set");
        assert!(
            store
                .mail_due(now + time::Duration::days(30), &[])
                .await
                .expect("due")
                .is_empty()
        );
        store
            .set_mail_frequency(&ana, MailFrequency::Weekly, &operator())
            .await
            .expect("set");
        assert!(
            store
                .mail_due(now + time::Duration::days(6), &[])
                .await
                .expect("due")
                .is_empty()
        );
        assert_eq!(
            store
                .mail_due(now + time::Duration::days(7), &[])
                .await
                .expect("due")
                .len(),
            1
        );
    })
    .await;
}
