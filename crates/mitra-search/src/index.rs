//! The index of entries: what goes in ([`Document`]), what a search asks ([`Query`]) and what it answers
//! ([`Results`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TantivyQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analyzer::{
    PreparedTokenizer, SnippetTokenizer, Word, fold_prefix, grams, has_unspaced, joined, prepared,
    prepared_at, southeast_asian_runs, stem, words,
};
use crate::thesaurus::Thesaurus;

/// Name under which the tokenizer of texts cut into words in advance ([`PreparedTokenizer`]) is registered with
/// tantivy: every field of words takes them so.
pub const TOKENIZER: &str = "mitra_prepared";
/// Bumped whenever the schema, the analyzer or the thesaurus's use changes; an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 5;

/// How much a concept named by the query counts against a word of it found in a title (2) or body (1).
const CONCEPT_BOOST: f32 = 1.5;
/// How much the words of a named concept's preferred label, found together in an entry, count.
const LABEL_BOOST: f32 = 0.5;

/// The writer's indexing memory: a segment is written out when it has used this much.
const WRITER_MEMORY: usize = 150_000_000;
/// A page of documents smaller than this is prepared on the calling thread alone.
const PARALLEL_FROM: usize = 64;
/// At most this many threads prepare a page of documents.
const MAX_PREPARING_THREADS: usize = 4;

/// Errors of the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index could not be read or written.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index's directory could not be read or written.
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    /// The index's directory could not be opened.
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
}

impl SearchError {
    /// Whether another process holds the index's writer lock (another server using the same directory).
    pub fn is_locked(&self) -> bool {
        matches!(
            self,
            SearchError::Index(tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _
            ))
        )
    }
}

/// One language's text of an entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// BCP 47 tag: `en`, `zh-Hans`, `th`, …
    pub lang: String,
    /// The title.
    pub title: String,
    /// Summary and body, as one text.
    pub body: String,
}

/// An entry as the index sees it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Document {
    /// The entry's id.
    pub id: String,
    /// Its kind: practice, innovation, solution, project, funding, training, event.
    pub kind: String,
    /// Its text in each language it has.
    pub texts: Vec<Text>,
    /// Further words that should find the entry but are not shown: the names of its cities and countries in
    /// every language.
    pub names: Vec<String>,
    /// What the entry is about, in English words (its topics, challenges and focus areas: `water flood`): tagged
    /// with the concepts of the thesaurus they name, not searched as words.
    pub topics: Vec<String>,
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    /// City ids.
    pub cities: Vec<String>,
    /// ASCN focus areas.
    pub focus_areas: Vec<String>,
    /// The statement's urban challenges.
    pub challenges: Vec<String>,
    /// The year the entry is about (a project's start, an event's date), if any.
    pub year: Option<i32>,
    /// When the entry last changed, in seconds since 1970 (UTC): the order of [`Query::newest_first`].
    pub updated: i64,
}

/// The dimensions a search is counted and filtered by.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// The entry's kind.
    Kind,
    /// A country of the entry.
    Country,
    /// A city of the entry.
    City,
    /// An ASCN focus area.
    FocusArea,
    /// One of the statement's challenges.
    Challenge,
    /// A language the entry is written in.
    Language,
    /// The entry's year.
    Year,
}

impl Dimension {
    /// Every dimension, in the order a page shows them.
    pub const ALL: [Dimension; 7] = [
        Dimension::Kind,
        Dimension::Country,
        Dimension::City,
        Dimension::FocusArea,
        Dimension::Challenge,
        Dimension::Language,
        Dimension::Year,
    ];

    fn root(self) -> &'static str {
        match self {
            Dimension::Kind => "kind",
            Dimension::Country => "country",
            Dimension::City => "city",
            Dimension::FocusArea => "focus",
            Dimension::Challenge => "challenge",
            Dimension::Language => "lang",
            Dimension::Year => "year",
        }
    }

    fn facet(self, value: &str) -> Facet {
        Facet::from_path([self.root(), value])
    }
}

