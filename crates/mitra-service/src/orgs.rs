//! Organisations: creation, profiles, moderation, members and invitations.

use mitra_domain::{
    Account, Actor, Email, MemberRole, ModerationStatus, OrgId, OrgKind, OrgProfile, Organisation,
    Reason, ValidationError,
};

use crate::{Mitra, ServiceError};

/// The raw fields of an organisation's profile, as a form or the API gives them.
#[derive(Debug, Clone, Default)]
pub struct OrgInput {
    /// Kind id (`city-government`, …); ignored on update.
    pub kind: String,
    /// Name in English.
    pub name_en: String,
    /// Name in Chinese.
    pub name_zh: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
    /// City id.
    pub city: Option<String>,
    /// https:// web site.
    pub website: Option<String>,
    /// Description in English.
    pub description_en: String,
    /// Description in Chinese.
    pub description_zh: Option<String>,
}

impl OrgInput {
    fn profile(&self, kind: OrgKind) -> Result<OrgProfile, ValidationError> {
        OrgProfile::parse(
            kind,
            &self.name_en,
            self.name_zh.as_deref(),
            &self.country,
            self.city.as_deref(),
            self.website.as_deref(),
            &self.description_en,
            self.description_zh.as_deref(),
        )
    }
}

/// Whether the actor is a platform admin (or the operator), whatever a token's scope: the domain's check.
fn is_platform_admin(actor: &Actor) -> bool {
    actor.platform_admin_view().is_ok()
}

fn is_member(actor: &Actor, org: &OrgId) -> bool {
    actor
        .account()
        .is_some_and(|a| a.memberships.iter().any(|m| &m.org == org))
}

impl Mitra {
    /// Checks the organisation's place: a country Mitra covers, and a city it knows, in that country for a city
    /// government.
    async fn check_place(&self, kind: OrgKind, profile: &OrgProfile) -> Result<(), ServiceError> {
        let countries = self.store.list_countries().await?;
        if !countries.iter().any(|c| c.code == profile.country) {
            let covered: Vec<&str> = countries.iter().map(|c| c.code.as_str()).collect();
            return Err(ValidationError::new(
                "country",
                Reason::not_one_of(profile.country, covered.join(", ")),
            )
            .into());
        }
        let Some(city) = &profile.city else {
            return Ok(());
        };
        let found = match self.store.find_city(city).await {
            Ok(found) => found,
            Err(mitra_store::StoreError::NotFound { .. }) => {
                return Err(ValidationError::new("city", Reason::unknown_city(city)).into());
            }
            Err(other) => return Err(other.into()),
        };
        if kind == OrgKind::CityGovernment && found.country != profile.country {
            return Err(ValidationError::new(
                "city",
                Reason::wrong_country(&found.name_en, found.country, profile.country),
            )
            .into());
        }
        Ok(())
    }

