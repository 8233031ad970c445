//! Entries of the knowledge exchange: practices, innovations, solutions, projects, funding, training and events.
//!
//! Every entry has a common header — its text per language, the cities and organisations it concerns, the
//! statement's challenges, ASCN focus areas, SDGs and indicators it touches, its sources — and details that depend
//! on its kind. [`Entry::validate`] is the one place that decides whether an entry may be kept; every way in (forms,
//! the API, imports, demo data) goes through it.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::clip;
use crate::{CityId, IndicatorId, Reason, StandardId, ValidationError};

/// Longest title accepted, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest summary accepted, in characters.
pub const MAX_SUMMARY: usize = 2_000;
/// Longest body accepted, in characters.
pub const MAX_BODY: usize = 50_000;

/// An entry's id: a slug (`bangkok-flood-tunnels`), stable once published.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EntryId(String);

impl EntryId {
    /// Accepts 1 to 100 lower-case ASCII letters, digits and single inner dashes.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if crate::ids::is_slug(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                "id",
                Reason::not_an_entry_id(clip(raw)),
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EntryId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// Defines a closed set of values, each with its stable tag, and the parser that names what is accepted.
macro_rules! tagged {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($(#[$vmeta:meta])* $variant:ident = $tag:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $tag)] $variant),+
        }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable tag used in URLs, the API and files.
            pub fn tag(self) -> &'static str {
                match self { $($name::$variant => $tag),+ }
            }

            /// Parses a tag, naming the accepted ones when it is not one of them.
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                let raw = raw.trim();
                $(if raw.eq_ignore_ascii_case($tag) { return Ok($name::$variant); })+
                let accepted: Vec<&str> = vec![$($tag),+];
                Err(ValidationError::new(
                    $field, Reason::not_one_of(clip(raw), accepted.join(", "))))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.tag())
            }
        }

        /// The tags, as the OpenAPI schema of a string.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($tag),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

tagged!(
    /// What an entry is.
    EntryKind, "kind" {
        /// A case study with its evidence.
        Practice = "practice",
        /// Research, an achievement or a joint call.
        Innovation = "innovation",
        /// A product or service a provider offers.
        Solution = "solution",
        /// A city-led project seeking capital, technology or partners.
        Project = "project",
        /// A funding opportunity.
        Funding = "funding",
        /// A training programme.
        Training = "training",
        /// An exchange visit, workshop, cultural event or conference.
        Event = "event",
    }
);

tagged!(
    /// The languages entries are written in: English, Chinese and the languages of ASEAN.
    ContentLanguage, "lang" {
        /// English.
        En = "en",
        /// Simplified Chinese.
        ZhHans = "zh-Hans",
        /// Indonesian.
        Id = "id",
        /// Malay.
        Ms = "ms",
        /// Thai.
        Th = "th",
        /// Vietnamese.
        Vi = "vi",
        /// Filipino.
        Fil = "fil",
        /// Khmer.
        Km = "km",
        /// Lao.
        Lo = "lo",
        /// Burmese.
        My = "my",
        /// Tamil.
        Ta = "ta",
    }
);

impl ContentLanguage {
    /// The language's own name for itself.
    pub fn autonym(self) -> &'static str {
        match self {
            ContentLanguage::En => "English",
            ContentLanguage::ZhHans => "简体中文",
            ContentLanguage::Id => "Bahasa Indonesia",
            ContentLanguage::Ms => "Bahasa Melayu",
            ContentLanguage::Th => "ไทย",
            ContentLanguage::Vi => "Tiếng Việt",
            ContentLanguage::Fil => "Filipino",
            ContentLanguage::Km => "ខ្មែរ",
            ContentLanguage::Lo => "ລາວ",
            ContentLanguage::My => "မြန်မာ",
            ContentLanguage::Ta => "தமிழ்",
        }
    }
}

tagged!(
    /// Where a text comes from.
    TextOrigin, "origin" {
        /// Written in this language.
        Original = "original",
        /// Translated by a person.
        HumanTranslation = "human-translation",
        /// Translated by a machine, unchecked.
        MachineTranslation = "machine-translation",
    }
);

