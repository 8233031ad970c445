//! The thesaurus of smart-city concepts: one concept, its labels in every language Mitra speaks.
//!
//! It is shipped as SKOS in JSON-LD (`data/thesaurus/smart-city.jsonld`), each label a SKOS-XL label that records
//! where it comes from. The index tags every entry with the concepts its texts name, and a search for a concept's
//! label in any language also looks for the concept, so that `ngập lụt` finds a practice written in English about
//! floods.
//!
//! Labels are found in text as the index sees it. In scripts that separate words with spaces a label is a run of
//! whole words (`flood control` is not found in `floodcontrols`, `ev` not in `every`); in Chinese, Thai, Lao,
//! Khmer and Burmese, written without spaces, it is found anywhere, so that the part `จราจร` (traffic) is found in
//! the compound `การจราจร`.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use crate::analyzer::{Word, fold, has_unspaced, words};

const SHIPPED: &str = include_str!("../../../data/thesaurus/smart-city.jsonld");

/// Where a label comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Written for the thesaurus by its editors.
    Editorial,
    /// Taken from a published source (a standard, an official glossary).
    Source,
    /// Machine-translated from the English label, not yet reviewed.
    MachineTranslation,
}

/// One label of a concept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// BCP 47 tag of its language.
    pub lang: String,
    /// The label as written.
    pub text: String,
    /// Whether it is the concept's preferred label in its language (otherwise an alternative).
    pub preferred: bool,
    /// Where it comes from.
    pub origin: Origin,
}

/// One concept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concept {
    /// Its id, e.g. `flood-control`.
    pub id: String,
    /// The id of the broader concept, if any.
    pub broader: Option<String>,
    /// Its labels, preferred first within each language.
    pub labels: Vec<Label>,
}

impl Concept {
    /// The preferred label in `lang`, else in English.
    pub fn label(&self, lang: &str) -> &str {
        let preferred = |l: &str| {
            self.labels
                .iter()
                .find(|label| label.preferred && label.lang == l)
        };
        preferred(lang)
            .or_else(|| preferred("en"))
            .map_or(self.id.as_str(), |label| label.text.as_str())
    }
}

/// An error in a thesaurus file.
#[derive(Debug, thiserror::Error)]
#[error("thesaurus: {0}")]
pub struct ThesaurusError(String);

/// Where labels were found: the concepts' places in the thesaurus, once per label found.
type Found = Vec<usize>;

/// Labels of one kind gathered into one automaton.
struct Patterns {
    automaton: AhoCorasick,
    /// The patterns, as the automaton was built from them.
    keys: Vec<String>,
    /// For each pattern, the concepts it names (a label may be shared).
    concepts: Vec<Vec<usize>>,
    /// The patterns of words between spaces ([`spaced_form`]), word by word: built when first searched so, as
    /// only the labels of each language are (not those read from queries, nor those written without spaces).
    words: OnceLock<WordTrie>,
}

/// Patterns of words as a tree of their words: a text is matched at each of its words by following its next words
/// down the tree, one lookup a word, however many patterns start with the same word.
#[derive(Default)]
struct WordTrie {
    /// The root is the first; each node's next words lead to other nodes.
    nodes: Vec<WordNode>,
}

#[derive(Default)]
struct WordNode {
    next: rustc_hash::FxHashMap<String, usize>,
    /// The place in `keys` of the pattern that ends here.
    pattern: Option<usize>,
}

impl WordTrie {
    /// The tree of the patterns between spaces among `keys`.
    fn of(keys: &[String]) -> Self {
        let mut trie = Self {
            nodes: vec![WordNode::default()],
        };
        let patterns = keys.iter().enumerate().filter_map(|(at, key)| {
            let inner = key.strip_prefix(' ')?.strip_suffix(' ')?;
            Some((at, inner)).filter(|_| !inner.is_empty())
        });
        for (at, key) in patterns {
            let mut node = 0;
            for word in key.split(' ') {
                node = match trie.nodes[node].next.get(word) {
                    Some(&next) => next,
                    None => {
                        let next = trie.nodes.len();
                        trie.nodes.push(WordNode::default());
                        trie.nodes[node].next.insert(word.to_owned(), next);
                        next
                    }
                };
            }
            trie.nodes[node].pattern = Some(at);
        }
        trie
    }

