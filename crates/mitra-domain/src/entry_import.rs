//! Reading entries from an import file: a JSON array of entries (the API's shape), or CSV.
//!
//! CSV has a header row and columns by name, case-insensitive, in any order; the delimiter (`,`, `;` or tab) is
//! detected. One row per entry and language: the first row of an id carries the entry's header (`kind`, `cities`,
//! …) and its original text; further rows with the same id add a language (`lang`, `origin`, `title`, `summary`,
//! `body`) and may add a source (`source_title`, `source_url`). Lists are separated by `;`. `details` holds the
//! kind's own fields as a JSON object (`{"stage": "idea"}`); a practice needs none.
//!
//! Every problem is reported, each as `line N, column C: reason` (for JSON, N is the element's position), and
//! nothing is returned unless the whole file is good.

use std::collections::{BTreeSet, HashMap};

use crate::entry::{ContentLanguage, Details, Entry, EntryId, EntryText, SourceLink, TextOrigin};
use crate::observation::{ImportError, ImportErrors, file_error, import_text, open_csv};
use crate::{CityId, IndicatorId, Reason};

/// Columns a CSV file may have; `id`, `lang`, `title` and `summary` are required.
pub const CSV_COLUMNS: [&str; 21] = [
    "id",
    "kind",
    "lang",
    "origin",
    "title",
    "summary",
    "body",
    "cities",
    "organisations",
    "challenges",
    "focus_areas",
    "sdgs",
    "indicators",
    "tags",
    "year_from",
    "year_to",
    "source_title",
    "source_url",
    "source_retrieved",
    "details",
    "example",
];
const REQUIRED: [&str; 4] = ["id", "lang", "title", "summary"];
/// Columns only the first row of an id may fill.
const HEADER_COLUMNS: [&str; 12] = [
    "kind",
    "cities",
    "organisations",
    "challenges",
    "focus_areas",
    "sdgs",
    "indicators",
    "tags",
    "year_from",
    "year_to",
    "details",
    "example",
];

/// An entry read from a file, with the line (or element) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEntry {
    /// Where it starts in the file.
    pub line: u64,
    /// The entry, checked by [`Entry::validate`].
    pub entry: Entry,
}

/// Reads every entry of `bytes`, or every problem in it. `city` resolves what the file names a city by — its id, or
/// a name only one city has, in any script — or says why it cannot.
pub fn read_entries(
    bytes: &[u8],
    city: &dyn Fn(&str) -> Result<CityId, Reason>,
) -> Result<Vec<ImportedEntry>, ImportErrors> {
    let text = import_text(bytes)?;
    let mut errors = ImportErrors::default();
    let entries = if text.trim_start().starts_with('[') {
        json(text, city, &mut errors)?
    } else {
        csv(text, city, &mut errors)?
    };
    let mut seen: HashMap<&EntryId, u64> = HashMap::new();
    for imported in &entries {
        if let Err(e) = imported.entry.validate() {
            errors.push(ImportError {
                line: imported.line,
                column: e.field,
                reason: e.reason,
            });
        }
        for (i, id) in imported.entry.cities.iter().enumerate() {
            if let Err(reason) = city(id.as_str()) {
                errors.push(ImportError {
                    line: imported.line,
                    column: format!("cities[{i}]"),
                    reason,
                });
            }
        }
        if let Some(first) = seen.insert(&imported.entry.id, imported.line) {
            errors.push(ImportError {
                line: imported.line,
                column: "id".into(),
                reason: Reason::already_line(&imported.entry.id, first),
            });
        }
    }
    if entries.is_empty() && errors.is_empty() {
        return Err(file_error("file", Reason::no_rows()));
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

fn json(
    text: &str,
    city: &dyn Fn(&str) -> Result<CityId, Reason>,
    errors: &mut ImportErrors,
) -> Result<Vec<ImportedEntry>, ImportErrors> {
    let values: Vec<serde_json::Value> =
        serde_json::from_str(text).map_err(|e| file_error("file", Reason::not_json_rows(e)))?;
    let mut entries = Vec::with_capacity(values.len());
    for (i, mut value) in values.into_iter().enumerate() {
        let line = i as u64 + 1;
        // A city named rather than given by id is resolved first; one that cannot be is reported below.
        if let Some(cities) = value.get_mut("cities").and_then(|c| c.as_array_mut()) {
            for (n, named) in cities.iter_mut().enumerate() {
                if let Some(raw) = named.as_str() {
                    match city(raw) {
                        Ok(id) => *named = serde_json::Value::String(id.to_string()),
                        Err(reason) => errors.push(ImportError {
                            line,
                            column: format!("cities[{n}]"),
                            reason,
                        }),
                    }
                }
            }
        }
        match serde_json::from_value::<Entry>(value) {
            Ok(entry) => entries.push(ImportedEntry { line, entry }),
            Err(e) => errors.push(ImportError {
                line,
                column: "entry".into(),
                reason: Reason::unreadable(e),
            }),
        }
    }
    Ok(entries)
}

fn list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// One CSV row's fields by column name.
struct Row<'r> {
    fields: HashMap<&'r str, &'r str>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", |v| v.trim())
    }
}

