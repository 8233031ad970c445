//! Opportunities: the projects that seek capital, technology or partners, the solutions on offer and the funding
//! calls, listed together with the filters their users ask for. [`OpportunityQuery`] is such a listing, parsed once
//! from a query string; [`OpportunityFacts`] is what it is decided on for one entry — the entry, the countries of its
//! cities and its amounts in US dollars (converted by the caller at a stated rate; `None` when no rate exists).

use std::collections::BTreeSet;

use time::Date;

use crate::entry::{
    Challenge, Details, Entry, EntryKind, Instrument, Maturity, ProjectStage, Readiness,
};
use crate::ids::clip;
use crate::{CityId, CountryCode, Reason, ValidationError};

/// The kinds an opportunities listing shows.
pub const KINDS: [EntryKind; 3] = [EntryKind::Project, EntryKind::Solution, EntryKind::Funding];

/// Longest filter value, in bytes.
const MAX_VALUE: usize = 100;
/// Most values one filter takes.
/// The filters of the opportunity listing, as the message about an unknown one lists them.
const FILTERS: &str = "kind, stage, maturity, instrument, readiness, focus_area, challenge, country, city, min_usd, max_usd, open, closing_by, sort, page, per_page";

const MAX_VALUES: usize = 50;
/// Opportunities on a page when the caller does not say.
pub const DEFAULT_PER_PAGE: usize = 20;
/// Most opportunities on a page.
pub const MAX_PER_PAGE: usize = 100;
/// Highest page number.
pub const MAX_PAGE: usize = 10_000;

/// The order of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Most recently changed first.
    #[default]
    Newest,
    /// Soonest deadline first; those without one last.
    Deadline,
    /// Largest amount in US dollars first (a project's capital sought, a call's largest award); unknown last.
    Amount,
    /// By title in the reader's language.
    Title,
}

impl Sort {
    /// Every order, as forms list them.
    pub const ALL: [Sort; 4] = [Sort::Newest, Sort::Deadline, Sort::Amount, Sort::Title];

    /// Its tag in addresses.
    pub fn tag(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Deadline => "deadline",
            Sort::Amount => "amount",
            Sort::Title => "title",
        }
    }

    fn parse(raw: &str) -> Result<Self, ValidationError> {
        Sort::ALL
            .into_iter()
            .find(|s| s.tag().eq_ignore_ascii_case(raw.trim()))
            .ok_or_else(|| {
                ValidationError::new(
                    "sort",
                    Reason::not_one_of(clip(raw), "newest, deadline, amount, title"),
                )
            })
    }
}

/// What a listing is decided on for one entry.
#[derive(Debug, Clone, Copy)]
pub struct OpportunityFacts<'a> {
    /// The entry.
    pub entry: &'a Entry,
    /// The countries of its cities (and, for a funding call, nothing more: its eligible countries are in its details).
    pub countries: &'a BTreeSet<CountryCode>,
    /// The smallest amount in US dollars: a project's capital sought, a call's smallest award.
    pub usd_min: Option<f64>,
    /// The largest: a project's capital sought again, a call's largest award.
    pub usd_max: Option<f64>,
}

impl OpportunityFacts<'_> {
    /// Its deadline, for a funding call or a joint call that states one.
    pub fn deadline(&self) -> Option<Date> {
        match &self.entry.details {
            Details::Funding { deadline, .. } | Details::Innovation { deadline, .. } => {
                deadline.as_deref().and_then(crate::entry::parse_day)
            }
            _ => None,
        }
    }

    /// Whether it has an amount at all, converted or not.
    pub fn has_amount(&self) -> bool {
        match &self.entry.details {
            Details::Project { needs, .. } => needs.capital.is_some(),
            Details::Funding {
                amount_min,
                amount_max,
                ..
            } => amount_min.is_some() || amount_max.is_some(),
            _ => false,
        }
    }
}