    /// Creates an organisation with the signed-in account as its admin. It waits for a platform admin's approval
    /// unless a platform admin creates it.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        input: &OrgInput,
    ) -> Result<Organisation, ServiceError> {
        let who = actor.signed_in()?;
        let kind = OrgKind::parse(&input.kind)?;
        let profile = input.profile(kind)?;
        self.check_place(kind, &profile).await?;
        let org = Organisation {
            id: OrgId::from_name(&profile.name_en)?,
            kind,
            profile,
            status: if is_platform_admin(actor) {
                ModerationStatus::Approved
            } else {
                ModerationStatus::Pending
            },
            rejection_reason: None,
        };
        match self
            .store
            .insert_org(&org, who.account(), who.stamp())
            .await
        {
            Err(mitra_store::StoreError::Conflict { .. }) => {
                Err(ValidationError::new("name_en", Reason::org_exists(&org.id)).into())
            }
            other => Ok(other.map(|()| org)?),
        }
    }

    /// Changes an organisation's profile. A rejected organisation goes back to the queue; an approved one stays
    /// approved (its editors are trusted once a platform admin approved them), except a city government whose
    /// city or country changes: what it may write depends on its city, so unless a platform admin makes the
    /// change, it goes back to the queue and its editors lose the new city's rights until it is approved again.
    pub async fn update_organisation(
        &self,
        actor: &Actor,
        id: &OrgId,
        input: &OrgInput,
    ) -> Result<Organisation, ServiceError> {
        let mut org = self.store.find_org(id).await?;
        let editor = actor.org_editor(id, org.status == ModerationStatus::Approved)?;
        let profile = input.profile(org.kind)?;
        self.check_place(org.kind, &profile).await?;
        let moved = org.kind == OrgKind::CityGovernment
            && (profile.city != org.profile.city || profile.country != org.profile.country);
        org.profile = profile;
        if !editor.org_approved() || (moved && !is_platform_admin(actor)) {
            org.status = ModerationStatus::Pending;
            org.rejection_reason = None;
        }
        self.store.update_org(&org, editor.stamp()).await?;
        Ok(org)
    }

    /// Approves a waiting organisation: its content becomes public.
    pub async fn approve_organisation(
        &self,
        actor: &Actor,
        id: &OrgId,
    ) -> Result<Organisation, ServiceError> {
        let admin = actor.platform_admin()?;
        let mut org = self.store.find_org(id).await?;
        org.status = ModerationStatus::Approved;
        org.rejection_reason = None;
        self.store.update_org(&org, admin.stamp()).await?;
        Ok(org)
    }

    /// Rejects an organisation with a reason its members will see.
    pub async fn reject_organisation(
        &self,
        actor: &Actor,
        id: &OrgId,
        reason: &str,
    ) -> Result<Organisation, ServiceError> {
        let admin = actor.platform_admin()?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(ValidationError::new("reason", Reason::reason_required(2000)).into());
        }
        let mut org = self.store.find_org(id).await?;
        org.status = ModerationStatus::Rejected;
        org.rejection_reason = Some(reason.to_owned());
        self.store.update_org(&org, admin.stamp()).await?;
        Ok(org)
    }

    /// One organisation, if the actor may see it: approved ones are public; others only to their members and
    /// platform admins (to anyone else they do not exist).
    pub async fn get_organisation(
        &self,
        actor: &Actor,
        id: &OrgId,
    ) -> Result<Organisation, ServiceError> {
        let org = self.store.find_org(id).await?;
        if org.status == ModerationStatus::Approved
            || is_member(actor, id)
            || is_platform_admin(actor)
        {
            Ok(org)
        } else {
            Err(ServiceError::NotFound {
                entity: "organisation",
                id: id.to_string(),
            })
        }
    }

    /// Approved organisations, by id.
    pub async fn list_organisations(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Organisation>, ServiceError> {
        Ok(self
            .store
            .list_orgs(Some(ModerationStatus::Approved), after, limit)
            .await?)
    }

    /// The moderation queue: organisations waiting for approval (platform admins only).
    pub async fn moderation_queue(&self, actor: &Actor) -> Result<Vec<Organisation>, ServiceError> {
        actor.platform_admin()?;
        Ok(self
            .store
            .list_orgs(Some(ModerationStatus::Pending), None, 500)
            .await?)
    }

    /// The organisations the actor belongs to, whatever their status.
    pub async fn my_organisations(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(Organisation, MemberRole)>, ServiceError> {
        let Some(account) = actor.account() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for membership in &account.memberships {
            out.push((self.store.find_org(&membership.org).await?, membership.role));
        }
        Ok(out)
    }

    /// An organisation's members (its members and platform admins only).
    pub async fn list_members(
        &self,
        actor: &Actor,
        id: &OrgId,
    ) -> Result<Vec<(Account, MemberRole)>, ServiceError> {
        if !(is_member(actor, id) || is_platform_admin(actor)) {
            return Err(match actor {
                Actor::Anonymous => ServiceError::Unauthenticated,
                _ => ServiceError::Forbidden,
            });
        }
        Ok(self.store.list_members(id).await?)
    }

    /// Invites someone by e-mail to join an organisation (its admins only). The answer is the same whether or not
    /// the address has an account: the person joins by opening the link while signed in with that address.
    pub async fn invite_member(
        &self,
        actor: &Actor,
        id: &OrgId,
        email: &str,
        role: &str,
    ) -> Result<(), ServiceError> {
        let admin = actor.org_admin(id)?;
        let org = self.store.find_org(admin.org()).await?;
        let email = Email::parse(email)?;
        let role = MemberRole::parse(role)?;
        tracing::info!(org = %id, actor = admin.actor(), "organisation.invitation_sent");
        self.send_invitation(id, &org.profile.name_en, &email, role)
            .await
    }

    /// Adds an existing account to an organisation or changes its role: the operator only, at the command line.
    /// Everyone else joins by accepting an invitation ([`Self::invite_member`]), so that nobody is made a member
    /// without consent and no answer tells whether an address has an account.
    pub async fn add_member(
        &self,
        actor: &Actor,
        id: &OrgId,
        email: &str,
        role: &str,
    ) -> Result<(), ServiceError> {
        let operator = actor.operator()?;
        self.store.find_org(id).await?;
        let email = Email::parse(email)?;
        let role = MemberRole::parse(role)?;
        let account = self
            .store
            .find_credentials(&email)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                entity: "account",
                id: email.to_string(),
            })?
            .account;
        Ok(self
            .store
            .upsert_membership(&account.id, id, role, operator.stamp())
            .await?)
    }
}

