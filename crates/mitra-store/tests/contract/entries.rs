//! Contract for the knowledge exchange's entries.

use crate::support::operator;
use mitra_domain::access::AuditStamp;
use std::collections::BTreeSet;

use mitra_domain::entry::{Details, SourceLink};
use mitra_domain::{
    CityId, ContentLanguage, Entry, EntryId, EntryText, ModerationStatus, OrgId, OrgKind,
    OrgProfile, Organisation, PageRequest, TextOrigin,
};
use mitra_store::{EntryWrites, StoreError};

use crate::sample;
use crate::support::{for_each_backend, load_sample};

/// The entries with one moderation status, as the store writes them.
pub(crate) fn with_status(
    entries: &[Entry],
    status: ModerationStatus,
) -> Vec<(Entry, ModerationStatus)> {
    entries.iter().map(|e| (e.clone(), status)).collect()
}

pub(crate) fn entry(id: &str, title: &str) -> Entry {
    Entry {
        id: EntryId::parse(id).expect("id"),
        texts: vec![
            EntryText {
                lang: ContentLanguage::En,
                origin: TextOrigin::Original,
                title: title.into(),
                summary: "What was done, and where.".into(),
                body: String::new(),
            },
            EntryText {
                lang: ContentLanguage::ZhHans,
                origin: TextOrigin::MachineTranslation,
                title: "洪水管理".into(),
                summary: "做了什么，在哪里。".into(),
                body: String::new(),
            },
        ],
        cities: vec![CityId::parse("bangkok").expect("city")],
        organisations: vec!["Bangkok Metropolitan Administration".into()],
        challenges: BTreeSet::new(),
        focus_areas: BTreeSet::new(),
        sdgs: [11].into(),
        indicators: Vec::new(),
        tags: BTreeSet::new(),
        year_from: Some(2018),
        year_to: None,
        sources: vec![SourceLink {
            title: "Example source".into(),
            url: Some("https://example.org/a".into()),
            retrieved: Some("2026-12-03".into()),
        }],
        example: false,
        details: Details::Practice {
            evidence: Vec::new(),
            outcome: Some("Reported in 2020.".into()),
        },
    }
}

/// The search index reads every entry through `list_entries_for_index` (on SQLite, a page as one row of JSON): it
/// must give, page by page, what the listing holds, texts with quotes, backslashes, control characters and other
/// scripts included.
#[tokio::test]
async fn the_index_reads_what_the_listing_holds() {
    for_each_backend(|store| async move {
        load_sample(store.as_ref()).await;
        let mut tricky = entry("ha-noi-drains", "Drains \"in\" \\ Hà Nội\n\t\u{1f}\u{1e}");
        tricky.texts[1].summary = "排水 ‘’ น้ำท่วม".into();
        let written = [
            (
                entry("bkk-flood", "Flood tunnels"),
                ModerationStatus::Approved,
            ),
            (tricky, ModerationStatus::Pending),
            (entry("bkk-bus", "Bus lanes"), ModerationStatus::Rejected),
            (entry("cm-air", "Clean air"), ModerationStatus::Approved),
            (entry("dn-ports", "Ports"), ModerationStatus::Approved),
        ];
        store
            .put_entries(&written, None, &AuditStamp::system("demo"))
            .await
            .expect("put");

        let listed = store
            .list_entries(&PageRequest {
                limit: 100,
                after: None,
            })
            .await
            .expect("list");
        let mut read = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_entries_for_index(&PageRequest { limit: 2, after })
                .await
                .expect("page");
            assert!(page.len() <= 2);
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.entry.id.to_string());
            read.extend(page);
        }
        assert_eq!(read.len(), written.len());
        for (indexed, stored) in read.iter().zip(&listed) {
            assert_eq!(
                indexed.entry, stored.entry,
                "every field comes back as written"
            );
            assert_eq!(indexed.status, stored.status, "{}", stored.entry.id);
            assert_eq!(indexed.updated_unix, stored.updated_at.unix_timestamp());
        }
    })
    .await;
}

