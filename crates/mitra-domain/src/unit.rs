//! Units of measurement. Every indicator declares one; a value is accepted only in a unit that fits it, converted
//! when it measures the same quantity in another scale (per 1 000 ↔ per 100 000, hours ↔ minutes), and stored with
//! the unit's one canonical spelling however it was written.

use std::collections::HashMap;
use std::fmt;

/// What a unit measures, which decides what values it allows and how pages describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitKind {
    /// A share of a whole, 0 to 100 (or a change in percent, which may be negative).
    Percentage,
    /// A number of events or things per a number of people, customers, births.
    Rate,
    /// A plain number of things or people.
    Count,
    /// One quantity divided by another of the same kind.
    Ratio,
    /// A composite index without a physical dimension (the Gini coefficient).
    Index,
    /// Points of an evaluation scheme (GB/T 33356).
    Score,
    /// Whether something exists: 1 for yes, 0 for no.
    YesNo,
    /// Money.
    Currency,
    /// A duration.
    Time,
    /// A measured physical quantity (mass, energy, area, concentration), possibly per person.
    Physical,
}

impl UnitKind {
    /// The kind's name in data files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Percentage => "percentage",
            UnitKind::Rate => "rate",
            UnitKind::Count => "count",
            UnitKind::Ratio => "ratio",
            UnitKind::Index => "index",
            UnitKind::Score => "score",
            UnitKind::YesNo => "yes-no",
            UnitKind::Currency => "currency",
            UnitKind::Time => "time",
            UnitKind::Physical => "physical",
        }
    }
}

/// The values a unit allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    /// 0 to 100.
    Percent,
    /// 0 or 1.
    YesNo,
    /// Zero or more.
    NonNegative,
    /// Any finite number (a change may be negative).
    Any,
}

/// One unit Mitra knows.
#[derive(Debug)]
struct Definition {
    /// The canonical spelling: stored, shown, and expected in templates.
    symbol: &'static str,
    kind: UnitKind,
    /// The quantity measured; units of one quantity convert into each other.
    quantity: &'static str,
    /// How many of the quantity's base unit one of this unit is.
    factor: f64,
    range: Range,
    /// Other ways to write it, compared after [`compact`].
    aliases: &'static [&'static str],
}

macro_rules! unit {
    ($symbol:literal, $kind:ident, $quantity:literal, $factor:expr, $range:ident, [$($alias:literal),* $(,)?]) => {
        Definition {
            symbol: $symbol,
            kind: UnitKind::$kind,
            quantity: $quantity,
            factor: $factor,
            range: Range::$range,
            aliases: &[$($alias),*],
        }
    };
}

