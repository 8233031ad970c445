//! Feeds and exports of the entries: an Atom feed of any search (a kind, a saved search), an iCalendar file of the
//! events and training among any search's results, and a search's results as CSV or JSON. All take the search
//! page's query string. Each handler makes one search; the documents are written by the functions beside it, which
//! only format what the search found.

use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use mitra_service::domain::Language;
use mitra_service::domain::entry::{Details, LocalTime};
use mitra_service::domain::ical;
use mitra_service::{
    Dimension, MAX_SEARCH_LIMIT, Mitra, SearchRequest, ServiceError, StoredEntry, UnknownParameters,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::format::content_language;
use super::search::search_query;
use crate::error::PageError;
use crate::i18n::{Lang, translate};

/// Entries in one feed: the newest changes.
const FEED_SIZE: usize = 50;
/// Events and training in one calendar.
const CALENDAR_SIZE: usize = 100;

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow (stored before they were refused) are left out.
            c if !mitra_domain::text::is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

async fn newest(
    mitra: &Mitra,
    uri: &Uri,
    size: usize,
    only: &[&str],
) -> Result<(SearchRequest, Vec<StoredEntry>), PageError> {
    let mut request = parse(uri, size)?.newest(size).map_err(ServiceError::from)?;
    if !request.filters_on(Dimension::Kind) {
        for kind in only {
            request = request
                .filter(Dimension::Kind, kind)
                .map_err(ServiceError::from)?;
        }
    }
    let page = mitra.search(&request).await?;
    let entries = page.found.into_iter().map(|f| f.stored).collect();
    Ok((request, entries))
}

/// The search in the query string of `uri`, `size` hits a page.
fn parse(uri: &Uri, size: usize) -> Result<SearchRequest, PageError> {
    Ok(
        SearchRequest::parse(uri.query(), size, UnknownParameters::Ignore)
            .map_err(ServiceError::from)?,
    )
}

/// `GET /feeds/entries.atom`: the newest entries of a search, as an Atom feed.
pub async fn atom(
    State(mitra): State<Mitra>,
    Lang(lang): Lang,
    uri: Uri,
) -> Result<Response, PageError> {
    let (request, entries) = newest(&mitra, &uri, FEED_SIZE, &[]).await?;
    let feed = atom_feed(&base_url(&mitra), lang, &request, &entries);
    Ok(with_type(
        feed.into_response(),
        "application/atom+xml; charset=utf-8",
    ))
}

/// The address Mitra is reached at, without a trailing `/`, for absolute links.
fn base_url(mitra: &Mitra) -> String {
    mitra.public_url().trim_end_matches('/').to_owned()
}

/// `response` with the content type `value`.
fn with_type(mut response: Response, value: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
    response
}

/// The Atom document of `entries`, found by `request`, for a reader of `lang`, linking under `base`.
fn atom_feed(
    base: &str,
    lang: Language,
    request: &SearchRequest,
    entries: &[StoredEntry],
) -> String {
    let query = search_query(request, 1);
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    // The search it follows: the words, then the filter values.
    let what: Vec<&str> = std::iter::once(request.text().trim())
        .chain(request.filters().iter().map(|f| f.value.as_str()))
        .filter(|part| !part.is_empty())
        .collect();
    let title = if what.is_empty() {
        translate(lang, "search-title")
    } else {
        format!("{} · {}", translate(lang, "search-title"), what.join(", "))
    };
    let updated = entries
        .iter()
        .map(|e| e.updated_at)
        .max()
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.tag()
    ));
    out.push_str(&format!("  <title>{}</title>\n", xml(&title)));
    out.push_str(&format!(
        "  <id>{}</id>\n",
        xml(&format!("{base}/feeds/entries.atom{suffix}"))
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&format!("{base}/feeds/entries.atom{suffix}"))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&format!("{base}/search{suffix}"))
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    out.push_str("  <author><name>Mitra</name></author>\n  <generator>Mitra</generator>\n");
    for stored in entries {
        atom_entry(&mut out, base, lang, stored);
    }
    out.push_str("</feed>\n");
    out
}

