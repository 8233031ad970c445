//! Who is acting, and what they may do. A write is reachable only through a handle that a check here returns:
//! a service function that changes an organisation takes an [`OrgEditor`], which only [`Actor::org_editor`] makes.
//! Every handle carries the actor's [`AuditStamp`], and every write of the store takes one, which nothing outside
//! this module makes (but for Mitra's own loading of shipped data, [`AuditStamp::system`]): a write whose check
//! was forgotten does not compile.

use crate::account::{AccountId, Membership, ModerationStatus, OrgKind, PlatformRole, TokenScope};
use crate::interest::Side;
use crate::{CityId, OrgId};

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Nobody is signed in; signing in may help.
    SignInRequired,
    /// The actor is known but lacks the permission.
    Forbidden,
}

/// A signed-in account, with what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountActor {
    /// The account.
    pub id: AccountId,
    /// Its platform role.
    pub platform_role: Option<PlatformRole>,
    /// Its memberships.
    pub memberships: Vec<Membership>,
    /// For an API token, its scope; `None` for a browser session (full rights of the account).
    pub token_scope: Option<TokenScope>,
}

/// Whoever is behind a request or command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in.
    Anonymous,
    /// A signed-in account (session or API token).
    Account(AccountActor),
    /// An operator at the command line, who has the machine and so every right.
    Operator,
}

/// Who made a change, as the audit log records it: `account:<id>`, `operator`, or `system:<part>` for Mitra's own
/// loading of shipped data. Only a permission check of this module makes one for an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditStamp(String);

impl AuditStamp {
    /// Mitra itself, loading shipped data (`system:reference`, `system:demo`): no person's permission is involved.
    pub fn system(part: &'static str) -> Self {
        Self(format!("system:{part}"))
    }

    /// An account acting on itself without a session, where something else is the proof: signing up creates it,
    /// and a one-time link mailed to it (verification, password reset) shows that its holder reads its mail.
    pub fn own_account(account: &AccountId) -> Self {
        Self(format!("account:{account}"))
    }

    /// The name the audit log records.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AuditStamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// Every handle is a struct with the actor's stamp and what the check established; the macro only spares writing
// the same two accessors nine times.
macro_rules! handle {
    ($(#[$meta:meta])* $name:ident { $($field:ident: $ty:ty),* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            stamp: AuditStamp,
            $($field: $ty),*
        }

        impl $name {
            /// The actor's name for the audit log.
            pub fn actor(&self) -> &str {
                self.stamp.as_str()
            }

            /// The actor's stamp, which every write of the store takes.
            pub fn stamp(&self) -> &AuditStamp {
                &self.stamp
            }
        }
    };
}

handle!(
    /// Proof that the actor is signed in (or an operator), for writes to their own account.
    SignedIn { account: Option<AccountId> }
);
handle!(
    /// Proof that the actor may run the platform.
    PlatformAdmin {}
);
handle!(
    /// Proof that the actor is the operator at the command line, who may do what no signed-in account may (add
    /// an account to an organisation without an invitation).
    Operator {}
);
handle!(
    /// Proof that the actor may verify observations and approve crosswalk changes.
    Verifier {}
);
handle!(
    /// Proof that the actor may manage an organisation's members.
    OrgAdmin { org: OrgId }
);
handle!(
    /// Proof that the actor may write an organisation's content.
    OrgEditor { org: OrgId, approved: bool }
);
handle!(
    /// Proof that the actor may submit observations for a city.
    CityEditor { city: CityId }
);
handle!(
    /// Proof that the actor may submit observations for every city of a batch.
    CitiesEditor {}
);
handle!(
    /// Proof that the actor may write in a thread about an opportunity, and for which side.
    ThreadParty { side: Side, org: OrgId }
);

handle!(
    /// Proof that the actor may act for a city in its partnerships: an editor of the city's approved
    /// city-government organisation.
    CityGovernment { city: CityId, org: Option<OrgId> }
);

impl CityGovernment {
    /// The city the actor acts for.
    pub fn city(&self) -> &CityId {
        &self.city
    }

