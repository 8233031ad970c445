//! Parser for the priority projects the 26 ASCN pilot cities declared in their 2018 Smart City Action Plans
//! (`initiatives/ascn_city_priorities.csv`) and their Chinese translations (`initiatives/scap_translations.csv`):
//! the demo's project entries. It reads the text it is given and opens no file; it never guesses a city.
//!
//! Each numbered project of a city becomes the project `scap-<city>-<n>`, flagged as an example, dated 2018 (the
//! plan is its only source, so its years are 2018 to 2018), and saying in each of its languages that the plan
//! declared it and that it is not a current call. What each field rests on, from the file alone:
//!
//! - **city**: the row's name is a city's English name or a name `cities/city_aliases.csv` ties to a city, in the
//!   row's country (`initiatives/place_names.csv` names the countries ASEAN spells otherwise: `Viet Nam`). Every
//!   city that matches none is listed in one error.
//! - **title and summary**: the plan's title is what comes before the last ` - ` of an item (Kuching's first title
//!   holds one itself), the paraphrase what follows it.
//! - **stage**: `feasibility` where the paraphrase names a feasibility study, `idea` otherwise: the file states no
//!   other stage, so a project is only known to have been declared.
//! - **readiness**: `in-city-plan`, since the plan is the city's own.
//! - **needs**: the partners a paraphrase says the city is "seeking"; nothing else is stated.
//! - **focus areas**: the ASCN focus areas the city's headings name ([`declared_focus_areas`]).

use std::collections::{BTreeSet, HashMap};

use super::{CsvRows, RowError, initiatives, sources};
use crate::entry::{
    ContentLanguage, Details, Entry, EntryId, EntryText, ProjectNeeds, ProjectStage, Readiness,
    TextOrigin,
};
use crate::{City, CityId, Country, FocusArea};

/// What every project says in English: where it comes from, and that it is not an open call.
pub const DECLARED_EN: &str =
    "Declared in the city's 2018 ASCN Smart City Action Plan; not a current call.";
/// The same in Chinese.
pub const DECLARED_ZH: &str =
    "列入该市2018年东盟智慧城市网络（ASCN）智慧城市行动计划；并非当前的征集。";

const EXAMPLE_EN: &str = "Shown for the demonstration as an example of a city project: the title is the plan's \
     own, the summary paraphrases it, and the stage and needs are only what the paraphrase states.";
const EXAMPLE_ZH: &str = "本条目是演示用的城市项目示例：标题取自该计划，摘要是对计划的转述，阶段和需求仅限于转述中所述内容。";

/// The year the plans were published.
const PLAN_YEAR: i32 = 2018;

/// The files, by their paths under `data/`.
pub struct ScapFiles<'a> {
    /// `initiatives/ascn_city_priorities.csv`.
    pub priorities: (&'a str, &'a str),
    /// `initiatives/scap_translations.csv`: `id, lang, title, paraphrase`.
    pub translations: (&'a str, &'a str),
    /// `cities/city_aliases.csv`.
    pub aliases: (&'a str, &'a str),
    /// `initiatives/place_names.csv`.
    pub places: (&'a str, &'a str),
}

/// The ids of the ASCN focus areas that `headings` name, in the focus areas' order: a city's own headings count
/// when they contain a focus area's English name (`Personal safety and security` names Safety and Security;
/// `Security` alone names none).
pub fn declared_focus_areas(headings: &str, focus_areas: &[FocusArea]) -> Vec<String> {
    let text = headings.to_lowercase();
    focus_areas
        .iter()
        .filter(|area| text.contains(&area.name_en.to_lowercase()))
        .map(|area| area.id.clone())
        .collect()
}

/// A translated title and paraphrase, with the line it is on.
struct Translation {
    line: u64,
    title: String,
    paraphrase: String,
}