/// A checked opportunities listing: every value in bounds and of a known kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpportunityQuery {
    /// Kinds shown; empty for all three.
    pub kinds: BTreeSet<EntryKind>,
    /// Project stages; empty for any.
    pub stages: BTreeSet<ProjectStage>,
    /// Solution maturities; empty for any.
    pub maturities: BTreeSet<Maturity>,
    /// Funding instruments; empty for any.
    pub instruments: BTreeSet<Instrument>,
    /// Readiness a project must have, all of it.
    pub readiness: BTreeSet<Readiness>,
    /// Focus areas, any of them.
    pub focus_areas: BTreeSet<String>,
    /// Challenges, any of them.
    pub challenges: BTreeSet<Challenge>,
    /// Countries, any of them: an entry's cities' countries, and a call's eligible countries (a call open to all
    /// countries is open to each).
    pub countries: BTreeSet<CountryCode>,
    /// Cities, any of them.
    pub cities: BTreeSet<CityId>,
    /// Least amount in US dollars: a project seeking at least this, a call giving at least this.
    pub min_usd: Option<f64>,
    /// Most amount in US dollars: a project seeking at most this, a call whose smallest award is at most this.
    pub max_usd: Option<f64>,
    /// Only calls still open: a deadline on or after today, or none stated (rolling).
    pub open_only: bool,
    /// Only calls closing on or before this date.
    pub closing_by: Option<Date>,
    /// The order.
    pub sort: Sort,
    /// 1-based page.
    pub page: usize,
    /// Opportunities per page.
    pub per_page: usize,
}

