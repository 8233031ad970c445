//! The journal every write appends to: the write transaction, which holds back its change-feed entries until it
//! commits, the audit record, and reading both back ([`JournalStore`]). An aggregate's file journals its writes
//! through [`journal`]; this file must not know any aggregate's tables.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use serde_json::Value;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::dialect::{BEGIN_WRITE, Db, DbStore, FEED_LOCK, SNAPSHOT};
use crate::{AuditEntry, AuditFilter, Change, JournalStore, StoreError};

/// A write transaction. It begins with the backend's [`BEGIN_WRITE`], so that concurrent writers queue for the
/// database instead of failing, and it holds back its change-feed entries until [`WriteTx::commit`], which appends
/// them last, under the backend's [`FEED_LOCK`]: a feed entry's sequence number is then taken in commit order, and a
/// follower that has read up to N never sees a lower number appear later.
pub(super) struct WriteTx {
    tx: sqlx::Transaction<'static, Db>,
    feed: Vec<FeedEntry>,
}

/// A change-feed entry waiting for the commit.
struct FeedEntry {
    at: OffsetDateTime,
    entity: String,
    entity_id: String,
    operation: String,
}

impl std::ops::Deref for WriteTx {
    type Target = <Db as sqlx::Database>::Connection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl WriteTx {
    /// Begins a write transaction on `pool`.
    pub(super) async fn begin(pool: &sqlx::Pool<Db>) -> Result<Self, StoreError> {
        Ok(Self {
            tx: pool.begin_with(BEGIN_WRITE).await?,
            feed: Vec::new(),
        })
    }

    /// Records a change-feed entry, appended at commit.
    pub(super) fn feed(
        &mut self,
        at: OffsetDateTime,
        entity: &str,
        entity_id: &str,
        operation: &str,
    ) {
        self.feed.push(FeedEntry {
            at,
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            operation: operation.to_owned(),
        });
    }

    /// Appends the change-feed entries (in the order recorded) and commits.
    pub(super) async fn commit(mut self) -> Result<(), StoreError> {
        if !self.feed.is_empty() {
            if let Some(lock) = FEED_LOCK {
                sqlx::query(lock).execute(&mut *self.tx).await?;
            }
            // 4 parameters a row: 1 000 rows stay under both engines' limits.
            for chunk in self.feed.chunks(1000) {
                let mut sql = String::from(
                    "insert into change_feed (occurred_at, entity, entity_id, operation) values ",
                );
                for n in 0..chunk.len() {
                    let p = 4 * n;
                    if n > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4));
                }
                let mut query = sqlx::query(&sql);
                for entry in chunk {
                    query = query
                        .bind(entry.at)
                        .bind(entry.entity.as_str())
                        .bind(entry.entity_id.as_str())
                        .bind(entry.operation.as_str());
                }
                query.execute(&mut *self.tx).await?;
            }
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// Appends one audit record and one change-feed entry inside `tx`. An update records what changed ([`changed`]);
/// an insert records the new record whole and a delete the removed one, since nothing else keeps them.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per write; a struct would only rename them"
)]
pub(super) async fn journal(
    tx: &mut WriteTx,
    now: OffsetDateTime,
    actor: &AuditStamp,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<(), StoreError> {
    let (stored_before, stored_after) = match (before, after) {
        (Some(before), Some(after)) => {
            let (b, a) = changed(before, after);
            (Some(b), Some(a))
        }
        _ => (before.cloned(), after.cloned()),
    };
    sqlx::query(
        "insert into audit_log (occurred_at, actor, action, entity, entity_id, before_json, \
         after_json) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now)
    .bind(actor.as_str())
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(stored_before.as_ref().map(Json))
    .bind(stored_after.as_ref().map(Json))
    .execute(&mut **tx)
    .await?;
    tx.feed(now, entity, entity_id, action);
    Ok(())
}

/// What an update changed: the parts of `before` and of `after` that differ. Objects are compared key by key, down
/// to the first value that is not an object on both sides, which is kept whole on each side (a list that changed is
/// kept whole). A key on one side only was added or removed. Equal documents give two empty objects.
pub(super) fn changed(before: &Value, after: &Value) -> (Value, Value) {
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            let mut was = serde_json::Map::new();
            let mut is = serde_json::Map::new();
            for (key, old_value) in old {
                match new.get(key) {
                    Some(new_value) if new_value == old_value => {}
                    Some(new_value) => {
                        let (b, a) = changed(old_value, new_value);
                        was.insert(key.clone(), b);
                        is.insert(key.clone(), a);
                    }
                    None => {
                        was.insert(key.clone(), old_value.clone());
                    }
                }
            }
            for (key, new_value) in new {
                if !old.contains_key(key) {
                    is.insert(key.clone(), new_value.clone());
                }
            }
            (Value::Object(was), Value::Object(is))
        }
        _ => (before.clone(), after.clone()),
    }
}