/// Appends the `<entry>` of `stored` to an Atom document.
fn atom_entry(out: &mut String, base: &str, lang: Language, stored: &StoredEntry) {
    let entry = &stored.entry;
    let text = entry.text_for(content_language(lang));
    let link = format!("{base}/entries/{}", entry.id);
    out.push_str("  <entry>\n");
    out.push_str(&format!("    <id>{}</id>\n", xml(&link)));
    out.push_str(&format!(
        "    <title xml:lang=\"{}\">{}</title>\n",
        text.lang.tag(),
        xml(&text.title)
    ));
    out.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&link)
    ));
    out.push_str(&format!(
        "    <published>{}</published>\n",
        rfc3339(stored.created_at)
    ));
    out.push_str(&format!(
        "    <updated>{}</updated>\n",
        rfc3339(stored.updated_at)
    ));
    out.push_str(&format!(
        "    <category term=\"{}\"/>\n",
        entry.kind().tag()
    ));
    out.push_str(&format!(
        "    <summary xml:lang=\"{}\">{}</summary>\n",
        text.lang.tag(),
        xml(&text.summary)
    ));
    out.push_str("  </entry>\n");
}

/// `GET /search/export.csv`: every entry a search finds (up to 10 000), best first, one row each.
pub async fn export_csv(
    State(mitra): State<Mitra>,
    Lang(lang): Lang,
    uri: Uri,
) -> Result<Response, PageError> {
    let page = mitra
        .search_for_export(&parse(&uri, MAX_SEARCH_LIMIT)?)
        .await?;
    let written = csv_export(&base_url(&mitra), lang, page.entries())
        .map_err(|e| ServiceError::Internal(e.into()))?;
    let mut response = with_type(written.into_response(), "text/csv; charset=utf-8");
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"mitra-search.csv\""),
    );
    Ok(response)
}

/// The CSV of `entries`, one row each in the text closest to the reader's language, every cell safe to open in a
/// spreadsheet.
fn csv_export<'a>(
    base: &str,
    lang: Language,
    entries: impl Iterator<Item = &'a StoredEntry>,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "kind",
        "lang",
        "title",
        "summary",
        "cities",
        "organisations",
        "challenges",
        "year_from",
        "year_to",
        "example",
        "url",
    ])?;
    for stored in entries {
        let entry = &stored.entry;
        let text = entry.text_for(content_language(lang));
        let join = |items: Vec<String>| items.join("; ");
        out.write_record(
            [
                entry.id.to_string(),
                entry.kind().tag().to_owned(),
                text.lang.tag().to_owned(),
                text.title.clone(),
                text.summary.clone(),
                join(entry.cities.iter().map(ToString::to_string).collect()),
                join(entry.organisations.clone()),
                join(
                    entry
                        .challenges
                        .iter()
                        .map(|c| c.tag().to_owned())
                        .collect(),
                ),
                entry.year_from.map(|y| y.to_string()).unwrap_or_default(),
                entry.year_to.map(|y| y.to_string()).unwrap_or_default(),
                entry.example.to_string(),
                format!("{base}/entries/{}", entry.id),
            ]
            .map(|cell| mitra_domain::text::spreadsheet_safe(&cell).into_owned()),
        )?;
    }
    out.flush()?;
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// `GET /search/export.json`: every entry a search finds (up to 10 000), best first, whole, as the API gives them.
pub async fn export_json(State(mitra): State<Mitra>, uri: Uri) -> Result<Response, PageError> {
    let page = mitra
        .search_for_export(&parse(&uri, MAX_SEARCH_LIMIT)?)
        .await?;
    let entries: Vec<crate::api::entries::EntryResponse> = page
        .entries()
        .map(crate::api::entries::EntryResponse::from)
        .collect();
    let body = serde_json::json!({"total": page.total, "entries": entries});
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"mitra-search.json\""),
    );
    Ok(response)
}

