//! A project to funding calls: eligibility first, then the funding fit (see the module above for the formula).
//!
//! A call is eligible for a project when all of these hold:
//! - its list of countries is empty, or names one of the project's countries;
//! - it names no focus area, or shares one with the project;
//! - the project's capital need, in USD, is not below the call's minimum nor above its maximum — a bound or an
//!   amount that is not stated (or could not be converted to USD) is not checked, and the reasons say so;
//! - its deadline, if any, is today or later (`today` is passed in: the matcher reads no clock);
//! - its instrument finances projects at the project's stage ([`STAGE_FITS`]).
//!
//! [`explain_funding`] says for one pair why it matches or why not. [`FundingIndex`] matches many projects against
//! the same calls: it drops closed calls once, files the rest by country, and compares focus areas and challenges
//! as bit sets; its results are the same as [`match_project_to_funding`]'s, which tries every call.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{
    AMOUNT_UNCHECKED, Amount, COUNTRY_OPEN, FOCUS_OPEN, Match, Opportunity, OpportunityDetails,
    Reason, W_FUNDING_AMOUNT, W_FUNDING_CHALLENGE, W_FUNDING_COUNTRY, W_FUNDING_FOCUS,
    W_FUNDING_READINESS, top,
};
use crate::CountryCode;
use crate::entry::{Challenge, Instrument, ProjectStage, Readiness};

/// Which project stages each instrument finances — Mitra's rule, not a funder's: technical assistance and grants
/// pay for preparing a project (and grants for building it); loans and guarantees need a project far enough to be
/// costed and procured; equity goes into a venture being built or running.
pub const STAGE_FITS: &[(Instrument, &[ProjectStage])] = &[
    (
        Instrument::TechnicalAssistance,
        &[
            ProjectStage::Idea,
            ProjectStage::Feasibility,
            ProjectStage::Procurement,
        ],
    ),
    (
        Instrument::Grant,
        &[
            ProjectStage::Idea,
            ProjectStage::Feasibility,
            ProjectStage::Procurement,
            ProjectStage::Implementation,
        ],
    ),
    (
        Instrument::Loan,
        &[ProjectStage::Procurement, ProjectStage::Implementation],
    ),
    (
        Instrument::Guarantee,
        &[
            ProjectStage::Procurement,
            ProjectStage::Implementation,
            ProjectStage::Operation,
        ],
    ),
    (
        Instrument::Equity,
        &[ProjectStage::Implementation, ProjectStage::Operation],
    ),
];

/// The number of readiness criteria.
const READINESS_CRITERIA: u32 = Readiness::ALL.len() as u32;

/// Whether the instrument finances projects at this stage, by [`STAGE_FITS`].
pub fn stage_fits(instrument: Instrument, stage: ProjectStage) -> bool {
    STAGE_FITS
        .iter()
        .any(|(i, stages)| *i == instrument && stages.contains(&stage))
}

/// Why a call is not open to a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Ineligibility {
    /// The call lists countries, none of them the project's.
    CountryNotEligible {
        /// The countries the call lists.
        eligible: Vec<CountryCode>,
    },
    /// The call names focus areas, none of them the project's.
    NoSharedFocusArea,
    /// The capital sought is below the call's minimum.
    BelowMinimum {
        /// The amount sought, USD.
        amount: f64,
        /// The minimum, USD.
        min: f64,
    },
    /// The capital sought is above the call's maximum.
    AboveMaximum {
        /// The amount sought, USD.
        amount: f64,
        /// The maximum, USD.
        max: f64,
    },
    /// The call closed before today.
    DeadlinePassed {
        /// The closing date.
        deadline: time::Date,
    },
    /// The instrument does not finance projects at this stage.
    StageDoesNotFit {
        /// The project's stage.
        stage: ProjectStage,
        /// The call's instrument.
        instrument: Instrument,
    },
    /// The pair is not a project and a funding call.
    NotAProjectAndCall,
}

