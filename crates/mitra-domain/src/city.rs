//! Cities, the countries they are in, and the networks that bring them together.

use std::collections::BTreeSet;
use std::fmt;

use crate::{CityId, CountryCode, Language, Reason, ValidationError};

/// A network a city belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Network {
    /// One of the 26 pilot cities of the ASEAN Smart Cities Network (2018).
    AscnPilot2018,
    /// A city that joined the ASEAN Smart Cities Network in 2024.
    Ascn2024,
    /// One of the eight Chinese cities the 2019 ASEAN–China statement names as partners.
    ChinaPartner,
}

impl Network {
    /// Every network, in display order.
    pub const ALL: [Network; 3] = [
        Network::AscnPilot2018,
        Network::Ascn2024,
        Network::ChinaPartner,
    ];

    /// The id used in data files, URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::AscnPilot2018 => "ascn-pilot-2018",
            Network::Ascn2024 => "ascn-2024",
            Network::ChinaPartner => "cn-partner",
        }
    }

    /// Parses a network id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|n| n.as_str() == raw.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "network",
                    Reason::not_one_of(
                        crate::ids::clip(raw),
                        "ascn-pilot-2018, ascn-2024, cn-partner",
                    ),
                )
            })
    }

    /// Whether the network is the ASEAN Smart Cities Network (either cohort).
    pub fn is_ascn(self) -> bool {
        matches!(self, Network::AscnPilot2018 | Network::Ascn2024)
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which networks a city list should keep: one network, or both ASCN cohorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFilter {
    /// Members of this network.
    Only(Network),
    /// Members of the ASEAN Smart Cities Network, whichever cohort (`ascn`).
    AnyAscn,
}

impl NetworkFilter {
    /// Parses `ascn` or a network id.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.trim() == "ascn" {
            return Ok(NetworkFilter::AnyAscn);
        }
        Network::parse(raw).map(NetworkFilter::Only).map_err(|_| {
            ValidationError::new(
                "network",
                Reason::not_one_of(
                    crate::ids::clip(raw),
                    "ascn, ascn-pilot-2018, ascn-2024, cn-partner",
                ),
            )
        })
    }

    /// The filter's id as it appears in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkFilter::Only(network) => network.as_str(),
            NetworkFilter::AnyAscn => "ascn",
        }
    }

    /// Whether a member of `network` passes the filter.
    pub fn admits(self, network: Network) -> bool {
        match self {
            NetworkFilter::Only(only) => only == network,
            NetworkFilter::AnyAscn => network.is_ascn(),
        }
    }
}

/// A point on the earth in WGS 84 decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    /// Latitude, −90 to 90.
    pub latitude: f64,
    /// Longitude, −180 to 180.
    pub longitude: f64,
}

impl Coordinates {
    /// Accepts finite latitude and longitude within their ranges.
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, ValidationError> {
        if !latitude.is_finite() || !(-90.0..=90.0).contains(&latitude) {
            return Err(ValidationError::new(
                "latitude",
                Reason::number_between(-90, 90),
            ));
        }
        if !longitude.is_finite() || !(-180.0..=180.0).contains(&longitude) {
            return Err(ValidationError::new(
                "longitude",
                Reason::number_between(-180, 180),
            ));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }
}

/// A population figure with the year it refers to (when the source states one) and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    /// Number of inhabitants.
    pub count: u64,
    /// The year the figure refers to; `None` when the source does not say.
    pub year: Option<i32>,
    /// Who published the figure.
    pub source: String,
}

/// Whether a population figure was estimated for a past year or projected for a future one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopulationKind {
    /// An estimate for a past year.
    Estimate,
    /// A projection made before the year.
    Projection,
}

impl PopulationKind {
    /// The id used in data files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PopulationKind::Estimate => "estimate",
            PopulationKind::Projection => "projection",
        }
    }

    /// Parses `estimate` or `projection`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "estimate" => Ok(PopulationKind::Estimate),
            "projection" => Ok(PopulationKind::Projection),
            _ => Err(ValidationError::new(
                "kind",
                Reason::not_one_of(crate::ids::clip(raw), "estimate, projection"),
            )),
        }
    }
}

/// One value of a city's population series.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationPoint {
    /// The year.
    pub year: i32,
    /// Number of inhabitants.
    pub count: u64,
    /// Estimate or projection.
    pub kind: PopulationKind,
    /// Who published the figure.
    pub source: String,
}

/// A city with everything Mitra knows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// The city's id.
    pub id: CityId,
    /// English name.
    pub name_en: String,
    /// Simplified Chinese name, where a source gives one.
    pub name_zh: Option<String>,
    /// Name in the national language and that language's tag (`th`, `vi`…), where a source gives one.
    pub name_local: Option<(String, String)>,
    /// The country.
    pub country: CountryCode,
    /// Province or state, in English, where known.
    pub admin1: Option<String>,
    /// Where the city is.
    pub location: Coordinates,
    /// IANA time zone (`Asia/Bangkok`).
    pub timezone: String,
    /// The headline population figure.
    pub population: Option<Population>,
    /// The networks the city belongs to.
    pub networks: BTreeSet<Network>,
    /// GeoNames id of the matched place, where one was matched.
    pub geonames_id: Option<i64>,
    /// UN World Urbanization Prospects city code, for cities in that file.
    pub wup_city_code: Option<i64>,
}

