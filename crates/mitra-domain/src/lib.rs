//! Mitra's domain: what the platform is about — cities, countries, indicator standards, crosswalks between them —
//! and the rules that decide whether a value is valid.
//!
//! This crate is pure: no I/O, no async, no SQL, no HTTP. Everything that enters Mitra is parsed into these types at
//! the edge (`parse(raw) -> Result<Self, ValidationError>`), so the layers above only ever hold valid values.

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
pub use error::ValidationError;
pub use ids::{CityId, CountryCode, IndicatorId, StandardId};
pub use language::Language;
pub use observation::{NewObservation, Observation, ObservationStatus};
pub use observation_batch::{BatchRow, ObservationBatch};
pub use page::{Cursor, PageRequest};
pub use standard::{
    Basis, CrosswalkEntry, Direction, FocusArea, Indicator, IndicatorKind, Relation, Standard,
    StandardSummary,
};
