//! Observations: a city's value for an indicator in a year, and the rules an imported value must pass before it is
//! stored — units and their conversions, plausible ranges, and the import file formats (CSV and JSON).
//!
//! Parsing here checks each row on its own (numbers, years, units, required fields) and reports every bad row, not
//! only the first. Whether the city and the indicator exist is for the service to check against the store.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use time::OffsetDateTime;

use crate::observation_batch::{BatchRow, ObservationBatch};
use crate::{CityId, IndicatorId, Reason, ValidationError};

pub use crate::unit::{Unit, UnitKind};

/// Checks that `value` is plausible in `unit` (see [`Unit::check`]); without a unit, only that it is a finite number.
pub fn check_range(value: f64, unit: Option<Unit>) -> Result<(), Reason> {
    match unit {
        Some(unit) => unit.check(value),
        None if value.is_finite() => Ok(()),
        None => Err(Reason::not_finite()),
    }
}

/// The earliest and latest years an observation may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// One row of an import file, checked on its own; its text borrows from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow<'r> {
    /// The line (CSV) or the element number counted from 1 (JSON), for messages.
    pub line: u64,
    /// City id or English name, as written.
    pub city: &'r str,
    /// Indicator id, as written.
    pub indicator: &'r str,
    /// The year.
    pub year: i32,
    /// The value.
    pub value: f64,
    /// The unit as written, if given.
    pub unit: Option<&'r str>,
    /// Where the value comes from.
    pub source: Option<&'r str>,
    /// How it was measured.
    pub note: Option<&'r str>,
}

/// A problem with one row of an import file: `line N, column C: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The line (CSV) or element number (JSON); 0 for the file as a whole.
    pub line: u64,
    /// The column.
    pub column: String,
    /// What is wrong.
    pub reason: Reason,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.column, self.reason)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.reason
            )
        }
    }
}

/// The problems of an import file, bounded: the first [`ImportErrors::SHOWN`] in line order are kept, the rest are
/// only counted, so that a file of millions of bad rows cannot fill memory or an error response. Each kept
/// problem's column and reason are cut to a readable length, as they may quote what the file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportErrors {
    shown: Vec<ImportError>,
    problems: u64,
    // One bit per line: which lines have a problem, to count rows and not problems.
    lines: Vec<u64>,
    rows: u64,
}

impl ImportErrors {
    /// How many problems are kept and reported.
    pub const SHOWN: usize = 100;
    /// The longest column name and reason kept, in characters.
    const MAX_TEXT: usize = 200;

    /// Adds a problem.
    pub fn push(&mut self, mut error: ImportError) {
        self.problems += 1;
        let (word, bit) = ((error.line / 64) as usize, error.line % 64);
        if self.lines.len() <= word {
            self.lines.resize(word + 1, 0);
        }
        if self.lines[word] & (1 << bit) == 0 {
            self.lines[word] |= 1 << bit;
            self.rows += 1;
        }
        if self.full_before(&error) {
            return;
        }
        error.column = crate::text::shorten(&error.column, Self::MAX_TEXT);
        error.reason = error.reason.shortened(Self::MAX_TEXT);
        self.keep(error);
    }

    /// Whether the problems kept are [`Self::SHOWN`] and all come before `error` (or on its line).
    fn full_before(&self, error: &ImportError) -> bool {
        self.shown.len() == Self::SHOWN
            && self.shown.last().is_none_or(|last| error.line >= last.line)
    }

    /// Keeps `error` among the problems shown, in line order, unless they are full of earlier ones: the lowest lines
    /// are kept, and since `shown` is sorted by line, the highest kept one gives way to an earlier one.
    fn keep(&mut self, error: ImportError) {
        if self.full_before(&error) {
            return;
        }
        if self.shown.len() == Self::SHOWN {
            self.shown.pop();
        }
        let at = self.shown.partition_point(|e| e.line <= error.line);
        self.shown.insert(at, error);
    }

    /// Problems of the file as a whole, or of one row, before any other.
    pub fn of(errors: impl IntoIterator<Item = ImportError>) -> Self {
        let mut all = Self::default();
        for error in errors {
            all.push(error);
        }
        all
    }

    /// Adds every problem of `other`; of their problems, the first [`Self::SHOWN`] in line order are kept.
    pub fn absorb(&mut self, other: ImportErrors) {
        self.problems += other.problems;
        if self.lines.len() < other.lines.len() {
            self.lines.resize(other.lines.len(), 0);
        }
        for (word, bits) in self.lines.iter_mut().zip(&other.lines) {
            *word |= bits;
        }
        self.rows = self.lines.iter().map(|w| u64::from(w.count_ones())).sum();
        for error in other.shown {
            self.keep(error);
        }
    }

    /// Whether there is no problem.
    pub fn is_empty(&self) -> bool {
        self.problems == 0
    }

    /// How many problems there are in all.
    pub fn len(&self) -> u64 {
        self.problems
    }

    /// How many rows (lines or elements) have a problem; 0 counts as the file itself.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The problems kept, in line order: the first [`Self::SHOWN`].
    pub fn shown(&self) -> &[ImportError] {
        &self.shown
    }

    /// Rows with problems beyond those of the problems kept.
    pub fn more_rows(&self) -> u64 {
        let mut kept: Vec<u64> = self.shown.iter().map(|e| e.line).collect();
        kept.dedup();
        self.rows.saturating_sub(kept.len() as u64)
    }

    /// The summary line after the problems kept: "and N more rows with errors", when there are more.
    pub fn more_message(&self) -> Option<String> {
        match self.more_rows() {
            0 => None,
            1 => Some(format!(
                "… and 1 more row with errors ({} rows in all)",
                self.rows
            )),
            n => Some(format!(
                "… and {n} more rows with errors ({} rows in all)",
                self.rows
            )),
        }
    }
}

impl std::fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.shown.first() {
            None => f.write_str("no problem"),
            Some(first) => write!(f, "{} row(s) with errors; first: {first}", self.rows),
        }
    }
}