    /// The patterns that start at the first of `words`, shortest first.
    fn starting(&self, words: &[Word], mut found: impl FnMut(usize)) {
        let mut node = 0;
        for word in words {
            match self.nodes[node].next.get(word.text.as_str()) {
                Some(&next) => node = next,
                None => return,
            }
            if let Some(at) = self.nodes[node].pattern {
                found(at);
            }
        }
    }
}

impl Patterns {
    fn new(patterns: HashMap<String, Vec<usize>>, kind: MatchKind) -> Result<Self, ThesaurusError> {
        // In the order of the labels, so that the concepts a query names come in the same order in every process
        // (a map's order changes with its seed).
        let mut patterns: Vec<(String, Vec<usize>)> = patterns.into_iter().collect();
        patterns.sort_unstable();
        let (keys, concepts): (Vec<String>, Vec<Vec<usize>>) = patterns.into_iter().unzip();
        let automaton = AhoCorasick::builder()
            .match_kind(kind)
            .build(&keys)
            .map_err(|e| ThesaurusError(e.to_string()))?;
        Ok(Self {
            automaton,
            keys,
            concepts,
            words: OnceLock::new(),
        })
    }

    /// [`Patterns::overlapping`] in the [`spaced_form`] of `words`, found word by word: a pattern between spaces
    /// matches where its words follow one another. When a word holds a space (a compatibility form folded to one),
    /// the text is searched as written out.
    fn overlapping_words(&self, words: &[Word], found: &mut Found) {
        if words.iter().any(|w| w.text.contains(' ')) {
            self.overlapping(&spaced_form_of(words), found);
            return;
        }
        let trie = self.words.get_or_init(|| WordTrie::of(&self.keys));
        for i in 0..words.len() {
            trie.starting(&words[i..], |at| found.extend(&self.concepts[at]));
        }
    }

    fn overlapping(&self, haystack: &str, found: &mut Found) {
        for m in self.automaton.find_overlapping_iter(haystack) {
            found.extend(&self.concepts[m.pattern().as_usize()]);
        }
    }

    fn leftmost_longest(&self, haystack: &str, found: &mut Found) {
        for m in self.automaton.find_iter(haystack) {
            found.extend(&self.concepts[m.pattern().as_usize()]);
        }
    }

    /// The concepts of the patterns that hold `needle` whole.
    fn holding(&self, needle: &str, found: &mut Found) {
        for (key, concepts) in self.keys.iter().zip(&self.concepts) {
            if key.contains(needle) {
                found.extend(concepts);
            }
        }
    }
}

/// A concept's labels as a search uses them, derived once when the thesaurus is read.
#[derive(Debug, Default)]
pub struct SearchForms {
    /// The folded words of each preferred label (a search looks for all the words of one label in one text).
    pub preferred_words: Vec<std::collections::BTreeSet<String>>,
    /// The folded one-word labels in scripts written with spaces: marked where found.
    pub mark_words: Vec<String>,
    /// The folded labels in scripts written without spaces: marked inside the words that hold them.
    pub mark_runs: Vec<String>,
}

impl SearchForms {
    fn of(concept: &Concept) -> Self {
        let mut forms = Self::default();
        for label in &concept.labels {
            let label_words = words(&label.text, true);
            if label.preferred && !label_words.is_empty() {
                forms
                    .preferred_words
                    .push(label_words.iter().map(|w| w.text.clone()).collect());
            }
            if has_unspaced(&label.text) {
                forms.mark_runs.push(fold(&label.text, false));
            } else if let [word] = label_words.as_slice() {
                forms.mark_words.push(word.text.clone());
            }
        }
        forms
    }
}

/// The concepts, and the automata that find their labels in text.
pub struct Thesaurus {
    concepts: Vec<Concept>,
    /// Each concept's labels as a search uses them, in the order of `concepts`.
    forms: Vec<SearchForms>,
    by_id: HashMap<String, usize>,
    /// Labels in scripts written with spaces, per language: for tagging a text of that language.
    spaced: HashMap<String, Patterns>,
    /// Labels in scripts written with spaces, of every language, longest first: for reading a query.
    spaced_any: Patterns,
    /// Labels in scripts written without spaces (Han, Thai, Lao, Khmer, Burmese), whose script tells their language.
    unspaced: Patterns,
    unspaced_longest: Patterns,
}

/// A text as a sequence of folded words, each between spaces: `" flood control "`.
fn spaced_form(text: &str) -> String {
    spaced_form_of(&words(text, true))
}

/// [`spaced_form`] of a text's words, stemmed, when they are at hand.
fn spaced_form_of(words: &[Word]) -> String {
    let mut out = String::from(" ");
    for word in words {
        out.push_str(&word.text);
        out.push(' ');
    }
    out
}

