//! Country boundaries for the map, parsed once from the shipped Natural Earth file.

use std::sync::OnceLock;

use serde_json::Value;

/// One country's outline: polygons, each a list of rings of (longitude, latitude) points.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// ISO 3166-1 alpha-2 code (`-99` where Natural Earth has none).
    pub iso_a2: String,
    /// English name.
    pub name: String,
    /// Simplified Chinese name, where the file has one.
    pub name_zh: Option<String>,
    /// Polygons; the first ring of each is the outline, the others are holes.
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

fn ring(value: &Value) -> Vec<(f64, f64)> {
    value
        .as_array()
        .map(|points| {
            points
                .iter()
                .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn polygon(value: &Value) -> Vec<Vec<(f64, f64)>> {
    value
        .as_array()
        .map(|rings| rings.iter().map(ring).collect())
        .unwrap_or_default()
}

fn parse(text: &str) -> Vec<Boundary> {
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        tracing::error!("boundaries.unreadable");
        return Vec::new();
    };
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    features
        .iter()
        .filter_map(|f| {
            let props = f.get("properties")?;
            let geometry = f.get("geometry")?;
            let coordinates = geometry.get("coordinates")?;
            let polygons = match geometry.get("type")?.as_str()? {
                "Polygon" => vec![polygon(coordinates)],
                "MultiPolygon" => coordinates.as_array()?.iter().map(polygon).collect(),
                _ => return None,
            };
            Some(Boundary {
                iso_a2: props
                    .get("ISO_A2")
                    .and_then(Value::as_str)
                    .unwrap_or("-99")
                    .to_owned(),
                name: props
                    .get("NAME")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                name_zh: props
                    .get("NAME_ZH")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                polygons,
            })
        })
        .collect()
}

/// Every country outline in the shipped file.
pub fn boundaries() -> &'static [Boundary] {
    static BOUNDARIES: OnceLock<Vec<Boundary>> = OnceLock::new();
    BOUNDARIES.get_or_init(|| parse(crate::reference::file("boundaries/countries-110m.geojson")))
}

#[cfg(test)]
mod tests {
    use super::boundaries;

    #[test]
    fn the_shipped_boundaries_include_every_covered_country() {
        let all = boundaries();
        for code in ["CN", "TH", "VN", "ID", "MY", "PH", "MM", "KH", "LA", "BN"] {
            let b = all
                .iter()
                .find(|b| b.iso_a2 == code)
                .unwrap_or_else(|| panic!("no outline for {code}"));
            assert!(
                b.polygons
                    .iter()
                    .all(|p| p.first().is_some_and(|r| r.len() >= 4)),
                "{code} outline is empty"
            );
        }
    }
}
