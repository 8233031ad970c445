//! Exchange rates: one table of reference rates, read on one date from one source, to show amounts given in
//! different currencies in one currency (US dollars) where a user compares them. A converted amount always travels
//! with the table's date and source; a currency the table has no rate for is not converted, never guessed.

use std::collections::BTreeMap;

use crate::entry::Money;

/// Reference rates against the euro, as published for one date.
#[derive(Debug, Clone, PartialEq)]
pub struct FxTable {
    /// The date the rates are for (`YYYY-MM-DD`).
    pub date: String,
    /// Who published them.
    pub source: &'static str,
    /// Units of each currency per euro, by ISO 4217 code; `EUR` is 1.
    per_eur: BTreeMap<String, f64>,
}

/// Who publishes the shipped rates.
pub const ECB_SOURCE: &str = "European Central Bank euro foreign exchange reference rates";

impl FxTable {
    /// A table of `per_eur` rates (units of each currency per euro) for `date`, from `source`. Rates that are not
    /// positive and finite are left out.
    pub fn new(
        date: impl Into<String>,
        source: &'static str,
        per_eur: impl IntoIterator<Item = (String, f64)>,
    ) -> Self {
        let mut per_eur: BTreeMap<String, f64> = per_eur
            .into_iter()
            .filter(|(_, rate)| rate.is_finite() && *rate > 0.0)
            .map(|(code, rate)| (code.to_ascii_uppercase(), rate))
            .collect();
        per_eur.insert("EUR".to_owned(), 1.0);
        Self {
            date: date.into(),
            source,
            per_eur,
        }
    }

    /// The currencies the table converts, in code order.
    pub fn currencies(&self) -> impl Iterator<Item = &str> {
        self.per_eur.keys().map(String::as_str)
    }

    /// `money` in US dollars, or `None` when the table has no rate for its currency (or none for the dollar).
    pub fn to_usd(&self, money: &Money) -> Option<f64> {
        let from = self.per_eur.get(&money.currency.to_ascii_uppercase())?;
        let usd = self.per_eur.get("USD")?;
        Some(money.amount / from * usd)
    }

    /// `usd` US dollars in `currency`, or `None` when the table has no rate for it.
    pub fn from_usd(&self, usd: f64, currency: &str) -> Option<f64> {
        let to = self.per_eur.get(&currency.to_ascii_uppercase())?;
        let dollar = self.per_eur.get("USD")?;
        Some(usd / dollar * to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> FxTable {
        FxTable::new(
            "2026-10-30",
            ECB_SOURCE,
            [
                ("USD".to_owned(), 1.25),
                ("THB".to_owned(), 40.0),
                ("XXX".to_owned(), 0.0),
            ],
        )
    }

    fn money(amount: f64, currency: &str) -> Money {
        Money {
            amount,
            currency: currency.to_owned(),
        }
    }

    #[test]
    fn amounts_are_converted_through_the_euro_and_back() {
        let fx = table();
        // 1 000 THB = 25 EUR = 31.25 USD.
        assert_eq!(fx.to_usd(&money(1000.0, "THB")), Some(31.25));
        assert_eq!(fx.to_usd(&money(8.0, "eur")), Some(10.0));
        assert_eq!(fx.to_usd(&money(5.0, "USD")), Some(5.0));
        assert_eq!(fx.from_usd(31.25, "THB"), Some(1000.0));
    }

    #[test]
    fn a_currency_without_a_usable_rate_is_not_converted() {
        let fx = table();
        assert_eq!(fx.to_usd(&money(1.0, "VND")), None);
        assert_eq!(
            fx.to_usd(&money(1.0, "XXX")),
            None,
            "a zero rate is no rate"
        );
        assert_eq!(fx.currencies().collect::<Vec<_>>(), ["EUR", "THB", "USD"]);
    }
}
