//! Parsers for `cities/cities.csv`, `cities/city_populations.csv` and `countries.csv`.

use std::collections::{BTreeSet, HashSet};

use super::{CsvRows, RowError};
use crate::{
    City, CityId, Coordinates, Country, CountryCode, Network, Population, PopulationKind,
    PopulationPoint,
};

/// Parses the city list; ids must be unique.
pub fn parse_cities(file: &str, text: &str) -> Result<Vec<City>, RowError> {
    let required = [
        "id",
        "name_en",
        "name_zh",
        "name_local",
        "local_lang",
        "country",
        "admin1",
        "latitude",
        "longitude",
        "timezone",
        "population",
        "population_year",
        "population_source",
        "networks",
        "geonames_id",
        "wup_city_code",
    ];
    let mut cities = Vec::new();
    let mut seen = HashSet::new();
    CsvRows::new(file, text, &required)?.for_each(|row| {
        let id = CityId::parse(row.required("id")?).map_err(|e| row.invalid("id", e))?;
        if !seen.insert(id.clone()) {
            return Err(row.error("id", &format!("{id} appears twice")));
        }
        let latitude = row
            .number::<f64>("latitude")?
            .ok_or_else(|| row.error("latitude", "is empty"))?;
        let longitude = row
            .number::<f64>("longitude")?
            .ok_or_else(|| row.error("longitude", "is empty"))?;
        let location = Coordinates::new(latitude, longitude).map_err(|e| {
            let field = e.field.clone();
            row.invalid(&field, e)
        })?;
        let timezone = row.required("timezone")?;
        if !timezone.contains('/') || timezone.contains(char::is_whitespace) {
            return Err(row.error(
                "timezone",
                &format!("'{timezone}' is not an IANA time zone (Area/Location)"),
            ));
        }
        let population = match row.number::<u64>("population")? {
            None => None,
            Some(0) => return Err(row.error("population", "must be greater than zero")),
            Some(count) => Some(Population {
                count,
                year: row.number::<i32>("population_year")?,
                source: row.required("population_source")?.to_owned(),
            }),
        };
        let name_local = match (row.optional("name_local"), row.optional("local_lang")) {
            (Some(name), Some(lang)) => Some((name.to_owned(), lang.to_owned())),
            (None, None) => None,
            (Some(_), None) => {
                return Err(row.error("local_lang", "is empty while name_local is set"));
            }
            (None, Some(_)) => {
                return Err(row.error("name_local", "is empty while local_lang is set"));
            }
        };
        let networks = row
            .get("networks")
            .split(';')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| Network::parse(n).map_err(|e| row.invalid("networks", e)))
            .collect::<Result<BTreeSet<_>, _>>()?;
        cities.push(City {
            id,
            name_en: row.required("name_en")?.to_owned(),
            name_zh: row.optional("name_zh").map(str::to_owned),
            name_local,
            country: CountryCode::parse(row.required("country")?)
                .map_err(|e| row.invalid("country", e))?,
            admin1: row.optional("admin1").map(str::to_owned),
            location,
            timezone: timezone.to_owned(),
            population,
            networks,
            geonames_id: row.number("geonames_id")?,
            wup_city_code: row.number("wup_city_code")?,
        });
        Ok(())
    })?;
    Ok(cities)
}

/// Parses the population series; one value per city, year and source.
pub fn parse_city_populations(
    file: &str,
    text: &str,
) -> Result<Vec<(CityId, PopulationPoint)>, RowError> {
    let mut points = Vec::new();
    let mut seen = HashSet::new();
    CsvRows::new(
        file,
        text,
        &["city_id", "year", "population", "kind", "source"],
    )?
    .for_each(|row| {
        let city =
            CityId::parse(row.required("city_id")?).map_err(|e| row.invalid("city_id", e))?;
        let year = row
            .number::<i32>("year")?
            .ok_or_else(|| row.error("year", "is empty"))?;
        if !(1800..=2100).contains(&year) {
            return Err(row.error("year", &format!("{year} is not a plausible year")));
        }
        let count = row
            .number::<u64>("population")?
            .ok_or_else(|| row.error("population", "is empty"))?;
        let source = row.required("source")?.to_owned();
        if !seen.insert((city.clone(), year, source.clone())) {
            return Err(row.error(
                "year",
                &format!("{city} {year} appears twice for the same source"),
            ));
        }
        let kind =
            PopulationKind::parse(row.required("kind")?).map_err(|e| row.invalid("kind", e))?;
        points.push((
            city,
            PopulationPoint {
                year,
                count,
                kind,
                source,
            },
        ));
        Ok(())
    })?;
    Ok(points)
}