tagged!(
    /// The urban challenges the Leaders' Statement names.
    Challenge, "challenges" {
        /// Traffic congestion.
        Congestion = "congestion",
        /// Air pollution.
        AirPollution = "air-pollution",
        /// Water pollution.
        WaterPollution = "water-pollution",
        /// Vector-borne disease.
        VectorBorneDisease = "vector-borne-disease",
        /// Loss of green areas.
        LossOfGreenAreas = "loss-of-green-areas",
        /// Poverty.
        Poverty = "poverty",
        /// Lack of mobility.
        LackOfMobility = "lack-of-mobility",
        /// Inequality.
        Inequality = "inequality",
        /// Urban–rural disparity.
        UrbanRuralDisparity = "urban-rural-disparity",
        /// Citizen security.
        CitizenSecurity = "citizen-security",
        /// Energy.
        Energy = "energy",
    }
);

/// An entry's text in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryText {
    /// The language.
    pub lang: ContentLanguage,
    /// Where the text comes from.
    pub origin: TextOrigin,
    /// The title.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            pattern = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF]*[^\\s\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF][^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF]*$"
        )
    )]
    pub title: String,
    /// A paragraph that says what the entry is.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF]*[^\\s\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF][^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF]*$"
        )
    )]
    pub summary: String,
    /// The full text; may be empty.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 50000,
            pattern = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\uFFFE\\uFFFF]*$"
        )
    )]
    pub body: String,
}

/// A published source of an entry's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceLink {
    /// Publisher, title and date, as a reader would cite it.
    pub title: String,
    /// Where it is, `http://` or `https://`; `None` for a document that is cited but not online.
    #[serde(default)]
    pub url: Option<String>,
    /// When it was read: `YYYY-MM-DD`, or `YYYY-MM` where only the month was recorded; `None` when not recorded.
    #[serde(default)]
    pub retrieved: Option<String>,
}

/// A figure at a point in time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearValue {
    /// The year.
    pub year: i32,
    /// The value, in the indicator's unit.
    pub value: f64,
}

/// An indicator a practice moved, with its value before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// The indicator.
    pub indicator: IndicatorId,
    /// Before the practice.
    pub before: YearValue,
    /// After it.
    pub after: YearValue,
}

tagged!(
    /// What an innovation entry reports.
    InnovationKind, "innovation_kind" {
        /// Research.
        Research = "research",
        /// An achievement.
        Achievement = "achievement",
        /// A joint call for proposals.
        JointCall = "joint-call",
    }
);

tagged!(
    /// The energy topics an innovation may carry.
    EnergyTag, "energy" {
        /// Renewable energy.
        Renewables = "renewables",
        /// Energy efficiency.
        Efficiency = "efficiency",
        /// Clean technology.
        CleanTech = "clean-tech",
    }
);

tagged!(
    /// How far a solution has come.
    Maturity, "maturity" {
        /// A prototype.
        Prototype = "prototype",
        /// Piloted in at least one place.
        Pilot = "pilot",
        /// In regular use.
        Deployed = "deployed",
        /// In use in many places.
        Scaled = "scaled",
    }
);

tagged!(
    /// A project's stage.
    ProjectStage, "stage" {
        /// An idea.
        Idea = "idea",
        /// Feasibility study.
        Feasibility = "feasibility",
        /// Procurement.
        Procurement = "procurement",
        /// Being built or set up.
        Implementation = "implementation",
        /// In operation.
        Operation = "operation",
    }
);

tagged!(
    /// The project-preparation criteria a bankable project meets, after the public checklists of project
    /// preparation facilities such as ADB's Cities Development Initiative for Asia (CDIA).
    Readiness, "readiness" {
        /// The project is in the city's development plan.
        InCityPlan = "in-city-plan",
        /// A pre-feasibility or feasibility study is done.
        FeasibilityStudy = "feasibility-study",
        /// Costs are estimated.
        CostEstimate = "cost-estimate",
        /// The sources of finance are identified.
        FinanceIdentified = "finance-identified",
        /// Environmental and social safeguards are assessed.
        SafeguardsAssessed = "safeguards-assessed",
        /// The implementing agency and its capacity are defined.
        InstitutionalSetup = "institutional-setup",
        /// Land and permits are secured.
        LandAndPermits = "land-and-permits",
        /// Operation and maintenance are planned and funded.
        OperationPlan = "operation-plan",
    }
);

