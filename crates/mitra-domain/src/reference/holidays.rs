//! Parser for the shipped public holidays (`holidays/public_holidays.csv`: `country, date, name`), computed by the
//! `holidays` library (python-holidays, MIT): which days are public holidays in which country, so that a date
//! proposed for a partnership's meeting or activity can be checked against both cities' countries.

use std::collections::BTreeMap;

use time::Date;

use super::{CsvRows, RowError};
use crate::CountryCode;

/// The public holidays of the countries and years the file covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays {
    days: BTreeMap<(CountryCode, Date), String>,
    /// The first and last year covered.
    pub years: Option<(i32, i32)>,
    /// The library and version that computed them.
    pub source: &'static str,
}

/// Where the shipped holidays come from.
pub const HOLIDAYS_SOURCE: &str = "python-holidays 0.109 (MIT)";

impl Holidays {
    /// The holiday's name when `day` is a public holiday in `country`.
    pub fn on(&self, country: &CountryCode, day: Date) -> Option<&str> {
        self.days.get(&(*country, day)).map(String::as_str)
    }

    /// Whether the file covers `day`'s year: outside it, no warning means nothing.
    pub fn covers(&self, day: Date) -> bool {
        self.years
            .is_some_and(|(first, last)| (first..=last).contains(&day.year()))
    }

    /// The public holidays in `countries` on the days from `first` to `last`: (day, country, name), by day.
    pub fn between(
        &self,
        countries: &[&CountryCode],
        first: Date,
        last: Date,
    ) -> Vec<(Date, CountryCode, String)> {
        let mut out = Vec::new();
        let mut day = first;
        while day <= last && out.len() < 62 {
            for country in countries {
                if let Some(name) = self.on(country, day) {
                    out.push((day, **country, name.to_owned()));
                }
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        out
    }
}

/// Reads the holidays; a row with an unknown country code shape, a bad date or no name is refused by line.
pub fn parse_holidays(file: &str, text: &str) -> Result<Holidays, RowError> {
    let mut holidays = Holidays {
        source: HOLIDAYS_SOURCE,
        ..Holidays::default()
    };
    CsvRows::new(file, text, &["country", "date", "name"])?.for_each(|row| {
        let country = CountryCode::parse(row.required("country")?)
            .map_err(|e| row.error("country", &e.reason.to_string()))?;
        let day = crate::partnership::day("date", row.required("date")?)
            .map_err(|e| row.error("date", &e.reason.to_string()))?;
        let name = row.required("name")?;
        holidays.years = Some(match holidays.years {
            None => (day.year(), day.year()),
            Some((a, b)) => (a.min(day.year()), b.max(day.year())),
        });
        holidays.days.insert((country, day), name.to_owned());
        Ok(())
    })?;
    Ok(holidays)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_day_is_found_in_its_country_only() {
        let h = parse_holidays(
            "h.csv",
            "country,date,name\nTH,2026-04-13,Songkran Festival\nCN,2026-10-01,National Day\n",
        )
        .expect("parses");
        let th = CountryCode::parse("TH").expect("th");
        let cn = CountryCode::parse("CN").expect("cn");
        assert_eq!(h.on(&th, date!(2026 - 04 - 13)), Some("Songkran Festival"));
        assert_eq!(h.on(&cn, date!(2026 - 04 - 13)), None);
        assert!(h.covers(date!(2026 - 12 - 31)));
        assert!(!h.covers(date!(2031 - 01 - 01)));
        let found = h.between(&[&th, &cn], date!(2026 - 04 - 12), date!(2026 - 10 - 01));
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].1, cn);
    }

    #[test]
    fn a_bad_row_is_named() {
        let err = parse_holidays("h.csv", "country,date,name\nTH,2026-13-01,X\n").expect_err("bad");
        assert_eq!((err.line, err.field.as_str()), (2, "date"));
    }
}