impl City {
    /// The name to show a reader of `language`: the Chinese name for Chinese readers, the local name for readers of
    /// the city's local language (Thai names for Thai readers), where known; English otherwise.
    pub fn display_name(&self, language: Language) -> &str {
        self.name_in(language).unwrap_or(&self.name_en)
    }

    /// The language [`City::display_name`] is actually in for a reader of `language`.
    pub fn display_name_language(&self, language: Language) -> Language {
        if self.name_in(language).is_some() {
            language
        } else {
            Language::En
        }
    }

    /// The city's name in `language` when Mitra knows it.
    fn name_in(&self, language: Language) -> Option<&str> {
        match language {
            Language::En => Some(&self.name_en),
            Language::ZhHans => self.name_zh.as_deref(),
            other => self
                .name_local
                .as_ref()
                .filter(|(_, tag)| Language::of_tag(tag) == Some(other))
                .map(|(name, _)| name.as_str()),
        }
    }

    /// Whether the city is in the ASEAN Smart Cities Network (either cohort).
    pub fn is_ascn(&self) -> bool {
        self.networks.iter().any(|n| n.is_ascn())
    }
}

/// The short form of a city used in lists and on the map.
pub type CitySummary = City;

/// Which cities a list should contain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CityFilter {
    /// Only cities in this country.
    pub country: Option<CountryCode>,
    /// Only members of this network (or of either ASCN cohort).
    pub network: Option<NetworkFilter>,
    /// Only cities whose English or Chinese name contains this text (case-insensitive for English).
    pub name: Option<String>,
}

impl CityFilter {
    /// Parses the `country`, `network` and `q` query parameters; empty values mean "no filter".
    pub fn parse(
        country: Option<&str>,
        network: Option<&str>,
        q: Option<&str>,
    ) -> Result<Self, ValidationError> {
        fn non_empty(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let country = non_empty(country).map(CountryCode::parse).transpose()?;
        let network = non_empty(network).map(NetworkFilter::parse).transpose()?;
        let name = match non_empty(q) {
            Some(q) if q.chars().count() > 100 => {
                return Err(ValidationError::new("q", Reason::too_long(100)));
            }
            other => other.map(str::to_owned),
        };
        Ok(Self {
            country,
            network,
            name,
        })
    }
}

/// A country Mitra covers, with its names and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: CountryCode,
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// English name.
    pub name_en: String,
    /// Simplified Chinese name.
    pub name_zh: Option<String>,
    /// `asean` or `china`.
    pub region: String,
}

impl Country {
    /// The name to show a reader of `language`: Chinese for Chinese readers where known, English otherwise.
    pub fn display_name(&self, language: Language) -> &str {
        match language {
            Language::ZhHans => self.name_zh.as_deref().unwrap_or(&self.name_en),
            _ => &self.name_en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_outside_the_globe_are_refused() {
        assert!(Coordinates::new(13.75, 100.5).is_ok());
        assert_eq!(
            Coordinates::new(91.0, 0.0).expect_err("lat").field,
            "latitude"
        );
        assert_eq!(
            Coordinates::new(0.0, f64::NAN).expect_err("lon").field,
            "longitude"
        );
    }

    #[test]
    fn networks_parse_from_their_ids_only() {
        for n in Network::ALL {
            assert_eq!(Network::parse(n.as_str()), Ok(n));
        }
        assert_eq!(
            Network::parse("ascn").expect_err("unknown").field,
            "network"
        );
    }

    #[test]
    fn a_city_filter_names_the_bad_parameter() {
        assert_eq!(
            CityFilter::parse(Some("THA"), None, None)
                .expect_err("country")
                .field,
            "country"
        );
        assert_eq!(
            CityFilter::parse(None, Some("x"), None)
                .expect_err("network")
                .field,
            "network"
        );
        let f = CityFilter::parse(Some("th"), Some(""), Some(" ")).expect("valid");
        assert_eq!(f.country.map(|c| c.to_string()), Some("TH".into()));
        assert_eq!(f.network, None);
        assert_eq!(f.name, None);
    }

    #[test]
    fn the_ascn_filter_admits_both_cohorts_only() {
        let any = NetworkFilter::parse("ascn").expect("ascn");
        assert!(any.admits(Network::AscnPilot2018) && any.admits(Network::Ascn2024));
        assert!(!any.admits(Network::ChinaPartner));
        let partner = NetworkFilter::parse("cn-partner").expect("partner");
        assert!(partner.admits(Network::ChinaPartner) && !partner.admits(Network::Ascn2024));
        assert_eq!(
            NetworkFilter::parse("asc").expect_err("unknown").field,
            "network"
        );
    }
}