/// Where an observation stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservationStatus {
    /// Submitted by a city editor (or loaded by an operator) and not yet reviewed.
    Submitted,
    /// Checked by a verifier.
    Verified,
    /// Rejected by a verifier, with a reason; it counts nowhere.
    Rejected,
}

impl ObservationStatus {
    /// Every status, in review order.
    pub const ALL: [ObservationStatus; 3] = [
        ObservationStatus::Submitted,
        ObservationStatus::Verified,
        ObservationStatus::Rejected,
    ];

    /// The id used in the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ObservationStatus::Submitted => "submitted",
            ObservationStatus::Verified => "verified",
            ObservationStatus::Rejected => "rejected",
        }
    }

    /// Parses a status id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "submitted" => Ok(ObservationStatus::Submitted),
            "verified" => Ok(ObservationStatus::Verified),
            "rejected" => Ok(ObservationStatus::Rejected),
            other => Err(ValidationError::new(
                "status",
                Reason::not_one_of(crate::ids::clip(other), "submitted, verified, rejected"),
            )),
        }
    }
}

impl fmt::Display for ObservationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Store id.
    pub id: i64,
    /// The city.
    pub city_id: CityId,
    /// The indicator.
    pub indicator_id: IndicatorId,
    /// The year it is for.
    pub year: i32,
    /// The value in the indicator's declared unit.
    pub value: f64,
    /// The indicator's unit (or the submitted one, when the indicator declares none).
    pub unit: Option<String>,
    /// The value as submitted, when it was converted.
    pub original_value: Option<f64>,
    /// The unit as submitted, when the value was converted.
    pub original_unit: Option<String>,
    /// Where the value comes from; empty when the submitter named no source.
    pub source: String,
    /// How it was measured.
    pub note: Option<String>,
    /// Review status.
    pub status: ObservationStatus,
    /// The verifier's reason for a rejection.
    pub status_reason: Option<String>,
    /// Who submitted it (audit name).
    pub submitted_by: String,
    /// When.
    pub submitted_at: OffsetDateTime,
    /// Who reviewed it.
    pub reviewed_by: Option<String>,
    /// When.
    pub reviewed_at: Option<OffsetDateTime>,
}

/// An observation ready to be stored: city and indicator resolved, unit fitted to the indicator's.
#[derive(Debug, Clone, PartialEq)]
pub struct NewObservation {
    /// The city.
    pub city_id: CityId,
    /// The indicator.
    pub indicator_id: IndicatorId,
    /// The year.
    pub year: i32,
    /// The value in the indicator's unit.
    pub value: f64,
    /// The unit stored with the value.
    pub unit: Option<String>,
    /// The value as submitted, when converted.
    pub original_value: Option<f64>,
    /// The unit as submitted, when converted.
    pub original_unit: Option<String>,
    /// Source; empty when none was named.
    pub source: String,
    /// Method note.
    pub note: Option<String>,
}

/// A value fitted to an indicator's declared unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The value in the declared unit.
    pub value: f64,
    /// The unit to store.
    pub unit: Option<String>,
    /// The value and unit as submitted, when a conversion was applied.
    pub original: Option<(f64, String)>,
}

/// A unit problem: the column at fault (`unit` or `value`) and the reason.
pub type UnitProblem = (&'static str, Reason);

/// How values submitted in one unit are fitted to an indicator's declared unit: the factor, the unit stored, the
/// range rules that apply, and the submitted unit to keep when a conversion happens. It depends on the two units
/// only, so an import works it out once per pair.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPlan {
    factor: f64,
    unit: Option<String>,
    range: Option<Unit>,
    original_unit: Option<String>,
}

impl UnitPlan {
    /// The plan for values in `given` (none: the declared unit is assumed) for an indicator declaring `declared`.
    /// A unit Mitra does not know is refused, and so is one that measures another quantity than the declared one;
    /// a unit of the same quantity in another scale is converted. The unit stored is always the canonical spelling.
    /// The error names the column at fault and the reason.
    pub fn new(
        given: Option<&str>,
        declared: Option<&str>,
    ) -> Result<Self, (&'static str, Reason)> {
        let given = given.map(str::trim).filter(|g| !g.is_empty());
        let declared_raw = declared.map(str::trim).filter(|d| !d.is_empty());
        let declared = declared_raw.map(|d| Unit::parse(d).ok_or(d));
        let plan = |factor: f64, unit: Unit, original: Option<Unit>| Self {
            factor,
            unit: Some(unit.symbol().to_owned()),
            range: Some(unit),
            original_unit: original.map(|u| u.symbol().to_owned()),
        };
        let Some(given) = given else {
            return Ok(match declared {
                Some(Ok(unit)) => plan(1.0, unit, None),
                // A declared unit Mitra cannot read (stored before units were checked) is kept as it is.
                Some(Err(raw)) => Self {
                    factor: 1.0,
                    unit: Some(raw.to_owned()),
                    range: None,
                    original_unit: None,
                },
                None => Self {
                    factor: 1.0,
                    unit: None,
                    range: None,
                    original_unit: None,
                },
            });
        };
        let Some(given_unit) = Unit::parse(given) else {
            let given = crate::text::shorten(given, 40);
            return Err((
                "unit",
                match &declared {
                    Some(Ok(unit)) => Reason::unknown_unit_for(given, unit),
                    _ => Reason::unknown_unit(given),
                },
            ));
        };
        match declared {
            None => Ok(plan(1.0, given_unit, None)),
            Some(Ok(unit)) => match given_unit.factor_to(unit) {
                Some(factor) => Ok(plan(
                    factor,
                    unit,
                    (given_unit != unit).then_some(given_unit),
                )),
                None => Err(("unit", Reason::unit_mismatch(given_unit, unit))),
            },
            Some(Err(raw)) => Err(("unit", Reason::unit_mismatch(given_unit, raw))),
        }
    }