fn csv(
    text: &str,
    city: &dyn Fn(&str) -> Result<CityId, Reason>,
    errors: &mut ImportErrors,
) -> Result<Vec<ImportedEntry>, ImportErrors> {
    let (mut reader, headers) = open_csv(text, &REQUIRED)?;
    if let Some(unknown) = headers.iter().find(|h| !CSV_COLUMNS.contains(&h.as_str())) {
        return Err(file_error(
            "header",
            Reason::not_a_column(crate::ids::clip(unknown), CSV_COLUMNS.join(", ")),
        ));
    }
    let mut entries: Vec<ImportedEntry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(ImportError {
                    line,
                    column: "row".into(),
                    reason: Reason::unreadable(e),
                });
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let fields: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        let row = Row { fields };
        let before = errors.len();
        let mut fail = |column: &str, reason: Reason| {
            errors.push(ImportError {
                line,
                column: column.into(),
                reason,
            })
        };
        let id = match EntryId::parse(row.get("id")) {
            Ok(id) => id,
            Err(e) => {
                fail("id", e.reason);
                continue;
            }
        };
        let text = text_of(&row, &mut fail);
        let source = source_of(&row, &mut fail);
        if let Some(&at) = by_id.get(id.as_str()) {
            if let Some(column) = HEADER_COLUMNS.iter().find(|c| !row.get(c).is_empty()) {
                fail(column, Reason::first_row_only(&id, entries[at].line));
            }
            if errors.len() == before {
                let entry = &mut entries[at].entry;
                entry.texts.extend(text);
                entry.sources.extend(source);
            }
            continue;
        }
        let entry = header_of(&row, id.clone(), city, &mut fail);
        if errors.len() == before
            && let Some(mut entry) = entry
        {
            entry.texts.extend(text);
            entry.sources.extend(source);
            by_id.insert(id.to_string(), entries.len());
            entries.push(ImportedEntry { line, entry });
        }
    }
    Ok(entries)
}

fn text_of(row: &Row<'_>, fail: &mut impl FnMut(&str, Reason)) -> Option<EntryText> {
    let lang = ContentLanguage::parse(row.get("lang"))
        .map_err(|e| fail("lang", e.reason))
        .ok();
    let origin = match row.get("origin") {
        "" => Some(TextOrigin::Original),
        raw => TextOrigin::parse(raw)
            .map_err(|e| fail("origin", e.reason))
            .ok(),
    };
    Some(EntryText {
        lang: lang?,
        origin: origin?,
        title: row.get("title").to_owned(),
        summary: row.get("summary").to_owned(),
        body: row.get("body").to_owned(),
    })
}

fn source_of(row: &Row<'_>, fail: &mut impl FnMut(&str, Reason)) -> Option<SourceLink> {
    let (title, url, retrieved) = (
        row.get("source_title"),
        row.get("source_url"),
        row.get("source_retrieved"),
    );
    match (title.is_empty(), url.is_empty() && retrieved.is_empty()) {
        (true, true) => None,
        (true, false) => {
            let column = if url.is_empty() {
                "source_retrieved"
            } else {
                "source_url"
            };
            fail("source_title", Reason::required_with(column));
            None
        }
        _ => Some(SourceLink {
            title: title.to_owned(),
            url: (!url.is_empty()).then(|| url.to_owned()),
            retrieved: (!retrieved.is_empty()).then(|| retrieved.to_owned()),
        }),
    }
}

