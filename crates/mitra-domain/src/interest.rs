//! Expressions of interest: an organisation tells the publisher of an opportunity (a project, a solution, a funding
//! call) that it would like to work with it, and the two write to each other in a thread that stays with the
//! opportunity. What a thread's status may become, and who may move it, is decided here.

use std::fmt;

use serde::Serialize;

use crate::ids::clip;
use crate::{EntryKind, Reason, ValidationError};

/// Longest message, in characters.
pub const MAX_MESSAGE: usize = 4_000;

/// An expression of interest's id: a UUID (version 7) in its hyphenated lower-case form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct InterestId(String);

impl InterestId {
    /// Accepts a hyphenated lower-case UUID.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if crate::ids::is_uuid(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                "interest",
                Reason::not_an_id(clip(raw)),
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InterestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether an entry of `kind` is an opportunity one may express interest in: projects, solutions and funding calls.
pub fn is_opportunity(kind: EntryKind) -> bool {
    matches!(
        kind,
        EntryKind::Project | EntryKind::Solution | EntryKind::Funding
    )
}

/// Where a thread stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterestStatus {
    /// Sent; the publisher has not answered yet.
    Open,
    /// The publisher has answered; the two are talking.
    InDiscussion,
    /// The publisher accepted: the two agreed to work together.
    Agreed,
    /// Declined by the publisher or withdrawn by the interested organisation.
    Closed,
}

impl InterestStatus {
    /// Every status, in the order of a thread's life.
    pub const ALL: [InterestStatus; 4] = [
        InterestStatus::Open,
        InterestStatus::InDiscussion,
        InterestStatus::Agreed,
        InterestStatus::Closed,
    ];

    /// The tag used in the store, URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InterestStatus::Open => "open",
            InterestStatus::InDiscussion => "in-discussion",
            InterestStatus::Agreed => "agreed",
            InterestStatus::Closed => "closed",
        }
    }

    /// Parses a tag.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "status",
                    Reason::not_one_of(clip(raw), "open, in-discussion, agreed, closed"),
                )
            })
    }

    /// Whether the thread still takes messages: every status but closed.
    pub fn takes_messages(self) -> bool {
        self != InterestStatus::Closed
    }
}

impl fmt::Display for InterestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side of a thread an actor writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The organisation that expressed interest.
    Interested,
    /// The organisation that published the opportunity.
    Publisher,
}

impl Side {
    /// The tag used in the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Interested => "interested",
            Side::Publisher => "publisher",
        }
    }

    /// Parses a tag.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "interested" => Ok(Side::Interested),
            "publisher" => Ok(Side::Publisher),
            _ => Err(ValidationError::new(
                "side",
                Reason::not_one_of(clip(raw), "interested, publisher"),
            )),
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Interested => Side::Publisher,
            Side::Publisher => Side::Interested,
        }
    }
}

/// What a party does to a thread besides writing in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// The publisher agrees to work together.
    Accept,
    /// The publisher says no.
    Decline,
    /// The interested organisation takes its interest back.
    Withdraw,
}

impl Decision {
    /// Every value.
    pub const ALL: [Decision; 3] = [Decision::Accept, Decision::Decline, Decision::Withdraw];

    /// The tag used in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Decline => "decline",
            Decision::Withdraw => "withdraw",
        }
    }

    /// Parses a tag.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "accept" => Ok(Decision::Accept),
            "decline" => Ok(Decision::Decline),
            "withdraw" => Ok(Decision::Withdraw),
            _ => Err(ValidationError::new(
                "decision",
                Reason::not_one_of(clip(raw), "accept, decline, withdraw"),
            )),
        }
    }
}

/// Why a thread cannot move as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionRefused {
    /// The side may not make this decision (only the publisher accepts or declines; only the interested side
    /// withdraws).
    NotYours,
    /// The thread is already agreed or closed.
    Settled(InterestStatus),
}

impl InterestStatus {
    /// The status after `side` writes a message: the publisher's first answer opens the discussion; otherwise it
    /// stays. A closed thread takes no messages.
    pub fn after_message(self, side: Side) -> Result<InterestStatus, TransitionRefused> {
        match (self, side) {
            (InterestStatus::Closed, _) => Err(TransitionRefused::Settled(self)),
            (InterestStatus::Open, Side::Publisher) => Ok(InterestStatus::InDiscussion),
            (status, _) => Ok(status),
        }
    }

