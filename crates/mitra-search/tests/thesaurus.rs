//! The shipped thesaurus as search relies on it: every concept named in all eleven languages, each label's origin
//! recorded, and no label that would pull a common word of another language into a search.

use std::collections::{BTreeMap, BTreeSet};

use mitra_search::Thesaurus;
use mitra_search::analyzer::words;
use mitra_search::thesaurus::Origin;

const LANGUAGES: [&str; 11] = [
    "en", "zh-Hans", "id", "ms", "fil", "vi", "th", "km", "lo", "my", "ta",
];

#[test]
fn every_concept_has_a_preferred_label_in_each_of_the_eleven_languages() {
    let thesaurus = Thesaurus::shipped();
    assert!(
        thesaurus.concepts().len() >= 100,
        "a thesaurus of the field, not a sample"
    );
    for concept in thesaurus.concepts() {
        for lang in LANGUAGES {
            let preferred = concept
                .labels
                .iter()
                .filter(|l| l.preferred && l.lang == lang)
                .count();
            assert_eq!(preferred, 1, "{}: preferred labels in {lang}", concept.id);
        }
        for label in &concept.labels {
            assert!(
                LANGUAGES.contains(&label.lang.as_str()),
                "{}: {}",
                concept.id,
                label.lang
            );
            assert!(!label.text.trim().is_empty(), "{}: empty label", concept.id);
            // English labels are the editors'; every other label says it is a machine translation until reviewed.
            if label.lang == "en" {
                assert_eq!(
                    label.origin,
                    Origin::Editorial,
                    "{}: {}",
                    concept.id,
                    label.text
                );
            } else {
                assert_ne!(
                    label.origin,
                    Origin::Editorial,
                    "{}: {}",
                    concept.id,
                    label.text
                );
            }
        }
    }
}

/// A one-word label in Indonesian, Malay, Filipino or Vietnamese that is also a word of an English label of another
/// concept would expand an English search wrongly (Indonesian `air` is water).
#[test]
fn no_one_word_label_in_a_latin_script_language_is_a_word_of_another_concepts_english_label() {
    let thesaurus = Thesaurus::shipped();
    let mut english: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for concept in thesaurus.concepts() {
        for label in concept.labels.iter().filter(|l| l.lang == "en") {
            for word in words(&label.text, true) {
                english
                    .entry(word.text)
                    .or_default()
                    .insert(concept.id.as_str());
            }
        }
    }
    let mut clashes = Vec::new();
    for concept in thesaurus.concepts() {
        for label in concept
            .labels
            .iter()
            .filter(|l| ["id", "ms", "fil", "vi"].contains(&l.lang.as_str()))
        {
            if let [word] = words(&label.text, true).as_slice()
                && english
                    .get(&word.text)
                    .is_some_and(|ids| !ids.contains(concept.id.as_str()))
            {
                clashes.push(format!("{} [{}] {}", concept.id, label.lang, label.text));
            }
        }
    }
    assert!(clashes.is_empty(), "{clashes:#?}");
}
