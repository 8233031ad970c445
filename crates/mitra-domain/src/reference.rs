//! Reference data: the cities, countries, standards, indicators, crosswalk and focus areas that ship with Mitra,
//! and the files the demo's entries are made from (documented initiatives, the ASCN cities' 2018 priority projects,
//! funding programmes and the solutions the initiatives document), and the recorded sister-city ties.
//!
//! Each file has its own parser, because each keeps the layout its source published (the files are copied verbatim
//! where possible, so their attribution stays true). A parser either returns every row as a domain value or stops at
//! the first bad row with `file:line: field: reason`; it never returns half a file. Parsers read text they are
//! given and never open a file themselves.

mod cities;
mod coast;
mod funding;
mod fx;
mod holidays;
mod initiatives;
mod partnerships;
mod projects;
mod solutions;
mod standards;

use std::collections::HashMap;
use std::fmt;

pub use cities::{
    CityName, CityNames, CountryNames, ProvinceNames, parse_cities, parse_city_alternate_names,
    parse_city_names, parse_city_populations, parse_countries, parse_country_names,
    parse_province_names,
};
pub use coast::{COAST_SOURCE, COASTAL_KM, Coast, CoastDistances, parse_coast_distances};
pub use funding::{FundingFiles, parse_funding};
pub use fx::parse_fx_rates;
pub use holidays::{HOLIDAYS_SOURCE, Holidays, parse_holidays};
pub use initiatives::{InitiativeFiles, parse_initiatives};
pub use partnerships::{
    PairRow, PairSide, PartnershipFiles, PartnershipReport, PartnershipSummary, RecordedTie,
    SideOutcome, parse_partnerships,
};
pub use projects::{ScapFiles, declared_focus_areas, parse_scap_projects};
pub use solutions::parse_solutions;
pub use standards::{
    IndicatorTranslations, StandardCatalogue, apply_directions, apply_units, parse_crosswalk,
    parse_focus_areas, parse_gbt33356, parse_indicator_translations, parse_iso37120_2014,
    parse_mitra_indicators, parse_u4ssc,
};

use crate::entry::SourceLink;
use crate::{
    City, CityId, Country, CrosswalkEntry, FocusArea, Indicator, PopulationPoint, Standard,
};

/// A row of a reference file that could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RowError {
    /// The file's name (`cities/cities.csv`).
    pub file: String,
    /// The line in the file, counting the header as line 1.
    pub line: u64,
    /// The column.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// Everything the reference files hold, validated and cross-checked.
#[derive(Debug, Clone, Default)]
pub struct ReferenceData {
    /// Countries.
    pub countries: Vec<Country>,
    /// Cities.
    pub cities: Vec<City>,
    /// Population series per city.
    pub populations: Vec<(CityId, PopulationPoint)>,
    /// Standards.
    pub standards: Vec<Standard>,
    /// Indicators of every standard, in each standard's order.
    pub indicators: Vec<Indicator>,
    /// Crosswalk relations between loaded indicators.
    pub crosswalk: Vec<CrosswalkEntry>,
    /// ASCN focus areas.
    pub focus_areas: Vec<FocusArea>,
}

