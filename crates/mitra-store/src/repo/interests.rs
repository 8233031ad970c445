//! Threads about opportunities and the notifications they cause ([`InterestStore`]): `interests`,
//! `interest_messages`, `notifications` and `notification_settings`. The publishing side of a thread is read from
//! the opportunity's current owner at every query, never copied.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::interest::{InterestId, InterestStatus, MailFrequency, NotificationKind, Side};
use mitra_domain::partnership::PartnershipId;
use mitra_domain::{AccountId, CityId, EntryId, OrgId};
use serde_json::json;
use time::OffsetDateTime;

use super::corrupt;
use super::dialect::DbStore;
use super::journal::{WriteTx, journal};
use super::threads::{Thread, append_message, notify};
use crate::{
    ConflictKind, InterestFilter, InterestMessage, InterestRecord, InterestStore, MailDue,
    NewInterest, NotificationAbout, NotificationRecord, OrgName, StoreError, ThreadChange,
};

/// The columns of [`InterestRow`], over `interests i` joined to `entries e`, `organisations p` (publisher) and
/// `organisations o` (interested).
const INTEREST_COLUMNS: &str = "i.id, i.entry_id, e.owner_org as publisher_id, p.name_en as publisher_en, \
     p.name_zh as publisher_zh, i.interested_org, o.name_en as interested_en, o.name_zh as interested_zh, \
     i.status, i.created_by, i.created_at, i.updated_at, \
     (select count(*) from interest_messages m where m.interest_id = i.id) as messages";

const INTEREST_FROM: &str = "interests i join entries e on e.id = i.entry_id \
     join organisations o on o.id = i.interested_org left join organisations p on p.id = e.owner_org";

/// An `interests` row with its parties' names.
#[derive(sqlx_macros::FromRow)]
struct InterestRow {
    id: String,
    entry_id: String,
    publisher_id: Option<String>,
    publisher_en: Option<String>,
    publisher_zh: Option<String>,
    interested_org: String,
    interested_en: String,
    interested_zh: Option<String>,
    status: String,
    created_by: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    messages: i64,
}

impl InterestRow {
    fn into_record(self) -> Result<InterestRecord, StoreError> {
        let bad = |e| corrupt("interests", &self.id, e);
        let publisher = match (self.publisher_id, self.publisher_en) {
            (Some(id), Some(name_en)) => Some(OrgName {
                id: OrgId::parse(&id).map_err(bad)?,
                name_en,
                name_zh: self.publisher_zh,
            }),
            _ => None,
        };
        Ok(InterestRecord {
            id: InterestId::parse(&self.id).map_err(bad)?,
            entry: EntryId::parse(&self.entry_id).map_err(bad)?,
            publisher,
            interested: OrgName {
                id: OrgId::parse(&self.interested_org).map_err(bad)?,
                name_en: self.interested_en,
                name_zh: self.interested_zh,
            },
            status: InterestStatus::parse(&self.status).map_err(bad)?,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            messages: u64::try_from(self.messages).unwrap_or(0),
        })
    }
}

/// An `interest_messages` row with its author's name.
#[derive(sqlx_macros::FromRow)]
struct MessageRow {
    interest_id: String,
    position: i64,
    side: String,
    author: Option<String>,
    author_name: Option<String>,
    body: String,
    created_at: OffsetDateTime,
}

impl MessageRow {
    fn into_message(self) -> Result<InterestMessage, StoreError> {
        let bad = |e| corrupt("interest_messages", &self.interest_id, e);
        Ok(InterestMessage {
            position: u32::try_from(self.position).unwrap_or(0),
            side: Side::parse(&self.side).map_err(bad)?,
            author: self
                .author
                .as_deref()
                .map(AccountId::parse)
                .transpose()
                .map_err(bad)?,
            author_name: self.author_name,
            body: self.body,
            created_at: self.created_at,
        })
    }
}

const NOTIFICATION_COLUMNS: &str = "n.id, n.kind, n.interest_id, i.entry_id, n.partnership_id, \
     p.city_a, p.city_b, n.from_org, o.name_en as from_en, o.name_zh as from_zh, n.created_at, n.read_at";