/// A text folded, without its spaces: where labels in scripts written without spaces are found. It is folded a
/// piece between spaces at a time, which gives what folding it whole gives (a space is a starter that nothing
/// composes with, so normalisation never reaches across one) and lets each piece take [`fold`]'s shortcuts.
fn unspaced_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split(char::is_whitespace).filter(|p| !p.is_empty()) {
        out.extend(fold(piece, false).chars().filter(|c| !c.is_whitespace()));
    }
    out
}

impl Thesaurus {
    /// The thesaurus shipped with Mitra.
    pub fn shipped() -> &'static Thesaurus {
        static SHIPPED_THESAURUS: OnceLock<Thesaurus> = OnceLock::new();
        SHIPPED_THESAURUS.get_or_init(|| {
            // The shipped file is checked by this crate's tests; an error here is a broken build.
            Thesaurus::from_json_ld(SHIPPED).unwrap_or_else(|e| panic!("{e}"))
        })
    }

    /// Reads a thesaurus in Mitra's SKOS JSON-LD form: a `@graph` of `skos:Concept`s with SKOS-XL labels.
    pub fn from_json_ld(text: &str) -> Result<Self, ThesaurusError> {
        let file: File = serde_json::from_str(text).map_err(|e| ThesaurusError(e.to_string()))?;
        let mut concepts = Vec::new();
        for node in file.graph {
            if node.kind != "skos:Concept" {
                continue;
            }
            let id = node
                .id
                .strip_prefix("mitra:")
                .ok_or_else(|| ThesaurusError(format!("{}: ids start with `mitra:`", node.id)))?
                .to_owned();
            let mut labels = Vec::new();
            for (preferred, list) in [(true, node.pref), (false, node.alt)] {
                for label in list {
                    labels.push(Label {
                        lang: label.form.lang,
                        text: label.form.value,
                        preferred,
                        origin: label.origin,
                    });
                }
            }
            let broader = node
                .broader
                .map(|b| b.id.trim_start_matches("mitra:").to_owned());
            concepts.push(Concept {
                id,
                broader,
                labels,
            });
        }
        Self::new(concepts)
    }

    /// A thesaurus of `concepts`.
    pub fn new(concepts: Vec<Concept>) -> Result<Self, ThesaurusError> {
        let mut by_id = HashMap::new();
        let mut spaced: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        let mut spaced_any: HashMap<String, Vec<usize>> = HashMap::new();
        let mut unspaced: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, concept) in concepts.iter().enumerate() {
            if by_id.insert(concept.id.clone(), at).is_some() {
                return Err(ThesaurusError(format!("{}: two concepts", concept.id)));
            }
            for label in &concept.labels {
                let add = |map: &mut HashMap<String, Vec<usize>>, key: String| {
                    let concepts = map.entry(key).or_default();
                    if !concepts.contains(&at) {
                        concepts.push(at);
                    }
                };
                if has_unspaced(&label.text) {
                    let key = unspaced_form(&label.text);
                    if key.chars().count() >= 2 {
                        add(&mut unspaced, key);
                    }
                } else {
                    let key = spaced_form(&label.text);
                    if key.trim().is_empty() {
                        continue;
                    }
                    add(spaced.entry(label.lang.clone()).or_default(), key.clone());
                    add(&mut spaced_any, key);
                }
            }
        }
        for concept in &concepts {
            if let Some(broader) = &concept.broader
                && !by_id.contains_key(broader)
            {
                return Err(ThesaurusError(format!(
                    "{}: broader concept {broader} is not in the thesaurus",
                    concept.id
                )));
            }
        }
        let spaced = spaced
            .into_iter()
            .map(|(lang, patterns)| Ok((lang, Patterns::new(patterns, MatchKind::Standard)?)))
            .collect::<Result<_, ThesaurusError>>()?;
        Ok(Self {
            forms: concepts.iter().map(SearchForms::of).collect(),
            concepts,
            by_id,
            spaced,
            spaced_any: Patterns::new(spaced_any, MatchKind::LeftmostLongest)?,
            unspaced_longest: Patterns::new(unspaced.clone(), MatchKind::LeftmostLongest)?,
            unspaced: Patterns::new(unspaced, MatchKind::Standard)?,
        })
    }

    /// Every concept.
    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    /// The concept `id`.
    pub fn concept(&self, id: &str) -> Option<&Concept> {
        self.by_id.get(id).map(|&at| &self.concepts[at])
    }

    /// The labels of concept `id` as a search uses them.
    pub fn search_forms(&self, id: &str) -> Option<&SearchForms> {
        self.by_id.get(id).map(|&at| &self.forms[at])
    }

    /// The concepts a text in `lang` names, once for each time it names them (the index counts them). Labels in
    /// scripts written with spaces are looked for only in texts of their own language: `air` is Indonesian for
    /// water and not an English word for it.
    pub fn tag(&self, lang: &str, text: &str) -> Vec<&str> {
        self.tag_words(lang, text, &words(text, true))
    }

    /// [`Thesaurus::tag`], given the text's words, stemmed ([`words`] with `stem` set), when they are at hand.
    pub fn tag_words(&self, lang: &str, text: &str, stemmed: &[Word]) -> Vec<&str> {
        let mut found = Vec::new();
        if let Some(patterns) = self.spaced.get(lang) {
            patterns.overlapping_words(stemmed, &mut found);
        }
        if has_unspaced(text) {
            self.unspaced.overlapping(&unspaced_form(text), &mut found);
        }
        found
            .into_iter()
            .map(|at| self.concepts[at].id.as_str())
            .collect()
    }

    /// The concepts a query names, in any language, each once. Where labels overlap the longest is taken, so
    /// that `air pollution` is that concept and not the Indonesian `air` (water). A query that is a part of a
    /// label, of two words or more (`datos ng lungsod` of `plataporma ng datos ng lungsod`), or of four letters
    /// or more in a script written without spaces (`ទឹកជំនន់`, flood, of `ការគ្រប់គ្រងទឹកជំនន់`, flood
    /// management), names that label's concept too: one word or two letters would name too many.
    pub fn read_query(&self, query: &str) -> Vec<&Concept> {
        let mut found = Vec::new();
        let spaced = spaced_form(query);
        self.spaced_any.leftmost_longest(&spaced, &mut found);
        if spaced.trim().split(' ').count() >= 2 {
            self.spaced_any.holding(&spaced, &mut found);
        }
        if has_unspaced(query) {
            let unspaced = unspaced_form(query);
            self.unspaced_longest
                .leftmost_longest(&unspaced, &mut found);
            if unspaced.chars().count() >= 4 {
                self.unspaced_longest.holding(&unspaced, &mut found);
            }
        }
        let mut seen = Vec::new();
        for at in found {
            if !seen.contains(&at) {
                seen.push(at);
            }
        }
        seen.into_iter().map(|at| &self.concepts[at]).collect()
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(rename = "@graph")]
    graph: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "skos:broader")]
    broader: Option<Reference>,
    #[serde(rename = "skosxl:prefLabel", default)]
    pref: Vec<XlLabel>,
    #[serde(rename = "skosxl:altLabel", default)]
    alt: Vec<XlLabel>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(rename = "@id")]
    id: String,
}

