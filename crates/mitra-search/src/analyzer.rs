//! Words out of text in any of Mitra's languages.
//!
//! Text is split into runs of Han characters and runs of everything else. Han runs are cut into words by jieba's
//! dictionary. Other runs go through ICU4X's word segmenter in dictionary mode: Unicode's word rules for scripts
//! that separate words with spaces, and a word list for Thai, Lao, Khmer and Burmese, which do not. Every word is
//! then folded: compatibility forms are unified (full-width letters), case is dropped, and so are the accents on
//! Latin letters, so that Vietnamese typed without tone marks still matches (`Hà Nội` and `ha noi` give the same
//! words). Marks on other scripts are kept: a Thai vowel sign is part of its word. Words in plain ASCII letters are
//! reduced to their English stem (`floods` and `flooding` give `flood`).

use std::borrow::Cow;
use std::sync::OnceLock;

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

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

/// Letters of Thai, Lao, Khmer and Burmese, whose words the dictionary segmenter may cut differently from how a
/// reader cuts them (a compound whole, or its parts).
fn is_southeast_asian(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' | '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}'
        | '\u{1000}'..='\u{109F}' | '\u{A9E0}'..='\u{A9FF}' | '\u{AA60}'..='\u{AA7F}')
}

/// The runs of Thai, Lao, Khmer and Burmese in `text`, folded, each as its characters: the index keeps their
/// overlapping pairs (see [`GramTokenizer`]) so that a word is found inside a longer word however the dictionary
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
    // Most words are plain ASCII, or Han ideographs of the unified blocks: neither has anything to decompose, mark
    // or compose, so they skip the normalisation and give the same word.
    if word.is_ascii() {
        return stemmed(word.to_ascii_lowercase(), stem);
    }
    if word.chars().all(is_unified_han) {
        return word.to_owned();
    }
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
    stemmed(out.nfc().collect(), stem)
}

/// `folded`, English-stemmed when `stem` is set and it is plain ASCII letters.
fn stemmed(folded: String, stem: bool) -> String {
    if stem && folded.len() > 3 && folded.bytes().all(|b| b.is_ascii_lowercase()) {
        STEMS.with_borrow_mut(|stems| {
            if let Some(stem) = stems.get(&folded) {
                return stem.clone();
            }
            let stem = match english().stem(&folded) {
                Cow::Borrowed(stem) if stem.len() == folded.len() => folded.clone(),
                stem => stem.into_owned(),
            };
            if stems.len() == MOST_STEMS {
                stems.clear();
            }
            stems.insert(folded, stem.clone());
            stem
        })
    } else {
        folded
    }
}

/// The most words whose stems a thread keeps; it forgets them all when it has this many.
const MOST_STEMS: usize = 20_000;

thread_local! {
    /// Stems of the words a thread has stemmed: a text's words repeat, and stemming is a large part of indexing.
    static STEMS: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Han ideographs of the unified blocks (not the compatibility ones), which have no decomposition.
fn is_unified_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// The words of `text`, in order, each with its place in the text.
/// `stem` as for [`fold`].
pub fn words(text: &str, stem: bool) -> Vec<Word> {
    let mut words = Vec::new();
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
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
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

/// Overlapping pairs of characters of the Thai, Lao, Khmer and Burmese runs of a text, for a field searched by
/// phrase: `จราจร` is found in `การจราจร` whether the dictionary cut the compound or not. Other text gives no
/// pairs; runs are kept apart by a gap in positions, so a phrase never spans two runs.
#[derive(Clone, Debug, Default)]
pub struct GramTokenizer;

/// The pairs of characters of each run, with their positions: a run of one character gives that character.
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

/// The pairs of one text, handed to tantivy one by one.
pub struct GramStream {
    grams: std::vec::IntoIter<(usize, String)>,
    token: Token,
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream {
        GramStream {
            grams: grams(text).into_iter(),
            token: Token::default(),
        }
    }
}

impl TokenStream for GramStream {
    fn advance(&mut self) -> bool {
        let Some((position, text)) = self.grams.next() else {
            return false;
        };
        self.token.position = position;
        self.token.text = text;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The analyzer as a tantivy tokenizer.
#[derive(Clone, Debug)]
pub struct MultilingualTokenizer {
    stem: bool,
    /// Only words that start at or after the one before: what snippets are cut from.
    in_order: bool,
}

impl MultilingualTokenizer {
    /// With English stems: for searching text.
    pub fn stemming() -> Self {
        Self {
            stem: true,
            in_order: false,
        }
    }

    /// Without stems: for the words the search box suggests.
    pub fn plain() -> Self {
        Self {
            stem: false,
            in_order: false,
        }
    }

    /// With English stems, leaving out a word that starts before the one before it (a part of an unspaced
    /// compound found after the compound): a snippet's words must come in the order of the text.
    pub fn for_snippets() -> Self {
        Self {
            stem: true,
            in_order: true,
        }
    }
}

/// The words of one text, handed to tantivy one by one.
pub struct WordStream {
    words: std::vec::IntoIter<Word>,
    token: Token,
}

impl Tokenizer for MultilingualTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let mut found = words(text, self.stem);
        if self.in_order {
            let mut last = 0;
            found.retain(|w| {
                let keep = w.from >= last;
                last = last.max(w.from);
                keep
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        words(text, true).into_iter().map(|w| w.text).collect()
    }

    /// Folding without the shortcuts for ASCII and Han words: what `fold` must give for them too.
    fn fold_in_full(word: &str) -> String {
        let mut out = String::new();
        for c in word.nfkd() {
            if !is_combining_mark(c) {
                out.extend(c.to_lowercase());
            }
        }
        out.nfc().collect()
    }

    #[test]
    fn ascii_and_han_words_fold_as_they_would_in_full() {
        let ascii: String = (0u8..128).map(char::from).collect();
        for word in [
            ascii.as_str(),
            "Floods",
            "COVID-19",
            "ISO37120",
            "智慧城市",
            "中华人民共和国",
            "㐀䶿一鿿",
        ] {
            assert_eq!(fold(word, false), fold_in_full(word), "{word:?}");
        }
        // The compatibility ideographs are not shortcut: they decompose to unified ones.
        assert_eq!(fold("\u{F900}", false), fold_in_full("\u{F900}"));
        assert_ne!(fold("\u{F900}", false), "\u{F900}");
        assert_eq!(fold("Flooding", true), "flood");
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
