//! Words out of text in any of Mitra's languages.
//!
//! Text is split into runs of Han characters and runs of everything else. Han runs are cut into words by jieba's
//! dictionary. Other runs go through ICU4X's word segmenter in dictionary mode: Unicode's word rules for scripts
//! that separate words with spaces, and a word list for Thai, Lao, Khmer and Burmese, which do not. Every word is
//! then folded: compatibility forms are unified (full-width letters), case is dropped, and so are the accents on
//! Latin letters, so that Vietnamese typed without tone marks still matches (`Hà Nội` and `ha noi` give the same
//! words). Marks on other scripts are kept: a Thai vowel sign is part of its word. Words in plain ASCII letters are
//! reduced to their English stem (`floods` and `flooding` give `flood`).

use std::sync::OnceLock;

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};
use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::{
    canonical_combining_class, decompose_compatible, is_combining_mark,
};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkd_quick};

/// One word of a text: where it is, and its folded form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the word's first character in the text.
    pub from: usize,
    /// Byte offset just past the word's last character.
    pub to: usize,
    /// The folded word, as indexed and searched.
    pub text: String,
}

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

fn english() -> &'static frostem::Stemmer {
    static STEMMER: OnceLock<frostem::Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| frostem::Stemmer::new(frostem::Algorithm::English))
}

/// Han ideographs, which jieba cuts: the unified blocks and their extensions, and the compatibility block.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// Letters of the scripts written without spaces between words: Han, Thai, Lao, Khmer and Burmese.
pub fn is_unspaced(c: char) -> bool {
    is_han(c) || is_southeast_asian(c)
}

/// Whether `text` holds a letter of a script written without spaces ([`is_unspaced`]).
pub fn has_unspaced(text: &str) -> bool {
    chars_from(text, 0xE0).any(is_unspaced)
}

/// The characters of `text` whose UTF-8 form starts with a byte of `lead` or above, found by their first bytes:
/// every letter from U+0800 on takes three bytes or more, led by 0xE0 or above, and Han from U+3400 on by 0xE3 or
/// above. Most text is spaced, mostly ASCII, and skipped a byte at a time without decoding it.
fn chars_from(text: &str, lead: u8) -> impl Iterator<Item = char> + '_ {
    text.bytes()
        .enumerate()
        .filter(move |&(_, b)| b >= lead)
        .filter_map(|(at, _)| text.get(at..).and_then(|rest| rest.chars().next()))
}

/// Letters of Thai, Lao, Khmer and Burmese, whose words the dictionary segmenter may cut differently from how a
/// reader cuts them (a compound whole, or its parts).
fn is_southeast_asian(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' | '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}'
        | '\u{1000}'..='\u{109F}' | '\u{A9E0}'..='\u{A9FF}' | '\u{AA60}'..='\u{AA7F}')
}

/// The runs of Thai, Lao, Khmer and Burmese in `text`, folded, each as its characters: the index keeps their
/// overlapping pairs (see [`grams`]) so that a word is found inside a longer word however the dictionary
/// cut either.
pub fn southeast_asian_runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_southeast_asian(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(fold(&run, false).chars().collect());
            run.clear();
        }
    }
    runs
}

/// Latin letters, whose accents folding drops.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}')
}

/// The folded form of one word: compatibility-decomposed, lower-cased, accents dropped from Latin letters, and,
/// when `stem` is set, English-stemmed if it is plain ASCII letters.
pub fn fold(word: &str, stem: bool) -> String {
    // Most words have nothing to decompose, mark or compose, or fold letter by letter; they skip the normalisation
    // and give the same word (each shortcut is checked against it by a test).
    if word.is_ascii() {
        return fold_ascii(word, stem);
    }
    if word.chars().all(is_unified_han) {
        return word.to_owned();
    }
    if let Some(folded) = fold_latin(word) {
        return stemmed(folded, stem);
    }
    if let Some(folded) = fold_southeast_asian(word) {
        return folded;
    }
    stemmed(fold_normalising(word), stem)
}

/// A character's compatibility decomposition, each character with its canonical combining class.
type Decomposed = Box<[(char, u8)]>;

