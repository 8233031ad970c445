//! The search page of the entries: words in any language, facets, filters and pages. Feeds and exports of a search
//! live in [`super::feeds`]; an entry's own page in [`super::entries`]. Finding and ranking are the service's; this
//! module only labels what it found and builds the page's links.

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use mitra_service::domain::Language;
use mitra_service::domain::entry::{ContentLanguage, TextOrigin};
use mitra_service::{
    Dimension, Found, Mitra, Places, SearchPage, SearchRequest, ServiceError, UnknownParameters,
    dimension_name,
};

use super::format::{content_language, query_string, year_range};
use super::{Layout, render};
use crate::error::PageError;
use crate::i18n::translate;

/// Hits on one page.
const PER_PAGE: usize = 20;
/// Values shown for each facet, most frequent first.
const FACET_VALUES: usize = 12;

/// `GET /search`
pub async fn search(
    State(mitra): State<Mitra>,
    l: Layout,
    uri: Uri,
) -> Result<Response, PageError> {
    let request = SearchRequest::parse(uri.query(), PER_PAGE, UnknownParameters::Ignore)
        .map_err(ServiceError::from)?
        .for_reader(l.lang.into());
    let page = mitra.search(&request).await?;
    let places = mitra.places().await?;
    Ok(render(&SearchResultsPage::build(
        l, &request, &page, &places,
    )))
}

/// The search's query string on page `page` (the first page has no `page`), without the reader's language: the
/// page's own links, and those of its feeds and exports.
pub(crate) fn search_query(request: &SearchRequest, page: usize) -> String {
    let mut pairs = words_and_filters(request, None);
    if page > 1 {
        pairs.push(("page".into(), page.to_string()));
    }
    query_string(&pairs)
}

/// The search's words and filters as query parameters, leaving out the filter `except`.
fn words_and_filters(
    request: &SearchRequest,
    except: Option<(Dimension, &str)>,
) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if !request.text().is_empty() {
        pairs.push(("q".into(), request.text().to_owned()));
    }
    pairs.extend(
        request
            .filters()
            .iter()
            .filter(|f| except != Some((f.dimension, f.value.as_str())))
            .map(|f| (dimension_name(f.dimension).to_owned(), f.value.clone())),
    );
    pairs
}

/// The search's address with filter `value` of `dimension` added, or removed when it is there; back to the first
/// page.
fn toggled(request: &SearchRequest, dimension: Dimension, value: &str) -> String {
    let mut pairs = words_and_filters(request, Some((dimension, value)));
    if !request.has_filter(dimension, value) {
        pairs.push((dimension_name(dimension).to_owned(), value.to_owned()));
    }
    format!("/search?{}", query_string(&pairs))
}

/// A content language's own name; the tag itself for one Mitra does not know.
fn language_name(tag: &str) -> String {
    ContentLanguage::parse(tag).map_or_else(|_| tag.to_owned(), |l| l.autonym().to_owned())
}

/// The label of a facet value in the reader's language.
fn value_label(dimension: Dimension, value: &str, places: &Places, lang: Language) -> String {
    match dimension {
        Dimension::Kind => translate(lang, &format!("entry-kind-{value}")),
        Dimension::Country => places.countries.get(value).map_or_else(
            || value.to_owned(),
            |c| super::format::country_display(c, lang),
        ),
        Dimension::City => places.city(value).map_or_else(
            || value.to_owned(),
            |c| crate::ui::format::city_name(c, lang).to_owned(),
        ),
        Dimension::FocusArea => translate(lang, &format!("focus-{value}")),
        Dimension::Challenge => translate(lang, &format!("challenge-{value}")),
        Dimension::Language => language_name(value),
        Dimension::Year => value.to_owned(),
    }
}

struct HitView {
    id: String,
    kind: String,
    title_html: String,
    snippet_html: String,
    lang: String,
    lang_name: String,
    foreign: bool,
    machine: bool,
    cities: Vec<(String, String)>,
    years: String,
    example: bool,
}