/// Parses the alternate names of cities (`city_id,geonames_id,name`), from GeoNames: names in other scripts that
/// an import may use for a city beside its English, Chinese and local names. A name may be listed for several
/// cities; the importer refuses such a name and lists the candidates.
pub fn parse_city_alternate_names(
    file: &str,
    text: &str,
) -> Result<Vec<(CityId, String)>, RowError> {
    let mut names = Vec::new();
    CsvRows::new(file, text, &["city_id", "geonames_id", "name"])?.for_each(|row| {
        let city =
            CityId::parse(row.required("city_id")?).map_err(|e| row.invalid("city_id", e))?;
        row.number::<u64>("geonames_id")?
            .ok_or_else(|| row.error("geonames_id", "is empty"))?;
        names.push((city, row.required("name")?.to_owned()));
        Ok(())
    })?;
    Ok(names)
}

/// Parses the country list.
pub fn parse_countries(file: &str, text: &str) -> Result<Vec<Country>, RowError> {
    let mut countries = Vec::new();
    CsvRows::new(
        file,
        text,
        &["iso2", "iso3", "name_en", "name_zh", "region"],
    )?
    .for_each(|row| {
        let region = row.required("region")?;
        if region != "asean" && region != "china" {
            return Err(row.error("region", "must be 'asean' or 'china'"));
        }
        countries.push(Country {
            code: CountryCode::parse(row.required("iso2")?).map_err(|e| row.invalid("iso2", e))?,
            iso3: row.required("iso3")?.to_owned(),
            name_en: row.required("name_en")?.to_owned(),
            name_zh: row.optional("name_zh").map(str::to_owned),
            region: region.to_owned(),
        });
        Ok(())
    })?;
    Ok(countries)
}

/// The countries' names in the interface languages other than English and Chinese (`country_names.csv`: `iso2,
/// lang, name`, from Unicode CLDR).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountryNames {
    names: std::collections::BTreeMap<(CountryCode, crate::Language), String>,
}

impl CountryNames {
    /// The name of `code` in `language`, when the file has it.
    pub fn name(&self, code: CountryCode, language: crate::Language) -> Option<&str> {
        self.names.get(&(code, language)).map(String::as_str)
    }

    /// The name of `country` for a reader of `language`: the file's name in that language, else
    /// [`Country::display_name`] (Chinese or English).
    pub fn display_name<'a>(&'a self, country: &'a Country, language: crate::Language) -> &'a str {
        self.name(country.code, language)
            .unwrap_or_else(|| country.display_name(language))
    }
}

/// Parses the countries' names in the interface languages; a language the interface does not speak is refused.
pub fn parse_country_names(file: &str, text: &str) -> Result<CountryNames, RowError> {
    let mut out = CountryNames::default();
    CsvRows::new(file, text, &["iso2", "lang", "name"])?.for_each(|row| {
        let code = CountryCode::parse(row.required("iso2")?).map_err(|e| row.invalid("iso2", e))?;
        let language = row.language("lang")?;
        out.names
            .insert((code, language), row.required("name")?.to_owned());
        Ok(())
    })?;
    Ok(out)
}

/// The cities' names in the interface languages, each with its source and licence (`cities/city_names.csv`:
/// `city_id, lang, name, source, licence`, built by `data/tools/build_city_names.py` from Natural Earth and
/// GeoNames, and completed for Chinese cities by `data/tools/build_city_names_cn_divisions.py` from China's GB/T 2260
/// division names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CityNames {
    names: std::collections::BTreeMap<(CityId, crate::Language), CityName>,
}

/// One city's name in one language, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CityName {
    /// The name.
    pub name: String,
    /// Its source.
    pub source: String,
    /// The source's licence.
    pub licence: String,
}

impl CityNames {
    /// The name of `city` in `language`, when the file has it.
    pub fn name(&self, city: &CityId, language: crate::Language) -> Option<&CityName> {
        self.names.get(&(city.clone(), language))
    }