/// `word` folded, when it is Thai, Lao, Khmer or Burmese, whose letters have no case, and its letters decomposed
/// one by one (SARA AM to NIKHAHIT and SARA AA) give a text already in both normal forms: the quick checks of
/// Unicode's normalisation (each character allowed in both forms, marks in canonical order) pass on it. That text is
/// then the folded word.
fn fold_southeast_asian(word: &str) -> Option<String> {
    /// For each character of the blocks, from U+0E00 to U+19FF and from U+A9E0 to U+AA7F: its compatibility
    /// decomposition, each character with its canonical combining class; empty where a character of it is not
    /// allowed in both normal forms.
    static DECOMPOSED: OnceLock<Vec<Decomposed>> = OnceLock::new();
    fn slot(c: char) -> Option<usize> {
        let c = u32::from(c);
        match c {
            0x0E00..=0x19FF => Some((c - 0x0E00) as usize),
            0xA9E0..=0xAA7F => Some((c - 0xA9E0) as usize + 0x0C00),
            _ => None,
        }
    }
    let table = DECOMPOSED.get_or_init(|| {
        let chars = ('\u{0E00}'..='\u{19FF}').chain('\u{A9E0}'..='\u{AA7F}');
        chars
            .map(|c| {
                let mut decomposed = Vec::new();
                decompose_compatible(c, |d| decomposed.push(d));
                let allowed = |d: char| {
                    is_nfkd_quick(std::iter::once(d)) == IsNormalized::Yes
                        && is_nfc_quick(std::iter::once(d)) == IsNormalized::Yes
                };
                if decomposed.iter().all(|&d| allowed(d)) {
                    decomposed
                        .into_iter()
                        .map(|d| (d, canonical_combining_class(d)))
                        .collect()
                } else {
                    Box::default()
                }
            })
            .collect()
    });
    let mut out = String::with_capacity(word.len() + 6);
    let mut last_class = 0;
    for c in word.chars() {
        if !is_southeast_asian(c) {
            return None;
        }
        let decomposed = table.get(slot(c)?)?;
        if decomposed.is_empty() {
            return None;
        }
        for &(d, class) in decomposed {
            if class != 0 && last_class > class {
                return None;
            }
            out.push(d);
            last_class = class;
        }
    }
    Some(out)
}

/// [`fold`] without its shortcuts or a stem: by Unicode normalisation, for any word.
fn fold_normalising(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut after_latin = false;
    for c in word.nfkd() {
        if is_combining_mark(c) {
            if !after_latin {
                out.push(c);
            }
            continue;
        }
        after_latin = is_latin(c);
        match c {
            // Vietnamese đ has no decomposition; its base letter is d.
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    // Composing again keeps Thai, Lao and other marked scripts in one canonical form.
    out.nfc().collect()
}

/// The blocks of accented Latin letters that [`fold_latin`] folds letter by letter.
const LATIN_BLOCKS: [std::ops::RangeInclusive<char>; 2] =
    ['\u{00C0}'..='\u{024F}', '\u{1E00}'..='\u{1EFF}'];

/// `word` folded letter by letter, when every letter is ASCII or an accented Latin letter that folds on its own to
/// one ASCII letter (`ệ` to `e`, `Đ` to `d`): Vietnamese, Indonesian and Filipino words. Each letter's decomposition
/// is its base letter and marks that folding drops, so the word folds as its letters do.
fn fold_latin(word: &str) -> Option<String> {
    /// Each letter of [`LATIN_BLOCKS`], from the first block's first, and the ASCII letter it folds to (0 where
    /// it folds to something else).
    static FOLDED: OnceLock<Vec<u8>> = OnceLock::new();
    const FIRST: u32 = 0xC0;
    let folded = FOLDED.get_or_init(|| {
        let last = LATIN_BLOCKS
            .iter()
            .map(|b| u32::from(*b.end()))
            .max()
            .unwrap_or(FIRST);
        let mut table = vec![0; (last - FIRST + 1) as usize];
        for c in LATIN_BLOCKS.into_iter().flatten() {
            if let &[byte] = fold_normalising(c.encode_utf8(&mut [0; 4])).as_bytes() {
                table[(u32::from(c) - FIRST) as usize] = byte;
            }
        }
        table
    });
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            match folded.get((u32::from(c)).checked_sub(FIRST)? as usize) {
                Some(&byte) if byte != 0 => out.push(char::from(byte)),
                _ => return None,
            }
        }
    }
    Some(out)
}

