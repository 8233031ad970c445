//! A solution provider's view: the cities whose needs a solution meets, and the projects it could serve.
//!
//! A city is scored exactly as [`super::city`] scores the solution for that city, so the two views agree. A project
//! is scored by the focus areas and challenges it shares with the solution.

use super::city::score_for_city;
use super::{
    CityContext, Match, Opportunity, OpportunityDetails, W_PROVIDER_CHALLENGE, W_PROVIDER_FOCUS,
    overlap, shared_reasons, top,
};
use crate::CityId;

/// The `limit` cities whose needs the solution meets best, best first (ties by city id).
pub fn match_solution_to_cities(
    solution: &Opportunity,
    cities: &[CityContext],
    limit: usize,
) -> Vec<Match<CityId>> {
    if !matches!(solution.details, OpportunityDetails::Solution { .. }) {
        return Vec::new();
    }
    top(
        cities
            .iter()
            .filter_map(|city| {
                score_for_city(city, solution).map(|m| Match {
                    id: city.city.id.clone(),
                    score: m.score,
                    reasons: m.reasons,
                })
            })
            .collect(),
        limit,
    )
}

/// The `limit` projects whose focus areas and challenges the solution matches best, best first (ties by id).
pub fn match_solution_to_projects(
    solution: &Opportunity,
    projects: &[Opportunity],
    limit: usize,
) -> Vec<Match> {
    if !matches!(solution.details, OpportunityDetails::Solution { .. }) {
        return Vec::new();
    }
    top(
        projects
            .iter()
            .filter(|p| matches!(p.details, OpportunityDetails::Project { .. }))
            .filter_map(|p| {
                let score = W_PROVIDER_FOCUS * overlap(&solution.focus_areas, &p.focus_areas)
                    + W_PROVIDER_CHALLENGE * overlap(&solution.challenges, &p.challenges);
                (score > 0.0).then(|| Match {
                    id: p.id.clone(),
                    score,
                    reasons: shared_reasons(
                        &p.focus_areas,
                        &solution.focus_areas,
                        &p.challenges,
                        &solution.challenges,
                    ),
                })
            })
            .collect(),
        limit,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::fixtures::*;
    use super::super::*;
    use super::*;
    use crate::entry::{Challenge, Maturity, ProjectStage};
    use crate::peers::Band;

    fn sensors() -> Opportunity {
        Opportunity {
            id: entry_id("air-sensors"),
            title: "Air sensors".into(),
            cities: Vec::new(),
            countries: BTreeSet::new(),
            focus_areas: set(&["quality_environment"]),
            challenges: [Challenge::AirPollution].into(),
            details: OpportunityDetails::Solution {
                maturity: Maturity::Scaled,
                deployed_in: vec![facts(
                    "chiang-mai",
                    "TH",
                    Region::Asean,
                    Some(Band::From1mTo5m),
                    None,
                    Some(18.8),
                )],
            },
        }
    }

    fn city(id: &str, focus: &[&str], challenges: &[Challenge], gaps: Vec<Gap>) -> CityContext {
        CityContext {
            city: facts(
                id,
                "VN",
                Region::Asean,
                Some(Band::From1mTo5m),
                None,
                Some(16.0),
            ),
            focus_areas: set(focus),
            challenges: challenges.iter().copied().collect(),
            gaps,
        }
    }

    #[test]
    fn cities_are_scored_as_the_city_view_scores_the_solution() {
        let cities = vec![
            // focus 1, challenge 1, pm25 gap by theme: severity 0.8 · 0.5 = 0.4;
            // need = 0.35 + 0.25 + 0.4·0.4 = 0.76; Chiang Mai shares region, band and zone: 0.5 + 0.5·3/4 = 0.875.
            // score = 0.665
            city(
                "da-nang",
                &["quality_environment"],
                &[Challenge::AirPollution],
                vec![gap("x:pm25", "PM2.5", 20.0, 7, Some("quality_environment"))],
            ),
            // Only the focus area: need 0.35, score 0.35·0.875 = 0.30625.
            city("hue", &["quality_environment", "civic_social"], &[], vec![]),
            // Nothing in common: left out.
            city(
                "can-tho",
                &["health_wellbeing"],
                &[Challenge::Poverty],
                vec![],
            ),
        ];
        let matches = match_solution_to_cities(&sensors(), &cities, 10);
        let got: Vec<(&str, f64)> = matches.iter().map(|m| (m.id.as_str(), m.score)).collect();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0, got[1].0), ("da-nang", "hue"));
        assert!((got[0].1 - 0.665).abs() < 1e-12, "{}", got[0].1);
        assert!((got[1].1 - 0.30625).abs() < 1e-12, "{}", got[1].1);
        assert_eq!(
            matches[1].reasons,
            vec![
                Reason::SharedFocusArea {
                    id: "quality_environment".into()
                },
                Reason::ComparableCity {
                    city: city_id("chiang-mai"),
                    facts: vec![
                        SharedFact::Region(Region::Asean),
                        SharedFact::Band(Band::From1mTo5m),
                        SharedFact::LatitudeZone(LatitudeZone::Tropical),
                    ],
                },
            ]
        );
    }

    #[test]
    fn projects_are_scored_by_shared_focus_areas_and_challenges() {
        let project = |id: &str, focus: &[&str], challenges: &[Challenge]| Opportunity {
            id: entry_id(id),
            title: id.into(),
            cities: Vec::new(),
            countries: BTreeSet::new(),
            focus_areas: set(focus),
            challenges: challenges.iter().copied().collect(),
            details: OpportunityDetails::Project {
                stage: ProjectStage::Procurement,
                capital: Amount::NotStated,
                readiness: 0,
            },
        };
        let projects = vec![
            // 0.6·1 + 0.4·1 = 1
            project(
                "b-air-network",
                &["quality_environment", "civic_social"],
                &[Challenge::AirPollution],
            ),
            // 0.6·1 + 0.4·0 = 0.6
            project(
                "a-green-belt",
                &["quality_environment"],
                &[Challenge::LossOfGreenAreas],
            ),
            // nothing shared: left out
            project("c-clinics", &["health_wellbeing"], &[]),
        ];
        let matches = match_solution_to_projects(&sensors(), &projects, 10);
        let got: Vec<(&str, f64)> = matches.iter().map(|m| (m.id.as_str(), m.score)).collect();
        assert_eq!(got, [("b-air-network", 1.0), ("a-green-belt", 0.6)]);
        assert_eq!(
            matches[0].reasons,
            vec![
                Reason::SharedFocusArea {
                    id: "quality_environment".into()
                },
                Reason::SharedChallenge {
                    challenge: Challenge::AirPollution
                },
            ]
        );
    }
}
