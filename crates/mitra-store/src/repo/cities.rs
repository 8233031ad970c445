//! Cities, their networks and population series, and countries: reading them ([`CityStore`]) and writing them from
//! the shipped reference data (called by `reference.rs`, which owns the load's transaction). It must not write other
//! aggregates' tables.

use std::collections::HashMap;

use async_trait::async_trait;
use mitra_domain::{
    City, CityFilter, CityId, Coordinates, Country, CountryCode, Network, NetworkFilter,
    PageRequest, Population, PopulationKind, PopulationPoint,
};
use serde_json::{Value, json};

use super::dialect::{Db, DbStore};
use super::reference::ReferenceLoad;
use super::{corrupt, key_after};
use crate::{CityStore, StoreError};

const CITY_COLUMNS: &str = "c.id, c.name_en, c.name_zh, c.name_local, c.local_lang, c.country, \
     c.admin1, c.latitude, c.longitude, c.timezone, c.population, c.population_year, \
     c.population_source, c.geonames_id, c.wup_city_code";

/// The filter of [`CityFilter`]: `$1` country, `$2` network pattern, `$3` name pattern, each `null` for any.
const CITY_FILTER: &str = "($1 is null or c.country = $1) and ($2 is null or exists (select 1 \
     from city_networks n where n.city_id = c.id and n.network like $2)) and ($3 is null \
     or lower(c.name_en) like $3 escape '\\' or c.name_zh like $3 escape '\\')";

/// A `cities` row.
#[derive(sqlx_macros::FromRow)]
struct CityRow {
    id: String,
    name_en: String,
    name_zh: Option<String>,
    name_local: Option<String>,
    local_lang: Option<String>,
    country: String,
    admin1: Option<String>,
    latitude: f64,
    longitude: f64,
    timezone: String,
    population: Option<i64>,
    population_year: Option<i64>,
    population_source: Option<String>,
    geonames_id: Option<i64>,
    wup_city_code: Option<i64>,
}

impl CityRow {
    /// Converts the row and the city's network ids into a [`City`].
    fn into_city(self, networks: &[String]) -> Result<City, StoreError> {
        let id = CityId::parse(&self.id).map_err(|e| corrupt("cities", &self.id, e))?;
        let networks = networks
            .iter()
            .map(|n| Network::parse(n).map_err(|e| corrupt("city_networks", &self.id, e)))
            .collect::<Result<_, _>>()?;
        let population = match (self.population, self.population_source) {
            (Some(count), Some(source)) => Some(Population {
                count: u64::try_from(count).map_err(|e| corrupt("cities", &self.id, e))?,
                year: self.population_year.map(|y| y as i32),
                source,
            }),
            _ => None,
        };
        Ok(City {
            name_local: self.name_local.zip(self.local_lang),
            country: CountryCode::parse(&self.country)
                .map_err(|e| corrupt("cities", &self.id, e))?,
            location: Coordinates::new(self.latitude, self.longitude)
                .map_err(|e| corrupt("cities", &self.id, e))?,
            id,
            name_en: self.name_en,
            name_zh: self.name_zh,
            admin1: self.admin1,
            timezone: self.timezone,
            population,
            networks,
            geonames_id: self.geonames_id,
            wup_city_code: self.wup_city_code,
        })
    }
}

/// A `city_populations` row.
#[derive(sqlx_macros::FromRow)]
struct PopulationRow {
    city_id: String,
    year: i64,
    population: i64,
    kind: String,
    source: String,
}

impl PopulationRow {
    fn into_point(self) -> Result<PopulationPoint, StoreError> {
        Ok(PopulationPoint {
            year: self.year as i32,
            count: u64::try_from(self.population)
                .map_err(|e| corrupt("city_populations", &self.city_id, e))?,
            kind: PopulationKind::parse(&self.kind)
                .map_err(|e| corrupt("city_populations", &self.city_id, e))?,
            source: self.source,
        })
    }
}

/// A `countries` row.
#[derive(sqlx_macros::FromRow)]
struct CountryRow {
    code: String,
    iso3: String,
    name_en: String,
    name_zh: Option<String>,
    region: String,
}

impl CountryRow {
    fn into_country(self) -> Result<Country, StoreError> {
        Ok(Country {
            code: CountryCode::parse(&self.code)
                .map_err(|e| corrupt("countries", &self.code, e))?,
            iso3: self.iso3,
            name_en: self.name_en,
            name_zh: self.name_zh,
            region: self.region,
        })
    }
}

/// The `like` pattern that selects the networks a filter admits (network ids contain no wildcard characters).
fn network_pattern(filter: NetworkFilter) -> String {
    match filter {
        NetworkFilter::Only(network) => network.as_str().to_owned(),
        NetworkFilter::AnyAscn => "ascn-%".to_owned(),
    }
}

/// `%text%` for `like`, with the wildcard characters in `text` escaped.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Loads the networks of the cities whose ids lie between `first` and `last`, by city id.
async fn networks_between(
    executor: impl sqlx::Executor<'_, Database = Db>,
    first: &str,
    last: &str,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select city_id, network from city_networks where city_id >= $1 and city_id <= $2 \
         order by city_id, network",
    )
    .bind(first)
    .bind(last)
    .fetch_all(executor)
    .await?;
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (city, network) in rows {
        map.entry(city).or_default().push(network);
    }
    Ok(map)
}