/// A search.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// What the user typed; empty for every entry.
    pub text: String,
    /// Only entries with these values: any of the values given for one dimension, and every dimension given.
    pub filters: Vec<(Dimension, String)>,
    /// How many hits to skip.
    pub offset: usize,
    /// How many hits to return.
    pub limit: usize,
    /// The reader's language, whose text is preferred for titles and snippets.
    pub lang: Option<String>,
    /// Newest change first instead of best match first (for feeds).
    pub newest_first: bool,
}

/// One entry found.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Hit {
    /// The entry's id.
    pub id: String,
    /// BM25 score; 1 for every entry when the query has no words.
    pub score: f32,
    /// The language of the title and snippet shown.
    pub lang: String,
    /// The title, HTML-escaped, with the words found in `<mark>`.
    pub title_html: String,
    /// A passage of the body, HTML-escaped, with the words found in `<mark>`.
    pub snippet_html: String,
}

/// A search's answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Results {
    /// How many entries match in all.
    pub total: usize,
    /// The page asked for, best first.
    pub hits: Vec<Hit>,
    /// The thesaurus's concepts the query names, whose labels in every language were searched too.
    pub concepts: Vec<String>,
    /// For each dimension, its values among the matching entries with their counts, most frequent first.
    pub facets: Vec<(Dimension, Vec<(String, u64)>)>,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    /// The words of the titles, searched; the titles as written are in `title_text`.
    title: Field,
    body: Field,
    /// The titles as written, shown.
    title_text: Field,
    body_text: Field,
    lang: Field,
    names: Field,
    concepts: Field,
    grams: Field,
    suggest: Field,
    facet: Field,
    year: Field,
    updated: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    // Words are scored by their frequencies; only the pairs of unspaced scripts are looked for as phrases, and only
    // they keep their positions.
    let frequencies = IndexRecordOption::WithFreqs;
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        title: builder.add_text_field("title", text(TOKENIZER, frequencies)),
        body: builder.add_text_field("body", text(TOKENIZER, frequencies)),
        title_text: builder.add_text_field("title_text", STORED),
        body_text: builder.add_text_field("body_text", STORED),
        lang: builder.add_text_field("lang", STORED),
        names: builder.add_text_field("names", text(TOKENIZER, frequencies)),
        concepts: builder.add_text_field("concepts", text(TOKENIZER, frequencies)),
        grams: builder.add_text_field("grams", text(TOKENIZER, positions)),
        suggest: builder.add_text_field("suggest", text(TOKENIZER, IndexRecordOption::Basic)),
        facet: builder.add_facet_field("facet", FacetOptions::default()),
        year: builder.add_i64_field("year", INDEXED | FAST),
        updated: builder.add_i64_field("updated", FAST),
    };
    (builder.build(), fields)
}

/// The search index: in a directory, or in memory for tests.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    thesaurus: &'static Thesaurus,
}

/// A rebuild of the index under way ([`SearchIndex::begin_rebuild`]).
pub struct Rebuild<'a> {
    index: &'a SearchIndex,
    /// The writer, until the rebuild is committed.
    writer: Option<std::sync::MutexGuard<'a, IndexWriter>>,
    preparers: Preparers,
}

impl Rebuild<'_> {
    /// Adds a page of documents. It is prepared on every core while the pages before it are indexed.
    pub fn add(&mut self, documents: Vec<Document>) -> Result<(), SearchError> {
        match &self.writer {
            Some(writer) => self.preparers.add(writer, documents),
            None => Ok(()),
        }
    }

    /// Shows the rebuilt index to searches, recording `position`, the change feed's sequence it is current up to.
    pub fn commit(mut self, position: u64) -> Result<(), SearchError> {
        match self.writer.take() {
            Some(writer) => {
                self.preparers.finish(&writer)?;
                self.index.commit(writer, position)
            }
            None => Ok(()),
        }
    }
}

impl Drop for Rebuild<'_> {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.as_mut() {
            // What was added goes: the next write starts from the last commit, not from an index half rebuilt.
            if let Err(error) = writer.rollback() {
                tracing::error!(error = %error, "search.rebuild_rollback_failed");
            }
        }
    }
}