    /// The city-government organisation the actor edits; `None` for the operator.
    pub fn org(&self) -> Option<&OrgId> {
        self.org.as_ref()
    }
}

impl SignedIn {
    /// The account, or `None` for an operator.
    pub fn account(&self) -> Option<&AccountId> {
        self.account.as_ref()
    }
}

impl OrgAdmin {
    /// The organisation.
    pub fn org(&self) -> &OrgId {
        &self.org
    }
}

impl OrgEditor {
    /// The organisation.
    pub fn org(&self) -> &OrgId {
        &self.org
    }

    /// Whether the organisation is approved, so its content may be published without moderation.
    pub fn org_approved(&self) -> bool {
        self.approved
    }
}

impl ThreadParty {
    /// The side the actor writes for.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The organisation of that side.
    pub fn org(&self) -> &OrgId {
        &self.org
    }
}

impl CityEditor {
    /// The city.
    pub fn city(&self) -> &CityId {
        &self.city
    }
}

impl Actor {
    /// The actor's stamp in the audit log: `account:<id>`, `operator` or `anonymous`. Private: handed out only
    /// inside the handle a check returns.
    fn stamp(&self) -> AuditStamp {
        AuditStamp(match self {
            Actor::Anonymous => "anonymous".into(),
            Actor::Account(a) => format!("account:{}", a.id),
            Actor::Operator => "operator".into(),
        })
    }

    /// The signed-in account, if any.
    pub fn account(&self) -> Option<&AccountActor> {
        match self {
            Actor::Account(a) => Some(a),
            _ => None,
        }
    }

    /// Checks that a write is allowed at all: signed in, and an API token has write scope.
    fn writer(&self) -> Result<Option<&AccountActor>, Denied> {
        match self {
            Actor::Anonymous => Err(Denied::SignInRequired),
            Actor::Operator => Ok(None),
            Actor::Account(a) if a.token_scope == Some(TokenScope::Read) => Err(Denied::Forbidden),
            Actor::Account(a) => Ok(Some(a)),
        }
    }

    fn is_platform_admin(account: Option<&AccountActor>) -> bool {
        account.is_none_or(|a| a.platform_role == Some(PlatformRole::PlatformAdmin))
    }

    /// Any signed-in actor with write rights, for changes to their own account.
    pub fn signed_in(&self) -> Result<SignedIn, Denied> {
        let account = self.writer()?;
        Ok(SignedIn {
            stamp: self.stamp(),
            account: account.map(|a| a.id.clone()),
        })
    }

    /// The operator at the command line.
    pub fn operator(&self) -> Result<Operator, Denied> {
        match self {
            Actor::Anonymous => Err(Denied::SignInRequired),
            Actor::Account(_) => Err(Denied::Forbidden),
            Actor::Operator => Ok(Operator {
                stamp: self.stamp(),
            }),
        }
    }

    /// A platform admin (or an operator).
    pub fn platform_admin(&self) -> Result<PlatformAdmin, Denied> {
        if Self::is_platform_admin(self.writer()?) {
            Ok(PlatformAdmin {
                stamp: self.stamp(),
            })
        } else {
            Err(Denied::Forbidden)
        }
    }

    /// Whether the actor may read what only platform admins see (the audit trail, the moderation queue), which
    /// a read-scoped token of a platform admin may.
    pub fn platform_admin_view(&self) -> Result<(), Denied> {
        match self {
            Actor::Anonymous => Err(Denied::SignInRequired),
            Actor::Operator => Ok(()),
            Actor::Account(a) if a.platform_role == Some(PlatformRole::PlatformAdmin) => Ok(()),
            Actor::Account(_) => Err(Denied::Forbidden),
        }
    }

    /// A verifier (platform admins are not verifiers unless they also hold that role; operators are).
    pub fn verifier(&self) -> Result<Verifier, Denied> {
        match self.writer()? {
            None => Ok(Verifier {
                stamp: self.stamp(),
            }),
            Some(a) if a.platform_role == Some(PlatformRole::Verifier) => Ok(Verifier {
                stamp: self.stamp(),
            }),
            Some(_) => Err(Denied::Forbidden),
        }
    }

    /// An admin of `org`, or a platform admin.
    pub fn org_admin(&self, org: &OrgId) -> Result<OrgAdmin, Denied> {
        let account = self.writer()?;
        let member_admin = account.is_some_and(|a| {
            a.memberships
                .iter()
                .any(|m| &m.org == org && m.role == crate::account::MemberRole::Admin)
        });
        if member_admin || Self::is_platform_admin(account) {
            Ok(OrgAdmin {
                stamp: self.stamp(),
                org: org.clone(),
            })
        } else {
            Err(Denied::Forbidden)
        }
    }

