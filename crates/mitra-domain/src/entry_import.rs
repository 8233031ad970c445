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
use std::io::{BufRead, Read};

use crate::entry::{ContentLanguage, Details, Entry, EntryId, EntryText, SourceLink, TextOrigin};
use crate::import_source::{ImportSource, ReadSoFar, TextReader, first_byte, read_problem};
use crate::observation::{ImportError, ImportErrors, csv_with_header, file_error};
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

/// Entries handed on together by [`read_entry_pages`].
pub const PAGE: usize = 1000;

/// Reads every entry of `bytes`, or every problem in it. `city` resolves what the file names a city by — its id, or
/// a name only one city has, in any script — or says why it cannot.
pub fn read_entries(
    bytes: &[u8],
    city: &dyn Fn(&str) -> Result<CityId, Reason>,
) -> Result<Vec<ImportedEntry>, ImportErrors> {
    let mut entries = Vec::new();
    read_entry_pages(
        &bytes,
        city,
        &mut |page| {
            entries.extend(page);
            true
        },
        &mut |_, _| {},
    )?;
    Ok(entries)
}

/// Which reading of a file [`read_entry_pages`] is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingPass {
    /// Finding the last row of each entry (CSV only): nothing is handed on yet.
    Scanning,
    /// Reading the entries and handing them on.
    Reading,
}

/// Reads the entries of `source` as [`read_entries`] does, without holding the file or its entries: they are
/// handed to `page` [`PAGE`] at a time, as long as no problem has been found, and the rest of the file is then read
/// for its problems only. A CSV file is read twice, first to find each entry's last row (an entry's rows need not be
/// next to each other), then to read the entries, each handed on once its last row is read. `progress` learns how
/// many bytes of the file have been read, in which pass. When `page` returns `false`, reading stops there.
///
/// Returns how many entries there are, or every problem; whatever was handed on before a problem was found is to be
/// dropped by the caller.
pub fn read_entry_pages(
    source: &dyn ImportSource,
    city: &dyn Fn(&str) -> Result<CityId, Reason>,
    page: &mut dyn FnMut(Vec<ImportedEntry>) -> bool,
    progress: &mut dyn FnMut(ReadingPass, u64),
) -> Result<u64, ImportErrors> {
    let first = {
        let read = ReadSoFar::default();
        let mut text = TextReader::open(source, &read).map_err(|e| read_problem(&e))?;
        first_byte(&mut text).map_err(|e| read_problem(&e))?
    };
    let mut pager = Pager {
        page,
        city,
        ready: Vec::new(),
        errors: ImportErrors::default(),
        count: 0,
        stopped: false,
        seen: HashMap::new(),
    };
    match first {
        None => return Err(file_error("file", Reason::file_empty())),
        Some(b'[') => json(source, &mut pager, progress)?,
        Some(_) => csv(source, &mut pager, progress)?,
    }
    pager.hand_on();
    if pager.count == 0 && pager.errors.is_empty() {
        return Err(file_error("file", Reason::no_rows()));
    }
    if pager.errors.is_empty() {
        Ok(pager.count)
    } else {
        Err(pager.errors)
    }
}

/// Checks each entry read whole and gathers the good ones into pages while the file has no problem.
struct Pager<'p> {
    page: &'p mut dyn FnMut(Vec<ImportedEntry>) -> bool,
    city: &'p dyn Fn(&str) -> Result<CityId, Reason>,
    ready: Vec<ImportedEntry>,
    errors: ImportErrors,
    count: u64,
    /// Whether `page` asked to stop.
    stopped: bool,
    /// The line of each id read (JSON only: CSV rows of one id make one entry).
    seen: HashMap<EntryId, u64>,
}