fn header_of(
    row: &Row<'_>,
    id: EntryId,
    city: &dyn Fn(&str) -> Result<CityId, Reason>,
    fail: &mut impl FnMut(&str, Reason),
) -> Option<Entry> {
    let kind = match row.get("kind") {
        "" => {
            fail("kind", Reason::kind_first_row());
            return None;
        }
        raw => crate::entry::EntryKind::parse(raw)
            .map_err(|e| fail("kind", e.reason))
            .ok()?,
    };
    let mut details = match row.get("details") {
        "" => serde_json::Value::Object(serde_json::Map::new()),
        raw => match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(value @ serde_json::Value::Object(_)) => value,
            _ => {
                fail("details", Reason::not_a_json_object());
                return None;
            }
        },
    };
    if let serde_json::Value::Object(map) = &mut details {
        map.insert("kind".into(), serde_json::Value::String(kind.tag().into()));
    }
    let details: Option<Details> = serde_json::from_value(details)
        .map_err(|e| fail("details", Reason::unreadable(e)))
        .ok();
    let cities: Vec<CityId> = list(row.get("cities"))
        .filter_map(|c| city(c).map_err(|reason| fail("cities", reason)).ok())
        .collect();
    let challenges = list(row.get("challenges"))
        .filter_map(|c| {
            crate::entry::Challenge::parse(c)
                .map_err(|e| fail("challenges", e.reason))
                .ok()
        })
        .collect();
    let sdgs: BTreeSet<u8> = list(row.get("sdgs"))
        .filter_map(|g| {
            g.parse::<u8>()
                .map_err(|_| fail("sdgs", Reason::not_an_sdg(crate::ids::clip(g))))
                .ok()
        })
        .collect();
    let indicators = list(row.get("indicators"))
        .filter_map(|i| {
            IndicatorId::parse(i)
                .map_err(|e| fail("indicators", e.reason))
                .ok()
        })
        .collect();
    let year = |column: &str, fail: &mut dyn FnMut(&str, Reason)| match row.get(column) {
        "" => None,
        raw => raw
            .parse::<i32>()
            .map_err(|_| fail(column, Reason::not_a_year(crate::ids::clip(raw))))
            .ok(),
    };
    let (year_from, year_to) = (year("year_from", fail), year("year_to", fail));
    let example = match row.get("example").to_lowercase().as_str() {
        "" | "false" | "no" | "0" => false,
        "true" | "yes" | "1" => true,
        other => {
            fail("example", Reason::not_a_boolean(crate::ids::clip(other)));
            false
        }
    };
    Some(Entry {
        id,
        texts: Vec::new(),
        cities,
        organisations: list(row.get("organisations")).map(str::to_owned).collect(),
        challenges,
        focus_areas: list(row.get("focus_areas")).map(str::to_owned).collect(),
        sdgs,
        indicators,
        tags: list(row.get("tags")).map(str::to_owned).collect(),
        year_from,
        year_to,
        sources: Vec::new(),
        example,
        details: details?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cities as a store would resolve them: `bangkok` by id or by its Thai or Chinese name; `atlantis` unknown.
    fn city(raw: &str) -> Result<CityId, Reason> {
        match raw {
            "atlantis" => Err(Reason::unknown_city_name("atlantis")),
            "กรุงเทพมหานคร" | "曼谷" => {
                Ok(CityId::parse("bangkok").expect("id"))
            }
            other => CityId::parse(other).map_err(|e| e.reason),
        }
    }

    fn any_city(raw: &str) -> Result<CityId, Reason> {
        CityId::parse(raw).map_err(|e| e.reason)
    }

    fn errors(text: &str) -> Vec<String> {
        read_entries(text.as_bytes(), &city)
            .expect_err("refused")
            .shown()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const HEADER: &str = "id,kind,lang,origin,title,summary,cities,challenges,year_from,source_title,source_url,details";

    #[test]
    fn csv_rows_of_one_id_make_one_entry_with_its_languages_and_sources() {
        let file = format!(
            "\u{feff}{HEADER}\r\n\
             bkk-canals,project,en,,Canal sensors,Sensors on canals.,bangkok,water-pollution,2025,BMA,https://bma.example/a,\"{{\"\"stage\"\": \"\"idea\"\"}}\"\r\n\
             bkk-canals,,th,machine-translation,เซ็นเซอร์คลอง,เซ็นเซอร์ในคลอง,,,,Report,,\r\n"
        );
        let entries = read_entries(file.as_bytes(), &any_city).expect("read");
        assert_eq!(entries.len(), 1);
        let entry = &entries[0].entry;
        assert_eq!(entry.texts.len(), 2);
        assert_eq!(entry.sources.len(), 2);
        assert_eq!(entry.kind().tag(), "project");
        assert_eq!(entries[0].line, 2);
    }

    #[test]
    fn a_source_may_say_when_it_was_read() {
        let header = "id,kind,lang,title,summary,source_title,source_url,source_retrieved\n";
        let good =
            format!("{header}a,practice,en,Title,Summary,ADB,https://adb.example/a,2026-12-03\n");
        let entries = read_entries(good.as_bytes(), &any_city).expect("read");
        assert_eq!(
            entries[0].entry.sources[0].retrieved.as_deref(),
            Some("2026-12-03")
        );
        let bad = format!(
            "{header}a,practice,en,Title,Summary,ADB,,Dec 2026\nb,practice,en,Title,Summary,,,2026-11\n"
        );
        let found = errors(&bad);
        for expected in [
            "line 2, column sources[0].retrieved:",
            "line 3, column source_title: is required with source_retrieved",
        ] {
            assert!(
                found.iter().any(|e| e.starts_with(expected)),
                "{expected} not in {found:#?}"
            );
        }
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_column() {
        let file = format!(
            "{HEADER}\n\
             a,practice,en,,Title,Summary,,,2019,,,\n\
             b,practise,en,,Title,Summary,,,2019,,,\n\
             c,practice,xx,,Title,Summary,,,20x9,,,\n\
             d,practice,en,,,Summary,,,,,,\n\
             a,,zh-Hans,machine-translation,标题,摘要,hanoi,,,,,\n\
             e,funding,en,,Fund,Money.,,,,,,\"{{\"\"funder\"\": \"\"ADB\"\"}}\"\n\
             f,practice,en,,Title,Summary,atlantis,,2019,,,\n"
        );
        let found = errors(&file);
        for expected in [
            "line 8, column cities: 'atlantis' is not a city id",
            "line 3, column kind:",
            "line 4, column lang:",
            "line 4, column year_from:",
            "line 5, column texts[0].title: is required",
            "line 6, column cities: give it on the first row of a (line 2) only",
            "line 7, column details:",
        ] {
            assert!(
                found.iter().any(|e| e.starts_with(expected)),
                "{expected} not in {found:#?}"
            );
        }
    }

    #[test]
    fn a_city_may_be_named_in_any_script_in_csv_and_json() {
        let csv = format!(
            "{HEADER}\n\
             a,practice,en,,Title,Summary,กรุงเทพมหานคร;hanoi,,2019,,,\n"
        );
        let entries = read_entries(csv.as_bytes(), &city).expect("read");
        let ids: Vec<&str> = entries[0].entry.cities.iter().map(CityId::as_str).collect();
        assert_eq!(ids, ["bangkok", "hanoi"]);
        let json = r#"[{"id": "a", "texts": [{"lang": "en", "origin": "original", "title": "T", "summary": "S"}],
                        "cities": ["曼谷"], "details": {"kind": "practice"}}]"#;
        let entries = read_entries(json.as_bytes(), &city).expect("read");
        assert_eq!(entries[0].entry.cities[0].as_str(), "bangkok");
        let unknown = json.replace("曼谷", "atlantis");
        let found = errors(&unknown);
        assert!(
            found
                .iter()
                .any(|e| e.starts_with("line 1, column cities[0]: 'atlantis' is not")),
            "{found:#?}"
        );
    }

    #[test]
    fn json_elements_are_read_and_checked_one_by_one() {
        let good = r#"{"id": "a", "texts": [{"lang": "en", "origin": "original", "title": "T", "summary": "S"}],
                       "year_from": null, "year_to": null, "details": {"kind": "practice"}}"#;
        let bad = r#"{"id": "b", "texts": [], "year_from": null, "year_to": null, "details": {"kind": "practice"}}"#;
        let ugly = r#"{"id": "Not An Id"}"#;
        assert_eq!(
            read_entries(format!("[{good}]").as_bytes(), &any_city)
                .expect("read")
                .len(),
            1
        );
        let found = errors(&format!("[{good}, {bad}, {ugly}, {good}]"));
        assert!(found[0].starts_with("line 2, column texts:"), "{found:?}");
        assert!(found[1].starts_with("line 3, column entry:"), "{found:?}");
        assert!(
            found[2].starts_with("line 4, column id: a is already the entry of line 1"),
            "{found:?}"
        );
    }

    #[test]
    fn files_that_are_not_entries_say_so() {
        assert_eq!(errors(""), ["file: the file is empty"]);
        assert!(errors("id,title\nx,y\n")[0].contains("missing column(s): lang, summary"));
        assert!(
            errors("id,lang,title,summary,colour\n")[0]
                .contains("'colour' is not a column Mitra reads")
        );
        assert!(
            read_entries(b"\xff\xfe", &any_city)
                .expect_err("not UTF-8")
                .shown()[0]
                .reason
                .to_string()
                .contains("not UTF-8")
        );
        assert_eq!(errors("[]"), ["file: holds no entry"]);
    }
}