impl OpportunityQuery {
    /// Reads a listing from query-string pairs: `kind`, `stage`, `maturity`, `instrument`, `readiness`, `focus_area`,
    /// `challenge`, `country`, `city` (each may repeat), `min_usd`, `max_usd`, `open` (`true`/`false`), `closing_by`
    /// (`YYYY-MM-DD`), `sort`, `page`, `per_page`. Empty values are left out. `known` tells a parameter this reader
    /// does not take but the caller does (`lang`); any other name is refused.
    pub fn parse(pairs: &[(String, String)], known: &[&str]) -> Result<Self, ValidationError> {
        let mut q = Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..Self::default()
        };
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() || known.contains(&name.as_str()) {
                continue;
            }
            if value.len() > MAX_VALUE {
                return Err(ValidationError::new(
                    name.clone(),
                    Reason::too_long(MAX_VALUE),
                ));
            }
            match name.as_str() {
                "kind" => {
                    let kind = EntryKind::parse(value)?;
                    if !KINDS.contains(&kind) {
                        return Err(ValidationError::new(
                            "kind",
                            Reason::not_one_of(kind, "project, solution, funding"),
                        ));
                    }
                    insert(&mut q.kinds, "kind", kind)?;
                }
                "stage" => insert(&mut q.stages, "stage", ProjectStage::parse(value)?)?,
                "maturity" => insert(&mut q.maturities, "maturity", Maturity::parse(value)?)?,
                "instrument" => {
                    insert(&mut q.instruments, "instrument", Instrument::parse(value)?)?;
                }
                "readiness" => insert(&mut q.readiness, "readiness", Readiness::parse(value)?)?,
                "focus_area" => {
                    if !value
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    {
                        return Err(ValidationError::new(
                            "focus_area",
                            Reason::not_an_id(clip(value)),
                        ));
                    }
                    insert(&mut q.focus_areas, "focus_area", value.to_owned())?;
                }
                "challenge" => {
                    insert(&mut q.challenges, "challenge", Challenge::parse(value)?)?;
                }
                "country" => insert(&mut q.countries, "country", CountryCode::parse(value)?)?,
                "city" => insert(&mut q.cities, "city", CityId::parse(value)?)?,
                "min_usd" => q.min_usd = Some(amount("min_usd", value)?),
                "max_usd" => q.max_usd = Some(amount("max_usd", value)?),
                "open" => {
                    q.open_only = match value {
                        "true" | "1" | "on" => true,
                        "false" | "0" => false,
                        other => {
                            return Err(ValidationError::new(
                                "open",
                                Reason::not_a_boolean(clip(other)),
                            ));
                        }
                    }
                }
                "closing_by" => {
                    q.closing_by = Some(crate::entry::parse_day(value).ok_or_else(|| {
                        ValidationError::new("closing_by", Reason::not_a_date(clip(value)))
                    })?);
                }
                "sort" => q.sort = Sort::parse(value)?,
                "page" => q.page = whole("page", value, 1, MAX_PAGE)?,
                "per_page" => q.per_page = whole("per_page", value, 1, MAX_PER_PAGE)?,
                other => {
                    return Err(ValidationError::new(
                        other.to_owned(),
                        Reason::not_a_filter(FILTERS),
                    ));
                }
            }
        }
        if let (Some(min), Some(max)) = (q.min_usd, q.max_usd)
            && min > max
        {
            return Err(ValidationError::new(
                "min_usd",
                Reason::min_above_max(min, max),
            ));
        }
        Ok(q)
    }

    /// Whether the listing asks for an amount range, so that entries without a converted amount cannot be shown.
    pub fn asks_amount(&self) -> bool {
        self.min_usd.is_some() || self.max_usd.is_some()
    }

    /// Whether the listing filters on something only funding calls have (an instrument, a deadline).
    fn asks_calls_only(&self) -> bool {
        !self.instruments.is_empty() || self.open_only || self.closing_by.is_some()
    }

    /// Whether `facts` belong in the listing on `today`. Filters that concern one kind (a stage, a maturity, an
    /// instrument, readiness, a deadline) leave out the other kinds, as a user filtering on a stage asks for
    /// projects.
    pub fn admits(&self, facts: &OpportunityFacts<'_>, today: Date) -> bool {
        let entry = facts.entry;
        let kind = entry.kind();
        if !KINDS.contains(&kind) || (!self.kinds.is_empty() && !self.kinds.contains(&kind)) {
            return false;
        }
        let kind_ok = match &entry.details {
            Details::Project {
                stage, readiness, ..
            } => {
                (self.stages.is_empty() || self.stages.contains(stage))
                    && self.readiness.is_subset(readiness)
                    && self.maturities.is_empty()
                    && !self.asks_calls_only()
            }
            Details::Solution { maturity, .. } => {
                (self.maturities.is_empty() || self.maturities.contains(maturity))
                    && self.stages.is_empty()
                    && self.readiness.is_empty()
                    && !self.asks_calls_only()
                    && !self.asks_amount()
            }
            Details::Funding { instrument, .. } => {
                (self.instruments.is_empty() || self.instruments.contains(instrument))
                    && self.stages.is_empty()
                    && self.maturities.is_empty()
                    && self.readiness.is_empty()
                    && self.deadline_ok(facts.deadline(), today)
            }
            _ => false,
        };
        kind_ok
            && (self.focus_areas.is_empty() || !self.focus_areas.is_disjoint(&entry.focus_areas))
            && (self.challenges.is_empty() || !self.challenges.is_disjoint(&entry.challenges))
            && (self.cities.is_empty() || entry.cities.iter().any(|c| self.cities.contains(c)))
            && self.country_ok(facts)
            && self.amount_ok(facts)
    }

    fn deadline_ok(&self, deadline: Option<Date>, today: Date) -> bool {
        let open = !self.open_only || deadline.is_none_or(|d| d >= today);
        let closing = self
            .closing_by
            .is_none_or(|by| deadline.is_some_and(|d| d <= by));
        open && closing
    }

    fn country_ok(&self, facts: &OpportunityFacts<'_>) -> bool {
        if self.countries.is_empty() {
            return true;
        }
        if let Details::Funding { countries, .. } = &facts.entry.details {
            // A call open to any country is open to each; otherwise its eligible countries decide.
            return countries.is_empty()
                || countries.iter().any(|c| {
                    CountryCode::parse(c).is_ok_and(|code| self.countries.contains(&code))
                });
        }
        !self.countries.is_disjoint(facts.countries)
    }

    fn amount_ok(&self, facts: &OpportunityFacts<'_>) -> bool {
        if !self.asks_amount() {
            return true;
        }
        let (low, high) = (facts.usd_min, facts.usd_max);
        if low.is_none() && high.is_none() {
            return false;
        }
        // The entry's range [low, high] (one end open when unstated) must meet the asked range.
        let meets_min = self.min_usd.is_none_or(|min| high.is_none_or(|h| h >= min));
        let meets_max = self.max_usd.is_none_or(|max| low.is_none_or(|l| l <= max));
        meets_min && meets_max
    }
}

fn insert<T: Ord>(set: &mut BTreeSet<T>, name: &str, value: T) -> Result<(), ValidationError> {
    if set.len() >= MAX_VALUES {
        return Err(ValidationError::new(
            name.to_owned(),
            Reason::too_many_values(MAX_VALUES),
        ));
    }
    set.insert(value);
    Ok(())
}