    /// An editor or admin of `org`, or a platform admin. `approved` says whether the organisation is approved.
    pub fn org_editor(&self, org: &OrgId, approved: bool) -> Result<OrgEditor, Denied> {
        let account = self.writer()?;
        let member_editor = account.is_some_and(|a| {
            a.memberships
                .iter()
                .any(|m| &m.org == org && m.role.can_edit())
        });
        if member_editor || Self::is_platform_admin(account) {
            Ok(OrgEditor {
                stamp: self.stamp(),
                org: org.clone(),
                approved,
            })
        } else {
            Err(Denied::Forbidden)
        }
    }

    /// Whether the actor may submit observations for some city at all: an operator, or an editor of an approved
    /// city-government organisation. An import is refused with this before its file is read; each city in the file
    /// is then checked with [`Actor::cities_editor`].
    pub fn may_submit_observations(&self) -> Result<(), Denied> {
        match self.writer()? {
            None => Ok(()),
            Some(a) if a.memberships.iter().any(|m| city_edited(m).is_some()) => Ok(()),
            Some(_) => Err(Denied::Forbidden),
        }
    }

    /// An editor of the approved city-government organisation of `city` (or an operator): the only ones who may
    /// submit that city's observations.
    pub fn city_editor(&self, city: &CityId) -> Result<CityEditor, Denied> {
        if edits_city(self.writer()?, city) {
            Ok(CityEditor {
                stamp: self.stamp(),
                city: city.clone(),
            })
        } else {
            Err(Denied::Forbidden)
        }
    }

    /// An editor of every city in `cities` (see [`Actor::city_editor`]); otherwise the positions of the cities the
    /// actor may not submit for, or the reason when it may not write at all.
    pub fn cities_editor<'a>(
        &self,
        cities: impl IntoIterator<Item = &'a CityId>,
    ) -> Result<CitiesEditor, CitiesDenied> {
        let account = self.writer().map_err(CitiesDenied::Actor)?;
        let refused: Vec<usize> = cities
            .into_iter()
            .enumerate()
            .filter(|(_, city)| !edits_city(account, city))
            .map(|(n, _)| n)
            .collect();
        if refused.is_empty() {
            Ok(CitiesEditor {
                stamp: self.stamp(),
            })
        } else {
            Err(CitiesDenied::Cities(refused))
        }
    }
}

impl Actor {
    /// A member (any role) of the approved organisation `org`, who may express interest on its behalf and write for
    /// it in the thread; an operator may too.
    pub fn interested_member(&self, org: &OrgId) -> Result<ThreadParty, Denied> {
        match self.writer()? {
            None => {}
            Some(a)
                if a.memberships
                    .iter()
                    .any(|m| &m.org == org && m.org_status == ModerationStatus::Approved) => {}
            Some(_) => return Err(Denied::Forbidden),
        }
        Ok(ThreadParty {
            stamp: self.stamp(),
            side: Side::Interested,
            org: org.clone(),
        })
    }

    /// A party to the thread between `interested` and `publisher`: an editor of the publishing organisation writes
    /// for it; otherwise a member of the interested one (see [`Actor::interested_member`]) writes for that.
    /// Platform admins are not parties: they may read threads for moderation ([`Actor::thread_reader`]), not write.
    pub fn thread_party(
        &self,
        interested: &OrgId,
        publisher: &OrgId,
    ) -> Result<ThreadParty, Denied> {
        let account = self.writer()?;
        let edits_publisher = account.is_some_and(|a| {
            a.memberships
                .iter()
                .any(|m| &m.org == publisher && m.role.can_edit())
        });
        if edits_publisher {
            return Ok(ThreadParty {
                stamp: self.stamp(),
                side: Side::Publisher,
                org: publisher.clone(),
            });
        }
        self.interested_member(interested)
    }

