//! City partnerships: a tie between two cities that one city's government proposes to the other, the two discuss
//! in a thread, sign, work on (activities: exchange visits, training, joint projects, meetings and cultural
//! exchanges, each dated with its participants), and end — completed, or dormant when nothing happens for months.
//! Ties that existed before Mitra (the shipped sister-city lists) are *recorded* partnerships: signed, date unknown,
//! with their source; they take activities like any other, so a lapsed tie can be revived with a record of what
//! happened.
//!
//! What a partnership's status may become, who may move it, and what an activity must say are decided here; the
//! iCalendar of a partnership's activities and the yearly report are computed here too.

use std::fmt;

use serde::Serialize;
use time::{Date, Month};

use crate::ids::clip;
use crate::{CityId, Reason, ValidationError};

/// Longest partnership title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest work plan, signatories text or activity description, in characters.
pub const MAX_TEXT: usize = 4_000;
/// Most participants one activity may state.
pub const MAX_PARTICIPANTS: u32 = 1_000_000;
/// Months without activity after which a signed or active partnership is dormant, unless configured otherwise.
pub const DEFAULT_DORMANT_AFTER_MONTHS: u32 = 12;

/// A partnership's id: a UUID in its hyphenated lower-case form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PartnershipId(String);

impl PartnershipId {
    /// Accepts a hyphenated lower-case UUID.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if crate::ids::is_uuid(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                "partnership",
                Reason::not_an_id(clip(raw)),
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartnershipId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

enum_ids!(
    /// Where a partnership stands.
    PartnershipStatus, "status" {
        /// Proposed by one city's government; the other has not answered.
        Proposed => "proposed",
        /// The invited city accepted to talk; the two discuss in the thread.
        Discussing => "discussing",
        /// An agreement is signed; no work plan yet.
        Signed => "signed",
        /// Signed, with a work plan; activities are logged.
        Active => "active",
        /// Signed or active, but nothing was logged for the configured number of months.
        Dormant => "dormant",
        /// Ended as planned.
        Completed => "completed",
        /// Declined by the invited city or withdrawn by the proposer before signing.
        Declined => "declined",
    }
);

enum_ids!(
    /// What kind of tie it is.
    PartnershipKind, "kind" {
        /// A sister-city (twin-town) agreement.
        SisterCity => "sister-city",
        /// A friendship-city agreement (China's 友好城市 system).
        Friendship => "friendship",
        /// Cooperation on a subject (a memorandum of understanding, a joint programme).
        Cooperation => "cooperation",
    }
);

enum_ids!(
    /// How Mitra knows of a partnership.
    Origin, "origin" {
        /// From a published list of ties (the shipped sister-city lists): signed, date unknown.
        Recorded => "recorded",
        /// Proposed and kept in Mitra.
        Proposed => "proposed",
    }
);

enum_ids!(
    /// Which city of a partnership an actor acts for.
    PartySide, "side" {
        /// The city that proposed it (the first city of a recorded tie).
        Proposer => "proposer",
        /// The city it was proposed to.
        Invited => "invited",
    }
);

enum_ids!(
    /// What a city's government does to a partnership besides writing in its thread and logging activities.
    Action, "action" {
        /// The invited city agrees to discuss.
        Accept => "accept",
        /// The invited city says no.
        Decline => "decline",
        /// The proposer takes its proposal back.
        Withdraw => "withdraw",
        /// Either city records the signed agreement (date, signatories, document).
        Sign => "sign",
        /// Either city records the work plan; the partnership is active.
        Activate => "activate",
        /// Either city records that the partnership ended as planned.
        Complete => "complete",
    }
);

enum_ids!(
    /// What an activity is.
    ActivityKind, "kind" {
        /// Officials or experts visit the other city.
        ExchangeVisit => "exchange-visit",
        /// A training course or workshop.
        Training => "training",
        /// Work on a project the two run together.
        JointProject => "joint-project",
        /// A meeting of the partners.
        Meeting => "meeting",
        /// A festival or cultural event.
        Festival => "festival",
        /// Heritage: museums, conservation, crafts.
        Heritage => "heritage",
        /// A youth or school exchange.
        YouthExchange => "youth-exchange",
        /// A sporting event.
        Sport => "sport",
        /// Media, film and publishing.
        Media => "media",
    }
);

impl ActivityKind {
    /// Whether the activity is a cultural exchange (area 7 of the statement: people-to-people ties).
    pub fn is_cultural(self) -> bool {
        matches!(
            self,
            ActivityKind::Festival
                | ActivityKind::Heritage
                | ActivityKind::YouthExchange
                | ActivityKind::Sport
                | ActivityKind::Media
        )
    }
}

impl PartySide {
    /// The other side.
    pub fn other(self) -> PartySide {
        match self {
            PartySide::Proposer => PartySide::Invited,
            PartySide::Invited => PartySide::Proposer,
        }
    }
}

/// Why a partnership cannot move as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The side may not take this action (only the invited city accepts or declines; only the proposer withdraws).
    NotYours,
    /// The action does not apply at this status.
    NotNow(PartnershipStatus),
}

