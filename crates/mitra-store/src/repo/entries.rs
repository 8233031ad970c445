//! Entries of the knowledge exchange ([`EntryStore`]): each kept whole as a JSON document with its moderation state,
//! and the enrolments and attachment records that belong to an entry. The files attached are kept outside the
//! database; this file only records which entry shows which file.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{AccountId, Entry, EntryId, ModerationStatus, OrgId, PageRequest};
use serde_json::{Value, json};
use sqlx::types::Json;
use time::OffsetDateTime;

use super::dialect::{Db, DbStore};
use super::journal::{WriteTx, journal};
use super::{corrupt, key_after};
use crate::{
    Attachment, Enrolment, EntryImport, EntryStore, EntryWrites, IndexedEntry, StoreError,
    StoredEntry,
};

const COLUMNS: &str = "id, owner_org, status, rejection_reason, document, created_by, created_at, \
     updated_by, updated_at";

/// A page of entries in the order of their ids, after the id `$1` ([`key_after`]), at most `$2`.
fn list_entries_sql() -> String {
    format!("select {COLUMNS} from entries where id > $1 order by id limit $2")
}

/// An `entries` row.
#[derive(sqlx_macros::FromRow)]
struct EntryRow {
    id: String,
    owner_org: Option<String>,
    status: String,
    rejection_reason: Option<String>,
    document: Json<Entry>,
    created_by: String,
    created_at: OffsetDateTime,
    updated_by: String,
    updated_at: OffsetDateTime,
}

