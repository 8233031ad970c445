//! `/api/v1/search`, `/api/v1/search/suggest` and `/api/v1/entries/{id}`: the knowledge exchange.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use mitra_service::domain::{Entry, EntryId, OrgId};
use mitra_service::{
    Found, Mitra, SearchPage, SearchRequest, Seats, Standing, StoredEntry, UnknownParameters,
    dimension_name,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::problems::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
};
use super::{ApiJson, ApiQuery, rfc3339};
use crate::auth::Auth;
use crate::error::ApiError;

/// The query of a search. Filters may repeat: values of one filter are alternatives, different filters all apply.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the parameters; the handler reads the raw query so that filters may repeat"
)]
pub struct SearchParams {
    /// What to look for, in any language; empty for every entry.
    #[param(max_length = 500)]
    q: Option<String>,
    /// Hits to skip (at most 10 000).
    #[param(value_type = Option<params::SearchOffset>, inline)]
    offset: Option<usize>,
    /// Hits per page, 1 to 100 (default 20).
    #[param(value_type = Option<params::SearchLimit>, inline)]
    limit: Option<usize>,
    /// The reader's language (`en`, `zh-Hans`, `th`…): titles and snippets are shown in it where the entry has it.
    #[param(value_type = Option<params::ContentLang>, inline)]
    lang: Option<String>,
    /// Entry kind: practice, innovation, solution, project, funding, training, event.
    #[param(value_type = Option<params::Kind>, inline)]
    kind: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[param(max_length = 100)]
    country: Option<String>,
    /// City id.
    #[param(max_length = 100)]
    city: Option<String>,
    /// ASCN focus area id.
    #[param(max_length = 100)]
    focus_area: Option<String>,
    /// One of the statement's challenges (`air-pollution`, `congestion`…).
    #[param(max_length = 100)]
    challenge: Option<String>,
    /// A language the entry is written in.
    #[param(max_length = 100)]
    language: Option<String>,
    /// The entry's year.
    #[param(max_length = 100)]
    year: Option<String>,
}

/// An entry as the API gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryResponse {
    /// The entry: `id`, `texts` (per language, with `origin`), `cities`, `organisations`, `challenges`,
    /// `focus_areas`, `sdgs`, `indicators`, `tags`, `year_from`, `year_to`, `sources` (each with `title`, `url` and
    /// `retrieved`, the date it was read), `example` (demonstration content, not a current offer or call: taken
    /// from its sources, or made up when it has none), and `details` whose `kind` says which fields follow.
    #[schema(value_type = Entry)]
    entry: serde_json::Value,
    /// The publishing organisation's id; null for entries shipped with the platform.
    owner_org: Option<String>,
    /// `approved` (public), `pending` (waiting for a platform admin; only its editors see it) or `rejected`.
    status: &'static str,
    /// Why a platform admin rejected it.
    #[serde(skip_serializing_if = "Option::is_none")]
    rejection_reason: Option<String>,
    /// RFC 3339.
    created_at: String,
    /// RFC 3339.
    updated_at: String,
}

impl From<&StoredEntry> for EntryResponse {
    fn from(stored: &StoredEntry) -> Self {
        Self {
            entry: serde_json::to_value(&stored.entry).unwrap_or_default(),
            owner_org: stored.owner_org.as_ref().map(ToString::to_string),
            status: stored.status.as_str(),
            rejection_reason: stored.rejection_reason.clone(),
            created_at: rfc3339(stored.created_at),
            updated_at: rfc3339(stored.updated_at),
        }
    }
}

/// `{"entry": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryEnvelope {
    entry: EntryResponse,
}

/// One hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitResponse {
    id: String,
    /// The entry's kind.
    kind: String,
    /// BM25 relevance.
    score: f32,
    /// The language of `title_html` and `snippet_html`.
    lang: String,
    /// The title, HTML-escaped, with the words found in `<mark>`.
    title_html: String,
    /// A passage, HTML-escaped, with the words found in `<mark>`.
    snippet_html: String,
}

/// A facet value and how many matching entries have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    value: String,
    count: u64,
}

/// One dimension's facet values.
#[derive(Debug, Serialize, ToSchema)]
pub struct Facet {
    /// `kind`, `country`, `city`, `focus_area`, `challenge`, `language` or `year`: also the filter's parameter name.
    dimension: String,
    values: Vec<FacetCount>,
}