impl PartnershipStatus {
    /// Whether the partnership was signed (recorded ties included).
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            PartnershipStatus::Signed
                | PartnershipStatus::Active
                | PartnershipStatus::Dormant
                | PartnershipStatus::Completed
        )
    }

    /// Whether anyone may read it: signed ones are public; proposals and declined ones only to the two cities'
    /// governments and platform admins.
    pub fn is_public(self) -> bool {
        self.is_signed()
    }

    /// Whether it has ended: completed or declined. An ended partnership takes no messages, actions or activities,
    /// and the two cities may start a new one.
    pub fn is_ended(self) -> bool {
        matches!(
            self,
            PartnershipStatus::Completed | PartnershipStatus::Declined
        )
    }

    /// The status after `side` writes in the thread: the invited city's first answer opens the discussion.
    pub fn after_message(self, side: PartySide) -> Result<PartnershipStatus, Refused> {
        match (self, side) {
            (s, _) if s.is_ended() => Err(Refused::NotNow(s)),
            (PartnershipStatus::Proposed, PartySide::Invited) => Ok(PartnershipStatus::Discussing),
            (s, _) => Ok(s),
        }
    }

    /// The status after `side` takes `action`: proposed → discussing → signed → active → completed; declined
    /// before signing; a dormant partnership may be reactivated or completed.
    pub fn after(self, side: PartySide, action: Action) -> Result<PartnershipStatus, Refused> {
        use PartnershipStatus as S;
        match (action, side) {
            (Action::Accept | Action::Decline, PartySide::Proposer)
            | (Action::Withdraw, PartySide::Invited) => return Err(Refused::NotYours),
            _ => {}
        }
        match (self, action) {
            (S::Proposed, Action::Accept) => Ok(S::Discussing),
            (S::Proposed | S::Discussing, Action::Decline | Action::Withdraw) => Ok(S::Declined),
            (S::Discussing, Action::Sign) => Ok(S::Signed),
            (S::Signed | S::Dormant, Action::Activate) => Ok(S::Active),
            (S::Signed | S::Active | S::Dormant, Action::Complete) => Ok(S::Completed),
            (s, _) => Err(Refused::NotNow(s)),
        }
    }

    /// The status after an activity is logged: only signed partnerships take activities, and an activity makes a
    /// signed or dormant one active.
    pub fn after_activity(self) -> Result<PartnershipStatus, Refused> {
        match self {
            PartnershipStatus::Signed | PartnershipStatus::Active | PartnershipStatus::Dormant => {
                Ok(PartnershipStatus::Active)
            }
            s => Err(Refused::NotNow(s)),
        }
    }
}

/// Whether a partnership at `status`, whose last activity (or signature, or, when neither is known, its entry in
/// Mitra) was on `last`, is dormant on `today` after `months` months without activity: signed and active ones only.
pub fn is_dormant(status: PartnershipStatus, last: Date, today: Date, months: u32) -> bool {
    matches!(
        status,
        PartnershipStatus::Signed | PartnershipStatus::Active
    ) && add_months(last, months) <= today
}

/// `day` plus `months` calendar months, the day clamped to the month's length (31 January + 1 month = 28 or 29
/// February).
pub fn add_months(day: Date, months: u32) -> Date {
    shift_months(day, i64::from(months))
}

/// The last day from which `months` months without activity reach `today`: a partnership last active on or before
/// it is dormant (when `today` is near a month's end, the cut-off may be a day or two early, never late).
pub fn dormant_cutoff(today: Date, months: u32) -> Date {
    shift_months(today, -i64::from(months))
}