impl EntryRow {
    fn into_stored(self) -> Result<StoredEntry, StoreError> {
        let bad = |e| corrupt("entries", &self.id, e);
        Ok(StoredEntry {
            owner_org: self
                .owner_org
                .as_deref()
                .map(OrgId::parse)
                .transpose()
                .map_err(bad)?,
            status: ModerationStatus::parse(&self.status).map_err(bad)?,
            entry: self.document.0,
            rejection_reason: self.rejection_reason,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

/// An `enrolments` row with the account's name and address.
#[derive(sqlx_macros::FromRow)]
struct EnrolmentRow {
    account_id: String,
    display_name: String,
    email: String,
    enrolled_at: OffsetDateTime,
}

impl EnrolmentRow {
    fn into_enrolment(self) -> Result<Enrolment, StoreError> {
        Ok(Enrolment {
            account: AccountId::parse(&self.account_id)
                .map_err(|e| corrupt("enrolments", &self.account_id, e))?,
            display_name: self.display_name,
            email: self.email,
            enrolled_at: self.enrolled_at,
        })
    }
}

/// An `attachments` row.
#[derive(sqlx_macros::FromRow)]
struct AttachmentRow {
    sha256: String,
    name: String,
    content_type: String,
    size: i64,
    created_by: String,
    created_at: OffsetDateTime,
}

impl From<AttachmentRow> for Attachment {
    fn from(row: AttachmentRow) -> Self {
        Attachment {
            sha256: row.sha256,
            name: row.name,
            content_type: row.content_type,
            size: u64::try_from(row.size).unwrap_or(0),
            created_by: row.created_by,
            created_at: row.created_at,
        }
    }
}

#[async_trait]
impl EntryStore for DbStore {
    async fn put_entries(
        &self,
        entries: &[(Entry, ModerationStatus)],
        owner: Option<&OrgId>,
        actor: &AuditStamp,
    ) -> Result<EntryWrites, StoreError> {
        let mut import = self.begin_entry_import(owner, actor).await?;
        let writes = import.put(entries).await?;
        import.commit().await?;
        Ok(writes)
    }

    async fn begin_entry_import(
        &self,
        owner: Option<&OrgId>,
        actor: &AuditStamp,
    ) -> Result<Box<dyn EntryImport>, StoreError> {
        Ok(Box::new(Import {
            tx: WriteTx::begin(&self.pool).await?,
            owner: owner.cloned(),
            actor: actor.clone(),
            now: OffsetDateTime::now_utc(),
        }))
    }

    async fn find_entry(&self, id: &EntryId) -> Result<StoredEntry, StoreError> {
        let row: EntryRow = sqlx::query_as(&format!("select {COLUMNS} from entries where id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "entry",
                id: id.to_string(),
            })?;
        row.into_stored()
    }

    async fn find_entries(&self, ids: &[EntryId]) -> Result<Vec<StoredEntry>, StoreError> {
        find_entries_on(&mut *self.pool.acquire().await?, ids).await
    }

    async fn list_entries(&self, page: &PageRequest) -> Result<Vec<StoredEntry>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(&list_entries_sql())
            .bind(key_after(page.after.as_deref()))
            .bind(i64::from(page.limit))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(EntryRow::into_stored).collect()
    }

    async fn list_entries_for_index(
        &self,
        page: &PageRequest,
    ) -> Result<Vec<IndexedEntry>, StoreError> {
        let after = key_after(page.after.as_deref());
        let by_rows = || async {
            let stored = self.list_entries(page).await?;
            Ok(stored.into_iter().map(IndexedEntry::from).collect())
        };
        let Some(sql) = super::dialect::INDEX_PAGE_AS_ONE_ROW else {
            return by_rows().await;
        };
        let one_row: Result<(i64, String), _> = sqlx::query_as(sql)
            .bind(after)
            .bind(i64::from(page.limit))
            .fetch_one(&self.pool)
            .await;
        let (count, rows) = match one_row {
            Ok(row) => row,
            // A page too large for one value (SQLITE_TOOBIG: a billion bytes) is read row by row.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("18") => {
                return by_rows().await;
            }
            Err(e) => return Err(e.into()),
        };
        let place = format!("a page after {after:?}");
        let bad = |e: &dyn std::fmt::Display| corrupt("entries", &place, e);
        let mut rows: Vec<(String, String, Option<i64>, Entry)> =
            serde_json::from_str(&rows).map_err(|e| bad(&e))?;
        // The page comes in the order its rows were read, which is the listing's; it is put in that order should
        // it ever not be.
        if !rows.is_sorted_by(|a, b| a.0 < b.0) {
            rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        }
        if i64::try_from(rows.len()).ok() != Some(count) {
            return Err(bad(&format!("{count} rows, {} read", rows.len())));
        }
        rows.into_iter()
            .map(|(id, status, updated, entry)| {
                let bad = |e: &dyn std::fmt::Display| corrupt("entries", &id, e);
                Ok(IndexedEntry {
                    status: ModerationStatus::parse(&status).map_err(|e| bad(&e))?,
                    updated_unix: updated.ok_or_else(|| bad(&"updated_at is not a time"))?,
                    entry,
                })
            })
            .collect()
    }

    async fn count_entries(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("select count(*) as n from entries")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn moderate_entry(
        &self,
        id: &EntryId,
        status: ModerationStatus,
        reason: Option<&str>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let (was, was_reason): (String, Option<String>) =
            sqlx::query_as("select status, rejection_reason from entries where id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    entity: "entry",
                    id: id.to_string(),
                })?;
        sqlx::query(
            "update entries set status = $2, rejection_reason = $3, updated_at = $4 where id = $1",
        )
        .bind(id.as_str())
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let before = json!({"status": was, "rejection_reason": was_reason});
        let after = json!({"status": status.as_str(), "rejection_reason": reason});
        let action = match status {
            ModerationStatus::Approved => "approve",
            ModerationStatus::Rejected => "reject",
            ModerationStatus::Pending => "resubmit",
        };
        journal(
            &mut tx,
            now,
            actor,
            action,
            "entry",
            id.as_str(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn entries_with_status(
        &self,
        status: ModerationStatus,
        limit: u32,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "select {COLUMNS} from entries where status = $1 order by updated_at, id limit $2"
        ))
        .bind(status.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(EntryRow::into_stored).collect()
    }

    async fn enrol(
        &self,
        entry: &EntryId,
        account: &AccountId,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let added = sqlx::query(
            "insert into enrolments (entry_id, account_id, enrolled_at) values ($1, $2, $3) \
             on conflict do nothing",
        )
        .bind(entry.as_str())
        .bind(account.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if added {
            let after = json!({"entry": entry.as_str(), "account": account.as_str()});
            let key = format!("{entry}/{account}");
            journal(
                &mut tx,
                now,
                actor,
                "insert",
                "enrolment",
                &key,
                None,
                Some(&after),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn withdraw(
        &self,
        entry: &EntryId,
        account: &AccountId,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let removed = sqlx::query("delete from enrolments where entry_id = $1 and account_id = $2")
            .bind(entry.as_str())
            .bind(account.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if removed {
            let before = json!({"entry": entry.as_str(), "account": account.as_str()});
            let key = format!("{entry}/{account}");
            journal(
                &mut tx,
                now,
                actor,
                "delete",
                "enrolment",
                &key,
                Some(&before),
                None,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    async fn list_enrolments(&self, entry: &EntryId) -> Result<Vec<Enrolment>, StoreError> {
        let rows: Vec<EnrolmentRow> = sqlx::query_as(
            "select e.account_id, a.display_name, a.email, e.enrolled_at from enrolments e \
             join accounts a on a.id = e.account_id where e.entry_id = $1 \
             order by e.enrolled_at, e.account_id",
        )
        .bind(entry.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(EnrolmentRow::into_enrolment).collect()
    }

    async fn add_attachment(
        &self,
        entry: &EntryId,
        file: &Attachment,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let added = sqlx::query(
            "insert into attachments (entry_id, sha256, name, content_type, size, created_by, \
             created_at) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
        )
        .bind(entry.as_str())
        .bind(&file.sha256)
        .bind(&file.name)
        .bind(&file.content_type)
        .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
        .bind(actor.as_str())
        .bind(file.created_at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if added {
            let after = json!({
                "entry": entry.as_str(), "sha256": file.sha256, "name": file.name,
                "content_type": file.content_type, "size": file.size,
            });
            let key = format!("{entry}/{}", file.sha256);
            journal(
                &mut tx,
                file.created_at,
                actor,
                "insert",
                "attachment",
                &key,
                None,
                Some(&after),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn list_attachments(&self, entry: &EntryId) -> Result<Vec<Attachment>, StoreError> {
        let rows: Vec<AttachmentRow> = sqlx::query_as(
            "select sha256, name, content_type, size, created_by, created_at from attachments \
             where entry_id = $1 order by created_at, sha256",
        )
        .bind(entry.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Attachment::from).collect())
    }

    async fn remove_attachment(
        &self,
        entry: &EntryId,
        sha256: &str,
        actor: &AuditStamp,
    ) -> Result<bool, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let name: Option<String> =
            sqlx::query_scalar("select name from attachments where entry_id = $1 and sha256 = $2")
                .bind(entry.as_str())
                .bind(sha256)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(name) = name else {
            return Ok(false);
        };
        sqlx::query("delete from attachments where entry_id = $1 and sha256 = $2")
            .bind(entry.as_str())
            .bind(sha256)
            .execute(&mut *tx)
            .await?;
        let before = json!({"entry": entry.as_str(), "sha256": sha256, "name": name});
        let key = format!("{entry}/{sha256}");
        journal(
            &mut tx,
            now,
            actor,
            "delete",
            "attachment",
            &key,
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn attachment_in_use(&self, sha256: &str) -> Result<bool, StoreError> {
        let found: Option<i32> = sqlx::query_scalar(
            "select 1 as one from attachments where sha256 = $1 \
                 union all select 1 as one from partnership_documents where sha256 = $1 limit 1",
        )
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    async fn delete_entry(&self, id: &EntryId, actor: &AuditStamp) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before: Json<Value> = sqlx::query_scalar("select document from entries where id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "entry",
                id: id.to_string(),
            })?;
        sqlx::query("delete from entries where id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        journal(
            &mut tx,
            now,
            actor,
            "delete",
            "entry",
            id.as_str(),
            Some(&before.0),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The entries of `ids` that exist, read on `conn`.
async fn find_entries_on(
    conn: &mut <Db as sqlx::Database>::Connection,
    ids: &[EntryId],
) -> Result<Vec<StoredEntry>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(super::IN_LIST_CHUNK) {
        let sql = format!(
            "select {COLUMNS} from entries where id in ({})",
            super::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, EntryRow>(&sql);
        for id in chunk {
            query = query.bind(id.as_str());
        }
        for row in query.fetch_all(&mut *conn).await? {
            out.push(row.into_stored()?);
        }
    }
    Ok(out)
}

/// Entries written in one transaction over several calls ([`EntryStore::begin_entry_import`]).
struct Import {
    tx: WriteTx,
    owner: Option<OrgId>,
    actor: AuditStamp,
    now: OffsetDateTime,
}

#[async_trait]
impl EntryImport for Import {
    async fn existing(&mut self, ids: &[EntryId]) -> Result<Vec<StoredEntry>, StoreError> {
        find_entries_on(&mut self.tx, ids).await
    }

    async fn put(
        &mut self,
        entries: &[(Entry, ModerationStatus)],
    ) -> Result<EntryWrites, StoreError> {
        let (now, actor, owner) = (self.now, &self.actor, self.owner.as_ref());
        let tx = &mut self.tx;
        let mut writes = EntryWrites::default();
        for (entry, status) in entries {
            let before: Option<(Json<Value>, String)> =
                sqlx::query_as("select document, status from entries where id = $1")
                    .bind(entry.id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
            let after = serde_json::to_value(entry)
                .map_err(|e| StoreError::Other(anyhow::anyhow!("entry {}: {e}", entry.id)))?;
            let action = match &before {
                Some((Json(before), was)) if *before == after && was == status.as_str() => {
                    writes.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    writes.updated += 1;
                    sqlx::query(
                        "update entries set kind = $2, document = $3, updated_by = $4, updated_at \
                         = $5, status = $6, rejection_reason = null where id = $1",
                    )
                    .bind(entry.id.as_str())
                    .bind(entry.kind().tag())
                    .bind(Json(&after))
                    .bind(actor.as_str())
                    .bind(now)
                    .bind(status.as_str())
                    .execute(&mut **tx)
                    .await?;
                    "update"
                }
                None => {
                    writes.inserted += 1;
                    sqlx::query(
                        "insert into entries (id, kind, owner_org, document, created_by, \
                         created_at, updated_by, updated_at, status) values ($1, $2, $3, $4, $5, \
                         $6, $5, $6, $7)",
                    )
                    .bind(entry.id.as_str())
                    .bind(entry.kind().tag())
                    .bind(owner.map(|o| o.as_str()))
                    .bind(Json(&after))
                    .bind(actor.as_str())
                    .bind(now)
                    .bind(status.as_str())
                    .execute(&mut **tx)
                    .await?;
                    "insert"
                }
            };
            let before = before.map(|(Json(document), _)| document);
            journal(
                tx,
                now,
                actor,
                action,
                "entry",
                entry.id.as_str(),
                before.as_ref(),
                Some(&after),
            )
            .await?;
        }
        Ok(writes)
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::list_entries_sql;
    use crate::test_support::Engine;

    #[tokio::test]
    async fn a_page_of_entries_after_a_cursor_seeks_to_it_in_the_index() {
        let database = Engine::Sqlite.fresh().await;
        crate::connect(&database.url)
            .await
            .expect("create the database")
            .close()
            .await;
        let mut connection = sqlx::SqliteConnection::connect(&database.url)
            .await
            .expect("connect");
        for after in ["", "synthetic-500000"] {
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("explain query plan {}", list_entries_sql()))
                    .bind(after)
                    .bind(1000_i64)
                    .fetch_all(&mut connection)
                    .await
                    .expect("plan");
            assert!(
                plan.iter()
                    .any(|(.., step)| step.starts_with("SEARCH") && step.contains("(id>?)")),
                "the page starts where the index has the cursor, not at the first entry: {plan:?}"
            );
        }
    }
}
