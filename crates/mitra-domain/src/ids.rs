//! Identifiers. Each is a newtype that can only hold a valid value; all of them are stable once published because
//! they appear in URLs, the API and import files.

use std::fmt;

use serde::Serialize;

use crate::{Reason, ValidationError};

/// Longest identifier accepted anywhere; longer input is refused rather than truncated.
pub const MAX_ID_LEN: usize = 100;

/// The slugs [`is_slug`] accepts, as a JSON Schema pattern (ECMA-262), for the API's contract; with at most
/// [`MAX_ID_LEN`] characters it accepts exactly the same strings.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// The ids Mitra makes ([`is_uuid`]), as a JSON Schema pattern: a UUID in its hyphenated lower-case form.
pub const UUID_PATTERN: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// Indicator ids as Mitra writes them, as a JSON Schema pattern: `<standard>:<code>`, with at most [`MAX_ID_LEN`]
/// characters. [`IndicatorId::parse`] also takes whitespace inside the code, and removes it.
pub const INDICATOR_ID_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*:[A-Za-z0-9.:_-]+$";

/// Whether `raw` is a slug: 1 to [`MAX_ID_LEN`] lower-case ASCII letters, digits and single inner dashes.
pub(crate) fn is_slug(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= MAX_ID_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !raw.starts_with('-')
        && !raw.ends_with('-')
        && !raw.contains("--")
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A city's id: the slug of its English name (`kuala-lumpur`), with the province added where two cities share a
    /// name (`suzhou-jiangsu`).
    CityId
);

impl CityId {
    /// Accepts a slug of lower-case ASCII letters, digits and single inner dashes.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if is_slug(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                "city",
                Reason::not_a_city_id(clip(raw)),
            ))
        }
    }
}

string_id!(
    /// A standard's id (`iso37120-2014`, `u4ssc`, `gbt33356-2016`).
    StandardId
);

impl StandardId {
    /// Accepts a slug of lower-case ASCII letters, digits and single inner dashes.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if is_slug(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                "standard",
                Reason::not_a_standard_id(clip(raw)),
            ))
        }
    }
}

/// An indicator's id: `<standard>:<code>`, the code as the standard publishes it with whitespace removed
/// (`iso37120-2014:8.1`, `u4ssc:EN:EN:AQ:1C`), at most [`MAX_ID_LEN`] characters in all.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IndicatorId(String);

impl IndicatorId {
    /// Builds the id of `code` in `standard`, removing whitespace from the code (`"EN: EN: AQ: 1C"` → `EN:EN:AQ:1C`).
    pub fn new(standard: &StandardId, code: &str) -> Result<Self, ValidationError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let valid_code = !code.is_empty()
            && standard.as_str().len() + 1 + code.len() <= MAX_ID_LEN
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_'));
        if !valid_code {
            return Err(ValidationError::new(
                "indicator",
                Reason::not_an_indicator_code(clip(&code)),
            ));
        }
        Ok(Self(format!("{standard}:{code}")))
    }

    /// Parses `<standard>:<code>`; whitespace inside the code is removed.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let bad = || ValidationError::new("indicator", Reason::not_an_indicator_id(clip(raw)));
        let (standard, code) = raw.trim().split_once(':').ok_or_else(bad)?;
        let standard = StandardId::parse(standard).map_err(|_| bad())?;
        Self::new(&standard, code).map_err(|_| bad())
    }

    /// The standard part of the id.
    pub fn standard(&self) -> &str {
        self.0.split_once(':').map_or("", |(standard, _)| standard)
    }

    /// The code part of the id, as published (without whitespace).
    pub fn code(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, code)| code)
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 3166-1 alpha-2 country code, upper-case (`TH`, `CN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts two ASCII letters in either case.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(ValidationError::new(
                "country",
                Reason::not_a_country(clip(raw)),
            )),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Ids read back from stored JSON go through the same checks as ids typed by a user.
macro_rules! deserialize_by_parse {
    ($($name:ident),*) => {$(
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

deserialize_by_parse!(CityId, StandardId, IndicatorId, CountryCode);

/// Whether `raw` is a UUID in its hyphenated lower-case form, as Mitra writes the ids it makes.
pub(crate) fn is_uuid(raw: &str) -> bool {
    raw.len() == 36
        && raw.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit() && !c.is_ascii_uppercase(),
        })
}

/// The ids as OpenAPI schemas: strings of the pattern their parser takes.
#[cfg(feature = "openapi")]
mod schemas {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

    use super::{INDICATOR_ID_PATTERN, MAX_ID_LEN, SLUG_PATTERN};

    macro_rules! string_schema {
        ($($name:ty => ($pattern:expr, $example:literal)),+ $(,)?) => {$(
            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some($pattern))
                        .max_length(Some(MAX_ID_LEN))
                        .examples([$example])
                        .into()
                }
            }

            impl utoipa::ToSchema for $name {}
        )+};
    }

    string_schema! {
        super::CityId => (SLUG_PATTERN, "kuala-lumpur"),
        super::StandardId => (SLUG_PATTERN, "iso37120-2014"),
        super::IndicatorId => (INDICATOR_ID_PATTERN, "iso37120-2014:8.1"),
        crate::entry::EntryId => (SLUG_PATTERN, "bangkok-flood-tunnels"),
    }
}

/// Shortens user input quoted back in an error message.
pub fn clip(raw: &str) -> String {
    const MAX: usize = 60;
    if raw.chars().count() <= MAX {
        raw.to_owned()
    } else {
        let mut s: String = raw.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_ids_are_slugs() {
        assert!(CityId::parse("kuala-lumpur").is_ok());
        assert!(CityId::parse("suzhou-jiangsu").is_ok());
        for bad in [
            "",
            "Kuala-Lumpur",
            "kuala lumpur",
            "-x",
            "x-",
            "a--b",
            "南宁",
        ] {
            let err = CityId::parse(bad).expect_err(bad);
            assert_eq!(err.field, "city");
        }
    }

    #[test]
    fn indicator_ids_drop_whitespace_from_the_code() {
        let id = IndicatorId::parse("u4ssc:EN: EN: AQ: 1C").expect("valid");
        assert_eq!(id.as_str(), "u4ssc:EN:EN:AQ:1C");
        assert_eq!(id.standard(), "u4ssc");
        assert_eq!(id.code(), "EN:EN:AQ:1C");
        assert_eq!(
            IndicatorId::parse("iso37120-2014:8.1")
                .expect("valid")
                .code(),
            "8.1"
        );
    }

    #[test]
    fn indicator_ids_need_a_standard_and_a_code() {
        for bad in [
            "8.1",
            "iso37120-2014:",
            ":8.1",
            "ISO:8.1",
            "iso37120-2014:8/1",
        ] {
            assert!(IndicatorId::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn country_codes_are_upper_cased_two_letters() {
        assert_eq!(CountryCode::parse("th").expect("valid").as_str(), "TH");
        assert!(CountryCode::parse("THA").is_err());
        assert!(CountryCode::parse("1A").is_err());
    }
}