    /// Whether the actor may read the thread between `interested` and `publisher`: its parties (a read-scoped token
    /// of theirs too), platform admins, and operators.
    pub fn thread_reader(&self, interested: &OrgId, publisher: &OrgId) -> Result<(), Denied> {
        match self {
            Actor::Anonymous => Err(Denied::SignInRequired),
            Actor::Operator => Ok(()),
            Actor::Account(a) if a.platform_role == Some(PlatformRole::PlatformAdmin) => Ok(()),
            Actor::Account(a)
                if a.memberships.iter().any(|m| {
                    (&m.org == publisher && m.role.can_edit())
                        || (&m.org == interested && m.org_status == ModerationStatus::Approved)
                }) =>
            {
                Ok(())
            }
            Actor::Account(_) => Err(Denied::Forbidden),
        }
    }
}

impl Actor {
    /// The cities whose government the actor acts for: those of the approved city-government organisations it
    /// edits, in id order.
    pub fn governed_cities(&self) -> Vec<CityId> {
        let mut cities: Vec<CityId> = self
            .account()
            .into_iter()
            .flat_map(|a| a.memberships.iter().filter_map(city_edited))
            .cloned()
            .collect();
        cities.sort();
        cities.dedup();
        cities
    }

    /// An editor of `city`'s approved city-government organisation, who acts for the city in its partnerships:
    /// proposes, answers, signs, logs activities. Platform admins are not parties; an operator may act for any
    /// city. A city government moved to another city acts for that one only.
    pub fn city_government(&self, city: &CityId) -> Result<CityGovernment, Denied> {
        match self.writer()? {
            None => Ok(CityGovernment {
                stamp: self.stamp(),
                city: city.clone(),
                org: None,
            }),
            Some(a) => a
                .memberships
                .iter()
                .find(|m| city_edited(m) == Some(city))
                .map(|m| CityGovernment {
                    stamp: self.stamp(),
                    city: city.clone(),
                    org: Some(m.org.clone()),
                })
                .ok_or(Denied::Forbidden),
        }
    }

    /// An editor of an approved organisation based in `city` that is not its government (a university, a company, a
    /// chamber), who may propose a partnership on the city's behalf; everything after is the city government's.
    pub fn city_delegate(&self, city: &CityId) -> Result<CityGovernment, Denied> {
        match self.writer()? {
            None => Err(Denied::Forbidden),
            Some(a) => a
                .memberships
                .iter()
                .find(|m| {
                    m.org_kind != OrgKind::CityGovernment
                        && m.org_status == ModerationStatus::Approved
                        && m.role.can_edit()
                        && m.org_city.as_ref() == Some(city)
                })
                .map(|m| CityGovernment {
                    stamp: self.stamp(),
                    city: city.clone(),
                    org: Some(m.org.clone()),
                })
                .ok_or(Denied::Forbidden),
        }
    }

    /// The cities the actor may propose partnerships for on their behalf (see [`Actor::city_delegate`]), in id
    /// order.
    pub fn delegated_cities(&self) -> Vec<CityId> {
        let mut cities: Vec<CityId> = self
            .account()
            .into_iter()
            .flat_map(|a| {
                a.memberships.iter().filter(|m| {
                    m.org_kind != OrgKind::CityGovernment
                        && m.org_status == ModerationStatus::Approved
                        && m.role.can_edit()
                })
            })
            .filter_map(|m| m.org_city.clone())
            .collect();
        cities.sort();
        cities.dedup();
        cities
    }

    /// The first of `cities` the actor acts for (see [`Actor::city_government`]).
    pub fn government_of_either(&self, cities: [&CityId; 2]) -> Result<CityGovernment, Denied> {
        let mut refused = Denied::Forbidden;
        for city in cities {
            match self.city_government(city) {
                Ok(g) => return Ok(g),
                Err(why) => refused = why,
            }
        }
        Err(refused)
    }

    /// Whether the actor may read a partnership between `cities` that is not public yet, and its thread: the two
    /// cities' governments (a read-scoped token of theirs too), platform admins, and operators.
    pub fn partnership_reader(&self, cities: [&CityId; 2]) -> Result<(), Denied> {
        match self {
            Actor::Anonymous => Err(Denied::SignInRequired),
            Actor::Operator => Ok(()),
            Actor::Account(a) if a.platform_role == Some(PlatformRole::PlatformAdmin) => Ok(()),
            Actor::Account(a)
                if a.memberships
                    .iter()
                    .any(|m| city_edited(m).is_some_and(|c| cities.contains(&c))) =>
            {
                Ok(())
            }
            Actor::Account(_) => Err(Denied::Forbidden),
        }
    }
}