    /// The unit values are stored in.
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_deref()
    }

    /// The submitted unit, kept when the plan converts.
    pub fn original_unit(&self) -> Option<&str> {
        self.original_unit.as_deref()
    }

    /// One value in the stored unit, checked against its range; the error is a range problem with the `value`
    /// column.
    pub fn convert(&self, value: f64) -> Result<f64, (&'static str, Reason)> {
        let fitted = value * self.factor;
        check_range(fitted, self.range).map_err(|reason| ("value", reason))?;
        Ok(fitted)
    }

    /// Fits one value; the error is a range problem with the `value` column.
    pub fn fit(&self, value: f64) -> Result<Fitted, (&'static str, Reason)> {
        let fitted = value * self.factor;
        check_range(fitted, self.range).map_err(|reason| ("value", reason))?;
        Ok(Fitted {
            value: fitted,
            unit: self.unit.clone(),
            original: self.original_unit.clone().map(|u| (value, u)),
        })
    }
}

/// Fits `value`, submitted in `given`, to the indicator's `declared` unit: the same unit (however written) passes,
/// a convertible one is converted (the original is kept), any other is refused. Without a declared unit the
/// submitted unit is kept as it is; without a submitted unit the declared one is assumed. The range rules of the
/// resulting unit apply.
/// The error names the column at fault (`unit` or `value`) and the reason.
pub fn fit_unit(
    value: f64,
    given: Option<&str>,
    declared: Option<&str>,
) -> Result<Fitted, (&'static str, Reason)> {
    UnitPlan::new(given, declared)?.fit(value)
}

/// What an import resolves names and ids against: the cities and indicators in the store.
#[derive(Debug, Default)]
pub struct Catalogue {
    cities: HashSet<CityId>,
    city_names: HashMap<String, Vec<CityId>>,
    indicators: HashMap<IndicatorId, Option<String>>,
}

impl Catalogue {
    /// Adds a city with its names: English, and its Chinese and local-script names where it has them, so that a
    /// file may name Bangkok `Bangkok`, `曼谷` or `กรุงเทพ`.
    pub fn add_city<'n>(&mut self, id: CityId, names: impl IntoIterator<Item = &'n str>) {
        for name in names {
            let ids = self
                .city_names
                .entry(name.trim().to_lowercase())
                .or_default();
            if !ids.contains(&id) {
                ids.push(id.clone());
            }
        }
        self.cities.insert(id);
    }

    /// Adds an indicator with its declared unit.
    pub fn add_indicator(&mut self, id: IndicatorId, unit: Option<String>) {
        self.indicators.insert(id, unit);
    }

    /// The city `raw` names: its id, or a name only one city has (in any script); otherwise why not.
    pub fn resolve_city(&self, raw: &str) -> Result<CityId, Reason> {
        self.city(raw)
    }

    fn city(&self, raw: &str) -> Result<CityId, Reason> {
        if let Ok(id) = CityId::parse(raw)
            && self.cities.contains(&id)
        {
            return Ok(id);
        }
        match self
            .city_names
            .get(&raw.trim().to_lowercase())
            .map(Vec::as_slice)
        {
            Some([one]) => Ok(one.clone()),
            Some(many) if many.len() > 1 => {
                let ids: Vec<&str> = many.iter().map(CityId::as_str).collect();
                Err(Reason::ambiguous_city(
                    crate::ids::clip(raw),
                    many.len(),
                    ids.join(", "),
                ))
            }
            _ => Err(Reason::unknown_city_name(crate::ids::clip(raw))),
        }
    }

    fn indicator(&self, raw: &str) -> Result<(IndicatorId, Option<&str>), Reason> {
        let unknown = || Reason::unknown_indicator_id(crate::ids::clip(raw));
        let id = IndicatorId::parse(raw.trim()).map_err(|_| unknown())?;
        let unit = self.indicators.get(&id).ok_or_else(unknown)?;
        Ok((id, unit.as_deref()))
    }

    /// A resolver that remembers the rows it has seen, for a file read in chunks.
    pub fn resolver(&self) -> Resolver<'_> {
        Resolver {
            catalogue: self,
            batch: ObservationBatch::default(),
            seen: HashMap::default(),
            cities: HashMap::default(),
            indicators: HashMap::default(),
            plans: HashMap::default(),
            first_lines: Vec::new(),
        }
    }
}

/// A map with a fast hash: imports look up every row's city and indicator.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A unit plan with the batch's numbers for the texts it stores.
type NumberedPlan = Result<(UnitPlan, Option<u32>, Option<u32>), UnitProblem>;

/// Resolves the rows of one file: known city, known indicator, unit fitted, and no two rows for the same city,
/// indicator, year and source. The good rows are gathered into an [`ObservationBatch`].
pub struct Resolver<'a> {
    catalogue: &'a Catalogue,
    batch: ObservationBatch,
    // Each row's key, by the batch's numbers, with its line.
    seen: HashMap<(u32, u32, i32, u32), u64, foldhash::fast::RandomState>,
    // Files repeat the same few cities, indicators and units on every row: each is worked out once.
    cities: FastMap<String, Result<u32, Reason>>,
    indicators: FastMap<String, Result<(u32, Option<String>), Reason>>,
    plans: HashMap<(u32, Option<u32>), NumberedPlan, foldhash::fast::RandomState>,
    // The line of each batch city's first row.
    first_lines: Vec<u64>,
}

