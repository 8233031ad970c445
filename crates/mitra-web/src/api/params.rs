//! The schemas of the API's parameters, as exact as the parsers behind them: ids carry the pattern their parser
//! accepts, numbers their bounds, closed sets their values, each taken from the domain rather than written twice.
//! Handlers name them inline (`("id" = inline(params::Slug), Path)`, `#[param(value_type = Option<params::Year>,
//! inline)]`). It documents; it must not parse.

use mitra_domain::city::Network;
use mitra_domain::entry::{Challenge, Instrument, Maturity, ProjectStage, Readiness};
use mitra_domain::ids::{INDICATOR_ID_PATTERN, MAX_ID_LEN, SLUG_PATTERN, UUID_PATTERN};
use mitra_domain::observation::ObservationStatus;
use mitra_domain::observation::YEARS;
use mitra_domain::opportunity::Sort;
use mitra_domain::page::{CURSOR_PATTERN, MAX_LIMIT};
use mitra_domain::partnership::{Origin, PartnershipKind, PartnershipStatus};
use mitra_domain::peers::Grouping;
use mitra_domain::text::{REFUSED_ONE_LINE, text_pattern};
use mitra_domain::{ContentLanguage, EntryKind, Language};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

/// Declares a parameter schema: a type that stands for it in the annotations.
macro_rules! param {
    ($($(#[$doc:meta])* $name:ident = $schema:expr;)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let schema: ObjectBuilder = $schema;
                schema.into()
            }
        }

        impl utoipa::ToSchema for $name {}
    )+};
}

fn text(pattern: &str, max_length: usize, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .max_length(Some(max_length))
        .examples([example])
}

/// Text as people type it (see [`mitra_domain::text::check_chars`]), of at most `max_length` characters; with
/// `required`, saying something once trimmed.
fn typed(max_length: usize, multiline: bool, required: bool) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(max_length))
        .pattern(Some(text_pattern(multiline, required)))
}

/// 1 to `max_length` characters, not only spaces: text that is trimmed and must not be empty.
fn not_blank(max_length: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max_length))
        .pattern(Some("\\S"))
}

fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().collect::<Vec<_>>()))
}

/// A count as a schema bound.
fn count(n: usize) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

fn whole(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min))
        .maximum(Some(max))
}

