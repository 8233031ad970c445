//! Organisations ([`OrgStore`]): their profiles and moderation, and the membership that makes an organisation's
//! creator its admin. Other memberships are written by `accounts.rs`.

use async_trait::async_trait;
use mitra_domain::access::AuditStamp;
use mitra_domain::{
    AccountId, CityId, CountryCode, MemberRole, ModerationStatus, OrgId, OrgKind, OrgProfile,
    Organisation,
};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::dialect::DbStore;
use super::journal::{WriteTx, journal};
use super::{corrupt, key_after};
use crate::{OrgStore, StoreError};

const ORG_COLUMNS: &str = "o.id, o.kind, o.name_en, o.name_zh, o.country, o.city_id, o.website, \
     o.description_en, o.description_zh, o.status, o.rejection_reason";

/// An `organisations` row.
#[derive(sqlx_macros::FromRow)]
struct OrgRow {
    id: String,
    kind: String,
    name_en: String,
    name_zh: Option<String>,
    country: String,
    city_id: Option<String>,
    website: Option<String>,
    description_en: String,
    description_zh: Option<String>,
    status: String,
    rejection_reason: Option<String>,
}

impl OrgRow {
    fn into_organisation(self) -> Result<Organisation, StoreError> {
        let bad = |e| corrupt("organisations", &self.id, e);
        Ok(Organisation {
            id: OrgId::parse(&self.id).map_err(bad)?,
            kind: OrgKind::parse(&self.kind).map_err(bad)?,
            profile: OrgProfile {
                country: CountryCode::parse(&self.country).map_err(bad)?,
                city: self
                    .city_id
                    .as_deref()
                    .map(CityId::parse)
                    .transpose()
                    .map_err(bad)?,
                name_en: self.name_en,
                name_zh: self.name_zh,
                website: self.website,
                description_en: self.description_en,
                description_zh: self.description_zh,
            },
            status: ModerationStatus::parse(&self.status).map_err(bad)?,
            rejection_reason: self.rejection_reason,
        })
    }
}

/// The organisation as journalled.
fn org_json(o: &Organisation) -> Value {
    let p = &o.profile;
    json!({
        "id": o.id.as_str(), "kind": o.kind.as_str(), "name_en": p.name_en, "name_zh": p.name_zh,
        "country": p.country.as_str(), "city": p.city.as_ref().map(|c| c.as_str()),
        "website": p.website,
        "description_en": p.description_en, "description_zh": p.description_zh,
        "status": o.status.as_str(), "rejection_reason": o.rejection_reason,
    })
}

/// The organisation with id `id`, if any, read inside `tx`.
async fn find_org_in(tx: &mut WriteTx, id: &str) -> Result<Option<Organisation>, StoreError> {
    let row: Option<OrgRow> = sqlx::query_as(&format!(
        "select {ORG_COLUMNS} from organisations o where o.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(OrgRow::into_organisation).transpose()
}

#[async_trait]
impl OrgStore for DbStore {
    async fn insert_org(
        &self,
        org: &Organisation,
        creator: Option<&AccountId>,
        actor: &AuditStamp,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let p = &org.profile;
        let mut tx = WriteTx::begin(&self.pool).await?;
        sqlx::query(
            "insert into organisations (id, kind, name_en, name_zh, country, city_id, website, \
             description_en, description_zh, status, rejection_reason, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(org.id.as_str())
        .bind(org.kind.as_str())
        .bind(&p.name_en)
        .bind(&p.name_zh)
        .bind(p.country.as_str())
        .bind(p.city.as_ref().map(|c| c.as_str()))
        .bind(&p.website)
        .bind(&p.description_en)
        .bind(&p.description_zh)
        .bind(org.status.as_str())
        .bind(&org.rejection_reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let after = org_json(org);
        journal(
            &mut tx,
            now,
            actor,
            "insert",
            "organisation",
            org.id.as_str(),
            None,
            Some(&after),
        )
        .await?;
        if let Some(account) = creator {
            sqlx::query(
                "insert into memberships (account_id, org_id, role, created_at) \
                 values ($1, $2, $3, $4)",
            )
            .bind(account.as_str())
            .bind(org.id.as_str())
            .bind(MemberRole::Admin.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let key = format!("{} {}", org.id, account);
            let after =
                json!({"org": org.id.as_str(), "account": account.as_str(), "role": "admin"});
            journal(
                &mut tx,
                now,
                actor,
                "insert",
                "membership",
                &key,
                None,
                Some(&after),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn update_org(&self, org: &Organisation, actor: &AuditStamp) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        let p = &org.profile;
        let mut tx = WriteTx::begin(&self.pool).await?;
        let before = find_org_in(&mut tx, org.id.as_str())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "organisation",
                id: org.id.to_string(),
            })?;
        sqlx::query(
            "update organisations set kind = $1, name_en = $2, name_zh = $3, country = $4, city_id \
             = $5, website = $6, description_en = $7, description_zh = $8, status = $9, \
             rejection_reason = $10 where id = $11",
        )
        .bind(org.kind.as_str())
        .bind(&p.name_en)
        .bind(&p.name_zh)
        .bind(p.country.as_str())
        .bind(p.city.as_ref().map(|c| c.as_str()))
        .bind(&p.website)
        .bind(&p.description_en)
        .bind(&p.description_zh)
        .bind(org.status.as_str())
        .bind(&org.rejection_reason)
        .bind(org.id.as_str())
        .execute(&mut *tx)
        .await?;
        let (before, after) = (org_json(&before), org_json(org));
        journal(
            &mut tx,
            now,
            actor,
            "update",
            "organisation",
            org.id.as_str(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_org(&self, id: &OrgId) -> Result<Organisation, StoreError> {
        let mut tx = WriteTx::begin(&self.pool).await?;
        let found = find_org_in(&mut tx, id.as_str()).await?;
        tx.commit().await?;
        found.ok_or_else(|| StoreError::NotFound {
            entity: "organisation",
            id: id.to_string(),
        })
    }

    async fn list_orgs(
        &self,
        status: Option<ModerationStatus>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Organisation>, StoreError> {
        let rows: Vec<OrgRow> = sqlx::query_as(&format!(
            "select {ORG_COLUMNS} from organisations o where ($1 is null or o.status = $1) \
             and o.id > $2 order by o.id limit $3"
        ))
        .bind(status.map(|s| s.as_str()))
        .bind(key_after(after))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(OrgRow::into_organisation).collect()
    }
}