fn ical_utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// `GET /feeds/calendar.ics`: the events and training of a search, as an iCalendar file (times in UTC).
pub async fn calendar(
    State(mitra): State<Mitra>,
    Lang(lang): Lang,
    uri: Uri,
) -> Result<Response, PageError> {
    let (_, entries) = newest(&mitra, &uri, CALENDAR_SIZE, &["event", "training"]).await?;
    let written = ical_calendar(&base_url(&mitra), lang, &entries);
    let mut response = with_type(written.into_response(), "text/calendar; charset=utf-8");
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"mitra.ics\""),
    );
    Ok(response)
}

/// The iCalendar document of the events and training among `entries`, for a reader of `lang`, linking under
/// `base`; an entry whose times cannot be placed in UTC is left out.
fn ical_calendar(base: &str, lang: Language, entries: &[StoredEntry]) -> String {
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or("mitra")
        .split('/')
        .next()
        .unwrap_or("mitra");
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Mitra//Knowledge exchange//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        ical::line(&mut out, line);
    }
    ical::line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            ical::text(&translate(lang, "feeds-calendar-name"))
        ),
    );
    for stored in entries {
        ical_event(&mut out, base, host, lang, stored);
    }
    ical::line(&mut out, "END:VCALENDAR");
    out
}

/// Appends the `VEVENT` of `stored` when it is an event or a training with times that can be placed in UTC.
fn ical_event(out: &mut String, base: &str, host: &str, lang: Language, stored: &StoredEntry) {
    let entry = &stored.entry;
    let (starts, ends, place, category): (&LocalTime, &LocalTime, Option<&str>, &str) =
        match &entry.details {
            Details::Event {
                starts,
                ends,
                place,
                ..
            } => (starts, ends, place.as_deref(), "EVENT"),
            Details::Training { starts, ends, .. } => (starts, ends, None, "TRAINING"),
            _ => return,
        };
    let (Some(start), Some(end)) = (starts.to_utc(), ends.to_utc()) else {
        return;
    };
    let text = entry.text_for(content_language(lang));
    ical::line(out, "BEGIN:VEVENT");
    ical::line(out, &format!("UID:{}@{host}", entry.id));
    ical::line(out, &format!("DTSTAMP:{}", ical_utc(stored.updated_at)));
    ical::line(out, &format!("DTSTART:{}", ical_utc(start)));
    ical::line(out, &format!("DTEND:{}", ical_utc(end)));
    ical::line(
        out,
        &format!(
            "SUMMARY;LANGUAGE={}:{}",
            text.lang.tag(),
            ical::text(&text.title)
        ),
    );
    ical::line(
        out,
        &format!(
            "DESCRIPTION;LANGUAGE={}:{}",
            text.lang.tag(),
            ical::text(&text.summary)
        ),
    );
    if let Some(place) = place {
        ical::line(out, &format!("LOCATION:{}", ical::text(place)));
    }
    ical::line(out, &format!("URL:{base}/entries/{}", entry.id));
    ical::line(out, &format!("CATEGORIES:{category}"));
    ical::line(out, "END:VEVENT");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_leaves_out_what_xml_1_0_cannot_carry() {
        assert_eq!(
            xml("a < b & \"c\"\u{FFFF}\u{0}\u{FFFE}\td"),
            "a &lt; b &amp; &quot;c&quot;\td"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        ical::line(&mut out, &format!("SUMMARY:{}", "智慧城市".repeat(20)));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "智慧城市".repeat(20)));
    }

    #[test]
    fn text_values_escape_their_separators() {
        assert_eq!(ical::text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
        assert_eq!(
            xml("<a href='x'>&</a>"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;"
        );
    }
}
