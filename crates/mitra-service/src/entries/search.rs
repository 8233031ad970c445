//! A search of the entries as the service takes it: parsed once, at the edge, from a query string or built in code,
//! into checked words, typed filters, a page and the reader's language; and its answer, each hit paired with its
//! stored entry.

use mitra_domain::entry::ContentLanguage;
use mitra_domain::{EntryId, Language, Reason, ValidationError};
use mitra_search::{Dimension, Hit};
use mitra_store::StoredEntry;

use super::{MAX_EXPORT, MAX_SEARCH_LIMIT, MAX_SEARCH_OFFSET};
use crate::{Mitra, ServiceError};

/// Longest query, in characters.
const MAX_WORDS: usize = 500;
/// Longest filter value, in bytes.
const MAX_FILTER: usize = 100;
/// Hits on a page when the caller does not say.
const DEFAULT_LIMIT: usize = 20;

/// What [`SearchRequest::parse`] does with a parameter it does not know: the API refuses it, pages leave it alone
/// (their addresses carry `lang`, `done` and the like).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownParameters {
    /// A 400 naming the parameter.
    Refuse,
    /// Left alone.
    Ignore,
}

/// One filter of a search: entries whose `dimension` has `value`. Values of one dimension are alternatives,
/// different dimensions all apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFilter {
    /// What is filtered on.
    pub dimension: Dimension,
    /// The value asked for: 1 to 100 bytes.
    pub value: String,
}

/// A checked search: every part of it is within bounds, so [`Mitra::search`] only runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    words: String,
    filters: Vec<SearchFilter>,
    offset: usize,
    limit: usize,
    lang: Option<ContentLanguage>,
    newest_first: bool,
}

impl Default for SearchRequest {
    /// Every entry, best match first, 20 to a page.
    fn default() -> Self {
        Self {
            words: String::new(),
            filters: Vec::new(),
            offset: 0,
            limit: DEFAULT_LIMIT,
            lang: None,
            newest_first: false,
        }
    }
}

impl SearchRequest {
    /// Reads a search from a query string: `q`, `offset`, `limit`, `page` (1-based, with `per_page` hits a page
    /// unless `limit` says otherwise), `lang`, and any number of filters named by dimension
    /// (`kind=practice&country=TH&country=VN`). Empty filter values are left out.
    pub fn parse(
        query: Option<&str>,
        per_page: usize,
        unknown: UnknownParameters,
    ) -> Result<Self, ValidationError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| ValidationError::new("query", Reason::not_a_query_string(e)))?;
        let number = |name: &str, value: &str| {
            value.parse::<usize>().map_err(|_| {
                ValidationError::new(
                    name,
                    Reason::not_a_whole_number(mitra_domain::ids::clip(value)),
                )
            })
        };
        let mut request = Self::default();
        let (mut offset, mut limit, mut page) = (0, per_page, None);
        for (name, value) in pairs {
            match name.as_str() {
                "q" => request = request.words(&value)?,
                "offset" => offset = number("offset", &value)?,
                "limit" => limit = number("limit", &value)?,
                "page" => page = Some(number("page", &value)?.max(1)),
                "lang" => match parse_language(&value) {
                    Ok(lang) => request.lang = Some(lang),
                    Err(e) if unknown == UnknownParameters::Refuse => return Err(e),
                    Err(_) => {}
                },
                _ if value.is_empty() => {}
                _ => match parse_dimension(&name) {
                    Ok(dimension) => request = request.filter(dimension, &value)?,
                    Err(e) if unknown == UnknownParameters::Refuse => return Err(e),
                    Err(_) => {}
                },
            }
        }
        if let Some(page) = page {
            offset = (page - 1).saturating_mul(limit);
        }
        request.page(offset, limit)
    }

    /// The search for `words` (at most 500 characters), everything else as before.
    pub fn words(mut self, words: &str) -> Result<Self, ValidationError> {
        if words.chars().count() > MAX_WORDS {
            return Err(ValidationError::new("q", Reason::too_long(MAX_WORDS)));
        }
        words.clone_into(&mut self.words);
        Ok(self)
    }

    /// The search narrowed to entries whose `dimension` has `value` (or another value already asked for it).
    pub fn filter(mut self, dimension: Dimension, value: &str) -> Result<Self, ValidationError> {
        if value.is_empty() || value.chars().count() > MAX_FILTER {
            return Err(ValidationError::new(
                dimension_name(dimension),
                Reason::length_between(1, MAX_FILTER),
            ));
        }
        let filter = SearchFilter {
            dimension,
            value: value.to_owned(),
        };
        if !self.filters.contains(&filter) {
            self.filters.push(filter);
        }
        Ok(self)
    }

    /// The page of `limit` hits (1 to 100) after the first `offset` (at most 10 000).
    pub fn page(mut self, offset: usize, limit: usize) -> Result<Self, ValidationError> {
        if !(1..=MAX_SEARCH_LIMIT).contains(&limit) {
            return Err(ValidationError::new(
                "limit",
                Reason::whole_number_between(1, MAX_SEARCH_LIMIT),
            ));
        }
        if offset > MAX_SEARCH_OFFSET {
            return Err(ValidationError::new(
                "offset",
                Reason::at_most(MAX_SEARCH_OFFSET),
            ));
        }
        self.offset = offset;
        self.limit = limit;
        Ok(self)
    }

    /// The search for a reader of `lang`: titles and snippets are shown in it where an entry has it.
    #[must_use]
    pub fn for_reader(mut self, lang: ContentLanguage) -> Self {
        self.lang = Some(lang);
        self
    }

    /// The first `limit` hits (1 to 100) newest change first instead of best match first: for feeds.
    pub fn newest(mut self, limit: usize) -> Result<Self, ValidationError> {
        self = self.page(0, limit)?;
        self.newest_first = true;
        Ok(self)
    }

    /// What the user typed.
    pub fn text(&self) -> &str {
        &self.words
    }

    /// The filters, in the order they were asked for.
    pub fn filters(&self) -> &[SearchFilter] {
        &self.filters
    }

    /// Whether the search filters on `dimension` at all.
    pub fn filters_on(&self, dimension: Dimension) -> bool {
        self.filters.iter().any(|f| f.dimension == dimension)
    }

    /// Whether the search asks for `value` of `dimension`.
    pub fn has_filter(&self, dimension: Dimension, value: &str) -> bool {
        self.filters
            .iter()
            .any(|f| f.dimension == dimension && f.value == value)
    }

    /// Hits skipped.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Hits on the page.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The reader's language, when the search has one.
    pub fn lang(&self) -> Option<ContentLanguage> {
        self.lang
    }
}