#[tokio::test]
async fn entries_are_kept_whole_and_journalled_once_per_change() {
    for_each_backend(|store| async move {
        let start = load_sample(store.as_ref()).await;
        let (a, b) = (
            entry("bkk-flood", "Flood tunnels"),
            entry("bkk-bus", "Bus lanes"),
        );
        let writes = store
            .put_entries(
                &with_status(&[a.clone(), b.clone()], ModerationStatus::Approved),
                None,
                &AuditStamp::system("demo"),
            )
            .await
            .expect("put");
        assert_eq!(
            writes,
            EntryWrites {
                inserted: 2,
                updated: 0,
                unchanged: 0
            }
        );

        let found = store.find_entry(&a.id).await.expect("find");
        assert_eq!(found.entry, a, "every field comes back as written");
        assert_eq!(
            (found.owner_org, found.created_by.as_str()),
            (None, "system:demo")
        );

        let mut changed = b.clone();
        changed.texts[0].title = "Bus priority lanes".into();
        let writes = store
            .put_entries(
                &with_status(&[a.clone(), changed.clone()], ModerationStatus::Approved),
                None,
                &operator(),
            )
            .await
            .expect("put again");
        assert_eq!(
            writes,
            EntryWrites {
                inserted: 0,
                updated: 1,
                unchanged: 1
            }
        );
        let again = store.find_entry(&b.id).await.expect("find");
        assert_eq!(again.entry, changed);
        assert_eq!(
            (again.created_by.as_str(), again.updated_by.as_str()),
            ("system:demo", "operator")
        );

        let feed: Vec<(String, String)> = store
            .list_changes_since(start, 100)
            .await
            .expect("feed")
            .into_iter()
            .map(|c| (c.entity_id, c.operation))
            .collect();
        assert_eq!(
            feed,
            [
                ("bkk-flood".into(), "insert".into()),
                ("bkk-bus".into(), "insert".into()),
                ("bkk-bus".into(), "update".into())
            ]
        );

        let page = store
            .list_entries(&PageRequest {
                limit: 1,
                after: None,
            })
            .await
            .expect("page");
        assert_eq!(
            page.iter().map(|s| s.entry.id.as_str()).collect::<Vec<_>>(),
            ["bkk-bus"]
        );
        let next = store
            .list_entries(&PageRequest {
                limit: 5,
                after: Some("bkk-bus".into()),
            })
            .await
            .expect("next");
        assert_eq!(
            next.iter().map(|s| s.entry.id.as_str()).collect::<Vec<_>>(),
            ["bkk-flood"]
        );
        let some = store
            .find_entries(&[a.id.clone(), EntryId::parse("missing").expect("id")])
            .await
            .expect("some");
        assert_eq!(some.len(), 1);
        assert_eq!(store.count_entries().await.expect("count"), 2);

        store
            .delete_entry(&a.id, &operator())
            .await
            .expect("delete");
        assert!(matches!(
            store.find_entry(&a.id).await,
            Err(StoreError::NotFound {
                entity: "entry",
                ..
            })
        ));
        assert!(matches!(
            store.delete_entry(&a.id, &operator()).await,
            Err(StoreError::NotFound { .. })
        ));
        let last = store
            .list_changes_since(start, 100)
            .await
            .expect("feed")
            .pop()
            .expect("one");
        assert_eq!(
            (
                last.entity.as_str(),
                last.entity_id.as_str(),
                last.operation.as_str()
            ),
            ("entry", "bkk-flood", "delete")
        );
    })
    .await;
}