fn amount(name: &str, raw: &str) -> Result<f64, ValidationError> {
    raw.replace([',', '_'], "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| ValidationError::new(name.to_owned(), Reason::not_usd(clip(raw))))
}

fn whole(name: &str, raw: &str, min: usize, max: usize) -> Result<usize, ValidationError> {
    raw.parse::<usize>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            ValidationError::new(name.to_owned(), Reason::whole_number_between(min, max))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContentLanguage;
    use crate::entry::{EntryText, Money, ProjectNeeds, TextOrigin};
    use time::macros::date;

    fn pairs(q: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(q).expect("query string")
    }

    fn parse(q: &str) -> Result<OpportunityQuery, ValidationError> {
        OpportunityQuery::parse(&pairs(q), &["lang"])
    }

    fn entry(id: &str, details: Details) -> Entry {
        Entry {
            id: crate::EntryId::parse(id).expect("id"),
            texts: vec![EntryText {
                lang: ContentLanguage::En,
                origin: TextOrigin::Original,
                title: id.to_owned(),
                summary: "s".into(),
                body: String::new(),
            }],
            cities: vec![CityId::parse("bangkok").expect("city")],
            organisations: Vec::new(),
            challenges: [Challenge::Congestion].into(),
            focus_areas: ["built_infrastructure".to_owned()].into(),
            sdgs: BTreeSet::new(),
            indicators: Vec::new(),
            tags: BTreeSet::new(),
            year_from: None,
            year_to: None,
            sources: Vec::new(),
            example: false,
            details,
        }
    }

    fn project(capital: Option<f64>) -> Entry {
        entry(
            "p1",
            Details::Project {
                stage: ProjectStage::Feasibility,
                needs: ProjectNeeds {
                    capital: capital.map(|amount| Money {
                        amount,
                        currency: "USD".into(),
                    }),
                    technology: None,
                    partners: None,
                },
                readiness: [Readiness::InCityPlan, Readiness::CostEstimate].into(),
            },
        )
    }

    fn call(countries: &[&str], deadline: Option<&str>) -> Entry {
        entry(
            "f1",
            Details::Funding {
                funder: "ADB".into(),
                instrument: Instrument::Loan,
                amount_min: None,
                amount_max: None,
                countries: countries.iter().map(|c| (*c).to_owned()).collect(),
                sectors: Vec::new(),
                deadline: deadline.map(str::to_owned),
            },
        )
    }

    fn th() -> BTreeSet<CountryCode> {
        [CountryCode::parse("TH").expect("code")].into()
    }

    fn facts<'a>(
        e: &'a Entry,
        c: &'a BTreeSet<CountryCode>,
        usd: (Option<f64>, Option<f64>),
    ) -> OpportunityFacts<'a> {
        OpportunityFacts {
            entry: e,
            countries: c,
            usd_min: usd.0,
            usd_max: usd.1,
        }
    }

    const TODAY: Date = date!(2026 - 12 - 04);

    #[test]
    fn a_listing_is_read_from_its_query_string() {
        let q = parse("kind=project&stage=feasibility&stage=idea&readiness=cost-estimate&focus_area=built_infrastructure&challenge=congestion&country=th&city=bangkok&min_usd=1,000&max_usd=5000000&open=true&closing_by=2027-01-31&sort=deadline&page=2&per_page=50&lang=zh-Hans")
            .expect("parses");
        assert_eq!(q.kinds, [EntryKind::Project].into());
        assert_eq!(q.stages.len(), 2);
        assert_eq!(q.min_usd, Some(1000.0));
        assert_eq!(q.closing_by, Some(date!(2027 - 01 - 31)));
        assert_eq!((q.sort, q.page, q.per_page), (Sort::Deadline, 2, 50));
        assert!(q.open_only);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (query, field) in [
            ("kind=practice", "kind"),
            ("stage=someday", "stage"),
            ("min_usd=-5", "min_usd"),
            ("min_usd=lots", "min_usd"),
            ("min_usd=10&max_usd=5", "min_usd"),
            ("closing_by=31/01/2027", "closing_by"),
            ("open=perhaps", "open"),
            ("sort=random", "sort"),
            ("page=0", "page"),
            ("per_page=1000", "per_page"),
            ("focus_area=Built%20Infrastructure", "focus_area"),
            ("colour=red", "colour"),
        ] {
            assert_eq!(parse(query).expect_err(query).field, field, "{query}");
        }
    }

    #[test]
    fn a_stage_filter_lists_projects_at_that_stage_only() {
        let q = parse("stage=feasibility").expect("parses");
        let (p, c) = (project(None), th());
        assert!(q.admits(&facts(&p, &c, (None, None)), TODAY));
        let f = call(&[], None);
        assert!(
            !q.admits(&facts(&f, &c, (None, None)), TODAY),
            "a call has no stage"
        );
        let q = parse("stage=idea").expect("parses");
        assert!(!q.admits(&facts(&p, &c, (None, None)), TODAY));
    }

    #[test]
    fn readiness_asked_must_all_be_met() {
        let (p, c) = (project(None), th());
        let f = facts(&p, &c, (None, None));
        assert!(
            parse("readiness=cost-estimate&readiness=in-city-plan")
                .expect("q")
                .admits(&f, TODAY)
        );
        assert!(
            !parse("readiness=cost-estimate&readiness=feasibility-study")
                .expect("q")
                .admits(&f, TODAY)
        );
    }

    #[test]
    fn an_amount_range_meets_a_projects_need_or_a_calls_range_and_leaves_out_unknown_amounts() {
        let c = th();
        let p = project(Some(2_000_000.0));
        let two_m = facts(&p, &c, (Some(2e6), Some(2e6)));
        assert!(
            parse("min_usd=1000000&max_usd=3000000")
                .expect("q")
                .admits(&two_m, TODAY)
        );
        assert!(!parse("min_usd=2500000").expect("q").admits(&two_m, TODAY));
        assert!(!parse("max_usd=1999999").expect("q").admits(&two_m, TODAY));
        let unknown = facts(&p, &c, (None, None));
        assert!(
            !parse("min_usd=1").expect("q").admits(&unknown, TODAY),
            "no converted amount"
        );
        // A call giving 1 to 5 million meets a search for at least 4 million, not one for at least 6 million.
        let f = call(&[], None);
        let range = facts(&f, &c, (Some(1e6), Some(5e6)));
        assert!(parse("min_usd=4000000").expect("q").admits(&range, TODAY));
        assert!(!parse("min_usd=6000000").expect("q").admits(&range, TODAY));
        // A call with only a ceiling meets any floor below it.
        let ceiling = facts(&f, &c, (None, Some(5e6)));
        assert!(parse("max_usd=100").expect("q").admits(&ceiling, TODAY));
    }

    #[test]
    fn open_calls_are_those_without_a_deadline_or_closing_today_or_later() {
        let c = th();
        let q = parse("open=true").expect("q");
        let today = call(&[], Some("2026-12-04"));
        let yesterday = call(&[], Some("2026-12-03"));
        let rolling = call(&[], None);
        assert!(q.admits(&facts(&today, &c, (None, None)), TODAY));
        assert!(!q.admits(&facts(&yesterday, &c, (None, None)), TODAY));
        assert!(q.admits(&facts(&rolling, &c, (None, None)), TODAY));
        let (p, _) = (project(None), ());
        assert!(
            !q.admits(&facts(&p, &c, (None, None)), TODAY),
            "a project is not a call"
        );
        let by = parse("closing_by=2026-12-31").expect("q");
        assert!(by.admits(&facts(&today, &c, (None, None)), TODAY));
        assert!(
            !by.admits(&facts(&rolling, &c, (None, None)), TODAY),
            "no deadline is not closing by a date"
        );
    }

    #[test]
    fn a_call_is_in_a_country_it_is_open_to() {
        let none = BTreeSet::new();
        let q = parse("country=VN").expect("q");
        let vn = call(&["TH", "VN"], None);
        let cn = call(&["CN"], None);
        let any = call(&[], None);
        assert!(q.admits(&facts(&vn, &none, (None, None)), TODAY));
        assert!(!q.admits(&facts(&cn, &none, (None, None)), TODAY));
        assert!(q.admits(&facts(&any, &none, (None, None)), TODAY));
        let p = project(None);
        assert!(
            !q.admits(&facts(&p, &th(), (None, None)), TODAY),
            "a Bangkok project is not in Viet Nam"
        );
    }

    #[test]
    fn focus_areas_challenges_and_cities_match_any_value_asked() {
        let (p, c) = (project(None), th());
        let f = facts(&p, &c, (None, None));
        assert!(
            parse("focus_area=built_infrastructure&focus_area=health_wellbeing")
                .expect("q")
                .admits(&f, TODAY)
        );
        assert!(
            !parse("focus_area=health_wellbeing")
                .expect("q")
                .admits(&f, TODAY)
        );
        assert!(parse("challenge=congestion").expect("q").admits(&f, TODAY));
        assert!(!parse("challenge=poverty").expect("q").admits(&f, TODAY));
        assert!(
            parse("city=bangkok&city=hanoi")
                .expect("q")
                .admits(&f, TODAY)
        );
        assert!(!parse("city=hanoi").expect("q").admits(&f, TODAY));
    }
}
