//! A value derived from the store and rebuilt when what it was built from changes ([`Refreshing`]).

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::ServiceError;

/// The last value built, rebuilt by one caller at a time. While one caller rebuilds it, the others are answered
/// at once with the value before, so that a page never queues behind a rebuild once there is a value: a burst of
/// readers after a write costs one rebuild, not one each. A caller with nothing to show (the first) waits for it.
pub(crate) struct Refreshing<V> {
    held: Mutex<Option<Arc<V>>>,
    turn: tokio::sync::Mutex<()>,
}

impl<V> Default for Refreshing<V> {
    fn default() -> Self {
        Self {
            held: Mutex::new(None),
            turn: tokio::sync::Mutex::new(()),
        }
    }
}

impl<V> Refreshing<V> {
    /// The value last built, if any.
    pub(crate) fn held(&self) -> Option<Arc<V>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A value newer than `seen`, which the caller found out of date (`None`: there was none): the one `build`
    /// makes, or one another caller has just made. While another caller is building, `seen` itself.
    pub(crate) async fn rebuilt<F, Fut>(
        &self,
        seen: Option<Arc<V>>,
        build: F,
    ) -> Result<Arc<V>, ServiceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, ServiceError>>,
    {
        let _turn = match (self.turn.try_lock(), &seen) {
            (Ok(turn), _) => turn,
            (Err(_), Some(seen)) => return Ok(seen.clone()),
            (Err(_), None) => self.turn.lock().await,
        };
        if let Some(held) = self.held()
            && !seen.as_ref().is_some_and(|s| Arc::ptr_eq(s, &held))
        {
            // Built by another caller while this one waited for its turn.
            return Ok(held);
        }
        let built = Arc::new(build().await?);
        *self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(built.clone());
        Ok(built)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_burst_of_callers_costs_one_rebuild_and_none_waits_for_it() {
        let value: Refreshing<usize> = Refreshing::default();
        let first = value
            .rebuilt(None, || async { Ok(1) })
            .await
            .expect("first");
        assert_eq!(*first, 1);

        let builds = AtomicUsize::new(0);
        let (gate_open, gate) = tokio::sync::oneshot::channel::<()>();
        let slow = value.rebuilt(Some(first.clone()), || async {
            builds.fetch_add(1, Ordering::SeqCst);
            gate.await.ok();
            Ok(2)
        });
        tokio::pin!(slow);
        // The slow rebuild holds the turn; a caller meanwhile gets the value before, at once.
        assert!(futures_poll_once(slow.as_mut()).await.is_none());
        let meanwhile = value
            .rebuilt(Some(first.clone()), || async {
                builds.fetch_add(1, Ordering::SeqCst);
                Ok(3)
            })
            .await
            .expect("meanwhile");
        assert_eq!(*meanwhile, 1);
        gate_open.send(()).expect("open");
        assert_eq!(*slow.await.expect("slow"), 2);
        assert_eq!(builds.load(Ordering::SeqCst), 1);

        // A caller that saw the old value after the rebuild gets the new one without building again.
        let late = value
            .rebuilt(Some(first), || async { Ok(4) })
            .await
            .expect("late");
        assert_eq!(*late, 2);
        assert_eq!(value.held().map(|v| *v), Some(2));
    }

    #[tokio::test]
    async fn a_failed_rebuild_keeps_the_value_before() {
        let value: Refreshing<usize> = Refreshing::default();
        let first = value
            .rebuilt(None, || async { Ok(1) })
            .await
            .expect("first");
        let failed = value
            .rebuilt(Some(first), || async {
                Err(ServiceError::Internal(anyhow::anyhow!("store down")))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(value.held().map(|v| *v), Some(1));
    }

    /// Polls `future` once: its output if it is ready.
    async fn futures_poll_once<F: Future + Unpin>(future: F) -> Option<F::Output> {
        let mut future = future;
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut future).poll(cx) {
                std::task::Poll::Ready(out) => Some(out),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