tagged!(
    /// A funding instrument.
    Instrument, "instrument" {
        /// A grant.
        Grant = "grant",
        /// A loan.
        Loan = "loan",
        /// Equity.
        Equity = "equity",
        /// A guarantee.
        Guarantee = "guarantee",
        /// Technical assistance.
        TechnicalAssistance = "technical-assistance",
    }
);

tagged!(
    /// How a training is given.
    TrainingFormat, "format" {
        /// In person.
        InPerson = "in-person",
        /// Online.
        Online = "online",
        /// Both.
        Hybrid = "hybrid",
    }
);

tagged!(
    /// What an event is.
    EventKind, "event_kind" {
        /// An exchange visit.
        ExchangeVisit = "exchange-visit",
        /// A workshop.
        Workshop = "workshop",
        /// A cultural event.
        Cultural = "cultural",
        /// A conference.
        Conference = "conference",
    }
);

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// The amount, not negative.
    pub amount: f64,
    /// ISO 4217 code (`USD`, `CNY`, `THB`).
    pub currency: String,
}

/// A date and time in an IANA time zone, as local time (`2026-03-02T09:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalTime {
    /// `YYYY-MM-DDTHH:MM`.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]$"
        )
    )]
    pub at: String,
    /// IANA zone (`Asia/Bangkok`).
    pub timezone: String,
}

impl LocalTime {
    /// The instant this local time is, in UTC: `None` when the zone is unknown or the text is not a local time.
    /// A time that falls in a daylight-saving gap or overlap takes the earlier offset.
    pub fn to_utc(&self) -> Option<time::OffsetDateTime> {
        let civil: jiff::civil::DateTime = self.at.parse().ok()?;
        let zone = jiff::tz::TimeZone::get(&self.timezone).ok()?;
        let instant = zone
            .to_ambiguous_zoned(civil)
            .compatible()
            .ok()?
            .timestamp();
        time::OffsetDateTime::from_unix_timestamp(instant.as_second()).ok()
    }

    /// The same instant as local time in IANA zone `zone` (`YYYY-MM-DD HH:MM`): `None` when either zone is unknown
    /// or the text is not a local time.
    pub fn in_zone(&self, zone: &str) -> Option<String> {
        let civil: jiff::civil::DateTime = self.at.parse().ok()?;
        let from = jiff::tz::TimeZone::get(&self.timezone).ok()?;
        let to = jiff::tz::TimeZone::get(zone).ok()?;
        let there = from
            .to_ambiguous_zoned(civil)
            .compatible()
            .ok()?
            .with_time_zone(to);
        Some(there.strftime("%Y-%m-%d %H:%M").to_string())
    }
}

/// What a project needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectNeeds {
    /// Capital sought.
    pub capital: Option<Money>,
    /// Technology sought, in a few words.
    pub technology: Option<String>,
    /// Partners sought, in a few words.
    pub partners: Option<String>,
}