impl ReferenceData {
    /// Checks what no single file can: every city's country is a known country, every population row names a known
    /// city, every parent indicator exists. `file` and `line` of the offending row are not known here, so the error
    /// names the entity instead.
    pub fn check_references(&self) -> Result<(), RowError> {
        let countries: std::collections::HashSet<_> =
            self.countries.iter().map(|c| c.code).collect();
        for city in &self.cities {
            if !countries.contains(&city.country) {
                return Err(entity_error(
                    "cities/cities.csv",
                    "country",
                    &format!(
                        "city {} is in {}, which is not in countries.csv",
                        city.id, city.country
                    ),
                ));
            }
        }
        let cities: std::collections::HashSet<_> = self.cities.iter().map(|c| &c.id).collect();
        if let Some((id, _)) = self.populations.iter().find(|(id, _)| !cities.contains(id)) {
            return Err(entity_error(
                "cities/city_populations.csv",
                "city_id",
                &format!("{id} is not a city in cities.csv"),
            ));
        }
        let indicators: std::collections::HashSet<_> =
            self.indicators.iter().map(|i| &i.id).collect();
        for indicator in &self.indicators {
            if let Some(parent) = &indicator.parent_id
                && !indicators.contains(parent)
            {
                return Err(entity_error(
                    "standards",
                    "parent",
                    &format!(
                        "{} names parent {parent}, which is not loaded",
                        indicator.id
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn entity_error(file: &str, field: &str, reason: &str) -> RowError {
    RowError {
        file: file.to_owned(),
        line: 0,
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// `Publisher, title, date, https://…; Publisher, title, https://…`: each source ends at its address; a document
/// cited without one is kept with its title alone. `retrieved` is when the sources were read, where recorded.
pub(crate) fn sources(raw: &str, retrieved: Option<&str>) -> Vec<SourceLink> {
    let mut out = Vec::new();
    let mut rest = raw;
    let next_address = |text: &str| {
        [text.find("http://"), text.find("https://")]
            .into_iter()
            .flatten()
            .min()
    };
    while let Some(start) = next_address(rest) {
        let end = rest[start..]
            .find(|c: char| c.is_whitespace() || c == ';')
            .map_or(rest.len(), |e| start + e);
        let mut title = rest[..start]
            .trim()
            .trim_start_matches(';')
            .trim()
            .trim_end_matches(',')
            .trim()
            .to_owned();
        let mut url = rest[start..end].trim_end_matches(['.', ',']);
        // `Publisher, title, 2019 (copy: https://…)`: the address closes the bracket the title opened.
        if url.ends_with(')') && title.matches('(').count() > title.matches(')').count() {
            url = &url[..url.len() - 1];
            title = format!("{})", title.trim_end_matches([':', ' ']));
        }
        out.push(SourceLink {
            title: if title.is_empty() {
                url.to_owned()
            } else {
                title
            },
            url: Some(url.to_owned()),
            retrieved: retrieved.map(str::to_owned),
        });
        rest = &rest[end..];
    }
    // A document cited without an address.
    let rest = rest.trim().trim_start_matches(';').trim();
    if !rest.is_empty() {
        out.push(SourceLink {
            title: rest.to_owned(),
            url: None,
            retrieved: retrieved.map(str::to_owned),
        });
    }
    out
}

/// A CSV file read as rows of named fields, so parsers can say which line and column was wrong.
pub(crate) struct CsvRows<'a> {
    file: &'a str,
    text: &'a str,
    columns: HashMap<String, usize>,
    reader: csv::Reader<&'a [u8]>,
}

/// One row of a [`CsvRows`].
pub(crate) struct Row<'a> {
    file: &'a str,
    line: u64,
    columns: &'a HashMap<String, usize>,
    record: csv::StringRecord,
}

impl<'a> CsvRows<'a> {
    /// Opens `text` (named `file` in errors) and checks that every column in `required` is in its header.
    pub(crate) fn new(file: &'a str, text: &'a str, required: &[&str]) -> Result<Self, RowError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| RowError {
            file: file.to_owned(),
            line: 1,
            field: "header".into(),
            reason: e.to_string(),
        })?;
        let columns: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_owned(), i))
            .collect();
        for name in required {
            if !columns.contains_key(*name) {
                return Err(RowError {
                    file: file.to_owned(),
                    line: 1,
                    field: (*name).to_owned(),
                    reason: "column missing from the header".into(),
                });
            }
        }
        Ok(Self {
            file,
            text,
            columns,
            reader,
        })
    }

    /// Calls `f` with each row; stops at the first error.
    pub(crate) fn for_each(
        mut self,
        mut f: impl FnMut(&Row<'_>) -> Result<(), RowError>,
    ) -> Result<(), RowError> {
        let mut record = csv::StringRecord::new();
        let mut lines = LineCounter::new(self.text);
        loop {
            let line = self.reader.position().line() + 1;
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = record.position().map_or(line, |p| lines.line_at(p.byte()));
                    let row = Row {
                        file: self.file,
                        line,
                        columns: &self.columns,
                        record: record.clone(),
                    };
                    f(&row)?;
                }
                Err(e) => {
                    return Err(RowError {
                        file: self.file.to_owned(),
                        line: e.position().map_or(line, |p| p.line()),
                        field: "row".into(),
                        reason: e.to_string(),
                    });
                }
            }
        }
    }
}

/// Line numbers from byte offsets. The csv reader's own line count starts a record at the `\n` of a `\r\n` that
/// ends the previous one (and at any blank lines before it), so in a file with Windows line ends it is one short;
/// counting the newlines before the record's first character is right for both.
struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            counted_to: 0,
            newlines: 0,
        }
    }

    /// The line (from 1) of the first character at or after `byte` that is not a line end; offsets must not
    /// decrease between calls.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        let from = self.counted_to.min(start);
        self.newlines += self.text[from..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.counted_to = start;
        self.newlines + 1
    }
}

