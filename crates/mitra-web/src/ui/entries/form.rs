//! The form that writes an entry: a text block per language, what the entry concerns, and one fieldset with the
//! details of its kind. Lists are typed as comma- or line-separated text, choices as selects and checkboxes, so the
//! whole form works from the keyboard and without scripts.
//!
//! This module only reads and fills the form's fields: what makes an entry valid is the domain's and the service's
//! to say, and their refusals are mapped back to the field that caused them.

use std::collections::BTreeSet;

use mitra_service::domain::entry::{
    Challenge, ContentLanguage, Details, EnergyTag, EntryKind, EntryText, EventKind, Evidence,
    InnovationKind, Instrument, LocalTime, Maturity, Money, ProjectNeeds, ProjectStage, Readiness,
    SourceLink, TextOrigin, TrainingFormat, YearValue,
};
use mitra_service::domain::ids::clip;
use mitra_service::domain::{CityId, Entry, EntryId, IndicatorId, Reason, StandardId, slug};
use serde::{Deserialize, Deserializer};

use crate::ui::format::plain_number;
use crate::ui::forms::FieldError;

/// Rows of repeated blocks a form may send; more are ignored.
const MAX_ROWS: usize = 40;

/// One language's text block.
#[derive(Debug, Default, Clone)]
pub struct TextRow {
    pub lang: String,
    pub origin: String,
    pub title: String,
    pub summary: String,
    pub body: String,
}

impl TextRow {
    fn is_blank(&self) -> bool {
        [&self.title, &self.summary, &self.body]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// One evidence row of a practice.
#[derive(Debug, Default, Clone)]
pub struct EvidenceRow {
    pub indicator: String,
    pub before_year: String,
    pub before_value: String,
    pub after_year: String,
    pub after_value: String,
}

impl EvidenceRow {
    fn is_blank(&self) -> bool {
        [
            &self.indicator,
            &self.before_year,
            &self.before_value,
            &self.after_year,
            &self.after_value,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// Everything the entry form sends, as typed.
#[derive(Debug, Default, Clone)]
pub struct EntryForm {
    pub csrf_token: String,
    pub org: String,
    pub id: String,
    pub kind: String,
    pub texts: Vec<TextRow>,
    pub cities: String,
    pub organisations: String,
    pub challenges: Vec<String>,
    pub focus_areas: Vec<String>,
    pub sdgs: String,
    pub indicators: String,
    pub tags: String,
    pub year_from: String,
    pub year_to: String,
    pub sources: String,
    pub example: bool,
    pub outcome: String,
    pub evidence: Vec<EvidenceRow>,
    pub innovation_kind: String,
    pub energy: Vec<String>,
    pub deadline: String,
    pub provider: String,
    pub maturity: String,
    pub deployed_in: String,
    pub standards: String,
    pub stage: String,
    pub capital_amount: String,
    pub capital_currency: String,
    pub technology: String,
    pub partners: String,
    pub readiness: Vec<String>,
    pub funder: String,
    pub instrument: String,
    pub amount_min: String,
    pub amount_max: String,
    pub currency: String,
    pub countries: String,
    pub sectors: String,
    pub topic: String,
    pub format: String,
    pub language: String,
    pub starts: String,
    pub ends: String,
    pub timezone: String,
    pub seats: String,
    pub event_kind: String,
    pub place: String,
}

crate::ui::forms::has_csrf!(EntryForm);

impl<'de> Deserialize<'de> for EntryForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs = Vec::<(String, String)>::deserialize(deserializer)?;
        Ok(Self::from_pairs(pairs))
    }
}

/// `name_3` → (`name`, 3).
fn indexed(name: &str) -> Option<(&str, usize)> {
    let (head, index) = name.rsplit_once('_')?;
    let index: usize = index.parse().ok()?;
    (index < MAX_ROWS).then_some((head, index))
}

fn row<T: Default>(rows: &mut Vec<T>, index: usize) -> &mut T {
    if rows.len() <= index {
        rows.resize_with(index + 1, T::default);
    }
    &mut rows[index]
}

/// Splits a list typed with commas (or new lines), dropping empty items.
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', '\n', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Splits a list typed one item per line.
fn lines(raw: &str) -> impl Iterator<Item = &str> {
    raw.lines().map(str::trim).filter(|s| !s.is_empty())
}

/// A line of the sources field: `title | address | retrieved`, `title | address`, an address alone (its own
/// title) or a title alone. A third part is the retrieval date when it starts like one (`2026-12-03`, `2026-11`);
/// the entry's checks decide whether it is one.
fn source_line(line: &str) -> SourceLink {
    let dated = |part: &str| {
        let bytes = part.as_bytes();
        bytes.len() >= 7 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-'
    };
    let (rest, retrieved) = match line.rsplit_once('|') {
        Some((rest, date)) if rest.contains('|') && dated(date.trim()) => {
            (rest.trim(), Some(date.trim().to_owned()))
        }
        _ => (line, None),
    };
    let (title, url) = match rest.rsplit_once('|') {
        Some((title, url)) => (title.trim().to_owned(), optional(url)),
        None if rest.starts_with("http://") || rest.starts_with("https://") => {
            (rest.to_owned(), Some(rest.to_owned()))
        }
        None => (rest.to_owned(), None),
    };
    SourceLink {
        title,
        url,
        retrieved,
    }
}

fn optional(raw: &str) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|s| !s.is_empty())
}

fn error(field: &str, reason: Reason) -> FieldError {
    FieldError::invalid(field, reason)
}

fn number(field: &str, raw: &str) -> Result<Option<f64>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.replace(['_', ' '], "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| error(field, Reason::not_a_number(clip(raw))))
}

fn whole<T: std::str::FromStr>(field: &str, raw: &str) -> Result<Option<T>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<T>()
        .map(Some)
        .map_err(|_| error(field, Reason::not_a_whole_number(clip(raw))))
}