#[derive(Deserialize)]
struct XlLabel {
    #[serde(rename = "skosxl:literalForm")]
    form: Literal,
    #[serde(rename = "mitra:origin")]
    origin: Origin,
}

#[derive(Deserialize)]
struct Literal {
    #[serde(rename = "@value")]
    value: String,
    #[serde(rename = "@language")]
    lang: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_folded_between_spaces_is_the_text_folded_whole() {
        let texts = [
            "น้ำท่วม ในกรุงเทพ",
            "智慧城市 Smart City 交通",
            "Hà Nội\u{3000}ngập lụt",
            // Marks and compatibility forms next to spaces: a mark opening a piece, a letter that decomposes to a
            // space and a mark, and spaces of other widths.
            "a \u{0301}b \u{0E48}ก",
            "x\u{00A8}y\u{00A0}\u{2003}z \u{FF21}\u{3000}\u{F900}",
            "ກ\u{0EB3} ភ្នំពេញ\u{200A}မြို့\n\tÉ\u{0323}",
            "",
            "   ",
        ];
        for text in texts {
            let whole: String = fold(text, false)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert_eq!(unspaced_form(text), whole, "{text:?}");
        }
    }

    #[test]
    fn labels_found_word_by_word_are_those_the_automaton_finds_in_the_spaced_text() {
        use proptest::prelude::*;
        let shipped = Thesaurus::shipped();
        // Texts made of the words of the shipped English and Vietnamese labels, which share their first words
        // (`smart`, `công`), and of words of no label.
        let mut vocabulary: Vec<String> = ["en", "vi"]
            .iter()
            .flat_map(|lang| shipped.spaced[*lang].keys.iter())
            .flat_map(|key| key.split(' ').filter(|w| !w.is_empty()))
            .map(str::to_owned)
            .collect();
        vocabulary.sort_unstable();
        vocabulary.dedup();
        vocabulary.extend(["nowhere", "zzz"].map(str::to_owned));
        let word = proptest::sample::select(vocabulary);
        proptest!(ProptestConfig::with_cases(2000), |(
            lang in proptest::sample::select(vec!["en", "vi"]),
            text in proptest::collection::vec(word, 0..12),
        )| {
            let words: Vec<Word> = text
                .into_iter()
                .map(|text| Word { from: 0, to: 0, text })
                .collect();
            let patterns = &shipped.spaced[lang];
            let mut by_word = Vec::new();
            patterns.overlapping_words(&words, &mut by_word);
            let mut by_automaton = Vec::new();
            patterns.overlapping(&spaced_form_of(&words), &mut by_automaton);
            by_word.sort_unstable();
            by_automaton.sort_unstable();
            prop_assert_eq!(by_word, by_automaton);
        });
    }

