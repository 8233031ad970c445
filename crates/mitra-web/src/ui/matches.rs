//! Explained matches as pages show them: each match with its title, kind, fit out of 100 and its reasons in the
//! reader's language, the numbers behind each reason kept. The matching is the service's; this module only words it.

use mitra_service::domain::matching::{Match, Reason, SharedFact};
use mitra_service::domain::{CityId, EntryId};
use mitra_service::{Places, Shelf};

use super::Layout;
use super::format::{content_language, number};

/// One matched entry or city.
pub struct MatchItem {
    /// Where it is.
    pub href: String,
    /// Its title or name.
    pub title: String,
    /// The language of the title.
    pub title_lang: &'static str,
    /// Its kind, for an entry.
    pub kind: Option<String>,
    /// Whether it is an example.
    pub example: bool,
    /// The fit, out of 100, in words.
    pub score: String,
    /// Why, in the reader's language.
    pub reasons: Vec<String>,
    /// What the reader may do about it: address and label (propose a partnership, open the one going).
    pub action: Option<(String, String)>,
}

/// A list of matches under a heading.
pub struct MatchSection {
    /// The heading.
    pub heading: String,
    /// What the list is, in a sentence.
    pub intro: String,
    /// The matches, best first.
    pub items: Vec<MatchItem>,
    /// What to say when there are none.
    pub empty: String,
}

/// The items of entry matches.
pub fn entry_items(
    matches: &[Match],
    shelf: &Shelf,
    places: &Places,
    l: &Layout,
) -> Vec<MatchItem> {
    matches
        .iter()
        .map(|m| {
            let listing = shelf.entries.get(&m.id);
            let (title, title_lang, kind, example) = match listing {
                Some(listing) => {
                    let entry = &listing.stored.entry;
                    let text = entry.text_for(content_language(l.lang));
                    (
                        text.title.clone(),
                        text.lang.tag(),
                        Some(l.t2("entry-kind", entry.kind().tag())),
                        entry.example,
                    )
                }
                None => (m.id.to_string(), "en", None, false),
            };
            MatchItem {
                href: entry_href(&m.id),
                title,
                title_lang,
                kind,
                example,
                score: score_text(m.score, l),
                action: None,
                reasons: m
                    .reasons
                    .iter()
                    .map(|r| reason_text(r, places, l))
                    .collect(),
            }
        })
        .collect()
}

/// The items of city matches.
pub fn city_items(matches: &[Match<CityId>], places: &Places, l: &Layout) -> Vec<MatchItem> {
    matches
        .iter()
        .map(|m| {
            city_item(
                &m.id,
                m.score,
                m.reasons
                    .iter()
                    .map(|r| reason_text(r, places, l))
                    .collect(),
                places,
                l,
            )
        })
        .collect()
}

/// A matched city, named in the reader's language (by its id when Mitra does not list it), with its fit and reasons.
fn city_item(
    id: &CityId,
    score: f64,
    reasons: Vec<String>,
    places: &Places,
    l: &Layout,
) -> MatchItem {
    let (title, title_lang) = places.cities.get(id).map_or_else(
        || (id.to_string(), "en"),
        |c| {
            (
                crate::ui::format::city_name(c, l.lang).to_owned(),
                crate::ui::format::city_name_language(c, l.lang).tag(),
            )
        },
    );
    MatchItem {
        href: format!("/cities/{id}"),
        title,
        title_lang,
        kind: None,
        example: false,
        score: score_text(score, l),
        reasons,
        action: None,
    }
}

fn entry_href(id: &EntryId) -> String {
    format!("/entries/{id}")
}

fn score_text(score: f64, l: &Layout) -> String {
    l.ta("match-score", &[("score", format!("{:.0}", score * 100.0))])
}

fn usd(v: f64, lang: mitra_service::domain::Language) -> String {
    crate::ui::format::money(v.round(), "USD", lang)
}

fn city_name(places: &Places, id: &CityId, l: &Layout) -> String {
    places.cities.get(id).map_or_else(
        || id.to_string(),
        |c| crate::ui::format::city_name(c, l.lang).to_owned(),
    )
}

fn fact_text(fact: &SharedFact, l: &Layout) -> String {
    match fact {
        SharedFact::Region(r) => l.ta(
            "match-fact-region",
            &[("value", l.t2("region", r.as_str()))],
        ),
        SharedFact::Band(b) => l.ta("match-fact-band", &[("value", l.t2("band", b.as_str()))]),
        SharedFact::Tier(t) => l.ta("match-fact-tier", &[("value", l.t2("tier", t))]),
        SharedFact::LatitudeZone(z) => l.ta(
            "match-fact-zone",
            &[("value", l.t2("match-zone", z.as_str()))],
        ),
    }
}