fn shift_months(day: Date, months: i64) -> Date {
    let total = i64::from(day.year()) * 12 + i64::from(u8::from(day.month()) - 1) + months;
    let year = i32::try_from(total.div_euclid(12)).unwrap_or(i32::MAX);
    let month = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1);
    let month = Month::try_from(month).unwrap_or(Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(Date::MAX)
}

/// A day written `YYYY-MM-DD` in `field`.
pub fn day(field: &str, raw: &str) -> Result<Date, ValidationError> {
    crate::entry::parse_day(raw.trim())
        .ok_or_else(|| ValidationError::new(field, Reason::not_a_date(clip(raw))))
}

/// Checked free text: trimmed, within `max` characters, without control characters but line breaks and tabs.
pub fn parse_text(
    field: &str,
    raw: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, ValidationError> {
    let text = raw.trim();
    if text.is_empty() {
        return if required {
            Err(ValidationError::new(field, Reason::empty()))
        } else {
            Ok(None)
        };
    }
    if text.chars().count() > max {
        return Err(ValidationError::new(field, Reason::too_long(max)));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ValidationError::new(field, Reason::control_characters()));
    }
    Ok(Some(text.replace("\r\n", "\n")))
}

/// A signed agreement as a city records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signing {
    /// The day it was signed.
    pub signed_on: Date,
    /// Who signed, for each city.
    pub signatories: String,
    /// Where the signed document is: an `https://` address.
    pub document: Option<String>,
}

impl Signing {
    /// Checks a signing: a date not after `today`, signatories named, and a document address when one is given.
    pub fn parse(
        signed_on: &str,
        signatories: &str,
        document: &str,
        today: Date,
    ) -> Result<Self, ValidationError> {
        let signed_on = day("signed_on", signed_on)?;
        if signed_on > today {
            return Err(ValidationError::new(
                "signed_on",
                Reason::in_future(signed_on),
            ));
        }
        let signatories =
            parse_text("signatories", signatories, MAX_TITLE * 2, true)?.unwrap_or_default();
        let document = parse_text("document", document, 2_000, false)?;
        if let Some(url) = &document
            && (!url.starts_with("https://") || url.contains(char::is_whitespace))
        {
            return Err(ValidationError::new(
                "document",
                Reason::not_https(clip(url)),
            ));
        }
        Ok(Self {
            signed_on,
            signatories,
            document,
        })
    }
}

/// An activity of a partnership, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// What it is.
    pub kind: ActivityKind,
    /// Its title.
    pub title: String,
    /// Its first day.
    pub starts_on: Date,
    /// Its last day; `None` for one day.
    pub ends_on: Option<Date>,
    /// Which city hosts it: the proposer's or the invited one's; `None` when online or elsewhere.
    pub host: Option<PartySide>,
    /// How many took part, when known.
    pub participants: Option<u32>,
    /// Who took part (delegations, schools, teams), as written.
    pub participant_names: Option<String>,
    /// What happened.
    pub description: Option<String>,
}

/// An activity as a form or an API body gives it, every field as text.
#[derive(Debug, Clone, Default)]
pub struct ActivityInput<'a> {
    /// [`ActivityKind`] tag.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// YYYY-MM-DD.
    pub starts_on: &'a str,
    /// YYYY-MM-DD or empty.
    pub ends_on: &'a str,
    /// `proposer`, `invited` or empty.
    pub host: &'a str,
    /// A whole number or empty.
    pub participants: &'a str,
    /// Free text.
    pub participant_names: &'a str,
    /// Free text.
    pub description: &'a str,
}

