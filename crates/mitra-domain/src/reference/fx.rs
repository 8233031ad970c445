//! Parser for the shipped exchange rates (`fx/fx_rates.csv`): `currency, per_eur, date`, one date for the whole
//! file, as the European Central Bank publishes its reference rates.

use super::{CsvRows, RowError};
use crate::fx::{ECB_SOURCE, FxTable};

/// Reads the rates; every row must carry the same date and a positive rate for a three-letter code.
pub fn parse_fx_rates(file: &str, text: &str) -> Result<FxTable, RowError> {
    let mut date: Option<String> = None;
    let mut rates = Vec::new();
    CsvRows::new(file, text, &["currency", "per_eur", "date"])?.for_each(|row| {
        let code = row.required("currency")?;
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(row.error("currency", &format!("'{code}' is not an ISO 4217 code")));
        }
        let rate: f64 = row
            .number("per_eur")?
            .ok_or_else(|| row.error("per_eur", "is empty"))?;
        if !rate.is_finite() || rate <= 0.0 {
            return Err(row.error("per_eur", "must be a positive number"));
        }
        let day = row.required("date")?;
        match &date {
            None => date = Some(day.to_owned()),
            Some(first) if first != day => {
                return Err(row.error(
                    "date",
                    &format!("is {day}, but the file's rates are for {first}: one date per file"),
                ));
            }
            Some(_) => {}
        }
        rates.push((code.to_owned(), rate));
        Ok(())
    })?;
    let date = date.ok_or_else(|| RowError {
        file: file.to_owned(),
        line: 1,
        field: "rows".into(),
        reason: "the file has no rates".into(),
    })?;
    Ok(FxTable::new(date, ECB_SOURCE, rates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Money;

    #[test]
    fn the_shipped_layout_is_read_and_converts() {
        let fx = parse_fx_rates(
            "fx/fx_rates.csv",
            "currency,per_eur,date\nEUR,1,2026-10-30\nUSD,1.1172,2026-10-30\nCNY,7.9526,2026-10-30\n",
        )
        .expect("parses");
        assert_eq!(fx.date, "2026-10-30");
        let usd = fx
            .to_usd(&Money {
                amount: 7.9526,
                currency: "CNY".into(),
            })
            .expect("converts");
        assert!((usd - 1.1172).abs() < 1e-9);
    }

    #[test]
    fn a_bad_row_is_named_by_line_and_column() {
        let err = parse_fx_rates("fx.csv", "currency,per_eur,date\nUSD,-1,2026-10-30\n")
            .expect_err("refused");
        assert_eq!(
            err.to_string(),
            "fx.csv:2: per_eur: must be a positive number"
        );
        let err = parse_fx_rates(
            "fx.csv",
            "currency,per_eur,date\nUSD,1.1,2026-10-30\nTHB,37,2026-10-29\n",
        )
        .expect_err("refused");
        assert_eq!(err.line, 3);
        assert_eq!(err.field, "date");
    }
}
