//! Expressions of interest in opportunities and their threads, the notifications they cause, and the mail that
//! carries those notifications: at once, or in daily or weekly digests, as each account chose. Who may write, and
//! for which side, is decided by [`Actor::interested_member`] and [`Actor::thread_party`]; the status rules are the
//! domain's ([`InterestStatus::after_message`], [`InterestStatus::after_decision`]). No e-mail address leaves this
//! module: threads name accounts by their display names.

use mitra_domain::access::{AuditStamp, ThreadParty};
use mitra_domain::interest::{
    Decision, InterestId, InterestStatus, MailFrequency, NotificationKind, Side, TransitionRefused,
    is_opportunity, parse_message,
};
use mitra_domain::{
    AccountId, Actor, ContentLanguage, Email, EntryId, ModerationStatus, OrgId, Reason,
};
use mitra_store::{
    ConflictKind, InterestFilter, InterestMessage, InterestRecord, MailDue, NewInterest,
    NotificationAbout, NotificationRecord, OrgName, StoreError, StoredEntry, ThreadChange,
};
use time::OffsetDateTime;

use crate::{Mitra, ServiceError};

/// Most threads an inbox lists.
const INBOX_SIZE: u32 = 200;

/// A thread as one reader sees it.
#[derive(Debug, Clone)]
pub struct Thread {
    /// The thread.
    pub interest: InterestRecord,
    /// Its opportunity.
    pub entry: StoredEntry,
    /// Its messages in order.
    pub messages: Vec<InterestMessage>,
    /// The side the reader writes for, when the reader is a party.
    pub side: Option<Side>,
    /// What the reader may do now.
    pub may: ThreadActions,
}

/// What a reader may do in a thread now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadActions {
    /// Write a message.
    pub write: bool,
    /// Accept (the publisher, before agreement).
    pub accept: bool,
    /// Decline (the publisher, while going).
    pub decline: bool,
    /// Withdraw (the interested side, while going).
    pub withdraw: bool,
}

impl ThreadActions {
    fn of(side: Option<Side>, status: InterestStatus) -> Self {
        let Some(side) = side else {
            return Self::default();
        };
        let allows = |decision| status.after_decision(side, decision).is_ok();
        Self {
            write: status.takes_messages(),
            accept: allows(Decision::Accept),
            decline: allows(Decision::Decline),
            withdraw: allows(Decision::Withdraw),
        }
    }
}

/// An opportunity's expressions of interest as one reader sees them on its page.
#[derive(Debug, Clone, Default)]
pub struct EntryInterest {
    /// The reader's approved organisations that may express interest now: not the publisher itself, and not one
    /// whose conversation about it is still going (it writes in that one instead).
    pub orgs: Vec<OrgName>,
    /// The threads about it the reader may read: all of them for its publisher's editors (and platform admins),
    /// the reader's own organisations' otherwise.
    pub threads: Vec<InterestRecord>,
    /// Whether it has an organisation to contact (the platform's own entries have none).
    pub has_publisher: bool,
}

/// What a run of the mail of notifications did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailRun {
    /// Messages sent (one per account: a digest or a single notification's mail).
    pub mails: u64,
    /// Notifications they carried.
    pub notifications: u64,
}

impl Mitra {
    /// The opportunity `entry` as the reader may see it, checked to be one interest may be expressed in.
    async fn opportunity(
        &self,
        actor: &Actor,
        entry: &EntryId,
    ) -> Result<StoredEntry, ServiceError> {
        let stored = self.entry_for(actor, entry).await?;
        if !is_opportunity(stored.entry.kind()) {
            return Err(mitra_domain::ValidationError::new(
                "entry",
                Reason::no_interest(stored.entry.kind()),
            )
            .into());
        }
        Ok(stored)
    }

    /// The accounts told about a thread on `side`: the editors and admins of that side's organisation, but not
    /// the actor.
    async fn recipients(&self, org: &OrgId, actor: &Actor) -> Result<Vec<AccountId>, ServiceError> {
        let me = actor.account().map(|a| &a.id);
        Ok(self
            .store
            .list_members(org)
            .await?
            .into_iter()
            .filter(|(account, role)| role.can_edit() && Some(&account.id) != me)
            .map(|(account, _)| account.id)
            .collect())
    }