impl Row<'_> {
    /// The trimmed value of `column` (empty when the row is short).
    pub(crate) fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    /// The value of `column`, or `None` when empty.
    pub(crate) fn optional(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|v| !v.is_empty())
    }

    /// The value of `column`; an error when empty.
    pub(crate) fn required(&self, column: &str) -> Result<&str, RowError> {
        self.optional(column)
            .ok_or_else(|| self.error(column, "is empty"))
    }

    /// Parses `column` as a number of type `T`.
    pub(crate) fn number<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>, RowError> {
        self.optional(column)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| self.error(column, &format!("'{v}' is not a number")))
            })
            .transpose()
    }

    /// An error for this row's `field`.
    /// The interface language whose exact tag (`zh-Hans`, `th`) is in `column`.
    pub(crate) fn language(&self, column: &str) -> Result<crate::Language, RowError> {
        let tag = self.required(column)?;
        crate::Language::of_tag(tag)
            .filter(|l| l.tag() == tag)
            .ok_or_else(|| self.error(column, "is not a language tag of the interface"))
    }

    pub(crate) fn error(&self, field: &str, reason: &str) -> RowError {
        RowError {
            file: self.file.to_owned(),
            line: self.line,
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// Converts a domain validation error into an error for this row.
    pub(crate) fn invalid(&self, column: &str, error: crate::ValidationError) -> RowError {
        self.error(column, &error.reason.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_by_their_line_whatever_the_line_ends() {
        for text in [
            "a,b\nx,y\nz,w\n",
            "a,b\r\nx,y\r\nz,w\r\n",
            "\u{feff}a,b\r\nx,y\r\nz,w",
        ] {
            let mut lines = Vec::new();
            CsvRows::new("f.csv", text, &["a"])
                .and_then(|rows| {
                    rows.for_each(|row| {
                        lines.push(row.line);
                        Ok(())
                    })
                })
                .expect("read");
            assert_eq!(lines, [2, 3], "{text:?}");
        }
        let mut lines = Vec::new();
        CsvRows::new("f.csv", "a,b\r\n\r\n\"q\r\nq\",y\r\nz,w\r\n", &["a"])
            .and_then(|rows| {
                rows.for_each(|row| {
                    lines.push(row.line);
                    Ok(())
                })
            })
            .expect("read");
        assert_eq!(
            lines,
            [3, 5],
            "a blank line is skipped and a quoted line end counted"
        );
    }

    #[test]
    fn a_source_without_an_address_is_kept() {
        let parsed = sources(
            "ASEAN-China Leaders' Statement, Bangkok, 3 Nov 2019 (ASEAN Secretariat)",
            None,
        );
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].url, None);
    }

    #[test]
    fn sources_are_split_at_their_addresses_whichever_scheme_comes_first() {
        let parsed = sources(
            "ASEAN Secretariat, Report 2025, https://asean.org/a.pdf; Xinhua, News, 2019, http://x.cn/b",
            Some("2026-12-03"),
        );
        let link = |title: &str, url: &str| SourceLink {
            title: title.into(),
            url: Some(url.into()),
            retrieved: Some("2026-12-03".into()),
        };
        assert_eq!(
            parsed,
            [
                link("ASEAN Secretariat, Report 2025", "https://asean.org/a.pdf"),
                link("Xinhua, News, 2019", "http://x.cn/b"),
            ],
            "an https address before an http one ends the first source, not the second"
        );
    }

    #[test]
    fn an_address_in_brackets_closes_them() {
        let parsed = sources(
            "CNN Wire, 'City Brain', 15 Jan 2019 (syndicated: https://tv.example/a.html); Shanghai Daily, https://shine.example/b",
            None,
        );
        assert_eq!(
            (parsed[0].title.as_str(), parsed[0].url.as_deref()),
            (
                "CNN Wire, 'City Brain', 15 Jan 2019 (syndicated)",
                Some("https://tv.example/a.html")
            )
        );
        assert_eq!(parsed[1].title, "Shanghai Daily");
    }
}