impl Resolver<'_> {
    /// Adds a row to the batch if it resolves; each problem is added to `errors`.
    pub fn resolve(&mut self, row: &ImportRow<'_>, errors: &mut ImportErrors) {
        let mut fail = |column: &str, reason: Reason| {
            errors.push(ImportError {
                line: row.line,
                column: column.into(),
                reason,
            })
        };
        let city = match self.cities.get(row.city) {
            Some(known) => known.clone(),
            None => {
                let resolved = self.catalogue.city(row.city).map(|id| self.batch.city(id));
                self.cities.insert(row.city.to_owned(), resolved.clone());
                resolved
            }
        };
        let indicator = match self.indicators.get(row.indicator) {
            Some(Ok((n, _))) => Ok(*n),
            Some(Err(e)) => Err(e.clone()),
            None => {
                let resolved = self
                    .catalogue
                    .indicator(row.indicator)
                    .map(|(id, unit)| (self.batch.indicator(id), unit.map(str::to_owned)));
                self.indicators
                    .insert(row.indicator.to_owned(), resolved.clone());
                resolved.map(|(n, _)| n)
            }
        };
        let city = city.map_err(|e| fail("city", e)).ok();
        let indicator = indicator.map_err(|e| fail("indicator", e)).ok();
        let (Some(city), Some(indicator)) = (city, indicator) else {
            return;
        };
        let given = row.unit.map(|u| self.batch.text(u));
        let plan = match self.plans.get(&(indicator, given)) {
            Some(plan) => plan,
            None => {
                let declared = self.indicators[row.indicator]
                    .as_ref()
                    .ok()
                    .and_then(|(_, d)| d.as_deref());
                let plan = UnitPlan::new(row.unit, declared).map(|plan| {
                    let unit = plan.unit().map(|u| self.batch.text(u));
                    let original = plan.original_unit().map(|u| self.batch.text(u));
                    (plan, unit, original)
                });
                self.plans.entry((indicator, given)).or_insert(plan)
            }
        };
        let (value, unit, original) = match plan {
            Ok((plan, unit, original)) => match plan.convert(row.value) {
                Ok(value) => (value, *unit, original.map(|u| (row.value, u))),
                Err((column, reason)) => {
                    fail(column, reason);
                    return;
                }
            },
            Err((column, reason)) => {
                fail(column, reason.clone());
                return;
            }
        };
        let source = self.batch.text(row.source.unwrap_or_default());
        match self.seen.entry((city, indicator, row.year, source)) {
            std::collections::hash_map::Entry::Occupied(first) => {
                fail("year", Reason::repeats_line(first.get()));
                return;
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(row.line);
            }
        }
        if self.first_lines.len() <= city as usize {
            self.first_lines.resize(city as usize + 1, 0);
        }
        if self.first_lines[city as usize] == 0 {
            self.first_lines[city as usize] = row.line;
        }
        let note = row.note.map(|n| self.batch.text(n));
        self.batch.push_row(BatchRow::new(
            city, indicator, row.year, source, value, unit, original, note,
        ));
    }

    /// The rows resolved so far.
    pub fn batch(&self) -> &ObservationBatch {
        &self.batch
    }

    /// The line of the first row for the batch's city number `city`.
    pub fn first_line(&self, city: u32) -> u64 {
        self.first_lines.get(city as usize).copied().unwrap_or(0)
    }

    /// The resolved rows.
    pub fn into_batch(self) -> ObservationBatch {
        self.batch
    }
}

const REQUIRED: [&str; 4] = ["city", "indicator", "year", "value"];
const OPTIONAL: [&str; 3] = ["unit", "source", "note"];
/// Columns of the template Mitra hands out that are there for the person filling it in, and that the importer
/// ignores: the indicator's title.
const TEMPLATE: [&str; 1] = ["title"];

pub(crate) fn file_error(column: &str, reason: Reason) -> ImportErrors {
    ImportErrors::of([ImportError {
        line: 0,
        column: column.into(),
        reason,
    }])
}

/// An import file's text: UTF-8 (or a clear refusal), without a byte-order mark, and not empty.
pub(crate) fn import_text(bytes: &[u8]) -> Result<&str, ImportErrors> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| file_error("file", Reason::not_utf8(e.valid_up_to())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(file_error("file", Reason::file_empty()));
    }
    Ok(text)
}

/// A reader over an import file's CSV text and its header (trimmed, lower-case), once every column in `required` is
/// there. The delimiter is detected from the header line; CRLF line ends are read as LF, since the csv crate counts
/// CRLF lines one short and the line numbers in messages must be right.
pub(crate) type CsvReader<'a> = csv::Reader<std::io::Cursor<std::borrow::Cow<'a, [u8]>>>;

pub(crate) fn open_csv<'a>(
    text: &'a str,
    required: &[&str],
) -> Result<(CsvReader<'a>, Vec<String>), ImportErrors> {
    let normalised: std::borrow::Cow<'a, [u8]> = if text.contains("\r\n") {
        text.replace("\r\n", "\n").into_bytes().into()
    } else {
        text.as_bytes().into()
    };
    let header_line = text.lines().next().unwrap_or("");
    csv_with_header(std::io::Cursor::new(normalised), header_line, required)
}

/// A reader over the CSV text `text`, whose first line is `header_line`, and its header (trimmed, lower-case), once
/// every column in `required` is there. The delimiter is detected from the header line.
pub(crate) fn csv_with_header<R: std::io::Read>(
    text: R,
    header_line: &str,
    required: &[&str],
) -> Result<(csv::Reader<R>, Vec<String>), ImportErrors> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(header_line))
        .flexible(true)
        .from_reader(text);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(match e.kind() {
                csv::ErrorKind::Io(io) => crate::import_source::read_problem(io),
                _ => file_error("header", Reason::unreadable(e)),
            });
        }
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(file_error(
            "header",
            Reason::missing_columns(missing.join(", ")),
        ));
    }
    Ok((reader, headers))
}

/// The delimiter of a CSV file, from its header line: the most frequent of `;`, `,` and tab.
pub(crate) fn detect_delimiter(header: &str) -> u8 {
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// The columns Mitra reads, in the order [`Fields`] holds them.
const COLUMNS: [&str; 7] = [
    "city",
    "indicator",
    "year",
    "value",
    "unit",
    "source",
    "note",
];

/// One row's fields in the order of [`COLUMNS`]; `None` where the file has no such column.
type Fields<'r> = [Option<&'r str>; 7];