/// A word folded without a stem ([`fold`] with `stem` unset), now stemmed: `fold(word, true)` is
/// `stem(fold(word, false))`, so a text cut once gives both its plain and its stemmed words.
pub fn stem(folded: String) -> String {
    stemmed(folded, true)
}

/// `folded`, English-stemmed when `stem` is set and it is plain ASCII letters.
fn stemmed(folded: String, stem: bool) -> String {
    if stem && stemmable(&folded) {
        cached_stem(&folded)
    } else {
        folded
    }
}

/// Whether a folded word is stemmed: plain ASCII letters, four or more.
fn stemmable(folded: &str) -> bool {
    folded.len() > 3 && folded.bytes().all(|b| b.is_ascii_lowercase())
}

/// The English stem of a [`stemmable`] word, from the thread's stems when it has stemmed the word before.
fn cached_stem(folded: &str) -> String {
    STEMS.with_borrow_mut(|stems| {
        if let Some(stem) = stems.get(folded) {
            return stem.clone();
        }
        let stem = english().stem(folded).into_owned();
        if stems.len() == MOST_STEMS {
            stems.clear();
        }
        stems.insert(folded.to_owned(), stem.clone());
        stem
    })
}

/// [`fold`] of an ASCII word. A word to stem is lower-cased on the stack to look up its stem, and a new `String` is
/// made only for the stem.
fn fold_ascii(word: &str, stem: bool) -> String {
    let mut lower = [0; 64];
    if stem && let Some(lower) = lower.get_mut(..word.len()) {
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        if let Ok(lower) = std::str::from_utf8(lower)
            && stemmable(lower)
        {
            return cached_stem(lower);
        }
    }
    stemmed(word.to_ascii_lowercase(), stem)
}

/// The most words whose stems a thread keeps; it forgets them all when it has this many.
const MOST_STEMS: usize = 20_000;

thread_local! {
    /// Stems of the words a thread has stemmed: a text's words repeat, and stemming is a large part of indexing.
    static STEMS: std::cell::RefCell<rustc_hash::FxHashMap<String, String>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// Han ideographs of the unified blocks (not the compatibility ones), which have no decomposition.
fn is_unified_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// The words of `text`, in order, each with its place in the text.
/// `stem` as for [`fold`].
pub fn words(text: &str, stem: bool) -> Vec<Word> {
    let mut words = Vec::new();
    if !chars_from(text, 0xE3).any(is_han) {
        other_words(text, 0, stem, &mut words);
        return words;
    }
    let mut start = 0;
    while start < text.len() {
        let han = text[start..].chars().next().is_some_and(is_han);
        let end = text[start..]
            .char_indices()
            .find(|&(_, c)| is_han(c) != han)
            .map_or(text.len(), |(i, _)| start + i);
        let run = &text[start..end];
        if han {
            // Search mode: a long word comes whole and also as its shorter words, so that a query for a part
            // finds it, and a query for the whole ranks the texts holding the whole word first.
            for token in jieba().cut_for_search(run, true) {
                words.push(Word {
                    from: start + token.byte_start,
                    to: start + token.byte_end,
                    text: fold(token.word, stem),
                });
            }
        } else {
            other_words(run, start, stem, &mut words);
        }
        start = end;
    }
    words
}

/// What the user has typed of a word, folded as the index folds it but without a stem: a prefix of words.
pub fn fold_prefix(typed: &str) -> String {
    fold(typed, false)
}

fn other_words(run: &str, offset: usize, stem: bool, words: &mut Vec<Word>) {
    static SEGMENTER: OnceLock<WordSegmenterBorrowed<'static>> = OnceLock::new();
    let segmenter = SEGMENTER
        .get_or_init(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));
    let mut last = 0;
    for (at, kind) in segmenter.segment_str(run).iter_with_word_type() {
        if at > last && kind.is_word_like() {
            let word = &run[last..at];
            words.push(Word {
                from: offset + last,
                to: offset + at,
                text: fold(word, stem),
            });
        }
        last = at;
    }
}

/// Overlapping pairs of characters of the Thai, Lao, Khmer and Burmese runs of a text, with their positions, for a
/// field searched by phrase: `จราจร` is found in `การจราจร` whether the dictionary cut the compound or not. A run
/// of one character gives that character. Other text gives no pairs; runs are kept apart by a gap in positions, so
/// a phrase never spans two runs.
pub fn grams(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut position = 0;
    for run in southeast_asian_runs(text) {
        if run.len() == 1 {
            out.push((position, run[0].to_string()));
        }
        for pair in run.windows(2) {
            out.push((position, pair.iter().collect()));
            position += 1;
        }
        position += 2;
    }
    out
}