/// Threads that prepare documents for the writer, a part of each batch each, while the writer takes the batches
/// before. They start with the first batch large enough to share, and none start on a machine of one core.
struct Preparers {
    preparer: Preparer,
    threads: Vec<Preparing>,
    /// The parts of batches being prepared, in the order they were added: the writer takes them in that order.
    pending: std::collections::VecDeque<std::sync::mpsc::Receiver<PreparedPart>>,
}

/// One thread preparing parts of batches.
struct Preparing {
    parts: std::sync::mpsc::Sender<(Vec<Document>, std::sync::mpsc::SyncSender<PreparedPart>)>,
    thread: std::thread::JoinHandle<()>,
}

/// A part of a batch prepared, or the panic that preparing it raised (raised again where the writer takes it).
type PreparedPart = std::thread::Result<Vec<TantivyDocument>>;

/// How many parts of batches each preparing thread may have waiting, ahead of the writer.
const PARTS_AHEAD: usize = 2;

impl Preparers {
    fn new(preparer: Preparer) -> Self {
        Self {
            preparer,
            threads: Vec::new(),
            pending: std::collections::VecDeque::new(),
        }
    }

    /// Hands `documents` to `writer` prepared, after every batch added before; a batch of many is prepared on
    /// every core while the writer takes the ones before it. [`Preparers::finish`] hands over the last.
    fn add(
        &mut self,
        writer: &IndexWriter,
        mut documents: Vec<Document>,
    ) -> Result<(), SearchError> {
        let cores = preparing_threads();
        if documents.len() < PARALLEL_FROM || cores == 1 {
            self.finish(writer)?;
            for document in &documents {
                writer.add_document(self.preparer.document(document))?;
            }
            return Ok(());
        }
        while self.threads.len() < cores {
            let thread = self.preparer.thread(self.threads.len())?;
            self.threads.push(thread);
        }
        let per_thread = documents.len().div_ceil(cores);
        let mut parts = Vec::with_capacity(cores);
        while documents.len() > per_thread {
            let rest = documents.split_off(per_thread);
            parts.push(std::mem::replace(&mut documents, rest));
        }
        parts.push(documents);
        for (part, preparing) in parts.into_iter().zip(&self.threads) {
            let (prepared, receive) = std::sync::mpsc::sync_channel(1);
            // A thread that has stopped has panicked, and its panic is raised where its last part is taken.
            drop(preparing.parts.send((part, prepared)));
            self.pending.push_back(receive);
        }
        self.index_prepared(writer, PARTS_AHEAD * cores)
    }

    /// Hands the writer every part still being prepared.
    fn finish(&mut self, writer: &IndexWriter) -> Result<(), SearchError> {
        self.index_prepared(writer, 0)
    }

    /// Hands the writer the prepared parts, oldest first, until `ahead` are left to prepare.
    fn index_prepared(&mut self, writer: &IndexWriter, ahead: usize) -> Result<(), SearchError> {
        while self.pending.len() > ahead {
            let Some(next) = self.pending.pop_front() else {
                break;
            };
            match next.recv() {
                Ok(Ok(documents)) => {
                    for document in documents {
                        writer.add_document(document)?;
                    }
                }
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(_) => {
                    return Err(SearchError::Index(tantivy::TantivyError::InternalError(
                        "a thread preparing documents stopped".into(),
                    )));
                }
            }
        }
        Ok(())
    }
}

impl Drop for Preparers {
    fn drop(&mut self) {
        // The threads end when they have no more parts to prepare.
        self.pending.clear();
        for preparing in self.threads.drain(..) {
            drop(preparing.parts);
            drop(preparing.thread.join());
        }
    }
}

/// What turns an entry into the document tantivy indexes; any thread can hold one.
#[derive(Clone, Copy)]
struct Preparer {
    fields: Fields,
    thesaurus: &'static Thesaurus,
}

impl Preparer {
    /// Starts preparing thread `n`.
    fn thread(self, n: usize) -> Result<Preparing, SearchError> {
        let (parts, received) =
            std::sync::mpsc::channel::<(Vec<Document>, std::sync::mpsc::SyncSender<PreparedPart>)>(
            );
        let thread = std::thread::Builder::new()
            .name(format!("mitra-prepare-{n}"))
            .spawn(move || {
                for (part, prepared) in received {
                    let documents = std::panic::catch_unwind(|| {
                        part.iter().map(|d| self.document(d)).collect()
                    });
                    // The batch is abandoned when no one takes the part.
                    drop(prepared.send(documents));
                }
            })?;
        Ok(Preparing { parts, thread })
    }

