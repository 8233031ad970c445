//! The JSON API under `/api/v1`: resources as `{"city": {…}}`, collections as `{"cities": […], "next_cursor": …}`,
//! localized text as `{"en": "…", "zh-Hans": "…"}`, errors as RFC 9457 problem details. Every handler carries a
//! `utoipa::path` annotation, which is also what the router routes it by; its error statuses name the reusable
//! responses of [`problems`], and the document adds those of the write check and the JSON body itself. The OpenAPI
//! document is snapshot-tested.

pub mod account;
pub mod analytics;
pub mod cities;
pub mod entries;
pub mod interests;
pub mod matches;
pub mod observations;
pub mod openapi;
pub mod opportunities;
pub mod orgs;
pub mod params;
pub mod partners;
pub mod partnerships;
pub mod problems;
pub mod standards;

use std::collections::BTreeMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use mitra_service::domain::Reason;
use serde::Deserialize as _;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A time as the API writes it: RFC 3339.
pub(crate) fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The pairs of a query string, in order; a malformed one is refused naming the query.
pub(crate) fn query_pairs(
    query: Option<&str>,
) -> Result<Vec<(String, String)>, mitra_service::domain::ValidationError> {
    serde_urlencoded::from_str(query.unwrap_or("")).map_err(|e| {
        mitra_service::domain::ValidationError::new("query", Reason::not_a_query_string(e))
    })
}

/// The reader's language from a `lang` pair (`en`, `zh-Hans`, `th`…); English without one.
pub(crate) fn content_language(
    pairs: &[(String, String)],
) -> Result<mitra_service::domain::ContentLanguage, mitra_service::domain::ValidationError> {
    match pairs
        .iter()
        .rev()
        .find(|(k, v)| k == "lang" && !v.is_empty())
    {
        Some((_, raw)) => mitra_service::domain::ContentLanguage::parse(raw),
        None => Ok(mitra_service::domain::ContentLanguage::En),
    }
}

/// Reads a whole number as JSON Schema counts one, `3` or `3.0`: a body field the document types as an integer.
pub(crate) fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error as _;
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    });
    whole
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| D::Error::custom(format!("{number} is not a whole number in range")))
}

/// [`whole`] for a field that may be absent or null.
pub(crate) fn optional_whole<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    #[derive(serde::Deserialize)]
    struct Whole<T: TryFrom<i64>>(#[serde(deserialize_with = "whole")] T);
    Ok(Option::<Whole<T>>::deserialize(deserializer)?.map(|Whole(n)| n))
}

/// Text in several languages, keyed by BCP 47 tag.
pub type LocalizedText = BTreeMap<String, String>;

/// A query string parsed into `T`; a malformed one is a 400 problem naming the query.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::bad_parameter("query", e.body_text()))
    }
}

/// A JSON request body; a malformed one is a 400 problem saying what is wrong with it, one without a JSON
/// `Content-Type` a 415, and one over the body limit a 413.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(v)| ApiJson(v))
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::too_large(crate::router::BODY_LIMIT_BYTES, "send a smaller body")
                }
                StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                    ApiError::unsupported_media_type("application/json")
                }
                // Syntax and data errors alike are the caller's body to correct: 400, as every handler documents.
                _ => ApiError::bad_parameter("body", rejection.body_text()),
            })
    }
}

/// Fallback for addresses under `/api/v1` that do not exist.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::no_route(uri.path())
}

/// The answer to a method the endpoint at its address does not have: a problem, with the `Allow` header.
pub async fn method_not_allowed(method: axum::http::Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(&method, uri.path())
}