fn translations(file: &str, text: &str) -> Result<HashMap<String, Translation>, RowError> {
    let mut out = HashMap::new();
    CsvRows::new(file, text, &["id", "lang", "title", "paraphrase"])?.for_each(|row| {
        let lang =
            ContentLanguage::parse(row.required("lang")?).map_err(|e| row.invalid("lang", e))?;
        if lang != ContentLanguage::ZhHans {
            return Err(row.error("lang", "only zh-Hans texts are composed for these projects"));
        }
        let id = row.required("id")?.to_owned();
        let translation = Translation {
            line: row.line,
            title: row.required("title")?.to_owned(),
            paraphrase: row.required("paraphrase")?.to_owned(),
        };
        if out.insert(id.clone(), translation).is_some() {
            return Err(row.error("id", &format!("{id} is translated twice")));
        }
        Ok(())
    })?;
    Ok(out)
}

/// `(lower-case name, country code)` → city ids, from `city_aliases.csv`.
fn aliases(file: &str, text: &str) -> Result<HashMap<(String, String), Vec<String>>, RowError> {
    let mut out: HashMap<(String, String), Vec<String>> = HashMap::new();
    CsvRows::new(file, text, &["source_name", "country", "city_id"])?.for_each(|row| {
        out.entry((
            row.required("source_name")?.to_lowercase(),
            row.required("country")?.to_owned(),
        ))
        .or_default()
        .push(row.required("city_id")?.to_owned());
        Ok(())
    })?;
    Ok(out)
}

/// One numbered item: `1. Title - paraphrase`.
fn item(raw: &str) -> Option<(u32, &str, &str)> {
    let (number, rest) = raw.trim().split_once(". ")?;
    let (title, paraphrase) = rest.rsplit_once(" - ")?;
    Some((
        number.parse().ok()?,
        title.trim(),
        paraphrase.trim().trim_end_matches('.'),
    ))
}