/// A page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// How many entries match in all.
    total: usize,
    offset: usize,
    limit: usize,
    hits: Vec<HitResponse>,
    facets: Vec<Facet>,
    /// The thesaurus's concepts the words name: entries that name them in any language were found too.
    concepts: Vec<SearchConcept>,
}

/// A concept of the thesaurus (`data/thesaurus/smart-city.jsonld`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchConcept {
    /// The concept's id, e.g. `flood-control`.
    id: String,
    /// Its preferred label in each language that has one, by BCP 47 tag.
    labels: std::collections::BTreeMap<String, String>,
}

impl From<&SearchPage> for SearchResponse {
    fn from(page: &SearchPage) -> Self {
        Self {
            total: page.total,
            offset: page.offset,
            limit: page.limit,
            hits: page
                .found
                .iter()
                .map(|Found { hit, stored }| HitResponse {
                    id: hit.id.clone(),
                    kind: stored.entry.kind().tag().to_owned(),
                    score: hit.score,
                    lang: hit.lang.clone(),
                    title_html: hit.title_html.clone(),
                    snippet_html: hit.snippet_html.clone(),
                })
                .collect(),
            facets: page
                .facets
                .iter()
                .map(|(dimension, values)| Facet {
                    dimension: dimension_name(*dimension).to_owned(),
                    values: values
                        .iter()
                        .map(|(value, count)| FacetCount {
                            value: value.clone(),
                            count: *count,
                        })
                        .collect(),
                })
                .collect(),
            concepts: page
                .concepts
                .iter()
                .filter_map(|id| mitra_service::Thesaurus::shipped().concept(id))
                .map(|concept| SearchConcept {
                    id: concept.id.clone(),
                    labels: concept
                        .labels
                        .iter()
                        .filter(|label| label.preferred)
                        .map(|label| (label.lang.clone(), label.text.clone()))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Search the knowledge exchange's entries, in any of Mitra's languages, with facet counts.
#[utoipa::path(get, path = "/api/v1/search", tag = "knowledge", params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 400, response = BadRequest)))]
pub async fn search(
    State(mitra): State<Mitra>,
    uri: Uri,
) -> Result<Json<SearchResponse>, ApiError> {
    let request = SearchRequest::parse(uri.query(), 20, UnknownParameters::Refuse)?;
    let page = mitra.search(&request).await?;
    Ok(Json(SearchResponse::from(&page)))
}

/// The query of a suggestion.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What has been typed so far.
    q: String,
    /// How many suggestions, 1 to 20 (default 8).
    #[param(minimum = 1, maximum = 20)]
    limit: Option<usize>,
}

/// `{"suggestions": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestResponse {
    /// Completions of the last word typed, each with what came before it, most frequent first.
    suggestions: Vec<String>,
}

/// Complete what has been typed into the search box.
#[utoipa::path(get, path = "/api/v1/search/suggest", tag = "knowledge", params(SuggestParams),
    responses((status = 200, body = SuggestResponse), (status = 400, response = BadRequest)))]
pub async fn suggest(
    State(mitra): State<Mitra>,
    ApiQuery(params): ApiQuery<SuggestParams>,
) -> Result<Json<SuggestResponse>, ApiError> {
    let suggestions = mitra.suggest(&params.q, params.limit.unwrap_or(8)).await?;
    Ok(Json(SuggestResponse { suggestions }))
}

/// Get one entry.
#[utoipa::path(get, path = "/api/v1/entries/{id}", tag = "knowledge", params(("id" = inline(params::Slug), Path, description = "Entry id, e.g. asean-26")),
    responses((status = 200, body = EntryEnvelope), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<EntryEnvelope>, ApiError> {
    let id = EntryId::parse(&id)?;
    let stored = mitra.entry_for(&auth.actor, &id).await?;
    Ok(Json(EntryEnvelope {
        entry: EntryResponse::from(&stored),
    }))
}

/// A new entry and the organisation that publishes it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewEntryRequest {
    /// The publishing organisation's id; the caller must be one of its editors, and it must be approved.
    #[schema(value_type = params::Slug, inline)]
    org: String,
    /// The entry, in the shape `GET /api/v1/entries/{id}` returns under `entry.entry`.
    entry: Entry,
}

/// Publish an entry for an organisation (its editors and admins, once it is approved).
#[utoipa::path(post, path = "/api/v1/entries", tag = "knowledge", request_body = NewEntryRequest, security(("bearer" = [])),
    responses((status = 201, body = EntryEnvelope), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound),
              (status = 409, response = Conflict)))]