/// The details that depend on an entry's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Details {
    /// A case study.
    Practice {
        /// Indicators moved, with values before and after.
        #[serde(default)]
        evidence: Vec<Evidence>,
        /// The outcome as its source reports it, quoted with its year.
        #[serde(default)]
        outcome: Option<String>,
    },
    /// Research, an achievement or a joint call.
    Innovation {
        /// Which.
        innovation_kind: InnovationKind,
        /// Energy topics.
        #[serde(default)]
        energy: BTreeSet<EnergyTag>,
        /// A joint call's closing date (`YYYY-MM-DD`).
        #[serde(default)]
        deadline: Option<String>,
    },
    /// A solution on offer.
    Solution {
        /// The provider organisation's name.
        provider: String,
        /// How far it has come.
        maturity: Maturity,
        /// Cities where it is deployed.
        #[serde(default)]
        deployed_in: Vec<CityId>,
        /// Standards it complies with.
        #[serde(default)]
        standards: Vec<StandardId>,
    },
    /// A city-led project.
    Project {
        /// Its stage.
        stage: ProjectStage,
        /// What it needs.
        #[serde(default)]
        needs: ProjectNeeds,
        /// The preparation criteria it meets.
        #[serde(default)]
        readiness: BTreeSet<Readiness>,
    },
    /// A funding opportunity.
    Funding {
        /// The funder's name.
        funder: String,
        /// The instrument.
        instrument: Instrument,
        /// Smallest amount given.
        amount_min: Option<Money>,
        /// Largest amount given.
        amount_max: Option<Money>,
        /// ISO 3166-1 codes of eligible countries; empty for any.
        #[serde(default)]
        countries: Vec<String>,
        /// Eligible sectors, in a few words each.
        #[serde(default)]
        sectors: Vec<String>,
        /// The closing date (`YYYY-MM-DD`).
        deadline: Option<String>,
    },
    /// A training programme.
    Training {
        /// The provider's name.
        provider: String,
        /// The topic.
        topic: String,
        /// How it is given.
        format: TrainingFormat,
        /// The language it is taught in.
        language: ContentLanguage,
        /// When it starts.
        starts: LocalTime,
        /// When it ends.
        ends: LocalTime,
        /// Seats; enrolment beyond them goes to a waiting list.
        seats: u32,
    },
    /// An event.
    Event {
        /// What it is.
        event_kind: EventKind,
        /// When it starts.
        starts: LocalTime,
        /// When it ends.
        ends: LocalTime,
        /// Where, in a few words.
        #[serde(default)]
        place: Option<String>,
    },
}

impl Details {
    /// The kind these details belong to.
    pub fn kind(&self) -> EntryKind {
        match self {
            Details::Practice { .. } => EntryKind::Practice,
            Details::Innovation { .. } => EntryKind::Innovation,
            Details::Solution { .. } => EntryKind::Solution,
            Details::Project { .. } => EntryKind::Project,
            Details::Funding { .. } => EntryKind::Funding,
            Details::Training { .. } => EntryKind::Training,
            Details::Event { .. } => EntryKind::Event,
        }
    }
}

/// An entry of the knowledge exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    /// Its id.
    pub id: EntryId,
    /// Its text, one per language; exactly one is the original.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub texts: Vec<EntryText>,
    /// Cities it concerns.
    #[serde(default)]
    pub cities: Vec<CityId>,
    /// Organisations it names, as they are called.
    #[serde(default)]
    pub organisations: Vec<String>,
    /// The statement's challenges it addresses.
    #[serde(default)]
    pub challenges: BTreeSet<Challenge>,
    /// ASCN focus areas (ids of the shipped focus areas).
    #[serde(default)]
    pub focus_areas: BTreeSet<String>,
    /// UN Sustainable Development Goals, 1 to 17.
    #[serde(default)]
    pub sdgs: BTreeSet<u8>,
    /// Indicators it relates to.
    #[serde(default)]
    pub indicators: Vec<IndicatorId>,
    /// Free topic tags (`transport`, `e-government`).
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// First year it covers.
    #[cfg_attr(feature = "openapi", schema(minimum = 1900, maximum = 2100))]
    pub year_from: Option<i32>,
    /// Last year it covers, if it has ended or the sources stop there; not before `year_from`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1900, maximum = 2100))]
    pub year_to: Option<i32>,
    /// Where its facts come from.
    #[serde(default)]
    pub sources: Vec<SourceLink>,
    /// Shown as an example: demonstration content, not a current offer, call or date. An example without sources
    /// was made up for the demonstration; one with sources was taken from them, each with the date it was read.
    #[serde(default)]
    pub example: bool,
    /// The details of its kind.
    pub details: Details,
}

fn check_text(field: &str, value: &str, max: usize, required: bool) -> Result<(), ValidationError> {
    let chars = value.chars().count();
    if required && value.trim().is_empty() {
        return Err(ValidationError::new(field, Reason::required()));
    }
    if chars > max {
        return Err(ValidationError::new(
            field,
            Reason::too_long_was(chars, max),
        ));
    }
    crate::text::check_chars(field, value, true)
}

fn check_year(field: &str, year: i32) -> Result<(), ValidationError> {
    if (1900..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Reason::year_between(year, 1900, 2100),
        ))
    }
}

/// Reads a day written `YYYY-MM-DD`, as entries, filters and files give dates.
pub fn parse_day(raw: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw, &format).ok()
}