impl Activity {
    /// Checks an activity; every problem is reported, each with its field.
    pub fn parse(input: &ActivityInput<'_>) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        macro_rules! ok {
            ($r:expr) => {
                match $r {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                }
            };
        }
        let kind = ok!(ActivityKind::parse(input.kind));
        let title = ok!(parse_text("title", input.title, MAX_TITLE, true)).flatten();
        let starts_on = ok!(day("starts_on", input.starts_on));
        let ends_on = if input.ends_on.trim().is_empty() {
            Some(None)
        } else {
            ok!(day("ends_on", input.ends_on)).map(Some)
        };
        let host = if input.host.trim().is_empty() {
            Some(None)
        } else {
            ok!(PartySide::parse(input.host).map_err(|e| e.at("host"))).map(Some)
        };
        let participants = if input.participants.trim().is_empty() {
            Some(None)
        } else {
            ok!(input
                .participants
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_PARTICIPANTS).contains(n))
                .map(Some)
                .ok_or_else(|| {
                    ValidationError::new(
                        "participants",
                        Reason::whole_number_between(1, MAX_PARTICIPANTS),
                    )
                }))
        };
        let participant_names = ok!(parse_text(
            "participant_names",
            input.participant_names,
            MAX_TEXT,
            false,
        ));
        let description = ok!(parse_text(
            "description",
            input.description,
            MAX_TEXT,
            false,
        ));
        if let (Some(start), Some(Some(end))) = (starts_on, ends_on)
            && end < start
        {
            errors.push(ValidationError::new(
                "ends_on",
                Reason::before_first_day(end, start),
            ));
        }
        match (
            kind,
            title,
            starts_on,
            ends_on,
            host,
            participants,
            participant_names,
            description,
        ) {
            (
                Some(kind),
                Some(title),
                Some(starts_on),
                Some(ends_on),
                Some(host),
                Some(participants),
                Some(participant_names),
                Some(description),
            ) if errors.is_empty() => Ok(Activity {
                kind,
                title,
                starts_on,
                ends_on,
                host,
                participants,
                participant_names,
                description,
            }),
            _ => Err(errors),
        }
    }

    /// Its last day.
    pub fn last_day(&self) -> Date {
        self.ends_on.unwrap_or(self.starts_on)
    }
}

/// The two cities of a proposal, checked: different cities.
pub fn check_pair(proposer: &CityId, invited: &CityId) -> Result<(), ValidationError> {
    if proposer == invited {
        Err(ValidationError::new("city", Reason::self_partnership()))
    } else {
        Ok(())
    }
}

/// One activity as the calendar and the report see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarActivity<'a> {
    /// A stable id (unique within the partnership).
    pub uid: &'a str,
    /// The activity.
    pub activity: &'a Activity,
    /// Where, as a place name (the host city), when known.
    pub location: Option<&'a str>,
    /// The partnership's page, for the event's URL.
    pub url: &'a str,
}

/// An iCalendar (RFC 5545) of a partnership's activities: one all-day event each, so every calendar shows the
/// days in its own time zone without shifting them. `name` names the calendar; `stamp` is the time of export
/// (`YYYYMMDDTHHMMSSZ`).
pub fn icalendar(name: &str, activities: &[CalendarActivity<'_>], stamp: &str) -> String {
    let mut out = String::new();
    let mut line = |text: String| crate::ical::line(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Mitra//Partnership activities//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", crate::ical::text(name)));
    for a in activities {
        let day = |d: Date| format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day());
        // DTEND of an all-day event is the day after its last day.
        let end = a.activity.last_day().next_day().unwrap_or(Date::MAX);
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", crate::ical::text(a.uid)));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", day(a.activity.starts_on)));
        line(format!("DTEND;VALUE=DATE:{}", day(end)));
        line(format!("SUMMARY:{}", crate::ical::text(&a.activity.title)));
        line(format!("CATEGORIES:{}", a.activity.kind.as_str()));
        if let Some(place) = a.location {
            line(format!("LOCATION:{}", crate::ical::text(place)));
        }
        if let Some(text) = &a.activity.description {
            line(format!("DESCRIPTION:{}", crate::ical::text(text)));
        }
        line(format!("URL:{}", a.url));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// What one partnership did in one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct YearSummary {
    /// Activities that started in the year.
    pub activities: u32,
    /// Of them, cultural exchanges.
    pub cultural: u32,
    /// Participants stated, summed (activities that state none add nothing).
    pub participants: u64,
    /// Activities that did not state their participants.
    pub participants_unknown: u32,
    /// Activities by kind, in [`ActivityKind::ALL`] order, kinds without any left out.
    pub by_kind: Vec<(ActivityKind, u32)>,
}