/// Checks the fields of one row and collects every problem.
fn check_row<'r>(
    line: u64,
    fields: &Fields<'r>,
    errors: &mut ImportErrors,
) -> Option<ImportRow<'r>> {
    let before = errors.len();
    let mut fail = |column: &str, reason: Reason| {
        errors.push(ImportError {
            line,
            column: column.into(),
            reason,
        })
    };
    let text = |column: &str| {
        let at = COLUMNS.iter().position(|c| *c == column)?;
        fields[at].map(str::trim).filter(|v| !v.is_empty())
    };
    let city = text("city");
    if city.is_none() {
        fail("city", Reason::empty());
    }
    let indicator = text("indicator");
    if indicator.is_none() {
        fail("indicator", Reason::empty());
    }
    let year = match text("year").map(|y| y.parse::<i32>()) {
        None => {
            fail("year", Reason::empty());
            None
        }
        Some(Ok(y)) if YEARS.contains(&y) => Some(y),
        Some(Ok(y)) => {
            fail("year", Reason::year_between(y, YEARS.start(), YEARS.end()));
            None
        }
        Some(Err(_)) => {
            fail(
                "year",
                Reason::not_a_year(crate::ids::clip(text("year").unwrap_or_default())),
            );
            None
        }
    };
    let unit_text = text("unit");
    let unit = unit_text.and_then(Unit::parse);
    let value = match text("value") {
        None => {
            fail("value", Reason::empty());
            None
        }
        // A decimal comma is accepted when there is no decimal point (semicolon-separated files often use one).
        Some(raw) => match raw.parse::<f64>().or_else(|_| {
            raw.replace(' ', "")
                .replace(',', if raw.contains('.') { "" } else { "." })
                .parse::<f64>()
        }) {
            Ok(v) => match check_range(v, unit) {
                Ok(()) => Some(v),
                Err(reason) => {
                    fail("value", reason);
                    None
                }
            },
            Err(_) => {
                fail("value", Reason::not_a_number(crate::ids::clip(raw)));
                None
            }
        },
    };
    if errors.len() > before {
        return None;
    }
    Some(ImportRow {
        line,
        city: city?,
        indicator: indicator?,
        year: year?,
        value: value?,
        unit: unit_text,
        source: text("source"),
        note: text("note"),
    })
}

/// Reads an import file row by row, a chunk at a time so that the caller can show progress; a row's text is lent to
/// the caller, not copied. The file-level checks (UTF-8, header, JSON shape) happen in [`ImportReader::new`]; each
/// chunk's bad rows are added to the caller's list of problems.
pub struct ImportReader<'a> {
    source: Source<'a>,
    rows_read: u64,
    skipped: u64,
    empty: fn() -> Reason,
}

enum Source<'a> {
    Csv {
        reader: Box<CsvReader<'a>>,
        // Where each of COLUMNS is in a record.
        positions: [Option<usize>; 7],
        header_error: Option<ImportError>,
        // Whether the file is Mitra's template (it has a `title` column): its rows left without a year and a
        // value are indicators the submitter has no value for, and are skipped.
        template: bool,
    },
    Json {
        elements: std::iter::Enumerate<std::vec::IntoIter<JsonRow>>,
    },
}

impl<'a> ImportReader<'a> {
    /// Opens a file, checking what applies to it as a whole.
    pub fn new(bytes: &'a [u8]) -> Result<Self, ImportErrors> {
        let text = import_text(bytes)?;
        let (source, empty): (_, fn() -> Reason) = if text.trim_start().starts_with('[') {
            (Self::json(text)?, Reason::empty_array)
        } else {
            (Self::csv(text)?, Reason::no_data_rows)
        };
        Ok(Self {
            source,
            rows_read: 0,
            skipped: 0,
            empty,
        })
    }

    fn csv(text: &'a str) -> Result<Source<'a>, ImportErrors> {
        let (reader, headers) = open_csv(text, &REQUIRED)?;
        let header_error = headers
            .iter()
            .find(|h| {
                !REQUIRED.contains(&h.as_str())
                    && !OPTIONAL.contains(&h.as_str())
                    && !TEMPLATE.contains(&h.as_str())
            })
            .map(|unknown| ImportError {
                line: 1,
                column: unknown.clone(),
                reason: Reason::not_a_column(
                    crate::ids::clip(unknown),
                    format!("{}, {}", REQUIRED.join(", "), OPTIONAL.join(", ")),
                ),
            });
        Ok(Source::Csv {
            reader: Box::new(reader),
            positions: COLUMNS.map(|c| headers.iter().position(|h| h == c)),
            header_error,
            template: headers.iter().any(|h| TEMPLATE.contains(&h.as_str())),
        })
    }

    fn json(text: &str) -> Result<Source<'a>, ImportErrors> {
        let elements: Vec<JsonRow> =
            serde_json::from_str(text).map_err(|e| file_error("file", Reason::not_json_rows(e)))?;
        Ok(Source::Json {
            elements: elements.into_iter().enumerate(),
        })
    }

