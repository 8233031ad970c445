//! Expressions of interest on pages: the form on an opportunity's page, the inbox of conversations, one
//! conversation with its messages and decisions, and the reader's notifications with how often they are mailed.
//! Who may do what is the service's answer ([`mitra_service::Thread::may`], [`mitra_service::EntryInterest`]);
//! this module only shows it. No page shows an e-mail address: people are named by their display names.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mitra_service::domain::interest::{Decision, InterestId, InterestStatus, MailFrequency, Side};
use mitra_service::domain::{EntryId, OrgId};
use mitra_service::{
    EntryInterest, InterestRecord, Mitra, NotificationAbout, NotificationRecord, ServiceError,
    Thread,
};
use serde::Deserialize;

use super::format::org_ref_name;
use super::forms::has_csrf;
use super::{Layout, done, render};
use crate::auth::CsrfForm;
use crate::error::PageError;

/// The label of a status in the reader's language.
fn status_label(l: &Layout, status: InterestStatus) -> String {
    l.t2("interest-status", status.as_str())
}

/// One conversation in a list.
pub(crate) struct ThreadRow {
    pub(crate) href: String,
    /// Who is interested in whose opportunity.
    pub(crate) with: String,
    pub(crate) status: &'static str,
    pub(crate) status_text: String,
    pub(crate) messages: u64,
    pub(crate) updated: String,
}

impl ThreadRow {
    fn build(i: &InterestRecord, l: &Layout) -> Self {
        let publisher = i
            .publisher
            .as_ref()
            .map(|p| org_ref_name(p, l.lang))
            .unwrap_or_default();
        Self {
            href: format!("/interests/{}", i.id),
            with: format!("{} → {publisher}", org_ref_name(&i.interested, l.lang)),
            status: i.status.as_str(),
            status_text: status_label(l, i.status),
            messages: i.messages,
            updated: l.minute(i.updated_at),
        }
    }
}

/// The interest section of an opportunity's page.
pub(crate) struct InterestView {
    /// The reader's organisations that may express interest: id and name.
    pub(crate) orgs: Vec<(String, String)>,
    /// "On behalf of …", when the reader has one organisation to write for.
    pub(crate) as_org: Option<String>,
    /// Whether the reader is signed in at all.
    pub(crate) signed_in: bool,
    /// Whether the opportunity has an organisation to contact.
    pub(crate) has_publisher: bool,
    /// The reader's conversations about it, or all of them for its publisher's editors.
    pub(crate) threads: Vec<ThreadRow>,
}

impl InterestView {
    /// The section for `interest`, for the reader of `l`.
    pub(crate) fn build(interest: &EntryInterest, l: &Layout) -> Self {
        let orgs: Vec<(String, String)> = interest
            .orgs
            .iter()
            .map(|o| (o.id.to_string(), org_ref_name(o, l.lang)))
            .collect();
        Self {
            as_org: match orgs.as_slice() {
                [(_, only)] => Some(l.ta("interest-as", &[("org", only.clone())])),
                _ => None,
            },
            orgs,
            signed_in: l.account().is_some(),
            has_publisher: interest.has_publisher,
            threads: interest
                .threads
                .iter()
                .map(|t| ThreadRow::build(t, l))
                .collect(),
        }
    }
}

/// The form that expresses interest.
#[derive(Debug, Deserialize)]
pub struct InterestForm {
    csrf_token: String,
    org: String,
    message: String,
}

/// A message in a conversation.
#[derive(Debug, Deserialize)]
pub struct MessageForm {
    csrf_token: String,
    message: String,
}

/// A decision in a conversation.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    csrf_token: String,
    decision: String,
    #[serde(default)]
    message: String,
}

/// The mail setting.
#[derive(Debug, Deserialize)]
pub struct MailForm {
    csrf_token: String,
    mail: String,
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize)]
pub struct ReadForm {
    csrf_token: String,
    up_to: i64,
}

has_csrf!(InterestForm, MessageForm, DecisionForm, MailForm, ReadForm);

/// `POST /entries/{id}/interests`
pub async fn express_interest(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<InterestForm>,
) -> Result<Response, PageError> {
    let entry = EntryId::parse(&id)?;
    let org = OrgId::parse(&form.org)?;
    let created = mitra
        .express_interest(l.actor(), &entry, &org, &form.message)
        .await?;
    Ok(done(&format!("/interests/{created}"), "interest-sent"))
}

#[derive(Template)]
#[template(path = "interests.html")]
struct InboxPage {
    l: Layout,
    rows: Vec<ThreadRow>,
}

/// `GET /interests`: the conversations the reader is a party to.
pub async fn show_inbox(State(mitra): State<Mitra>, l: Layout) -> Result<Response, PageError> {
    if l.account().is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let found = mitra.inbox(l.actor()).await?;
    let rows = found.iter().map(|i| ThreadRow::build(i, &l)).collect();
    Ok(render(&InboxPage {
        l: l.titled("interests", "interests-title"),
        rows,
    }))
}

/// One message as shown.
struct MessageView {
    author: String,
    mine: bool,
    side_text: String,
    paragraphs: Vec<String>,
    when: String,
}