    /// The entry as tantivy indexes it. Its texts are cut into words here, once each, on the preparing threads:
    /// the fields of words take them [`prepared`], so tantivy's one indexing thread only splits them apart, and a
    /// title's words serve its searched field, its suggestions and the thesaurus alike. A field of words without
    /// positions takes all of an entry's words in one value (its concepts, its names, its suggestions): tantivy
    /// counts them as it counts the words of several values, and takes one value faster than many.
    fn document(&self, entry: &Document) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, &entry.id);
        let mut concepts = Vec::new();
        let mut suggest = Vec::new();
        for text in &entry.texts {
            doc.add_text(f.title_text, &text.title);
            doc.add_text(f.body_text, &text.body);
            doc.add_text(f.lang, &text.lang);
            doc.add_facet(f.facet, Dimension::Language.facet(&text.lang));
            let title = words(&text.title, false);
            let title_stems = stems(&title);
            let body_stems = words(&text.body, true);
            for (part, stemmed) in [(&text.title, &title_stems), (&text.body, &body_stems)] {
                concepts.extend(self.thesaurus.tag_words(&text.lang, part, stemmed));
                if has_unspaced(part) {
                    doc.add_text(f.grams, prepared_at(&grams(part)));
                }
            }
            doc.add_text(f.title, prepared_words(&title_stems));
            doc.add_text(f.body, prepared_words(&body_stems));
            suggest.push(prepared_words(&title));
        }
        let mut names = Vec::with_capacity(entry.names.len());
        for name in &entry.names {
            let (stemmed, plain) = prepared_name(name);
            names.push(stemmed);
            suggest.push(plain);
        }
        for topic in &entry.topics {
            concepts.extend(self.thesaurus.tag("en", topic));
        }
        let words = [
            (f.names, joined(names.iter().map(String::as_str))),
            (f.suggest, joined(suggest.iter().map(String::as_str))),
            (f.concepts, prepared(concepts)),
        ];
        for (field, words) in words {
            if !words.is_empty() {
                doc.add_text(field, words);
            }
        }
        doc.add_facet(f.facet, Dimension::Kind.facet(&entry.kind));
        let dimensions = [
            (Dimension::Country, &entry.countries),
            (Dimension::City, &entry.cities),
            (Dimension::FocusArea, &entry.focus_areas),
            (Dimension::Challenge, &entry.challenges),
        ];
        for (dimension, values) in dimensions {
            for value in values.iter().collect::<BTreeSet<_>>() {
                doc.add_facet(f.facet, dimension.facet(value));
            }
        }
        doc.add_i64(f.updated, entry.updated);
        if let Some(year) = entry.year {
            doc.add_i64(f.year, i64::from(year));
            doc.add_facet(f.facet, Dimension::Year.facet(&year.to_string()));
        }
        doc
    }
}

/// How many threads prepare documents: the machine's cores, up to [`MAX_PREPARING_THREADS`].
fn preparing_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(MAX_PREPARING_THREADS)
}