    /// Reads up to `limit` rows, passing each good one to `each` and adding the problems of the bad ones to
    /// `errors`; returns how many rows were read (0 at the end of the file).
    pub fn read_chunk(
        &mut self,
        limit: usize,
        errors: &mut ImportErrors,
        mut each: impl FnMut(&ImportRow<'_>, &mut ImportErrors),
    ) -> usize {
        let mut read = 0;
        match &mut self.source {
            Source::Csv {
                reader,
                positions,
                header_error,
                template,
            } => {
                if let Some(error) = header_error.take() {
                    errors.push(error);
                }
                let mut record = csv::StringRecord::new();
                while read < limit {
                    match reader.read_record(&mut record) {
                        Ok(false) => break,
                        Err(e) => {
                            read += 1;
                            errors.push(ImportError {
                                line: e.position().map_or(0, |p| p.line()),
                                column: "row".into(),
                                reason: Reason::unreadable(e),
                            });
                        }
                        Ok(true) => {
                            read += 1;
                            let line = record.position().map_or(0, |p| p.line());
                            let fields = positions.map(|at| at.and_then(|i| record.get(i)));
                            let blank = |column: usize| {
                                fields[column].is_none_or(|v: &str| v.trim().is_empty())
                            };
                            // COLUMNS[2] is the year, COLUMNS[3] the value.
                            if *template && blank(2) && blank(3) {
                                self.skipped += 1;
                                continue;
                            }
                            if let Some(row) = check_row(line, &fields, errors) {
                                each(&row, errors);
                            }
                        }
                    }
                }
            }
            Source::Json { elements } => {
                for (index, JsonRow(object)) in elements.by_ref() {
                    read += 1;
                    let line = index as u64 + 1;
                    let lowered: Vec<(String, &serde_json::Value)> =
                        object.iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
                    if let Some((unknown, _)) = lowered.iter().find(|(k, _)| {
                        !REQUIRED.contains(&k.as_str()) && !OPTIONAL.contains(&k.as_str())
                    }) {
                        errors.push(ImportError {
                            line,
                            column: unknown.clone(),
                            reason: Reason::not_a_column(
                                crate::ids::clip(unknown),
                                format!("{}, {}", REQUIRED.join(", "), OPTIONAL.join(", ")),
                            ),
                        });
                    }
                    let values: [Option<String>; 7] = COLUMNS.map(|column| {
                        lowered
                            .iter()
                            .find(|(k, _)| k == column)
                            .and_then(|(_, v)| match v {
                                serde_json::Value::String(s) => Some(s.clone()),
                                serde_json::Value::Number(n) => Some(n.to_string()),
                                serde_json::Value::Null => None,
                                other => Some(other.to_string()),
                            })
                    });
                    let fields = values.each_ref().map(Option::as_deref);
                    if let Some(row) = check_row(line, &fields, errors) {
                        each(&row, errors);
                    }
                    if read >= limit {
                        break;
                    }
                }
            }
        }
        self.rows_read += read as u64;
        read
    }

    /// How far the reader is: bytes of a CSV file (or elements of a JSON array) read, and in all.
    pub fn progress(&self) -> (u64, u64) {
        match &self.source {
            Source::Csv { reader, .. } => (
                reader.position().byte(),
                reader.get_ref().get_ref().len() as u64,
            ),
            Source::Json { elements } => {
                let left = elements.len() as u64;
                (self.rows_read, self.rows_read + left)
            }
        }
    }

    /// Rows of a filled-in template skipped because they have neither a year nor a value.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// After the last chunk: a file without any row is an error of its own, and so is a template with no row
    /// filled in.
    pub fn finish(&self, errors: &ImportErrors) -> Result<(), ImportErrors> {
        if !errors.is_empty() {
            Ok(())
        } else if self.rows_read == 0 {
            Err(file_error("file", (self.empty)()))
        } else if self.rows_read == self.skipped {
            Err(file_error("file", Reason::template_unfilled()))
        } else {
            Ok(())
        }
    }
}

/// A JSON element: the same names as the CSV columns, values as strings or numbers.
#[derive(Deserialize)]
struct JsonRow(serde_json::Map<String, serde_json::Value>);

#[cfg(test)]
mod tests {
    use super::*;

    /// An import row with its own strings.
    #[derive(Debug)]
    struct Row {
        line: u64,
        city: String,
        indicator: String,
        year: i32,
        value: f64,
        source: Option<String>,
    }

    /// The whole file read at once: every good row, or every problem.
    fn parse_import(bytes: &[u8]) -> Result<Vec<Row>, Vec<ImportError>> {
        let shown = |e: ImportErrors| e.shown().to_vec();
        let mut reader = ImportReader::new(bytes).map_err(shown)?;
        let mut errors = ImportErrors::default();
        let mut rows = Vec::new();
        while reader.read_chunk(usize::MAX, &mut errors, |r, _| {
            rows.push(Row {
                line: r.line,
                city: r.city.to_owned(),
                indicator: r.indicator.to_owned(),
                year: r.year,
                value: r.value,
                source: r.source.map(str::to_owned),
            })
        }) > 0
        {}
        reader.finish(&errors).map_err(shown)?;
        if errors.is_empty() {
            Ok(rows)
        } else {
            Err(shown(errors))
        }
    }

    /// The whole file read and resolved at once: the observations, or every problem.
    fn resolve_file(
        catalogue: &Catalogue,
        bytes: &[u8],
    ) -> Result<Vec<NewObservation>, Vec<ImportError>> {
        let mut reader = ImportReader::new(bytes).map_err(|e| e.shown().to_vec())?;
        let mut resolver = catalogue.resolver();
        let mut errors = ImportErrors::default();
        while reader.read_chunk(2, &mut errors, |r, errors| resolver.resolve(r, errors)) > 0 {}
        if !errors.is_empty() {
            return Err(errors.shown().to_vec());
        }
        let batch = resolver.into_batch();
        Ok(batch.rows().iter().map(|r| batch.observation(r)).collect())
    }

    #[test]
    fn without_a_unit_only_finite_numbers_pass() {
        assert!(check_range(-3.0, None).is_ok());
        assert!(check_range(f64::NAN, None).is_err());
        assert!(check_range(100.5, Unit::parse("%")).is_err());
    }

    #[test]
    fn a_unit_is_refused_when_mitra_does_not_know_it_or_it_measures_something_else() {
        let refused = |given: &str, declared: &str| {
            UnitPlan::new(Some(given), Some(declared))
                .expect_err("refused")
                .1
                .to_string()
        };
        assert_eq!(
            refused("furlongs", "years"),
            "'furlongs' is not a unit Mitra knows; this indicator is measured in years"
        );
        assert_eq!(
            refused("t", "µg/m³"),
            "'t' cannot be converted to the indicator's unit 'µg/m³'"
        );
        let same = UnitPlan::new(Some("ug/m3"), Some("µg/m³")).expect("same unit");
        assert_eq!(
            (same.unit(), same.original_unit()),
            (Some("µg/m³"), None),
            "stored in the canonical spelling, nothing converted"
        );
        let hours = UnitPlan::new(Some("Hours"), Some("minutes")).expect("convertible");
        let fitted = hours.fit(1.5).expect("fits");
        assert_eq!(
            (fitted.value, fitted.unit.as_deref(), fitted.original),
            (90.0, Some("minutes"), Some((1.5, "hours".to_owned())))
        );
        assert!(
            UnitPlan::new(None, Some("yes/no"))
                .expect("declared")
                .convert(2.0)
                .is_err(),
            "a yes/no indicator takes 0 or 1"
        );
    }