    /// The expressions of interest of `entry` as the reader sees them; `None` when it is no opportunity.
    pub(crate) async fn entry_interest(
        &self,
        actor: &Actor,
        entry: &StoredEntry,
    ) -> Result<Option<EntryInterest>, ServiceError> {
        if !is_opportunity(entry.entry.kind()) {
            return Ok(None);
        }
        let threads = match (&entry.owner_org, actor) {
            (None, _) | (_, Actor::Anonymous) => Vec::new(),
            (Some(publisher), _) => self
                .store
                .list_interests(&InterestFilter {
                    orgs: Vec::new(),
                    entry: Some(entry.entry.id.clone()),
                    limit: INBOX_SIZE,
                })
                .await?
                .into_iter()
                .filter(|i| actor.thread_reader(&i.interested.id, publisher).is_ok())
                .collect(),
        };
        let orgs = self.offer_orgs(actor, entry, &threads).await?;
        Ok(Some(EntryInterest {
            orgs,
            threads,
            has_publisher: entry.owner_org.is_some(),
        }))
    }

    /// The reader's organisations that may express interest in `entry` now, given the `threads` about it the reader
    /// reads (which hold every going conversation of the reader's organisations).
    async fn offer_orgs(
        &self,
        actor: &Actor,
        entry: &StoredEntry,
        threads: &[InterestRecord],
    ) -> Result<Vec<OrgName>, ServiceError> {
        let (Some(account), Some(publisher)) = (actor.account(), entry.owner_org.as_ref()) else {
            return Ok(Vec::new());
        };
        if entry.status != ModerationStatus::Approved {
            return Ok(Vec::new());
        }
        let going = |org: &OrgId| {
            threads
                .iter()
                .any(|t| &t.interested.id == org && t.status.takes_messages())
        };
        let mut named = Vec::new();
        for m in &account.memberships {
            if &m.org == publisher || actor.interested_member(&m.org).is_err() || going(&m.org) {
                continue;
            }
            let found = self.store.find_org(&m.org).await?;
            named.push(OrgName {
                id: found.id,
                name_en: found.profile.name_en,
                name_zh: found.profile.name_zh,
            });
        }
        Ok(named)
    }

    /// Expresses `org`'s interest in the opportunity `entry` with a first message; the publisher's editors are
    /// notified. Refused when the opportunity has no publisher (the platform's own entries), when `org` publishes
    /// it, and while `org`'s thread about it is still going.
    pub async fn express_interest(
        &self,
        actor: &Actor,
        entry: &EntryId,
        org: &OrgId,
        message: &str,
    ) -> Result<InterestId, ServiceError> {
        let party = actor.interested_member(org)?;
        let message = parse_message(message)?;
        let stored = self.opportunity(actor, entry).await?;
        let Some(publisher) = stored.owner_org.clone() else {
            return Err(ServiceError::Conflict(Reason::no_publisher()));
        };
        if &publisher == org {
            return Err(
                mitra_domain::ValidationError::new("org", Reason::own_opportunity()).into(),
            );
        }
        let notify = self.recipients(&publisher, actor).await?;
        let id = InterestId::parse(&uuid::Uuid::now_v7().to_string())?;
        let new = NewInterest {
            id: &id,
            entry,
            interested: party.org(),
            author: actor.account().map(|a| &a.id),
            message: &message,
            notify: &notify,
        };
        match self.store.create_interest(&new, party.stamp()).await {
            Ok(()) => {}
            Err(StoreError::Conflict {
                kind: ConflictKind::Unique,
                ..
            }) => {
                return Err(ServiceError::Conflict(Reason::thread_exists(org)));
            }
            Err(e) => return Err(e.into()),
        }
        self.mail_immediately(&notify).await;
        Ok(id)
    }

