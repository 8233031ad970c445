//! Parser for the recorded sister-city ties (`partnerships/twin_cities_asean_china.csv`, from Wikipedia): which
//! pairs of Mitra's cities already have a tie. It reads the text it is given and opens no file; it never guesses a
//! city.
//!
//! The file names places as Wikipedia writes them, so each side of each row gets an explicit outcome
//! ([`SideOutcome`]), in this order:
//!
//! 1. **unknown country**: the country is neither a country's English name in `countries.csv` nor a country name in
//!    `initiatives/place_names.csv`;
//! 2. **matched** or **ambiguous**: the cities of that country whose English, Chinese or local name is the name
//!    (case-insensitive, exact), or to which `cities/city_aliases.csv` (for that country) or a city row of
//!    `initiatives/place_names.csv` (when the city it names is in that country) ties the name; one city is a match,
//!    several are ambiguous and all are listed;
//! 3. **province**: the name says it is a province ("Guangdong Province", "Province of Cebu") or a Chinese
//!    autonomous region ("Guangxi Zhuang Autonomous Region");
//! 4. **not in the city list**: anything else — a place Mitra does not list (below the 300 000 threshold, a district,
//!    or a region whose name does not say so, such as "East Java"), or one `place_names.csv` lists without a city.
//!
//! A row whose two sides are both matched to different cities is a [`RecordedTie`]; a pair listed twice (in either
//! order) is one tie, kept at its first line. The file records that a tie exists, not when it was signed.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use super::{CsvRows, RowError, initiatives};
use crate::{City, CityId, Country};

/// The files, by their paths under `data/`.
pub struct PartnershipFiles<'a> {
    /// `partnerships/twin_cities_asean_china.csv`: `city1, country1, city2, country2`.
    pub pairs: (&'a str, &'a str),
    /// `cities/city_aliases.csv`.
    pub aliases: (&'a str, &'a str),
    /// `initiatives/place_names.csv`.
    pub places: (&'a str, &'a str),
}

/// What one side of a recorded pair is, as far as Mitra's city list can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "cities", rename_all = "kebab-case")]
pub enum SideOutcome {
    /// Exactly one city of that country has this name or alias.
    Matched(CityId),
    /// The name is a province's (or a Chinese autonomous region's), not a city's.
    Province,
    /// No city Mitra lists in that country has this name.
    NotInCityList,
    /// Several cities of that country have this name; all are listed, in id order.
    Ambiguous(Vec<CityId>),
    /// The country is not one Mitra knows.
    UnknownCountry,
}

/// One side of a recorded pair: the names as the file gives them, and what they resolve to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairSide {
    /// The place, as written in the file.
    pub name: String,
    /// The country, as written in the file.
    pub country: String,
    /// What the place is.
    pub outcome: SideOutcome,
}

/// One row of the file with both sides resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// `city1, country1` and `city2, country2`.
    pub sides: [PairSide; 2],
}

/// A sister-city tie between two of Mitra's cities that the file records; `a < b`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RecordedTie {
    /// The city with the smaller id.
    pub a: CityId,
    /// The city with the larger id.
    pub b: CityId,
    /// The first line that records the pair.
    pub line: u64,
}

impl RecordedTie {
    /// The tie between `x` and `y` recorded at `line`, with its cities in id order.
    pub fn new(x: CityId, y: CityId, line: u64) -> Self {
        if x <= y {
            Self { a: x, b: y, line }
        } else {
            Self { a: y, b: x, line }
        }
    }

    /// Whether the tie joins `x` and `y`, in either order.
    pub fn joins(&self, x: &CityId, y: &CityId) -> bool {
        (&self.a == x && &self.b == y) || (&self.a == y && &self.b == x)
    }
}

/// How many sides had each outcome, and how many ties came out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PartnershipSummary {
    /// Rows read.
    pub rows: usize,
    /// Sides matched to one city.
    pub matched: usize,
    /// Sides that are provinces.
    pub province: usize,
    /// Sides naming no listed city.
    pub not_in_city_list: usize,
    /// Sides naming several cities.
    pub ambiguous: usize,
    /// Sides in a country Mitra does not know.
    pub unknown_country: usize,
    /// Distinct ties between two listed cities.
    pub ties: usize,
    /// Rows with both sides matched that repeat a tie already counted (or join a city to itself).
    pub repeated: usize,
}

