//! A city's needs to solutions and practices: need fit from its declared focus areas, challenges and gaps, times a
//! context factor from how comparable the cities are where the item worked or is deployed.
//!
//! An item already at home in the city (a practice of the city itself, a solution deployed there) is not proposed
//! to it.

use super::{
    CityContext, GapRelevance, Match, Opportunity, OpportunityDetails, Reason, context_factor,
    need_fit, theme_gap, top,
};

/// The score and reasons of one solution or practice for a city; `None` when the item is of another kind, at home
/// in the city already, or meets none of its needs.
pub fn score_for_city(city: &CityContext, item: &Opportunity) -> Option<Match> {
    let (places, evidence) = match &item.details {
        OpportunityDetails::Practice {
            worked_in,
            evidence,
        } => (worked_in, evidence.as_slice()),
        OpportunityDetails::Solution { deployed_in, .. } => (deployed_in, &[][..]),
        _ => return None,
    };
    if item.cities.contains(&city.city.id) || places.iter().any(|p| p.id == city.city.id) {
        return None;
    }
    let (need, mut reasons) = need_fit(city, &item.focus_areas, &item.challenges, |gap| {
        if let Some(e) = evidence.iter().find(|e| e.indicator == gap.indicator) {
            return Some((
                GapRelevance::Direct,
                Reason::EvidenceOnGap {
                    indicator: gap.indicator.clone(),
                    title: gap.title.clone(),
                    percentile: gap.percentile,
                    group_size: gap.group_size,
                    before: e.before,
                    after: e.after,
                },
            ));
        }
        theme_gap(gap, &item.focus_areas).map(|r| (GapRelevance::Theme, r))
    });
    if need <= 0.0 {
        return None;
    }
    let (factor, context) = context_factor(&city.city, places);
    reasons.push(context);
    Some(Match {
        id: item.id.clone(),
        score: need * factor,
        reasons,
    })
}