    #[test]
    fn a_csv_with_bom_semicolons_quotes_crlf_and_any_column_order_is_read() {
        let file = "\u{feff}Value;YEAR;city;Indicator;Unit;Source\r\n\"12,5\";2019;bangkok;iso37120-2014:8.1;µg/m³;\"WHO; 2022\"\r\n";
        let rows = parse_import(file.as_bytes()).expect("valid");
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(
            (
                row.city.as_str(),
                row.indicator.as_str(),
                row.year,
                row.value
            ),
            ("bangkok", "iso37120-2014:8.1", 2019, 12.5)
        );
        assert_eq!(row.source.as_deref(), Some("WHO; 2022"));
        assert_eq!(row.line, 2);
    }

    #[test]
    fn a_file_of_many_bad_rows_keeps_the_first_hundred_problems_and_counts_the_rows() {
        let mut file = String::from("city,indicator,year,value\n");
        for _ in 0..50_000 {
            file.push_str(",,,\n");
        }
        let mut reader = ImportReader::new(file.as_bytes()).expect("readable");
        let mut errors = ImportErrors::default();
        while reader.read_chunk(50_000, &mut errors, |_, _| {}) > 0 {}
        assert_eq!(errors.len(), 200_000, "four empty fields a row");
        assert_eq!(errors.rows(), 50_000);
        assert_eq!(errors.shown().len(), ImportErrors::SHOWN);
        assert_eq!(
            errors.shown()[0].to_string(),
            "line 2, column city: must not be empty"
        );
        assert_eq!(errors.shown()[99].line, 26, "25 rows of four problems each");
        assert_eq!(
            errors.more_message().as_deref(),
            Some("… and 49975 more rows with errors (50000 rows in all)")
        );
    }

    #[test]
    fn problems_found_apart_are_joined_as_if_found_together() {
        let problem = |line: u64| ImportError {
            line,
            column: "id".into(),
            reason: Reason::no_rows(),
        };
        // Lines 1..=150 twice, split between two collections in an order unlike the file's.
        let (odd, even): (Vec<u64>, Vec<u64>) = (1..=150).partition(|l| l % 2 == 1);
        let mut joined = ImportErrors::of(odd.iter().chain(&even).map(|&l| problem(l)));
        joined.absorb(ImportErrors::of((1..=150).rev().map(problem)));
        let together = ImportErrors::of((1..=150).chain(1..=150).map(problem));
        assert_eq!(joined.len(), 300);
        assert_eq!(joined.rows(), 150);
        assert_eq!(joined.shown(), together.shown());
        assert_eq!(joined.more_message(), together.more_message());
        let mut into_none = ImportErrors::default();
        into_none.absorb(ImportErrors::of([problem(7)]));
        assert_eq!((into_none.len(), into_none.rows()), (1, 1));
    }

    #[test]
    fn problems_are_kept_in_line_order_whatever_order_they_come_in_and_long_texts_are_cut() {
        let problem = |line: u64, value: &str| ImportError {
            line,
            column: "value".into(),
            reason: Reason::not_a_number(value),
        };
        let mut errors = ImportErrors::default();
        for line in (1..=150).rev() {
            errors.push(problem(line, "bad"));
        }
        errors.push(problem(3, &"x".repeat(10_000)));
        let lines: Vec<u64> = errors.shown().iter().map(|e| e.line).take(5).collect();
        assert_eq!(
            lines,
            [1, 2, 3, 3, 4],
            "the lowest lines are kept, in order"
        );
        assert_eq!(errors.rows(), 150);
        assert!(
            errors
                .shown()
                .iter()
                .all(|e| e.reason.args()[0].1.chars().count() <= 201)
        );
        assert_eq!(errors.more_rows(), 150 - 99);
    }