/// Every row with its outcome, the distinct ties, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnershipReport {
    /// Every row, in file order.
    pub rows: Vec<PairRow>,
    /// Each distinct tie once, in file order of its first line.
    pub ties: Vec<RecordedTie>,
    /// The counts.
    pub summary: PartnershipSummary,
}

/// `(lower-case name, country code)` → city ids, from `city_aliases.csv`.
fn aliases(file: &str, text: &str) -> Result<HashMap<(String, String), Vec<CityId>>, RowError> {
    let mut out: HashMap<(String, String), Vec<CityId>> = HashMap::new();
    CsvRows::new(file, text, &["source_name", "country", "city_id"])?.for_each(|row| {
        let id = CityId::parse(row.required("city_id")?).map_err(|e| row.invalid("city_id", e))?;
        out.entry((
            row.required("source_name")?.to_lowercase(),
            row.required("country")?.to_owned(),
        ))
        .or_default()
        .push(id);
        Ok(())
    })?;
    Ok(out)
}

/// Whether the name says it is a province or a province-level autonomous region.
fn is_province(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(" province")
        || lower.starts_with("province of ")
        || lower.ends_with(" autonomous region")
}

/// Resolves names to cities, country by country.
struct Resolver<'a> {
    countries: HashMap<String, Option<String>>,
    names: HashMap<(String, String), BTreeSet<&'a CityId>>,
    place_cities: HashMap<String, Option<String>>,
    by_id: HashMap<&'a str, &'a City>,
}

impl<'a> Resolver<'a> {
    fn outcome(&self, name: &str, country: &str) -> SideOutcome {
        let Some(Some(code)) = self.countries.get(&country.to_lowercase()) else {
            return SideOutcome::UnknownCountry;
        };
        let lower = name.to_lowercase();
        let mut found: BTreeSet<&CityId> = self
            .names
            .get(&(lower.clone(), code.clone()))
            .cloned()
            .unwrap_or_default();
        let place = self.place_cities.get(&lower);
        if let Some(Some(id)) = place
            && let Some(city) = self.by_id.get(id.as_str())
            && city.country.as_str() == code
        {
            found.insert(&city.id);
        }
        match found.len() {
            1 => found
                .into_iter()
                .next()
                .map_or(SideOutcome::NotInCityList, |id| {
                    SideOutcome::Matched(id.clone())
                }),
            0 if is_province(name) => SideOutcome::Province,
            0 => SideOutcome::NotInCityList,
            _ => SideOutcome::Ambiguous(found.into_iter().cloned().collect()),
        }
    }
}