/// Every unit Mitra knows. The units the shipped standards declare are here, with the units a city is likely to
/// report the same quantity in.
const UNITS: &[Definition] = &[
    unit!(
        "%",
        Percentage,
        "share",
        1.0,
        Percent,
        ["percent", "percentage", "pct", "%ofcitygdp", "%ofgdp"]
    ),
    unit!(
        "% change",
        Percentage,
        "change",
        1.0,
        Any,
        ["percentchange", "changein%"]
    ),
    unit!(
        "per capita",
        Rate,
        "per-person",
        1.0,
        NonNegative,
        ["/capita", "perperson", "perinhabitant"]
    ),
    unit!(
        "per 1 000 population",
        Rate,
        "per-person",
        1e-3,
        NonNegative,
        ["per1000", "/1000", "‰", "per1000people"]
    ),
    unit!(
        "per 100 000 population",
        Rate,
        "per-person",
        1e-5,
        NonNegative,
        [
            "per100000",
            "/100000",
            "per100k",
            "per100000people",
            "/100000population",
            "fteper100000population",
            "fte/100000population",
            "per100000populationperyear"
        ]
    ),
    unit!(
        "per 1 000 live births",
        Rate,
        "per-live-birth",
        1e-3,
        NonNegative,
        ["/1000livebirths"]
    ),
    unit!(
        "per 100 000 live births",
        Rate,
        "per-live-birth",
        1e-5,
        NonNegative,
        ["/100000livebirths"]
    ),
    unit!(
        "interruptions per customer per year",
        Rate,
        "interruptions-per-customer",
        1.0,
        NonNegative,
        ["interruptions/customer/year"]
    ),
    unit!("count", Count, "count", 1.0, NonNegative, ["number", "n"]),
    unit!(
        "persons",
        Count,
        "persons",
        1.0,
        NonNegative,
        ["people", "population"]
    ),
    unit!("ratio", Ratio, "ratio", 1.0, NonNegative, []),
    unit!(
        "students per teacher",
        Ratio,
        "students-per-teacher",
        1.0,
        NonNegative,
        ["students/teacher"]
    ),
    unit!(
        "index",
        Index,
        "index",
        1.0,
        NonNegative,
        ["ginicoefficient"]
    ),
    unit!("score", Score, "score", 1.0, NonNegative, ["points"]),
    unit!("yes/no", YesNo, "yes-no", 1.0, YesNo, ["yesno", "boolean"]),
    unit!(
        "US$ per capita",
        Currency,
        "usd-per-person",
        1.0,
        NonNegative,
        ["usdpercapita", "$percapita"]
    ),
    unit!(
        "seconds",
        Time,
        "time",
        1.0 / 60.0,
        NonNegative,
        ["second", "s", "sec"]
    ),
    unit!(
        "minutes",
        Time,
        "time",
        1.0,
        NonNegative,
        ["minute", "min", "mins"]
    ),
    unit!(
        "hours",
        Time,
        "time",
        60.0,
        NonNegative,
        ["hour", "h", "hrs"]
    ),
    unit!(
        "years",
        Time,
        "time",
        525_960.0,
        NonNegative,
        ["year", "yr", "yrs"]
    ),
    unit!(
        "hours per household per year",
        Time,
        "time-per-household",
        1.0,
        NonNegative,
        ["h/household/year"]
    ),
    unit!(
        "µg/m³",
        Physical,
        "mass-concentration",
        1.0,
        NonNegative,
        ["microgramspercubicmetre", "microgramspercubicmeter"]
    ),
    unit!(
        "t per capita",
        Physical,
        "mass-per-person",
        1.0,
        NonNegative,
        [
            "tonnespercapita",
            "t/capita",
            "tco2epercapita",
            "tco2e/capita",
            "tco2percapita",
            "tco2/capita",
            "tonnesco2epercapita"
        ]
    ),
    unit!(
        "kg per capita",
        Physical,
        "mass-per-person",
        1e-3,
        NonNegative,
        ["kg/capita"]
    ),
    unit!(
        "kWh per capita per year",
        Physical,
        "energy-per-person",
        1.0,
        NonNegative,
        [
            "kwh/capita/year",
            "kwh/year/capita",
            "kwh/yearpercapita",
            "kwhperpersonperyear"
        ]
    ),
    unit!(
        "MWh per capita per year",
        Physical,
        "energy-per-person",
        1e3,
        NonNegative,
        ["mwh/capita/year"]
    ),
    unit!(
        "GJ per capita per year",
        Physical,
        "energy-per-person",
        1e9 / 3.6e6,
        NonNegative,
        ["gj/capita/year", "gj/year/capita"]
    ),
    unit!(
        "kWh/m² per year",
        Physical,
        "energy-per-area",
        1.0,
        NonNegative,
        ["kwh/m2/year", "kwhperm2peryear"]
    ),
    unit!(
        "litres per capita per day",
        Physical,
        "volume-per-person",
        1.0,
        NonNegative,
        [
            "l/capita/day",
            "litres/capita/day",
            "litres/daypercapita",
            "l/person/day",
            "lpcd"
        ]
    ),
    unit!(
        "m³ per capita per day",
        Physical,
        "volume-per-person",
        1e3,
        NonNegative,
        ["m3/capita/day"]
    ),
    unit!(
        "km per 100 000 population",
        Physical,
        "length-per-person",
        1.0,
        NonNegative,
        [
            "km/100000population",
            "kmper100000",
            "kilometresper100000population"
        ]
    ),
    unit!(
        "ha per 100 000 population",
        Physical,
        "area-per-person",
        1.0,
        NonNegative,
        ["ha/100000population", "hectaresper100000population"]
    ),
    unit!(
        "m² per capita",
        Physical,
        "area-per-person",
        10.0,
        NonNegative,
        ["m2/capita", "squaremetrespercapita"]
    ),
    unit!(
        "km²",
        Physical,
        "area",
        1.0,
        NonNegative,
        ["sqkm", "squarekilometres", "squarekilometers"]
    ),
    unit!(
        "ha",
        Physical,
        "area",
        1e-2,
        NonNegative,
        ["hectare", "hectares"]
    ),
    unit!(
        "t",
        Physical,
        "mass",
        1.0,
        NonNegative,
        ["tonne", "tonnes", "ton", "tons"]
    ),
    unit!(
        "kt",
        Physical,
        "mass",
        1e3,
        NonNegative,
        ["kilotonne", "kilotonnes", "thousandtonnes"]
    ),
    unit!(
        "kg",
        Physical,
        "mass",
        1e-3,
        NonNegative,
        ["kilogram", "kilograms"]
    ),
    unit!(
        "persons per km²",
        Physical,
        "population-density",
        1.0,
        NonNegative,
        ["people/km2", "/km2"]
    ),
];