impl Ineligibility {
    /// The reason as an English sentence.
    pub fn sentence(&self) -> String {
        match self {
            Ineligibility::CountryNotEligible { eligible } => format!(
                "The call is open only to {}.",
                eligible
                    .iter()
                    .map(CountryCode::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ineligibility::NoSharedFocusArea => {
                "The call names focus areas, none of them the project's.".to_owned()
            }
            Ineligibility::BelowMinimum { amount, min } => format!(
                "The {} sought is below the call's minimum of {}.",
                super::usd(*amount),
                super::usd(*min)
            ),
            Ineligibility::AboveMaximum { amount, max } => format!(
                "The {} sought is above the call's maximum of {}.",
                super::usd(*amount),
                super::usd(*max)
            ),
            Ineligibility::DeadlinePassed { deadline } => {
                format!("The call closed on {deadline}.")
            }
            Ineligibility::StageDoesNotFit { stage, instrument } => {
                format!("A {instrument} does not finance a project at the {stage} stage.")
            }
            Ineligibility::NotAProjectAndCall => {
                "Only a project and a funding call can be matched.".to_owned()
            }
        }
    }
}

/// The counts the funding fit is computed from; both the pairwise and the indexed path fill them.
struct Counts {
    shared_focus: u32,
    project_focus: u32,
    call_names_focus: bool,
    shared_challenges: u32,
    project_challenges: u32,
    amount_checked: bool,
    readiness: u32,
    country_listed: bool,
}

/// The funding fit; the one place it is computed, so both paths give the very same number.
fn fit(c: &Counts) -> f64 {
    let focus = if c.call_names_focus {
        f64::from(c.shared_focus) / f64::from(c.project_focus)
    } else {
        FOCUS_OPEN
    };
    let challenge = if c.project_challenges == 0 {
        0.0
    } else {
        f64::from(c.shared_challenges) / f64::from(c.project_challenges)
    };
    let amount = if c.amount_checked {
        1.0
    } else {
        AMOUNT_UNCHECKED
    };
    let readiness = f64::from(c.readiness.min(READINESS_CRITERIA)) / f64::from(READINESS_CRITERIA);
    let country = if c.country_listed { 1.0 } else { COUNTRY_OPEN };
    W_FUNDING_FOCUS * focus
        + W_FUNDING_CHALLENGE * challenge
        + W_FUNDING_AMOUNT * amount
        + W_FUNDING_READINESS * readiness
        + W_FUNDING_COUNTRY * country
}

/// A project's fields, when it is one.
fn project_parts(project: &Opportunity) -> Option<(ProjectStage, &Amount, u32)> {
    match &project.details {
        OpportunityDetails::Project {
            stage,
            capital,
            readiness,
        } => Some((*stage, capital, *readiness)),
        _ => None,
    }
}

type CallParts<'a> = (
    Instrument,
    &'a Amount,
    &'a Amount,
    &'a BTreeSet<CountryCode>,
    Option<time::Date>,
);

/// A call's fields, when it is one.
fn call_parts(call: &Opportunity) -> Option<CallParts<'_>> {
    match &call.details {
        OpportunityDetails::Funding {
            instrument,
            min,
            max,
            countries,
            deadline,
        } => Some((*instrument, min, max, countries, *deadline)),
        _ => None,
    }
}

