//! City partnerships ([`PartnershipStore`]): `partnerships`, `partnership_messages`, `partnership_activities` and
//! `partnership_outcomes`, with their notifications in `notifications`. Who may act is decided before a call gets
//! here; this code keeps the status from moving twice under concurrent writers.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::account::MemberRole;
use mitra_domain::interest::NotificationKind;
use mitra_domain::partnership::{
    Activity, ActivityKind, Origin, PartnershipId, PartnershipKind, PartnershipStatus, PartySide,
    Signing,
};
use mitra_domain::{AccountId, CityId, EntryId, IndicatorId, ModerationStatus, OrgId, OrgKind};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::corrupt;
use super::dialect::DbStore;
use super::journal::{WriteTx, journal};
use super::threads::{Thread, append_message, notify};
use crate::{
    ActivityRecord, Attachment, ConflictKind, NewPartnership, OrgName, OutcomeRecord,
    PartnershipChange, PartnershipFilter, PartnershipMessage, PartnershipRecord, PartnershipStore,
    RecordedPartnership, StoreError,
};

const COLUMNS: &str = "p.id, p.city_a, p.city_b, p.kind, p.status, p.origin, p.source, p.title, \
     p.proposed_by_org, o.name_en as org_en, o.name_zh as org_zh, p.signed_on, p.signatories, p.document, \
     p.work_plan, p.last_active_on, p.created_by, p.created_at, p.updated_at, \
     d.sha256 as doc_sha256, d.name as doc_name, d.content_type as doc_type, d.size as doc_size, \
     d.created_by as doc_by, d.created_at as doc_at, \
     (select count(*) from partnership_messages m where m.partnership_id = p.id) as messages, \
     (select count(*) from partnership_activities a where a.partnership_id = p.id) as activities";

const FROM: &str = "partnerships p left join organisations o on o.id = p.proposed_by_org \
     left join partnership_documents d on d.partnership_id = p.id";

/// Reads a stored day.
fn stored_day(table: &str, id: &str, raw: Option<String>) -> Result<Option<Date>, StoreError> {
    raw.map(|d| mitra_domain::partnership::day("day", &d).map_err(|e| corrupt(table, id, e)))
        .transpose()
}

#[derive(sqlx_macros::FromRow)]
struct Row {
    id: String,
    city_a: String,
    city_b: String,
    kind: String,
    status: String,
    origin: String,
    source: Option<String>,
    title: String,
    proposed_by_org: Option<String>,
    org_en: Option<String>,
    org_zh: Option<String>,
    signed_on: Option<String>,
    signatories: Option<String>,
    document: Option<String>,
    work_plan: Option<String>,
    last_active_on: Option<String>,
    created_by: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    doc_sha256: Option<String>,
    doc_name: Option<String>,
    doc_type: Option<String>,
    doc_size: Option<i64>,
    doc_by: Option<String>,
    doc_at: Option<OffsetDateTime>,
    messages: i64,
    activities: i64,
}

impl Row {
    fn into_record(self) -> Result<PartnershipRecord, StoreError> {
        let id = self.id.clone();
        let bad = |e| corrupt("partnerships", &id, e);
        let proposed_by = match (self.proposed_by_org, self.org_en) {
            (Some(org), Some(name_en)) => Some(OrgName {
                id: OrgId::parse(&org).map_err(bad)?,
                name_en,
                name_zh: self.org_zh,
            }),
            _ => None,
        };
        let signed_on = stored_day("partnerships", &id, self.signed_on)?;
        let document_file = match (
            self.doc_sha256,
            self.doc_name,
            self.doc_type,
            self.doc_size,
            self.doc_by,
            self.doc_at,
        ) {
            (
                Some(sha256),
                Some(name),
                Some(content_type),
                Some(size),
                Some(created_by),
                Some(created_at),
            ) => Some(Attachment {
                sha256,
                name,
                content_type,
                size: u64::try_from(size).unwrap_or(0),
                created_by,
                created_at,
            }),
            _ => None,
        };
        Ok(PartnershipRecord {
            id: PartnershipId::parse(&self.id).map_err(bad)?,
            proposer: CityId::parse(&self.city_a).map_err(bad)?,
            invited: CityId::parse(&self.city_b).map_err(bad)?,
            kind: PartnershipKind::parse(&self.kind).map_err(bad)?,
            status: PartnershipStatus::parse(&self.status).map_err(bad)?,
            origin: Origin::parse(&self.origin).map_err(bad)?,
            source: self.source,
            title: self.title,
            proposed_by,
            signing: signed_on.map(|signed_on| Signing {
                signed_on,
                signatories: self.signatories.unwrap_or_default(),
                document: self.document,
            }),
            document_file,
            work_plan: self.work_plan,
            last_active_on: stored_day("partnerships", &id, self.last_active_on)?,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            messages: u64::try_from(self.messages).unwrap_or(0),
            activities: u64::try_from(self.activities).unwrap_or(0),
        })
    }
}