    /// The name of `city` for a reader of `language`: the city's own name in that language where the city has it,
    /// else the file's, else English; and the language it is in.
    pub fn display_name<'a>(
        &'a self,
        city: &'a City,
        language: crate::Language,
    ) -> (&'a str, crate::Language) {
        if city.display_name_language(language) == language {
            return (city.display_name(language), language);
        }
        match self.name(&city.id, language) {
            Some(name) => (&name.name, language),
            None => (&city.name_en, crate::Language::En),
        }
    }

    /// How many cities have a name in `language`.
    pub fn coverage(&self, language: crate::Language) -> usize {
        self.names.keys().filter(|(_, l)| *l == language).count()
    }
}

/// The names of the provinces (first-level subdivisions, as `cities.csv` `admin1` names them) in the interface
/// languages (`cities/province_names.csv`: `country, admin1, iso3166_2, lang, name, source, licence`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvinceNames {
    names: std::collections::BTreeMap<(CountryCode, String, crate::Language), String>,
}

impl ProvinceNames {
    /// The name of province `admin1` of `country` in `language`, when the file has it.
    pub fn name(
        &self,
        country: CountryCode,
        admin1: &str,
        language: crate::Language,
    ) -> Option<&str> {
        self.names
            .get(&(country, admin1.to_owned(), language))
            .map(String::as_str)
    }

    /// How many provinces have a name in `language`.
    pub fn coverage(&self, language: crate::Language) -> usize {
        self.names.keys().filter(|(_, _, l)| *l == language).count()
    }
}

/// Parses the provinces' names in the interface languages; a language the interface does not speak is refused.
pub fn parse_province_names(file: &str, text: &str) -> Result<ProvinceNames, RowError> {
    let mut out = ProvinceNames::default();
    CsvRows::new(
        file,
        text,
        &[
            "country",
            "admin1",
            "iso3166_2",
            "lang",
            "name",
            "source",
            "licence",
        ],
    )?
    .for_each(|row| {
        let country =
            CountryCode::parse(row.required("country")?).map_err(|e| row.invalid("country", e))?;
        let language = row.language("lang")?;
        row.required("source")?;
        row.required("licence")?;
        out.names.insert(
            (country, row.required("admin1")?.to_owned(), language),
            row.required("name")?.to_owned(),
        );
        Ok(())
    })?;
    Ok(out)
}