// JSON snapshots for the audit log's before and after. They list every stored field, so two equal snapshots mean
// the row would not change.

fn country_json(c: &Country) -> Value {
    json!({
        "code": c.code.as_str(), "iso3": c.iso3, "name_en": c.name_en, "name_zh": c.name_zh,
        "region": c.region,
    })
}

fn city_json(c: &City) -> Value {
    json!({
        "id": c.id.as_str(), "name_en": c.name_en, "name_zh": c.name_zh,
        "name_local": c.name_local.as_ref().map(|(n, _)| n),
        "local_lang": c.name_local.as_ref().map(|(_, l)| l),
        "country": c.country.as_str(), "admin1": c.admin1,
        "latitude": c.location.latitude, "longitude": c.location.longitude, "timezone": c.timezone,
        "population": c.population.as_ref().map(|p| p.count),
        "population_year": c.population.as_ref().and_then(|p| p.year),
        "population_source": c.population.as_ref().map(|p| &p.source),
        "networks": c.networks.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        "geonames_id": c.geonames_id, "wup_city_code": c.wup_city_code,
    })
}

fn populations_json(points: &[&PopulationPoint]) -> Value {
    Value::Array(
        points
            .iter()
            .map(|p| {
                json!({
                    "year": p.year, "population": p.count, "kind": p.kind.as_str(),
                    "source": p.source,
                })
            })
            .collect(),
    )
}

/// Writes the countries of a reference load that are new or changed.
pub(super) async fn apply_countries(
    load: &mut ReferenceLoad,
    countries: &[Country],
) -> Result<(), StoreError> {
    let rows: Vec<CountryRow> =
        sqlx::query_as("select code, iso3, name_en, name_zh, region from countries")
            .fetch_all(&mut *load.tx)
            .await?;
    let mut existing = HashMap::new();
    for row in rows {
        let country = row.into_country()?;
        existing.insert(country.code.to_string(), country_json(&country));
    }
    for c in countries {
        let after = country_json(c);
        if !load
            .journal_if_changed(
                "country",
                c.code.as_str(),
                existing.get(c.code.as_str()),
                &after,
            )
            .await?
        {
            continue;
        }
        sqlx::query(
            "insert into countries (code, iso3, name_en, name_zh, region) \
             values ($1, $2, $3, $4, $5) on conflict (code) do update set iso3 = excluded.iso3, \
             name_en = excluded.name_en, name_zh = excluded.name_zh, region = excluded.region",
        )
        .bind(c.code.as_str())
        .bind(&c.iso3)
        .bind(&c.name_en)
        .bind(&c.name_zh)
        .bind(&c.region)
        .execute(&mut *load.tx)
        .await?;
    }
    Ok(())
}

/// Writes the cities of a reference load that are new or changed, with their networks.
pub(super) async fn apply_cities(
    load: &mut ReferenceLoad,
    cities: &[City],
) -> Result<(), StoreError> {
    let rows: Vec<CityRow> = sqlx::query_as(&format!(
        "select {CITY_COLUMNS} from cities c order by c.id"
    ))
    .fetch_all(&mut *load.tx)
    .await?;
    let networks = networks_between(&mut *load.tx, "", "\u{10ffff}").await?;
    let mut existing = HashMap::new();
    for row in rows {
        let nets = networks.get(&row.id).cloned().unwrap_or_default();
        let city = row.into_city(&nets)?;
        existing.insert(city.id.to_string(), city_json(&city));
    }
    for c in cities {
        let after = city_json(c);
        if !load
            .journal_if_changed("city", c.id.as_str(), existing.get(c.id.as_str()), &after)
            .await?
        {
            continue;
        }
        sqlx::query(
            "insert into cities (id, name_en, name_zh, name_local, local_lang, country, admin1, \
             latitude, longitude, timezone, population, population_year, population_source, \
             geonames_id, wup_city_code) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             $12, $13, $14, $15) on conflict (id) do update set name_en = excluded.name_en, \
             name_zh = excluded.name_zh, name_local = excluded.name_local, local_lang = \
             excluded.local_lang, country = excluded.country, admin1 = excluded.admin1, latitude = \
             excluded.latitude, longitude = excluded.longitude, timezone = excluded.timezone, \
             population = excluded.population, population_year = excluded.population_year, \
             population_source = excluded.population_source, geonames_id = excluded.geonames_id, \
             wup_city_code = excluded.wup_city_code",
        )
        .bind(c.id.as_str())
        .bind(&c.name_en)
        .bind(&c.name_zh)
        .bind(c.name_local.as_ref().map(|(n, _)| n))
        .bind(c.name_local.as_ref().map(|(_, l)| l))
        .bind(c.country.as_str())
        .bind(&c.admin1)
        .bind(c.location.latitude)
        .bind(c.location.longitude)
        .bind(&c.timezone)
        .bind(c.population.as_ref().map(|p| p.count as i64))
        .bind(c.population.as_ref().and_then(|p| p.year).map(i64::from))
        .bind(c.population.as_ref().map(|p| &p.source))
        .bind(c.geonames_id)
        .bind(c.wup_city_code)
        .execute(&mut *load.tx)
        .await?;
        sqlx::query("delete from city_networks where city_id = $1")
            .bind(c.id.as_str())
            .execute(&mut *load.tx)
            .await?;
        for network in &c.networks {
            sqlx::query("insert into city_networks (city_id, network) values ($1, $2)")
                .bind(c.id.as_str())
                .bind(network.as_str())
                .execute(&mut *load.tx)
                .await?;
        }
    }
    Ok(())
}