/// A unit's spelling reduced for comparison: lower case, no white space, superscripts as digits, the micro sign as
/// `u`, "inhabitants" as "population" and "per" for a slash between words.
fn compact(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars().flat_map(char::to_lowercase) {
        match c {
            c if c.is_whitespace() => {}
            '²' => out.push('2'),
            '³' => out.push('3'),
            'µ' | 'μ' => out.push('u'),
            c => out.push(c),
        }
    }
    out.replace("inhabitants", "population")
        .replace("inhabitant", "population")
        .replace("litre", "liter")
        .replace("liter", "litre")
}

/// A unit Mitra knows.
#[derive(Clone, Copy)]
pub struct Unit(&'static Definition);

impl PartialEq for Unit {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Unit {}

impl fmt::Debug for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unit({})", self.0.symbol)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.symbol)
    }
}

impl Unit {
    /// Recognises a unit however it is written (`ug/m3`, `µg/m³`, `per 100,000 inhabitants` as `per 100 000
    /// population`); `None` for one Mitra does not know.
    pub fn parse(raw: &str) -> Option<Self> {
        // Imports parse a unit on every row: the canonical spelling, by far the most common, is found without
        // reducing it; any other spelling is reduced once and looked up.
        type Spellings = (HashMap<&'static str, usize>, HashMap<String, usize>);
        static SPELLINGS: std::sync::OnceLock<Spellings> = std::sync::OnceLock::new();
        let (exact, reduced) = SPELLINGS.get_or_init(|| {
            let exact = UNITS
                .iter()
                .enumerate()
                .map(|(n, d)| (d.symbol, n))
                .collect();
            let mut reduced = HashMap::new();
            for (n, d) in UNITS.iter().enumerate() {
                for spelling in std::iter::once(d.symbol).chain(d.aliases.iter().copied()) {
                    reduced.entry(compact(spelling)).or_insert(n);
                }
            }
            (exact, reduced)
        });
        let at = match exact.get(raw) {
            Some(&n) => n,
            None => *reduced.get(&compact(&raw.replace(',', "")))?,
        };
        Some(Unit(&UNITS[at]))
    }

    /// The canonical spelling, which is stored and shown.
    pub fn symbol(self) -> &'static str {
        self.0.symbol
    }

    /// What the unit measures.
    pub fn kind(self) -> UnitKind {
        self.0.kind
    }

    /// The factor that turns a value in `self` into a value in `to`, when both measure the same quantity.
    pub fn factor_to(self, to: Unit) -> Option<f64> {
        if self == to {
            Some(1.0)
        } else if self.0.quantity == to.0.quantity {
            Some(self.0.factor / to.0.factor)
        } else {
            None
        }
    }