/// Whether the call is open to the project, and if so how well it fits and why; if not, every reason why not.
pub fn explain_funding(
    project: &Opportunity,
    call: &Opportunity,
    today: time::Date,
) -> Result<Match, Vec<Ineligibility>> {
    let (Some((stage, capital, readiness)), Some((instrument, min, max, countries, deadline))) =
        (project_parts(project), call_parts(call))
    else {
        return Err(vec![Ineligibility::NotAProjectAndCall]);
    };
    let mut why_not = Vec::new();
    let mut reasons = Vec::new();

    let listed = countries.intersection(&project.countries).next();
    match listed {
        Some(&country) => reasons.push(Reason::CountryEligible { country }),
        None if countries.is_empty() => reasons.push(Reason::OpenToAllCountries),
        None => why_not.push(Ineligibility::CountryNotEligible {
            eligible: countries.iter().copied().collect(),
        }),
    }

    let shared_focus = call.focus_areas.intersection(&project.focus_areas).count() as u32;
    if call.focus_areas.is_empty() {
        reasons.push(Reason::OpenToAllFocusAreas);
    } else if shared_focus == 0 {
        why_not.push(Ineligibility::NoSharedFocusArea);
    } else {
        reasons.extend(
            project
                .focus_areas
                .intersection(&call.focus_areas)
                .map(|id| Reason::SharedFocusArea { id: id.clone() }),
        );
    }
    reasons.extend(
        project
            .challenges
            .intersection(&call.challenges)
            .map(|&challenge| Reason::SharedChallenge { challenge }),
    );

    let (min_usd, max_usd) = (min.usd(), max.usd());
    match capital {
        Amount::NotStated => reasons.push(Reason::AmountNotStated),
        Amount::NotConverted { amount, currency } => reasons.push(Reason::AmountNotConverted {
            amount: *amount,
            currency: currency.clone(),
        }),
        Amount::Usd { usd: amount } => {
            let amount = *amount;
            let mut fits = true;
            if let Some(min) = min_usd.filter(|&m| amount < m) {
                why_not.push(Ineligibility::BelowMinimum { amount, min });
                fits = false;
            }
            if let Some(max) = max_usd.filter(|&m| amount > m) {
                why_not.push(Ineligibility::AboveMaximum { amount, max });
                fits = false;
            }
            if fits {
                reasons.push(match (min_usd, max_usd) {
                    (Some(min), Some(max)) => Reason::AmountWithinRange { amount, min, max },
                    (min, max) => Reason::RangeNotStated { amount, min, max },
                });
            }
        }
    }

    match deadline {
        None => reasons.push(Reason::NoDeadline),
        Some(deadline) if deadline < today => {
            why_not.push(Ineligibility::DeadlinePassed { deadline })
        }
        Some(deadline) => reasons.push(Reason::DeadlineOpen {
            deadline,
            days_left: (deadline - today).whole_days(),
        }),
    }

    if stage_fits(instrument, stage) {
        reasons.push(Reason::StageFits { stage, instrument });
    } else {
        why_not.push(Ineligibility::StageDoesNotFit { stage, instrument });
    }
    reasons.push(Reason::ReadinessMet {
        met: readiness,
        of: READINESS_CRITERIA,
    });

    if !why_not.is_empty() {
        return Err(why_not);
    }
    let score = fit(&Counts {
        shared_focus,
        project_focus: project.focus_areas.len() as u32,
        call_names_focus: !call.focus_areas.is_empty(),
        shared_challenges: project.challenges.intersection(&call.challenges).count() as u32,
        project_challenges: project.challenges.len() as u32,
        amount_checked: capital.usd().is_some() && min_usd.is_some() && max_usd.is_some(),
        readiness,
        country_listed: listed.is_some(),
    });
    Ok(Match {
        id: call.id.clone(),
        score,
        reasons,
    })
}

/// The `limit` calls that fit the project best among those open to it, best first (ties by id), trying every
/// call. For many projects against the same calls, [`FundingIndex`] gives the same answer faster.
pub fn match_project_to_funding(
    project: &Opportunity,
    calls: &[Opportunity],
    today: time::Date,
    limit: usize,
) -> Vec<Match> {
    top(
        calls
            .iter()
            .filter_map(|call| explain_funding(project, call, today).ok())
            .collect(),
        limit,
    )
}

/// A call reduced to what the eligibility filters and the fit read.
struct Compiled {
    focus_count: u32,
    challenges: u16,
    listed: bool,
    min: Option<f64>,
    max: Option<f64>,
}

fn challenge_bits(challenges: &BTreeSet<Challenge>) -> u16 {
    challenges
        .iter()
        .filter_map(|c| Challenge::ALL.iter().position(|x| x == c))
        .fold(0, |bits, at| bits | 1 << at)
}

/// The number of project stages.
const STAGES: usize = ProjectStage::ALL.len();

/// Call positions per project stage, in id order.
type ByStage = [Vec<u32>; STAGES];

/// The calls open on one day, prepared for matching many projects: closed calls dropped, the rest in id order,
/// filed by the countries they list and the stages their instrument finances, with focus areas and challenges as bit
/// sets.
pub struct FundingIndex<'a> {
    today: time::Date,
    calls: Vec<&'a Opportunity>,
    compiled: Vec<Compiled>,
    focus_ids: BTreeMap<&'a str, usize>,
    words: usize,
    focus_bits: Vec<u64>,
    open_to_all: ByStage,
    by_country: BTreeMap<CountryCode, ByStage>,
}

/// The best `limit` (score, call) pairs seen so far, best first: score descending, then call position ascending,
/// which is id order.
struct Best {
    limit: usize,
    items: Vec<(f64, u32)>,
}