    /// The status after `side` makes `decision`: open → in discussion → agreed / closed. Agreed and closed are
    /// final, but an agreed thread may still be closed by either side when the work ends.
    pub fn after_decision(
        self,
        side: Side,
        decision: Decision,
    ) -> Result<InterestStatus, TransitionRefused> {
        match (decision, side) {
            (Decision::Accept | Decision::Decline, Side::Interested)
            | (Decision::Withdraw, Side::Publisher) => return Err(TransitionRefused::NotYours),
            _ => {}
        }
        match (self, decision) {
            (InterestStatus::Closed, _) | (InterestStatus::Agreed, Decision::Accept) => {
                Err(TransitionRefused::Settled(self))
            }
            (_, Decision::Accept) => Ok(InterestStatus::Agreed),
            (_, Decision::Decline | Decision::Withdraw) => Ok(InterestStatus::Closed),
        }
    }
}

/// A message's text: trimmed, 1 to [`MAX_MESSAGE`] characters, without control characters but line breaks.
pub fn parse_message(raw: &str) -> Result<String, ValidationError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValidationError::new("message", Reason::empty()));
    }
    if text.chars().count() > MAX_MESSAGE {
        return Err(ValidationError::new(
            "message",
            Reason::too_long(MAX_MESSAGE),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ValidationError::new(
            "message",
            Reason::control_characters(),
        ));
    }
    Ok(text.replace("\r\n", "\n"))
}

/// How often an account is mailed about what happened in its threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailFrequency {
    /// Never: notifications stay in the app.
    Never,
    /// One mail per notification, as it happens.
    Immediately,
    /// One digest a day of what is new.
    Daily,
    /// One digest a week of what is new.
    Weekly,
}

impl MailFrequency {
    /// Every frequency, in the order the settings form lists them.
    pub const ALL: [MailFrequency; 4] = [
        MailFrequency::Never,
        MailFrequency::Immediately,
        MailFrequency::Daily,
        MailFrequency::Weekly,
    ];

    /// The tag used in the store, forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MailFrequency::Never => "never",
            MailFrequency::Immediately => "immediately",
            MailFrequency::Daily => "daily",
            MailFrequency::Weekly => "weekly",
        }
    }

    /// Parses a tag.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "mail",
                    Reason::not_one_of(clip(raw), "never, immediately, daily, weekly"),
                )
            })
    }

    /// How long after the last digest the next one is due, in seconds; `None` when mail is not batched.
    pub fn digest_interval(self) -> Option<i64> {
        match self {
            MailFrequency::Daily => Some(86_400),
            MailFrequency::Weekly => Some(7 * 86_400),
            MailFrequency::Never | MailFrequency::Immediately => None,
        }
    }
}

impl fmt::Display for MailFrequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a notification tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotificationKind {
    /// An organisation expressed interest in one of the reader's organisation's opportunities.
    InterestReceived,
    /// The other side wrote in a thread.
    MessageReceived,
    /// The publisher accepted.
    InterestAccepted,
    /// The publisher declined.
    InterestDeclined,
    /// The interested organisation withdrew.
    InterestWithdrawn,
    /// A city's government proposed a partnership to the reader's city.
    PartnershipProposed,
    /// The other city wrote in a partnership's thread.
    PartnershipMessage,
    /// The other city moved a partnership (accepted, declined, withdrew, signed, activated, completed).
    PartnershipChanged,
    /// The other city logged an activity of a partnership.
    ActivityLogged,
    /// Nothing was logged for a partnership for the configured months: Mitra marked it dormant.
    PartnershipDormant,
}

impl NotificationKind {
    /// Every kind.
    pub const ALL: [NotificationKind; 10] = [
        NotificationKind::InterestReceived,
        NotificationKind::MessageReceived,
        NotificationKind::InterestAccepted,
        NotificationKind::InterestDeclined,
        NotificationKind::InterestWithdrawn,
        NotificationKind::PartnershipProposed,
        NotificationKind::PartnershipMessage,
        NotificationKind::PartnershipChanged,
        NotificationKind::ActivityLogged,
        NotificationKind::PartnershipDormant,
    ];