/// Where an opened index stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    /// It was there, of this version: `since` is the change-feed position it holds everything up to.
    Current {
        /// The change-feed position recorded with the last write.
        since: u64,
    },
    /// It was missing or of another version, and is now empty: build it from the store.
    Empty,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index of another version is thrown away: it is
    /// derived state, and the caller rebuilds it from the store.
    pub fn open(dir: &Path) -> Result<(Self, Opened), SearchError> {
        let version_file = dir.join("mitra-index-version");
        let current = std::fs::read_to_string(&version_file)
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok())
            == Some(SCHEMA_VERSION);
        if !current && dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        std::fs::write(&version_file, SCHEMA_VERSION.to_string())?;
        let this = Self::with_index(index, fields)?;
        let opened = match (current, this.position()?) {
            (true, Some(since)) => Opened::Current { since },
            _ => Opened::Empty,
        };
        Ok((this, opened))
    }

    /// An empty index in memory.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<Self, SearchError> {
        index.tokenizers().register(TOKENIZER, PreparedTokenizer);
        // One indexing thread: documents then lie in the index in the order they were added, so that entries of
        // equal score come in the same order after every rebuild.
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            thesaurus: Thesaurus::shipped(),
        })
    }

    /// The change-feed position recorded with the last write, if any.
    pub fn position(&self) -> Result<Option<u64>, SearchError> {
        Ok(self
            .index
            .load_metas()?
            .payload
            .and_then(|p| p.parse().ok()))
    }

    /// How many entries the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds or replaces `upserts`, removes the entries `removals`, and records `position` (the change feed's
    /// sequence these changes go up to), in one commit. Searches see the change when this returns.
    pub fn apply(
        &self,
        upserts: &[Document],
        removals: &[String],
        position: u64,
    ) -> Result<(), SearchError> {
        self.write(upserts, removals, position)
    }

    /// Replaces everything in the index with `documents`, in one commit.
    pub fn rebuild(&self, documents: &[Document], position: u64) -> Result<(), SearchError> {
        let mut rebuild = self.begin_rebuild()?;
        rebuild.add(documents.to_vec())?;
        rebuild.commit(position)
    }

    /// Begins replacing everything in the index, page by page, so that the whole corpus is never held at once.
    /// Searches see the old index until [`Rebuild::commit`]; a rebuild dropped before it leaves the index as it was.
    /// Other writes wait for the rebuild to end.
    pub fn begin_rebuild(&self) -> Result<Rebuild<'_>, SearchError> {
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        writer.delete_all_documents()?;
        Ok(Rebuild {
            index: self,
            writer: Some(writer),
            preparers: Preparers::new(self.preparer()),
        })
    }

    fn preparer(&self) -> Preparer {
        Preparer {
            fields: self.fields,
            thesaurus: self.thesaurus,
        }
    }

    fn write(
        &self,
        upserts: &[Document],
        removals: &[String],
        position: u64,
    ) -> Result<(), SearchError> {
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for id in removals.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(Term::from_field_text(self.fields.id, id));
        }
        let mut preparers = Preparers::new(self.preparer());
        preparers.add(&writer, upserts.to_vec())?;
        preparers.finish(&writer)?;
        self.commit(writer, position)
    }

    /// Commits what `writer` holds with the feed `position`, and shows it to searches.
    fn commit(
        &self,
        mut writer: std::sync::MutexGuard<'_, IndexWriter>,
        position: u64,
    ) -> Result<(), SearchError> {
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&position.to_string());
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// The query for the words of `text`, in every field that holds words, and what to mark in the texts found.
    fn text_query(&self, text: &str) -> Option<(Box<dyn TantivyQuery>, Needles)> {
        let f = self.fields;
        let terms: BTreeSet<String> = words(text, true).into_iter().map(|w| w.text).collect();
        if terms.is_empty() {
            return None;
        }
        let boosted =
            |query: Box<dyn TantivyQuery>, boost: f32| -> (Occur, Box<dyn TantivyQuery>) {
                (Occur::Should, Box::new(BoostQuery::new(query, boost)))
            };
        let term = |field: Field, word: &str| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            ))
        };
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = terms
            .iter()
            .flat_map(|word| {
                [
                    boosted(term(f.title, word), 2.0),
                    boosted(term(f.body, word), 1.0),
                    boosted(term(f.names, word), 1.5),
                ]
            })
            .collect();
        // A run of Thai, Lao, Khmer or Burmese is also looked for as a phrase of its pairs of characters, inside
        // longer words.
        let mut gram_runs: Vec<(usize, String)> = Vec::new();
        for (position, gram) in grams(text) {
            if gram_runs
                .last()
                .is_some_and(|(last, _)| position > last + 1)
            {
                clauses.push(self.gram_phrase(&gram_runs));
                gram_runs.clear();
            }
            gram_runs.push((position, gram));
        }
        if !gram_runs.is_empty() {
            clauses.push(self.gram_phrase(&gram_runs));
        }
        let mut needles = Needles {
            terms,
            runs: southeast_asian_runs(text)
                .into_iter()
                .filter(|run| run.len() >= 2)
                .map(|run| run.into_iter().collect())
                .collect(),
            runs_finder: None,
            concepts: Vec::new(),
        };
        let query_terms = needles.terms.clone();
        for concept in self.thesaurus.read_query(text) {
            clauses.push(boosted(term(f.concepts, &concept.id), CONCEPT_BOOST));
            needles.concepts.push(concept.id.clone());
            let Some(forms) = self.thesaurus.search_forms(&concept.id) else {
                continue;
            };
            // Its preferred labels are looked for as words too, all the words of a label in one text, so that an
            // entry that writes of "conserving heritage" is found for `pangangalaga sa pamana` though the index
            // did not tag it with the concept of heritage conservation.
            for label_words in forms
                .preferred_words
                .iter()
                .filter(|label_words| **label_words != query_terms)
            {
                let all: Vec<(Occur, Box<dyn TantivyQuery>)> = label_words
                    .iter()
                    .map(|word| {
                        let either: Box<dyn TantivyQuery> = Box::new(BooleanQuery::new(vec![
                            (Occur::Should, term(f.title, word)),
                            (Occur::Should, term(f.body, word)),
                        ]));
                        (Occur::Must, either)
                    })
                    .collect();
                clauses.push(boosted(Box::new(BooleanQuery::new(all)), LABEL_BOOST));
            }
            needles.terms.extend(forms.mark_words.iter().cloned());
            needles.runs.extend(forms.mark_runs.iter().cloned());
        }
        needles.runs_finder = aho_corasick::AhoCorasick::new(&needles.runs).ok();
        Some((Box::new(BooleanQuery::new(clauses)), needles))
    }

    /// The phrase of one run's pairs of characters (one pair alone is a term).
    fn gram_phrase(&self, run: &[(usize, String)]) -> (Occur, Box<dyn TantivyQuery>) {
        let terms: Vec<(usize, Term)> = run
            .iter()
            .map(|(position, gram)| {
                (
                    position - run[0].0,
                    Term::from_field_text(self.fields.grams, gram),
                )
            })
            .collect();
        let query: Box<dyn TantivyQuery> = if terms.len() == 1 {
            Box::new(TermQuery::new(
                terms[0].1.clone(),
                IndexRecordOption::WithFreqs,
            ))
        } else {
            Box::new(PhraseQuery::new_with_offset(terms))
        };
        (Occur::Should, query)
    }

    /// Runs `query`.
    pub fn search(&self, query: &Query) -> Result<Results, SearchError> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let (text, needles) = match self.text_query(&query.text) {
            Some((text, needles)) => (Some(text), needles),
            None => (None, Needles::default()),
        };
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(
            Occur::Must,
            match &text {
                Some(text) => text.box_clone(),
                None => Box::new(AllQuery),
            },
        )];
        let mut by_dimension: HashMap<Dimension, Vec<&str>> = HashMap::new();
        for (dimension, value) in &query.filters {
            by_dimension.entry(*dimension).or_default().push(value);
        }
        for (dimension, values) in by_dimension {
            let any = values
                .into_iter()
                .map(|value| {
                    let term = Term::from_facet(f.facet, &dimension.facet(value));
                    let query: Box<dyn TantivyQuery> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, query)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        let combined = BooleanQuery::new(clauses);
        let mut facets = FacetCollector::for_field("facet");
        for dimension in Dimension::ALL {
            facets.add_facet(Facet::from_path([dimension.root()]));
        }
        let page = TopDocs::with_limit(query.limit.max(1)).and_offset(query.offset);
        let (top, total, counts): (Vec<(f32, DocAddress)>, usize, _) = if query.newest_first {
            let newest = page.order_by_fast_field::<i64>("updated", tantivy::Order::Desc);
            let (top, total, counts) = searcher.search(&combined, &(newest, Count, facets))?;
            (
                top.into_iter().map(|(_, address)| (1.0, address)).collect(),
                total,
                counts,
            )
        } else {
            searcher.search(&combined, &(page.order_by_score(), Count, facets))?
        };
        let top = if query.limit == 0 { Vec::new() } else { top };

        let body_snippets = match &text {
            Some(text) => {
                // As tantivy's own generator, with the words in the text's order: it cuts fragments by offset.
                let mut terms = BTreeMap::new();
                let mut query_terms = Vec::new();
                text.query_terms(&mut |term, _| {
                    if term.field() == f.body {
                        query_terms.push(term.clone());
                    }
                });
                for term in query_terms {
                    let frequency = searcher.doc_freq(&term)?;
                    if let Some(word) = term.value().as_str()
                        && frequency > 0
                    {
                        terms.insert(word.to_owned(), 1.0 / (1.0 + frequency as f32));
                    }
                }
                Some(SnippetGenerator::new(
                    terms,
                    tantivy::tokenizer::TextAnalyzer::from(SnippetTokenizer),
                    f.body,
                    240,
                ))
            }
            None => None,
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            hits.push(self.hit(
                &searcher,
                address,
                score,
                query,
                &needles,
                body_snippets.as_ref(),
            )?);
        }
        let facets = Dimension::ALL
            .into_iter()
            .map(|dimension| {
                let mut values: Vec<(String, u64)> = counts
                    .get(Facet::from_path([dimension.root()]))
                    .map(|(facet, count)| {
                        (
                            facet
                                .to_path()
                                .last()
                                .map(|s| (*s).to_string())
                                .unwrap_or_default(),
                            count,
                        )
                    })
                    .collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                (dimension, values)
            })
            .collect();
        Ok(Results {
            total,
            hits,
            concepts: needles.concepts,
            facets,
        })
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: f32,
        query: &Query,
        needles: &Needles,
        bodies: Option<&SnippetGenerator>,
    ) -> Result<Hit, SearchError> {
        let f = self.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let strings = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let (id, langs, title_texts, body_texts) = (
            strings(f.id),
            strings(f.lang),
            strings(f.title_text),
            strings(f.body_text),
        );
        let has_terms = |text: &str| words(text, true).iter().any(|w| needles.matches(&w.text));
        // The reader's language when the entry has it and the words were found there (or nothing was searched);
        // otherwise the first language where the words were found; otherwise the reader's or the first.
        let found = |i: usize| has_terms(&title_texts[i]) || has_terms(&body_texts[i]);
        let preferred = query
            .lang
            .as_deref()
            .and_then(|lang| langs.iter().position(|l| l == lang));
        let chosen = preferred
            .filter(|&i| needles.terms.is_empty() || found(i))
            .or_else(|| (0..langs.len()).find(|&i| found(i)))
            .or(preferred)
            .unwrap_or(0);
        let title = title_texts.get(chosen).cloned().unwrap_or_default();
        let body = body_texts.get(chosen).cloned().unwrap_or_default();
        let snippet_html = match bodies.map(|g| g.snippet(&body)) {
            Some(snippet) if !snippet.highlighted().is_empty() => {
                let fragment = snippet.fragment().to_owned();
                let before = if body.starts_with(fragment.as_str()) {
                    ""
                } else {
                    "…"
                };
                let after = if body.ends_with(fragment.as_str()) {
                    ""
                } else {
                    "…"
                };
                format!("{before}{}{after}", marked(snippet))
            }
            _ => escape(&lead(&body, 240)),
        };
        Ok(Hit {
            id: id.into_iter().next().unwrap_or_default(),
            score,
            lang: langs.get(chosen).cloned().unwrap_or_default(),
            title_html: mark_words(&title, needles),
            snippet_html,
        })
    }

    /// Words of titles and names that start with what the user has typed of the last word, most frequent first,
    /// each given as the whole query so far completed by it.
    pub fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        // The last word is completed; what comes before it is kept as typed. The space before it may be any
        // whitespace, of any width in UTF-8 (an ideographic space from a Chinese input method, a no-break space).
        let (head, last) = match typed
            .trim_end()
            .char_indices()
            .rfind(|(_, c)| c.is_whitespace())
        {
            Some((at, space)) => typed.split_at(at + space.len_utf8()),
            None => ("", typed),
        };
        let prefix = fold_prefix(last.trim());
        if prefix.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.suggest)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()?;
            while stream.advance() {
                if !stream.key().starts_with(prefix.as_bytes()) {
                    break;
                }
                *counts.entry(stream.key().to_vec()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
        let mut counted: Vec<(String, u64)> = counts
            .into_iter()
            .filter_map(|(key, count)| String::from_utf8(key).ok().map(|word| (word, count)))
            .collect();
        counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(counted
            .into_iter()
            .take(limit)
            .map(|(word, _)| format!("{head}{word}"))
            .collect())
    }
}

