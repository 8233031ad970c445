//! Kept files (entry attachments, partnerships' signed agreements) as downloads, for pages and the API alike.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// `filename*` of `Content-Disposition` (RFC 6266 with RFC 8187 encoding), with a plain ASCII `filename` beside.
fn disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

/// A kept file as a download under the name it was uploaded with, typed as found from its bytes.
pub fn download(file: &mitra_service::Attachment, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition(&file.name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&format!("\"{}\"", file.sha256))
            .unwrap_or(HeaderValue::from_static("")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_names_survive_any_script_and_cannot_break_the_header() {
        assert_eq!(
            super::disposition("报告 2019.pdf"),
            "attachment; filename=\"__ 2019.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%202019.pdf"
        );
        assert!(!super::disposition("a\";b.pdf").contains("\";b"));
    }
}
