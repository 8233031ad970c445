//! City partnerships on pages: the registry with its filters, the proposal form, one partnership with its thread,
//! actions, activities and outcomes, and the yearly reports of a partnership and of a city. Who may do what is the
//! service's answer ([`mitra_service::PartnershipView::may`]); this module only shows it.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mitra_service::domain::partnership::{
    Action, ActivityInput, ActivityKind, PartnershipId, PartnershipKind, PartnershipStatus,
    PartySide, YearSummary,
};
use mitra_service::domain::{CityId, Language, Reason};
use mitra_service::{
    ActionInput, Mitra, PartnershipRecord, PartnershipView, Places, Proposal, holiday_coverage,
};
use serde::Deserialize;

use super::format::{encode, query_string};
use super::forms::has_csrf;
use super::{Layout, done, render};
use crate::api::query_pairs;
use crate::auth::{Auth, CsrfForm};
use crate::error::PageError;

/// Partnerships a page of the registry holds.
const PAGE_SIZE: u32 = 50;

/// A city's name in the reader's language.
fn city_name(places: &Places, id: &CityId, lang: Language) -> String {
    places.cities.get(id).map_or_else(
        || id.to_string(),
        |c| crate::ui::format::city_name(c, lang).to_owned(),
    )
}

/// One partnership in a list.
pub(crate) struct PartnershipRow {
    pub(crate) href: String,
    pub(crate) between: String,
    pub(crate) title: String,
    pub(crate) kind_text: String,
    pub(crate) status: &'static str,
    pub(crate) status_text: String,
    pub(crate) origin_text: String,
    pub(crate) activities: u64,
    /// "3 activities", or empty without any.
    pub(crate) activities_text: String,
    pub(crate) last_active: String,
}