#[derive(Template)]
#[template(path = "interest.html")]
struct ThreadPage {
    l: Layout,
    id: String,
    entry_href: String,
    heading: String,
    between: String,
    status: &'static str,
    status_text: String,
    messages: Vec<MessageView>,
    write: bool,
    accept: bool,
    decline: bool,
    withdraw: bool,
    /// "You write for …", for a party.
    writes_for: Option<String>,
}

impl ThreadPage {
    fn build(l: Layout, t: &Thread) -> Self {
        let lang = l.lang;
        let entry = &t.entry.entry;
        let publisher = t
            .interest
            .publisher
            .as_ref()
            .map(|p| org_ref_name(p, lang))
            .unwrap_or_default();
        let interested = org_ref_name(&t.interest.interested, lang);
        let side_name = |side: Side| match side {
            Side::Interested => interested.clone(),
            Side::Publisher => publisher.clone(),
        };
        let title = entry
            .text_for(super::format::content_language(lang))
            .title
            .clone();
        Self {
            id: t.interest.id.to_string(),
            entry_href: format!("/entries/{}", entry.id),
            status: t.interest.status.as_str(),
            status_text: status_label(&l, t.interest.status),
            messages: t
                .messages
                .iter()
                .map(|m| MessageView {
                    author: m
                        .author_name
                        .clone()
                        .unwrap_or_else(|| l.t("interest-author-unknown")),
                    mine: Some(m.side) == t.side,
                    side_text: side_name(m.side),
                    paragraphs: m.body.split("\n\n").map(str::to_owned).collect(),
                    when: l.minute(m.created_at),
                })
                .collect(),
            write: t.may.write,
            accept: t.may.accept,
            decline: t.may.decline,
            withdraw: t.may.withdraw,
            writes_for: t
                .side
                .map(|side| l.ta("interest-you-write-for", &[("org", side_name(side))])),
            heading: l.ta("interest-thread-title", &[("title", title.clone())]),
            between: l.ta(
                "interest-between",
                &[
                    ("interested", interested.clone()),
                    ("publisher", publisher.clone()),
                ],
            ),
            l: l.page("interests", title),
        }
    }
}

/// `GET /interests/{id}`
pub async fn show_thread(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = InterestId::parse(&id)?;
    let thread = mitra.thread(l.actor(), &id).await?;
    Ok(render(&ThreadPage::build(l, &thread)))
}

/// `POST /interests/{id}/messages`
pub async fn write_message(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, PageError> {
    let id = InterestId::parse(&id)?;
    mitra.write_in_thread(l.actor(), &id, &form.message).await?;
    Ok(done(&format!("/interests/{id}"), "interest-written"))
}

/// `POST /interests/{id}/decision`
pub async fn decide(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, PageError> {
    let id = InterestId::parse(&id)?;
    let decision = Decision::parse(&form.decision)?;
    mitra
        .decide(l.actor(), &id, decision, Some(&form.message))
        .await?;
    Ok(done(&format!("/interests/{id}"), "interest-decided"))
}

/// One notification as shown.
struct NotificationView {
    text: String,
    href: String,
    when: String,
    unread: bool,
}

impl NotificationView {
    fn build(n: &NotificationRecord, l: &Layout) -> Self {
        Self {
            text: l.ta(
                &format!("notification-{}", n.kind.as_str()),
                &[(
                    "org",
                    n.from
                        .as_ref()
                        .map_or_else(|| "Mitra".to_owned(), |org| org_ref_name(org, l.lang)),
                )],
            ),
            href: match &n.about {
                NotificationAbout::Interest { interest, .. } => format!("/interests/{interest}"),
                NotificationAbout::Partnership { partnership, .. } => {
                    format!("/partnerships/{partnership}")
                }
            },
            when: l.minute(n.created_at),
            unread: n.read_at.is_none(),
        }
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    l: Layout,
    items: Vec<NotificationView>,
    unread: u64,
    newest: i64,
    frequencies: Vec<(&'static str, String, bool)>,
}

/// `GET /notifications`: the reader's notifications and how often they are mailed.
pub async fn show_notifications(
    State(mitra): State<Mitra>,
    l: Layout,
) -> Result<Response, PageError> {
    if l.account().is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let (found, unread) = mitra.notifications(l.actor(), 100).await?;
    let current = mitra.mail_frequency(l.actor()).await?;
    let frequencies = MailFrequency::ALL
        .iter()
        .map(|f| {
            (
                f.as_str(),
                l.t2("mail-frequency", f.as_str()),
                *f == current,
            )
        })
        .collect();
    Ok(render(&NotificationsPage {
        items: found
            .iter()
            .map(|n| NotificationView::build(n, &l))
            .collect(),
        newest: found.first().map_or(0, |n| n.id),
        unread,
        frequencies,
        l: l.titled("notifications", "notifications-title"),
    }))
}

/// `POST /notifications/read`
pub async fn mark_read(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<ReadForm>,
) -> Result<Response, PageError> {
    mitra.mark_notifications_read(l.actor(), form.up_to).await?;
    Ok(done("/notifications", "notifications-read"))
}

/// `POST /notifications/settings`
pub async fn save_mail_frequency(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<MailForm>,
) -> Result<Response, PageError> {
    let frequency = MailFrequency::parse(&form.mail).map_err(ServiceError::from)?;
    mitra.set_mail_frequency(l.actor(), frequency).await?;
    Ok(done("/notifications", "notifications-saved"))
}