impl HitView {
    /// A hit with its stored entry, for a reader of `lang`.
    fn build(Found { hit, stored }: &Found, places: &Places, lang: Language) -> Self {
        let entry = &stored.entry;
        let shown = ContentLanguage::parse(&hit.lang).ok();
        Self {
            id: hit.id.clone(),
            kind: translate(lang, &format!("entry-kind-{}", entry.kind().tag())),
            title_html: hit.title_html.clone(),
            snippet_html: hit.snippet_html.clone(),
            lang: hit.lang.clone(),
            lang_name: language_name(&hit.lang),
            foreign: shown != Some(content_language(lang)),
            machine: shown
                .and_then(|l| entry.text(l))
                .is_some_and(|t| t.origin == TextOrigin::MachineTranslation),
            cities: entry
                .cities
                .iter()
                .map(|c| {
                    let name = places.cities.get(c).map_or_else(
                        || c.to_string(),
                        |city| crate::ui::format::city_name(city, lang).to_owned(),
                    );
                    (c.to_string(), name)
                })
                .collect(),
            years: year_range(entry.year_from, entry.year_to),
            example: entry.example,
        }
    }
}

struct FacetValue {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

struct FacetView {
    id: &'static str,
    heading: String,
    values: Vec<FacetValue>,
}

impl FacetView {
    /// The facet of `dimension` with its most frequent values, each a link that toggles it as a filter.
    fn build(
        dimension: Dimension,
        values: &[(String, u64)],
        request: &SearchRequest,
        places: &Places,
        lang: Language,
    ) -> Self {
        let name = dimension_name(dimension);
        Self {
            id: name,
            heading: translate(lang, &format!("search-dimension-{name}")),
            values: values
                .iter()
                .take(FACET_VALUES)
                .map(|(value, count)| FacetValue {
                    label: value_label(dimension, value, places, lang),
                    count: *count,
                    href: toggled(request, dimension, value),
                    selected: request.has_filter(dimension, value),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchResultsPage {
    l: Layout,
    q: String,
    summary: String,
    concepts: String,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
    active: Vec<(String, String)>,
    previous: Option<String>,
    next: Option<String>,
    page_text: String,
    feed_query: String,
}

impl SearchResultsPage {
    /// The page of results `page` of `request`, with places to name cities and countries.
    fn build(l: Layout, request: &SearchRequest, page: &SearchPage, places: &Places) -> Self {
        let lang = l.lang;
        let q = request.text();
        let title = if q.is_empty() {
            l.t("search-title")
        } else {
            format!("{q} · {}", l.t("search-title"))
        };
        let l = l.page("search", title);
        let total = page.total;
        let pages = total.div_ceil(PER_PAGE).max(1);
        let current = page.offset / PER_PAGE + 1;
        let link = |page: usize| format!("/search?{}", search_query(request, page));
        Self {
            q: q.to_owned(),
            summary: if q.is_empty() {
                l.ta("search-count-all", &[("count", total.to_string())])
            } else {
                l.ta(
                    "search-count",
                    &[("count", total.to_string()), ("query", q.to_owned())],
                )
            },
            concepts: if page.concepts.is_empty() {
                String::new()
            } else {
                let labels: Vec<String> = page
                    .concepts
                    .iter()
                    .filter_map(|id| mitra_service::Thesaurus::shipped().concept(id))
                    .map(|concept| concept.label(content_language(lang).tag()).to_owned())
                    .collect();
                l.ta(
                    "search-concepts",
                    &[("concepts", super::format::list(&labels, lang))],
                )
            },
            hits: page
                .found
                .iter()
                .map(|found| HitView::build(found, places, lang))
                .collect(),
            facets: page
                .facets
                .iter()
                .filter(|(_, values)| !values.is_empty())
                .map(|(dimension, values)| {
                    FacetView::build(*dimension, values, request, places, lang)
                })
                .collect(),
            active: request
                .filters()
                .iter()
                .map(|f| {
                    (
                        value_label(f.dimension, &f.value, places, lang),
                        toggled(request, f.dimension, &f.value),
                    )
                })
                .collect(),
            previous: (current > 1).then(|| link(current - 1)),
            next: (current < pages).then(|| link(current + 1)),
            page_text: l.ta(
                "search-page",
                &[("page", current.to_string()), ("pages", pages.to_string())],
            ),
            feed_query: search_query(request, 1),
            l,
        }
    }
}
