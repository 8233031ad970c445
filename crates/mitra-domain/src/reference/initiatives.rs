//! Parser for the documented smart-city initiatives (`initiatives/initiatives.csv`), their translations
//! (`initiatives/translations.csv`) and the place names they use (`initiatives/place_names.csv`): the knowledge
//! exchange's demo entries.
//!
//! Each initiative becomes a practice entry. Its English title and summary are the original; the other languages
//! are machine translations of them. Themes become tags, and the themes that name one of the statement's
//! challenges also become that challenge. A place name that is neither a city's or country's English name nor in
//! `place_names.csv` stops the load, so a new row cannot silently lose its city.

use std::collections::{BTreeSet, HashMap};

use super::{CsvRows, RowError, sources};
use crate::entry::{Challenge, ContentLanguage, Details, Entry, EntryId, EntryText, TextOrigin};
use crate::{City, CityId, Country};

/// The themes that name one of the statement's challenges.
const CHALLENGES: [(&str, Challenge); 7] = [
    ("air_quality", Challenge::AirPollution),
    ("vector_borne_disease", Challenge::VectorBorneDisease),
    ("green_areas", Challenge::LossOfGreenAreas),
    ("poverty_inclusion", Challenge::Poverty),
    ("public_safety", Challenge::CitizenSecurity),
    ("energy", Challenge::Energy),
    ("transport", Challenge::LackOfMobility),
];

/// The three files, by their paths under `data/`.
pub struct InitiativeFiles<'a> {
    /// `initiatives/initiatives.csv`.
    pub initiatives: (&'a str, &'a str),
    /// `initiatives/translations.csv`.
    pub translations: (&'a str, &'a str),
    /// `initiatives/place_names.csv`.
    pub places: (&'a str, &'a str),
}

/// A name's place: the id it stands for, or `None` for a place Mitra does not list (a region, several cities).
pub(super) type Places = HashMap<String, Option<String>>;

pub(super) fn place_names(file: &str, text: &str) -> Result<(Places, Places), RowError> {
    let (mut cities, mut countries) = (Places::new(), Places::new());
    CsvRows::new(file, text, &["kind", "name", "id"])?.for_each(|row| {
        let target = match row.required("kind")? {
            "city" => &mut cities,
            "country" => &mut countries,
            other => return Err(row.error("kind", &format!("'{other}' is not city or country"))),
        };
        target.insert(
            row.required("name")?.to_lowercase(),
            row.optional("id").map(str::to_owned),
        );
        Ok(())
    })?;
    Ok((cities, countries))
}

/// `2018-2025`, `2019`, `2019 (trial results published)`, `reported 2025 (target 2031)`: the first and last year
/// the sources document. "reported" gives only the year the sources stop at.
fn years(raw: &str) -> Option<(Option<i32>, Option<i32>)> {
    let head = raw.split('(').next().unwrap_or("").trim();
    if let Some(year) = head.strip_prefix("reported ") {
        return Some((None, Some(year.trim().parse().ok()?)));
    }
    match head.split_once('-') {
        Some((from, to)) => Some((
            Some(from.trim().parse().ok()?),
            Some(to.trim().parse().ok()?),
        )),
        None => {
            let year = head.parse().ok()?;
            Some((Some(year), Some(year)))
        }
    }
}

