//! Submitting a city's indicator values in the browser: a file checked first and written on confirmation, one
//! value typed into a form, and the template of a standard to fill in. Who may submit, what a row must hold and
//! how it is written are the service's: the same import as the API's, so permissions, checks, audit and review
//! are the same.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mitra_service::domain::observation::ImportErrors;
use mitra_service::domain::{CityId, Language, StandardId};
use mitra_service::{ImportPreview, Mitra, ServiceError, SingleObservation};
use serde::Deserialize;

use super::forms::has_csrf;
use super::{Layout, done, render_with_status};
use crate::auth::{CsrfForm, check_csrf};
use crate::error::PageError;

/// The largest file the page takes; larger ones go through the API or `mitra import`. A file is held in memory
/// until it is confirmed, so the bound is lower than the API's.
pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// The submit section of a city's page and of its government's page: where the forms post, and the templates.
pub struct SubmitView {
    /// The city id.
    pub city: String,
    /// The templates: address and the standard's designation.
    pub templates: Vec<(String, String)>,
    /// Every indicator, to pick from by title in the single-value form: id and title in the reader's language.
    pub indicators: Vec<(String, String)>,
}

impl SubmitView {
    /// The section for `city` when `actor` may submit for it; `None` otherwise.
    pub async fn for_city(
        mitra: &Mitra,
        l: &Layout,
        city: &CityId,
    ) -> Result<Option<Self>, PageError> {
        if mitra.may_submit_for_city(l.actor(), city).is_err() {
            return Ok(None);
        }
        let templates = mitra
            .list_standards()
            .await?
            .into_iter()
            .filter(|s| s.indicator_count > 0)
            .map(|s| {
                (
                    format!(
                        "/cities/{city}/template.csv?standard={}",
                        s.standard.id.as_str()
                    ),
                    s.standard.code,
                )
            })
            .collect();
        let mut indicators: Vec<(i64, String, String)> = mitra
            .all_indicators()
            .await?
            .into_values()
            .map(|i| {
                let title = crate::ui::format::Title::of(&i, l.lang).text;
                (i.position, i.id.to_string(), title)
            })
            .collect();
        indicators.sort_by(|a, b| {
            a.1.split(':')
                .next()
                .cmp(&b.1.split(':').next())
                .then(a.0.cmp(&b.0))
        });
        Ok(Some(Self {
            city: city.to_string(),
            templates,
            indicators: indicators
                .into_iter()
                .map(|(_, id, title)| (id, title))
                .collect(),
        }))
    }
}

/// A bad row of a file, for the page.
struct Problem {
    line: String,
    column: String,
    reason: String,
    // The language the reason is said in.
    lang: &'static str,
}

#[derive(Template)]
#[template(path = "observation_check.html")]
struct CheckPage {
    l: Layout,
    city: String,
    file: String,
    /// What would be written, when the file is good.
    summary: Vec<(String, String)>,
    conversions: Vec<(String, String, String, u64)>,
    recognitions: Vec<(String, String, u64)>,
    problems: Vec<Problem>,
    more: Option<String>,
    /// The key of the held file, when it may be written.
    upload: Option<String>,
}

impl CheckPage {
    fn new(l: Layout, city: &CityId, file: &str) -> Self {
        let l = l.titled("cities", "submit-check-title");
        Self {
            l,
            city: city.to_string(),
            file: file.to_owned(),
            summary: Vec::new(),
            conversions: Vec::new(),
            recognitions: Vec::new(),
            problems: Vec::new(),
            more: None,
            upload: None,
        }
    }

    fn with_preview(mut self, preview: &ImportPreview, upload: String) -> Self {
        let l = &self.l;
        let r = &preview.report;
        self.summary = [
            ("submit-rows", r.rows),
            ("submit-new", preview.new),
            ("submit-changed", preview.changed),
            ("submit-unchanged", preview.unchanged),
            ("submit-converted", r.converted),
            ("submit-recognised", r.recognised),
            ("submit-skipped", r.skipped),
        ]
        .into_iter()
        .map(|(key, n)| (l.t(key), n.to_string()))
        .collect();
        self.conversions = preview
            .conversions
            .iter()
            .map(|c| {
                (
                    c.indicator.to_string(),
                    c.from.clone(),
                    c.to.clone(),
                    c.rows,
                )
            })
            .collect();
        self.recognitions = preview
            .recognitions
            .iter()
            .map(|r| {
                let others: Vec<&str> = r.equivalents.iter().map(|i| i.as_str()).collect();
                (r.indicator.to_string(), others.join(", "), r.rows)
            })
            .collect();
        self.upload = Some(upload);
        self
    }