fn required(field: &str, raw: &str) -> Result<String, FieldError> {
    optional(raw).ok_or_else(|| error(field, Reason::required()))
}

fn tag<T>(
    field: &str,
    raw: &str,
    parse: fn(&str) -> Result<T, mitra_service::domain::ValidationError>,
) -> Result<T, FieldError> {
    parse(raw).map_err(|e| error(field, e.reason))
}

fn tags<T: Ord>(
    field: &str,
    raw: &[String],
    parse: fn(&str) -> Result<T, mitra_service::domain::ValidationError>,
) -> Result<BTreeSet<T>, FieldError> {
    raw.iter().map(|r| tag(field, r, parse)).collect()
}

fn ids<T>(
    field: &str,
    raw: &str,
    parse: fn(&str) -> Result<T, mitra_service::domain::ValidationError>,
) -> Result<Vec<T>, FieldError> {
    items(raw).map(|r| tag(field, r, parse)).collect()
}

fn money(
    amount_field: &str,
    amount: &str,
    currency_field: &str,
    currency: &str,
) -> Result<Option<Money>, FieldError> {
    let Some(amount) = number(amount_field, amount)? else {
        return Ok(None);
    };
    let currency = currency.trim().to_ascii_uppercase();
    if currency.is_empty() {
        return Err(error(currency_field, Reason::currency_required()));
    }
    Ok(Some(Money { amount, currency }))
}

fn local_time(field: &str, at: &str, timezone: &str) -> Result<LocalTime, FieldError> {
    Ok(LocalTime {
        at: required(field, at)?,
        timezone: required("timezone", timezone)?,
    })
}

fn join<T: std::fmt::Display>(values: impl IntoIterator<Item = T>, separator: &str) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(separator)
}