/// What a reader may do with an organisation, as its page offers it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrgPermissions {
    /// Change its profile: its editors and admins, and platform admins.
    pub edit: bool,
    /// Invite members: its admins, and platform admins.
    pub invite: bool,
    /// The city whose observations the reader may submit here: that of an approved city government the reader
    /// edits.
    pub submit_for: Option<mitra_domain::CityId>,
}

/// An organisation with everything its page shows, read in one call.
#[derive(Debug, Clone)]
pub struct OrganisationDetail {
    /// The organisation.
    pub org: Organisation,
    /// Its members, for its members and platform admins; empty for everyone else.
    pub members: Vec<(Account, MemberRole)>,
    /// Its country, if Mitra lists it.
    pub country: Option<mitra_domain::Country>,
    /// Its city, if it names one Mitra lists.
    pub city: Option<mitra_domain::City>,
    /// What the reader may do with it.
    pub permissions: OrgPermissions,
}

/// What the administration page shows a platform admin, read in one call.
#[derive(Debug, Clone)]
pub struct AdminOverview {
    /// Organisations waiting for approval.
    pub organisations: Vec<Organisation>,
    /// Entries waiting for review, oldest first.
    pub entries: Vec<mitra_store::StoredEntry>,
    /// Every account, with its platform role.
    pub accounts: Vec<Account>,
}

impl Mitra {
    /// The organisations `actor` may publish entries for: those whose content the account edits, or every approved
    /// one for a platform admin. Anonymous callers are refused (401).
    pub async fn publishing_orgs(&self, actor: &Actor) -> Result<Vec<Organisation>, ServiceError> {
        actor.signed_in()?;
        if actor.platform_admin().is_ok() {
            return self.list_organisations(None, 1_000).await;
        }
        let Some(account) = actor.account() else {
            return Ok(Vec::new());
        };
        let mut orgs = Vec::new();
        for membership in &account.memberships {
            let approved = membership.org_status == ModerationStatus::Approved;
            if actor.org_editor(&membership.org, approved).is_err() {
                continue;
            }
            match self.store.find_org(&membership.org).await {
                Ok(org) => orgs.push(org),
                // A membership of an organisation removed meanwhile offers nothing to publish for.
                Err(mitra_store::StoreError::NotFound { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(orgs)
    }

    /// Whether `actor` may register an organisation (any signed-in account), checked before the form is shown.
    pub fn may_create_organisation(&self, actor: &Actor) -> Result<(), ServiceError> {
        actor.signed_in()?;
        Ok(())
    }

    /// Organisation `id` for `actor` to edit: 404 for one they may not see, 403 for one they may not change.
    pub async fn organisation_to_edit(
        &self,
        actor: &Actor,
        id: &OrgId,
    ) -> Result<Organisation, ServiceError> {
        let org = self.get_organisation(actor, id).await?;
        actor.org_editor(&org.id, org.status == ModerationStatus::Approved)?;
        Ok(org)
    }

    /// Organisation `id` as `actor` sees it on its page: its profile, country and city, its members when the actor
    /// may list them, and what the actor may do.
    pub async fn organisation_detail(
        &self,
        actor: &Actor,
        id: &OrgId,
    ) -> Result<OrganisationDetail, ServiceError> {
        let org = self.get_organisation(actor, id).await?;
        let members = match self.list_members(actor, id).await {
            Ok(members) => members,
            // Only members and platform admins see the list; everyone else sees the profile without it.
            Err(ServiceError::Forbidden | ServiceError::Unauthenticated) => Vec::new(),
            Err(other) => return Err(other),
        };
        let country = self
            .store
            .list_countries()
            .await?
            .into_iter()
            .find(|c| c.code == org.profile.country);
        let city = match &org.profile.city {
            Some(city) => match self.store.find_city(city).await {
                Ok(found) => Some(found),
                Err(mitra_store::StoreError::NotFound { .. }) => None,
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        let permissions = OrgPermissions {
            edit: actor
                .org_editor(&org.id, org.status == ModerationStatus::Approved)
                .is_ok(),
            invite: actor.org_admin(&org.id).is_ok(),
            submit_for: org.profile.city.clone().filter(|city| {
                org.kind == mitra_domain::OrgKind::CityGovernment
                    && org.status == ModerationStatus::Approved
                    && actor.city_editor(city).is_ok()
            }),
        };
        Ok(OrganisationDetail {
            org,
            members,
            country,
            city,
            permissions,
        })
    }

    /// What the administration page shows: the organisations and entries waiting for a platform admin, and every
    /// account. Platform admins only.
    pub async fn admin_overview(&self, actor: &Actor) -> Result<AdminOverview, ServiceError> {
        Ok(AdminOverview {
            organisations: self.moderation_queue(actor).await?,
            entries: self.entry_queue(actor).await?,
            accounts: self.list_accounts(actor).await?,
        })
    }
}