/// The analyzer as a tantivy tokenizer, for the passages shown: with English stems, leaving out a word that starts
/// before the one before it (a part of an unspaced compound found after the compound), since a snippet's words must
/// come in the order of the text.
#[derive(Clone, Debug, Default)]
pub struct SnippetTokenizer;

/// The words of one text, handed to tantivy one by one.
pub struct WordStream {
    words: std::vec::IntoIter<Word>,
    token: Token,
}

impl Tokenizer for SnippetTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let mut found = words(text, true);
        let mut last = 0;
        found.retain(|w| {
            let keep = w.from >= last;
            last = last.max(w.from);
            keep
        });
        WordStream {
            words: found.into_iter(),
            token: Token {
                position: usize::MAX,
                ..Token::default()
            },
        }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        let Some(word) = self.words.next() else {
            return false;
        };
        self.token.position = self.token.position.wrapping_add(1);
        self.token.offset_from = word.from;
        self.token.offset_to = word.to;
        self.token.text = word.text;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// What separates the words of a text cut in advance ([`PreparedTokenizer`]).
const SEPARATOR: char = '\u{1F}';

/// Words cut in advance, in order, each at the position after the one before, as one text that
/// [`PreparedTokenizer`] hands to tantivy as they were. Indexing cuts every text into words on as many threads as
/// there are cores; tantivy's one indexing thread then only splits them apart. (A control character is never
/// part of a word; one in `words` is left out.)
pub fn prepared<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        if word.contains(SEPARATOR) {
            out.extend(word.chars().filter(|&c| c != SEPARATOR));
        } else {
            out.push_str(word);
        }
    }
    out
}

/// [`prepared`] texts as one, their words in order (an empty text has none).
pub fn joined<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for text in texts.into_iter().filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push(SEPARATOR);
        }
        out.push_str(text);
    }
    out
}

/// [`prepared`] for words at given positions, rising (the pairs of [`grams`]): a position no word is at is kept
/// empty.
pub fn prepared_at(words: &[(usize, String)]) -> String {
    let mut pieces: Vec<&str> = Vec::with_capacity(words.len());
    for (position, word) in words {
        while pieces.len() < *position {
            pieces.push("");
        }
        pieces.push(word);
    }
    prepared(pieces)
}

/// Hands tantivy the words of a text cut in advance ([`prepared`]).
#[derive(Clone, Debug, Default)]
pub struct PreparedTokenizer;

/// The words of a [`prepared`] text.
pub struct PreparedStream<'a> {
    text: &'a str,
    /// Where the next word starts; past the end when there is none.
    at: usize,
    token: Token,
}

impl Tokenizer for PreparedTokenizer {
    type TokenStream<'a> = PreparedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PreparedStream<'a> {
        PreparedStream {
            text,
            at: 0,
            token: Token {
                position: usize::MAX,
                ..Token::default()
            },
        }
    }
}

