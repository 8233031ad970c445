//! Plain row structs filled from SQL results by each backend, and their conversion into domain types. A row that
//! does not convert (a value the domain refuses) is reported as corrupt data, naming the table and id.

use mitra_domain::{
    Basis, City, CityId, Coordinates, Country, CountryCode, CrosswalkEntry, Direction, FocusArea,
    Indicator, IndicatorId, IndicatorKind, Network, Population, PopulationKind, PopulationPoint,
    Relation, Standard, StandardId,
};
use serde_json::{Value, json};

use crate::StoreError;

/// The `like` pattern that selects the networks a filter admits (network ids contain no wildcard characters).
pub(crate) fn network_pattern(filter: mitra_domain::NetworkFilter) -> String {
    match filter {
        mitra_domain::NetworkFilter::Only(network) => network.as_str().to_owned(),
        mitra_domain::NetworkFilter::AnyAscn => "ascn-%".to_owned(),
    }
}

fn corrupt(table: &str, id: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Other(anyhow::anyhow!("corrupt row in {table} ({id}): {error}"))
}

/// A `cities` row.
pub(crate) struct CityRow {
    pub id: String,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub name_local: Option<String>,
    pub local_lang: Option<String>,
    pub country: String,
    pub admin1: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub timezone: String,
    pub population: Option<i64>,
    pub population_year: Option<i64>,
    pub population_source: Option<String>,
    pub geonames_id: Option<i64>,
    pub wup_city_code: Option<i64>,
}