impl PartnershipRow {
    pub(crate) fn build(p: &PartnershipRecord, places: &Places, l: &Layout) -> Self {
        Self {
            href: format!("/partnerships/{}", p.id),
            between: format!(
                "{} – {}",
                city_name(places, &p.proposer, l.lang),
                city_name(places, &p.invited, l.lang)
            ),
            title: p.title.clone(),
            kind_text: l.t2("partnership-kind", p.kind.as_str()),
            status: p.status.as_str(),
            status_text: l.t2("partnership-status", p.status.as_str()),
            origin_text: l.t2("partnership-origin", p.origin.as_str()),
            activities: p.activities,
            activities_text: if p.activities > 0 {
                l.tn("report-activities", p.activities)
            } else {
                String::new()
            },
            last_active: p.last_active_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// A choice of a filter: value, label, selected.
type Choice = (String, String, bool);

fn choices(values: &[&'static str], prefix: &str, current: &str, l: &Layout) -> Vec<Choice> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), l.t2(prefix, v), *v == current))
        .collect()
}

#[derive(Template)]
#[template(path = "partnerships.html")]
struct RegistryPage {
    l: Layout,
    rows: Vec<PartnershipRow>,
    summary: String,
    city: String,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    origins: Vec<Choice>,
    csv_href: String,
    json_href: String,
    previous_href: Option<String>,
    next_href: Option<String>,
    page_text: String,
}

/// `GET /partnerships`: the registry, filtered by city, status, kind and origin, fifty at a time.
pub async fn list_partnerships(
    State(mitra): State<Mitra>,
    l: Layout,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let pairs = query_pairs(query.as_deref())?;
    let get = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (city, status, kind, origin) = (get("city"), get("status"), get("kind"), get("origin"));
    let page: u64 = match get("page").as_str() {
        "" => 1,
        raw => raw
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| {
                mitra_service::domain::ValidationError::new(
                    "page",
                    Reason::not_a_whole_number(mitra_service::domain::ids::clip(raw)),
                )
            })?,
    };
    let mut filter =
        mitra_service::partnership_filter(Some(&city), Some(&status), Some(&kind), Some(&origin))?;
    filter.limit = PAGE_SIZE;
    filter.offset = (page - 1) * u64::from(PAGE_SIZE);
    let (records, total) = mitra.partnerships(l.actor(), filter).await?;
    let places = mitra.places().await?;
    let kept: Vec<(String, String)> = [
        ("city", &city),
        ("status", &status),
        ("kind", &kind),
        ("origin", &origin),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect();
    let href = |p: u64| {
        let mut q = kept.clone();
        if p > 1 {
            q.push(("page".into(), p.to_string()));
        }
        if q.is_empty() {
            "/partnerships".to_owned()
        } else {
            format!("/partnerships?{}", query_string(&q))
        }
    };
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    let export = |format: &str| {
        let mut q = kept.clone();
        q.push(("format".into(), format.into()));
        format!("/api/v1/partnerships/export?{}", query_string(&q))
    };
    let statuses: Vec<&'static str> = PartnershipStatus::ALL.iter().map(|s| s.as_str()).collect();
    let kinds: Vec<&'static str> = PartnershipKind::ALL.iter().map(|s| s.as_str()).collect();
    let l = l.titled("partnerships", "partnerships-title");
    Ok(render(&RegistryPage {
        rows: records
            .iter()
            .map(|p| PartnershipRow::build(p, &places, &l))
            .collect(),
        summary: l.tn("partnerships-count", total),
        statuses: choices(&statuses, "partnership-status", &status, &l),
        kinds: choices(&kinds, "partnership-kind", &kind, &l),
        origins: choices(&["recorded", "proposed"], "partnership-origin", &origin, &l),
        csv_href: export("csv"),
        json_href: export("json"),
        previous_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
        page_text: l.ta(
            "partnerships-page",
            &[("page", page.to_string()), ("pages", pages.to_string())],
        ),
        city,
        l,
    }))
}

#[derive(Template)]
#[template(path = "partnership_form.html")]
struct ProposalPage {
    l: Layout,
    proposers: Vec<(String, String)>,
    invited: String,
    invited_name: String,
    kinds: Vec<Choice>,
    title: String,
}

/// Which city a proposal goes to.
#[derive(Debug, Deserialize)]
pub struct ProposalQuery {
    #[serde(default)]
    invited: String,
}

/// `GET /partnerships/new?invited=…`: the proposal form, for the governments of cities.
pub async fn show_proposal_form(
    State(mitra): State<Mitra>,
    l: Layout,
    axum::extract::Query(q): axum::extract::Query<ProposalQuery>,
) -> Result<Response, PageError> {
    if l.account().is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let mut governed = l.actor().governed_cities();
    if governed.is_empty() {
        // An organisation based in a city may propose on the city's behalf.
        governed = l.actor().delegated_cities();
    }
    if governed.is_empty() {
        return Err(mitra_service::ServiceError::Forbidden.into());
    }
    let places = mitra.places().await?;
    let invited = CityId::parse(q.invited.trim()).map_err(|e| e.at("invited"))?;
    if !places.cities.contains_key(&invited) {
        return Err(mitra_service::ServiceError::NotFound {
            entity: "city",
            id: invited.to_string(),
        }
        .into());
    }
    let kinds: Vec<&'static str> = PartnershipKind::ALL.iter().map(|s| s.as_str()).collect();
    let invited_name = city_name(&places, &invited, l.lang);
    let first = city_name(&places, &governed[0], l.lang);
    let l = l.titled("partnerships", "partnership-propose-title");
    Ok(render(&ProposalPage {
        proposers: governed
            .iter()
            .map(|c| (c.to_string(), city_name(&places, c, l.lang)))
            .collect(),
        kinds: choices(&kinds, "partnership-kind", "cooperation", &l),
        title: l.ta(
            "partnership-default-title",
            &[("a", first), ("b", invited_name.clone())],
        ),
        invited: invited.to_string(),
        invited_name,
        l,
    }))
}

/// The proposal form.
#[derive(Debug, Deserialize)]
pub struct ProposalForm {
    csrf_token: String,
    #[serde(default)]
    proposer: String,
    invited: String,
    kind: String,
    title: String,
    message: String,
}

/// A message.
#[derive(Debug, Deserialize)]
pub struct PartnershipMessageForm {
    csrf_token: String,
    message: String,
}

/// An action with what it records.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    csrf_token: String,
    action: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    signatories: String,
    #[serde(default)]
    document: String,
    #[serde(default)]
    work_plan: String,
}

/// An activity.
#[derive(Debug, Deserialize)]
pub struct ActivityForm {
    csrf_token: String,
    kind: String,
    title: String,
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    participant_names: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    event: String,
}

/// An outcome.
#[derive(Debug, Deserialize)]
pub struct OutcomeForm {
    csrf_token: String,
    city: String,
    indicator: String,
    #[serde(default)]
    note: String,
}

has_csrf!(
    ProposalForm,
    PartnershipMessageForm,
    ActionForm,
    ActivityForm,
    OutcomeForm
);

/// `POST /partnerships`
pub async fn propose(
    State(mitra): State<Mitra>,
    l: Layout,
    CsrfForm(form): CsrfForm<ProposalForm>,
) -> Result<Response, PageError> {
    let id = mitra
        .propose_partnership(
            l.actor(),
            &Proposal {
                proposer: &form.proposer,
                invited: &form.invited,
                kind: &form.kind,
                title: &form.title,
                message: &form.message,
            },
        )
        .await?;
    Ok(done(&format!("/partnerships/{id}"), "partnership-proposed"))
}

/// One message as shown.
struct MessageView {
    author: String,
    mine: bool,
    city: String,
    paragraphs: Vec<String>,
    when: String,
}

/// One activity as shown.
struct ActivityView {
    days: String,
    kind_text: String,
    cultural: bool,
    title: String,
    host: String,
    participants: String,
    description: Option<String>,
    event_href: Option<String>,
    logged: String,
    /// Public holidays on its days, in words.
    holidays: Vec<String>,
}

/// One outcome as shown.
struct OutcomeRow {
    city: String,
    indicator_href: String,
    title: String,
    before: String,
    after: String,
    note: String,
}

#[derive(Template)]
#[template(path = "partnership.html")]
struct PartnershipPage {
    l: Layout,
    id: String,
    title: String,
    proposer_href: String,
    proposer: String,
    invited_href: String,
    invited: String,
    kind_text: String,
    status: &'static str,
    status_text: String,
    origin_text: String,
    source: Option<String>,
    proposed_by: Option<String>,
    signed: Option<String>,
    signatories: Option<String>,
    document: Option<String>,
    /// The uploaded signed agreement: name, download address, kind and size.
    document_file: Option<(String, String, String)>,
    upload_document: bool,
    /// What the file picker accepts.
    accepted: &'static str,
    work_plan: Vec<String>,
    last_active: Option<String>,
    acts_for: Option<String>,
    messages: Option<Vec<MessageView>>,
    write: bool,
    /// Buttons for the actions that take nothing but a message: (action, label, danger).
    simple_actions: Vec<(&'static str, String, bool)>,
    sign: bool,
    activate: bool,
    log_activity: bool,
    add_outcome: bool,
    activities: Vec<ActivityView>,
    activity_kinds: Vec<Choice>,
    hosts: Vec<(&'static str, String)>,
    outcomes: Vec<OutcomeRow>,
    cities: Vec<(String, String)>,
    upcoming_holidays: Vec<String>,
    holidays_source: String,
    report_href: String,
    ics_href: String,
    today: String,
}

/// A day range in words.
fn days(from: time::Date, to: Option<time::Date>) -> String {
    match to {
        Some(to) if to != from => format!("{from} – {to}"),
        _ => from.to_string(),
    }
}

/// A holiday in words: "2026-04-13: Songkran Festival (Thailand)".
fn holiday_text(places: &Places, h: &mitra_service::HolidayWarning, lang: Language) -> String {
    let country = places.countries.get(h.country.as_str()).map_or_else(
        || h.country.to_string(),
        |c| super::format::country_display(c, lang),
    );
    format!("{}: {} ({country})", h.day, h.name)
}

impl PartnershipPage {
    async fn build(mitra: &Mitra, l: Layout, v: &PartnershipView) -> Result<Self, PageError> {
        let places = mitra.places().await?;
        let lang = l.lang;
        let p = &v.record;
        let name = |c: &CityId| city_name(&places, c, lang);
        let side_city = |s: PartySide| name(p.city(s));
        let mut activities = Vec::new();
        for a in &v.activities {
            let x = &a.activity;
            let holidays = mitra
                .holidays_between(p, x.starts_on, x.last_day())
                .await?
                .iter()
                .map(|h| holiday_text(&places, h, lang))
                .collect();
            activities.push(ActivityView {
                days: days(x.starts_on, x.ends_on),
                kind_text: l.t2("activity-kind", x.kind.as_str()),
                cultural: x.kind.is_cultural(),
                title: x.title.clone(),
                host: x.host.map(&side_city).unwrap_or_default(),
                participants: match (x.participants, &x.participant_names) {
                    (Some(n), Some(names)) => format!("{n} · {names}"),
                    (Some(n), None) => n.to_string(),
                    (None, Some(names)) => names.clone(),
                    (None, None) => String::new(),
                },
                description: x.description.clone(),
                event_href: a.event.as_ref().map(|e| format!("/entries/{e}")),
                logged: l.ta(
                    "activity-logged-by",
                    &[
                        (
                            "name",
                            a.author_name
                                .clone()
                                .unwrap_or_else(|| l.t("interest-author-unknown")),
                        ),
                        ("when", l.minute(a.created_at)),
                    ],
                ),
                holidays,
            });
        }
        let today = time::OffsetDateTime::now_utc().date();
        let horizon = today.checked_add(time::Duration::days(90)).unwrap_or(today);
        let upcoming_holidays = if v.may.log_activity {
            mitra
                .holidays_between(p, today, horizon)
                .await?
                .iter()
                .map(|h| holiday_text(&places, h, lang))
                .collect()
        } else {
            Vec::new()
        };
        let (years, source) = holiday_coverage();
        let simple_actions = [
            Action::Accept,
            Action::Decline,
            Action::Withdraw,
            Action::Complete,
        ]
        .into_iter()
        .filter(|a| v.may.allows(*a))
        .map(|a| {
            (
                a.as_str(),
                l.t2("partnership-action", a.as_str()),
                matches!(a, Action::Decline | Action::Withdraw),
            )
        })
        .collect();
        let year = today.year();
        Ok(Self {
            id: p.id.to_string(),
            title: p.title.clone(),
            proposer_href: format!("/cities/{}", p.proposer),
            proposer: name(&p.proposer),
            invited_href: format!("/cities/{}", p.invited),
            invited: name(&p.invited),
            kind_text: l.t2("partnership-kind", p.kind.as_str()),
            status: p.status.as_str(),
            status_text: l.t2("partnership-status", p.status.as_str()),
            origin_text: l.t2("partnership-origin", p.origin.as_str()),
            source: p.source.clone(),
            proposed_by: p
                .proposed_by
                .as_ref()
                .map(|o| super::format::org_ref_name(o, lang)),
            signed: p.signing.as_ref().map(|s| s.signed_on.to_string()),
            signatories: p.signing.as_ref().map(|s| s.signatories.clone()),
            document: p.signing.as_ref().and_then(|s| s.document.clone()),
            document_file: p.document_file.as_ref().map(|f| {
                (
                    f.name.clone(),
                    format!("/partnerships/{}/document", p.id),
                    format!(
                        "{}, {}",
                        super::format::file_kind(&f.content_type),
                        super::format::file_size(f.size, &l)
                    ),
                )
            }),
            upload_document: v.may.upload_document,
            accepted: mitra_service::ACCEPTED_FILES,
            work_plan: p
                .work_plan
                .as_deref()
                .map(|w| w.split("\n\n").map(str::to_owned).collect())
                .unwrap_or_default(),
            last_active: p
                .last_active_on
                .map(|d| super::format::date(&d.to_string(), l.lang)),
            acts_for: v
                .side
                .map(|s| l.ta("partnership-you-act-for", &[("city", side_city(s))])),
            messages: v.messages.as_ref().map(|messages| {
                messages
                    .iter()
                    .map(|m| MessageView {
                        author: m
                            .author_name
                            .clone()
                            .unwrap_or_else(|| l.t("interest-author-unknown")),
                        mine: Some(m.side) == v.side,
                        city: side_city(m.side),
                        paragraphs: m.body.split("\n\n").map(str::to_owned).collect(),
                        when: l.minute(m.created_at),
                    })
                    .collect()
            }),
            write: v.may.write,
            simple_actions,
            sign: v.may.allows(Action::Sign),
            activate: v.may.allows(Action::Activate),
            log_activity: v.may.log_activity,
            add_outcome: v.may.add_outcome && v.side.is_some(),
            activities,
            activity_kinds: ActivityKind::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str().to_owned(),
                        l.t2("activity-kind", k.as_str()),
                        false,
                    )
                })
                .collect(),
            hosts: vec![
                ("proposer", side_city(PartySide::Proposer)),
                ("invited", side_city(PartySide::Invited)),
            ],
            outcomes: v
                .outcomes
                .iter()
                .map(|o| {
                    let value = |x: Option<(i32, f64)>| {
                        x.map(|(year, value)| {
                            format!(
                                "{} ({year})",
                                super::format::number(value, lang)
                                    + &o.unit
                                        .as_deref()
                                        .map(|u| format!(" {u}"))
                                        .unwrap_or_default()
                            )
                        })
                        .unwrap_or_else(|| l.t("partnership-outcome-no-value"))
                    };
                    OutcomeRow {
                        city: name(&o.city),
                        indicator_href: format!("/indicators/{}", encode(o.indicator.as_str())),
                        title: o.title.clone(),
                        before: value(o.before),
                        after: value(o.after),
                        note: o.note.clone().unwrap_or_default(),
                    }
                })
                .collect(),
            cities: [&p.proposer, &p.invited]
                .iter()
                .map(|c| (c.to_string(), name(c)))
                .collect(),
            upcoming_holidays,
            holidays_source: l.ta(
                "partnership-holidays-source",
                &[
                    ("source", source.to_owned()),
                    (
                        "years",
                        years.map_or_else(String::new, |(a, b)| format!("{a}–{b}")),
                    ),
                ],
            ),
            report_href: format!("/partnerships/{}/report?year={year}", p.id),
            ics_href: format!("/api/v1/partnerships/{}/activities.ics", p.id),
            today: today.to_string(),
            l: l.page(
                "partnerships",
                format!("{} – {}", name(&p.proposer), name(&p.invited)),
            ),
        })
    }
}

/// `GET /partnerships/{id}`
pub async fn show_partnership(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    let view = mitra.partnership(l.actor(), &id).await?;
    Ok(render(&PartnershipPage::build(&mitra, l, &view).await?))
}

/// `POST /partnerships/{id}/messages`
pub async fn write_message(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PartnershipMessageForm>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    mitra
        .write_in_partnership(l.actor(), &id, &form.message)
        .await?;
    Ok(done(&format!("/partnerships/{id}"), "interest-written"))
}

/// `POST /partnerships/{id}/actions`
pub async fn act(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    let action = Action::parse(&form.action)?;
    mitra
        .act_on_partnership(
            l.actor(),
            &id,
            action,
            &ActionInput {
                message: &form.message,
                signed_on: &form.signed_on,
                signatories: &form.signatories,
                document: &form.document,
                work_plan: &form.work_plan,
            },
        )
        .await?;
    Ok(done(&format!("/partnerships/{id}"), "partnership-changed"))
}

/// `POST /partnerships/{id}/document`: uploads the signed agreement (a multipart form with `csrf_token` and
/// `file`), replacing an earlier one.
pub async fn upload_document(
    State(mitra): State<Mitra>,
    l: Layout,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    // Who may upload is known before the upload is read.
    mitra.partnership_document_writer(l.actor(), &id).await?;
    let Some((name, bytes)) = super::forms::read_file_form(multipart, &headers, &l).await? else {
        return Err(PageError {
            status: StatusCode::BAD_REQUEST,
            detail: Some(crate::error::Said::Text(l.t("attachment-choose"))),
        });
    };
    mitra
        .attach_partnership_document(l.actor(), &id, &name, &bytes)
        .await?;
    Ok(done(
        &format!("/partnerships/{id}"),
        "partnership-document-added",
    ))
}

/// `GET /partnerships/{id}/document`: the uploaded signed agreement, as a download.
pub async fn download_document(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    let (file, bytes) = mitra.partnership_document(&auth.actor, &id).await?;
    Ok(crate::files::download(&file, bytes))
}

/// `POST /partnerships/{id}/activities`
pub async fn log_activity(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActivityForm>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    let (_, holidays) = mitra
        .log_activity(
            l.actor(),
            &id,
            &ActivityInput {
                kind: &form.kind,
                title: &form.title,
                starts_on: &form.starts_on,
                ends_on: &form.ends_on,
                host: &form.host,
                participants: &form.participants,
                participant_names: &form.participant_names,
                description: &form.description,
            },
            &form.event,
        )
        .await?;
    let notice = if holidays.is_empty() {
        "activity-logged"
    } else {
        "activity-logged-holiday"
    };
    Ok(done(&format!("/partnerships/{id}#activities"), notice))
}

/// `POST /partnerships/{id}/outcomes`
pub async fn add_outcome(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<OutcomeForm>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    mitra
        .add_outcome(l.actor(), &id, &form.city, &form.indicator, &form.note)
        .await?;
    Ok(done(
        &format!("/partnerships/{id}#outcomes"),
        "outcome-added",
    ))
}

/// The year a report is for.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

fn report_year(q: &YearQuery) -> Result<i32, PageError> {
    let year = match q.year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(raw.parse::<i32>().map_err(|_| {
            mitra_service::domain::ValidationError::new(
                "year",
                Reason::not_a_year(mitra_service::domain::ids::clip(raw)),
            )
        })?),
    };
    Ok(mitra_service::report_year_and_format(year, None)?.0)
}

/// A year's sums in words.
fn summary_lines(s: &YearSummary, l: &Layout) -> Vec<String> {
    let mut lines = vec![
        l.tn("report-activities", u64::from(s.activities)),
        l.tn("report-cultural", u64::from(s.cultural)),
        l.tn("report-participants", s.participants),
    ];
    if s.participants_unknown > 0 {
        lines.push(l.tn(
            "report-participants-unknown",
            u64::from(s.participants_unknown),
        ));
    }
    lines.extend(
        s.by_kind
            .iter()
            .map(|(k, n)| format!("{}: {n}", l.t2("activity-kind", k.as_str()))),
    );
    lines
}

#[derive(Template)]
#[template(path = "partnership_report.html")]
struct ReportPage {
    l: Layout,
    heading: String,
    back_href: String,
    status_text: String,
    summary: Vec<String>,
    activities: Vec<ActivityView>,
    outcomes: Vec<OutcomeRow>,
    previous_href: String,
    next_href: String,
    json_href: String,
    csv_href: String,
}

/// `GET /partnerships/{id}/report?year=…`: a printable page of a partnership's year.
pub async fn show_report(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> Result<Response, PageError> {
    let id = PartnershipId::parse(&id)?;
    let year = report_year(&q)?;
    let (view, report) = mitra.partnership_year(l.actor(), &id, year).await?;
    let base = format!("/partnerships/{}", view.record.id);
    let year_view = PartnershipView {
        activities: report.activities.clone(),
        ..view
    };
    let page = PartnershipPage::build(&mitra, l, &year_view).await?;
    let l = page.l;
    let heading = l.ta(
        "report-partnership-title",
        &[
            ("a", page.proposer.clone()),
            ("b", page.invited.clone()),
            ("year", year.to_string()),
        ],
    );
    Ok(render(&ReportPage {
        summary: summary_lines(&report.summary, &l),
        heading: heading.clone(),
        back_href: base.clone(),
        status_text: page.status_text,
        activities: page.activities,
        outcomes: page.outcomes,
        previous_href: format!("{base}/report?year={}", year - 1),
        next_href: format!("{base}/report?year={}", year + 1),
        json_href: format!("/api/v1{base}/report?year={year}"),
        csv_href: format!("/api/v1{base}/report?year={year}&format=csv"),
        l: l.page("partnerships", heading),
    }))
}

/// One partnership of a city's year.
struct CityYearView {
    row: PartnershipRow,
    summary: String,
}

#[derive(Template)]
#[template(path = "city_partnerships.html")]
struct CityReportPage {
    l: Layout,
    heading: String,
    city_href: String,
    rows: Vec<CityYearView>,
    totals: Vec<String>,
    previous_href: String,
    next_href: String,
    json_href: String,
    csv_href: String,
}

/// `GET /cities/{id}/partnerships?year=…`: a city's partnerships and what each did in a year, printable.
pub async fn show_city_report(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> Result<Response, PageError> {
    let city = CityId::parse(&id)?;
    let year = report_year(&q)?;
    let rows = mitra.city_partnership_year(l.actor(), &city, year).await?;
    let places = mitra.places().await?;
    let name = city_name(&places, &city, l.lang);
    let heading = l.ta(
        "report-city-title",
        &[("city", name), ("year", year.to_string())],
    );
    let mut total = YearSummary::default();
    for r in &rows {
        total.activities += r.summary.activities;
        total.cultural += r.summary.cultural;
        total.participants += r.summary.participants;
        total.participants_unknown += r.summary.participants_unknown;
    }
    let views = rows
        .iter()
        .map(|r| CityYearView {
            row: PartnershipRow::build(&r.record, &places, &l),
            summary: summary_lines(&r.summary, &l).join(" · "),
        })
        .collect();
    let base = format!("/cities/{city}/partnerships");
    Ok(render(&CityReportPage {
        totals: summary_lines(&total, &l),
        rows: views,
        city_href: format!("/cities/{city}"),
        previous_href: format!("{base}?year={}", year - 1),
        next_href: format!("{base}?year={}", year + 1),
        json_href: format!("/api/v1/cities/{city}/partnerships/report?year={year}"),
        csv_href: format!("/api/v1/cities/{city}/partnerships/report?year={year}&format=csv"),
        l: l.page("partnerships", heading.clone()),
        heading,
    }))
}