pub async fn create_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiJson(body): ApiJson<NewEntryRequest>,
) -> Result<(StatusCode, Json<EntryEnvelope>), ApiError> {
    let org = OrgId::parse(&body.org)?;
    let stored = mitra.create_entry(&auth.actor, &org, &body.entry).await?;
    Ok((
        StatusCode::CREATED,
        Json(EntryEnvelope {
            entry: EntryResponse::from(&stored),
        }),
    ))
}

/// Replace an entry (editors of its organisation; platform admins for entries shipped with the platform).
#[utoipa::path(put, path = "/api/v1/entries/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id")),
    request_body(content = Entry, description = "The entry, in the shape `GET /api/v1/entries/{id}` returns under `entry.entry`"),
    responses((status = 200, body = EntryEnvelope), (status = 400, response = BadRequest),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn update_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(entry): ApiJson<Entry>,
) -> Result<Json<EntryEnvelope>, ApiError> {
    let id = EntryId::parse(&id)?;
    let stored = mitra.update_entry(&auth.actor, &id, &entry).await?;
    Ok(Json(EntryEnvelope {
        entry: EntryResponse::from(&stored),
    }))
}

/// Delete an entry (editors of its organisation; platform admins for entries shipped with the platform).
#[utoipa::path(delete, path = "/api/v1/entries/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id")),
    responses((status = 204), (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn delete_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = EntryId::parse(&id)?;
    mitra.delete_entry(&auth.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Options of an import of entries.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryImportParams {
    /// The publishing organisation; without it, the entries are the platform's own (platform admins only).
    #[serde(default)]
    #[param(value_type = Option<params::Slug>, inline)]
    org: Option<String>,
    /// `true` to check the file and report what would be written, without writing.
    #[serde(default)]
    #[param(value_type = Option<params::DryRun>, inline)]
    dry_run: Option<String>,
}

/// What an import of entries did.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryImportResponse {
    /// Entries in the file.
    entries: u64,
    /// Entries of the file that were already stored, and are replaced.
    replaced: u64,
    /// Whether this was a dry run (nothing written).
    dry_run: bool,
    /// New entries written.
    inserted: u64,
    /// Stored entries changed.
    updated: u64,
    /// Stored entries already exactly so.
    unchanged: u64,
    /// `approved` when the organisation's entries are public at once, `pending` when they wait for a platform admin
    /// because the organisation is not approved yet.
    status: &'static str,
    /// Entries that wait for a platform admin's review: all of them when the organisation is not approved,
    /// otherwise those that were waiting or rejected before (importing them again does not publish them).
    waiting: u64,
}

/// Import entries from CSV (one row per entry and language) or a JSON array of entries, all or nothing: every
/// refused row is reported with its line and column, and nothing is written unless every row passes.
#[utoipa::path(post, path = "/api/v1/entries/import", tag = "knowledge", params(EntryImportParams), security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "CSV, or a JSON array of entries (application/json)"),
    responses((status = 200, body = EntryImportResponse),
              (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound),
              (status = 413, response = PayloadTooLarge),
              (status = 422, response = Unprocessable)))]
pub async fn import_entries(
    State(mitra): State<Mitra>,
    auth: Auth,
    ApiQuery(params): ApiQuery<EntryImportParams>,
    body: axum::body::Body,
) -> Result<Json<EntryImportResponse>, ApiError> {
    let dry_run = super::observations::dry_run(params.dry_run.as_deref()).map_err(|e| *e)?;
    let org = params.org.as_deref().map(OrgId::parse).transpose()?;
    // Rights first: only a caller who may import gets a body of up to 64 MiB read.
    mitra.may_import_entries(&auth.actor, org.as_ref()).await?;
    let bytes = super::observations::import_body(body).await?;
    let report = mitra
        .import_entries(
            &auth.actor,
            org.as_ref(),
            std::sync::Arc::new(Vec::from(bytes)),
            dry_run,
            &|_, _, _| {},
        )
        .await?;
    let writes = report.writes.unwrap_or_default();
    Ok(Json(EntryImportResponse {
        entries: report.read,
        replaced: report.replaced,
        dry_run: report.writes.is_none(),
        inserted: writes.inserted,
        updated: writes.updated,
        unchanged: writes.unchanged,
        status: report.status.as_str(),
        waiting: report.waiting,
    }))
}

