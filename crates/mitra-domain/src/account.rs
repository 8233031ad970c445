//! Accounts and organisations: who may act in Mitra, and on behalf of which organisation.

use std::fmt;

use serde::Serialize;

use crate::ids::clip;
use crate::{CityId, CountryCode, Reason, ValidationError};

/// An account's id: a UUID (version 7, so ids sort by creation time), in its hyphenated lower-case form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    /// Accepts a hyphenated UUID.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if crate::ids::is_uuid(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                "account",
                Reason::not_an_id(clip(raw)),
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, trimmed and lower-cased so that one address is one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` without spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let email = raw.trim().to_lowercase();
        let bad = || ValidationError::new("email", Reason::not_an_email());
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let valid = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
        if valid { Ok(Self(email)) } else { Err(bad()) }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (argon2 has no limit; this bounds the work an attacker can ask for).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a new password: long enough, not too long, not one of the common passwords, not the e-mail address.
pub fn check_password(
    password: &str,
    email: &Email,
    is_common: impl Fn(&str) -> bool,
) -> Result<(), ValidationError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ValidationError::new(
            "password",
            Reason::too_short(MIN_PASSWORD_CHARS),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ValidationError::new(
            "password",
            Reason::too_long(MAX_PASSWORD_CHARS),
        ));
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Err(ValidationError::new("password", Reason::common_password()));
    }
    let local = email.as_str().split('@').next().unwrap_or("");
    if lower == email.as_str() || lower == local {
        return Err(ValidationError::new(
            "password",
            Reason::password_is_email(),
        ));
    }
    Ok(())
}

/// A person's name as shown to others.
pub fn parse_display_name(raw: &str) -> Result<String, ValidationError> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err(ValidationError::new("display_name", Reason::empty())),
        n if n > 100 => Err(ValidationError::new("display_name", Reason::too_long(100))),
        _ => crate::text::check_chars("display_name", name, false).map(|()| name.to_owned()),
    }
}

/// An IANA time zone name (`Asia/Bangkok`) or `UTC`.
pub fn parse_time_zone(raw: &str) -> Result<String, ValidationError> {
    let zone = raw.trim();
    let valid = zone == "UTC"
        || (zone.contains('/')
            && zone.len() <= 64
            && zone.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
            }));
    if valid {
        Ok(zone.to_owned())
    } else {
        Err(ValidationError::new(
            "time_zone",
            Reason::not_a_time_zone(clip(zone)),
        ))
    }
}

enum_ids!(
    /// A role that applies across the platform, not within one organisation.
    PlatformRole, "role" {
        /// Runs the platform: approves organisations, edits the crosswalk and schemes, manages roles.
        PlatformAdmin => "platform-admin",
        /// Verifies or rejects observations and approves crosswalk changes.
        Verifier => "verifier",
    }
);

enum_ids!(
    /// A member's role within an organisation.
    MemberRole, "role" {
        /// Manages the organisation's members and content.
        Admin => "admin",
        /// Writes the organisation's content.
        Editor => "editor",
        /// Belongs to the organisation; reads what members may read.
        Member => "member",
    }
);

enum_ids!(
    /// What kind of body an organisation is.
    OrgKind, "kind" {
        /// A city government, linked to its city.
        CityGovernment => "city-government",
        /// A national ministry or agency.
        NationalMinistry => "national-ministry",
        /// A research institution or university.
        ResearchInstitution => "research-institution",
        /// An established company.
        Enterprise => "enterprise",
        /// A start-up.
        Startup => "startup",
        /// An investor.
        Investor => "investor",
        /// A multilateral institution (development bank, UN agency).
        MultilateralInstitution => "multilateral-institution",
        /// An NGO or association.
        Ngo => "ngo",
        /// A training provider.
        TrainingProvider => "training-provider",
    }
);

enum_ids!(
    /// Where an organisation stands in moderation.
    ModerationStatus, "status" {
        /// Waiting for a platform admin; its content is not public yet.
        Pending => "pending",
        /// Approved: its content is public.
        Approved => "approved",
        /// Rejected, with a reason the organisation's members can read.
        Rejected => "rejected",
    }
);

impl ModerationStatus {
    /// The status of content after a change: `stored` is its status before (`None` for new content) and
    /// `published_at_once` whether its publisher's writes are public without review (an approved organisation,
    /// or the platform itself). Only approved content stays approved; content waiting for review or rejected waits
    /// for a platform admin again, whoever writes it and however (a form, the API, an import).
    pub fn after_change(
        stored: Option<ModerationStatus>,
        published_at_once: bool,
    ) -> ModerationStatus {
        match stored {
            None | Some(ModerationStatus::Approved) if published_at_once => {
                ModerationStatus::Approved
            }
            _ => ModerationStatus::Pending,
        }
    }
}

enum_ids!(
    /// What an API token may do.
    TokenScope, "scope" {
        /// Read only.
        Read => "read",
        /// Read and write, within the owner's own permissions.
        Write => "write",
    }
);

impl MemberRole {
    /// Whether the role may write the organisation's content.
    pub fn can_edit(self) -> bool {
        matches!(self, MemberRole::Admin | MemberRole::Editor)
    }
}

/// An organisation's id: a slug of its English name (`bangkok-metropolitan-administration`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OrgId(String);

impl OrgId {
    /// Accepts a slug of lower-case ASCII letters, digits and single inner dashes.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        CityId::parse(raw)
            .map(|id| Self(id.as_str().to_owned()))
            .map_err(|_| ValidationError::new("organisation", Reason::not_an_id(clip(raw))))
    }

    /// The slug for an English name, if it makes one.
    pub fn from_name(name: &str) -> Result<Self, ValidationError> {
        let slug = crate::slug::slugify(name);
        let slug: String = slug.chars().take(80).collect();
        Self::parse(slug.trim_end_matches('-'))
            .map_err(|_| ValidationError::new("name_en", Reason::needs_letters()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisation's profile as its editors write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgProfile {
    /// Name in English.
    pub name_en: String,
    /// Name in Simplified Chinese.
    pub name_zh: Option<String>,
    /// Country.
    pub country: CountryCode,
    /// The city, for a city government (required then) or where the organisation is based.
    pub city: Option<CityId>,
    /// Web site (https only).
    pub website: Option<String>,
    /// What the organisation does, in English.
    pub description_en: String,
    /// What the organisation does, in Chinese.
    pub description_zh: Option<String>,
}

impl OrgProfile {
    /// Validates a profile from raw form or API fields.
    #[expect(clippy::too_many_arguments, reason = "one argument per form field")]
    pub fn parse(
        kind: OrgKind,
        name_en: &str,
        name_zh: Option<&str>,
        country: &str,
        city: Option<&str>,
        website: Option<&str>,
        description_en: &str,
        description_zh: Option<&str>,
    ) -> Result<Self, ValidationError> {
        // Names and addresses are one line; descriptions may have several.
        let text = |field: &str, raw: &str, max: usize| -> Result<String, ValidationError> {
            let value = raw.trim();
            if value.chars().count() > max {
                return Err(ValidationError::new(field, Reason::too_long(max)));
            }
            crate::text::check_chars(field, value, field.starts_with("description"))?;
            Ok(value.to_owned())
        };
        let optional = |field: &str,
                        raw: Option<&str>,
                        max: usize|
         -> Result<Option<String>, ValidationError> {
            raw.map(|r| text(field, r, max))
                .transpose()
                .map(|v| v.filter(|v| !v.is_empty()))
        };
        let name_en = text("name_en", name_en, 200)?;
        if name_en.is_empty() {
            return Err(ValidationError::new("name_en", Reason::empty()));
        }
        let city = city
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(CityId::parse)
            .transpose()?;
        if kind == OrgKind::CityGovernment && city.is_none() {
            return Err(ValidationError::new("city", Reason::city_required()));
        }
        let website = optional("website", website, 300)?;
        if let Some(url) = &website
            && (!url.starts_with("https://") || url.contains(char::is_whitespace) || url.len() < 12)
        {
            return Err(ValidationError::new(
                "website",
                Reason::not_https(crate::ids::clip(url)),
            ));
        }
        Ok(Self {
            name_en,
            name_zh: optional("name_zh", name_zh, 200)?,
            country: CountryCode::parse(country)?,
            city,
            website,
            description_en: text("description_en", description_en, 5000)?,
            description_zh: optional("description_zh", description_zh, 5000)?,
        })
    }
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Its id.
    pub id: OrgId,
    /// What kind of body it is.
    pub kind: OrgKind,
    /// Its profile.
    pub profile: OrgProfile,
    /// Moderation status.
    pub status: ModerationStatus,
    /// Why it was rejected, for its members to read.
    pub rejection_reason: Option<String>,
}

/// An account as others may see it and as its owner manages it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// Its e-mail address.
    pub email: Email,
    /// Name shown to others.
    pub display_name: String,
    /// Preferred interface language tag (`en`, `zh-Hans`).
    pub language: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Platform-wide role, if any.
    pub platform_role: Option<PlatformRole>,
    /// Whether the e-mail address was confirmed.
    pub email_verified: bool,
}

/// One membership of an account in an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The organisation.
    pub org: OrgId,
    /// Its kind.
    pub org_kind: OrgKind,
    /// Its city, for a city government.
    pub org_city: Option<CityId>,
    /// Its moderation status.
    pub org_status: ModerationStatus,
    /// The member's role.
    pub role: MemberRole,
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_approved_content_stays_approved_after_a_change() {
        use ModerationStatus::*;
        assert_eq!(ModerationStatus::after_change(None, true), Approved);
        assert_eq!(ModerationStatus::after_change(None, false), Pending);
        assert_eq!(
            ModerationStatus::after_change(Some(Approved), true),
            Approved
        );
        assert_eq!(
            ModerationStatus::after_change(Some(Approved), false),
            Pending
        );
        for waiting in [Pending, Rejected] {
            assert_eq!(
                ModerationStatus::after_change(Some(waiting), true),
                Pending,
                "a {waiting} entry is not approved by editing it"
            );
        }
    }

    use super::*;

    #[test]
    fn email_addresses_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ana@Example.ORG ").expect("valid").as_str(),
            "ana@example.org"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
            "ana@@example.org",
        ] {
            assert_eq!(Email::parse(bad).expect_err(bad).field, "email");
        }
    }

    #[test]
    fn passwords_must_be_long_uncommon_and_not_the_address() {
        let email = Email::parse("ana@example.org").expect("valid");
        let common = |p: &str| p == "correcthorsebattery";
        assert!(check_password("a long and unusual phrase", &email, common).is_ok());
        assert!(check_password("short", &email, common).is_err());
        assert!(
            check_password("CorrectHorseBattery", &email, common).is_err(),
            "common, whatever the case"
        );
        assert!(check_password("ana@example.org", &email, common).is_err());
        assert!(check_password(&"x".repeat(257), &email, common).is_err());
    }

    #[test]
    fn a_city_government_must_name_its_city() {
        let parse = |kind, city| {
            OrgProfile::parse(
                kind,
                "Bangkok Metropolitan Administration",
                None,
                "TH",
                city,
                None,
                "",
                None,
            )
        };
        assert_eq!(
            parse(OrgKind::CityGovernment, None)
                .expect_err("no city")
                .field,
            "city"
        );
        assert!(parse(OrgKind::CityGovernment, Some("bangkok")).is_ok());
        assert!(parse(OrgKind::Enterprise, None).is_ok());
    }

    #[test]
    fn websites_must_be_https() {
        let parse =
            |site| OrgProfile::parse(OrgKind::Ngo, "X", None, "TH", None, Some(site), "", None);
        assert!(parse("https://example.org").is_ok());
        assert_eq!(
            parse("http://example.org").expect_err("http").field,
            "website"
        );
        assert_eq!(
            parse("javascript:alert(1)").expect_err("js").field,
            "website"
        );
    }

    #[test]
    fn roles_and_kinds_round_trip_through_their_ids() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Ok(*kind));
        }
        assert_eq!(
            PlatformRole::parse("platform-admin"),
            Ok(PlatformRole::PlatformAdmin)
        );
        assert_eq!(
            MemberRole::parse("owner").expect_err("unknown").field,
            "role"
        );
        assert!(MemberRole::Editor.can_edit() && !MemberRole::Member.can_edit());
    }

    #[test]
    fn organisation_ids_come_from_names() {
        assert_eq!(
            OrgId::from_name("Bangkok Metropolitan Administration")
                .expect("slug")
                .as_str(),
            "bangkok-metropolitan-administration"
        );
        assert!(OrgId::from_name("曼谷").is_err());
        assert!(parse_time_zone("Asia/Ho_Chi_Minh").is_ok() && parse_time_zone("UTC").is_ok());
        assert!(parse_time_zone("Mars/Olympus Mons").is_err());
        assert!(AccountId::parse("0192f3a4-5b6c-7d8e-9f00-112233445566").is_ok());
        assert!(AccountId::parse("not-an-id").is_err());
    }
}
