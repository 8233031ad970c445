//! A city's gaps to training programmes: trainings whose focus areas and challenges meet the city's gap themes,
//! declared focus areas and challenges. Scored by the need fit alone, where a training on a gap's theme counts
//! that gap fully (training is how a city closes a gap in what its staff can do). A training that started before
//! `today` is not proposed.

use super::{
    CityContext, GapRelevance, Match, Opportunity, OpportunityDetails, Reason, need_fit, theme_gap,
    top,
};

/// The `limit` trainings that best meet the city's gaps and needs, best first (ties by id).
pub fn match_trainings(
    city: &CityContext,
    trainings: &[Opportunity],
    today: time::Date,
    limit: usize,
) -> Vec<Match> {
    top(
        trainings
            .iter()
            .filter_map(|t| {
                let OpportunityDetails::Training { starts } = t.details else {
                    return None;
                };
                if starts.is_some_and(|s| s < today) {
                    return None;
                }
                let (need, mut reasons) = need_fit(city, &t.focus_areas, &t.challenges, |gap| {
                    theme_gap(gap, &t.focus_areas).map(|r| (GapRelevance::Direct, r))
                });
                if need <= 0.0 {
                    return None;
                }
                reasons.extend(starts.map(|starts| Reason::StartsOn { starts }));
                Some(Match {
                    id: t.id.clone(),
                    score: need,
                    reasons,
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
    use crate::entry::Challenge;

    fn training(id: &str, focus: &[&str], challenges: &[Challenge], starts: &str) -> Opportunity {
        Opportunity {
            id: entry_id(id),
            title: id.into(),
            cities: Vec::new(),
            countries: BTreeSet::new(),
            focus_areas: set(focus),
            challenges: challenges.iter().copied().collect(),
            details: OpportunityDetails::Training {
                starts: Some(date(starts)),
            },
        }
    }

    fn city(gaps: Vec<Gap>) -> CityContext {
        CityContext {
            city: facts("vientiane", "LA", Region::Asean, None, None, Some(17.97)),
            focus_areas: set(&["safety_security"]),
            challenges: [Challenge::WaterPollution].into(),
            gaps,
        }
    }

    #[test]
    fn trainings_on_a_gap_theme_rank_first_and_quote_the_gap() {
        let gaps = vec![gap(
            "x:wastewater",
            "Wastewater treated",
            25.0,
            6,
            Some("quality_environment"),
        )];
        let trainings = vec![
            // gap theme: severity 0.75, counted fully; challenge 1/min(1,1) = 1; focus 0.
            // 0.25·1 + 0.4·0.75 = 0.55
            training(
                "water-quality-course",
                &["quality_environment"],
                &[Challenge::WaterPollution],
                "2026-12-10",
            ),
            // focus 1: 0.35
            training("emergency-drills", &["safety_security"], &[], "2027-01-15"),
            // started yesterday: not proposed
            training(
                "wastewater-basics",
                &["quality_environment"],
                &[],
                "2026-11-30",
            ),
            // nothing in common
            training(
                "startup-finance",
                &["industry_innovation"],
                &[],
                "2027-02-01",
            ),
        ];
        let matches = match_trainings(&city(gaps), &trainings, date("2026-12-01"), 10);
        let got: Vec<(&str, f64)> = matches.iter().map(|m| (m.id.as_str(), m.score)).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].0, got[1].0),
            ("water-quality-course", "emergency-drills")
        );
        assert!((got[0].1 - 0.55).abs() < 1e-12, "{}", got[0].1);
        assert!((got[1].1 - 0.35).abs() < 1e-12, "{}", got[1].1);
        assert_eq!(
            matches[0].reasons,
            vec![
                Reason::SharedChallenge {
                    challenge: Challenge::WaterPollution
                },
                Reason::ClosesGap {
                    indicator: indicator("x:wastewater"),
                    title: "Wastewater treated".into(),
                    percentile: 25.0,
                    group_size: 6,
                    focus_area: "quality_environment".into(),
                },
                Reason::StartsOn {
                    starts: date("2026-12-10")
                },
            ]
        );
        assert!(
            matches[0].reasons[1]
                .sentence()
                .contains("25th percentile of 6 peer cities")
        );
    }

    #[test]
    fn a_gap_among_too_few_peers_moves_nothing() {
        let small = honest_gaps(
            [gap(
                "x:wastewater",
                "Wastewater treated",
                5.0,
                3,
                Some("quality_environment"),
            )],
            5,
        );
        let trainings = vec![training(
            "wastewater-basics",
            &["quality_environment"],
            &[],
            "2026-12-02",
        )];
        assert!(match_trainings(&city(small), &trainings, date("2026-12-01"), 10).is_empty());
    }
}