/// Where the caller stands in a training, with its seats.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentResponse {
    /// Seats offered.
    seats: u32,
    /// Seats held.
    taken: usize,
    /// Enrolments waiting for a seat.
    waiting: usize,
    /// `seat`, `waiting`, or absent when the caller is not enrolled.
    #[serde(skip_serializing_if = "Option::is_none")]
    standing: Option<&'static str>,
    /// The caller's place on the waiting list (1 is next), when waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    waiting_place: Option<usize>,
}

impl EnrolmentResponse {
    fn new(seats: Seats, standing: Option<Standing>) -> Self {
        Self {
            seats: seats.seats,
            taken: seats.taken,
            waiting: seats.waiting,
            standing: standing.map(|s| match s {
                Standing::Seat => "seat",
                Standing::Waiting(_) => "waiting",
            }),
            waiting_place: match standing {
                Some(Standing::Waiting(place)) => Some(place),
                _ => None,
            },
        }
    }
}

/// A training's seats, and where the caller stands.
#[utoipa::path(get, path = "/api/v1/entries/{id}/enrolment", tag = "knowledge",
    params(("id" = inline(params::Slug), Path, description = "Entry id of a training")),
    responses((status = 200, body = EnrolmentResponse), (status = 400, response = BadRequest),
              (status = 404, response = NotFound)))]
pub async fn get_enrolment(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<EnrolmentResponse>, ApiError> {
    let id = EntryId::parse(&id)?;
    let (seats, standing) = mitra.enrolment(&auth.actor, &id).await?;
    Ok(Json(EnrolmentResponse::new(seats, standing)))
}

/// Enrol the caller in a training: a seat while there are any, else a place on the waiting list. Enrolling again
/// keeps the place.
#[utoipa::path(put, path = "/api/v1/entries/{id}/enrolment", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id of a training")),
    responses((status = 200, body = EnrolmentResponse), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized),
              (status = 404, response = NotFound)))]
pub async fn enrol(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<EnrolmentResponse>, ApiError> {
    let id = EntryId::parse(&id)?;
    let (seats, standing) = mitra.enrol(&auth.actor, &id).await?;
    Ok(Json(EnrolmentResponse::new(seats, Some(standing))))
}

/// Withdraw the caller from a training; the first on the waiting list takes the seat.
#[utoipa::path(delete, path = "/api/v1/entries/{id}/enrolment", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id of a training")),
    responses((status = 204), (status = 401, response = Unauthorized),
              (status = 404, response = NotFound)))]
pub async fn withdraw(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = EntryId::parse(&id)?;
    if mitra.withdraw(&auth.actor, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("enrolment", id.as_str()))
    }
}

/// One enrolment, for the training's organisers.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolledPerson {
    /// Name.
    name: String,
    /// E-mail address.
    email: String,
    /// When they enrolled (RFC 3339).
    enrolled_at: String,
    /// `seat` or `waiting`.
    standing: &'static str,
}

/// Everyone enrolled in a training, in order: for editors of the publishing organisation.
#[utoipa::path(get, path = "/api/v1/entries/{id}/enrolments", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id of a training")),
    responses((status = 200, body = [EnrolledPerson]), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn list_enrolments(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<EnrolledPerson>>, ApiError> {
    let id = EntryId::parse(&id)?;
    let list = mitra.enrolments(&auth.actor, &id).await?;
    Ok(Json(
        list.into_iter()
            .map(|e| EnrolledPerson {
                name: e.enrolment.display_name,
                email: e.enrolment.email,
                enrolled_at: rfc3339(e.enrolment.enrolled_at),
                standing: match e.standing {
                    Standing::Seat => "seat",
                    Standing::Waiting(_) => "waiting",
                },
            })
            .collect(),
    ))
}

/// A file attached to an entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentBody {
    /// The file's SHA-256 (lower-case hex): its id.
    sha256: String,
    /// The name it was attached under.
    name: String,
    /// Its media type, found from its content.
    content_type: String,
    /// Its size in bytes.
    size: u64,
    /// Where to download it.
    href: String,
    /// When it was attached (RFC 3339).
    created_at: String,
}

fn attachment_body(entry: &EntryId, a: mitra_service::Attachment) -> AttachmentBody {
    file_body(format!("/entries/{entry}/files/{}", a.sha256), a)
}

/// The bytes of an uploaded file, refused with 413 past [`mitra_service::MAX_ATTACHMENT_BYTES`].
pub(super) async fn file_bytes(body: axum::body::Body) -> Result<axum::body::Bytes, ApiError> {
    let limit = mitra_service::MAX_ATTACHMENT_BYTES;
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::too_large(limit, "send a smaller file"))
}