param! {
    /// A slug id: a city, a standard, an entry (`kuala-lumpur`, `iso37120-2014`).
    Slug = text(SLUG_PATTERN, MAX_ID_LEN, "kuala-lumpur");
    /// An id Mitra made: a partnership, an organisation, an expression of interest, a token.
    Uuid = text(UUID_PATTERN, 36, "01936f3e-8a4b-7c2d-9e1f-2a3b4c5d6e7f");
    /// An indicator id, `<standard>:<code>`.
    IndicatorId = text(INDICATOR_ID_PATTERN, MAX_ID_LEN, "iso37120-2014:8.1");
    /// The `next_cursor` of the previous page.
    Cursor = text(CURSOR_PATTERN, 402, "k16b75616c612d6c756d707572");
    /// The SHA-256 of a file, in lower-case hex.
    Sha256 = text("^[0-9a-f]{64}$", 64, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    /// Items per page of a cursor-paged list.
    PageLimit = whole(1, i64::from(MAX_LIMIT));
    /// Hits to skip in a search.
    SearchOffset = whole(0, count(mitra_service::MAX_SEARCH_OFFSET));
    /// Hits per page of a search.
    SearchLimit = whole(1, count(mitra_service::MAX_SEARCH_LIMIT));
    /// Partnerships per page.
    PartnershipLimit = whole(1, i64::from(mitra_service::MAX_PARTNERSHIP_PAGE))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)));
    /// Partnerships to skip.
    PartnershipOffset = whole(0, super::partnerships::MAX_OFFSET.try_into().unwrap_or(i64::MAX))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)));
    /// A year Mitra holds values for.
    Year = whole(i64::from(*YEARS.start()), i64::from(*YEARS.end()));
    /// A language entries are written in, or a tag of the interface's languages (`zh`, `th-TH`).
    ContentLang = one_of(
        ContentLanguage::ALL
            .iter()
            .map(|l| l.tag())
            .chain(Language::ALL.iter().map(|l| l.tag())),
    );
    /// An ISO 3166-1 alpha-2 country code, in either case.
    Country = text("^[A-Za-z]{2}$", 2, "TH");
    /// A network of cities, or `ascn` for both cohorts of the ASEAN Smart Cities Network.
    NetworkFilter = one_of(std::iter::once("ascn").chain(Network::ALL.iter().map(|n| n.as_str())));
    /// What an entry is.
    Kind = one_of(EntryKind::ALL.iter().map(|k| k.tag()));
    /// A language of the interface (`en`, `zh-Hans`, `th`…).
    InterfaceLang = one_of(Language::ALL.iter().map(|l| l.tag()));
    /// An ASCN focus area id (`built_infrastructure`).
    FocusArea = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(mitra_service::shipped_focus_areas()));
    /// One of the urban challenges the Leaders' Statement names.
    ChallengeTag = one_of(Challenge::ALL.iter().map(|c| c.tag()));
    /// A day, `YYYY-MM-DD`.
    Day = ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
    /// The peer groups: `region`, `country`, `band` (of population) or `tier` (of development).
    GroupBy = one_of(Grouping::ALL.iter().map(|g| g.as_str()));
    /// Where an observation stands in review.
    ObservationStatusTag = one_of(ObservationStatus::ALL.iter().map(|s| s.as_str()));
    /// The kinds of entry that are opportunities.
    OpportunityKind = one_of(mitra_domain::opportunity::KINDS.iter().map(|k| k.tag()));
    /// A project's stage.
    Stage = one_of(ProjectStage::ALL.iter().map(|s| s.tag()));
    /// A solution's maturity.
    MaturityTag = one_of(Maturity::ALL.iter().map(|m| m.tag()));
    /// A funding call's instrument.
    InstrumentTag = one_of(Instrument::ALL.iter().map(|i| i.tag()));
    /// What a project has ready.
    ReadinessTag = one_of(Readiness::ALL.iter().map(|r| r.tag()));
    /// The order of opportunities.
    SortTag = one_of(Sort::ALL.iter().map(|s| s.tag()));
    /// Where a partnership stands.
    PartnershipStatusTag = one_of(PartnershipStatus::ALL.iter().map(|s| s.as_str()));
    /// What kind of tie a partnership is.
    PartnershipKindTag = one_of(PartnershipKind::ALL.iter().map(|k| k.as_str()));
    /// How Mitra knows of a partnership.
    OriginTag = one_of(Origin::ALL.iter().map(|o| o.as_str()));
    /// `true` (or `1`) to check only, `false` (or `0`, the default) to write.
    DryRun = one_of(["true", "false", "1", "0"]);
    /// A standard Mitra has a conformity scheme for.
    AssessableStandard = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(mitra_service::assessable_standards()));
    /// What a party does to an expression of interest.
    DecisionTag = one_of(mitra_domain::interest::Decision::ALL.iter().map(|d| d.as_str()));
    /// What a city's government does to a partnership.
    ActionTag = one_of(mitra_domain::partnership::Action::ALL.iter().map(|a| a.as_str()));
    /// How often notifications are mailed.
    MailTag = one_of(mitra_domain::interest::MailFrequency::ALL.iter().map(|m| m.as_str()));
    /// What a token may do.
    ScopeTag = one_of(mitra_domain::account::TokenScope::ALL.iter().map(|s| s.as_str()));
    /// What an organisation is.
    OrgKindTag = one_of(mitra_domain::account::OrgKind::ALL.iter().map(|k| k.as_str()));
    /// How two indicators of a crosswalk relate.
    RelationTag = one_of(mitra_domain::standard::Relation::ALL.iter().map(|r| r.as_str()));
    /// Where a crosswalk pair comes from.
    BasisTag = one_of(mitra_domain::standard::Basis::ALL.iter().map(|b| b.as_str()));
    /// Text a person reads, which must say something: 1 to 2000 characters, not only spaces.
    Said = not_blank(2000);
    /// A name: 1 to 100 characters, not only spaces.
    Name = not_blank(100);
    /// A message: 1 to 4000 characters that say something, in lines, without control characters other than line
    /// breaks and tabs.
    Message = typed(mitra_domain::interest::MAX_MESSAGE, true, true).min_length(Some(1));
    /// A development tier of the shipped tier file.
    TierTag = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(mitra_service::tier_ids()));
    /// The role of a member of an organisation.
    MemberRoleTag = one_of(mitra_domain::account::MemberRole::ALL.iter().map(|r| r.as_str()));
    /// An e-mail address as Mitra takes one: `local@domain.tld`, lower-case, without spaces; a subset of what it
    /// takes, enough to invite anyone.
    Email = text("^[a-z0-9._+-]{1,64}@[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63}){1,4}$", 254, "someone@example.org");
    /// An organisation's English name: one line of at most 200 characters, with a letter or digit of the Latin
    /// alphabet, which its id is made from.
    OrgName = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(200))
        .pattern(Some(format!(
            "^[^{REFUSED_ONE_LINE}]*[A-Za-z0-9][^{REFUSED_ONE_LINE}]*$"
        )));
    /// One line of at most 200 characters.
    Line200 = typed(200, false, false);
    /// Text of at most 5000 characters, in lines.
    Text5000 = typed(5000, true, false);
    /// An `https://` address of at most 300 characters, without spaces.
    Website = text(
        &format!("^https://[^\\s{REFUSED_ONE_LINE}]{{4,292}}$"),
        300,
        "https://www.example.org",
    );
    /// A file's name: 1 to 200 characters, without `/`, `\\`, `"` or control characters, and not only dots and
    /// spaces.
    FileName = text(
        "^[^\\x00-\\x1f\\x7f-\\x9f/\\\\\"]*[^\\s.\\x00-\\x1f\\x7f-\\x9f/\\\\\"][^\\x00-\\x1f\\x7f-\\x9f/\\\\\"]*$",
        200,
        "report.pdf",
    );
    /// A title of at most 200 characters that says something, in lines.
    Title = typed(200, true, true);
    /// Whether peer figures use only verified values (the default) or every value not rejected.
    Values = one_of(mitra_service::Values::ALL.iter().map(|v| v.as_str()));
    /// Which pairs of cities are proposed: `asean-china` (the default) or `any`.
    Pairs = one_of(["asean-china", "any"]);
    /// The `next_cursor` of the previous page of observations (whose keys are numbers).
    ObservationCursor = text("^k1(3[0-9]){1,19}$", 40, "k131323334");
    /// `json` (the default) or `csv`.
    Format = one_of(["json", "csv"]);
}

#[cfg(test)]
mod tests {
    use mitra_domain::entry::{MAX_BODY, MAX_SUMMARY, MAX_TITLE};
    use mitra_domain::observation::YEARS;
    use mitra_domain::text::text_pattern;

    /// The entry's texts and years are described by literals in their `schema` attributes: they must say what the
    /// domain checks.
    #[test]
    fn the_documented_entry_texts_follow_the_domain_rules() {
        let text =
            &crate::api::openapi::document()["components"]["schemas"]["EntryText"]["properties"];
        for (field, max, required) in [
            ("title", MAX_TITLE, true),
            ("summary", MAX_SUMMARY, true),
            ("body", MAX_BODY, false),
        ] {
            assert_eq!(text[field]["maxLength"], max, "{field}");
            assert_eq!(
                text[field]["pattern"],
                text_pattern(true, required),
                "{field}"
            );
        }
        let entry =
            &crate::api::openapi::document()["components"]["schemas"]["Entry"]["properties"];
        for field in ["year_from", "year_to"] {
            assert_eq!(entry[field]["minimum"], *YEARS.start(), "{field}");
            assert_eq!(entry[field]["maximum"], *YEARS.end(), "{field}");
        }
    }
}
