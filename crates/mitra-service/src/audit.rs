//! The audit trail for platform admins: filtered listing and CSV export.

use mitra_domain::{Actor, Reason, ValidationError};
use mitra_store::{AuditEntry, AuditFilter};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

use crate::{Mitra, ServiceError};

/// The raw filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Actor (`account:<id>`, `operator`, `system:reference`).
    pub actor: Option<String>,
    /// Entity kind (`city`, `organisation`, …).
    pub entity: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    pub to: Option<String>,
    /// Only entries older than this id.
    pub before: Option<String>,
}

fn day(field: &str, raw: Option<&str>) -> Result<Option<Date>, ValidationError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    mitra_domain::entry::parse_day(raw)
        .map(Some)
        .ok_or_else(|| {
            ValidationError::new(field, Reason::not_a_date(mitra_domain::ids::clip(raw)))
        })
}

fn non_empty(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

impl AuditQuery {
    fn filter(&self, limit: u32) -> Result<AuditFilter, ValidationError> {
        let from =
            day("from", self.from.as_deref())?.map(|d| d.with_time(Time::MIDNIGHT).assume_utc());
        let to = day("to", self.to.as_deref())?
            .and_then(|d| d.next_day())
            .map(|d| d.with_time(Time::MIDNIGHT).assume_utc());
        let before_id = match non_empty(self.before.as_deref()) {
            None => None,
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                ValidationError::new(
                    "before",
                    Reason::not_a_whole_number(mitra_domain::ids::clip(&raw)),
                )
            })?),
        };
        Ok(AuditFilter {
            actor: non_empty(self.actor.as_deref()),
            entity: non_empty(self.entity.as_deref()),
            from,
            to,
            before_id,
            limit,
        })
    }
}

/// Quotes a CSV field when needed, and defuses spreadsheet formulas.
fn csv_field(value: &str) -> String {
    let value = mitra_domain::text::spreadsheet_safe(value);
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.into_owned()
    }
}

fn timestamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

impl Mitra {
    /// Audit entries matching the query, newest first, one page of `limit` (platform admins only).
    pub async fn search_audit(
        &self,
        actor: &Actor,
        query: &AuditQuery,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        actor.platform_admin_view()?;
        Ok(self.store.search_audit(&query.filter(limit)?).await?)
    }

    /// The people behind the accounts that acted in `entries` (`account:<id>` → display name), for platform admins;
    /// an account deleted since is left out, so the page shows its id.
    pub async fn audit_actor_names(
        &self,
        actor: &Actor,
        entries: &[AuditEntry],
    ) -> Result<std::collections::HashMap<String, String>, ServiceError> {
        actor.platform_admin_view()?;
        let mut names = std::collections::HashMap::new();
        for e in entries {
            if names.contains_key(&e.actor) {
                continue;
            }
            let Some(id) = e
                .actor
                .strip_prefix("account:")
                .and_then(|id| mitra_domain::AccountId::parse(id).ok())
            else {
                continue;
            };
            match self.store.find_account(&id).await {
                Ok(account) => {
                    names.insert(e.actor.clone(), account.display_name);
                }
                Err(mitra_store::StoreError::NotFound { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(names)
    }

    /// Every audit entry matching the query as CSV (platform admins only), up to 100 000 rows.
    pub async fn export_audit_csv(
        &self,
        actor: &Actor,
        query: &AuditQuery,
    ) -> Result<String, ServiceError> {
        let entries = self.search_audit(actor, query, 100_000).await?;
        let mut out = String::from("id,occurred_at,actor,action,entity,entity_id,before,after\n");
        for e in entries {
            let json = |v: &Option<serde_json::Value>| {
                v.as_ref().map(|v| v.to_string()).unwrap_or_default()
            };
            let fields = [
                e.id.to_string(),
                timestamp(e.occurred_at),
                e.actor,
                e.action,
                e.entity,
                e.entity_id,
                json(&e.before),
                json(&e.after),
            ];
            out.push_str(
                &fields
                    .iter()
                    .map(|f| csv_field(f))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn dates_filter_whole_days_and_bad_ones_name_their_field() {
        let q = AuditQuery {
            from: Some("2026-01-31".into()),
            to: Some("2026-01-31".into()),
            ..Default::default()
        };
        let f = q.filter(10).expect("valid");
        assert_eq!(
            f.to.zip(f.from).map(|(t, f)| t - f),
            Some(time::Duration::days(1))
        );
        let bad = AuditQuery {
            from: Some("31/01/2026".into()),
            ..Default::default()
        };
        assert_eq!(bad.filter(10).expect_err("bad date").field, "from");
        let bad = AuditQuery {
            before: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(bad.filter(10).expect_err("bad id").field, "before");
    }
}