    /// The thread `id` with the reader's side, or [`ServiceError::NotFound`] for a reader who may not read it (so a
    /// guessed id tells nothing).
    pub async fn thread(&self, actor: &Actor, id: &InterestId) -> Result<Thread, ServiceError> {
        let interest = self.store.find_interest(id).await?;
        let not_found = || ServiceError::NotFound {
            entity: "expression of interest",
            id: id.to_string(),
        };
        let Some(publisher) = interest.publisher.as_ref().map(|p| p.id.clone()) else {
            return Err(not_found());
        };
        match actor.thread_reader(&interest.interested.id, &publisher) {
            Ok(()) => {}
            Err(mitra_domain::Denied::SignInRequired) => return Err(ServiceError::Unauthenticated),
            Err(mitra_domain::Denied::Forbidden) => return Err(not_found()),
        }
        let side = actor
            .thread_party(&interest.interested.id, &publisher)
            .ok()
            .map(|p| p.side());
        let entry = self.store.find_entry(&interest.entry).await?;
        let messages = self.store.list_interest_messages(id).await?;
        Ok(Thread {
            may: ThreadActions::of(side, interest.status),
            interest,
            entry,
            messages,
            side,
        })
    }

    /// The party the actor writes for in thread `id`: 401 for anonymous callers, 403 for anyone who is no party
    /// (writing is refused before anything about the thread is read back).
    async fn party(
        &self,
        actor: &Actor,
        id: &InterestId,
    ) -> Result<(InterestRecord, ThreadParty, OrgId), ServiceError> {
        let interest = self.store.find_interest(id).await?;
        let Some(publisher) = interest.publisher.as_ref().map(|p| p.id.clone()) else {
            return Err(ServiceError::Forbidden);
        };
        let party = actor.thread_party(&interest.interested.id, &publisher)?;
        Ok((interest, party, publisher))
    }

    /// Writes `message` in thread `id` for the actor's side; the publisher's first answer moves the thread to in
    /// discussion. The other side is notified.
    pub async fn write_in_thread(
        &self,
        actor: &Actor,
        id: &InterestId,
        message: &str,
    ) -> Result<InterestStatus, ServiceError> {
        let message = parse_message(message)?;
        self.move_thread(actor, id, Some(&message), None).await
    }

