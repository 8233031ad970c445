//! An assessment report as plain data with names in one language: what the API, the assessment page and
//! `mitra assess --format json` show. It only reshapes a finished [`AssessmentReport`]; it decides nothing.

use mitra_domain::assessment;

use super::AssessmentReport;

/// An assessment as plain data, for JSON (the API and `mitra assess --format json`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct AssessmentView {
    /// City id.
    pub city: String,
    /// Standard id.
    pub standard: String,
    /// Scheme id.
    pub scheme: String,
    /// Scheme title.
    pub scheme_title: String,
    /// What the scheme is and is not.
    pub scheme_note: String,
    /// Year assessed; null when the city has no value for the standard.
    pub year: Option<i32>,
    /// The level reached (`{"id", "name"}`), or null.
    pub level: Option<LevelView>,
    /// The next level and the indicators missing for it, or null at the top.
    pub next_level: Option<NextLevelView>,
    /// Per kind: `[valid values, indicators]`.
    pub counts: std::collections::BTreeMap<String, (u32, u32)>,
    /// Valid values.
    pub items: Vec<ItemView>,
    /// Values that do not count.
    pub invalid: Vec<FindingView>,
    /// Values to check.
    pub warnings: Vec<FindingView>,
}

/// A level.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LevelView {
    /// Id.
    pub id: String,
    /// Name in the asked language.
    pub name: String,
}

/// The next level and the gap.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NextLevelView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Per kind that falls short.
    pub missing: Vec<GapView>,
}

/// What one kind lacks.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GapView {
    /// Indicator kind.
    pub kind: String,
    /// How many more valid values are needed.
    pub needed: u32,
    /// The indicators without a valid value; any `needed` of them will do.
    pub indicators: Vec<String>,
}

/// A value that counts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemView {
    /// Indicator id.
    pub indicator: String,
    /// Kind.
    pub kind: String,
    /// Value in the indicator's unit.
    pub value: f64,
    /// Unit.
    pub unit: Option<String>,
    /// Source.
    pub source: String,
    /// Review status.
    pub status: String,
    /// The other standard's indicator it was reported under, when recognised through the crosswalk.
    pub recognised_from: Option<String>,
}

/// A finding.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FindingView {
    /// Indicator id, or null for the data as a whole.
    pub indicator: Option<String>,
    /// What is the matter: written in English, and said in the reader's language by the interface.
    #[serde(serialize_with = "in_english")]
    pub reason: mitra_domain::Reason,
}

/// A reason as its English text.
fn in_english<S: serde::Serializer>(
    reason: &mitra_domain::Reason,
    out: S,
) -> Result<S::Ok, S::Error> {
    out.collect_str(reason)
}

impl AssessmentReport {
    /// The report as plain data, with names in `language`.
    pub fn view(&self, language: mitra_domain::Language) -> AssessmentView {
        let a = &self.assessment;
        let zh = language == mitra_domain::Language::ZhHans;
        let level_view = |index: usize| LevelView {
            id: self.scheme.levels[index].id.clone(),
            name: self.scheme.level_name(index, language).to_owned(),
        };
        let finding = |f: &assessment::Finding| FindingView {
            indicator: f.indicator.as_ref().map(ToString::to_string),
            reason: f.reason.clone(),
        };
        AssessmentView {
            city: self.city.id.to_string(),
            standard: self.scheme.standard.clone(),
            scheme: self.scheme.id.clone(),
            scheme_title: if zh {
                &self.scheme.title_zh
            } else {
                &self.scheme.title_en
            }
            .clone(),
            scheme_note: if zh {
                &self.scheme.note_zh
            } else {
                &self.scheme.note_en
            }
            .clone(),
            year: a.year,
            level: a.level.map(level_view),
            next_level: a.next.as_ref().map(|gap| {
                let level = level_view(gap.level);
                NextLevelView {
                    id: level.id,
                    name: level.name,
                    missing: gap
                        .kinds
                        .iter()
                        .map(|k| GapView {
                            kind: k.kind.as_str().into(),
                            needed: k.needed,
                            indicators: k.missing.iter().map(ToString::to_string).collect(),
                        })
                        .collect(),
                }
            }),
            counts: a.counts.clone(),
            items: a
                .items
                .iter()
                .map(|i| ItemView {
                    indicator: i.indicator.to_string(),
                    kind: i.kind.as_str().into(),
                    value: i.value,
                    unit: i.unit.clone(),
                    source: i.source.clone(),
                    status: i.status.as_str().into(),
                    recognised_from: i.recognised_from.as_ref().map(ToString::to_string),
                })
                .collect(),
            invalid: a.invalid.iter().map(finding).collect(),
            warnings: a.warnings.iter().map(finding).collect(),
        }
    }
}