/// Every initiative as a validated entry, in file order.
pub fn parse_initiatives(
    files: &InitiativeFiles<'_>,
    cities: &[City],
    countries: &[Country],
) -> Result<Vec<Entry>, RowError> {
    let (city_names, country_names) = place_names(files.places.0, files.places.1)?;
    let by_name: HashMap<String, &City> = cities
        .iter()
        .map(|c| (c.name_en.to_lowercase(), c))
        .collect();
    let known_countries: HashMap<String, String> = countries
        .iter()
        .map(|c| (c.name_en.to_lowercase(), c.code.to_string()))
        .collect();

    let mut translations: HashMap<String, Vec<EntryText>> = HashMap::new();
    let (file, text) = files.translations;
    CsvRows::new(file, text, &["id", "lang", "title", "summary"])?.for_each(|row| {
        let lang =
            ContentLanguage::parse(row.required("lang")?).map_err(|e| row.invalid("lang", e))?;
        translations
            .entry(row.required("id")?.to_owned())
            .or_default()
            .push(EntryText {
                lang,
                origin: TextOrigin::MachineTranslation,
                title: row.required("title")?.to_owned(),
                summary: row.required("summary")?.to_owned(),
                body: String::new(),
            });
        Ok(())
    })?;

    let mut entries = Vec::new();
    let (file, text) = files.initiatives;
    let columns = [
        "id",
        "city",
        "country",
        "title_en",
        "years",
        "organisations",
        "themes",
        "summary_en",
        "outcome",
        "source",
    ];
    CsvRows::new(file, text, &columns)?.for_each(|row| {
        let raw_id = row.required("id")?;
        let id = EntryId::parse(&raw_id.to_lowercase()).map_err(|e| row.invalid("id", e))?;
        let mut entry_cities: Vec<CityId> = Vec::new();
        for name in row
            .required("city")?
            .split(';')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let key = name.to_lowercase();
            let city = match (city_names.get(&key), by_name.get(&key)) {
                (Some(Some(id)), _) => Some(CityId::parse(id).map_err(|e| row.invalid("city", e))?),
                (Some(None), _) => None,
                (None, Some(city)) => Some(city.id.clone()),
                (None, None) => {
                    return Err(row.error(
                        "city",
                        &format!(
                            "'{name}' is neither a city's English name nor in place_names.csv"
                        ),
                    ));
                }
            };
            if let Some(city) = city.filter(|c| !entry_cities.contains(c)) {
                if !cities.iter().any(|c| c.id == city) {
                    return Err(row.error("city", &format!("{city} is not one of Mitra's cities")));
                }
                entry_cities.push(city);
            }
        }
        for name in row.required("country")?.split(';').map(str::trim) {
            let key = name.to_lowercase();
            if !country_names.contains_key(&key) && !known_countries.contains_key(&key) {
                return Err(row.error(
                    "country",
                    &format!("'{name}' is neither a country's English name nor in place_names.csv"),
                ));
            }
        }
        let (year_from, year_to) = years(row.required("years")?)
            .ok_or_else(|| row.error("years", "is not YYYY, YYYY-YYYY or 'reported YYYY'"))?;
        let themes: Vec<&str> = row
            .get("themes")
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let challenges: BTreeSet<Challenge> = CHALLENGES
            .iter()
            .filter(|(theme, _)| themes.contains(theme))
            .map(|(_, c)| *c)
            .collect();
        let mut texts = vec![EntryText {
            lang: ContentLanguage::En,
            origin: TextOrigin::Original,
            title: row.required("title_en")?.to_owned(),
            summary: row.required("summary_en")?.to_owned(),
            body: String::new(),
        }];
        texts.extend(translations.remove(raw_id).unwrap_or_default());
        let entry = Entry {
            id,
            texts,
            cities: entry_cities,
            organisations: row
                .get("organisations")
                .split(';')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect(),
            challenges,
            focus_areas: BTreeSet::new(),
            sdgs: BTreeSet::new(),
            indicators: Vec::new(),
            tags: themes.iter().map(|t| t.replace('_', "-")).collect(),
            year_from,
            year_to,
            sources: sources(row.required("source")?, None),
            example: false,
            details: Details::Practice {
                evidence: Vec::new(),
                outcome: row.optional("outcome").map(str::to_owned),
            },
        };
        entry
            .validate()
            .map_err(|e| row.error(&e.field, &e.reason.to_string()))?;
        entries.push(entry);
        Ok(())
    })?;
    if let Some(id) = translations.keys().next() {
        return Err(RowError {
            file: files.translations.0.to_owned(),
            line: 0,
            field: "id".into(),
            reason: format!("{id} is not an initiative"),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_read_every_form_the_file_uses() {
        assert_eq!(years("2018-2025"), Some((Some(2018), Some(2025))));
        assert_eq!(years("2019"), Some((Some(2019), Some(2019))));
        assert_eq!(
            years("2019 (trial results published)"),
            Some((Some(2019), Some(2019)))
        );
        assert_eq!(
            years("reported 2025 (target 2031)"),
            Some((None, Some(2025)))
        );
        assert_eq!(years("soon"), None);
    }
}
