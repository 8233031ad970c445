//! Peer groups: which cities a city is compared with — its region (ASEAN or China), its country, its population
//! band, or its development tier.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use crate::reference::RowError;
use crate::{CountryCode, Reason, ValidationError};

/// The city size classes of the UN World Urbanization Prospects, with one class below them for smaller cities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// Fewer than 300 000 people.
    Under300k,
    /// 300 000 to 500 000.
    From300kTo500k,
    /// 500 000 to 1 million.
    From500kTo1m,
    /// 1 to 5 million.
    From1mTo5m,
    /// 5 to 10 million.
    From5mTo10m,
    /// 10 million or more.
    From10m,
}

impl Band {
    /// Every band, smallest first.
    pub const ALL: [Band; 6] = [
        Band::Under300k,
        Band::From300kTo500k,
        Band::From500kTo1m,
        Band::From1mTo5m,
        Band::From5mTo10m,
        Band::From10m,
    ];

    /// The band of a population.
    pub fn of(population: i64) -> Self {
        match population {
            ..300_000 => Band::Under300k,
            300_000..500_000 => Band::From300kTo500k,
            500_000..1_000_000 => Band::From500kTo1m,
            1_000_000..5_000_000 => Band::From1mTo5m,
            5_000_000..10_000_000 => Band::From5mTo10m,
            _ => Band::From10m,
        }
    }

    /// The id used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Under300k => "under-300k",
            Band::From300kTo500k => "300k-500k",
            Band::From500kTo1m => "500k-1m",
            Band::From1mTo5m => "1m-5m",
            Band::From5mTo10m => "5m-10m",
            Band::From10m => "10m-plus",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How cities are grouped for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grouping {
    /// ASEAN or China.
    Region,
    /// The country.
    Country,
    /// The population band.
    Band,
    /// The development tier.
    Tier,
}

impl Grouping {
    /// Every grouping.
    pub const ALL: [Grouping; 4] = [
        Grouping::Region,
        Grouping::Country,
        Grouping::Band,
        Grouping::Tier,
    ];

    /// The id used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Region => "region",
            Grouping::Country => "country",
            Grouping::Band => "band",
            Grouping::Tier => "tier",
        }
    }

    /// Parses a grouping id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Grouping::ALL
            .into_iter()
            .find(|g| g.as_str() == raw.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "group_by",
                    Reason::not_one_of(crate::ids::clip(raw), "region, country, band, tier"),
                )
            })
    }
}

/// One rule of the tier file: cities in a country of one of `income_groups`, with at least `min_population`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Id (`tier-2`).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Chinese name.
    pub name_zh: String,
    /// World Bank income groups the rule applies to.
    pub income_groups: Vec<String>,
    /// Inclusive lower bound of the population, if any.
    #[serde(default)]
    pub min_population: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierFile {
    tiers: Vec<Tier>,
}

/// The tier rules and the countries' income groups.
#[derive(Debug, Clone, Default)]
pub struct Tiers {
    rules: Vec<Tier>,
    income: HashMap<CountryCode, String>,
}

impl Tiers {
    /// Parses the tier rules (TOML) and the income groups (`country,iso3,income_group,source`).
    pub fn parse(
        tiers_file: &str,
        tiers_text: &str,
        income_file: &str,
        income_text: &str,
    ) -> Result<Self, RowError> {
        let rules = toml::from_str::<TierFile>(tiers_text)
            .map_err(|e| RowError {
                file: tiers_file.into(),
                line: e.span().map_or(0, |s| {
                    tiers_text[..s.start].matches('\n').count() as u64 + 1
                }),
                field: "toml".into(),
                reason: e.message().to_owned(),
            })?
            .tiers;
        let mut income = HashMap::new();
        crate::reference::CsvRows::new(
            income_file,
            income_text,
            &["country", "income_group", "source"],
        )?
        .for_each(|row| {
            let country = CountryCode::parse(row.required("country")?)
                .map_err(|e| row.invalid("country", e))?;
            income.insert(country, row.required("income_group")?.to_owned());
            Ok(())
        })?;
        Ok(Self { rules, income })
    }

    /// The tiers' ids, in the file's order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|t| t.id.as_str())
    }

    /// A country's income group.
    pub fn income_group(&self, country: &CountryCode) -> Option<&str> {
        self.income.get(country).map(String::as_str)
    }

    /// The tier of a city in `country` with `population`: the first rule that matches.
    pub fn tier_of(&self, country: &CountryCode, population: Option<i64>) -> Option<&Tier> {
        let income = self.income.get(country)?;
        self.rules.iter().find(|rule| {
            rule.income_groups.iter().any(|g| g == income)
                && rule
                    .min_population
                    .is_none_or(|min| population.is_some_and(|p| p >= min))
        })
    }

    /// The tier with this id.
    pub fn find(&self, id: &str) -> Option<&Tier> {
        self.rules.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_the_wup_size_classes() {
        assert_eq!(Band::of(299_999), Band::Under300k);
        assert_eq!(Band::of(300_000), Band::From300kTo500k);
        assert_eq!(Band::of(1_000_000), Band::From1mTo5m);
        assert_eq!(Band::of(10_539_000), Band::From10m);
    }

    #[test]
    fn the_first_matching_tier_rule_wins() {
        let rules = r#"
[[tiers]]
id = "tier-1"
name_en = "High"
name_zh = "高"
income_groups = ["High income"]

[[tiers]]
id = "tier-2"
name_en = "Large middle"
name_zh = "大型中等"
income_groups = ["Upper middle income"]
min_population = 1000000

[[tiers]]
id = "tier-3"
name_en = "Middle"
name_zh = "中等"
income_groups = ["Upper middle income"]
"#;
        let income = "country,iso3,income_group,source\nTH,THA,Upper middle income,WB\nSG,SGP,High income,WB\n";
        let tiers = Tiers::parse("t.toml", rules, "i.csv", income).expect("parse");
        let th = CountryCode::parse("TH").expect("code");
        let tier = |c: &CountryCode, p| tiers.tier_of(c, p).map(|t| t.id.as_str());
        assert_eq!(tier(&th, Some(10_000_000)), Some("tier-2"));
        assert_eq!(tier(&th, Some(400_000)), Some("tier-3"));
        assert_eq!(
            tier(&th, None),
            Some("tier-3"),
            "no population: no size rule applies"
        );
        assert_eq!(
            tier(&CountryCode::parse("SG").expect("code"), None),
            Some("tier-1")
        );
        assert_eq!(
            tier(&CountryCode::parse("VN").expect("code"), Some(9_000_000)),
            None
        );
        assert!(Tiers::parse("t.toml", "tiers = 3", "i.csv", income).is_err());
    }
}