impl Pager<'_> {
    /// Checks an entry read whole: its fields, its cities, and (for JSON) that its id comes once.
    fn take(&mut self, imported: ImportedEntry, unique: bool) {
        if let Err(e) = imported.entry.validate() {
            self.errors.push(ImportError {
                line: imported.line,
                column: e.field,
                reason: e.reason,
            });
        }
        for (i, id) in imported.entry.cities.iter().enumerate() {
            if let Err(reason) = (self.city)(id.as_str()) {
                self.errors.push(ImportError {
                    line: imported.line,
                    column: format!("cities[{i}]"),
                    reason,
                });
            }
        }
        if unique {
            match self.seen.entry(imported.entry.id.clone()) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    self.errors.push(ImportError {
                        line: imported.line,
                        column: "id".into(),
                        reason: Reason::already_line(&imported.entry.id, *first.get()),
                    });
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(imported.line);
                }
            }
        }
        self.count += 1;
        if self.errors.is_empty() {
            self.ready.push(imported);
            if self.ready.len() == PAGE {
                self.hand_on();
            }
        } else {
            self.ready = Vec::new();
        }
    }

    /// Hands on the entries gathered, if the file has had no problem.
    fn hand_on(&mut self) {
        if !self.ready.is_empty() && self.errors.is_empty() && !self.stopped {
            self.stopped = !(self.page)(std::mem::take(&mut self.ready));
        }
    }
}

/// How often, in rows or elements, progress is told.
const PROGRESS_EVERY: u64 = 1024;

/// Reads a JSON array element by element.
fn json(
    source: &dyn ImportSource,
    pager: &mut Pager<'_>,
    progress: &mut dyn FnMut(ReadingPass, u64),
) -> Result<(), ImportErrors> {
    let read = ReadSoFar::default();
    let text = TextReader::open(source, &read).map_err(|e| read_problem(&e))?;
    let mut elements = 0;
    let mut each = |value: serde_json::Value| {
        elements += 1;
        element(value, elements, pager);
        if elements % PROGRESS_EVERY == 0 {
            progress(ReadingPass::Reading, read.get());
        }
        !pager.stopped
    };
    let mut de = serde_json::Deserializer::from_reader(text);
    let done =
        serde::Deserializer::deserialize_seq(&mut de, Elements(&mut each)).and_then(|()| de.end());
    match done {
        Ok(()) => Ok(()),
        Err(_) if pager.stopped => Ok(()),
        Err(e) if e.is_io() => Err(read_problem(&std::io::Error::from(e))),
        Err(e) => Err(file_error("file", Reason::not_json_rows(e))),
    }
}

/// The elements of a JSON array, each handed to the function as it is read; it returns `false` to stop.
struct Elements<'f>(&'f mut dyn FnMut(serde_json::Value) -> bool);

impl<'de> serde::de::Visitor<'de> for Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of entries")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            if !(self.0)(value) {
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// One element of a JSON array, the `line`th.
fn element(mut value: serde_json::Value, line: u64, pager: &mut Pager<'_>) {
    // A city named rather than given by id is resolved first; one that cannot be is reported below.
    if let Some(cities) = value.get_mut("cities").and_then(|c| c.as_array_mut()) {
        for (n, named) in cities.iter_mut().enumerate() {
            if let Some(raw) = named.as_str() {
                match (pager.city)(raw) {
                    Ok(id) => *named = serde_json::Value::String(id.to_string()),
                    Err(reason) => pager.errors.push(ImportError {
                        line,
                        column: format!("cities[{n}]"),
                        reason,
                    }),
                }
            }
        }
    }
    match serde_json::from_value::<Entry>(value) {
        Ok(entry) => pager.take(ImportedEntry { line, entry }, true),
        Err(e) => pager.errors.push(ImportError {
            line,
            column: "entry".into(),
            reason: Reason::unreadable(e),
        }),
    }
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

/// The longest header line the delimiter is detected from, in bytes.
const HEADER_SNIFF: u64 = 64 * 1024;

/// Opens a CSV file of entries: its reader and header, once the header has the required columns and no other.
fn open_entries_csv<'s>(
    source: &'s dyn ImportSource,
    read: &'s ReadSoFar,
) -> Result<(csv::Reader<impl Read + 's>, Vec<String>), ImportErrors> {
    let mut text = TextReader::open(source, read).map_err(|e| read_problem(&e))?;
    let mut header_line = Vec::new();
    (&mut text)
        .take(HEADER_SNIFF)
        .read_until(b'\n', &mut header_line)
        .map_err(|e| read_problem(&e))?;
    let sniffed = String::from_utf8_lossy(&header_line);
    let delimiter_of = sniffed.lines().next().unwrap_or("").to_owned();
    let text = std::io::Cursor::new(header_line).chain(text);
    let (reader, headers) = csv_with_header(text, &delimiter_of, &REQUIRED)?;
    if let Some(unknown) = headers.iter().find(|h| !CSV_COLUMNS.contains(&h.as_str())) {
        return Err(file_error(
            "header",
            Reason::not_a_column(crate::ids::clip(unknown), CSV_COLUMNS.join(", ")),
        ));
    }
    Ok((reader, headers))
}

