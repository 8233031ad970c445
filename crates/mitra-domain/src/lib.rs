//! Mitra's domain: what the platform is about — cities, countries, indicator standards, crosswalks between them —
//! and the rules that decide whether a value is valid.
//!
//! This crate is pure: no I/O, no async, no SQL, no HTTP. Everything that enters Mitra is parsed into these types at
//! the edge (`parse(raw) -> Result<Self, ValidationError>`), so the layers above only ever hold valid values.

/// Declares a closed set of values, each with its stable id: the enum, `ALL`, `as_str`, `parse` (naming the field
/// its errors carry and the accepted ids), `Display` and `Serialize` (as the id).
macro_rules! enum_ids {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($(#[$vmeta:meta])* $variant:ident => $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The id used in the store, URLs and the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id),+
                }
            }

            /// Parses an id.
            pub fn parse(raw: &str) -> Result<Self, $crate::ValidationError> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw.trim()).ok_or_else(|| {
                    let ids: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::ValidationError::new($field, $crate::Reason::not_one_of($crate::ids::clip(raw), ids.join(", ")))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

pub mod access;
pub mod account;
pub mod assessment;
pub mod city;
pub mod entry;
pub mod entry_import;
pub mod error;
pub mod fx;
pub mod ical;
pub mod ids;
pub mod import_source;
pub mod interest;
pub mod language;
pub mod matching;
pub mod observation;
pub mod observation_batch;
pub mod opportunity;
pub mod page;
pub mod panel;
pub mod partners;
pub mod partnership;
pub mod peers;
pub mod profile;
pub mod reference;
pub mod similarity;
pub mod slug;
pub mod standard;
pub mod text;
pub mod unit;

pub use access::{AccountActor, Actor, Denied};
pub use account::{
    Account, AccountId, Email, MemberRole, Membership, ModerationStatus, OrgId, OrgKind,
    OrgProfile, Organisation, PlatformRole, TokenScope,
};
pub use city::{
    City, CityFilter, CitySummary, Coordinates, Country, Network, NetworkFilter, Population,
    PopulationKind, PopulationPoint,
};
pub use entry::{ContentLanguage, Details, Entry, EntryId, EntryKind, EntryText, TextOrigin};
pub use error::{REASONS, Reason, ValidationError};
pub use ids::{CityId, CountryCode, IndicatorId, StandardId};
pub use language::Language;
pub use observation::{NewObservation, Observation, ObservationStatus};
pub use observation_batch::{BatchRow, ObservationBatch};
pub use page::{Cursor, PageRequest};
pub use standard::{
    Basis, CrosswalkEntry, Direction, FocusArea, Indicator, IndicatorKind, Relation, Standard,
    StandardSummary,
};