#[tokio::test]
async fn an_entry_keeps_its_publishing_organisation() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "h")
            .await
            .expect("reference");
        let kind = OrgKind::CityGovernment;
        let profile = OrgProfile::parse(
            kind,
            "City of Bangkok",
            None,
            "TH",
            Some("bangkok"),
            None,
            "City.",
            None,
        )
        .expect("profile");
        let org = Organisation {
            id: OrgId::parse("bangkok-city").expect("org"),
            kind,
            profile,
            status: ModerationStatus::Approved,
            rejection_reason: None,
        };
        store
            .insert_org(&org, None, &operator())
            .await
            .expect("org");
        let a = entry("bkk-flood", "Flood tunnels");
        store
            .put_entries(
                &with_status(std::slice::from_ref(&a), ModerationStatus::Approved),
                Some(&org.id),
                &operator(),
            )
            .await
            .expect("put");
        assert_eq!(
            store.find_entry(&a.id).await.expect("find").owner_org,
            Some(org.id.clone())
        );
    })
    .await;
}

#[tokio::test]
async fn enrolments_keep_their_order_are_journalled_and_go_with_their_entry() {
    use mitra_domain::entry::{LocalTime, TrainingFormat};

    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "h")
            .await
            .expect("reference");
        let mut training = entry("gis-course", "GIS for city planners");
        let at = |at: &str| LocalTime {
            at: at.into(),
            timezone: "Asia/Jakarta".into(),
        };
        training.details = Details::Training {
            provider: "Example university".into(),
            topic: "GIS".into(),
            format: TrainingFormat::Online,
            language: ContentLanguage::Id,
            starts: at("2027-03-01T09:00"),
            ends: at("2027-03-05T16:00"),
            seats: 1,
        };
        store
            .put_entries(
                &with_status(std::slice::from_ref(&training), ModerationStatus::Approved),
                None,
                &operator(),
            )
            .await
            .expect("put");
        let people = [
            crate::accounts::account(1, "ana@example.org"),
            crate::accounts::account(2, "budi@example.org"),
            crate::accounts::account(3, "chen@example.org"),
        ];
        for person in &people {
            store
                .insert_account(person, &operator())
                .await
                .expect("account");
        }
        let id = |n: usize| &people[n].account.id;
        for n in [1, 0, 2] {
            assert!(
                store
                    .enrol(&training.id, id(n), &operator())
                    .await
                    .expect("enrol")
            );
        }
        assert!(
            !store
                .enrol(&training.id, id(0), &operator())
                .await
                .expect("again"),
            "enrolling twice keeps the first place"
        );
        let order: Vec<_> = store
            .list_enrolments(&training.id)
            .await
            .expect("list")
            .into_iter()
            .map(|e| e.email)
            .collect();
        assert_eq!(
            order,
            ["budi@example.org", "ana@example.org", "chen@example.org"]
        );
        let newest = &store.list_audit_entries(1).await.expect("audit")[0];
        assert_eq!(
            (newest.entity.as_str(), newest.action.as_str()),
            ("enrolment", "insert")
        );

        assert!(
            store
                .withdraw(&training.id, id(1), &operator())
                .await
                .expect("withdraw")
        );
        assert!(
            !store
                .withdraw(&training.id, id(1), &operator())
                .await
                .expect("twice")
        );
        let first = &store.list_enrolments(&training.id).await.expect("list")[0];
        assert_eq!(first.email, "ana@example.org", "the waiting list moves up");

        store
            .delete_entry(&training.id, &operator())
            .await
            .expect("delete");
        assert!(
            store
                .list_enrolments(&training.id)
                .await
                .expect("list")
                .is_empty(),
            "enrolments go with their entry"
        );
    })
    .await;
}