/// The next record of `reader` and the line it starts on; `Ok(None)` at the end. A row that cannot be read is
/// reported and skipped; a file that cannot be read (or is not UTF-8) ends the reading with that problem.
fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    errors: &mut ImportErrors,
) -> Result<Option<u64>, ImportErrors> {
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(record) {
            Ok(false) => return Ok(None),
            Ok(true) => return Ok(Some(record.position().map_or(line, |p| p.line()))),
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(io) => return Err(read_problem(io)),
                _ => errors.push(ImportError {
                    line,
                    column: "row".into(),
                    reason: Reason::unreadable(e),
                }),
            },
        }
    }
}

/// Reads a CSV file: first the last line of each id, then the entries.
fn csv(
    source: &dyn ImportSource,
    pager: &mut Pager<'_>,
    progress: &mut dyn FnMut(ReadingPass, u64),
) -> Result<(), ImportErrors> {
    let mut record = csv::StringRecord::new();
    let last_lines: HashMap<EntryId, u64> = {
        let read = ReadSoFar::default();
        let (mut reader, headers) = open_entries_csv(source, &read)?;
        let id_at = headers.iter().position(|h| h == "id").unwrap_or(0);
        let mut last_lines = HashMap::new();
        // Unreadable rows are reported by the second reading.
        let mut ignored = ImportErrors::default();
        let mut rows = 0;
        while let Some(line) = next_record(&mut reader, &mut record, &mut ignored)? {
            if let Ok(id) = EntryId::parse(record.get(id_at).unwrap_or("").trim()) {
                last_lines.insert(id, line);
            }
            rows += 1;
            if rows % PROGRESS_EVERY == 0 {
                progress(ReadingPass::Scanning, read.get());
            }
        }
        last_lines
    };
    let read = ReadSoFar::default();
    let (mut reader, headers) = open_entries_csv(source, &read)?;
    // Entries whose last row is still to come.
    let mut open: HashMap<EntryId, ImportedEntry> = HashMap::new();
    let mut rows = 0;
    while let Some(line) = next_record(&mut reader, &mut record, &mut pager.errors)? {
        rows += 1;
        if rows % PROGRESS_EVERY == 0 {
            progress(ReadingPass::Reading, read.get());
        }
        if pager.stopped {
            return Ok(());
        }
        let fields: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        let row = Row { fields };
        let errors = &mut pager.errors;
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
        let last = last_lines.get(&id) == Some(&line);
        if let Some(opened) = open.get_mut(&id) {
            if let Some(column) = HEADER_COLUMNS.iter().find(|c| !row.get(c).is_empty()) {
                fail(column, Reason::first_row_only(&id, opened.line));
            }
            if errors.len() == before {
                opened.entry.texts.extend(text);
                opened.entry.sources.extend(source);
            }
            if last && let Some(done) = open.remove(&id) {
                pager.take(done, false);
            }
            continue;
        }
        let entry = header_of(&row, id.clone(), pager.city, &mut fail);
        if errors.len() == before
            && let Some(mut entry) = entry
        {
            entry.texts.extend(text);
            entry.sources.extend(source);
            let imported = ImportedEntry { line, entry };
            if last {
                pager.take(imported, false);
            } else {
                open.insert(id, imported);
            }
        }
    }
    progress(ReadingPass::Reading, read.get());
    // Every entry's last row has been read; none is left open unless the file changed between the two readings.
    let mut left: Vec<ImportedEntry> = open.into_values().collect();
    left.sort_by_key(|e| e.line);
    for imported in left {
        pager.take(imported, false);
    }
    Ok(())
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

    /// A CSV file of `n` entries, each with an English row and, `apart` rows later, a Thai one.
    fn entries_csv(n: usize, apart: usize) -> String {
        let mut file = format!("{HEADER}\n");
        let english =
            |i: usize| format!("e-{i},practice,en,,Title {i},Summary {i}.,bangkok,,,,,\n");
        let thai = |i: usize| format!("e-{i},,th,machine-translation,ชื่อ {i},สรุป {i},,,,,,\n");
        for i in 0..n + apart {
            if i < n {
                file.push_str(&english(i));
            }
            if i >= apart {
                file.push_str(&thai(i - apart));
            }
        }
        file
    }

    fn pages_of(file: &str) -> (Result<u64, ImportErrors>, Vec<Vec<ImportedEntry>>) {
        let mut pages = Vec::new();
        let read = read_entry_pages(
            &file.as_bytes(),
            &any_city,
            &mut |page| {
                pages.push(page);
                true
            },
            &mut |_, _| {},
        );
        (read, pages)
    }

    #[test]
    fn entries_are_handed_on_a_page_at_a_time_each_once_its_last_row_is_read() {
        // Each entry's Thai row comes 700 rows after its English one, across the pages.
        let (read, pages) = pages_of(&entries_csv(2_500, 700));
        assert_eq!(read.expect("read"), 2_500);
        let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
        assert_eq!(sizes, [PAGE, PAGE, 500]);
        let mut ids = BTreeSet::new();
        for imported in pages.iter().flatten() {
            let langs: Vec<&str> = imported.entry.texts.iter().map(|t| t.lang.tag()).collect();
            assert_eq!(langs, ["en", "th"], "{}", imported.entry.id);
            ids.insert(imported.entry.id.to_string());
        }
        assert_eq!(ids.len(), 2_500);
    }

    #[test]
    fn once_a_problem_is_found_nothing_more_is_handed_on_and_every_problem_is_reported() {
        let mut file = entries_csv(2_500, 0);
        file.push_str("e-bad,practice,xx,,T,S,bangkok,,,,,\n");
        file.push_str("e-worse,practice,en,,T,S,No City!,,,,,\n");
        let (read, pages) = pages_of(&file);
        let shown: Vec<String> = read
            .expect_err("refused")
            .shown()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(shown[0].starts_with("line 5002, column lang"), "{shown:?}");
        assert!(
            shown[1].starts_with("line 5003, column cities"),
            "{shown:?}"
        );
        // The pages before the first problem were handed on (the caller drops them); none after.
        assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), 2 * PAGE);
    }

    #[test]
    fn reading_stops_when_the_receiver_of_pages_asks_it_to() {
        let file = entries_csv(2_500, 0);
        let mut pages = 0;
        let read = read_entry_pages(
            &file.as_bytes(),
            &any_city,
            &mut |_| {
                pages += 1;
                false
            },
            &mut |_, _| {},
        );
        assert_eq!(pages, 1);
        assert!(read.expect("stopped") < 2_500);
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