    /// Accepts, declines or withdraws in thread `id`, with an optional message; the other side is notified.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: &InterestId,
        decision: Decision,
        message: Option<&str>,
    ) -> Result<InterestStatus, ServiceError> {
        let message = match message.map(str::trim) {
            Some(text) if !text.is_empty() => Some(parse_message(text)?),
            _ => None,
        };
        self.move_thread(actor, id, message.as_deref(), Some(decision))
            .await
    }

    /// Writes `message` and/or makes `decision` in thread `id` for the actor's side, from the status the thread
    /// has now (the store refuses it if that moved meanwhile), and notifies the other side.
    async fn move_thread(
        &self,
        actor: &Actor,
        id: &InterestId,
        message: Option<&str>,
        decision: Option<Decision>,
    ) -> Result<InterestStatus, ServiceError> {
        let (interest, party, publisher) = self.party(actor, id).await?;
        let (to, kind) = match decision {
            Some(decision) => (
                interest.status.after_decision(party.side(), decision),
                NotificationKind::of_decision(decision),
            ),
            None => (
                interest.status.after_message(party.side()),
                NotificationKind::MessageReceived,
            ),
        };
        let to = to.map_err(refused)?;
        let other = other_org(&interest, &party, &publisher);
        let notify = self.recipients(other, actor).await?;
        let notify = self.with_author(notify, &interest, party.side(), actor);
        self.store
            .change_thread(
                &ThreadChange {
                    interest: id,
                    from: interest.status,
                    to,
                    side: party.side(),
                    org: party.org(),
                    author: actor.account().map(|a| &a.id),
                    message,
                    notify: (kind, &notify),
                },
                party.stamp(),
            )
            .await?;
        self.mail_immediately(&notify).await;
        Ok(to)
    }

    /// The interested side's recipients include the account that expressed the interest, whatever its role.
    fn with_author(
        &self,
        mut notify: Vec<AccountId>,
        interest: &InterestRecord,
        acting: Side,
        actor: &Actor,
    ) -> Vec<AccountId> {
        if acting == Side::Publisher
            && let Some(author) = interest
                .created_by
                .strip_prefix("account:")
                .and_then(|id| AccountId::parse(id).ok())
            && actor.account().is_none_or(|a| a.id != author)
            && !notify.contains(&author)
        {
            notify.push(author);
        }
        notify
    }

    /// The threads the reader is a party to (or every thread, for platform admins), most recently changed first.
    pub async fn inbox(&self, actor: &Actor) -> Result<Vec<InterestRecord>, ServiceError> {
        let orgs: Vec<OrgId> = match actor {
            Actor::Anonymous => return Err(ServiceError::Unauthenticated),
            Actor::Operator => Vec::new(),
            Actor::Account(_) if actor.platform_admin_view().is_ok() => Vec::new(),
            Actor::Account(a) => {
                if a.memberships.is_empty() {
                    return Ok(Vec::new());
                }
                a.memberships.iter().map(|m| m.org.clone()).collect()
            }
        };
        let found = self
            .store
            .list_interests(&InterestFilter {
                orgs,
                entry: None,
                limit: INBOX_SIZE,
            })
            .await?;
        // The query matches the reader's organisations on either side; the rule decides (a plain member of a
        // publisher does not read its threads).
        Ok(found
            .into_iter()
            .filter(|i| {
                i.publisher
                    .as_ref()
                    .is_some_and(|p| actor.thread_reader(&i.interested.id, &p.id).is_ok())
            })
            .collect())
    }

    /// How many notifications the reader has not read; 0 for anyone not signed in.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<u64, ServiceError> {
        match actor {
            Actor::Account(a) => Ok(self.store.list_notifications(&a.id, 1).await?.1),
            _ => Ok(0),
        }
    }

    /// The reader's newest notifications and how many are unread.
    pub async fn notifications(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> Result<(Vec<NotificationRecord>, u64), ServiceError> {
        let account = signed_in_account(actor)?;
        Ok(self
            .store
            .list_notifications(&account, limit.clamp(1, 200))
            .await?)
    }

    /// Marks the reader's notifications up to `up_to` read; how many were unread.
    pub async fn mark_notifications_read(
        &self,
        actor: &Actor,
        up_to: i64,
    ) -> Result<u64, ServiceError> {
        let me = actor.signed_in()?;
        let account = me.account().cloned().ok_or(ServiceError::Forbidden)?;
        Ok(self
            .store
            .mark_notifications_read(&account, up_to, me.stamp())
            .await?)
    }

    /// How often the reader is mailed about notifications.
    pub async fn mail_frequency(&self, actor: &Actor) -> Result<MailFrequency, ServiceError> {
        let account = signed_in_account(actor)?;
        Ok(self.store.mail_frequency(&account).await?)
    }

    /// Sets how often the reader is mailed about notifications.
    pub async fn set_mail_frequency(
        &self,
        actor: &Actor,
        frequency: MailFrequency,
    ) -> Result<(), ServiceError> {
        let me = actor.signed_in()?;
        let account = me.account().cloned().ok_or(ServiceError::Forbidden)?;
        Ok(self
            .store
            .set_mail_frequency(&account, frequency, me.stamp())
            .await?)
    }

    /// Mails the notifications of `accounts` who asked for mail at once. A failure is logged, not returned: the
    /// write it follows has happened, and the next run of [`Mitra::send_due_mail`] tries again.
    pub(crate) async fn mail_immediately(&self, accounts: &[AccountId]) {
        if accounts.is_empty() {
            return;
        }
        match self
            .store
            .mail_due(OffsetDateTime::now_utc(), accounts)
            .await
        {
            Ok(due) => {
                for mail in due
                    .into_iter()
                    .filter(|m| m.frequency == MailFrequency::Immediately)
                {
                    if let Err(error) = self.send_notification_mail(&mail).await {
                        tracing::error!(%error, account = %mail.account, "notifications.mail_failed");
                    }
                }
            }
            Err(error) => tracing::error!(%error, "notifications.mail_failed"),
        }
    }

    /// Sends every mail of notifications due at `now`: a message per account, a digest for those mailed daily or
    /// weekly. Run by the server every few minutes and by `mitra notifications mail`.
    pub async fn send_due_mail(&self, now: OffsetDateTime) -> Result<MailRun, ServiceError> {
        let mut run = MailRun::default();
        for mail in self.store.mail_due(now, &[]).await? {
            run.notifications += self.send_notification_mail(&mail).await?;
            run.mails += 1;
        }
        Ok(run)
    }

    /// [`Mitra::send_due_mail`] at the present moment.
    pub async fn send_due_mail_now(&self) -> Result<MailRun, ServiceError> {
        self.send_due_mail(OffsetDateTime::now_utc()).await
    }

    /// Sends one account's due notifications and records them mailed; how many it carried.
    async fn send_notification_mail(&self, mail: &MailDue) -> Result<u64, ServiceError> {
        let Some(last) = mail.notifications.last() else {
            return Ok(0);
        };
        let zh = mail.language == "zh-Hans";
        let lang = if zh {
            ContentLanguage::ZhHans
        } else {
            ContentLanguage::En
        };
        let ids: Vec<EntryId> = mail
            .notifications
            .iter()
            .filter_map(|n| match &n.about {
                NotificationAbout::Interest { entry, .. } => Some(entry.clone()),
                NotificationAbout::Partnership { .. } => None,
            })
            .collect();
        let entries = self.entries_by_id(&ids).await?;
        let places = self.places().await?;
        let city_name = |id: &mitra_domain::CityId| {
            places.cities.get(id).map_or_else(
                || id.to_string(),
                |c| match (&c.name_zh, zh) {
                    (Some(name), true) => name.clone(),
                    _ => c.name_en.clone(),
                },
            )
        };
        let mut lines = Vec::new();
        for n in &mail.notifications {
            let (title, link) = match &n.about {
                NotificationAbout::Interest { interest, entry } => (
                    entries.get(entry.as_str()).map_or_else(
                        || entry.to_string(),
                        |e| e.entry.text_for(lang).title.clone(),
                    ),
                    format!("/interests/{interest}"),
                ),
                NotificationAbout::Partnership {
                    partnership,
                    cities,
                } => (
                    format!("{} – {}", city_name(&cities.0), city_name(&cities.1)),
                    format!("/partnerships/{partnership}"),
                ),
            };
            let from = match (&n.from, zh) {
                (
                    Some(OrgName {
                        name_zh: Some(name),
                        ..
                    }),
                    true,
                ) => name.clone(),
                (Some(org), _) => org.name_en.clone(),
                (None, false) => "Mitra".to_owned(),
                (None, true) => "Mitra 平台".to_owned(),
            };
            lines.push(format!(
                "- {}\n  {}",
                notification_sentence(n.kind, &from, &title, zh),
                self.mailer.link(&link)
            ));
        }
        let count = mail.notifications.len();
        let subject = match (mail.frequency.digest_interval().is_some(), zh) {
            (true, false) => format!("Mitra: {count} new in your conversations"),
            (true, true) => format!("Mitra：对话中有 {count} 条新动态"),
            (false, false) => "Mitra: news in a conversation".to_owned(),
            (false, true) => "Mitra：对话有新动态".to_owned(),
        };
        let settings = self.mailer.link("/account#notifications");
        let body = if zh {
            format!(
                "{}，您好：\n\n{}\n\n邮件频率可在此更改：{settings}\n",
                mail.display_name,
                lines.join("\n")
            )
        } else {
            format!(
                "Hello {},\n\n{}\n\nChange how often Mitra mails you: {settings}\n",
                mail.display_name,
                lines.join("\n")
            )
        };
        let to = Email::parse(&mail.email)?;
        // Claimed first, so that of two nodes sending at once only one mails.
        let claimed = self
            .store
            .mark_mailed(
                &mail.account,
                last.id,
                mail.frequency.digest_interval().is_some(),
                OffsetDateTime::now_utc(),
                &AuditStamp::system("mail"),
            )
            .await?;
        if claimed == 0 {
            return Ok(0);
        }
        self.mailer.send(&to, &subject, body).await?;
        Ok(count as u64)
    }
}