/// Sums the activities that start in `year`.
pub fn year_summary<'a>(
    activities: impl IntoIterator<Item = &'a Activity>,
    year: i32,
) -> YearSummary {
    let mut summary = YearSummary::default();
    let mut counts = vec![0_u32; ActivityKind::ALL.len()];
    for a in activities
        .into_iter()
        .filter(|a| a.starts_on.year() == year)
    {
        summary.activities += 1;
        if a.kind.is_cultural() {
            summary.cultural += 1;
        }
        match a.participants {
            Some(n) => summary.participants += u64::from(n),
            None => summary.participants_unknown += 1,
        }
        if let Some(i) = ActivityKind::ALL.iter().position(|k| *k == a.kind) {
            counts[i] += 1;
        }
    }
    summary.by_kind = ActivityKind::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (*k, n))
        .collect();
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_proposal_is_accepted_signed_activated_and_completed() {
        use PartnershipStatus as S;
        let (p, i) = (PartySide::Proposer, PartySide::Invited);
        assert_eq!(S::Proposed.after(i, Action::Accept), Ok(S::Discussing));
        assert_eq!(S::Discussing.after(p, Action::Sign), Ok(S::Signed));
        assert_eq!(S::Signed.after(i, Action::Activate), Ok(S::Active));
        assert_eq!(S::Active.after(p, Action::Complete), Ok(S::Completed));
        assert_eq!(S::Dormant.after(i, Action::Activate), Ok(S::Active));
        assert_eq!(S::Proposed.after(i, Action::Decline), Ok(S::Declined));
        assert_eq!(S::Discussing.after(p, Action::Withdraw), Ok(S::Declined));
    }

    #[test]
    fn each_side_takes_only_its_own_decisions_and_only_when_they_apply() {
        use PartnershipStatus as S;
        let (p, i) = (PartySide::Proposer, PartySide::Invited);
        assert_eq!(S::Proposed.after(p, Action::Accept), Err(Refused::NotYours));
        assert_eq!(
            S::Proposed.after(p, Action::Decline),
            Err(Refused::NotYours)
        );
        assert_eq!(
            S::Proposed.after(i, Action::Withdraw),
            Err(Refused::NotYours)
        );
        assert_eq!(
            S::Proposed.after(p, Action::Sign),
            Err(Refused::NotNow(S::Proposed)),
            "the invited city accepts to talk before anything is signed"
        );
        assert_eq!(
            S::Signed.after(p, Action::Withdraw),
            Err(Refused::NotNow(S::Signed)),
            "a signed agreement is completed, not withdrawn"
        );
        assert_eq!(
            S::Completed.after(i, Action::Activate),
            Err(Refused::NotNow(S::Completed))
        );
        assert_eq!(
            S::Declined.after_message(p),
            Err(Refused::NotNow(S::Declined))
        );
    }

    #[test]
    fn the_invited_citys_first_answer_opens_the_discussion() {
        use PartnershipStatus as S;
        assert_eq!(
            S::Proposed.after_message(PartySide::Proposer),
            Ok(S::Proposed)
        );
        assert_eq!(
            S::Proposed.after_message(PartySide::Invited),
            Ok(S::Discussing)
        );
        assert_eq!(S::Active.after_message(PartySide::Invited), Ok(S::Active));
    }

    #[test]
    fn an_activity_revives_a_dormant_partnership_and_needs_a_signature() {
        use PartnershipStatus as S;
        assert_eq!(S::Dormant.after_activity(), Ok(S::Active));
        assert_eq!(S::Signed.after_activity(), Ok(S::Active));
        assert_eq!(
            S::Discussing.after_activity(),
            Err(Refused::NotNow(S::Discussing))
        );
        assert_eq!(
            S::Completed.after_activity(),
            Err(Refused::NotNow(S::Completed))
        );
    }

    #[test]
    fn dormancy_counts_calendar_months_from_the_last_activity() {
        use PartnershipStatus as S;
        let last = date!(2025 - 01 - 31);
        assert_eq!(add_months(last, 1), date!(2025 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(last, 12), date!(2026 - 01 - 31));
        assert_eq!(add_months(date!(2025 - 11 - 15), 3), date!(2026 - 02 - 15));
        assert!(!is_dormant(S::Active, last, date!(2026 - 01 - 30), 12));
        assert!(is_dormant(S::Active, last, date!(2026 - 01 - 31), 12));
        assert!(is_dormant(S::Signed, last, date!(2026 - 06 - 01), 12));
        assert!(
            !is_dormant(S::Completed, last, date!(2030 - 01 - 01), 12),
            "an ended partnership is not dormant"
        );
        assert!(!is_dormant(S::Dormant, last, date!(2030 - 01 - 01), 12));
        assert_eq!(
            dormant_cutoff(date!(2026 - 03 - 31), 1),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            dormant_cutoff(date!(2026 - 01 - 15), 12),
            date!(2025 - 01 - 15)
        );
        let cutoff = dormant_cutoff(date!(2026 - 03 - 31), 1);
        assert!(is_dormant(S::Active, cutoff, date!(2026 - 03 - 31), 1));
    }

    fn input<'a>() -> ActivityInput<'a> {
        ActivityInput {
            kind: "festival",
            title: "  Songkran at the Nanning Folk Song Festival ",
            starts_on: "2026-04-13",
            ends_on: "2026-04-15",
            host: "invited",
            participants: "120",
            participant_names: "Bangkok youth orchestra",
            description: "",
        }
    }

    #[test]
    fn an_activity_is_checked_field_by_field() {
        let a = Activity::parse(&input()).expect("valid");
        assert_eq!(a.title, "Songkran at the Nanning Folk Song Festival");
        assert_eq!(a.kind, ActivityKind::Festival);
        assert!(a.kind.is_cultural());
        assert_eq!(a.last_day(), date!(2026 - 04 - 15));
        assert_eq!(a.host, Some(PartySide::Invited));
        assert_eq!(a.participants, Some(120));
        assert_eq!(a.description, None);

        let bad = ActivityInput {
            kind: "picnic",
            title: " ",
            starts_on: "2026-04-13",
            ends_on: "2026-04-12",
            participants: "0",
            ..input()
        };
        let fields: Vec<String> = Activity::parse(&bad)
            .expect_err("invalid")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["kind", "title", "participants", "ends_on"]);
    }

    #[test]
    fn a_signing_is_dated_not_in_the_future_and_links_its_document_over_https() {
        let today = date!(2026 - 12 - 04);
        let s = Signing::parse("2026-11-30", "Mayor A; Mayor B", "", today).expect("ok");
        assert_eq!(s.signed_on, date!(2026 - 11 - 30));
        assert_eq!(s.document, None);
        assert!(Signing::parse("2026-12-05", "A", "", today).is_err());
        assert!(Signing::parse("2026-11-30", " ", "", today).is_err());
        assert_eq!(
            Signing::parse("2026-11-30", "A", "http://x.example/doc.pdf", today)
                .expect_err("http")
                .field,
            "document"
        );
    }

    #[test]
    fn the_calendar_has_all_day_events_escaped_and_folded() {
        let mut a = Activity::parse(&input()).expect("valid");
        a.description = Some("Day 1: parade, concert; day 2\nworkshops".into());
        a.title = "长".repeat(40);
        let cal = icalendar(
            "Bangkok – Nanning",
            &[CalendarActivity {
                uid: "a1@mitra",
                activity: &a,
                location: Some("Nanning"),
                url: "https://mitra.example/partnerships/x",
            }],
            "20261204T000000Z",
        );
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(cal.contains("DTSTART;VALUE=DATE:20260413\r\n"));
        assert!(
            cal.contains("DTEND;VALUE=DATE:20260416\r\n"),
            "the day after the last"
        );
        assert!(cal.contains("DESCRIPTION:Day 1: parade\\, concert\\; day 2\\nworkshops"));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
        for line in cal.split("\r\n") {
            assert!(line.len() <= 75, "folded: {line}");
        }
        let unfolded = cal.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{}", "长".repeat(40))));
    }

    #[test]
    fn a_year_summary_counts_cultural_exchanges_and_says_what_it_does_not_know() {
        let a = Activity::parse(&input()).expect("valid");
        let b = Activity {
            kind: ActivityKind::Training,
            participants: None,
            ..a.clone()
        };
        let c = Activity {
            starts_on: date!(2025 - 06 - 01),
            ends_on: None,
            ..a.clone()
        };
        let s = year_summary([&a, &b, &c], 2026);
        assert_eq!(s.activities, 2);
        assert_eq!(s.cultural, 1);
        assert_eq!(s.participants, 120);
        assert_eq!(s.participants_unknown, 1);
        assert_eq!(
            s.by_kind,
            vec![(ActivityKind::Training, 1), (ActivityKind::Festival, 1)]
        );
    }

    #[test]
    fn tags_round_trip() {
        for s in PartnershipStatus::ALL {
            assert_eq!(PartnershipStatus::parse(s.as_str()), Ok(*s));
        }
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Ok(*k));
        }
        assert!(Action::parse("sign").is_ok());
        assert_eq!(
            PartnershipKind::parse("twin").expect_err("no").field,
            "kind"
        );
    }
}
