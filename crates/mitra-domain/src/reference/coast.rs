//! Parser for the shipped distances to the sea coast (`cities/city_coast.csv`: `city_id, coast_km`), computed by
//! `data/tools/build_coast_distances.py` from Natural Earth's 1:10m land polygons (public domain): how far each
//! city's point lies from the nearest sea coastline, so that coastal cities can be told from inland ones.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{CsvRows, RowError};
use crate::CityId;

/// Where the shipped distances come from.
pub const COAST_SOURCE: &str =
    "Natural Earth 1:10m land 4.1.0 (public domain), via world-atlas 2.0.2 (ISC)";

/// A city whose point is at most this many kilometres from the sea coastline is coastal.
pub const COASTAL_KM: f64 = 50.0;

/// A city's relation to the sea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coast {
    /// At most [`COASTAL_KM`] from the sea coast.
    Coastal,
    /// Farther.
    Inland,
}

impl Coast {
    /// The relation of a city `km` from the coast.
    pub fn of(km: f64) -> Self {
        if km <= COASTAL_KM {
            Coast::Coastal
        } else {
            Coast::Inland
        }
    }

    /// The stable id (`coastal`, `inland`).
    pub fn as_str(self) -> &'static str {
        match self {
            Coast::Coastal => "coastal",
            Coast::Inland => "inland",
        }
    }
}

/// Each city's distance to the sea coast, in kilometres.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoastDistances {
    km: BTreeMap<CityId, f64>,
}

impl CoastDistances {
    /// The distance of `city` to the sea coast, when known.
    pub fn km(&self, city: &CityId) -> Option<f64> {
        self.km.get(city).copied()
    }

    /// How many cities have a distance.
    pub fn len(&self) -> usize {
        self.km.len()
    }

    /// Whether no city has one.
    pub fn is_empty(&self) -> bool {
        self.km.is_empty()
    }
}

/// Reads the distances; a bad city id, or a distance that is not a finite number of kilometres at least 0, is
/// refused by line.
pub fn parse_coast_distances(file: &str, text: &str) -> Result<CoastDistances, RowError> {
    let mut out = CoastDistances::default();
    CsvRows::new(file, text, &["city_id", "coast_km"])?.for_each(|row| {
        let id = CityId::parse(row.required("city_id")?).map_err(|e| row.invalid("city_id", e))?;
        let km = row
            .required("coast_km")?
            .parse::<f64>()
            .ok()
            .filter(|km| km.is_finite() && *km >= 0.0)
            .ok_or_else(|| row.error("coast_km", "must be a number of kilometres, 0 or more"))?;
        out.km.insert(id, km);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_kilometres_is_still_coastal() {
        let d = parse_coast_distances(
            "c.csv",
            "city_id,coast_km\nbangkok,14.5\nhanoi,83.1\nx,50.0\n",
        )
        .expect("parses");
        let id = |s: &str| CityId::parse(s).expect("id");
        assert_eq!(d.km(&id("bangkok")).map(Coast::of), Some(Coast::Coastal));
        assert_eq!(d.km(&id("hanoi")).map(Coast::of), Some(Coast::Inland));
        assert_eq!(d.km(&id("x")).map(Coast::of), Some(Coast::Coastal));
        assert_eq!(d.km(&id("kunming")), None);
    }

    #[test]
    fn a_bad_distance_is_named() {
        for bad in ["-1", "far", "NaN", ""] {
            let err = parse_coast_distances("c.csv", &format!("city_id,coast_km\nbangkok,{bad}\n"))
                .expect_err(bad);
            assert_eq!((err.line, err.field.as_str()), (2, "coast_km"), "{bad}");
        }
    }
}