    fn label(lang: &str, text: &str) -> Label {
        Label {
            lang: lang.into(),
            text: text.into(),
            preferred: false,
            origin: Origin::Editorial,
        }
    }

    fn small() -> Thesaurus {
        Thesaurus::new(vec![
            Concept {
                id: "flood".into(),
                broader: None,
                labels: vec![
                    label("en", "flood"),
                    label("vi", "ngập lụt"),
                    label("zh-Hans", "洪水"),
                ],
            },
            Concept {
                id: "traffic".into(),
                broader: None,
                labels: vec![label("en", "traffic"), label("th", "จราจร")],
            },
            Concept {
                id: "water-supply".into(),
                broader: None,
                labels: vec![label("en", "water supply"), label("id", "air")],
            },
            Concept {
                id: "air-pollution".into(),
                broader: None,
                labels: vec![label("en", "air pollution")],
            },
            Concept {
                id: "ev".into(),
                broader: None,
                labels: vec![label("en", "EV")],
            },
        ])
        .expect("thesaurus")
    }

    #[test]
    fn a_query_in_any_language_names_its_concept() {
        let t = small();
        let ids =
            |q: &str| -> Vec<String> { t.read_query(q).iter().map(|c| c.id.clone()).collect() };
        assert_eq!(ids("ngập lụt"), ["flood"]);
        assert_eq!(ids("ngap lut"), ["flood"], "tone marks folded");
        assert_eq!(ids("Floods"), ["flood"], "English stems");
        assert_eq!(ids("洪水预警"), ["flood"]);
        assert_eq!(ids("จราจร"), ["traffic"]);
        assert_eq!(ids("การจราจรติดขัด"), ["traffic"], "a part inside a compound");
        assert_eq!(
            ids("air pollution"),
            ["air-pollution"],
            "the longest label wins"
        );
        assert!(ids("every event").is_empty(), "whole words only");
        assert_eq!(
            ids("supply"),
            Vec::<String>::new(),
            "one word inside a label names nothing"
        );
    }

    #[test]
    fn a_query_names_its_concepts_in_the_same_order_every_time() {
        let named = |t: &Thesaurus| -> Vec<String> {
            t.read_query("เมือง").iter().map(|c| c.id.clone()).collect()
        };
        let first = named(&Thesaurus::from_json_ld(SHIPPED).expect("shipped"));
        assert!(first.len() > 10, "{first:?}");
        for _ in 0..4 {
            let again = named(&Thesaurus::from_json_ld(SHIPPED).expect("shipped"));
            assert_eq!(again, first);
        }
    }

    #[test]
    fn texts_are_tagged_with_the_labels_of_their_own_language() {
        let t = small();
        assert_eq!(t.tag("en", "Clean air for all"), Vec::<&str>::new());
        assert_eq!(t.tag("id", "Air bersih"), ["water-supply"]);
        assert_eq!(t.tag("en", "Flood and floods"), ["flood", "flood"]);
        assert_eq!(
            t.tag("en", "交通 and 洪水"),
            ["flood"],
            "scripts without spaces in any text"
        );
    }

    #[test]
    fn a_broader_concept_that_is_missing_is_refused() {
        let broken = Thesaurus::new(vec![Concept {
            id: "a".into(),
            broader: Some("b".into()),
            labels: vec![],
        }]);
        assert!(broken.is_err());
    }
}