impl TokenStream for PreparedStream<'_> {
    fn advance(&mut self) -> bool {
        while self.at <= self.text.len() {
            let from = self.at;
            let to = self.text[from..]
                .find(SEPARATOR)
                .map_or(self.text.len(), |i| from + i);
            self.at = to + SEPARATOR.len_utf8();
            self.token.position = self.token.position.wrapping_add(1);
            if to > from {
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.text.clear();
                self.token.text.push_str(&self.text[from..to]);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text, true).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn every_shortcut_folds_as_normalisation_does() {
        let ascii: String = (0u8..128).map(char::from).collect();
        let mut words: Vec<String> = [
            ascii.as_str(),
            "Floods",
            "COVID-19",
            "ISO37120",
            "智慧城市",
            "中华人民共和国",
            "㐀䶿一鿿",
            "Hà Nội",
            "Đà Nẵng",
            "PHỐ",
            "Pagkakaisa",
            "Ñino",
            "Āẞǅǈſ×÷ßÆ",
            // Thai with its marks in canonical order and out of it, and with SARA AM, which decomposes.
            "กรุงเทพ",
            "น้ำท่วม",
            "ก\u{0E48}\u{0E38}",
            "ຂອງ",
            "ភ្នំពេញ",
            "မြို့",
        ]
        .map(str::to_owned)
        .into();
        // Every accented Latin letter and every Thai, Lao, Khmer and Burmese character, alone and inside a word.
        let blocks = LATIN_BLOCKS.into_iter().flatten().chain(
            [
                '\u{0E00}'..='\u{0EFF}',
                '\u{1000}'..='\u{109F}',
                '\u{1780}'..='\u{17FF}',
                '\u{19E0}'..='\u{19FF}',
                '\u{A9E0}'..='\u{A9FF}',
                '\u{AA60}'..='\u{AA7F}',
            ]
            .into_iter()
            .flatten(),
        );
        for c in blocks {
            words.push(c.to_string());
            words.push(format!("Ab{c}c"));
            words.push(format!("ก{c}ข"));
            words.push(format!("ก\u{0E48}{c}\u{0E33}"));
        }
        for word in &words {
            assert_eq!(fold(word, false), fold_normalising(word), "{word:?}");
        }
        // The compatibility ideographs are not shortcut: they decompose to unified ones.
        assert_ne!(fold("\u{F900}", false), "\u{F900}");
        assert_eq!(fold("Flooding", true), "flood");
        assert_eq!(fold("Hà Nội", false), "ha noi");
    }

    #[test]
    fn the_byte_scans_find_what_a_scan_of_every_character_finds() {
        use proptest::prelude::*;
        // ASCII, Latin and Vietnamese letters, and the first and last characters of each unspaced block with
        // their neighbours outside it, in two, three and four bytes.
        let chars: Vec<char> = "aZ9 ,éđ\u{01B0}\u{1EC7}\u{0DFF}\u{0E00}\u{0E33}\u{0EFF}\u{0F00}\u{0FFF}\u{1000}\u{109F}\
             \u{10A0}\u{177F}\u{1780}\u{17FF}\u{19DF}\u{19E0}\u{19FF}\u{33FF}\u{3400}\u{4DBF}\u{4E00}\u{9FFF}\
             \u{A000}\u{A9DF}\u{A9E0}\u{AA7F}\u{AA80}\u{F8FF}\u{F900}\u{FAFF}\u{FF21}\u{1F600}\u{1FFFF}\
             \u{20000}\u{3134F}\u{31350}"
            .chars()
            .collect();
        proptest!(ProptestConfig::with_cases(5000), |(
            text in proptest::collection::vec(proptest::sample::select(chars.clone()), 0..8)
                .prop_map(|c| c.into_iter().collect::<String>()),
        )| {
            prop_assert_eq!(has_unspaced(&text), text.chars().any(is_unspaced));
            prop_assert_eq!(chars_from(&text, 0xE3).any(is_han), text.chars().any(is_han));
        });
    }

    #[test]
    fn stemming_plain_words_gives_the_stemmed_words() {
        for text in [
            "Floods and FLOODING in Hà Nội",
            "Ｂａｎｇｋｏｋ's smart-city parking sensors",
            "智慧城市交通 and 中华人民共和国",
            "การจัดการน้ำท่วมกรุงเทพ",
            "\u{F900} running ISO37120 COVID-19",
        ] {
            let plain: Vec<Word> = words(text, false)
                .into_iter()
                .map(|w| Word {
                    text: stem(w.text),
                    ..w
                })
                .collect();
            assert_eq!(plain, words(text, true), "{text}");
        }
    }

    /// What [`PreparedTokenizer`] hands tantivy for a prepared text: each word with its position.
    fn tokens(prepared: &str) -> Vec<(usize, String)> {
        let mut tokenizer = PreparedTokenizer;
        let mut stream = tokenizer.token_stream(prepared);
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().position, stream.token().text.clone()));
        }
        out
    }

    #[test]
    fn prepared_words_reach_tantivy_at_the_positions_the_analyzer_gave_them() {
        let text = "Floods in กรุงเทพ and 智慧城市, 2019";
        let cut = words(text, true);
        let expected: Vec<(usize, String)> =
            cut.iter().map(|w| w.text.clone()).enumerate().collect();
        assert_eq!(
            tokens(&prepared(cut.iter().map(|w| w.text.as_str()))),
            expected
        );
        // The pairs of two runs, apart by a gap, and a run of one character.
        let pairs = grams("กขค ง จฉ");
        assert_eq!(tokens(&prepared_at(&pairs)), pairs);
        assert!(pairs.windows(2).all(|p| p[1].0 > p[0].0), "{pairs:?}");
        assert_eq!(
            tokens(&joined(["", "a\u{1F}b", "", "c"])),
            [
                (0, "a".to_owned()),
                (1, "b".to_owned()),
                (2, "c".to_owned())
            ]
        );
        assert_eq!(tokens(""), []);
        assert_eq!(tokens(&prepared(["a\u{1F}b"])), [(0, "ab".to_owned())]);
    }

    #[test]
    fn vietnamese_without_tone_marks_gives_the_same_words() {
        assert_eq!(folded("Hà Nội giao thông"), folded("ha noi giao thong"));
        assert_eq!(folded("Đà Nẵng"), ["da", "nang"]);
        assert_eq!(
            folded("Thành phố Hồ Chí Minh"),
            ["thanh", "pho", "ho", "chi", "minh"]
        );
    }

    #[test]
    fn english_words_are_stemmed_and_case_folded() {
        assert_eq!(folded("Floods and FLOODING"), ["flood", "and", "flood"]);
        assert_eq!(folded("Ｂａｎｇｋｏｋ"), folded("bangkok"));
    }

    #[test]
    fn thai_is_cut_by_the_dictionary_with_its_vowel_signs_kept() {
        // "Bangkok's flood management": no spaces between the words.
        let thai = folded("การจัดการน้ำท่วมกรุงเทพ");
        assert!(
            thai.contains(&"น้ำท่วม".to_string()) || thai.contains(&"ท่วม".to_string()),
            "{thai:?}"
        );
        assert!(thai.iter().any(|w| w.starts_with("กรุงเทพ")), "{thai:?}");
        assert!(
            thai.len() >= 3,
            "one word per dictionary word, not the whole run: {thai:?}"
        );
        assert!(thai.iter().all(|w| w.chars().count() < 12), "{thai:?}");
    }

    #[test]
    fn lao_khmer_and_burmese_are_cut_into_several_words() {
        // "Laos has the Mekong river" in Lao, "I love Phnom Penh" in Khmer, "Yangon city" in Burmese.
        for text in ["ປະເທດລາວມີແມ່ນ້ຳຂອງ", "ខ្ញុំស្រឡាញ់ភ្នំពេញ", "ရန်ကုန်မြို့"]
        {
            let cut = folded(text);
            assert!(cut.len() >= 3, "{text}: {cut:?}");
            assert_eq!(cut.concat(), fold(text, true), "nothing lost from {text}");
        }
    }

    #[test]
    fn chinese_is_cut_into_words_and_long_words_also_into_their_parts() {
        let query = folded("智慧城市交通");
        assert!(
            ["智慧", "城市", "交通"]
                .iter()
                .all(|w| query.contains(&w.to_string())),
            "{query:?}"
        );
        let index = folded("中华人民共和国");
        assert!(
            index.contains(&"中华人民共和国".to_string()) && index.contains(&"人民".to_string()),
            "{index:?}"
        );
    }

    #[test]
    fn a_part_of_a_thai_compound_gives_a_run_of_the_compounds_pairs() {
        let pairs =
            |text: &str| -> Vec<String> { grams(text).into_iter().map(|(_, g)| g).collect() };
        let compound = pairs("การจราจรติดขัด");
        let part = pairs("จราจร");
        assert!(
            compound.windows(part.len()).any(|w| w == part.as_slice()),
            "{compound:?} {part:?}"
        );
        assert!(
            pairs("traffic 交通").is_empty(),
            "only Thai, Lao, Khmer and Burmese"
        );
        let two_runs = grams("ก ข");
        assert!(
            two_runs[1].0 > two_runs[0].0 + 1,
            "runs apart: {two_runs:?}"
        );
    }

    #[test]
    fn mixed_scripts_keep_their_offsets() {
        let text = "Smart city 智慧城市 in กรุงเทพ, 2019";
        for word in words(text, true) {
            assert!(
                text.is_char_boundary(word.from)
                    && text.is_char_boundary(word.to)
                    && word.from < word.to
            );
        }
        let cut = folded(text);
        assert!(
            cut.contains(&"2019".to_string()) && cut.contains(&"智慧".to_string()),
            "{cut:?}"
        );
        assert!(
            !cut.iter().any(|w| w == "," || w == " "),
            "punctuation and spaces are not words: {cut:?}"
        );
    }
}
