//! The entry repository shared by both backends; see `shared.rs` for why this is a macro. It expands in the same
//! module as `impl_store!` and uses its `journal`.

/// Expands [`crate::EntryStore`] for `$store`.
macro_rules! impl_entry_store {
    ($store:ty, $db:ty) => {
        mod entry_rows {
            use mitra_domain::{Entry, OrgId};
            use sqlx::Row as _;
            use sqlx::types::Json;

            use crate::StoreError;
            use crate::entries::StoredEntry;

            pub(super) type DbRow = <$db as sqlx::Database>::Row;

            pub(super) const COLUMNS: &str =
                "id, owner_org, status, rejection_reason, document, created_by, created_at, updated_by, updated_at";

            pub(super) fn stored(row: &DbRow) -> Result<StoredEntry, StoreError> {
                let corrupt = |e: &dyn std::fmt::Display| {
                    StoreError::Other(anyhow::anyhow!("corrupt row in entries: {e}"))
                };
                let Json(entry): Json<Entry> = row.try_get("document")?;
                let owner: Option<String> = row.try_get("owner_org")?;
                let status: String = row.try_get("status")?;
                Ok(StoredEntry {
                    entry,
                    owner_org: owner.as_deref().map(OrgId::parse).transpose().map_err(|e| corrupt(&e))?,
                    status: mitra_domain::ModerationStatus::parse(&status).map_err(|e| corrupt(&e))?,
                    rejection_reason: row.try_get("rejection_reason")?,
                    created_by: row.try_get("created_by")?,
                    created_at: row.try_get("created_at")?,
                    updated_by: row.try_get("updated_by")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }
        }

        #[async_trait]
        impl crate::EntryStore for $store {
            async fn put_entries(
                &self,
                entries: &[(mitra_domain::Entry, mitra_domain::ModerationStatus)],
                owner: Option<&mitra_domain::OrgId>,
                actor: &str,
            ) -> Result<crate::EntryWrites, StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut writes = crate::EntryWrites::default();
                let mut tx = WriteTx::begin(&self.pool).await?;
                for (entry, status) in entries {
                    let before = sqlx::query("select document, status from entries where id = $1")
                        .bind(entry.id.as_str())
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|row| -> Result<(Json<Value>, String), sqlx::Error> {
                            Ok((row.try_get("document")?, row.try_get("status")?))
                        })
                        .transpose()?;
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
                                "update entries set kind = $2, document = $3, updated_by = $4, updated_at = $5, \
                                 status = $6, rejection_reason = null where id = $1",
                            )
                            .bind(entry.id.as_str())
                            .bind(entry.kind().tag())
                            .bind(Json(&after))
                            .bind(actor)
                            .bind(now)
                            .bind(status.as_str())
                            .execute(&mut *tx)
                            .await?;
                            "update"
                        }
                        None => {
                            writes.inserted += 1;
                            sqlx::query(
                                "insert into entries (id, kind, owner_org, document, created_by, created_at, \
                                 updated_by, updated_at, status) values ($1, $2, $3, $4, $5, $6, $5, $6, $7)",
                            )
                            .bind(entry.id.as_str())
                            .bind(entry.kind().tag())
                            .bind(owner.map(|o| o.as_str()))
                            .bind(Json(&after))
                            .bind(actor)
                            .bind(now)
                            .bind(status.as_str())
                            .execute(&mut *tx)
                            .await?;
                            "insert"
                        }
                    };
                    let before = before.map(|(document, _)| document);
                    let before = before.map(|Json(v)| v);
                    journal(&mut tx, now, actor, action, "entry", entry.id.as_str(), before.as_ref(), Some(&after)).await?;
                }
                tx.commit().await?;
                Ok(writes)
            }

            async fn find_entry(&self, id: &mitra_domain::EntryId) -> Result<crate::StoredEntry, StoreError> {
                let row = sqlx::query(&format!("select {} from entries where id = $1", entry_rows::COLUMNS))
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "entry", id: id.to_string() })?;
                entry_rows::stored(&row)
            }

            async fn find_entries(&self, ids: &[mitra_domain::EntryId]) -> Result<Vec<crate::StoredEntry>, StoreError> {
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(500) {
                    let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                    let sql = format!(
                        "select {} from entries where id in ({})",
                        entry_rows::COLUMNS,
                        placeholders.join(", ")
                    );
                    let mut query = sqlx::query(&sql);
                    for id in chunk {
                        query = query.bind(id.as_str());
                    }
                    for row in query.fetch_all(&self.pool).await? {
                        out.push(entry_rows::stored(&row)?);
                    }
                }
                Ok(out)
            }

            async fn list_entries(&self, page: &PageRequest) -> Result<Vec<crate::StoredEntry>, StoreError> {
                let rows = sqlx::query(&format!(
                    "select {} from entries where ($1 is null or id > $1) order by id limit $2",
                    entry_rows::COLUMNS
                ))
                .bind(page.after.as_deref())
                .bind(i64::from(page.limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(entry_rows::stored).collect()
            }

            async fn count_entries(&self) -> Result<u64, StoreError> {
                let count: i64 = sqlx::query("select count(*) as n from entries").fetch_one(&self.pool).await?.try_get("n")?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn moderate_entry(
                &self,
                id: &mitra_domain::EntryId,
                status: mitra_domain::ModerationStatus,
                reason: Option<&str>,
                actor: &str,
            ) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let row = sqlx::query("select status, rejection_reason from entries where id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "entry", id: id.to_string() })?;
                let was: String = row.try_get("status")?;
                let was_reason: Option<String> = row.try_get("rejection_reason")?;
                sqlx::query("update entries set status = $2, rejection_reason = $3, updated_at = $4 where id = $1")
                    .bind(id.as_str())
                    .bind(status.as_str())
                    .bind(reason)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let before = serde_json::json!({"status": was, "rejection_reason": was_reason});
                let after = serde_json::json!({"status": status.as_str(), "rejection_reason": reason});
                let action = match status {
                    mitra_domain::ModerationStatus::Approved => "approve",
                    mitra_domain::ModerationStatus::Rejected => "reject",
                    mitra_domain::ModerationStatus::Pending => "resubmit",
                };
                journal(&mut tx, now, actor, action, "entry", id.as_str(), Some(&before), Some(&after)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn entries_with_status(
                &self,
                status: mitra_domain::ModerationStatus,
                limit: u32,
            ) -> Result<Vec<crate::StoredEntry>, StoreError> {
                let rows = sqlx::query(&format!(
                    "select {} from entries where status = $1 order by updated_at, id limit $2",
                    entry_rows::COLUMNS
                ))
                .bind(status.as_str())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(entry_rows::stored).collect()
            }

            async fn enrol(
                &self,
                entry: &mitra_domain::EntryId,
                account: &mitra_domain::AccountId,
                actor: &str,
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
                    let after = serde_json::json!({"entry": entry.as_str(), "account": account.as_str()});
                    let key = format!("{entry}/{account}");
                    journal(&mut tx, now, actor, "insert", "enrolment", &key, None, Some(&after)).await?;
                }
                tx.commit().await?;
                Ok(added)
            }

            async fn withdraw(
                &self,
                entry: &mitra_domain::EntryId,
                account: &mitra_domain::AccountId,
                actor: &str,
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
                    let before = serde_json::json!({"entry": entry.as_str(), "account": account.as_str()});
                    let key = format!("{entry}/{account}");
                    journal(&mut tx, now, actor, "delete", "enrolment", &key, Some(&before), None).await?;
                }
                tx.commit().await?;
                Ok(removed)
            }

            async fn list_enrolments(
                &self,
                entry: &mitra_domain::EntryId,
            ) -> Result<Vec<crate::Enrolment>, StoreError> {
                let rows = sqlx::query(
                    "select e.account_id, a.display_name, a.email, e.enrolled_at from enrolments e \
                     join accounts a on a.id = e.account_id where e.entry_id = $1 \
                     order by e.enrolled_at, e.account_id",
                )
                .bind(entry.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let account: String = row.try_get("account_id")?;
                        Ok(crate::Enrolment {
                            account: mitra_domain::AccountId::parse(&account)
                                .map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt row in enrolments: {e}")))?,
                            display_name: row.try_get("display_name")?,
                            email: row.try_get("email")?,
                            enrolled_at: row.try_get("enrolled_at")?,
                        })
                    })
                    .collect()
            }

            async fn add_attachment(
                &self,
                entry: &mitra_domain::EntryId,
                file: &crate::Attachment,
            ) -> Result<bool, StoreError> {
                let mut tx = WriteTx::begin(&self.pool).await?;
                let added = sqlx::query(
                    "insert into attachments (entry_id, sha256, name, content_type, size, created_by, created_at) \
                     values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing",
                )
                .bind(entry.as_str())
                .bind(&file.sha256)
                .bind(&file.name)
                .bind(&file.content_type)
                .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
                .bind(&file.created_by)
                .bind(file.created_at)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if added {
                    let after = serde_json::json!({
                        "entry": entry.as_str(), "sha256": file.sha256, "name": file.name,
                        "content_type": file.content_type, "size": file.size,
                    });
                    let key = format!("{entry}/{}", file.sha256);
                    journal(&mut tx, file.created_at, &file.created_by, "insert", "attachment", &key, None, Some(&after))
                        .await?;
                }
                tx.commit().await?;
                Ok(added)
            }

            async fn list_attachments(
                &self,
                entry: &mitra_domain::EntryId,
            ) -> Result<Vec<crate::Attachment>, StoreError> {
                let rows = sqlx::query(
                    "select sha256, name, content_type, size, created_by, created_at from attachments \
                     where entry_id = $1 order by created_at, sha256",
                )
                .bind(entry.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let size: i64 = row.try_get("size")?;
                        Ok(crate::Attachment {
                            sha256: row.try_get("sha256")?,
                            name: row.try_get("name")?,
                            content_type: row.try_get("content_type")?,
                            size: u64::try_from(size).unwrap_or(0),
                            created_by: row.try_get("created_by")?,
                            created_at: row.try_get("created_at")?,
                        })
                    })
                    .collect()
            }

            async fn remove_attachment(
                &self,
                entry: &mitra_domain::EntryId,
                sha256: &str,
                actor: &str,
            ) -> Result<bool, StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let row = sqlx::query("select name from attachments where entry_id = $1 and sha256 = $2")
                    .bind(entry.as_str())
                    .bind(sha256)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    return Ok(false);
                };
                let name: String = row.try_get("name")?;
                sqlx::query("delete from attachments where entry_id = $1 and sha256 = $2")
                    .bind(entry.as_str())
                    .bind(sha256)
                    .execute(&mut *tx)
                    .await?;
                let before = serde_json::json!({"entry": entry.as_str(), "sha256": sha256, "name": name});
                let key = format!("{entry}/{sha256}");
                journal(&mut tx, now, actor, "delete", "attachment", &key, Some(&before), None).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn attachment_in_use(&self, sha256: &str) -> Result<bool, StoreError> {
                Ok(sqlx::query("select 1 as one from attachments where sha256 = $1 limit 1")
                    .bind(sha256)
                    .fetch_optional(&self.pool)
                    .await?
                    .is_some())
            }

            async fn delete_entry(&self, id: &mitra_domain::EntryId, actor: &str) -> Result<(), StoreError> {
                let now = OffsetDateTime::now_utc();
                let mut tx = WriteTx::begin(&self.pool).await?;
                let before: Json<Value> = sqlx::query("select document from entries where id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound { entity: "entry", id: id.to_string() })?
                    .try_get("document")?;
                sqlx::query("delete from entries where id = $1").bind(id.as_str()).execute(&mut *tx).await?;
                journal(&mut tx, now, actor, "delete", "entry", id.as_str(), Some(&before.0), None).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_entry_store;