impl Best {
    fn offer(&mut self, score: f64, call: u32) {
        let better = |a: &(f64, u32)| a.0 > score || (a.0 == score && a.1 < call);
        if self.items.len() == self.limit && self.items.last().is_none_or(better) {
            return;
        }
        let at = self.items.partition_point(better);
        self.items.insert(at, (score, call));
        self.items.truncate(self.limit);
    }
}

impl<'a> FundingIndex<'a> {
    /// Prepares the funding calls among `calls` that are still open on `today`.
    pub fn new(calls: &'a [Opportunity], today: time::Date) -> Self {
        let mut open: Vec<&'a Opportunity> = calls
            .iter()
            .filter(|c| {
                call_parts(c).is_some_and(|(.., deadline)| deadline.is_none_or(|d| d >= today))
            })
            .collect();
        open.sort_by(|a, b| a.id.cmp(&b.id));
        let mut focus_ids: BTreeMap<&'a str, usize> = BTreeMap::new();
        for call in &open {
            for area in &call.focus_areas {
                let next = focus_ids.len();
                focus_ids.entry(area.as_str()).or_insert(next);
            }
        }
        let words = focus_ids.len().div_ceil(64).max(1);
        let mut index = FundingIndex {
            today,
            calls: Vec::with_capacity(open.len()),
            compiled: Vec::with_capacity(open.len()),
            focus_ids,
            words,
            focus_bits: vec![0; open.len() * words],
            open_to_all: Default::default(),
            by_country: BTreeMap::new(),
        };
        for (at, call) in open.into_iter().enumerate() {
            let Some((instrument, min, max, countries, _)) = call_parts(call) else {
                continue;
            };
            let bits = index.focus_set(&call.focus_areas).0;
            index.focus_bits[at * words..(at + 1) * words].copy_from_slice(&bits);
            index.compiled.push(Compiled {
                focus_count: call.focus_areas.len() as u32,
                challenges: challenge_bits(&call.challenges),
                listed: !countries.is_empty(),
                min: min.usd(),
                max: max.usd(),
            });
            for (stage_at, stage) in ProjectStage::ALL.iter().enumerate() {
                if !stage_fits(instrument, *stage) {
                    continue;
                }
                if countries.is_empty() {
                    index.open_to_all[stage_at].push(at as u32);
                }
                for country in countries {
                    index.by_country.entry(*country).or_default()[stage_at].push(at as u32);
                }
            }
            index.calls.push(call);
        }
        index
    }

    /// How many calls are open.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call is open.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The bit set of the focus areas the index knows, and how many of `areas` there are in all.
    fn focus_set(&self, areas: &BTreeSet<String>) -> (Vec<u64>, u32) {
        let mut bits = vec![0u64; self.words];
        for area in areas {
            if let Some(&at) = self.focus_ids.get(area.as_str()) {
                bits[at / 64] |= 1 << (at % 64);
            }
        }
        (bits, areas.len() as u32)
    }