#[derive(sqlx_macros::FromRow)]
struct MessageRow {
    partnership_id: String,
    position: i64,
    side: String,
    author: Option<String>,
    author_name: Option<String>,
    body: String,
    created_at: OffsetDateTime,
}

#[derive(sqlx_macros::FromRow)]
struct ActivityRow {
    id: String,
    partnership_id: String,
    kind: String,
    title: String,
    starts_on: String,
    ends_on: Option<String>,
    host: Option<String>,
    participants: Option<i64>,
    participant_names: Option<String>,
    description: Option<String>,
    event_entry_id: Option<String>,
    created_by: String,
    author_name: Option<String>,
    created_at: OffsetDateTime,
}

impl ActivityRow {
    fn into_record(self) -> Result<ActivityRecord, StoreError> {
        let id = self.id.clone();
        let bad = |e| corrupt("partnership_activities", &id, e);
        let starts_on = stored_day("partnership_activities", &id, Some(self.starts_on))?
            .ok_or_else(|| corrupt("partnership_activities", &id, "no first day"))?;
        Ok(ActivityRecord {
            id: self.id.clone(),
            partnership: PartnershipId::parse(&self.partnership_id).map_err(bad)?,
            activity: Activity {
                kind: ActivityKind::parse(&self.kind).map_err(bad)?,
                title: self.title,
                starts_on,
                ends_on: stored_day("partnership_activities", &id, self.ends_on)?,
                host: self
                    .host
                    .as_deref()
                    .map(PartySide::parse)
                    .transpose()
                    .map_err(bad)?,
                participants: self.participants.and_then(|n| u32::try_from(n).ok()),
                participant_names: self.participant_names,
                description: self.description,
            },
            event: self
                .event_entry_id
                .as_deref()
                .map(EntryId::parse)
                .transpose()
                .map_err(bad)?,
            created_by: self.created_by,
            author_name: self.author_name,
            created_at: self.created_at,
        })
    }
}

const ACTIVITY_SELECT: &str = "select a.id, a.partnership_id, a.kind, a.title, a.starts_on, a.ends_on, a.host, \
     a.participants, a.participant_names, a.description, a.event_entry_id, a.created_by, \
     u.display_name as author_name, a.created_at from partnership_activities a \
     left join accounts u on u.id = a.author";

/// The pair of cities in id order.
fn pair<'a>(a: &'a CityId, b: &'a CityId) -> (&'a str, &'a str) {
    if a.as_str() <= b.as_str() {
        (a.as_str(), b.as_str())
    } else {
        (b.as_str(), a.as_str())
    }
}