/// A kept file, downloadable at `href`.
pub(super) fn file_body(href: String, a: mitra_service::Attachment) -> AttachmentBody {
    AttachmentBody {
        href,
        created_at: rfc3339(a.created_at),
        sha256: a.sha256,
        name: a.name,
        content_type: a.content_type,
        size: a.size,
    }
}

/// The files an entry shows.
#[utoipa::path(get, path = "/api/v1/entries/{id}/attachments", tag = "knowledge",
    params(("id" = inline(params::Slug), Path, description = "Entry id")),
    responses((status = 200, body = [AttachmentBody]), (status = 404, response = NotFound)))]
pub async fn list_attachments(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<AttachmentBody>>, ApiError> {
    let id = EntryId::parse(&id)?;
    let files = mitra.attachments(&auth.actor, &id).await?;
    Ok(Json(
        files.into_iter().map(|a| attachment_body(&id, a)).collect(),
    ))
}

/// The name of an uploaded file (an entry's attachment, a partnership's signed agreement).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileNameParams {
    /// The file's name, shown to readers and used for downloads (`Report 2019.pdf`, `Agreement 2026.pdf`).
    #[param(value_type = params::FileName, inline)]
    pub(super) name: String,
}

/// Attach a file to an entry (its editors): PDF, PNG, JPEG, WebP, CSV or text in UTF-8, Word, Excel or PowerPoint,
/// recognised from the bytes; at most 10 MiB, and 20 files an entry.
#[utoipa::path(post, path = "/api/v1/entries/{id}/attachments", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id"), FileNameParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses((status = 201, body = AttachmentBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge)))]
pub async fn attach(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<FileNameParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<AttachmentBody>), ApiError> {
    let bytes = file_bytes(body).await?;
    let id = EntryId::parse(&id)?;
    let file = mitra.attach(&auth.actor, &id, &params.name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(attachment_body(&id, file))))
}

/// Remove a file from an entry (its editors).
#[utoipa::path(delete, path = "/api/v1/entries/{id}/attachments/{sha256}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id"), ("sha256" = inline(params::Sha256), Path, description = "The file's SHA-256")),
    responses((status = 204), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn detach(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = EntryId::parse(&id)?;
    mitra.detach(&auth.actor, &id, &sha256).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A rejection's reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EntryRejection {
    /// Why, for the entry's authors.
    #[schema(value_type = params::Said, inline)]
    reason: String,
}

/// Publish an entry that waits for review (platform admins).
#[utoipa::path(post, path = "/api/v1/entries/{id}/approve", tag = "knowledge", security(("bearer" = [])),
    params(("id" = inline(params::Slug), Path, description = "Entry id")),
    responses((status = 204), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn approve_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = EntryId::parse(&id)?;
    mitra.approve_entry(&auth.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reject an entry with a reason its authors read (platform admins); it leaves search and feeds.
#[utoipa::path(post, path = "/api/v1/entries/{id}/reject", tag = "knowledge", security(("bearer" = [])), request_body = EntryRejection,
    params(("id" = inline(params::Slug), Path, description = "Entry id")),
    responses((status = 204), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden),
              (status = 404, response = NotFound)))]
pub async fn reject_entry(
    State(mitra): State<Mitra>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EntryRejection>,
) -> Result<StatusCode, ApiError> {
    let id = EntryId::parse(&id)?;
    mitra.reject_entry(&auth.actor, &id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