    /// The `limit` open calls that fit the project best, best first (ties by id), with their reasons: the same as
    /// [`match_project_to_funding`] over the same calls and day.
    pub fn match_project(&self, project: &Opportunity, limit: usize) -> Vec<Match> {
        let Some((stage, capital, readiness)) = project_parts(project) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        let (focus, project_focus) = self.focus_set(&project.focus_areas);
        let challenges = challenge_bits(&project.challenges);
        let project_challenges = project.challenges.len() as u32;
        let stage_at = ProjectStage::ALL
            .iter()
            .position(|s| *s == stage)
            .unwrap_or(0);
        let amount = capital.usd();
        let mut best = Best {
            limit,
            items: Vec::with_capacity(limit + 1),
        };
        let mut consider = |at: u32| {
            let call = &self.compiled[at as usize];
            let bits = &self.focus_bits[at as usize * self.words..(at as usize + 1) * self.words];
            let shared_focus: u32 = bits
                .iter()
                .zip(&focus)
                .map(|(a, b)| (a & b).count_ones())
                .sum();
            if call.focus_count > 0 && shared_focus == 0 {
                return;
            }
            if let Some(amount) = amount
                && (call.min.is_some_and(|m| amount < m) || call.max.is_some_and(|m| amount > m))
            {
                return;
            }
            let score = fit(&Counts {
                shared_focus,
                project_focus,
                call_names_focus: call.focus_count > 0,
                shared_challenges: (call.challenges & challenges).count_ones(),
                project_challenges,
                amount_checked: amount.is_some() && call.min.is_some() && call.max.is_some(),
                readiness,
                country_listed: call.listed,
            });
            best.offer(score, at);
        };
        for &at in &self.open_to_all[stage_at] {
            consider(at);
        }
        let listed: Vec<&Vec<u32>> = project
            .countries
            .iter()
            .filter_map(|c| self.by_country.get(c).map(|by_stage| &by_stage[stage_at]))
            .collect();
        if let [one] = listed.as_slice() {
            one.iter().for_each(|&at| consider(at));
        } else if listed.len() > 1 {
            // A call may list several of the project's countries: try it once.
            let mut calls: Vec<u32> = listed.into_iter().flatten().copied().collect();
            calls.sort_unstable();
            calls.dedup();
            calls.into_iter().for_each(consider);
        }
        best.items
            .into_iter()
            .filter_map(|(_, at)| {
                explain_funding(project, self.calls[at as usize], self.today).ok()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::fixtures::*;
    use super::*;
    use crate::entry::Challenge;

    const TODAY: &str = "2026-12-01";

    fn project(capital: Amount) -> Opportunity {
        Opportunity {
            id: entry_id("bangkok-bus-depots"),
            title: "Electric bus depots".into(),
            cities: vec![city_id("bangkok")],
            countries: [country("TH")].into(),
            focus_areas: set(&["quality_environment", "built_infrastructure"]),
            challenges: [Challenge::AirPollution, Challenge::Congestion].into(),
            details: OpportunityDetails::Project {
                stage: ProjectStage::Feasibility,
                capital,
                readiness: 4,
            },
        }
    }

    struct Call {
        id: &'static str,
        instrument: Instrument,
        countries: &'static [&'static str],
        focus: &'static [&'static str],
        challenges: &'static [Challenge],
        min: Option<f64>,
        max: Option<f64>,
        deadline: Option<&'static str>,
    }

    const GRANT: Call = Call {
        id: "a-clean-air-grant",
        instrument: Instrument::Grant,
        countries: &["TH", "VN"],
        focus: &["quality_environment"],
        challenges: &[Challenge::AirPollution],
        min: Some(100_000.0),
        max: Some(5_000_000.0),
        deadline: Some("2026-12-31"),
    };

    fn call(c: Call) -> Opportunity {
        let amount = |v: Option<f64>| v.map_or(Amount::NotStated, |usd| Amount::Usd { usd });
        Opportunity {
            id: entry_id(c.id),
            title: c.id.into(),
            cities: Vec::new(),
            countries: BTreeSet::new(),
            focus_areas: set(c.focus),
            challenges: c.challenges.iter().copied().collect(),
            details: OpportunityDetails::Funding {
                instrument: c.instrument,
                min: amount(c.min),
                max: amount(c.max),
                countries: c.countries.iter().map(|c| country(c)).collect(),
                deadline: c.deadline.map(date),
            },
        }
    }

    fn usd(usd: f64) -> Amount {
        Amount::Usd { usd }
    }

    #[test]
    fn an_eligible_call_scores_by_the_documented_fit_with_every_reason() {
        let m = explain_funding(&project(usd(2_000_000.0)), &call(GRANT), date(TODAY))
            .expect("eligible");
        // focus 1/2, challenge 1/2, amount checked 1, readiness 4/8, country listed 1:
        // 0.35·0.5 + 0.15·0.5 + 0.15·1 + 0.2·0.5 + 0.15·1 = 0.175 + 0.075 + 0.15 + 0.1 + 0.15 = 0.65
        assert!((m.score - 0.65).abs() < 1e-12, "{}", m.score);
        assert_eq!(
            m.reasons,
            vec![
                Reason::CountryEligible {
                    country: country("TH")
                },
                Reason::SharedFocusArea {
                    id: "quality_environment".into()
                },
                Reason::SharedChallenge {
                    challenge: Challenge::AirPollution
                },
                Reason::AmountWithinRange {
                    amount: 2_000_000.0,
                    min: 100_000.0,
                    max: 5_000_000.0
                },
                Reason::DeadlineOpen {
                    deadline: date("2026-12-31"),
                    days_left: 30
                },
                Reason::StageFits {
                    stage: ProjectStage::Feasibility,
                    instrument: Instrument::Grant
                },
                Reason::ReadinessMet { met: 4, of: 8 },
            ]
        );
    }

    #[test]
    fn an_open_call_with_unstated_bounds_passes_and_says_so() {
        let open = call(Call {
            id: "b-preparation-facility",
            instrument: Instrument::TechnicalAssistance,
            countries: &[],
            focus: &[],
            challenges: &[],
            min: Some(50_000.0),
            max: None,
            deadline: None,
        });
        let m = explain_funding(&project(usd(2_000_000.0)), &open, date(TODAY)).expect("eligible");
        // focus open 0.5, challenge 0, amount unchecked 0.5, readiness 0.5, country open 0.5:
        // 0.175 + 0 + 0.075 + 0.1 + 0.075 = 0.425
        assert!((m.score - 0.425).abs() < 1e-12, "{}", m.score);
        assert_eq!(
            m.reasons,
            vec![
                Reason::OpenToAllCountries,
                Reason::OpenToAllFocusAreas,
                Reason::RangeNotStated {
                    amount: 2_000_000.0,
                    min: Some(50_000.0),
                    max: None
                },
                Reason::NoDeadline,
                Reason::StageFits {
                    stage: ProjectStage::Feasibility,
                    instrument: Instrument::TechnicalAssistance
                },
                Reason::ReadinessMet { met: 4, of: 8 },
            ]
        );
        assert!(
            m.reasons[2]
                .sentence()
                .contains("minimum is USD 50,000 and its maximum not stated")
        );
    }

    #[test]
    fn an_unknown_amount_passes_any_range_unchecked() {
        let m = explain_funding(&project(Amount::NotStated), &call(GRANT), date(TODAY))
            .expect("eligible");
        // As the first grant, with the amount term 0.5 instead of 1: 0.65 − 0.15·0.5 = 0.575.
        assert!((m.score - 0.575).abs() < 1e-12, "{}", m.score);
        assert!(m.reasons.contains(&Reason::AmountNotStated));
        let cny = Amount::NotConverted {
            amount: 9_000_000.0,
            currency: "XYZ".into(),
        };
        let m = explain_funding(&project(cny), &call(GRANT), date(TODAY)).expect("eligible");
        assert!((m.score - 0.575).abs() < 1e-12);
        assert!(m.reasons.iter().any(
            |r| matches!(r, Reason::AmountNotConverted { currency, .. } if currency == "XYZ")
        ));
    }

    #[test]
    fn a_call_closing_today_is_open_and_one_that_closed_yesterday_is_not() {
        let p = project(usd(2_000_000.0));
        let today = explain_funding(
            &p,
            &call(Call {
                deadline: Some(TODAY),
                ..GRANT
            }),
            date(TODAY),
        )
        .expect("open today");
        assert!(today.reasons.contains(&Reason::DeadlineOpen {
            deadline: date(TODAY),
            days_left: 0
        }));
        let yesterday = call(Call {
            deadline: Some("2026-11-30"),
            ..GRANT
        });
        assert_eq!(
            explain_funding(&p, &yesterday, date(TODAY)),
            Err(vec![Ineligibility::DeadlinePassed {
                deadline: date("2026-11-30")
            }])
        );
        assert!(
            match_project_to_funding(&p, std::slice::from_ref(&yesterday), date(TODAY), 10)
                .is_empty()
        );
        assert!(FundingIndex::new(&[yesterday], date(TODAY)).is_empty());
    }

    #[test]
    fn every_reason_of_ineligibility_is_reported() {
        let p = project(usd(2_000_000.0));
        let wrong = call(Call {
            instrument: Instrument::Loan,
            countries: &["VN"],
            focus: &["health_wellbeing"],
            max: Some(1_000_000.0),
            ..GRANT
        });
        assert_eq!(
            explain_funding(&p, &wrong, date(TODAY)),
            Err(vec![
                Ineligibility::CountryNotEligible {
                    eligible: vec![country("VN")]
                },
                Ineligibility::NoSharedFocusArea,
                Ineligibility::AboveMaximum {
                    amount: 2_000_000.0,
                    max: 1_000_000.0
                },
                Ineligibility::StageDoesNotFit {
                    stage: ProjectStage::Feasibility,
                    instrument: Instrument::Loan
                },
            ])
        );
        let small = call(Call {
            min: Some(3_000_000.0),
            ..GRANT
        });
        assert_eq!(
            explain_funding(&p, &small, date(TODAY)),
            Err(vec![Ineligibility::BelowMinimum {
                amount: 2_000_000.0,
                min: 3_000_000.0
            }])
        );
    }

    #[test]
    fn calls_rank_by_fit_then_id_and_only_eligible_ones_are_listed() {
        let p = project(usd(2_000_000.0));
        let calls = vec![
            call(Call {
                id: "z-clean-air-grant",
                ..GRANT
            }),
            call(GRANT),
            call(Call {
                id: "c-loan",
                instrument: Instrument::Loan,
                ..GRANT
            }),
            call(Call {
                id: "b-open-grant",
                countries: &[],
                ..GRANT
            }),
        ];
        let matches = match_project_to_funding(&p, &calls, date(TODAY), 10);
        let got: Vec<(&str, f64)> = matches.iter().map(|m| (m.id.as_str(), m.score)).collect();
        // Both listed grants 0.65 (tie: id order); the open one 0.65 − 0.15·0.5 = 0.575; the loan is ineligible.
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            ["a-clean-air-grant", "z-clean-air-grant", "b-open-grant"]
        );
        assert!((got[2].1 - 0.575).abs() < 1e-12);
        let index = FundingIndex::new(&calls, date(TODAY));
        assert_eq!(index.match_project(&p, 10), matches);
        assert_eq!(index.match_project(&p, 2), matches[..2].to_vec());
    }