/// The `limit` solutions and practices that best meet the city's needs, best first (ties by id).
pub fn match_city_needs(city: &CityContext, items: &[Opportunity], limit: usize) -> Vec<Match> {
    top(
        items
            .iter()
            .filter_map(|item| score_for_city(city, item))
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
    use crate::entry::{Challenge, Evidence, Maturity, YearValue};
    use crate::peers::Band;

    fn bangkok() -> CityContext {
        CityContext {
            city: facts(
                "bangkok",
                "TH",
                Region::Asean,
                Some(Band::From5mTo10m),
                Some("tier-2"),
                Some(13.75),
            ),
            focus_areas: set(&["quality_environment", "built_infrastructure"]),
            challenges: [Challenge::AirPollution, Challenge::Congestion].into(),
            gaps: vec![
                gap("x:pm25", "PM2.5", 12.0, 9, Some("quality_environment")),
                gap(
                    "x:transit",
                    "Transit share",
                    30.0,
                    9,
                    Some("built_infrastructure"),
                ),
            ],
        }
    }

    fn practice(id: &str, worked_in: Vec<CityFacts>, evidence: Vec<Evidence>) -> Opportunity {
        Opportunity {
            id: entry_id(id),
            title: id.to_owned(),
            cities: worked_in.iter().map(|f| f.id.clone()).collect(),
            countries: worked_in.iter().map(|f| f.country).collect(),
            focus_areas: set(&["quality_environment"]),
            challenges: [Challenge::AirPollution].into(),
            details: OpportunityDetails::Practice {
                worked_in,
                evidence,
            },
        }
    }

    fn solution(id: &str, focus: &[&str], deployed_in: Vec<CityFacts>) -> Opportunity {
        Opportunity {
            id: entry_id(id),
            title: id.to_owned(),
            cities: Vec::new(),
            countries: BTreeSet::new(),
            focus_areas: set(focus),
            challenges: BTreeSet::new(),
            details: OpportunityDetails::Solution {
                maturity: Maturity::Deployed,
                deployed_in,
            },
        }
    }

    fn pm25_evidence() -> Evidence {
        Evidence {
            indicator: indicator("x:pm25"),
            before: YearValue {
                year: 2015,
                value: 55.0,
            },
            after: YearValue {
                year: 2020,
                value: 38.5,
            },
        }
    }

    #[test]
    fn a_practice_with_evidence_on_the_gap_in_a_comparable_city_scores_highest() {
        // Chiang Mai shares the region, tier-2 and the tropical zone with Bangkok, not its band: 3 of 4 facts.
        let chiang_mai = facts(
            "chiang-mai",
            "TH",
            Region::Asean,
            Some(Band::From1mTo5m),
            Some("tier-2"),
            Some(18.8),
        );
        let item = practice("clean-air-zones", vec![chiang_mai], vec![pm25_evidence()]);
        let m = score_for_city(&bangkok(), &item).expect("a match");
        // focus: 1 shared / min(2, 1) = 1; challenge: 1 / min(2, 1) = 1;
        // gap: pm25 is direct evidence, severity (100 − 12) / 100 = 0.88.
        // need = 0.35·1 + 0.25·1 + 0.4·0.88 = 0.952; factor = 0.5 + 0.5·3/4 = 0.875; score = 0.833.
        assert!((m.score - 0.952 * 0.875).abs() < 1e-12, "{}", m.score);
        assert_eq!(
            m.reasons,
            vec![
                Reason::SharedFocusArea {
                    id: "quality_environment".into()
                },
                Reason::SharedChallenge {
                    challenge: Challenge::AirPollution
                },
                Reason::EvidenceOnGap {
                    indicator: indicator("x:pm25"),
                    title: "PM2.5".into(),
                    percentile: 12.0,
                    group_size: 9,
                    before: YearValue {
                        year: 2015,
                        value: 55.0
                    },
                    after: YearValue {
                        year: 2020,
                        value: 38.5
                    },
                },
                Reason::ComparableCity {
                    city: city_id("chiang-mai"),
                    facts: vec![
                        SharedFact::Region(Region::Asean),
                        SharedFact::Tier("tier-2".into()),
                        SharedFact::LatitudeZone(LatitudeZone::Tropical),
                    ],
                },
            ]
        );
        assert!(m.reasons[2].sentence().contains(
            "12th percentile of 9 peer cities on PM2.5 (x:pm25); this practice moved it from 55 in 2015 to 38.5 in 2020"
        ));
    }

    #[test]
    fn solutions_count_gaps_by_theme_and_rank_by_score_then_id() {
        let beijing = facts(
            "beijing",
            "CN",
            Region::China,
            Some(Band::From10m),
            None,
            Some(39.9),
        );
        let items = vec![
            // Theme gaps: built_infrastructure's transit gap, severity 0.7, at half relevance: 0.35.
            // focus: 1 / min(2, 1) = 1; challenges: none shared, 0.
            // need = 0.35 + 0 + 0.4·0.35 = 0.49; no comparable place: factor 0.5; score 0.245.
            solution(
                "b-transit-app",
                &["built_infrastructure"],
                vec![beijing.clone()],
            ),
            // The same with no deployments at all: the same score, ranked after by id.
            solution("c-transit-app", &["built_infrastructure"], vec![]),
            // pm25 theme gap, severity 0.88 at half: 0.44; need = 0.35 + 0.4·0.44 = 0.526; factor 0.5: 0.263.
            solution("z-air-sensors", &["quality_environment"], vec![beijing]),
            // No need met at all: left out.
            solution("a-clinic-booking", &["health_wellbeing"], vec![]),
        ];
        let matches = match_city_needs(&bangkok(), &items, 10);
        let got: Vec<(&str, f64)> = matches.iter().map(|m| (m.id.as_str(), m.score)).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, "z-air-sensors");
        assert!((got[0].1 - 0.263).abs() < 1e-12);
        assert_eq!((got[1].0, got[2].0), ("b-transit-app", "c-transit-app"));
        assert!((got[1].1 - 0.245).abs() < 1e-12 && got[1].1 == got[2].1);
        assert_eq!(
            matches[1].reasons,
            vec![
                Reason::SharedFocusArea {
                    id: "built_infrastructure".into()
                },
                Reason::ClosesGap {
                    indicator: indicator("x:transit"),
                    title: "Transit share".into(),
                    percentile: 30.0,
                    group_size: 9,
                    focus_area: "built_infrastructure".into(),
                },
                Reason::NoComparableCity,
            ]
        );
        assert_eq!(match_city_needs(&bangkok(), &items, 1).len(), 1);
    }

    #[test]
    fn without_gaps_only_focus_areas_and_challenges_count() {
        let mut city = bangkok();
        city.gaps.clear();
        let item = practice("clean-air-zones", vec![], vec![pm25_evidence()]);
        let m = score_for_city(&city, &item).expect("a match");
        // need = 0.35·1 + 0.25·1 = 0.6; factor 0.5: 0.3. The evidence is not quoted: it is on no gap.
        assert!((m.score - 0.3).abs() < 1e-12);
        assert!(
            !m.reasons
                .iter()
                .any(|r| matches!(r, Reason::EvidenceOnGap { .. }))
        );
    }

    #[test]
    fn an_item_at_home_in_the_city_is_not_proposed_to_it() {
        let home = bangkok().city;
        let item = practice("bangkok-air", vec![home], vec![pm25_evidence()]);
        assert_eq!(score_for_city(&bangkok(), &item), None);
    }
}