/// `plain` words (folded without stems), stemmed.
fn stems(plain: &[Word]) -> Vec<Word> {
    plain
        .iter()
        .map(|w| Word {
            text: stem(w.text.clone()),
            ..*w
        })
        .collect()
}

/// The most names whose words a thread keeps; it forgets them all when it has this many.
const MOST_NAMES: usize = 10_000;

thread_local! {
    /// The words of the names of places a thread has prepared, stemmed and plain: every entry of a city names it,
    /// its country and their names in every language, and a corpus has far fewer places than entries.
    static NAMES: std::cell::RefCell<rustc_hash::FxHashMap<String, (String, String)>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// A name's words, [`prepared`], stemmed and plain.
fn prepared_name(name: &str) -> (String, String) {
    NAMES.with_borrow_mut(|names| {
        if let Some(prepared) = names.get(name) {
            return prepared.clone();
        }
        let plain = words(name, false);
        let prepared = (prepared_words(&stems(&plain)), prepared_words(&plain));
        if names.len() == MOST_NAMES {
            names.clear();
        }
        names.insert(name.to_owned(), prepared.clone());
        prepared
    })
}

fn prepared_words(words: &[Word]) -> String {
    prepared(words.iter().map(|w| w.text.as_str()))
}

/// What a search looks for in the texts it shows, to choose the language shown and to mark what was found.
#[derive(Default)]
struct Needles {
    /// The query's words, folded, and the one-word labels of the concepts it names.
    terms: BTreeSet<String>,
    /// Runs of scripts written without spaces, found inside longer words: the query's Thai, Lao, Khmer and Burmese,
    /// and the labels in those scripts and in Chinese of the concepts it names.
    runs: Vec<String>,
    /// One automaton over `runs` (a concept brings hundreds of labels, and every word of every text shown is
    /// checked against them); without it, each run is looked for in turn.
    runs_finder: Option<aho_corasick::AhoCorasick>,
    /// The ids of the concepts the query names.
    concepts: Vec<String>,
}

impl Needles {
    fn matches(&self, folded_word: &str) -> bool {
        self.terms.contains(folded_word)
            || match &self.runs_finder {
                Some(finder) => finder.is_match(folded_word),
                None => self
                    .runs
                    .iter()
                    .any(|run| folded_word.contains(run.as_str())),
            }
    }
}

/// `text`, HTML-escaped, with every word the search looked for in `<mark>`; overlapping words (a long Chinese word
/// and its parts) make one mark.
fn mark_words(text: &str, needles: &Needles) -> String {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for word in words(text, true)
        .into_iter()
        .filter(|w| needles.matches(&w.text))
    {
        match ranges.last_mut() {
            Some(last) if word.from <= last.1 => last.1 = last.1.max(word.to),
            _ => ranges.push((word.from, word.to)),
        }
    }
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut at = 0;
    for (from, to) in ranges {
        if from < at {
            continue;
        }
        out.push_str(&escape(&text[at..from]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[from..to]));
        out.push_str("</mark>");
        at = to;
    }
    out.push_str(&escape(&text[at..]));
    out
}

fn marked(mut snippet: tantivy::snippet::Snippet) -> String {
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    snippet.to_html()
}

/// The first `chars` characters of `text`, cut at a space where there is one, with an ellipsis when cut.
fn lead(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        None => text.to_string(),
        Some((end, _)) => {
            let cut = text[..end]
                .rfind(' ')
                .filter(|&at| at > end / 2)
                .unwrap_or(end);
            format!("{}…", &text[..cut])
        }
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