/// Parses the cities' names in the interface languages; a language the interface does not speak is refused.
pub fn parse_city_names(file: &str, text: &str) -> Result<CityNames, RowError> {
    let mut out = CityNames::default();
    CsvRows::new(
        file,
        text,
        &["city_id", "lang", "name", "source", "licence"],
    )?
    .for_each(|row| {
        let city =
            CityId::parse(row.required("city_id")?).map_err(|e| row.invalid("city_id", e))?;
        let language = row.language("lang")?;
        out.names.insert(
            (city, language),
            CityName {
                name: row.required("name")?.to_owned(),
                source: row.required("source")?.to_owned(),
                licence: row.required("licence")?.to_owned(),
            },
        );
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_names_are_found_per_language_and_fall_back_to_english_or_chinese() {
        let names = parse_country_names("n.csv", "iso2,lang,name\nTH,th,ไทย\n").expect("parses");
        let thailand = Country {
            code: CountryCode::parse("TH").expect("th"),
            iso3: "THA".into(),
            name_en: "Thailand".into(),
            name_zh: Some("泰国".into()),
            region: "asean".into(),
        };
        assert_eq!(names.display_name(&thailand, crate::Language::Th), "ไทย");
        assert_eq!(
            names.display_name(&thailand, crate::Language::ZhHans),
            "泰国"
        );
        assert_eq!(
            names.display_name(&thailand, crate::Language::Km),
            "Thailand"
        );
        let bad = parse_country_names("n.csv", "iso2,lang,name\nTH,xx,X\n").expect_err("xx");
        assert_eq!((bad.line, bad.field.as_str()), (2, "lang"));
    }

    #[test]
    fn city_and_province_names_are_refused_row_by_row_with_the_field() {
        let bad = parse_city_names(
            "cities/city_names.csv",
            "city_id,lang,name,source,licence\nbangkok,th,กรุงเทพ,GeoNames,CC BY 4.0\nbangkok,xx,X,GeoNames,CC BY 4.0\n",
        )
        .expect_err("xx");
        assert_eq!(
            (bad.file.as_str(), bad.line, bad.field.as_str()),
            ("cities/city_names.csv", 3, "lang")
        );
        let unsourced = parse_city_names(
            "n.csv",
            "city_id,lang,name,source,licence\nbangkok,th,กรุงเทพ,,CC BY 4.0\n",
        )
        .expect_err("no source");
        assert_eq!((unsourced.line, unsourced.field.as_str()), (2, "source"));
        let province = parse_province_names(
            "p.csv",
            "country,admin1,iso3166_2,lang,name,source,licence\nThailand,Bangkok,TH-10,th,กรุงเทพมหานคร,iso-codes,LGPL\n",
        )
        .expect_err("not a country code");
        assert_eq!((province.line, province.field.as_str()), (2, "country"));
        let good = parse_province_names(
            "p.csv",
            "country,admin1,iso3166_2,lang,name,source,licence\nTH,Bangkok,TH-10,th,กรุงเทพมหานคร,iso-codes,LGPL\n",
        )
        .expect("parses");
        let th = CountryCode::parse("TH").expect("th");
        assert_eq!(
            good.name(th, "Bangkok", crate::Language::Th),
            Some("กรุงเทพมหานคร")
        );
        assert_eq!(good.name(th, "Bangkok", crate::Language::Lo), None);
    }

    const HEADER: &str = "id,name_en,name_zh,name_local,local_lang,country,admin1,latitude,longitude,timezone,\
                          population,population_year,population_source,networks,geonames_id,wup_city_code\n";

    #[test]
    fn a_valid_city_row_becomes_a_city() {
        let text = format!(
            "{HEADER}bangkok,Bangkok,曼谷,กรุงเทพมหานคร,th,TH,,13.75,100.51,Asia/Bangkok,10539000,2020,UN WUP,ascn-pilot-2018,1609350,22617\n"
        );
        let cities = parse_cities("cities.csv", &text).expect("valid");
        assert_eq!(cities.len(), 1);
        let bangkok = &cities[0];
        assert_eq!(bangkok.id.as_str(), "bangkok");
        assert_eq!(
            bangkok.name_local,
            Some(("กรุงเทพมหานคร".into(), "th".into()))
        );
        assert!(bangkok.networks.contains(&Network::AscnPilot2018));
        assert_eq!(
            bangkok.population.as_ref().map(|p| p.count),
            Some(10_539_000)
        );
    }

    #[test]
    fn a_malformed_row_is_reported_with_file_line_and_field() {
        let text = format!(
            "{HEADER}bangkok,Bangkok,,,,TH,,13.75,100.51,Asia/Bangkok,1,2020,UN,,,\n\
             hanoi,Hanoi,,,,VN,,north,105.8,Asia/Bangkok,1,2020,UN,,,\n"
        );
        let err = parse_cities("cities/cities.csv", &text).expect_err("latitude is not a number");
        assert_eq!(
            err.to_string(),
            "cities/cities.csv:3: latitude: 'north' is not a number"
        );
    }

    #[test]
    fn unknown_networks_duplicate_ids_and_bad_zones_are_refused() {
        let row = |id: &str, networks: &str, tz: &str| {
            format!("{id},X,,,,TH,,1,1,{tz},1,2020,UN,{networks},,\n")
        };
        let err = parse_cities(
            "c.csv",
            &format!("{HEADER}{}", row("a", "ascn", "Asia/Bangkok")),
        )
        .expect_err("unknown network");
        assert_eq!((err.line, err.field.as_str()), (2, "networks"));
        let text = format!(
            "{HEADER}{}{}",
            row("a", "", "Asia/Bangkok"),
            row("a", "", "Asia/Bangkok")
        );
        let err = parse_cities("c.csv", &text).expect_err("duplicate id");
        assert_eq!((err.line, err.field.as_str()), (3, "id"));
        let err = parse_cities("c.csv", &format!("{HEADER}{}", row("a", "", "Bangkok")))
            .expect_err("zone");
        assert_eq!(err.field, "timezone");
    }

    #[test]
    fn a_missing_column_is_reported_on_the_header_line() {
        let err = parse_cities("c.csv", "id,name_en\nx,X\n").expect_err("columns missing");
        assert_eq!(err.line, 1);
        assert_eq!(err.field, "name_zh");
    }
}