/// Writes the population series of a reference load that are new or changed, each journalled as one entry per
/// city. `populations` holds each city's points together.
pub(super) async fn apply_populations(
    load: &mut ReferenceLoad,
    populations: &[(CityId, PopulationPoint)],
) -> Result<(), StoreError> {
    let rows: Vec<PopulationRow> = sqlx::query_as(
        "select city_id, year, population, kind, source from city_populations \
         order by city_id, year, source",
    )
    .fetch_all(&mut *load.tx)
    .await?;
    let mut stored: HashMap<String, Vec<PopulationPoint>> = HashMap::new();
    for row in rows {
        let city = row.city_id.clone();
        stored.entry(city).or_default().push(row.into_point()?);
    }
    let existing: HashMap<String, Value> = stored
        .into_iter()
        .map(|(city, points)| (city, populations_json(&points.iter().collect::<Vec<_>>())))
        .collect();
    let mut series: Vec<(&CityId, Vec<&PopulationPoint>)> = Vec::new();
    for (city, point) in populations {
        match series.last_mut() {
            Some((last, points)) if *last == city => points.push(point),
            _ => series.push((city, vec![point])),
        }
    }
    for (city, mut points) in series {
        points.sort_by(|a, b| (a.year, &a.source).cmp(&(b.year, &b.source)));
        let after = populations_json(&points);
        if !load
            .journal_if_changed(
                "city_population_series",
                city.as_str(),
                existing.get(city.as_str()),
                &after,
            )
            .await?
        {
            continue;
        }
        sqlx::query("delete from city_populations where city_id = $1")
            .bind(city.as_str())
            .execute(&mut *load.tx)
            .await?;
        for p in points {
            sqlx::query(
                "insert into city_populations (city_id, year, population, kind, source) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(city.as_str())
            .bind(i64::from(p.year))
            .bind(p.count as i64)
            .bind(p.kind.as_str())
            .bind(&p.source)
            .execute(&mut *load.tx)
            .await?;
        }
    }
    Ok(())
}

#[async_trait]
impl CityStore for DbStore {
    async fn list_cities(
        &self,
        filter: &CityFilter,
        page: &PageRequest,
    ) -> Result<Vec<City>, StoreError> {
        let sql = format!(
            "select {CITY_COLUMNS} from cities c where {CITY_FILTER} and c.id > $4 \
             order by c.id limit $5"
        );
        let rows: Vec<CityRow> = sqlx::query_as(&sql)
            .bind(filter.country.map(|c| c.to_string()))
            .bind(filter.network.map(network_pattern))
            .bind(filter.name.as_deref().map(contains_pattern))
            .bind(key_after(page.after.as_deref()))
            .bind(i64::from(page.limit))
            .fetch_all(&self.pool)
            .await?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(Vec::new());
        };
        let networks = networks_between(&self.pool, &first.id, &last.id).await?;
        rows.into_iter()
            .map(|r| {
                let nets = networks.get(&r.id).cloned().unwrap_or_default();
                r.into_city(&nets)
            })
            .collect()
    }

    async fn count_cities(&self, filter: &CityFilter) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(&format!(
            "select count(*) as n from cities c where {CITY_FILTER}"
        ))
        .bind(filter.country.map(|c| c.to_string()))
        .bind(filter.network.map(network_pattern))
        .bind(filter.name.as_deref().map(contains_pattern))
        .fetch_one(&self.pool)
        .await?;
        Ok(n.max(0) as u64)
    }

    async fn find_city(&self, id: &CityId) -> Result<City, StoreError> {
        let row: CityRow = sqlx::query_as(&format!(
            "select {CITY_COLUMNS} from cities c where c.id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "city",
            id: id.to_string(),
        })?;
        let networks = networks_between(&self.pool, id.as_str(), id.as_str()).await?;
        row.into_city(networks.get(id.as_str()).map_or(&[], Vec::as_slice))
    }

    async fn list_city_populations(&self, id: &CityId) -> Result<Vec<PopulationPoint>, StoreError> {
        let rows: Vec<PopulationRow> = sqlx::query_as(
            "select city_id, year, population, kind, source from city_populations \
             where city_id = $1 order by year, source",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PopulationRow::into_point).collect()
    }

    async fn list_countries(&self) -> Result<Vec<Country>, StoreError> {
        let rows: Vec<CountryRow> = sqlx::query_as(
            "select code, iso3, name_en, name_zh, region from countries order by code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CountryRow::into_country).collect()
    }
}