impl EntryForm {
    /// The form as sent: repeated blocks are numbered (`title_0`, `evidence_1_after_year`), checkboxes repeat
    /// their name.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            if let Some(rest) = name.strip_prefix("evidence_") {
                if let Some((index, field)) = rest.split_once('_')
                    && let Ok(index) = index.parse::<usize>()
                    && index < MAX_ROWS
                {
                    let r = row(&mut form.evidence, index);
                    match field {
                        "indicator" => r.indicator = value,
                        "before_year" => r.before_year = value,
                        "before_value" => r.before_value = value,
                        "after_year" => r.after_year = value,
                        "after_value" => r.after_value = value,
                        _ => {}
                    }
                }
                continue;
            }
            if let Some((field, index)) = indexed(&name)
                && matches!(field, "lang" | "origin" | "title" | "summary" | "body")
            {
                let r = row(&mut form.texts, index);
                match field {
                    "lang" => r.lang = value,
                    "origin" => r.origin = value,
                    "title" => r.title = value,
                    "summary" => r.summary = value,
                    _ => r.body = value,
                }
                continue;
            }
            let slot = match name.as_str() {
                "csrf_token" => &mut form.csrf_token,
                "org" => &mut form.org,
                "id" => &mut form.id,
                "kind" => &mut form.kind,
                "cities" => &mut form.cities,
                "organisations" => &mut form.organisations,
                "sdgs" => &mut form.sdgs,
                "indicators" => &mut form.indicators,
                "tags" => &mut form.tags,
                "year_from" => &mut form.year_from,
                "year_to" => &mut form.year_to,
                "sources" => &mut form.sources,
                "outcome" => &mut form.outcome,
                "innovation_kind" => &mut form.innovation_kind,
                "deadline" => &mut form.deadline,
                "provider" => &mut form.provider,
                "maturity" => &mut form.maturity,
                "deployed_in" => &mut form.deployed_in,
                "standards" => &mut form.standards,
                "stage" => &mut form.stage,
                "capital_amount" => &mut form.capital_amount,
                "capital_currency" => &mut form.capital_currency,
                "technology" => &mut form.technology,
                "partners" => &mut form.partners,
                "funder" => &mut form.funder,
                "instrument" => &mut form.instrument,
                "amount_min" => &mut form.amount_min,
                "amount_max" => &mut form.amount_max,
                "currency" => &mut form.currency,
                "countries" => &mut form.countries,
                "sectors" => &mut form.sectors,
                "topic" => &mut form.topic,
                "format" => &mut form.format,
                "language" => &mut form.language,
                "starts" => &mut form.starts,
                "ends" => &mut form.ends,
                "timezone" => &mut form.timezone,
                "seats" => &mut form.seats,
                "event_kind" => &mut form.event_kind,
                "place" => &mut form.place,
                "challenges" => {
                    form.challenges.push(value);
                    continue;
                }
                "focus_areas" => {
                    form.focus_areas.push(value);
                    continue;
                }
                "energy" => {
                    form.energy.push(value);
                    continue;
                }
                "readiness" => {
                    form.readiness.push(value);
                    continue;
                }
                "example" => {
                    form.example = value == "on" || value == "true";
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        form
    }

    /// An empty form for a new entry of `kind`: an English original and a Chinese block to fill in.
    pub fn blank(kind: EntryKind) -> Self {
        let mut form = Self {
            kind: kind.tag().into(),
            texts: vec![
                TextRow {
                    lang: ContentLanguage::En.tag().into(),
                    origin: TextOrigin::Original.tag().into(),
                    ..TextRow::default()
                },
                TextRow {
                    lang: ContentLanguage::ZhHans.tag().into(),
                    origin: TextOrigin::HumanTranslation.tag().into(),
                    ..TextRow::default()
                },
            ],
            seats: "20".into(),
            ..Self::default()
        };
        form.pad();
        form
    }

    /// Makes sure there is an empty text block (for another language) and an empty evidence row, so one more
    /// can be typed.
    pub fn pad(&mut self) {
        if self.texts.iter().all(|t| !t.is_blank()) && self.texts.len() < ContentLanguage::ALL.len()
        {
            let used: BTreeSet<&str> = self.texts.iter().map(|t| t.lang.as_str()).collect();
            let next = ContentLanguage::ALL
                .iter()
                .find(|l| !used.contains(l.tag()))
                .map_or("", |l| l.tag());
            self.texts.push(TextRow {
                lang: next.into(),
                origin: TextOrigin::HumanTranslation.tag().into(),
                ..TextRow::default()
            });
        }
        if self.evidence.iter().all(|e| !e.is_blank()) {
            self.evidence.push(EvidenceRow::default());
        }
    }

    /// The form filled with a stored entry.
    pub fn from_entry(entry: &Entry) -> Self {
        let mut form = Self {
            id: entry.id.to_string(),
            kind: entry.kind().tag().into(),
            texts: entry
                .texts
                .iter()
                .map(|t| TextRow {
                    lang: t.lang.tag().into(),
                    origin: t.origin.tag().into(),
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    body: t.body.clone(),
                })
                .collect(),
            cities: join(&entry.cities, ", "),
            organisations: entry.organisations.join("\n"),
            challenges: entry.challenges.iter().map(|c| c.tag().into()).collect(),
            focus_areas: entry.focus_areas.iter().cloned().collect(),
            sdgs: join(&entry.sdgs, ", "),
            indicators: join(&entry.indicators, ", "),
            tags: join(&entry.tags, ", "),
            year_from: entry.year_from.map(|y| y.to_string()).unwrap_or_default(),
            year_to: entry.year_to.map(|y| y.to_string()).unwrap_or_default(),
            sources: entry
                .sources
                .iter()
                .map(|s| match (&s.url, &s.retrieved) {
                    (url, Some(date)) => {
                        format!(
                            "{} | {} | {date}",
                            s.title,
                            url.as_deref().unwrap_or_default()
                        )
                    }
                    (Some(url), None) => format!("{} | {url}", s.title),
                    (None, None) => s.title.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            example: entry.example,
            ..Self::default()
        };
        match &entry.details {
            Details::Practice { evidence, outcome } => {
                form.outcome = outcome.clone().unwrap_or_default();
                form.evidence = evidence
                    .iter()
                    .map(|e| EvidenceRow {
                        indicator: e.indicator.to_string(),
                        before_year: e.before.year.to_string(),
                        before_value: e.before.value.to_string(),
                        after_year: e.after.year.to_string(),
                        after_value: e.after.value.to_string(),
                    })
                    .collect();
            }
            Details::Innovation {
                innovation_kind,
                energy,
                deadline,
            } => {
                form.innovation_kind = innovation_kind.tag().into();
                form.energy = energy.iter().map(|e| e.tag().into()).collect();
                form.deadline = deadline.clone().unwrap_or_default();
            }
            Details::Solution {
                provider,
                maturity,
                deployed_in,
                standards,
            } => {
                form.provider = provider.clone();
                form.maturity = maturity.tag().into();
                form.deployed_in = join(deployed_in, ", ");
                form.standards = join(standards, ", ");
            }
            Details::Project {
                stage,
                needs,
                readiness,
            } => {
                form.stage = stage.tag().into();
                if let Some(capital) = &needs.capital {
                    form.capital_amount = plain_number(capital.amount);
                    form.capital_currency = capital.currency.clone();
                }
                form.technology = needs.technology.clone().unwrap_or_default();
                form.partners = needs.partners.clone().unwrap_or_default();
                form.readiness = readiness.iter().map(|r| r.tag().into()).collect();
            }
            Details::Funding {
                funder,
                instrument,
                amount_min,
                amount_max,
                countries,
                sectors,
                deadline,
            } => {
                form.funder = funder.clone();
                form.instrument = instrument.tag().into();
                form.amount_min = amount_min
                    .as_ref()
                    .map(|m| plain_number(m.amount))
                    .unwrap_or_default();
                form.amount_max = amount_max
                    .as_ref()
                    .map(|m| plain_number(m.amount))
                    .unwrap_or_default();
                form.currency = amount_min
                    .as_ref()
                    .or(amount_max.as_ref())
                    .map(|m| m.currency.clone())
                    .unwrap_or_default();
                form.countries = countries.join(", ");
                form.sectors = sectors.join("\n");
                form.deadline = deadline.clone().unwrap_or_default();
            }
            Details::Training {
                provider,
                topic,
                format,
                language,
                starts,
                ends,
                seats,
            } => {
                form.provider = provider.clone();
                form.topic = topic.clone();
                form.format = format.tag().into();
                form.language = language.tag().into();
                form.starts = starts.at.clone();
                form.ends = ends.at.clone();
                form.timezone = starts.timezone.clone();
                form.seats = seats.to_string();
            }
            Details::Event {
                event_kind,
                starts,
                ends,
                place,
            } => {
                form.event_kind = event_kind.tag().into();
                form.starts = starts.at.clone();
                form.ends = ends.at.clone();
                form.timezone = starts.timezone.clone();
                form.place = place.clone().unwrap_or_default();
            }
        }
        form.pad();
        form
    }

    /// The text rows that hold text, with their row numbers.
    fn filled_texts(&self) -> Vec<(usize, &TextRow)> {
        self.texts
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.is_blank())
            .collect()
    }

    /// The entry the form describes; the error names the form's field.
    pub fn to_entry(&self) -> Result<Entry, FieldError> {
        let kind = tag("kind", &self.kind, EntryKind::parse)?;
        let texts = self
            .filled_texts()
            .into_iter()
            .map(|(i, t)| {
                Ok(EntryText {
                    lang: tag(&format!("lang_{i}"), &t.lang, ContentLanguage::parse)?,
                    origin: tag(&format!("origin_{i}"), &t.origin, TextOrigin::parse)?,
                    title: t.title.trim().to_owned(),
                    summary: t.summary.trim().to_owned(),
                    body: t.body.trim().to_owned(),
                })
            })
            .collect::<Result<Vec<_>, FieldError>>()?;
        let id = match optional(&self.id) {
            Some(id) => tag("id", &id, EntryId::parse)?,
            None => {
                let title = texts
                    .iter()
                    .find(|t| t.lang == ContentLanguage::En)
                    .or(texts.first())
                    .map(|t| t.title.as_str())
                    .unwrap_or_default();
                let mut made = slug::slugify(title);
                made.truncate(80);
                EntryId::parse(made.trim_end_matches('-'))
                    .map_err(|_| error("id", Reason::id_required()))?
            }
        };
        let sources = lines(&self.sources).map(source_line).collect();
        let sdgs = items(&self.sdgs)
            .map(|s| {
                s.parse::<u8>()
                    .map_err(|_| error("sdgs", Reason::not_an_sdg(clip(s))))
            })
            .collect::<Result<BTreeSet<u8>, FieldError>>()?;
        Ok(Entry {
            id,
            texts,
            cities: ids("cities", &self.cities, CityId::parse)?,
            organisations: lines(&self.organisations).map(str::to_owned).collect(),
            challenges: tags("challenges", &self.challenges, Challenge::parse)?,
            focus_areas: self.focus_areas.iter().cloned().collect(),
            sdgs,
            indicators: ids("indicators", &self.indicators, IndicatorId::parse)?,
            tags: items(&self.tags).map(str::to_lowercase).collect(),
            year_from: whole("year_from", &self.year_from)?,
            year_to: whole("year_to", &self.year_to)?,
            sources,
            example: self.example,
            details: self.details(kind)?,
        })
    }

    fn details(&self, kind: EntryKind) -> Result<Details, FieldError> {
        Ok(match kind {
            EntryKind::Practice => Details::Practice {
                evidence: self
                    .evidence
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| !e.is_blank())
                    .map(|(i, e)| {
                        let field = |name: &str| format!("evidence_{i}_{name}");
                        let need = |name: &str, raw: &str| {
                            required(&field(name), raw).map(|_| ())?;
                            Ok::<_, FieldError>(())
                        };
                        need("before_year", &e.before_year)?;
                        need("after_year", &e.after_year)?;
                        need("before_value", &e.before_value)?;
                        need("after_value", &e.after_value)?;
                        Ok(Evidence {
                            indicator: tag(
                                &field("indicator"),
                                &required(&field("indicator"), &e.indicator)?,
                                IndicatorId::parse,
                            )?,
                            before: YearValue {
                                year: whole(&field("before_year"), &e.before_year)?.unwrap_or(0),
                                value: number(&field("before_value"), &e.before_value)?
                                    .unwrap_or(0.0),
                            },
                            after: YearValue {
                                year: whole(&field("after_year"), &e.after_year)?.unwrap_or(0),
                                value: number(&field("after_value"), &e.after_value)?
                                    .unwrap_or(0.0),
                            },
                        })
                    })
                    .collect::<Result<_, FieldError>>()?,
                outcome: optional(&self.outcome),
            },
            EntryKind::Innovation => Details::Innovation {
                innovation_kind: tag(
                    "innovation_kind",
                    &self.innovation_kind,
                    InnovationKind::parse,
                )?,
                energy: tags("energy", &self.energy, EnergyTag::parse)?,
                deadline: optional(&self.deadline),
            },
            EntryKind::Solution => Details::Solution {
                provider: self.provider.trim().to_owned(),
                maturity: tag("maturity", &self.maturity, Maturity::parse)?,
                deployed_in: ids("deployed_in", &self.deployed_in, CityId::parse)?,
                standards: ids("standards", &self.standards, StandardId::parse)?,
            },
            EntryKind::Project => Details::Project {
                stage: tag("stage", &self.stage, ProjectStage::parse)?,
                needs: ProjectNeeds {
                    capital: money(
                        "capital_amount",
                        &self.capital_amount,
                        "capital_currency",
                        &self.capital_currency,
                    )?,
                    technology: optional(&self.technology),
                    partners: optional(&self.partners),
                },
                readiness: tags("readiness", &self.readiness, Readiness::parse)?,
            },
            EntryKind::Funding => Details::Funding {
                funder: self.funder.trim().to_owned(),
                instrument: tag("instrument", &self.instrument, Instrument::parse)?,
                amount_min: money("amount_min", &self.amount_min, "currency", &self.currency)?,
                amount_max: money("amount_max", &self.amount_max, "currency", &self.currency)?,
                countries: items(&self.countries)
                    .map(|c| c.to_ascii_uppercase())
                    .collect(),
                sectors: lines(&self.sectors).map(str::to_owned).collect(),
                deadline: optional(&self.deadline),
            },
            EntryKind::Training => Details::Training {
                provider: self.provider.trim().to_owned(),
                topic: self.topic.trim().to_owned(),
                format: tag("format", &self.format, TrainingFormat::parse)?,
                language: tag("language", &self.language, ContentLanguage::parse)?,
                starts: local_time("starts", &self.starts, &self.timezone)?,
                ends: local_time("ends", &self.ends, &self.timezone)?,
                seats: whole("seats", &self.seats)?
                    .ok_or_else(|| error("seats", Reason::required()))?,
            },
            EntryKind::Event => Details::Event {
                event_kind: tag("event_kind", &self.event_kind, EventKind::parse)?,
                starts: local_time("starts", &self.starts, &self.timezone)?,
                ends: local_time("ends", &self.ends, &self.timezone)?,
                place: optional(&self.place),
            },
        })
    }

    /// The form field behind a field the entry's checks named (`texts[1].title` → `title_<row>`).
    pub fn form_field(&self, checked: &str) -> String {
        let filled = self.filled_texts();
        let index_of = |rest: &str| -> Option<(usize, String)> {
            let (index, tail) = rest.split_once(']')?;
            Some((index.parse().ok()?, tail.trim_start_matches('.').to_owned()))
        };
        if let Some(rest) = checked.strip_prefix("texts[")
            && let Some((i, field)) = index_of(rest)
        {
            let row = filled.get(i).map_or(0, |(row, _)| *row);
            return format!("{}_{row}", if field.is_empty() { "title" } else { &field });
        }
        if checked == "texts" {
            let row = filled.first().map_or(0, |(row, _)| *row);
            return format!("origin_{row}");
        }
        if let Some(rest) = checked.strip_prefix("evidence[")
            && let Some((i, field)) = index_of(rest)
        {
            let row = self
                .evidence
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.is_blank())
                .nth(i)
                .map_or(0, |(row, _)| row);
            let field = match field.as_str() {
                "" => "before_value".to_owned(),
                other => other.replace('.', "_"),
            };
            return format!("evidence_{row}_{field}");
        }
        let base = checked.split(['[', '.']).next().unwrap_or(checked);
        match checked {
            "needs.capital" => "capital_amount".into(),
            "needs.capital.currency" => "capital_currency".into(),
            "needs.technology" => "technology".into(),
            "needs.partners" => "partners".into(),
            "amount_min.currency" | "amount_max.currency" => "currency".into(),
            "starts.timezone" | "ends.timezone" => "timezone".into(),
            _ => base.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The entry form's fields, numbered ones included, and names no form has.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("kind".to_owned()),
            Just("id".to_owned()),
            Just("lang_0".to_owned()),
            Just("title_0".to_owned()),
            Just("summary_0".to_owned()),
            Just("origin_0".to_owned()),
            Just("cities".to_owned()),
            Just("sdgs".to_owned()),
            Just("year_from".to_owned()),
            Just("year_to".to_owned()),
            Just("starts".to_owned()),
            Just("ends".to_owned()),
            Just("timezone".to_owned()),
            Just("seats".to_owned()),
            Just("amount_min".to_owned()),
            Just("currency".to_owned()),
            Just("evidence_0_indicator".to_owned()),
            Just("evidence_0_before_value".to_owned()),
            Just("evidence_99999999999_after_year".to_owned()),
            Just("lang_18446744073709551615".to_owned()),
            "[a-z_0-9]{0,24}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("MITRA_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
        ))]

        #[test]
        fn any_form_makes_an_entry_or_names_the_field_it_refuses(
            sent in prop::collection::vec((field(), ".{0,60}"), 0..24)
        ) {
            let form = EntryForm::from_pairs(sent);
            if let Err(refused) = form.to_entry() {
                let said = refused.shown(&mitra_service::domain::Language::Th);
                prop_assert!(!said.text.is_empty());
                prop_assert!(said.text.chars().count() <= 600, "{}", said.text);
            }
        }
    }

    #[test]
    fn a_filled_form_makes_the_entry_it_shows_and_back() {
        let form = EntryForm::from_pairs(pairs(&[
            ("kind", "project"),
            ("lang_0", "en"),
            ("origin_0", "original"),
            ("title_0", "Flood pumps for Jakarta North"),
            ("summary_0", "Pumps."),
            ("lang_1", "zh-Hans"),
            ("origin_1", "human-translation"),
            ("title_1", ""),
            ("summary_1", ""),
            ("cities", "id-jakarta"),
            ("challenges", "water-pollution"),
            ("challenges", "congestion"),
            ("sdgs", "6, 11"),
            ("stage", "feasibility"),
            ("capital_amount", "12 000 000"),
            ("capital_currency", "usd"),
            ("readiness", "in-city-plan"),
            (
                "sources",
                "Plan | https://example.org/plan\nA report\nADB | https://adb.example/a | 2026-12-03\n\
                 SCAP, 2018 |  | 2026-11",
            ),
        ]));
        let entry = form.to_entry().expect("valid");
        assert_eq!(entry.id.as_str(), "flood-pumps-for-jakarta-north");
        assert_eq!(entry.texts.len(), 1, "the empty Chinese block is dropped");
        assert_eq!(entry.challenges.len(), 2);
        assert_eq!(entry.sdgs, BTreeSet::from([6, 11]));
        assert_eq!(
            entry.sources[0].url.as_deref(),
            Some("https://example.org/plan")
        );
        assert_eq!(entry.sources[1].url, None);
        assert_eq!(
            (
                entry.sources[2].url.as_deref(),
                entry.sources[2].retrieved.as_deref()
            ),
            (Some("https://adb.example/a"), Some("2026-12-03")),
            "a third part says when the source was read"
        );
        assert_eq!(
            (
                entry.sources[3].title.as_str(),
                entry.sources[3].url.as_deref(),
                entry.sources[3].retrieved.as_deref()
            ),
            ("SCAP, 2018", None, Some("2026-11"))
        );
        let Details::Project { needs, .. } = &entry.details else {
            panic!("a project")
        };
        assert_eq!(
            needs.capital,
            Some(Money {
                amount: 12_000_000.0,
                currency: "USD".into()
            })
        );
        let again = EntryForm::from_entry(&entry).to_entry().expect("valid");
        assert_eq!(again, entry);
    }

    #[test]
    fn errors_name_the_form_field() {
        let form = EntryForm::from_pairs(pairs(&[
            ("kind", "practice"),
            ("lang_0", "en"),
            ("origin_0", "original"),
            ("title_0", "A"),
            ("summary_0", "B"),
            ("evidence_0_indicator", "iso37120-2014:8.1"),
            ("evidence_0_before_year", "2018"),
            ("evidence_0_before_value", "ten"),
            ("evidence_0_after_year", "2020"),
            ("evidence_0_after_value", "3"),
        ]));
        let e = form.to_entry().expect_err("not a number");
        assert_eq!(e.field, "evidence_0_before_value");
        let said = e.shown(&mitra_service::domain::Language::En).text;
        assert!(said.contains("'ten' is not a number"), "{said}");

        let form = EntryForm::from_pairs(pairs(&[
            ("lang_0", "en"),
            ("title_0", "x"),
            ("lang_2", "th"),
            ("title_2", "y"),
        ]));
        assert_eq!(form.form_field("texts[1].summary"), "summary_2");
        assert_eq!(form.form_field("texts"), "origin_0");
        assert_eq!(form.form_field("cities[3]"), "cities");
        assert_eq!(
            form.form_field("needs.capital.currency"),
            "capital_currency"
        );
        assert_eq!(form.form_field("starts.timezone"), "timezone");
        assert_eq!(form.form_field("ends"), "ends");
    }

    #[test]
    fn huge_row_numbers_are_ignored() {
        let form = EntryForm::from_pairs(pairs(&[
            ("title_99999999999", "x"),
            ("evidence_4000000000_indicator", "y"),
        ]));
        assert!(form.texts.is_empty() && form.evidence.is_empty());
    }
}