    #[test]
    fn a_filled_in_template_skips_the_indicators_left_blank_and_ignores_the_titles() {
        let file = "city,indicator,title,year,value,unit,source,note\n\
                    bangkok,iso37120-2014:5.1,Unemployment rate,2019,1.2,%,NSO,\n\
                    bangkok,iso37120-2014:8.1,\"Fine particles, PM2.5\",,,µg/m³,,\n\
                    bangkok,iso37120-2014:5.2,Commercial properties,2019,,,,\n";
        let errors = parse_import(file.as_bytes()).expect_err("a half-filled row is still refused");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["line 4, column value: must not be empty"]);
        let filled = file.replace("2019,,,,", "2019,33,,,");
        let rows = parse_import(filled.as_bytes()).expect("the blank row is skipped");
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4]);
        let mut reader = ImportReader::new(filled.as_bytes()).expect("opens");
        let mut errors = ImportErrors::default();
        while reader.read_chunk(10, &mut errors, |_, _| {}) > 0 {}
        assert_eq!(reader.skipped(), 1);

        let blank =
            "city,indicator,title,year,value\nbangkok,iso37120-2014:5.1,Unemployment rate,,\n";
        let errors = parse_import(blank.as_bytes()).expect_err("nothing filled in");
        assert_eq!(errors[0].column, "file");
        let plain = "city,indicator,year,value\nbangkok,iso37120-2014:5.1,,\n";
        let errors =
            parse_import(plain.as_bytes()).expect_err("outside a template, blank is an error");
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_column() {
        let file = "city,indicator,year,value,unit\n\
                    bangkok,iso37120-2014:5.1,2019,4.2,%\n\
                    ,iso37120-2014:5.1,2019,4.2,%\n\
                    hanoi,iso37120-2014:5.1,19,4.2,%\n\
                    hanoi,iso37120-2014:5.1,2019,140,%\n\
                    hanoi,iso37120-2014:5.1,2019,lots,%\n";
        let errors = parse_import(file.as_bytes()).expect_err("four bad rows");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "line 3, column city: must not be empty",
                "line 4, column year: 19 is not a year between 1900 and 2100",
                "line 5, column value: 140 is not a percentage from 0 to 100",
                "line 6, column value: 'lots' is not a number",
            ]
        );
    }

    #[test]
    fn files_that_cannot_be_read_say_why() {
        let latin1 = b"city,indicator,year,value\nS\xe3o Paulo,x:1,2019,1\n";
        assert!(
            parse_import(latin1).expect_err("not UTF-8")[0]
                .reason
                .to_string()
                .contains("not UTF-8")
        );
        let missing =
            parse_import(b"city,year,value\nbangkok,2019,1\n").expect_err("no indicator column");
        assert_eq!(
            missing[0].to_string(),
            "header: missing column(s): indicator"
        );
        assert!(
            parse_import(b"city,indicator,year,value\n").is_err(),
            "no rows"
        );
        assert!(parse_import(b"").is_err());
        let unknown = parse_import(b"city,indicator,year,value,colour\nbangkok,x:1,2019,1,red\n")
            .expect_err("unknown column");
        assert_eq!((unknown[0].line, unknown[0].column.as_str()), (1, "colour"));
    }

    #[test]
    fn values_are_fitted_to_the_indicators_unit_keeping_the_original() {
        let per_1000 =
            fit_unit(2.5, Some("per 1 000"), Some("per 100 000 population")).expect("converts");
        assert_eq!(per_1000.value, 250.0);
        assert_eq!(per_1000.unit.as_deref(), Some("per 100 000 population"));
        assert_eq!(
            per_1000.original,
            Some((2.5, "per 1 000 population".to_owned())),
            "the original is kept, its unit in its canonical spelling"
        );
        let same = fit_unit(42.0, Some("Percentage"), Some("%")).expect("same unit");
        assert_eq!((same.value, same.original), (42.0, None));
        let hectares = fit_unit(1500.0, Some("ha"), Some("km²")).expect("converts");
        assert_eq!(hectares.value, 15.0);
        assert_eq!(
            fit_unit(3.0, Some("kg"), Some("%")).map_err(|(column, why)| (column, why.to_string())),
            Err((
                "unit",
                "'kg' cannot be converted to the indicator's unit '%'".to_owned()
            ))
        );
        assert_eq!(
            fit_unit(120.0, None, Some("%")).map_err(|e| e.0),
            Err("value"),
            "a value without unit takes the declared one, and its range"
        );
        let free = fit_unit(17.0, Some("µg/m³"), None).expect("no declared unit");
        assert_eq!(free.unit.as_deref(), Some("µg/m³"));
    }

    fn catalogue() -> Catalogue {
        let mut c = Catalogue::default();
        c.add_city(
            CityId::parse("bangkok").expect("id"),
            ["Bangkok", "曼谷", "กรุงเทพ"],
        );
        c.add_city(
            CityId::parse("suzhou-anhui").expect("id"),
            ["Suzhou", "宿州"],
        );
        c.add_city(
            CityId::parse("suzhou-jiangsu").expect("id"),
            ["Suzhou", "苏州"],
        );
        c.add_indicator(
            IndicatorId::parse("iso37120-2014:5.1").expect("id"),
            Some("%".into()),
        );
        c.add_indicator(IndicatorId::parse("iso37120-2014:8.1").expect("id"), None);
        c
    }

    #[test]
    fn a_city_is_named_by_its_id_or_any_of_its_names_in_english_chinese_or_the_local_script() {
        let c = catalogue();
        for name in ["bangkok", "Bangkok", "曼谷", "กรุงเทพ", " BANGKOK "] {
            assert_eq!(
                c.city(name).map(|id| id.to_string()),
                Ok("bangkok".into()),
                "{name}"
            );
        }
        assert_eq!(
            c.city("苏州").map(|id| id.to_string()),
            Ok("suzhou-jiangsu".into()),
            "a Chinese name tells apart two cities the English name does not"
        );
    }

    #[test]
    fn rows_resolve_against_known_cities_and_indicators_and_every_problem_is_reported() {
        let file = "city,indicator,year,value,unit,source\n\
                    Bangkok,iso37120-2014:5.1,2019,1.2,%,NSO\n\
                    bangkok,iso37120-2014:8.1,2019,21,µg/m³,WHO\n\
                    Suzhou,iso37120-2014:5.1,2019,3,%,\n\
                    atlantis,iso37120-2014:5.1,2019,3,%,\n\
                    bangkok,iso99999:1,2019,3,%,\n\
                    bangkok,iso37120-2014:5.1,2019,3,kg,\n\
                    bangkok,iso37120-2014:5.1,2019,1.3,%,NSO\n";
        parse_import(file.as_bytes()).expect("rows are well formed");
        let errors = resolve_file(&catalogue(), file.as_bytes()).expect_err("five bad rows");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "line 4, column city: 'Suzhou' names 2 cities (suzhou-anhui, suzhou-jiangsu); use the city id",
                "line 5, column city: 'atlantis' is not a city id, or a city name (English, Chinese or local) Mitra knows",
                "line 6, column indicator: 'iso99999:1' is not an indicator id Mitra knows (write <standard>:<code>, as iso37120-2014:8.1)",
                "line 7, column unit: 'kg' cannot be converted to the indicator's unit '%'",
                "line 8, column year: repeats line 2 (same city, indicator, year and source)",
            ]
        );
        let resolved = resolve_file(
            &catalogue(),
            b"city,indicator,year,value\nBangkok,iso37120-2014:5.1,2019,1.2\n",
        )
        .expect("resolves");
        assert_eq!(resolved[0].city_id.as_str(), "bangkok");
        assert_eq!(resolved[0].unit.as_deref(), Some("%"));
        assert_eq!(resolved[0].source, "");
    }

    #[test]
    fn a_json_array_is_read_with_the_same_rules() {
        let file = r#"[{"city": "bangkok", "indicator": "iso37120-2014:8.1", "year": 2019, "value": 21.5, "source": "WHO"},
                      {"City": "hanoi", "indicator": "iso37120-2014:8.1", "year": "2019", "value": -1, "unit": "%"}]"#;
        let errors = parse_import(file.as_bytes()).expect_err("negative percentage");
        assert_eq!(
            errors[0].to_string(),
            "line 2, column value: -1 is not a percentage from 0 to 100"
        );
        let good = r#"[{"city": "bangkok", "indicator": "u4ssc:EN:EN:AQ:1C", "year": 2019, "value": 21.5}]"#;
        assert_eq!(parse_import(good.as_bytes()).expect("valid")[0].value, 21.5);
        assert!(parse_import(b"[1, 2]").is_err());
    }
}