    fn with_problems(mut self, errors: &ImportErrors) -> Self {
        self.problems = problems_of(errors, self.l.lang);
        self.more = (errors.more_rows() > 0).then(|| {
            self.l.ta(
                "submit-more-problems",
                &[
                    ("more", errors.more_rows().to_string()),
                    ("rows", errors.rows().to_string()),
                ],
            )
        });
        self
    }
}

/// The problems of a file kept for showing (the first [`ImportErrors::SHOWN`]), in line order.
fn problems_of(errors: &ImportErrors, language: Language) -> Vec<Problem> {
    errors
        .shown()
        .iter()
        .map(|e| {
            let (reason, said_in) = crate::i18n::reason(language, &e.reason);
            Problem {
                line: if e.line == 0 {
                    "—".into()
                } else {
                    e.line.to_string()
                },
                column: e.column.clone(),
                reason,
                lang: said_in.tag(),
            }
        })
        .collect()
}

/// A refused upload, with what to do about it in the reader's language.
fn refused(l: &Layout, status: StatusCode, key: &str) -> PageError {
    PageError {
        status,
        detail: Some(crate::error::Said::Text(l.ta(
            key,
            &[("max", (MAX_UPLOAD_BYTES / (1024 * 1024)).to_string())],
        ))),
    }
}

/// Whether a file is of a kind the importer cannot read: by its name (spreadsheets, documents, archives) or by
/// its first bytes (ZIP, which is what .xlsx and .ods are, PDF, and the old binary Office format).
fn wrong_kind(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, e)| e);
    let readable = matches!(extension, None | Some("csv" | "tsv" | "txt" | "json"));
    let binary = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"%PDF")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    !readable || binary
}

/// The CSRF token and the file of an upload form; a form that is too large or broken is refused with a page that
/// says so.
async fn read_file(
    l: &Layout,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(String, Option<(String, Vec<u8>)>), PageError> {
    super::forms::read_upload(multipart, MAX_UPLOAD_BYTES)
        .await
        .map_err(|e| match e {
            super::forms::UploadError::TooLarge => {
                refused(l, StatusCode::PAYLOAD_TOO_LARGE, "submit-too-large")
            }
            super::forms::UploadError::Broken(..) => {
                refused(l, StatusCode::BAD_REQUEST, "submit-not-a-form")
            }
        })
}

/// `POST /cities/{id}/observations/check`: checks an uploaded file (a multipart form with `csrf_token` and
/// `file`) and shows what it would write, or every bad row; a good file is held for the "write" button.
pub async fn check_upload(
    State(mitra): State<Mitra>,
    l: Layout,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let city = CityId::parse(&id)?;
    // Who may submit is known before the upload is read.
    mitra.may_submit_for_city(l.actor(), &city)?;
    let (csrf, file) = read_file(&l, multipart).await?;
    check_csrf(&headers, l.csrf_token(), &csrf)?;
    let Some((name, bytes)) = file.filter(|(name, bytes)| !(name.is_empty() && bytes.is_empty()))
    else {
        return Err(refused(&l, StatusCode::BAD_REQUEST, "submit-choose-file"));
    };
    if wrong_kind(&name, &bytes) {
        return Err(refused(
            &l,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "submit-wrong-kind",
        ));
    }
    let actor = l.actor().clone();
    let page = CheckPage::new(l, &city, &name);
    Ok(match mitra.hold_upload(&actor, &city, &name, bytes).await {
        Ok((preview, key)) => render_with_status(StatusCode::OK, &page.with_preview(&preview, key)),
        Err(ServiceError::Import(errors)) => render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page.with_problems(&errors),
        ),
        Err(ServiceError::ImportNotAllowed(errors)) => {
            render_with_status(StatusCode::FORBIDDEN, &page.with_problems(&errors))
        }
        Err(other) => return Err(other.into()),
    })
}

/// The "write these values" form.
#[derive(Debug, Deserialize)]
pub struct WriteForm {
    csrf_token: String,
    #[serde(default)]
    upload: String,
}

/// One value typed into the form.
#[derive(Debug, Default, Deserialize)]
pub struct ValueForm {
    csrf_token: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    note: String,
}