/// The organisation on the other side of `party` in `interest`.
fn other_org<'a>(
    interest: &'a InterestRecord,
    party: &ThreadParty,
    publisher: &'a OrgId,
) -> &'a OrgId {
    match party.side() {
        Side::Interested => publisher,
        Side::Publisher => &interest.interested.id,
    }
}

/// The signed-in account behind `actor` (a read-scoped token is enough to read its own notifications).
fn signed_in_account(actor: &Actor) -> Result<AccountId, ServiceError> {
    match actor {
        Actor::Anonymous => Err(ServiceError::Unauthenticated),
        Actor::Operator => Err(ServiceError::Forbidden),
        Actor::Account(a) => Ok(a.id.clone()),
    }
}

/// A refused status change in words.
fn refused(why: TransitionRefused) -> ServiceError {
    match why {
        TransitionRefused::NotYours => ServiceError::Forbidden,
        TransitionRefused::Settled(status) => ServiceError::Conflict(Reason::settled(status)),
    }
}

/// A notification in one sentence, in English or Chinese.
fn notification_sentence(kind: NotificationKind, from: &str, title: &str, zh: bool) -> String {
    match (kind, zh) {
        (NotificationKind::InterestReceived, false) => {
            format!("{from} is interested in “{title}”.")
        }
        (NotificationKind::InterestReceived, true) => format!("{from} 对“{title}”表示了兴趣。"),
        (NotificationKind::MessageReceived, false) => format!("{from} wrote about “{title}”."),
        (NotificationKind::MessageReceived, true) => format!("{from} 就“{title}”发来了消息。"),
        (NotificationKind::InterestAccepted, false) => {
            format!("{from} accepted your interest in “{title}”.")
        }
        (NotificationKind::InterestAccepted, true) => format!("{from} 接受了您对“{title}”的意向。"),
        (NotificationKind::InterestDeclined, false) => {
            format!("{from} declined your interest in “{title}”.")
        }
        (NotificationKind::InterestDeclined, true) => format!("{from} 谢绝了您对“{title}”的意向。"),
        (NotificationKind::InterestWithdrawn, false) => {
            format!("{from} withdrew its interest in “{title}”.")
        }
        (NotificationKind::InterestWithdrawn, true) => format!("{from} 撤回了对“{title}”的意向。"),
        (NotificationKind::PartnershipProposed, false) => {
            format!("{from} proposed a partnership: {title}.")
        }
        (NotificationKind::PartnershipProposed, true) => {
            format!("{from} 提议建立伙伴关系：{title}。")
        }
        (NotificationKind::PartnershipMessage, false) => {
            format!("{from} wrote about the partnership {title}.")
        }
        (NotificationKind::PartnershipMessage, true) => {
            format!("{from} 就伙伴关系“{title}”发来了消息。")
        }
        (NotificationKind::PartnershipChanged, false) => {
            format!("{from} changed the status of the partnership {title}.")
        }
        (NotificationKind::PartnershipChanged, true) => {
            format!("{from} 更新了伙伴关系“{title}”的状态。")
        }
        (NotificationKind::ActivityLogged, false) => {
            format!("{from} logged an activity of the partnership {title}.")
        }
        (NotificationKind::ActivityLogged, true) => {
            format!("{from} 记录了伙伴关系“{title}”的一项活动。")
        }
        (NotificationKind::PartnershipDormant, false) => {
            format!(
                "{from}: nothing was logged for the partnership {title} for months; it is now dormant."
            )
        }
        (NotificationKind::PartnershipDormant, true) => {
            format!("{from}：伙伴关系“{title}”已数月没有活动记录，现标记为休眠。")
        }
    }
}