/// Reads the recorded pairs and resolves each side against `cities` (whose countries are in `countries`).
pub fn parse_partnerships(
    files: &PartnershipFiles<'_>,
    cities: &[City],
    countries: &[Country],
) -> Result<PartnershipReport, RowError> {
    let (place_cities, place_countries) = initiatives::place_names(files.places.0, files.places.1)?;
    let aliases = aliases(files.aliases.0, files.aliases.1)?;
    let by_id: HashMap<&str, &City> = cities.iter().map(|c| (c.id.as_str(), c)).collect();

    let mut country_codes: HashMap<String, Option<String>> = countries
        .iter()
        .map(|c| (c.name_en.to_lowercase(), Some(c.code.to_string())))
        .collect();
    country_codes.extend(place_countries);

    let mut names: HashMap<(String, String), BTreeSet<&CityId>> = HashMap::new();
    for city in cities {
        let code = city.country.to_string();
        let own = [
            Some(city.name_en.as_str()),
            city.name_zh.as_deref(),
            city.name_local.as_ref().map(|(name, _)| name.as_str()),
        ];
        for name in own.into_iter().flatten() {
            names
                .entry((name.to_lowercase(), code.clone()))
                .or_default()
                .insert(&city.id);
        }
    }
    for ((name, code), ids) in &aliases {
        for id in ids {
            let city = by_id.get(id.as_str()).ok_or_else(|| RowError {
                file: files.aliases.0.to_owned(),
                line: 0,
                field: "city_id".into(),
                reason: format!("'{name}' is tied to {id}, which is not a city"),
            })?;
            names
                .entry((name.clone(), code.clone()))
                .or_default()
                .insert(&city.id);
        }
    }
    let resolver = Resolver {
        countries: country_codes,
        names,
        place_cities,
        by_id,
    };

    let (file, text) = files.pairs;
    let mut rows = Vec::new();
    let mut ties = Vec::new();
    let mut seen: HashSet<(CityId, CityId)> = HashSet::new();
    let mut summary = PartnershipSummary::default();
    CsvRows::new(file, text, &["city1", "country1", "city2", "country2"])?.for_each(|row| {
        let side = |city: &str, country: &str| -> Result<PairSide, RowError> {
            let (name, country) = (row.required(city)?, row.required(country)?);
            Ok(PairSide {
                name: name.to_owned(),
                country: country.to_owned(),
                outcome: resolver.outcome(name, country),
            })
        };
        let sides = [side("city1", "country1")?, side("city2", "country2")?];
        summary.rows += 1;
        for s in &sides {
            match s.outcome {
                SideOutcome::Matched(_) => summary.matched += 1,
                SideOutcome::Province => summary.province += 1,
                SideOutcome::NotInCityList => summary.not_in_city_list += 1,
                SideOutcome::Ambiguous(_) => summary.ambiguous += 1,
                SideOutcome::UnknownCountry => summary.unknown_country += 1,
            }
        }
        if let [
            PairSide {
                outcome: SideOutcome::Matched(x),
                ..
            },
            PairSide {
                outcome: SideOutcome::Matched(y),
                ..
            },
        ] = &sides
        {
            let tie = RecordedTie::new(x.clone(), y.clone(), row.line);
            if tie.a != tie.b && seen.insert((tie.a.clone(), tie.b.clone())) {
                ties.push(tie);
            } else {
                summary.repeated += 1;
            }
        }
        rows.push(PairRow {
            line: row.line,
            sides,
        });
        Ok(())
    })?;
    summary.ties = ties.len();
    Ok(PartnershipReport {
        rows,
        ties,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{parse_cities, parse_countries};

    const PAIRS: &str = include_str!("../../../../data/partnerships/twin_cities_asean_china.csv");
    const CITIES: &str = include_str!("../../../../data/cities/cities.csv");
    const COUNTRIES: &str = include_str!("../../../../data/countries.csv");
    const ALIASES: &str = include_str!("../../../../data/cities/city_aliases.csv");
    const PLACES: &str = include_str!("../../../../data/initiatives/place_names.csv");

    fn parse(pairs: &str) -> Result<PartnershipReport, RowError> {
        let cities = parse_cities("cities/cities.csv", CITIES).expect("cities");
        let countries = parse_countries("countries.csv", COUNTRIES).expect("countries");
        parse_partnerships(
            &PartnershipFiles {
                pairs: ("partnerships/twin_cities_asean_china.csv", pairs),
                aliases: ("cities/city_aliases.csv", ALIASES),
                places: ("initiatives/place_names.csv", PLACES),
            },
            &cities,
            &countries,
        )
    }

    fn id(raw: &str) -> CityId {
        CityId::parse(raw).expect("id")
    }

    fn row<'a>(report: &'a PartnershipReport, city1: &str, city2: &str) -> &'a PairRow {
        report
            .rows
            .iter()
            .find(|r| r.sides[0].name == city1 && r.sides[1].name == city2)
            .expect("row in the file")
    }

    #[test]
    fn the_shipped_pairs_resolve_to_cities_provinces_and_places_mitra_does_not_list() {
        let report = parse(PAIRS).expect("parsed");
        assert_eq!(report.rows.len(), 158);
        assert_eq!(report.rows[0].line, 2, "the header is line 1");

        let bangkok_beijing = row(&report, "Bangkok", "Beijing");
        assert_eq!(
            bangkok_beijing.sides.clone().map(|s| s.outcome),
            [
                SideOutcome::Matched(id("bangkok")),
                SideOutcome::Matched(id("beijing"))
            ]
        );
        assert!(
            report
                .ties
                .iter()
                .any(|t| t.joins(&id("beijing"), &id("bangkok")) && t.line == bangkok_beijing.line)
        );
        // `Huế` is Hue's local name; `Cần Thơ` Can Tho's.
        assert_eq!(
            row(&report, "Hanoi", "Huế").sides[1].outcome,
            SideOutcome::Matched(id("hue"))
        );
        assert_eq!(
            row(&report, "Cần Thơ", "Shantou").sides[0].outcome,
            SideOutcome::Matched(id("can-tho"))
        );
        // `Sihanoukville` is tied to `sihanoukville-city` by place_names.csv; `Ürümqi` is an English name as is.
        assert_eq!(
            row(&report, "Nanning", "Sihanoukville").sides[1].outcome,
            SideOutcome::Matched(id("sihanoukville-city"))
        );
        assert_eq!(
            row(&report, "Klang", "Ürümqi")
                .sides
                .clone()
                .map(|s| s.outcome),
            [
                SideOutcome::NotInCityList,
                SideOutcome::Matched(id("urumqi"))
            ],
            "Klang is not a WUP agglomeration of its own"
        );
        assert_eq!(
            row(&report, "Guangdong Province", "Ho Chi Minh City").sides[0].outcome,
            SideOutcome::Province
        );
        assert_eq!(
            row(
                &report,
                "Guangxi Zhuang Autonomous Region",
                "Ho Chi Minh City"
            )
            .sides[0]
                .outcome,
            SideOutcome::Province
        );
        assert_eq!(
            row(&report, "Chiang Mai Province", "Shanghai").sides[0].outcome,
            SideOutcome::Province,
            "a province is not its capital city"
        );
        assert_eq!(
            row(&report, "Jining", "Passi").sides[1].outcome,
            SideOutcome::NotInCityList
        );
        // Two WUP agglomerations are named Suzhou; the row that says "Suzhou, Anhui" names one by its alias.
        assert_eq!(
            row(&report, "Padang", "Suzhou").sides[1].outcome,
            SideOutcome::Ambiguous(vec![id("suzhou-anhui"), id("suzhou-jiangsu")])
        );
        assert_eq!(
            row(&report, "Padang", "Suzhou, Anhui").sides[1].outcome,
            SideOutcome::Matched(id("suzhou-anhui"))
        );

        let s = report.summary;
        assert_eq!(s.rows, 158);
        assert_eq!(
            s.matched + s.province + s.not_in_city_list + s.ambiguous + s.unknown_country,
            316,
            "every side has one outcome"
        );
        assert_eq!(s.unknown_country, 0, "every country in the file is known");
        assert_eq!(
            (s.province, s.ambiguous),
            (5, 5),
            "five names say province or autonomous region; Fuzhou (4 rows) and Suzhou (1) are two cities each"
        );
        assert_eq!(
            row(&report, "Fuzhou", "Manila").sides[0].outcome,
            SideOutcome::Ambiguous(vec![id("fuzhou-fujian"), id("fuzhou-jiangxi")])
        );
        assert_eq!(s.ties, report.ties.len());
        assert!(report.ties.iter().all(|t| t.a < t.b));
    }

    #[test]
    fn a_pair_listed_twice_in_either_order_is_one_tie_at_its_first_line() {
        let file = "city1,country1,city2,country2\n\
                    Kunming,China,Yangon,Myanmar\n\
                    Yangon,Myanmar,Kunming,China\n\
                    Kunming,Atlantis,Yangon,Myanmar\n";
        let report = parse(file).expect("parsed");
        assert_eq!(
            report.ties,
            [RecordedTie {
                a: id("kunming"),
                b: id("yangon"),
                line: 2
            }]
        );
        assert_eq!(report.summary.repeated, 1);
        assert_eq!(report.summary.unknown_country, 1);
        assert_eq!(
            report.rows[2].sides[0].outcome,
            SideOutcome::UnknownCountry,
            "a name is only looked up in its own country"
        );
    }

    #[test]
    fn a_name_in_another_country_matches_nothing() {
        let file = "city1,country1,city2,country2\nBangkok,Vietnam,Province of Cebu,Philippines\n";
        let report = parse(file).expect("parsed");
        assert_eq!(
            report.rows[0].sides.clone().map(|s| s.outcome),
            [SideOutcome::NotInCityList, SideOutcome::Province]
        );
        assert!(report.ties.is_empty());
    }

    #[test]
    fn a_row_with_an_empty_field_names_file_line_and_column() {
        let file = "city1,country1,city2,country2\nKunming,China,Yangon,Myanmar\nBangkok,Thailand,,China\n";
        let error = parse(file).expect_err("refused");
        assert_eq!(
            error.to_string(),
            "partnerships/twin_cities_asean_china.csv:3: city2: is empty"
        );
        let error = parse("city1,country1,city2\nBangkok,Thailand,Beijing\n").expect_err("refused");
        assert_eq!((error.line, error.field.as_str()), (1, "country2"));
    }
}