has_csrf!(WriteForm, ValueForm);

/// `POST /cities/{id}/observations/write`: writes the file held for this account, in one transaction.
pub async fn write_upload(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<WriteForm>,
) -> Result<Response, PageError> {
    let city = CityId::parse(&id)?;
    match mitra
        .write_held_upload(l.actor(), &city, &form.upload)
        .await
    {
        Ok(_) => Ok(done(&format!("/cities/{city}"), "submit-written")),
        Err(ServiceError::NotFound { .. }) => Err(refused(&l, StatusCode::GONE, "submit-gone")),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "observation_value.html")]
struct ValuePage {
    l: Layout,
    city: String,
    form: ValueForm,
    problems: Vec<Problem>,
}

/// `POST /cities/{id}/observations/value`: adds or corrects one value; a refused value shows the form again with
/// the reasons.
pub async fn submit_value(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ValueForm>,
) -> Result<Response, PageError> {
    let city = CityId::parse(&id)?;
    let value = SingleObservation {
        indicator: form.indicator.clone(),
        year: form.year.clone(),
        value: form.value.clone(),
        unit: form.unit.clone(),
        source: form.source.clone(),
        note: form.note.clone(),
    };
    let errors = match mitra.submit_observation(l.actor(), &city, &value).await {
        Ok(_) => return Ok(done(&format!("/cities/{city}"), "submit-value-saved")),
        Err(ServiceError::Import(errors) | ServiceError::ImportNotAllowed(errors)) => errors,
        Err(other) => return Err(other.into()),
    };
    let problems = problems_of(&errors, l.lang);
    let page = ValuePage {
        l: l.titled("cities", "submit-value-title"),
        city: city.to_string(),
        form,
        problems,
    };
    Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The standard of a template.
#[derive(Debug, Default, Deserialize)]
pub struct TemplateQuery {
    #[serde(default)]
    standard: String,
}

/// `GET /cities/{id}/template.csv?standard=…`: the CSV to fill in, one row per indicator of the standard, with the
/// city's latest value where it has one. It imports as it is; rows left without a year and a value are skipped.
pub async fn template_csv(
    State(mitra): State<Mitra>,
    l: Layout,
    Path(id): Path<String>,
    Query(query): Query<TemplateQuery>,
) -> Result<Response, PageError> {
    let city = CityId::parse(&id)?;
    let standard = StandardId::parse(query.standard.trim())?;
    let rows = mitra.observation_template(&city, &standard, l.lang).await?;
    let csv = template_bytes(&city, &rows).map_err(|e| ServiceError::Internal(e.into()))?;
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{city}-{}-template.csv\"",
        standard
            .as_str()
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-")
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The template's bytes: UTF-8 with a byte-order mark (so that spreadsheet programs read Thai and Chinese titles),
/// the importer's columns and `title`, which it ignores.
fn template_bytes(
    city: &CityId,
    rows: &[mitra_service::TemplateRow],
) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record([
        "city",
        "indicator",
        "title",
        "year",
        "value",
        "unit",
        "source",
        "note",
    ])?;
    let safe = |text: &str| mitra_service::domain::text::spreadsheet_safe(text).into_owned();
    for row in rows {
        let latest = row.latest.as_ref();
        out.write_record([
            city.to_string(),
            row.indicator.to_string(),
            safe(&row.title),
            latest.map(|o| o.year.to_string()).unwrap_or_default(),
            latest.map(|o| o.value.to_string()).unwrap_or_default(),
            match latest.and_then(|o| o.unit.clone()) {
                Some(unit) if row.unit.is_empty() => unit,
                _ => row.unit.clone(),
            },
            latest.map(|o| safe(&o.source)).unwrap_or_default(),
            latest
                .and_then(|o| o.note.as_deref())
                .map(safe)
                .unwrap_or_default(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheets_documents_and_archives_are_not_read_as_csv() {
        assert!(!wrong_kind("values.csv", b"city,indicator"));
        assert!(!wrong_kind("values.JSON", b"[]"));
        assert!(!wrong_kind("", b"city"));
        assert!(wrong_kind("values.xlsx", b"PK\x03\x04"));
        assert!(wrong_kind("values.csv", b"PK\x03\x04rest"));
        assert!(wrong_kind("report.pdf", b"%PDF-1.7"));
    }
}