impl CityRow {
    /// Converts the row and the city's network ids into a [`City`].
    pub fn into_city(self, networks: &[String]) -> Result<City, StoreError> {
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
pub(crate) struct PopulationRow {
    pub year: i64,
    pub population: i64,
    pub kind: String,
    pub source: String,
}

impl PopulationRow {
    pub fn into_point(self, city: &str) -> Result<PopulationPoint, StoreError> {
        Ok(PopulationPoint {
            year: self.year as i32,
            count: u64::try_from(self.population)
                .map_err(|e| corrupt("city_populations", city, e))?,
            kind: PopulationKind::parse(&self.kind)
                .map_err(|e| corrupt("city_populations", city, e))?,
            source: self.source,
        })
    }
}

/// A `countries` row.
pub(crate) struct CountryRow {
    pub code: String,
    pub iso3: String,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub region: String,
}

impl CountryRow {
    pub fn into_country(self) -> Result<Country, StoreError> {
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

/// A `standards` row.
pub(crate) struct StandardRow {
    pub id: String,
    pub code: String,
    pub title: String,
    pub publisher: String,
    pub coverage_note: String,
    pub source: String,
}

impl StandardRow {
    pub fn into_standard(self) -> Result<Standard, StoreError> {
        Ok(Standard {
            id: StandardId::parse(&self.id).map_err(|e| corrupt("standards", &self.id, e))?,
            code: self.code,
            title: self.title,
            publisher: self.publisher,
            coverage_note: self.coverage_note,
            source: self.source,
        })
    }
}

/// An `indicators` row.
pub(crate) struct IndicatorRow {
    pub id: String,
    pub standard_id: String,
    pub code: String,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub title_en_origin: String,
    pub theme: String,
    pub sub_theme: Option<String>,
    pub kind: String,
    pub unit: Option<String>,
    pub unit_basis: Option<String>,
    pub parent_id: Option<String>,
    pub weight_percent: Option<f64>,
    pub direction: Option<String>,
    pub position: i64,
    pub source: String,
}

impl IndicatorRow {
    pub fn into_indicator(self) -> Result<Indicator, StoreError> {
        let bad = |e| corrupt("indicators", &self.id, e);
        Ok(Indicator {
            id: IndicatorId::parse(&self.id).map_err(bad)?,
            standard_id: StandardId::parse(&self.standard_id).map_err(bad)?,
            kind: IndicatorKind::parse(&self.kind).map_err(bad)?,
            parent_id: self
                .parent_id
                .as_deref()
                .map(IndicatorId::parse)
                .transpose()
                .map_err(bad)?,
            direction: self
                .direction
                .as_deref()
                .map(Direction::parse)
                .transpose()
                .map_err(bad)?,
            title_en_is_translation: self.title_en_origin == "translation",
            code: self.code,
            title_en: self.title_en,
            title_zh: self.title_zh,
            theme: self.theme,
            sub_theme: self.sub_theme,
            unit: self.unit,
            unit_basis: self.unit_basis,
            weight_percent: self.weight_percent,
            position: self.position,
            source: self.source,
        })
    }
}

/// A `crosswalk` row.
pub(crate) struct CrosswalkRow {
    pub from_indicator_id: String,
    pub to_indicator_id: String,
    pub relation: String,
    pub basis: String,
    pub note: String,
    pub source: String,
}

impl CrosswalkRow {
    pub fn into_entry(self) -> Result<CrosswalkEntry, StoreError> {
        let key = format!("{} {}", self.from_indicator_id, self.to_indicator_id);
        let bad = |e| corrupt("crosswalk", &key, e);
        Ok(CrosswalkEntry {
            from: IndicatorId::parse(&self.from_indicator_id).map_err(bad)?,
            to: IndicatorId::parse(&self.to_indicator_id).map_err(bad)?,
            relation: Relation::parse(&self.relation).map_err(bad)?,
            basis: Basis::parse(&self.basis).map_err(bad)?,
            note: self.note,
            source: self.source,
        })
    }
}

/// A `focus_areas` row.
pub(crate) struct FocusAreaRow {
    pub id: String,
    pub name_en: String,
    pub source: String,
}

impl FocusAreaRow {
    pub fn into_focus_area(self) -> FocusArea {
        FocusArea {
            id: self.id,
            name_en: self.name_en,
            source: self.source,
        }
    }
}

// JSON snapshots for the audit log's before/after. They list every stored field, so two equal snapshots mean the
// row would not change.

pub(crate) fn country_json(c: &Country) -> Value {
    json!({"code": c.code.as_str(), "iso3": c.iso3, "name_en": c.name_en, "name_zh": c.name_zh, "region": c.region})
}

pub(crate) fn city_json(c: &City) -> Value {
    json!({
        "id": c.id.as_str(), "name_en": c.name_en, "name_zh": c.name_zh,
        "name_local": c.name_local.as_ref().map(|(n, _)| n), "local_lang": c.name_local.as_ref().map(|(_, l)| l),
        "country": c.country.as_str(), "admin1": c.admin1,
        "latitude": c.location.latitude, "longitude": c.location.longitude, "timezone": c.timezone,
        "population": c.population.as_ref().map(|p| p.count),
        "population_year": c.population.as_ref().and_then(|p| p.year),
        "population_source": c.population.as_ref().map(|p| &p.source),
        "networks": c.networks.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        "geonames_id": c.geonames_id, "wup_city_code": c.wup_city_code,
    })
}

pub(crate) fn populations_json(points: &[&PopulationPoint]) -> Value {
    Value::Array(
        points
            .iter()
            .map(|p| json!({"year": p.year, "population": p.count, "kind": p.kind.as_str(), "source": p.source}))
            .collect(),
    )
}

pub(crate) fn standard_json(s: &Standard) -> Value {
    json!({
        "id": s.id.as_str(), "code": s.code, "title": s.title, "publisher": s.publisher,
        "coverage_note": s.coverage_note, "source": s.source,
    })
}

pub(crate) fn indicator_json(i: &Indicator) -> Value {
    json!({
        "id": i.id.as_str(), "standard_id": i.standard_id.as_str(), "code": i.code, "title_en": i.title_en,
        "title_zh": i.title_zh, "title_en_origin": title_en_origin(i), "theme": i.theme, "sub_theme": i.sub_theme,
        "kind": i.kind.as_str(), "unit": i.unit, "unit_basis": i.unit_basis, "parent_id": i.parent_id.as_ref().map(|p| p.as_str()),
        "weight_percent": i.weight_percent, "direction": i.direction.map(|d| d.as_str()), "position": i.position, "source": i.source,
    })
}

pub(crate) fn title_en_origin(i: &Indicator) -> &'static str {
    if i.title_en_is_translation {
        "translation"
    } else {
        "published"
    }
}

pub(crate) fn crosswalk_json(e: &CrosswalkEntry) -> Value {
    json!({
        "from": e.from.as_str(), "to": e.to.as_str(), "relation": e.relation.as_str(),
        "basis": e.basis.as_str(), "note": e.note, "source": e.source,
    })
}

pub(crate) fn focus_area_json(f: &FocusArea, position: usize) -> Value {
    json!({"id": f.id, "name_en": f.name_en, "position": position, "source": f.source})
}