/// A reason in the reader's language, with its numbers.
pub fn reason_text(reason: &Reason, places: &Places, l: &Layout) -> String {
    let key = format!("match-{}", reason.tag());
    let percentile = |p: f64| format!("{p:.0}");
    match reason {
        Reason::SharedFocusArea { id } => l.ta(&key, &[("area", l.t2("focus", id))]),
        Reason::SharedChallenge { challenge } => {
            l.ta(&key, &[("challenge", l.t2("challenge", challenge.tag()))])
        }
        Reason::ClosesGap {
            indicator,
            title,
            percentile: p,
            group_size,
            focus_area,
        } => l.ta(
            &key,
            &[
                ("indicator", format!("{title} ({indicator})")),
                ("percentile", percentile(*p)),
                ("size", group_size.to_string()),
                ("area", l.t2("focus", focus_area)),
            ],
        ),
        Reason::EvidenceOnGap {
            indicator,
            title,
            percentile: p,
            group_size,
            before,
            after,
        } => l.ta(
            &key,
            &[
                ("indicator", format!("{title} ({indicator})")),
                ("percentile", percentile(*p)),
                ("size", group_size.to_string()),
                ("before", number(before.value, l.lang)),
                ("before_year", before.year.to_string()),
                ("after", number(after.value, l.lang)),
                ("after_year", after.year.to_string()),
            ],
        ),
        Reason::ComparableCity { city, facts } => l.ta(
            &key,
            &[
                ("city", city_name(places, city, l)),
                (
                    "facts",
                    facts
                        .iter()
                        .map(|f| fact_text(f, l))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        ),
        Reason::CountryEligible { country } => l.ta(
            &key,
            &[(
                "country",
                places.countries.get(country.as_str()).map_or_else(
                    || country.to_string(),
                    |c| super::format::country_display(c, l.lang),
                ),
            )],
        ),
        Reason::AmountWithinRange { amount, min, max } => l.ta(
            &key,
            &[
                ("amount", usd(*amount, l.lang)),
                ("min", usd(*min, l.lang)),
                ("max", usd(*max, l.lang)),
            ],
        ),
        Reason::RangeNotStated { amount, min, max } => {
            let bound =
                |b: &Option<f64>| b.map_or_else(|| l.t("match-not-stated"), |v| usd(v, l.lang));
            l.ta(
                &key,
                &[
                    ("amount", usd(*amount, l.lang)),
                    ("min", bound(min)),
                    ("max", bound(max)),
                ],
            )
        }
        Reason::AmountNotConverted { amount, currency } => l.ta(
            &key,
            &[
                ("amount", number(*amount, l.lang)),
                ("currency", currency.clone()),
            ],
        ),
        Reason::DeadlineOpen {
            deadline,
            days_left,
        } => l.ta(
            &key,
            &[
                ("date", deadline.to_string()),
                ("days", days_left.to_string()),
            ],
        ),
        Reason::StageFits { stage, instrument } => l.ta(
            &key,
            &[
                ("stage", l.t2("entry-stage", stage.tag())),
                ("instrument", l.t2("entry-instrument", instrument.tag())),
            ],
        ),
        Reason::ReadinessMet { met, of } => {
            l.ta(&key, &[("met", met.to_string()), ("of", of.to_string())])
        }
        Reason::StartsOn { starts } => l.ta(&key, &[("date", starts.to_string())]),
        Reason::NoComparableCity
        | Reason::OpenToAllCountries
        | Reason::OpenToAllFocusAreas
        | Reason::AmountNotStated
        | Reason::NoDeadline => l.t(&key),
    }
}

/// Recommended partners as matched cities, each reason in the reader's language.
pub fn partner_items(
    matches: &[mitra_service::domain::partners::PartnerMatch],
    places: &Places,
    l: &Layout,
) -> Vec<MatchItem> {
    matches
        .iter()
        .map(|m| {
            city_item(
                &m.id,
                m.score,
                m.reasons
                    .iter()
                    .map(|r| partner_reason_text(r, l))
                    .collect(),
                places,
                l,
            )
        })
        .collect()
}

/// A partner reason in the reader's language, with its numbers.
pub fn partner_reason_text(
    reason: &mitra_service::domain::partners::PartnerReason,
    l: &Layout,
) -> String {
    use mitra_service::domain::partners::PartnerReason;
    let key = format!("partner-{}", reason.tag());
    match reason {
        PartnerReason::NoPrioritiesDeclared { focus_areas } => l.ta(
            &key,
            &[(
                "areas",
                focus_areas
                    .iter()
                    .map(|f| l.t2("focus", f))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        ),
        PartnerReason::StrongerWhereWeak {
            indicator,
            title,
            candidate,
            candidate_percentile,
            candidate_group_size,
            city,
            city_percentile,
            city_group_size,
            ..
        } => l.ta(
            &key,
            &[
                ("candidate", candidate.clone()),
                ("indicator", format!("{title} ({indicator})")),
                ("candidate_percentile", format!("{candidate_percentile:.0}")),
                ("candidate_size", candidate_group_size.to_string()),
                ("city", city.clone()),
                ("city_percentile", format!("{city_percentile:.0}")),
                ("city_size", city_group_size.to_string()),
            ],
        ),
        PartnerReason::DocumentedPractices {
            focus_area, count, ..
        } => l.ta(
            &key,
            &[
                ("count", count.to_string()),
                ("area", l.t2("focus", focus_area)),
            ],
        ),
        PartnerReason::SharedFact { fact } => l.ta(&key, &[("fact", fact_text(fact, l))]),
        PartnerReason::SameLanguage { language } => l.ta(&key, &[("language", language.clone())]),
        PartnerReason::SameCoast {
            coast,
            city_km,
            candidate_km,
        } => l.ta(
            &format!("{key}-{}", coast.as_str()),
            &[
                ("city_km", format!("{city_km:.0}")),
                ("candidate_km", format!("{candidate_km:.0}")),
            ],
        ),
        PartnerReason::NoSharedContext | PartnerReason::TieExists => l.t(&key),
    }
}