const NOTIFICATION_FROM: &str = "notifications n left join interests i on i.id = n.interest_id \
     left join partnerships p on p.id = n.partnership_id left join organisations o on o.id = n.from_org";

/// A `notifications` row with the thread's opportunity or the partnership's cities, and the acting organisation's
/// name.
#[derive(sqlx_macros::FromRow)]
struct NotificationRow {
    id: i64,
    kind: String,
    interest_id: Option<String>,
    entry_id: Option<String>,
    partnership_id: Option<String>,
    city_a: Option<String>,
    city_b: Option<String>,
    from_org: Option<String>,
    from_en: Option<String>,
    from_zh: Option<String>,
    created_at: OffsetDateTime,
    read_at: Option<OffsetDateTime>,
}

impl NotificationRow {
    fn into_record(self) -> Result<NotificationRecord, StoreError> {
        let id = self.id.to_string();
        let bad = |e| corrupt("notifications", &id, e);
        let about = match (
            self.interest_id,
            self.entry_id,
            self.partnership_id,
            self.city_a,
            self.city_b,
        ) {
            (Some(interest), Some(entry), None, _, _) => NotificationAbout::Interest {
                interest: InterestId::parse(&interest).map_err(bad)?,
                entry: EntryId::parse(&entry).map_err(bad)?,
            },
            (None, _, Some(partnership), Some(a), Some(b)) => NotificationAbout::Partnership {
                partnership: PartnershipId::parse(&partnership).map_err(bad)?,
                cities: (
                    CityId::parse(&a).map_err(bad)?,
                    CityId::parse(&b).map_err(bad)?,
                ),
            },
            _ => {
                return Err(corrupt(
                    "notifications",
                    &id,
                    "names neither a thread nor a partnership",
                ));
            }
        };
        let from = match (self.from_org, self.from_en) {
            (Some(org), Some(name_en)) => Some(OrgName {
                id: OrgId::parse(&org).map_err(bad)?,
                name_en,
                name_zh: self.from_zh,
            }),
            _ => None,
        };
        Ok(NotificationRecord {
            id: self.id,
            kind: NotificationKind::parse(&self.kind).map_err(bad)?,
            about,
            from,
            created_at: self.created_at,
            read_at: self.read_at,
        })
    }
}

/// An account whose mail may be due, with its settings.
#[derive(sqlx_macros::FromRow)]
struct RecipientRow {
    id: String,
    email: String,
    display_name: String,
    language: String,
    mail: Option<String>,
    last_digest_at: Option<OffsetDateTime>,
}