/// Every declared project as a validated entry, in file order.
pub fn parse_scap_projects(
    files: &ScapFiles<'_>,
    cities: &[City],
    countries: &[Country],
    focus_areas: &[FocusArea],
    retrieved: &str,
) -> Result<Vec<Entry>, RowError> {
    let (_, country_names) = initiatives::place_names(files.places.0, files.places.1)?;
    let aliases = aliases(files.aliases.0, files.aliases.1)?;
    let mut translations = translations(files.translations.0, files.translations.1)?;
    let country_codes: HashMap<String, String> = countries
        .iter()
        .map(|c| (c.name_en.to_lowercase(), c.code.to_string()))
        .collect();
    let by_id: HashMap<&CityId, &City> = cities.iter().map(|c| (&c.id, c)).collect();

    let mut entries = Vec::new();
    let mut unmatched: Vec<(u64, String)> = Vec::new();
    let (file, text) = files.priorities;
    let columns = [
        "city",
        "country",
        "focus_areas",
        "priority_projects",
        "source",
    ];
    CsvRows::new(file, text, &columns)?.for_each(|row| {
        let name = row.required("city")?;
        let country_name = row.required("country")?.to_lowercase();
        let country = match (
            country_names.get(&country_name),
            country_codes.get(&country_name),
        ) {
            (Some(Some(code)), _) | (None, Some(code)) => code.clone(),
            _ => {
                return Err(row.error(
                    "country",
                    &format!(
                        "'{}' is neither a country's English name nor in place_names.csv",
                        row.get("country")
                    ),
                ));
            }
        };
        let mut matches: BTreeSet<&CityId> = cities
            .iter()
            .filter(|c| c.name_en.eq_ignore_ascii_case(name) && c.country.to_string() == country)
            .map(|c| &c.id)
            .collect();
        for id in aliases
            .get(&(name.to_lowercase(), country.clone()))
            .into_iter()
            .flatten()
        {
            let id = CityId::parse(id).map_err(|e| row.invalid("city", e))?;
            match by_id.get_key_value(&id) {
                Some((known, _)) => matches.insert(*known),
                None => {
                    return Err(row.error(
                        "city",
                        &format!("city_aliases.csv ties '{name}' to {id}, which is not a city"),
                    ));
                }
            };
        }
        let city = match matches.len() {
            1 => matches.into_iter().next().and_then(|id| by_id.get(id)),
            0 => {
                unmatched.push((row.line, name.to_owned()));
                return Ok(());
            }
            _ => {
                let ids: Vec<String> = matches.iter().map(ToString::to_string).collect();
                return Err(row.error(
                    "city",
                    &format!("'{name}' could be any of {}", ids.join(", ")),
                ));
            }
        };
        let Some(city) = city else {
            return Ok(());
        };
        let declared: BTreeSet<String> =
            declared_focus_areas(row.get("focus_areas"), focus_areas)
                .into_iter()
                .collect();
        let cited = sources(row.required("source")?, Some(retrieved));
        for (position, raw) in row.required("priority_projects")?.split(" | ").enumerate() {
            let (number, title, paraphrase) = item(raw).ok_or_else(|| {
                row.error(
                    "priority_projects",
                    &format!("'{raw}' is not 'N. Title - paraphrase'"),
                )
            })?;
            if number as usize != position + 1 {
                return Err(row.error(
                    "priority_projects",
                    &format!("item {} is numbered {number}", position + 1),
                ));
            }
            let id = EntryId::parse(&format!("scap-{}-{number}", city.id))
                .map_err(|e| row.invalid("city", e))?;
            let mut texts = vec![EntryText {
                lang: ContentLanguage::En,
                origin: TextOrigin::Original,
                title: title.to_owned(),
                summary: format!(
                    "Priority project {number} of {name}'s 2018 Smart City Action Plan: {paraphrase}."
                ),
                body: format!("{DECLARED_EN}\n\n{EXAMPLE_EN}"),
            }];
            if let Some(zh) = translations.remove(id.as_str()) {
                let city_zh = city.name_zh.as_deref().unwrap_or(&city.name_en);
                texts.push(EntryText {
                    lang: ContentLanguage::ZhHans,
                    origin: TextOrigin::MachineTranslation,
                    title: zh.title,
                    summary: format!(
                        "{city_zh}2018年智慧城市行动计划的第{number}个优先项目：{}。",
                        zh.paraphrase.trim_end_matches('。')
                    ),
                    body: format!("{DECLARED_ZH}\n\n{EXAMPLE_ZH}"),
                });
            }
            let lower = paraphrase.to_lowercase();
            let stage = if lower.contains("feasibility study") {
                ProjectStage::Feasibility
            } else {
                ProjectStage::Idea
            };
            let partners = lower
                .find("seeking ")
                .map(|at| paraphrase[at + "seeking ".len()..].trim().to_owned());
            let entry = Entry {
                id,
                texts,
                cities: vec![city.id.clone()],
                organisations: Vec::new(),
                challenges: BTreeSet::new(),
                focus_areas: declared.clone(),
                sdgs: BTreeSet::new(),
                indicators: Vec::new(),
                tags: ["ascn-scap-2018".to_owned()].into(),
                // Declared in 2018, and the plan is the only source: the sources stop there.
                year_from: Some(PLAN_YEAR),
                year_to: Some(PLAN_YEAR),
                sources: cited.clone(),
                example: true,
                details: Details::Project {
                    stage,
                    needs: ProjectNeeds {
                        capital: None,
                        technology: None,
                        partners,
                    },
                    readiness: [Readiness::InCityPlan].into(),
                },
            };
            entry
                .validate()
                .map_err(|e| row.error(&e.field, &e.reason.to_string()))?;
            entries.push(entry);
        }
        Ok(())
    })?;
    if let Some((line, _)) = unmatched.first() {
        let listed: Vec<String> = unmatched
            .iter()
            .map(|(line, name)| format!("'{name}' (line {line})"))
            .collect();
        return Err(RowError {
            file: file.to_owned(),
            line: *line,
            field: "city".into(),
            reason: format!(
                "{} match no city by English name or alias in their country: {}",
                unmatched.len(),
                listed.join(", ")
            ),
        });
    }
    if let Some((id, translation)) = translations.iter().min_by_key(|(_, t)| t.line) {
        return Err(RowError {
            file: files.translations.0.to_owned(),
            line: translation.line,
            field: "id".into(),
            reason: format!("{id} is not a declared project"),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::city::{Coordinates, Network};
    use crate::{CountryCode, entry::EntryKind};

    fn city(id: &str, name: &str, zh: Option<&str>, country: &str) -> City {
        City {
            id: CityId::parse(id).expect("id"),
            name_en: name.into(),
            name_zh: zh.map(Into::into),
            name_local: None,
            country: CountryCode::parse(country).expect("country"),
            admin1: None,
            location: Coordinates {
                latitude: 0.0,
                longitude: 0.0,
            },
            timezone: "Asia/Bangkok".into(),
            population: None,
            networks: [Network::AscnPilot2018].into(),
            geonames_id: None,
            wup_city_code: None,
        }
    }

    fn country(code: &str, name: &str) -> Country {
        Country {
            code: CountryCode::parse(code).expect("code"),
            iso3: String::new(),
            name_en: name.into(),
            name_zh: None,
            region: "asean".into(),
        }
    }

    fn focus_areas() -> Vec<FocusArea> {
        [
            ("civic_social", "Civic and Social"),
            ("safety_security", "Safety and Security"),
            ("quality_environment", "Quality Environment"),
            ("built_infrastructure", "Built Infrastructure"),
        ]
        .iter()
        .map(|(id, name)| FocusArea {
            id: (*id).into(),
            name_en: (*name).into(),
            source: String::new(),
        })
        .collect()
    }

    const ALIASES: &str = "source_file,source_name,country,city_id,note\n\
        standards/asean_smart_cities.csv,DKI Jakarta,ID,jakarta,ASCN name\n";
    const PLACES: &str = "kind,name,id,note\ncountry,Viet Nam,VN,\n";
    const HEADER: &str = "city,country,focus_areas,priority_projects,source\n";
    const SOURCE: &str =
        "\"ASEAN Secretariat, SCAPs (as of 8 Jul 2018), https://asean.org/scaps.pdf\"";

    fn parse(priorities: &str, translations: &str) -> Result<Vec<Entry>, RowError> {
        let cities = [
            city("jakarta", "Jakarta", Some("雅加达"), "ID"),
            city("hanoi", "Hanoi", None, "VN"),
            city("hue", "Hue", None, "VN"),
        ];
        let countries = [country("ID", "Indonesia"), country("VN", "Vietnam")];
        parse_scap_projects(
            &ScapFiles {
                priorities: ("initiatives/ascn_city_priorities.csv", priorities),
                translations: ("initiatives/scap_translations.csv", translations),
                aliases: ("cities/city_aliases.csv", ALIASES),
                places: ("initiatives/place_names.csv", PLACES),
            },
            &cities,
            &countries,
            &focus_areas(),
            "2026-11",
        )
    }

    #[test]
    fn each_numbered_item_is_a_project_declared_in_2018_with_the_rules_stated() {
        let file = format!(
            "{HEADER}DKI Jakarta,Indonesia,\"Built Infrastructure (cashless transit); Security (CCTV)\",\
             \"1. Smart Mobility - Integrated Lights - extend signals, seeking PPP partners and design advice | \
             2. River Clean-up - restore the river, starting with a feasibility study\",{SOURCE}\n"
        );
        let translations = "id,lang,title,paraphrase\nscap-jakarta-2,zh-Hans,河流清理,恢复河流，首先开展可行性研究\n";
        let entries = parse(&file, translations).expect("parsed");
        assert_eq!(entries.len(), 2);
        let (first, second) = (&entries[0], &entries[1]);
        assert_eq!(
            (first.id.as_str(), second.id.as_str()),
            ("scap-jakarta-1", "scap-jakarta-2")
        );
        assert_eq!(first.kind(), EntryKind::Project);
        assert_eq!(
            first.texts[0].title, "Smart Mobility - Integrated Lights",
            "the title ends at the last ' - '"
        );
        assert_eq!(
            first.texts[0].summary,
            "Priority project 1 of DKI Jakarta's 2018 Smart City Action Plan: extend signals, seeking PPP \
             partners and design advice."
        );
        assert!(first.texts[0].body.starts_with(DECLARED_EN));
        assert_eq!(first.cities[0].as_str(), "jakarta", "matched by its alias");
        assert_eq!(
            first.focus_areas,
            ["built_infrastructure".to_owned()].into(),
            "'Security' alone names no focus area"
        );
        assert!(first.example);
        assert_eq!((first.year_from, first.year_to), (Some(2018), Some(2018)));
        assert_eq!(first.sources[0].retrieved.as_deref(), Some("2026-11"));
        let Details::Project {
            stage,
            needs,
            readiness,
        } = &first.details
        else {
            panic!("a project");
        };
        assert_eq!(*stage, ProjectStage::Idea);
        assert_eq!(
            needs.partners.as_deref(),
            Some("PPP partners and design advice")
        );
        assert!(needs.capital.is_none() && needs.technology.is_none());
        assert_eq!(*readiness, [Readiness::InCityPlan].into());
        assert!(matches!(
            second.details,
            Details::Project {
                stage: ProjectStage::Feasibility,
                ..
            }
        ));
        assert_eq!(first.texts.len(), 1, "no translation, no Chinese text");
        let zh = &second.texts[1];
        assert_eq!(zh.origin, TextOrigin::MachineTranslation);
        assert_eq!(
            zh.summary,
            "雅加达2018年智慧城市行动计划的第2个优先项目：恢复河流，首先开展可行性研究。"
        );
        assert!(zh.body.starts_with(DECLARED_ZH));
    }

    #[test]
    fn every_city_that_matches_none_is_listed_and_no_city_is_guessed() {
        let file = format!(
            "{HEADER}Ha Noi,Viet Nam,Quality Environment,1. Drains - build drains,{SOURCE}\n\
             Hanoi,Viet Nam,Quality Environment,1. Drains - build drains,{SOURCE}\n\
             Jakarta Raya,Indonesia,Quality Environment,1. Drains - build drains,{SOURCE}\n"
        );
        let error = parse(&file, "id,lang,title,paraphrase\n").expect_err("refused");
        assert_eq!((error.line, error.field.as_str()), (2, "city"));
        assert_eq!(
            error.reason,
            "2 match no city by English name or alias in their country: 'Ha Noi' (line 2), 'Jakarta Raya' (line 4)"
        );
        let wrong_country = format!("{HEADER}Hanoi,Indonesia,,1. Drains - build drains,{SOURCE}\n");
        let error = parse(&wrong_country, "id,lang,title,paraphrase\n").expect_err("refused");
        assert_eq!(error.field, "city", "a name in another country is no match");
    }

    #[test]
    fn bad_items_and_stray_translations_name_file_line_and_field() {
        let unnumbered = format!("{HEADER}Hanoi,Viet Nam,,Drains - build drains,{SOURCE}\n");
        let error = parse(&unnumbered, "id,lang,title,paraphrase\n").expect_err("refused");
        assert_eq!(
            (error.file.as_str(), error.line, error.field.as_str()),
            (
                "initiatives/ascn_city_priorities.csv",
                2,
                "priority_projects"
            )
        );
        let skipped = format!("{HEADER}Hanoi,Viet Nam,,\"1. A - a | 3. B - b\",{SOURCE}\n");
        let error = parse(&skipped, "id,lang,title,paraphrase\n").expect_err("refused");
        assert_eq!(error.reason, "item 2 is numbered 3");
        let good = format!("{HEADER}Hanoi,Viet Nam,,1. A - a,{SOURCE}\n");
        let stray =
            "id,lang,title,paraphrase\nscap-hanoi-1,zh-Hans,甲,甲\nscap-hanoi-9,zh-Hans,乙,乙\n";
        let error = parse(&good, stray).expect_err("refused");
        assert_eq!(
            (error.file.as_str(), error.line, error.reason.as_str()),
            (
                "initiatives/scap_translations.csv",
                3,
                "scap-hanoi-9 is not a declared project"
            )
        );
    }

    #[test]
    fn focus_areas_are_named_by_their_english_names_in_any_case() {
        let areas = focus_areas();
        assert_eq!(
            declared_focus_areas(
                "Personal safety and security; Civic and social aspects of tourism; Mobility",
                &areas
            ),
            ["civic_social", "safety_security"]
        );
        assert!(declared_focus_areas("Security (CCTV); Tourism and Well-being", &areas).is_empty());
    }
}