/// The content language a `lang` parameter names: one of the entries' languages, or an alias of an interface
/// language (`zh`, `zh-CN`).
fn parse_language(raw: &str) -> Result<ContentLanguage, ValidationError> {
    ContentLanguage::parse(raw).or_else(|e| Language::parse(raw).map(Into::into).map_err(|_| e))
}

/// The dimension named `raw` (`kind`, `country`, `city`, `focus_area`, `challenge`, `language`, `year`).
pub fn parse_dimension(raw: &str) -> Result<Dimension, ValidationError> {
    Dimension::ALL
        .into_iter()
        .find(|d| dimension_name(*d) == raw)
        .ok_or_else(|| {
            let names: Vec<&str> = Dimension::ALL.into_iter().map(dimension_name).collect();
            ValidationError::new(
                mitra_domain::ids::clip(raw),
                Reason::not_a_filter(names.join(", ")),
            )
        })
}

/// The name of a dimension in URLs and the API.
pub fn dimension_name(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Kind => "kind",
        Dimension::Country => "country",
        Dimension::City => "city",
        Dimension::FocusArea => "focus_area",
        Dimension::Challenge => "challenge",
        Dimension::Language => "language",
        Dimension::Year => "year",
    }
}

/// A hit with the stored entry it found.
#[derive(Debug, Clone)]
pub struct Found {
    /// What the index found: the score, and the title and snippet in the language chosen for the reader.
    pub hit: Hit,
    /// The entry as stored.
    pub stored: StoredEntry,
}

/// A page of search results.
#[derive(Debug, Clone)]
pub struct SearchPage {
    /// How many entries match in all.
    pub total: usize,
    /// The page's hits in rank order, each with its entry (a hit whose entry was deleted since is left out).
    pub found: Vec<Found>,
    /// For each dimension, its values among all matching entries with their counts, most frequent first.
    pub facets: Vec<(Dimension, Vec<(String, u64)>)>,
    /// The ids of the thesaurus's concepts the words name: entries naming them in any language were looked for too.
    pub concepts: Vec<String>,
    /// The offset of this page.
    pub offset: usize,
    /// The page size.
    pub limit: usize,
}

impl SearchPage {
    /// The entries found, in rank order.
    pub fn entries(&self) -> impl Iterator<Item = &StoredEntry> {
        self.found.iter().map(|f| &f.stored)
    }
}

impl Mitra {
    /// Searches the entries.
    pub async fn search(&self, request: &SearchRequest) -> Result<SearchPage, ServiceError> {
        let index = self.current_index().await?;
        let query = mitra_search::Query {
            text: request.words.clone(),
            filters: request
                .filters
                .iter()
                .map(|f| (f.dimension, f.value.clone()))
                .collect(),
            offset: request.offset,
            limit: request.limit,
            lang: request.lang.map(|l| l.tag().to_owned()),
            newest_first: request.newest_first,
        };
        let results = tokio::task::spawn_blocking(move || index.search(&query))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?
            .map_err(super::internal)?;
        let ids: Vec<EntryId> = results
            .hits
            .iter()
            .filter_map(|h| EntryId::parse(&h.id).ok())
            .collect();
        let mut stored = self.entries_by_id(&ids).await?;
        let found = results
            .hits
            .into_iter()
            .filter_map(|hit| {
                let stored = stored.remove(&hit.id)?;
                Some(Found { hit, stored })
            })
            .collect();
        Ok(SearchPage {
            total: results.total,
            found,
            facets: results.facets,
            concepts: results.concepts,
            offset: request.offset,
            limit: request.limit,
        })
    }

    /// Every entry a search finds, up to [`MAX_EXPORT`], best first (or newest first): for exports.
    pub async fn search_for_export(
        &self,
        request: &SearchRequest,
    ) -> Result<SearchPage, ServiceError> {
        let mut next = request.clone();
        next.offset = 0;
        next.limit = MAX_SEARCH_LIMIT;
        let mut page = self.search(&next).await?;
        let total = page.total.min(MAX_EXPORT);
        // Pages are counted in hits asked for: entries deleted since the search leave gaps, not repeats.
        let mut asked = MAX_SEARCH_LIMIT;
        while asked < total {
            next.offset = asked;
            page.found.extend(self.search(&next).await?.found);
            asked += MAX_SEARCH_LIMIT;
        }
        page.found.truncate(total);
        page.limit = total;
        Ok(page)
    }

    /// Completions of what the user has typed into the search box.
    pub async fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<String>, ServiceError> {
        if typed.chars().count() > 100 {
            return Err(ValidationError::new("q", Reason::too_long(100)).into());
        }
        let index = self.current_index().await?;
        let typed = typed.to_owned();
        tokio::task::spawn_blocking(move || index.suggest(&typed, limit.clamp(1, 20)))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))?
            .map_err(super::internal)
    }
}
