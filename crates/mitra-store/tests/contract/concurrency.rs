//! Contract under concurrent writers: they queue instead of failing, and a follower of the change feed misses no
//! change, although on PostgreSQL transactions commit in another order than they insert.

use crate::support::operator;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mitra_domain::ModerationStatus;
use mitra_store::Store;

use crate::entries::{entry, with_status};
use crate::support::{for_each_backend, load_sample};

/// Writers of single entries, each writing this many in turn.
const WRITERS: usize = 4;
const WRITES_EACH: usize = 50;
/// Entries of the bulk write that runs at the same time.
const BULK: usize = 2_000;

/// Writes everything: `WRITERS` tasks of `WRITES_EACH` single entries and one bulk write of `BULK` entries, all at
/// once. Returns every id written; panics on the first failed write.
async fn write_concurrently(store: &Arc<dyn Store>) -> BTreeSet<String> {
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..WRITES_EACH {
                let e = entry(&format!("w{writer}-{n}"), "Single write");
                store
                    .put_entries(&[(e, ModerationStatus::Approved)], None, &operator())
                    .await
                    .unwrap_or_else(|err| panic!("writer {writer}, write {n}: {err}"));
                ids.push(format!("w{writer}-{n}"));
            }
            ids
        }));
    }
    let bulk_store = store.clone();
    tasks.push(tokio::spawn(async move {
        let entries: Vec<_> = (0..BULK)
            .map(|n| entry(&format!("bulk-{n}"), "Bulk write"))
            .collect();
        bulk_store
            .put_entries(
                &with_status(&entries, ModerationStatus::Approved),
                None,
                &operator(),
            )
            .await
            .unwrap_or_else(|err| panic!("bulk write: {err}"));
        entries.iter().map(|e| e.id.to_string()).collect()
    }));
    let mut all = BTreeSet::new();
    for task in tasks {
        all.extend(task.await.expect("writer task"));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_queue_and_a_follower_of_the_feed_misses_none_of_their_changes() {
    for_each_backend(|store| async move {
        let start = load_sample(store.as_ref()).await;
        // The follower reads the feed as the search index does, moving its position past what it has read, for
        // as long as the writers write.
        let done = Arc::new(AtomicBool::new(false));
        let follower = {
            let (store, done) = (store.clone(), done.clone());
            tokio::spawn(async move {
                let (mut after, mut seen) = (start, BTreeSet::new());
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let changes = store.list_changes_since(after, 500).await.expect("follow");
                    for change in &changes {
                        assert!(change.seq > after, "the feed goes forward");
                        after = change.seq;
                        seen.insert(change.entity_id.clone());
                    }
                    if finished && changes.is_empty() {
                        return seen;
                    }
                    tokio::task::yield_now().await;
                }
            })
        };
        let written = write_concurrently(&store).await;
        done.store(true, Ordering::SeqCst);
        let seen = follower.await.expect("follower");
        assert_eq!(written.len(), WRITERS * WRITES_EACH + BULK);
        let missed: Vec<&String> = written.difference(&seen).collect();
        assert!(
            missed.is_empty(),
            "the follower missed {} of {} changes, e.g. {:?}",
            missed.len(),
            written.len(),
            missed.iter().take(5).collect::<Vec<_>>()
        );
        assert_eq!(
            store.count_entries().await.expect("count"),
            written.len() as u64
        );
    })
    .await;
}