/// Why [`Actor::cities_editor`] refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitiesDenied {
    /// The actor may not write at all.
    Actor(Denied),
    /// The positions (in the order given) of the cities the actor may not submit for.
    Cities(Vec<usize>),
}

/// Whether a writer (an account, or `None` for the operator) may submit `city`'s observations.
fn edits_city(account: Option<&AccountActor>, city: &CityId) -> bool {
    account.is_none_or(|a| a.memberships.iter().any(|m| city_edited(m) == Some(city)))
}

/// The city whose observations a membership lets its account submit: that of an approved city-government
/// organisation the account edits.
fn city_edited(m: &crate::account::Membership) -> Option<&CityId> {
    (m.org_kind == OrgKind::CityGovernment
        && m.org_status == ModerationStatus::Approved
        && m.role.can_edit())
    .then_some(m.org_city.as_ref())
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::MemberRole;

    fn id(n: u8) -> AccountId {
        AccountId::parse(&format!("00000000-0000-7000-8000-0000000000{n:02x}")).expect("id")
    }

    fn org(slug: &str) -> OrgId {
        OrgId::parse(slug).expect("org")
    }

    fn city(slug: &str) -> CityId {
        CityId::parse(slug).expect("city")
    }

    fn member(
        org_id: &str,
        role: MemberRole,
        kind: OrgKind,
        org_city: Option<&str>,
        status: ModerationStatus,
    ) -> Membership {
        Membership {
            org: org(org_id),
            org_kind: kind,
            org_city: org_city.map(city),
            org_status: status,
            role,
        }
    }

    fn account(
        platform_role: Option<PlatformRole>,
        memberships: Vec<Membership>,
        scope: Option<TokenScope>,
    ) -> Actor {
        Actor::Account(AccountActor {
            id: id(1),
            platform_role,
            memberships,
            token_scope: scope,
        })
    }

    #[test]
    fn only_editors_of_an_approved_city_government_act_for_its_city_in_partnerships() {
        let (bangkok, nanning) = (city("bangkok"), city("nanning"));
        let gov = |role, city_slug: &str, status| {
            member(
                "bma",
                role,
                OrgKind::CityGovernment,
                Some(city_slug),
                status,
            )
        };
        let editor = account(
            None,
            vec![gov(
                MemberRole::Editor,
                "bangkok",
                ModerationStatus::Approved,
            )],
            None,
        );
        let handle = editor.city_government(&bangkok).expect("acts for Bangkok");
        assert_eq!(handle.org(), Some(&org("bma")));
        assert_eq!(editor.city_government(&nanning), Err(Denied::Forbidden));
        assert_eq!(editor.governed_cities(), vec![bangkok.clone()]);
        assert_eq!(
            editor
                .government_of_either([&nanning, &bangkok])
                .map(|g| g.city().clone()),
            Ok(bangkok.clone())
        );
        assert!(editor.partnership_reader([&nanning, &bangkok]).is_ok());
        // The same organisation moved to Nanning acts for Nanning only.
        let moved = account(
            None,
            vec![gov(
                MemberRole::Editor,
                "nanning",
                ModerationStatus::Approved,
            )],
            None,
        );
        assert_eq!(moved.city_government(&bangkok), Err(Denied::Forbidden));
        assert!(moved.city_government(&nanning).is_ok());
        for refused in [
            account(
                None,
                vec![gov(
                    MemberRole::Member,
                    "bangkok",
                    ModerationStatus::Approved,
                )],
                None,
            ),
            account(
                None,
                vec![gov(
                    MemberRole::Editor,
                    "bangkok",
                    ModerationStatus::Pending,
                )],
                None,
            ),
            account(
                None,
                vec![member(
                    "vendor",
                    MemberRole::Admin,
                    OrgKind::Enterprise,
                    Some("bangkok"),
                    ModerationStatus::Approved,
                )],
                None,
            ),
            account(Some(PlatformRole::PlatformAdmin), vec![], None),
        ] {
            assert_eq!(refused.city_government(&bangkok), Err(Denied::Forbidden));
        }
        let read_token = account(
            None,
            vec![gov(
                MemberRole::Editor,
                "bangkok",
                ModerationStatus::Approved,
            )],
            Some(TokenScope::Read),
        );
        assert_eq!(read_token.city_government(&bangkok), Err(Denied::Forbidden));
        assert!(read_token.partnership_reader([&bangkok, &nanning]).is_ok());
        assert_eq!(
            Actor::Anonymous.city_government(&bangkok),
            Err(Denied::SignInRequired)
        );
        assert!(
            account(Some(PlatformRole::PlatformAdmin), vec![], None)
                .partnership_reader([&bangkok, &nanning])
                .is_ok()
        );
    }

    #[test]
    fn threads_are_written_by_members_of_the_interested_organisation_and_editors_of_the_publisher()
    {
        let approved = |org_id: &str, role| {
            member(
                org_id,
                role,
                OrgKind::Enterprise,
                None,
                ModerationStatus::Approved,
            )
        };
        let (buyer, seller) = (org("buyer"), org("seller"));
        let plain_buyer = account(None, vec![approved("buyer", MemberRole::Member)], None);
        let party = plain_buyer
            .thread_party(&buyer, &seller)
            .expect("a member writes");
        assert_eq!((party.side(), party.org()), (Side::Interested, &buyer));
        let seller_editor = account(None, vec![approved("seller", MemberRole::Editor)], None);
        let party = seller_editor
            .thread_party(&buyer, &seller)
            .expect("an editor answers");
        assert_eq!(party.side(), Side::Publisher);
        let seller_member = account(None, vec![approved("seller", MemberRole::Member)], None);
        assert_eq!(
            seller_member.thread_party(&buyer, &seller),
            Err(Denied::Forbidden),
            "a plain member of the publisher does not answer for it"
        );
        let pending_buyer = account(
            None,
            vec![member(
                "buyer",
                MemberRole::Admin,
                OrgKind::Enterprise,
                None,
                ModerationStatus::Pending,
            )],
            None,
        );
        assert_eq!(
            pending_buyer.interested_member(&buyer),
            Err(Denied::Forbidden),
            "an organisation waiting for approval cannot express interest"
        );
        let admin = account(Some(PlatformRole::PlatformAdmin), vec![], None);
        assert_eq!(admin.thread_party(&buyer, &seller), Err(Denied::Forbidden));
        assert_eq!(admin.thread_reader(&buyer, &seller), Ok(()));
        let outsider = account(None, vec![approved("third", MemberRole::Admin)], None);
        assert_eq!(
            outsider.thread_reader(&buyer, &seller),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            Actor::Anonymous.thread_reader(&buyer, &seller),
            Err(Denied::SignInRequired)
        );
        let read_only = account(
            None,
            vec![approved("buyer", MemberRole::Member)],
            Some(TokenScope::Read),
        );
        assert_eq!(read_only.thread_reader(&buyer, &seller), Ok(()));
        assert_eq!(
            read_only.thread_party(&buyer, &seller),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn anonymous_visitors_must_sign_in_to_write() {
        assert_eq!(Actor::Anonymous.signed_in(), Err(Denied::SignInRequired));
        assert_eq!(
            Actor::Anonymous.platform_admin(),
            Err(Denied::SignInRequired)
        );
        assert_eq!(
            Actor::Anonymous.org_editor(&org("x"), true),
            Err(Denied::SignInRequired)
        );
    }

    #[test]
    fn only_editors_and_admins_of_an_organisation_edit_it() {
        let bma = "bangkok-metropolitan-administration";
        let editor = account(
            None,
            vec![member(
                bma,
                MemberRole::Editor,
                OrgKind::CityGovernment,
                Some("bangkok"),
                ModerationStatus::Approved,
            )],
            None,
        );
        let plain = account(
            None,
            vec![member(
                bma,
                MemberRole::Member,
                OrgKind::CityGovernment,
                Some("bangkok"),
                ModerationStatus::Approved,
            )],
            None,
        );
        assert!(editor.org_editor(&org(bma), true).is_ok());
        assert_eq!(
            editor.org_editor(&org("other"), true),
            Err(Denied::Forbidden)
        );
        assert_eq!(editor.org_admin(&org(bma)), Err(Denied::Forbidden));
        assert_eq!(plain.org_editor(&org(bma), true), Err(Denied::Forbidden));
    }

    #[test]
    fn only_editors_of_the_approved_city_government_submit_its_observations() {
        let approved = account(
            None,
            vec![member(
                "bma",
                MemberRole::Editor,
                OrgKind::CityGovernment,
                Some("bangkok"),
                ModerationStatus::Approved,
            )],
            None,
        );
        assert!(approved.city_editor(&city("bangkok")).is_ok());
        assert_eq!(approved.city_editor(&city("hanoi")), Err(Denied::Forbidden));
        let pending = account(
            None,
            vec![member(
                "bma",
                MemberRole::Editor,
                OrgKind::CityGovernment,
                Some("bangkok"),
                ModerationStatus::Pending,
            )],
            None,
        );
        assert_eq!(
            pending.city_editor(&city("bangkok")),
            Err(Denied::Forbidden)
        );
        let company = account(
            None,
            vec![member(
                "acme",
                MemberRole::Admin,
                OrgKind::Enterprise,
                Some("bangkok"),
                ModerationStatus::Approved,
            )],
            None,
        );
        assert_eq!(
            company.city_editor(&city("bangkok")),
            Err(Denied::Forbidden)
        );
        assert!(Actor::Operator.city_editor(&city("bangkok")).is_ok());
        assert!(approved.may_submit_observations().is_ok());
        assert_eq!(
            pending.may_submit_observations(),
            Err(Denied::Forbidden),
            "only an approved city government's editors may import at all"
        );
        assert_eq!(company.may_submit_observations(), Err(Denied::Forbidden));
        assert_eq!(
            Actor::Anonymous.may_submit_observations(),
            Err(Denied::SignInRequired)
        );
    }

    #[test]
    fn a_batch_is_submitted_only_when_every_city_is_the_editors_and_the_refused_ones_are_named() {
        let editor = account(
            None,
            vec![member(
                "bma",
                MemberRole::Editor,
                OrgKind::CityGovernment,
                Some("bangkok"),
                ModerationStatus::Approved,
            )],
            None,
        );
        let (bangkok, hanoi, yangon) = (city("bangkok"), city("hanoi"), city("yangon"));
        assert!(editor.cities_editor([&bangkok, &bangkok]).is_ok());
        assert_eq!(
            editor.cities_editor([&hanoi, &bangkok, &yangon]),
            Err(CitiesDenied::Cities(vec![0, 2]))
        );
        assert!(Actor::Operator.cities_editor([&hanoi]).is_ok());
        assert_eq!(
            Actor::Anonymous.cities_editor([&bangkok]),
            Err(CitiesDenied::Actor(Denied::SignInRequired))
        );
        assert_eq!(
            editor
                .cities_editor([&bangkok])
                .expect("editor")
                .stamp()
                .as_str(),
            format!("account:{}", id(1)),
            "the handle carries who submits"
        );
    }

    #[test]
    fn platform_roles_grant_exactly_their_rights() {
        let admin = account(Some(PlatformRole::PlatformAdmin), vec![], None);
        let verifier = account(Some(PlatformRole::Verifier), vec![], None);
        assert!(admin.platform_admin().is_ok() && admin.org_admin(&org("any")).is_ok());
        assert_eq!(
            admin.operator(),
            Err(Denied::Forbidden),
            "only the command line adds members without an invitation"
        );
        assert!(Actor::Operator.operator().is_ok());
        assert_eq!(admin.verifier(), Err(Denied::Forbidden));
        assert!(verifier.verifier().is_ok());
        assert_eq!(verifier.platform_admin(), Err(Denied::Forbidden));
        assert_eq!(
            verifier.city_editor(&city("bangkok")),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn a_read_token_cannot_write_even_for_an_admin() {
        let read = account(
            Some(PlatformRole::PlatformAdmin),
            vec![],
            Some(TokenScope::Read),
        );
        assert_eq!(read.platform_admin(), Err(Denied::Forbidden));
        assert_eq!(read.signed_in(), Err(Denied::Forbidden));
        let write = account(
            Some(PlatformRole::PlatformAdmin),
            vec![],
            Some(TokenScope::Write),
        );
        assert!(write.platform_admin().is_ok());
    }

    #[test]
    fn handles_carry_the_actor_for_the_audit_log() {
        let admin = account(Some(PlatformRole::PlatformAdmin), vec![], None);
        assert_eq!(
            admin.platform_admin().expect("admin").actor(),
            format!("account:{}", id(1))
        );
        assert_eq!(
            Actor::Operator.platform_admin().expect("operator").actor(),
            "operator"
        );
    }
}