    /// Checks that `value` is one this unit allows: a finite number; a percentage from 0 to 100; 0 or 1 for yes/no;
    /// no negative amount, rate, count or duration.
    pub fn check(self, value: f64) -> Result<(), crate::Reason> {
        if !value.is_finite() {
            return Err(crate::Reason::not_finite());
        }
        match self.0.range {
            Range::Percent if !(0.0..=100.0).contains(&value) => {
                Err(crate::Reason::not_a_percentage(value))
            }
            Range::YesNo if value != 0.0 && value != 1.0 => Err(crate::Reason::not_yes_no(value)),
            Range::NonNegative if value < 0.0 => {
                Err(crate::Reason::negative_in(value, self.0.symbol))
            }
            _ => Ok(()),
        }
    }

    /// Every unit Mitra knows, for documentation and tests.
    pub fn all() -> impl Iterator<Item = Unit> {
        UNITS.iter().map(Unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(raw: &str) -> Unit {
        Unit::parse(raw).unwrap_or_else(|| panic!("{raw} is a unit"))
    }

    #[test]
    fn units_are_recognised_however_they_are_written_and_have_one_spelling() {
        for (written, canonical) in [
            ("ug/m3", "µg/m³"),
            ("μg/m³", "µg/m³"),
            (" per 100 000 population", "per 100 000 population"),
            ("per 100,000 inhabitants", "per 100 000 population"),
            ("FTE / 100 000 inhabitants", "per 100 000 population"),
            ("Percentage", "%"),
            ("km2", "km²"),
            ("t CO2e per capita", "t per capita"),
            ("kWh / year / capita", "kWh per capita per year"),
            ("Liters per capita per day", "litres per capita per day"),
            ("Minutes", "minutes"),
            ("Yes/No", "yes/no"),
        ] {
            assert_eq!(unit(written).symbol(), canonical, "{written}");
        }
        for unknown in ["furlongs", "parsecs", "", "dB(A)"] {
            assert!(Unit::parse(unknown).is_none(), "{unknown}");
        }
    }

    #[test]
    fn every_canonical_spelling_parses_to_itself_and_no_spelling_names_two_units() {
        for u in Unit::all() {
            assert_eq!(Unit::parse(u.symbol()), Some(u), "{u}");
            for alias in u.0.aliases {
                assert_eq!(Unit::parse(alias), Some(u), "{alias} of {u}");
            }
        }
        let mut seen = std::collections::HashMap::new();
        for u in Unit::all() {
            for spelling in std::iter::once(u.0.symbol).chain(u.0.aliases.iter().copied()) {
                if let Some(other) = seen.insert(compact(spelling), u.symbol()) {
                    panic!("{spelling} names both {other} and {u}");
                }
            }
        }
    }

    #[test]
    fn units_convert_within_their_quantity_only() {
        let factor = |from: &str, to: &str| unit(from).factor_to(unit(to));
        assert_eq!(
            factor("per 1 000 population", "per 100 000 population"),
            Some(100.0)
        );
        assert_eq!(factor("per capita", "per 1 000 population"), Some(1000.0));
        assert_eq!(factor("km²", "ha"), Some(100.0));
        assert_eq!(factor("kt", "t"), Some(1000.0));
        assert_eq!(factor("hours", "minutes"), Some(60.0));
        assert_eq!(
            factor("m² per capita", "ha per 100 000 population"),
            Some(10.0)
        );
        let gj = factor("GJ per capita per year", "kWh per capita per year").expect("energy");
        assert!((gj - 277.777_777_8).abs() < 1e-6, "{gj}");
        assert_eq!(factor("%", "ha"), None, "no conversion across quantities");
        assert_eq!(factor("µg/m³", "t per capita"), None);
        assert_eq!(
            factor("per 1 000 live births", "per 1 000 population"),
            None
        );
    }

    #[test]
    fn each_kind_of_unit_allows_its_values() {
        assert!(unit("%").check(42.0).is_ok());
        assert!(unit("%").check(100.5).is_err());
        assert!(
            unit("% change").check(-12.0).is_ok(),
            "a change may be negative"
        );
        assert!(unit("yes/no").check(1.0).is_ok() && unit("yes/no").check(0.0).is_ok());
        assert!(unit("yes/no").check(0.5).is_err());
        assert!(unit("per 100 000 population").check(-1.0).is_err());
        assert!(unit("minutes").check(f64::NAN).is_err());
        assert_eq!(unit("score").kind(), UnitKind::Score);
    }
}