    /// The tag used in the store and the API (also the message key of its sentence: `notification-<tag>`).
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::InterestReceived => "interest-received",
            NotificationKind::MessageReceived => "message-received",
            NotificationKind::InterestAccepted => "interest-accepted",
            NotificationKind::InterestDeclined => "interest-declined",
            NotificationKind::InterestWithdrawn => "interest-withdrawn",
            NotificationKind::PartnershipProposed => "partnership-proposed",
            NotificationKind::PartnershipMessage => "partnership-message",
            NotificationKind::PartnershipChanged => "partnership-changed",
            NotificationKind::ActivityLogged => "activity-logged",
            NotificationKind::PartnershipDormant => "partnership-dormant",
        }
    }

    /// Parses a tag.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| ValidationError::new("kind", Reason::not_an_id(clip(raw))))
    }

    /// What the other side is told when `side` makes `decision`.
    pub fn of_decision(decision: Decision) -> Self {
        match decision {
            Decision::Accept => NotificationKind::InterestAccepted,
            Decision::Decline => NotificationKind::InterestDeclined,
            Decision::Withdraw => NotificationKind::InterestWithdrawn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_opens_when_the_publisher_answers_and_ends_agreed_or_closed() {
        use InterestStatus::*;
        assert_eq!(Open.after_message(Side::Interested), Ok(Open));
        assert_eq!(Open.after_message(Side::Publisher), Ok(InDiscussion));
        assert_eq!(
            InDiscussion.after_message(Side::Interested),
            Ok(InDiscussion)
        );
        assert_eq!(Agreed.after_message(Side::Publisher), Ok(Agreed));
        assert_eq!(
            Closed.after_message(Side::Interested),
            Err(TransitionRefused::Settled(Closed))
        );
        assert_eq!(
            Open.after_decision(Side::Publisher, Decision::Accept),
            Ok(Agreed)
        );
        assert_eq!(
            InDiscussion.after_decision(Side::Publisher, Decision::Decline),
            Ok(Closed)
        );
        assert_eq!(
            InDiscussion.after_decision(Side::Interested, Decision::Withdraw),
            Ok(Closed)
        );
        assert_eq!(
            Agreed.after_decision(Side::Interested, Decision::Withdraw),
            Ok(Closed),
            "an agreement can end"
        );
        assert_eq!(
            Agreed.after_decision(Side::Publisher, Decision::Accept),
            Err(TransitionRefused::Settled(Agreed))
        );
        assert_eq!(
            Closed.after_decision(Side::Publisher, Decision::Accept),
            Err(TransitionRefused::Settled(Closed)),
            "a closed thread is not reopened"
        );
    }

    #[test]
    fn only_the_publisher_accepts_or_declines_and_only_the_interested_side_withdraws() {
        use InterestStatus::*;
        assert_eq!(
            Open.after_decision(Side::Interested, Decision::Accept),
            Err(TransitionRefused::NotYours)
        );
        assert_eq!(
            Open.after_decision(Side::Interested, Decision::Decline),
            Err(TransitionRefused::NotYours)
        );
        assert_eq!(
            Open.after_decision(Side::Publisher, Decision::Withdraw),
            Err(TransitionRefused::NotYours)
        );
    }

    #[test]
    fn messages_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            parse_message("  hello\r\nthere "),
            Ok("hello\nthere".into())
        );
        assert_eq!(
            parse_message("   ").map_err(|e| e.field),
            Err("message".into())
        );
        assert!(parse_message(&"a".repeat(MAX_MESSAGE)).is_ok());
        assert!(parse_message(&"a".repeat(MAX_MESSAGE + 1)).is_err());
        assert!(parse_message("bell\u{7}").is_err());
    }

    #[test]
    fn tags_round_trip() {
        for s in InterestStatus::ALL {
            assert_eq!(InterestStatus::parse(s.as_str()), Ok(s));
        }
        for f in MailFrequency::ALL {
            assert_eq!(MailFrequency::parse(f.as_str()), Ok(f));
        }
        for k in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(k.as_str()), Ok(k));
        }
        assert!(InterestId::parse("0190a7f4-1c2b-7d3e-8f40-123456789abc").is_ok());
        assert!(InterestId::parse("0190A7F4-1C2B-7D3E-8F40-123456789ABC").is_err());
    }
}