#[tokio::test]
async fn attachments_are_listed_in_order_shared_by_content_and_go_with_their_entry() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "h")
            .await
            .expect("reference");
        let a = entry("bkk-flood", "Flood tunnels");
        let b = entry("bkk-canals", "Canal sensors");
        store
            .put_entries(
                &with_status(&[a.clone(), b.clone()], ModerationStatus::Approved),
                None,
                &operator(),
            )
            .await
            .expect("put");
        let file = |sha: &str, name: &str, second: i64| mitra_store::Attachment {
            sha256: sha.repeat(64),
            name: name.into(),
            content_type: "application/pdf".into(),
            size: 1_234,
            created_by: operator().as_str().into(),
            created_at: time::OffsetDateTime::from_unix_timestamp(1_800_000_000 + second)
                .expect("time"),
        };
        let report = file("a", "Report 2019.pdf", 1);
        let map = file("b", "地图.pdf", 0);
        assert!(
            store
                .add_attachment(&a.id, &report, &operator())
                .await
                .expect("add")
        );
        assert!(
            store
                .add_attachment(&a.id, &map, &operator())
                .await
                .expect("add")
        );
        assert!(
            !store
                .add_attachment(&a.id, &report, &operator())
                .await
                .expect("again"),
            "one file is attached once"
        );
        assert!(
            store
                .add_attachment(&b.id, &report, &operator())
                .await
                .expect("shared")
        );
        let listed = store.list_attachments(&a.id).await.expect("list");
        assert_eq!(listed, vec![map.clone(), report.clone()]);
        let newest = &store.list_audit_entries(1).await.expect("audit")[0];
        assert_eq!(newest.entity, "attachment");

        assert!(
            store
                .remove_attachment(&a.id, &report.sha256, &operator())
                .await
                .expect("remove")
        );
        assert!(
            !store
                .remove_attachment(&a.id, &report.sha256, &operator())
                .await
                .expect("twice")
        );
        assert!(
            store.attachment_in_use(&report.sha256).await.expect("use"),
            "still shown by the other entry"
        );
        store
            .delete_entry(&b.id, &operator())
            .await
            .expect("delete");
        assert!(
            !store.attachment_in_use(&report.sha256).await.expect("use"),
            "attachment records go with their entry"
        );
        assert!(store.attachment_in_use(&map.sha256).await.expect("use"));
    })
    .await;
}

#[tokio::test]
async fn entries_wait_for_moderation_and_keep_the_reason_of_a_rejection() {
    for_each_backend(|store| async move {
        store
            .apply_reference(&sample(), 1, "h")
            .await
            .expect("reference");
        let a = entry("bkk-flood", "Flood tunnels");
        let b = entry("bkk-canals", "Canal sensors");
        store
            .put_entries(
                &with_status(&[a.clone(), b.clone()], ModerationStatus::Pending),
                None,
                &operator(),
            )
            .await
            .expect("put");
        let waiting = store
            .entries_with_status(ModerationStatus::Pending, 10)
            .await
            .expect("queue");
        assert_eq!(waiting.len(), 2);
        store
            .moderate_entry(
                &a.id,
                ModerationStatus::Rejected,
                Some("Add a source."),
                &operator(),
            )
            .await
            .expect("reject");
        let rejected = store.find_entry(&a.id).await.expect("find");
        assert_eq!(
            (rejected.status, rejected.rejection_reason.as_deref()),
            (ModerationStatus::Rejected, Some("Add a source."))
        );
        let newest = &store.list_audit_entries(1).await.expect("audit")[0];
        assert_eq!(
            (newest.entity.as_str(), newest.action.as_str()),
            ("entry", "reject")
        );
        let writes = store
            .put_entries(
                &with_status(std::slice::from_ref(&a), ModerationStatus::Pending),
                None,
                &operator(),
            )
            .await
            .expect("resubmit");
        assert_eq!(writes.updated, 1, "a change of status alone is a write");
        let again = store.find_entry(&a.id).await.expect("find");
        assert_eq!(
            (again.status, again.rejection_reason),
            (ModerationStatus::Pending, None),
            "a resubmission clears the reason"
        );
        store
            .moderate_entry(&b.id, ModerationStatus::Approved, None, &operator())
            .await
            .expect("approve");
        assert_eq!(
            store
                .entries_with_status(ModerationStatus::Approved, 10)
                .await
                .expect("approved")
                .len(),
            1
        );
        assert!(matches!(
            store
                .moderate_entry(
                    &EntryId::parse("nothing").expect("id"),
                    ModerationStatus::Approved,
                    None,
                    &operator()
                )
                .await,
            Err(StoreError::NotFound { .. })
        ));
    })
    .await;
}