#[async_trait]
impl InterestStore for DbStore {
    async fn create_interest(
        &self,
        new: &NewInterest<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        sqlx::query(
            "insert into interests (id, entry_id, interested_org, status, created_by, created_at, \
             updated_at) values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(new.id.as_str())
        .bind(new.entry.as_str())
        .bind(new.interested.as_str())
        .bind(InterestStatus::Open.as_str())
        .bind(actor.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        append_message(
            &mut tx,
            Thread::Interest(new.id),
            Side::Interested.as_str(),
            new.author,
            new.message,
            now,
        )
        .await?;
        notify(
            &mut tx,
            new.notify,
            NotificationKind::InterestReceived,
            Thread::Interest(new.id),
            Some(new.interested),
            now,
        )
        .await?;
        let after = json!({
            "entry": new.entry.as_str(), "interested_org": new.interested.as_str(),
            "status": InterestStatus::Open.as_str(), "message": new.message,
        });
        journal(
            &mut tx,
            now,
            actor,
            "insert",
            "interest",
            new.id.as_str(),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_thread(
        &self,
        change: &ThreadChange<'_>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        // Moves the status only from the one the change was decided on: a concurrent decision that came first
        // leaves this one nothing to update.
        let moved = sqlx::query(
            "update interests set status = $3, updated_at = $4 where id = $1 and status = $2",
        )
        .bind(change.interest.as_str())
        .bind(change.from.as_str())
        .bind(change.to.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            let exists: Option<String> =
                sqlx::query_scalar("select status from interests where id = $1")
                    .bind(change.interest.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match exists {
                None => StoreError::NotFound {
                    entity: "expression of interest",
                    id: change.interest.to_string(),
                },
                Some(_) => StoreError::Conflict {
                    kind: ConflictKind::Changed,
                    constraint: Some(format!("expression of interest {}", change.interest)),
                },
            });
        }
        if let Some(body) = change.message {
            append_message(
                &mut tx,
                Thread::Interest(change.interest),
                change.side.as_str(),
                change.author,
                body,
                now,
            )
            .await?;
        }
        let (kind, accounts) = change.notify;
        notify(
            &mut tx,
            accounts,
            kind,
            Thread::Interest(change.interest),
            Some(change.org),
            now,
        )
        .await?;
        let before = json!({"status": change.from.as_str()});
        let after = json!({
            "status": change.to.as_str(), "side": change.side.as_str(), "message": change.message,
        });
        let action = if change.message.is_some() && change.from == change.to {
            "message"
        } else {
            "status"
        };
        journal(
            &mut tx,
            now,
            actor,
            action,
            "interest",
            change.interest.as_str(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_interest(&self, id: &InterestId) -> Result<InterestRecord, StoreError> {
        let row: InterestRow = sqlx::query_as(&format!(
            "select {INTEREST_COLUMNS} from {INTEREST_FROM} where i.id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "expression of interest",
            id: id.to_string(),
        })?;
        row.into_record()
    }

    async fn list_interest_messages(
        &self,
        id: &InterestId,
    ) -> Result<Vec<InterestMessage>, StoreError> {
        let rows: Vec<MessageRow> = sqlx::query_as(
            "select m.interest_id, m.position, m.side, m.author, a.display_name as author_name, \
             m.body, m.created_at from interest_messages m left join accounts a on a.id = m.author \
             where m.interest_id = $1 order by m.position",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(MessageRow::into_message).collect()
    }

    async fn list_interests(
        &self,
        filter: &InterestFilter,
    ) -> Result<Vec<InterestRecord>, StoreError> {
        let mut sql = format!("select {INTEREST_COLUMNS} from {INTEREST_FROM} where 1 = 1");
        let mut next = 1;
        if filter.entry.is_some() {
            sql.push_str(&format!(" and i.entry_id = ${next}"));
            next += 1;
        }
        if !filter.orgs.is_empty() {
            let list = super::placeholders(next, filter.orgs.len());
            sql.push_str(&format!(
                " and (e.owner_org in ({list}) or i.interested_org in ({list}))"
            ));
            next += filter.orgs.len();
        }
        sql.push_str(&format!(" order by i.updated_at desc, i.id limit ${next}"));
        let mut query = sqlx::query_as::<_, InterestRow>(&sql);
        if let Some(entry) = &filter.entry {
            query = query.bind(entry.as_str());
        }
        for org in &filter.orgs {
            query = query.bind(org.as_str());
        }
        let rows = query
            .bind(i64::from(filter.limit))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(InterestRow::into_record).collect()
    }

    async fn list_notifications(
        &self,
        account: &AccountId,
        limit: u32,
    ) -> Result<(Vec<NotificationRecord>, u64), StoreError> {
        let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
            "select {NOTIFICATION_COLUMNS} from {NOTIFICATION_FROM} where n.account_id = $1 \
             order by n.id desc limit $2"
        ))
        .bind(account.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let unread: i64 = sqlx::query_scalar(
            "select count(*) from notifications where account_id = $1 and read_at is null",
        )
        .bind(account.as_str())
        .fetch_one(&self.pool)
        .await?;
        let records = rows
            .into_iter()
            .map(NotificationRow::into_record)
            .collect::<Result<_, _>>()?;
        Ok((records, u64::try_from(unread).unwrap_or(0)))
    }

    async fn mark_notifications_read(
        &self,
        account: &AccountId,
        up_to: i64,
        actor: &AuditStamp,
    ) -> Result<u64, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let read = sqlx::query(
            "update notifications set read_at = $3 where account_id = $1 and id <= $2 \
             and read_at is null",
        )
        .bind(account.as_str())
        .bind(up_to)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if read > 0 {
            journal(
                &mut tx,
                now,
                actor,
                "read",
                "notifications",
                account.as_str(),
                None,
                Some(&json!({"up_to": up_to, "read": read})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(read)
    }

    async fn mail_frequency(&self, account: &AccountId) -> Result<MailFrequency, StoreError> {
        let mail: Option<String> =
            sqlx::query_scalar("select mail from notification_settings where account_id = $1")
                .bind(account.as_str())
                .fetch_optional(&self.pool)
                .await?;
        match mail {
            None => Ok(MailFrequency::Daily),
            Some(mail) => MailFrequency::parse(&mail)
                .map_err(|e| corrupt("notification_settings", account.as_str(), e)),
        }
    }

    async fn set_mail_frequency(
        &self,
        account: &AccountId,
        frequency: MailFrequency,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before: Option<String> =
            sqlx::query_scalar("select mail from notification_settings where account_id = $1")
                .bind(account.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "insert into notification_settings (account_id, mail) values ($1, $2) \
             on conflict (account_id) do update set mail = excluded.mail",
        )
        .bind(account.as_str())
        .bind(frequency.as_str())
        .execute(&mut *tx)
        .await?;
        journal(
            &mut tx,
            now,
            actor,
            "update",
            "notification_settings",
            account.as_str(),
            before.map(|mail| json!({"mail": mail})).as_ref(),
            Some(&json!({"mail": frequency.as_str()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mail_due(
        &self,
        now: OffsetDateTime,
        only: &[AccountId],
    ) -> Result<Vec<MailDue>, StoreError> {
        let mut sql = String::from(
            "select a.id, a.email, a.display_name, a.language, s.mail, s.last_digest_at \
             from accounts a left join notification_settings s on s.account_id = a.id \
             where exists (select 1 from notifications n where n.account_id = a.id \
             and n.mailed_at is null)",
        );
        if !only.is_empty() {
            sql.push_str(&format!(
                " and a.id in ({})",
                super::placeholders(1, only.len())
            ));
        }
        sql.push_str(" order by a.id");
        let mut query = sqlx::query_as::<_, RecipientRow>(&sql);
        for account in only {
            query = query.bind(account.as_str());
        }
        let recipients = query.fetch_all(&self.pool).await?;
        let mut due = Vec::new();
        for row in recipients {
            let bad = |e| corrupt("notification_settings", &row.id, e);
            let frequency = match &row.mail {
                None => MailFrequency::Daily,
                Some(mail) => MailFrequency::parse(mail).map_err(bad)?,
            };
            let is_due = match frequency.digest_interval() {
                _ if frequency == MailFrequency::Never => false,
                None => true,
                Some(seconds) => row
                    .last_digest_at
                    .is_none_or(|last| (now - last).whole_seconds() >= seconds),
            };
            if !is_due {
                continue;
            }
            let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
                "select {NOTIFICATION_COLUMNS} from {NOTIFICATION_FROM} where n.account_id = $1 \
                 and n.mailed_at is null order by n.id"
            ))
            .bind(&row.id)
            .fetch_all(&self.pool)
            .await?;
            due.push(MailDue {
                account: AccountId::parse(&row.id).map_err(bad)?,
                email: row.email,
                display_name: row.display_name,
                language: row.language,
                frequency,
                notifications: rows
                    .into_iter()
                    .map(NotificationRow::into_record)
                    .collect::<Result<_, _>>()?,
            });
        }
        Ok(due)
    }

    async fn mark_mailed(
        &self,
        account: &AccountId,
        up_to: i64,
        digest: bool,
        now: OffsetDateTime,
        actor: &AuditStamp,
    ) -> Result<u64, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let mailed = sqlx::query(
            "update notifications set mailed_at = $3 where account_id = $1 and id <= $2 \
             and mailed_at is null",
        )
        .bind(account.as_str())
        .bind(up_to)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if mailed == 0 {
            return Ok(0);
        }
        if digest {
            sqlx::query(
                "insert into notification_settings (account_id, mail, last_digest_at) \
                 values ($1, $2, $3) on conflict (account_id) do update set last_digest_at = \
                 excluded.last_digest_at",
            )
            .bind(account.as_str())
            .bind(MailFrequency::Daily.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        journal(
            &mut tx,
            now,
            actor,
            "mailed",
            "notifications",
            account.as_str(),
            None,
            Some(&json!({"up_to": up_to, "mailed": mailed, "digest": digest})),
        )
        .await?;
        tx.commit().await?;
        Ok(mailed)
    }
}