fn check_date(field: &str, date: &str) -> Result<(), ValidationError> {
    parse_day(date)
        .map(|_| ())
        .ok_or_else(|| ValidationError::new(field, Reason::not_a_date(clip(date))))
}

/// A retrieval date: a day (`2026-12-03`), or a month (`2026-11`) where only the month was recorded.
fn check_retrieved(field: &str, date: &str) -> Result<(), ValidationError> {
    let a_month = date.len() == 7 && parse_day(&format!("{date}-01")).is_some();
    if a_month || parse_day(date).is_some() {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Reason::not_a_date_or_month(clip(date)),
        ))
    }
}

fn check_local_time(
    field: &str,
    time: &LocalTime,
) -> Result<time::PrimitiveDateTime, ValidationError> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let at = time::PrimitiveDateTime::parse(&time.at, &format)
        .map_err(|_| ValidationError::new(field, Reason::not_a_local_time(clip(&time.at))))?;
    if jiff::tz::TimeZone::get(&time.timezone).is_err() {
        return Err(ValidationError::new(
            format!("{field}.timezone"),
            Reason::not_a_time_zone(clip(&time.timezone)),
        ));
    }
    Ok(at)
}

fn check_money(field: &str, money: &Money) -> Result<(), ValidationError> {
    if !money.amount.is_finite() || money.amount < 0.0 {
        return Err(ValidationError::new(field, Reason::negative()));
    }
    if !(money.currency.len() == 3 && money.currency.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(ValidationError::new(
            format!("{field}.currency"),
            Reason::not_a_currency(clip(&money.currency)),
        ));
    }
    Ok(())
}

fn check_url(field: &str, url: &str) -> Result<(), ValidationError> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2_000
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Reason::not_a_web_address(clip(url)),
        ))
    }
}

impl Entry {
    /// The entry's kind.
    pub fn kind(&self) -> EntryKind {
        self.details.kind()
    }

    /// The text in `lang`, if the entry has one.
    pub fn text(&self, lang: ContentLanguage) -> Option<&EntryText> {
        self.texts.iter().find(|t| t.lang == lang)
    }

    /// The text to show a reader of `lang`: that language's, else the original.
    pub fn text_for(&self, lang: ContentLanguage) -> &EntryText {
        self.text(lang)
            .or_else(|| self.texts.iter().find(|t| t.origin == TextOrigin::Original))
            .unwrap_or(&self.texts[0])
    }