    /// SplitMix64, for varied fixtures.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) % n
        }
    }

    #[test]
    fn the_index_finds_exactly_what_trying_every_call_finds() {
        const AREAS: [&str; 4] = [
            "civic_social",
            "quality_environment",
            "built_infrastructure",
            "health_wellbeing",
        ];
        const COUNTRIES: [&str; 4] = ["TH", "VN", "CN", "ID"];
        let mut rng = Rng(7);
        let pick = |rng: &mut Rng, n: u64| -> Vec<usize> {
            (0..n as usize).filter(|_| rng.below(3) == 0).collect()
        };
        let amount = |rng: &mut Rng| match rng.below(4) {
            0 => Amount::NotStated,
            1 => Amount::NotConverted {
                amount: 1.0,
                currency: "XYZ".into(),
            },
            _ => Amount::Usd {
                usd: (rng.below(20) * 500_000) as f64,
            },
        };
        let calls: Vec<Opportunity> = (0..300)
            .map(|i| Opportunity {
                id: entry_id(&format!("call-{:03}", 299 - i)),
                title: String::new(),
                cities: Vec::new(),
                countries: BTreeSet::new(),
                focus_areas: pick(&mut rng, 4)
                    .into_iter()
                    .map(|a| AREAS[a].to_owned())
                    .collect(),
                challenges: pick(&mut rng, 11)
                    .into_iter()
                    .map(|c| Challenge::ALL[c])
                    .collect(),
                details: OpportunityDetails::Funding {
                    instrument: Instrument::ALL[rng.below(5) as usize],
                    min: amount(&mut rng),
                    max: amount(&mut rng),
                    countries: pick(&mut rng, 4)
                        .into_iter()
                        .map(|c| country(COUNTRIES[c]))
                        .collect(),
                    deadline: (rng.below(3) > 0)
                        .then(|| date(TODAY) + time::Duration::days(rng.below(21) as i64 - 10)),
                },
            })
            .collect();
        let index = FundingIndex::new(&calls, date(TODAY));
        let mut matched = 0;
        for i in 0..120 {
            let p = Opportunity {
                id: entry_id(&format!("project-{i}")),
                title: String::new(),
                cities: Vec::new(),
                countries: pick(&mut rng, 4)
                    .into_iter()
                    .map(|c| country(COUNTRIES[c]))
                    .collect(),
                focus_areas: pick(&mut rng, 4)
                    .into_iter()
                    .map(|a| AREAS[a].to_owned())
                    .collect(),
                challenges: pick(&mut rng, 11)
                    .into_iter()
                    .map(|c| Challenge::ALL[c])
                    .collect(),
                details: OpportunityDetails::Project {
                    stage: ProjectStage::ALL[rng.below(5) as usize],
                    capital: amount(&mut rng),
                    readiness: rng.below(9) as u32,
                },
            };
            let expected = match_project_to_funding(&p, &calls, date(TODAY), 10);
            matched += expected.len();
            assert_eq!(index.match_project(&p, 10), expected, "project {i}");
        }
        assert!(matched > 300, "the fixture exercises matches: {matched}");
    }
}