#[async_trait]
impl PartnershipStore for DbStore {
    async fn create_partnership(
        &self,
        new: &NewPartnership<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let (low, high) = pair(new.proposer, new.invited);
        sqlx::query(
            "insert into partnerships (id, city_a, city_b, pair_low, pair_high, kind, status, origin, \
             title, proposed_by_org, created_by, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(new.id.as_str())
        .bind(new.proposer.as_str())
        .bind(new.invited.as_str())
        .bind(low)
        .bind(high)
        .bind(new.kind.as_str())
        .bind(PartnershipStatus::Proposed.as_str())
        .bind(Origin::Proposed.as_str())
        .bind(new.title)
        .bind(new.org.map(OrgId::as_str))
        .bind(actor.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        append_message(
            &mut tx,
            Thread::Partnership(new.id),
            PartySide::Proposer.as_str(),
            new.author,
            new.message,
            now,
        )
        .await?;
        notify(
            &mut tx,
            new.notify,
            NotificationKind::PartnershipProposed,
            Thread::Partnership(new.id),
            new.org,
            now,
        )
        .await?;
        let after = json!({
            "proposer": new.proposer.as_str(), "invited": new.invited.as_str(),
            "kind": new.kind.as_str(), "title": new.title, "status": "proposed",
            "org": new.org.map(OrgId::as_str), "message": new.message,
        });
        journal(
            &mut tx,
            now,
            actor,
            "insert",
            "partnership",
            new.id.as_str(),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_partnerships(
        &self,
        ties: &[RecordedPartnership],
        actor: &AuditStamp,
    ) -> Result<u64, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let mut written = 0;
        for tie in ties {
            let (low, high) = pair(&tie.first, &tie.second);
            let going: Option<String> = sqlx::query_scalar(
                "select id from partnerships where pair_low = $1 and pair_high = $2 \
                 and status not in ('completed', 'declined')",
            )
            .bind(low)
            .bind(high)
            .fetch_optional(&mut *tx)
            .await?;
            if going.is_some() {
                continue;
            }
            sqlx::query(
                "insert into partnerships (id, city_a, city_b, pair_low, pair_high, kind, status, origin, \
                 source, title, created_by, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            )
            .bind(tie.id.as_str())
            .bind(tie.first.as_str())
            .bind(tie.second.as_str())
            .bind(low)
            .bind(high)
            .bind(tie.kind.as_str())
            .bind(PartnershipStatus::Signed.as_str())
            .bind(Origin::Recorded.as_str())
            .bind(&tie.source)
            .bind(&tie.title)
            .bind(actor.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            written += 1;
        }
        if written > 0 {
            journal(
                &mut tx,
                now,
                actor,
                "record",
                "partnerships",
                "recorded",
                None,
                Some(&json!({ "recorded": written })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(written)
    }

    async fn has_recorded_partnerships(&self) -> Result<bool, StoreError> {
        let found: Option<String> =
            sqlx::query_scalar("select id from partnerships where origin = $1 limit 1")
                .bind(Origin::Recorded.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    async fn change_partnership(
        &self,
        change: &PartnershipChange<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        // Moves the status only from the one the change was decided on: a concurrent change that came first leaves
        // this one nothing to update. The day dormancy counts from only moves forward, computed in the statement
        // so that two activities logged at once both count.
        let details = &change.details;
        let day = match (details.signing, details.activity) {
            (Some(s), _) => Some(s.signed_on),
            (None, Some((_, a, _))) => Some(a.last_day()),
            (None, None) => None,
        };
        let moved = sqlx::query(
            "update partnerships set status = $3, updated_at = $4, \
             last_active_on = case when $5 is null then last_active_on \
             when last_active_on is null or last_active_on < $5 then $5 else last_active_on end, \
             signed_on = coalesce($6, signed_on), signatories = coalesce($7, signatories), \
             document = coalesce($8, document), work_plan = coalesce($9, work_plan) \
             where id = $1 and status = $2",
        )
        .bind(change.id.as_str())
        .bind(change.from.as_str())
        .bind(change.to.as_str())
        .bind(now)
        .bind(day.map(|d| d.to_string()))
        .bind(details.signing.map(|s| s.signed_on.to_string()))
        .bind(details.signing.map(|s| s.signatories.as_str()))
        .bind(details.signing.and_then(|s| s.document.as_deref()))
        .bind(details.work_plan)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            let exists: Option<String> =
                sqlx::query_scalar("select status from partnerships where id = $1")
                    .bind(change.id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match exists {
                None => StoreError::NotFound {
                    entity: "partnership",
                    id: change.id.to_string(),
                },
                Some(_) => StoreError::Conflict {
                    kind: ConflictKind::Changed,
                    constraint: Some(format!("partnership {}", change.id)),
                },
            });
        }
        if let (Some(body), Some(side)) = (details.message, change.side) {
            append_message(
                &mut tx,
                Thread::Partnership(change.id),
                side.as_str(),
                change.author,
                body,
                now,
            )
            .await?;
        }
        if let Some((activity_id, a, event)) = details.activity {
            sqlx::query(
                "insert into partnership_activities (id, partnership_id, kind, title, starts_on, ends_on, \
                 host, participants, participant_names, description, event_entry_id, created_by, author, \
                 created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(activity_id)
            .bind(change.id.as_str())
            .bind(a.kind.as_str())
            .bind(&a.title)
            .bind(a.starts_on.to_string())
            .bind(a.ends_on.map(|d| d.to_string()))
            .bind(a.host.map(PartySide::as_str))
            .bind(a.participants.map(i64::from))
            .bind(a.participant_names.as_deref())
            .bind(a.description.as_deref())
            .bind(event.map(EntryId::as_str))
            .bind(actor.as_str())
            .bind(change.author.map(AccountId::as_str))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let (kind, accounts) = change.notify;
        notify(
            &mut tx,
            accounts,
            kind,
            Thread::Partnership(change.id),
            change.org,
            now,
        )
        .await?;
        let action = if details.activity.is_some() {
            "activity"
        } else if details.message.is_some() && change.from == change.to {
            "message"
        } else {
            "status"
        };
        let before = json!({"status": change.from.as_str()});
        let after = json!({
            "status": change.to.as_str(),
            "side": change.side.map(PartySide::as_str),
            "message": details.message,
            "signing": details.signing,
            "work_plan": details.work_plan,
            "activity": details.activity.map(|(id, a, event)| json!({
                "id": id, "activity": a, "event": event.map(EntryId::as_str),
            })),
        });
        journal(
            &mut tx,
            now,
            actor,
            action,
            "partnership",
            change.id.as_str(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_partnership_document(
        &self,
        id: &PartnershipId,
        file: &Attachment,
        actor: &AuditStamp,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let exists: Option<i32> =
            sqlx::query_scalar("select 1 as one from partnerships where id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                entity: "partnership",
                id: id.to_string(),
            });
        }
        let before: Option<(String, String)> = sqlx::query_as(
            "select sha256, name from partnership_documents where partnership_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "insert into partnership_documents (partnership_id, sha256, name, content_type, size, \
             created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7) \
             on conflict (partnership_id) do update set sha256 = excluded.sha256, name = excluded.name, \
             content_type = excluded.content_type, size = excluded.size, created_by = excluded.created_by, \
             created_at = excluded.created_at",
        )
        .bind(id.as_str())
        .bind(&file.sha256)
        .bind(&file.name)
        .bind(&file.content_type)
        .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
        .bind(actor.as_str())
        .bind(file.created_at)
        .execute(&mut *tx)
        .await?;
        let after = json!({
            "partnership": id.as_str(), "sha256": file.sha256, "name": file.name,
            "content_type": file.content_type, "size": file.size,
        });
        let before_json = before.as_ref().map(
            |(sha256, name)| json!({"partnership": id.as_str(), "sha256": sha256, "name": name}),
        );
        journal(
            &mut tx,
            file.created_at,
            actor,
            if before.is_some() { "update" } else { "insert" },
            "partnership_document",
            id.as_str(),
            before_json.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(before
            .map(|(sha256, _)| sha256)
            .filter(|sha256| *sha256 != file.sha256))
    }

    async fn find_partnership(&self, id: &PartnershipId) -> Result<PartnershipRecord, StoreError> {
        let row: Row = sqlx::query_as(&format!("select {COLUMNS} from {FROM} where p.id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "partnership",
                id: id.to_string(),
            })?;
        row.into_record()
    }

    async fn list_partnerships(
        &self,
        filter: &PartnershipFilter,
    ) -> Result<(Vec<PartnershipRecord>, u64), StoreError> {
        let mut conditions = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let param = |value: String, binds: &mut Vec<String>| {
            binds.push(value);
            format!("${}", binds.len())
        };
        if let Some(city) = &filter.city {
            let n = param(city.to_string(), &mut binds);
            conditions.push(format!("(p.city_a = {n} or p.city_b = {n})"));
        }
        if !filter.statuses.is_empty() {
            let list: Vec<String> = filter
                .statuses
                .iter()
                .map(|s| param(s.as_str().to_owned(), &mut binds))
                .collect();
            conditions.push(format!("p.status in ({})", list.join(", ")));
        }
        if let Some(kind) = filter.kind {
            let n = param(kind.as_str().to_owned(), &mut binds);
            conditions.push(format!("p.kind = {n}"));
        }
        if let Some(origin) = filter.origin {
            let n = param(origin.as_str().to_owned(), &mut binds);
            conditions.push(format!("p.origin = {n}"));
        }
        if let Some(cities) = &filter.private_of {
            let public: Vec<String> = PartnershipStatus::ALL
                .iter()
                .filter(|s| s.is_public())
                .map(|s| param(s.as_str().to_owned(), &mut binds))
                .collect();
            let mut visible = format!("p.status in ({})", public.join(", "));
            if !cities.is_empty() {
                let own: Vec<String> = cities
                    .iter()
                    .map(|c| param(c.to_string(), &mut binds))
                    .collect();
                let own = own.join(", ");
                visible.push_str(&format!(" or p.city_a in ({own}) or p.city_b in ({own})"));
            }
            conditions.push(format!("({visible})"));
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!(" where {}", conditions.join(" and "))
        };
        let total_sql = format!("select count(*) from {FROM}{filter_sql}");
        let mut total = sqlx::query_scalar::<_, i64>(&total_sql);
        for b in &binds {
            total = total.bind(b);
        }
        let total = total.fetch_one(&self.pool).await?;
        let sql = format!(
            "select {COLUMNS} from {FROM}{filter_sql} order by p.updated_at desc, p.id limit {} offset {}",
            filter.limit, filter.offset
        );
        let mut query = sqlx::query_as::<_, Row>(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let records = rows
            .into_iter()
            .map(Row::into_record)
            .collect::<Result<_, _>>()?;
        Ok((records, u64::try_from(total).unwrap_or(0)))
    }

    async fn list_partnership_messages(
        &self,
        id: &PartnershipId,
    ) -> Result<Vec<PartnershipMessage>, StoreError> {
        let rows: Vec<MessageRow> = sqlx::query_as(
            "select m.partnership_id, m.position, m.side, m.author, a.display_name as author_name, m.body, \
             m.created_at from partnership_messages m left join accounts a on a.id = m.author \
             where m.partnership_id = $1 order by m.position",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let bad = |e| corrupt("partnership_messages", &row.partnership_id, e);
                Ok(PartnershipMessage {
                    position: u32::try_from(row.position).unwrap_or(0),
                    side: PartySide::parse(&row.side).map_err(bad)?,
                    author: row
                        .author
                        .as_deref()
                        .map(AccountId::parse)
                        .transpose()
                        .map_err(bad)?,
                    author_name: row.author_name,
                    body: row.body,
                    created_at: row.created_at,
                })
            })
            .collect()
    }

    async fn list_partnership_activities(
        &self,
        id: &PartnershipId,
    ) -> Result<Vec<ActivityRecord>, StoreError> {
        let rows: Vec<ActivityRow> = sqlx::query_as(&format!(
            "{ACTIVITY_SELECT} where a.partnership_id = $1 order by a.starts_on desc, a.created_at desc"
        ))
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ActivityRow::into_record).collect()
    }

    async fn list_city_activities(
        &self,
        city: &CityId,
        year: i32,
    ) -> Result<Vec<ActivityRecord>, StoreError> {
        let rows: Vec<ActivityRow> = sqlx::query_as(&format!(
            "{ACTIVITY_SELECT} join partnerships p on p.id = a.partnership_id \
             where (p.city_a = $1 or p.city_b = $1) and a.starts_on >= $2 and a.starts_on < $3 \
             order by a.starts_on, a.created_at"
        ))
        .bind(city.as_str())
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{:04}-01-01", year + 1))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ActivityRow::into_record).collect()
    }

    async fn list_event_partnerships(
        &self,
        event: &EntryId,
    ) -> Result<Vec<PartnershipRecord>, StoreError> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "select {COLUMNS} from {FROM} where p.id in (select a.partnership_id from partnership_activities a \
             where a.event_entry_id = $1) order by p.id"
        ))
        .bind(event.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Row::into_record).collect()
    }

    async fn dormancy_candidates(
        &self,
        cutoff: Date,
    ) -> Result<Vec<PartnershipRecord>, StoreError> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "select {COLUMNS} from {FROM} where p.status in ($1, $2) order by p.id"
        ))
        .bind(PartnershipStatus::Signed.as_str())
        .bind(PartnershipStatus::Active.as_str())
        .fetch_all(&self.pool)
        .await?;
        let records: Vec<PartnershipRecord> = rows
            .into_iter()
            .map(Row::into_record)
            .collect::<Result<_, _>>()?;
        Ok(records
            .into_iter()
            .filter(|p| p.active_since() <= cutoff)
            .collect())
    }

    async fn put_outcome(
        &self,
        id: &PartnershipId,
        outcome: &OutcomeRecord,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        sqlx::query(
            "insert into partnership_outcomes (partnership_id, city_id, indicator_id, note, created_by, \
             created_at) values ($1, $2, $3, $4, $5, $6) on conflict (partnership_id, city_id, indicator_id) \
             do update set note = excluded.note",
        )
        .bind(id.as_str())
        .bind(outcome.city.as_str())
        .bind(outcome.indicator.as_str())
        .bind(outcome.note.as_deref())
        .bind(actor.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        journal(
            &mut tx,
            now,
            actor,
            "outcome",
            "partnership",
            id.as_str(),
            None,
            Some(&json!({
                "city": outcome.city.as_str(), "indicator": outcome.indicator.as_str(),
                "note": outcome.note,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn city_government_editors(
        &self,
        city: &CityId,
    ) -> Result<Vec<(AccountId, OrgId)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "select m.account_id, m.org_id from memberships m join organisations o on o.id = m.org_id \
             where o.city_id = $1 and o.kind = $2 and o.status = $3 and m.role in ($4, $5) \
             order by m.account_id, m.org_id",
        )
        .bind(city.as_str())
        .bind(OrgKind::CityGovernment.as_str())
        .bind(ModerationStatus::Approved.as_str())
        .bind(MemberRole::Admin.as_str())
        .bind(MemberRole::Editor.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(account, org)| {
                let bad = |e| corrupt("memberships", &account, e);
                Ok((
                    AccountId::parse(&account).map_err(bad)?,
                    OrgId::parse(&org).map_err(bad)?,
                ))
            })
            .collect()
    }

    async fn list_outcomes(&self, id: &PartnershipId) -> Result<Vec<OutcomeRecord>, StoreError> {
        let rows: Vec<(String, String, Option<String>, OffsetDateTime)> = sqlx::query_as(
            "select city_id, indicator_id, note, created_at from partnership_outcomes \
             where partnership_id = $1 order by city_id, indicator_id",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(city, indicator, note, created_at)| {
                let bad = |e| corrupt("partnership_outcomes", id.as_str(), e);
                Ok(OutcomeRecord {
                    city: CityId::parse(&city).map_err(bad)?,
                    indicator: IndicatorId::parse(&indicator).map_err(bad)?,
                    note,
                    created_at,
                })
            })
            .collect()
    }
}