    /// Checks every rule an entry must meet; the error names the field (`texts[1].title`).
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.texts.is_empty() {
            return Err(ValidationError::new("texts", Reason::texts_required()));
        }
        let mut langs = BTreeSet::new();
        for (i, text) in self.texts.iter().enumerate() {
            if !langs.insert(text.lang) {
                return Err(ValidationError::new(
                    format!("texts[{i}].lang"),
                    Reason::given_twice(text.lang),
                ));
            }
            check_text(&format!("texts[{i}].title"), &text.title, MAX_TITLE, true)?;
            check_text(
                &format!("texts[{i}].summary"),
                &text.summary,
                MAX_SUMMARY,
                true,
            )?;
            check_text(&format!("texts[{i}].body"), &text.body, MAX_BODY, false)?;
        }
        let originals = self
            .texts
            .iter()
            .filter(|t| t.origin == TextOrigin::Original)
            .count();
        if originals != 1 {
            return Err(ValidationError::new(
                "texts",
                Reason::one_original(originals),
            ));
        }
        let mut cities = BTreeSet::new();
        for (i, city) in self.cities.iter().enumerate() {
            if !cities.insert(city) {
                return Err(ValidationError::new(
                    format!("cities[{i}]"),
                    Reason::given_twice(city),
                ));
            }
        }
        for (i, org) in self.organisations.iter().enumerate() {
            check_text(&format!("organisations[{i}]"), org, MAX_TITLE, true)?;
        }
        if let Some(sdg) = self.sdgs.iter().find(|&&g| !(1..=17).contains(&g)) {
            return Err(ValidationError::new("sdgs", Reason::not_an_sdg(sdg)));
        }
        for tag in &self.tags {
            let ok = !tag.is_empty()
                && tag.len() <= 50
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(ValidationError::new("tags", Reason::not_a_tag(clip(tag))));
            }
        }
        if let Some(from) = self.year_from {
            check_year("year_from", from)?;
        }
        if let Some(to) = self.year_to {
            check_year("year_to", to)?;
            if self.year_from.is_some_and(|from| from > to) {
                return Err(ValidationError::new("year_to", Reason::before("year_from")));
            }
        }
        for (i, source) in self.sources.iter().enumerate() {
            check_text(&format!("sources[{i}].title"), &source.title, 1_000, true)?;
            if let Some(url) = &source.url {
                check_url(&format!("sources[{i}].url"), url)?;
            }
            if let Some(retrieved) = &source.retrieved {
                check_retrieved(&format!("sources[{i}].retrieved"), retrieved)?;
            }
        }
        self.validate_details()
    }

    fn validate_details(&self) -> Result<(), ValidationError> {
        match &self.details {
            Details::Practice { evidence, outcome } => {
                for (i, e) in evidence.iter().enumerate() {
                    check_year(&format!("evidence[{i}].before.year"), e.before.year)?;
                    check_year(&format!("evidence[{i}].after.year"), e.after.year)?;
                    if e.after.year < e.before.year {
                        return Err(ValidationError::new(
                            format!("evidence[{i}].after.year"),
                            Reason::before("before.year"),
                        ));
                    }
                    if !(e.before.value.is_finite() && e.after.value.is_finite()) {
                        return Err(ValidationError::new(
                            format!("evidence[{i}]"),
                            Reason::not_numbers(),
                        ));
                    }
                }
                if let Some(outcome) = outcome {
                    check_text("outcome", outcome, MAX_SUMMARY, false)?;
                }
            }
            Details::Innovation { deadline, .. } => {
                if let Some(deadline) = deadline {
                    check_date("deadline", deadline)?;
                }
            }
            Details::Solution { provider, .. } => {
                check_text("provider", provider, MAX_TITLE, true)?
            }
            Details::Project { needs, .. } => {
                if let Some(capital) = &needs.capital {
                    check_money("needs.capital", capital)?;
                }
                for (field, text) in [
                    ("needs.technology", &needs.technology),
                    ("needs.partners", &needs.partners),
                ] {
                    if let Some(text) = text {
                        check_text(field, text, MAX_SUMMARY, false)?;
                    }
                }
            }
            Details::Funding {
                funder,
                amount_min,
                amount_max,
                countries,
                sectors,
                deadline,
                ..
            } => {
                check_text("funder", funder, MAX_TITLE, true)?;
                if let Some(min) = amount_min {
                    check_money("amount_min", min)?;
                }
                if let Some(max) = amount_max {
                    check_money("amount_max", max)?;
                }
                if let (Some(min), Some(max)) = (amount_min, amount_max) {
                    if min.currency != max.currency {
                        return Err(ValidationError::new(
                            "amount_max.currency",
                            Reason::other_currency("amount_min"),
                        ));
                    }
                    if min.amount > max.amount {
                        return Err(ValidationError::new(
                            "amount_max",
                            Reason::below("amount_min"),
                        ));
                    }
                }
                for country in countries {
                    crate::CountryCode::parse(country).map_err(|e| e.at("countries"))?;
                }
                for (i, sector) in sectors.iter().enumerate() {
                    check_text(&format!("sectors[{i}]"), sector, MAX_TITLE, true)?;
                }
                if let Some(deadline) = deadline {
                    check_date("deadline", deadline)?;
                }
            }
            Details::Training {
                provider,
                topic,
                starts,
                ends,
                seats,
                ..
            } => {
                check_text("provider", provider, MAX_TITLE, true)?;
                check_text("topic", topic, MAX_TITLE, true)?;
                let (from, to) = (
                    check_local_time("starts", starts)?,
                    check_local_time("ends", ends)?,
                );
                if starts.timezone == ends.timezone && to < from {
                    return Err(ValidationError::new("ends", Reason::before("starts")));
                }
                if *seats == 0 {
                    return Err(ValidationError::new("seats", Reason::at_least(1)));
                }
            }
            Details::Event {
                starts,
                ends,
                place,
                ..
            } => {
                let (from, to) = (
                    check_local_time("starts", starts)?,
                    check_local_time("ends", ends)?,
                );
                if starts.timezone == ends.timezone && to < from {
                    return Err(ValidationError::new("ends", Reason::before("starts")));
                }
                if let Some(place) = place {
                    check_text("place", place, MAX_TITLE, false)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice() -> Entry {
        Entry {
            id: EntryId::parse("bangkok-flood-tunnels").expect("id"),
            texts: vec![EntryText {
                lang: ContentLanguage::En,
                origin: TextOrigin::Original,
                title: "Flood tunnels".into(),
                summary: "Tunnels drain the canals.".into(),
                body: String::new(),
            }],
            cities: vec![CityId::parse("bangkok").expect("city")],
            organisations: vec!["Bangkok Metropolitan Administration".into()],
            challenges: [Challenge::WaterPollution].into(),
            focus_areas: BTreeSet::new(),
            sdgs: [11].into(),
            indicators: Vec::new(),
            tags: ["water-flood".to_string()].into(),
            year_from: Some(2010),
            year_to: Some(2020),
            sources: vec![SourceLink {
                title: "BMA".into(),
                url: Some("https://www.bangkok.go.th/".into()),
                retrieved: None,
            }],
            example: false,
            details: Details::Practice {
                evidence: Vec::new(),
                outcome: None,
            },
        }
    }

    fn refused(entry: Entry) -> String {
        entry.validate().expect_err("refused").field
    }

    #[test]
    fn a_complete_entry_is_accepted_and_survives_json() {
        let entry = practice();
        entry.validate().expect("valid");
        let json = serde_json::to_string(&entry).expect("json");
        assert_eq!(serde_json::from_str::<Entry>(&json).expect("back"), entry);
        assert_eq!(entry.kind(), EntryKind::Practice);
    }

    #[test]
    fn texts_need_one_original_a_title_and_each_language_once() {
        let mut e = practice();
        e.texts.clear();
        assert_eq!(refused(e), "texts");
        let mut e = practice();
        e.texts[0].title = "  ".into();
        assert_eq!(refused(e), "texts[0].title");
        let mut e = practice();
        e.texts[0].title = "x".repeat(MAX_TITLE + 1);
        assert_eq!(refused(e), "texts[0].title");
        let mut e = practice();
        e.texts.push(e.texts[0].clone());
        assert_eq!(refused(e), "texts[1].lang");
        let mut e = practice();
        e.texts[0].origin = TextOrigin::MachineTranslation;
        assert_eq!(refused(e), "texts");
        let mut e = practice();
        e.texts[0].summary = "bell \u{7}".into();
        assert_eq!(refused(e), "texts[0].summary");
    }

    #[test]
    fn header_values_are_checked() {
        let mut e = practice();
        e.cities.push(e.cities[0].clone());
        assert_eq!(refused(e), "cities[1]");
        let mut e = practice();
        e.sdgs.insert(18);
        assert_eq!(refused(e), "sdgs");
        let mut e = practice();
        e.year_from = Some(2030);
        assert_eq!(refused(e), "year_to");
        let mut e = practice();
        e.year_from = Some(1200);
        assert_eq!(refused(e), "year_from");
        let mut e = practice();
        e.sources[0].url = Some("javascript:alert(1)".into());
        assert_eq!(refused(e), "sources[0].url");
        let mut e = practice();
        e.tags.insert("Not A Tag".into());
        assert_eq!(refused(e), "tags");
        for (retrieved, accepted) in [
            ("2026-12-03", true),
            ("2026-11", true),
            ("2026-13", false),
            ("2026-11-31", false),
            ("Nov 2026", false),
        ] {
            let mut e = practice();
            e.sources[0].retrieved = Some(retrieved.into());
            assert_eq!(e.validate().is_ok(), accepted, "{retrieved}");
        }
    }

    #[test]
    fn details_of_each_kind_are_checked() {
        let time = |at: &str, tz: &str| LocalTime {
            at: at.into(),
            timezone: tz.into(),
        };
        let mut e = practice();
        e.details = Details::Event {
            event_kind: EventKind::Workshop,
            starts: time("2026-03-02T09:00", "Asia/Bangkok"),
            ends: time("2026-03-01T17:00", "Asia/Bangkok"),
            place: None,
        };
        assert_eq!(refused(e.clone()), "ends");
        e.details = Details::Event {
            event_kind: EventKind::Workshop,
            starts: time("2026-03-02 09:00", "Asia/Bangkok"),
            ends: time("2026-03-02T17:00", "Asia/Bangkok"),
            place: None,
        };
        assert_eq!(refused(e.clone()), "starts");
        e.details = Details::Event {
            event_kind: EventKind::Workshop,
            starts: time("2026-03-02T09:00", "Bangkok time"),
            ends: time("2026-03-02T17:00", "Asia/Bangkok"),
            place: None,
        };
        assert_eq!(refused(e.clone()), "starts.timezone");
        e.details = Details::Training {
            provider: "CDIA".into(),
            topic: "Project preparation".into(),
            format: TrainingFormat::Online,
            language: ContentLanguage::En,
            starts: time("2026-03-02T09:00", "Asia/Manila"),
            ends: time("2026-03-02T12:00", "Asia/Manila"),
            seats: 0,
        };
        assert_eq!(refused(e.clone()), "seats");
        let money = |amount: f64, currency: &str| {
            Some(Money {
                amount,
                currency: currency.into(),
            })
        };
        e.details = Details::Funding {
            funder: "ADB".into(),
            instrument: Instrument::Loan,
            amount_min: money(5.0, "USD"),
            amount_max: money(1.0, "USD"),
            countries: vec!["TH".into()],
            sectors: Vec::new(),
            deadline: None,
        };
        assert_eq!(refused(e.clone()), "amount_max");
        e.details = Details::Funding {
            funder: "ADB".into(),
            instrument: Instrument::Grant,
            amount_min: money(1.0, "usd"),
            amount_max: None,
            countries: Vec::new(),
            sectors: Vec::new(),
            deadline: Some("2026-02-30".into()),
        };
        assert_eq!(refused(e.clone()), "amount_min.currency");
        e.details = Details::Project {
            stage: ProjectStage::Feasibility,
            needs: ProjectNeeds {
                capital: money(-1.0, "THB"),
                technology: None,
                partners: None,
            },
            readiness: BTreeSet::new(),
        };
        assert_eq!(refused(e.clone()), "needs.capital");
        e.details = Details::Solution {
            provider: String::new(),
            maturity: Maturity::Pilot,
            deployed_in: Vec::new(),
            standards: Vec::new(),
        };
        assert_eq!(refused(e), "provider");
    }

    #[test]
    fn local_times_show_in_another_zone() {
        let bangkok = LocalTime {
            at: "2026-10-01T09:30".into(),
            timezone: "Asia/Bangkok".into(),
        };
        assert_eq!(
            bangkok.in_zone("Asia/Shanghai").as_deref(),
            Some("2026-10-01 10:30")
        );
        assert_eq!(bangkok.in_zone("UTC").as_deref(), Some("2026-10-01 02:30"));
        assert_eq!(bangkok.in_zone("Mars/Olympus"), None);
    }

    #[test]
    fn local_times_convert_to_utc_in_their_zone() {
        let bangkok = LocalTime {
            at: "2026-03-02T09:00".into(),
            timezone: "Asia/Bangkok".into(),
        };
        let utc = bangkok.to_utc().expect("utc");
        assert_eq!(
            (utc.hour(), utc.day()),
            (2, 2),
            "Bangkok is seven hours ahead of UTC"
        );
        let unknown = LocalTime {
            at: "2026-03-02T09:00".into(),
            timezone: "Asia/Atlantis".into(),
        };
        assert_eq!(unknown.to_utc(), None);
    }

    #[test]
    fn tags_parse_case_insensitively_and_name_the_accepted_values() {
        assert_eq!(
            EntryKind::parse("Practice").expect("kind"),
            EntryKind::Practice
        );
        assert_eq!(
            ContentLanguage::parse("zh-hans").expect("lang"),
            ContentLanguage::ZhHans
        );
        let err = Challenge::parse("smog").expect_err("refused");
        assert!(
            err.reason.to_string().contains("air-pollution"),
            "{}",
            err.reason
        );
        assert!(EntryId::parse("Bad Id").is_err());
    }
}