/// An `audit_log` row.
#[derive(sqlx_macros::FromRow)]
struct AuditRow {
    id: i64,
    occurred_at: OffsetDateTime,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    before_json: Option<Json<Value>>,
    after_json: Option<Json<Value>>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        AuditEntry {
            id: row.id,
            occurred_at: row.occurred_at,
            actor: row.actor,
            action: row.action,
            entity: row.entity,
            entity_id: row.entity_id,
            before: row.before_json.map(|Json(v)| v),
            after: row.after_json.map(|Json(v)| v),
        }
    }
}

/// A `change_feed` row.
#[derive(sqlx_macros::FromRow)]
struct ChangeRow {
    seq: i64,
    occurred_at: OffsetDateTime,
    entity: String,
    entity_id: String,
    operation: String,
}

impl From<ChangeRow> for Change {
    fn from(row: ChangeRow) -> Self {
        Change {
            seq: row.seq,
            occurred_at: row.occurred_at,
            entity: row.entity,
            entity_id: row.entity_id,
            operation: row.operation,
        }
    }
}

#[async_trait]
impl JournalStore for DbStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    fn pool_state(&self) -> crate::PoolState {
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        crate::PoolState {
            open: self.pool.size(),
            idle,
            max: self.pool.options().get_max_connections(),
        }
    }

    async fn snapshot_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        let Some(statement) = SNAPSHOT else {
            return Err(StoreError::Config(
                "this database is copied with its own tools: pg_dump and pg_restore".to_owned(),
            ));
        };
        let path = path.to_str().ok_or_else(|| {
            StoreError::Config(format!("{} is not a path in UTF-8", path.display()))
        })?;
        sqlx::query(statement)
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn feed_head(&self) -> Result<i64, StoreError> {
        let head: Option<i64> = sqlx::query_scalar("select max(seq) from change_feed")
            .fetch_one(&self.pool)
            .await?;
        Ok(head.unwrap_or(0))
    }

    async fn list_audit_entries(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let filter = AuditFilter {
            limit,
            ..Default::default()
        };
        self.search_audit(&filter).await
    }

    async fn search_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "select id, occurred_at, actor, action, entity, entity_id, before_json, after_json \
             from audit_log where ($1 is null or actor = $1) and ($2 is null or entity = $2) \
             and ($3 is null or occurred_at >= $3) and ($4 is null or occurred_at < $4) \
             and id < $5 order by id desc limit $6",
        )
        .bind(filter.actor.as_deref())
        .bind(filter.entity.as_deref())
        .bind(filter.from)
        .bind(filter.to)
        // The newest first: the first page is before the greatest id, a range the index seeks to (see `key_after`).
        .bind(filter.before_id.unwrap_or(i64::MAX))
        .bind(i64::from(filter.limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    async fn list_changes_since(&self, after: i64, limit: u32) -> Result<Vec<Change>, StoreError> {
        let rows: Vec<ChangeRow> = sqlx::query_as(
            "select seq, occurred_at, entity, entity_id, operation from change_feed where seq > $1 \
             order by seq limit $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Change::from).collect())
    }

    async fn close(&self) {
        // sqlx's close can return while a connection that was being handed back to the pool is still open (it then
        // sits idle, and SQLite keeps its write-ahead log); closing again closes it. Bounded, so that a connection
        // that is never returned cannot keep a command from ending.
        for _ in 0..200 {
            self.pool.close().await;
            if self.pool.size() == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        tracing::warn!(connections = self.pool.size(), "store.close_incomplete");
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::changed;

    #[test]
    fn an_update_keeps_only_what_changed_on_each_side() {
        let before =
            json!({"id": "a", "title": {"en": "Old", "th": "เก่า"}, "tags": ["x", "y"], "gone": 1});
        let after =
            json!({"id": "a", "title": {"en": "New", "th": "เก่า"}, "tags": ["x"], "new": true});
        assert_eq!(
            changed(&before, &after),
            (
                json!({"title": {"en": "Old"}, "tags": ["x", "y"], "gone": 1}),
                json!({"title": {"en": "New"}, "tags": ["x"], "new": true}),
            )
        );
        assert_eq!(changed(&before, &before), (json!({}), json!({})));
        assert_eq!(changed(&json!(1), &json!("1")), (json!(1), json!("1")));
    }
}
