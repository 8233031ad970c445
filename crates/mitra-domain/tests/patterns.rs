//! The patterns the API's OpenAPI document gives for ids and cursors say exactly what the parsers take: a client
//! that builds a value from the pattern is never refused, and a value the parser takes for an id matches the
//! pattern (the parsers of slugs and UUIDs take nothing else).

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_domain::ids::{INDICATOR_ID_PATTERN, MAX_ID_LEN, SLUG_PATTERN, UUID_PATTERN};
use mitra_domain::interest::{InterestId, parse_message};
use mitra_domain::page::{CURSOR_PATTERN, PageRequest};
use mitra_domain::partnership::PartnershipId;
use mitra_domain::text::{check_chars, text_pattern};
use mitra_domain::{CityId, EntryId, IndicatorId, StandardId};
use proptest::prelude::*;
use regex::Regex;

/// Strings of `pattern`, of ids no longer than Mitra takes: repetitions are bounded, and the anchors left out (the
/// generator makes whole strings).
fn of(pattern: &str) -> impl Strategy<Value = String> {
    let inner = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .expect("an anchored pattern")
        .replace('+', "{1,10}")
        .replace('*', "{0,4}");
    proptest::string::string_regex(&inner).expect("regex")
}

fn matches(pattern: &str, raw: &str) -> bool {
    Regex::new(pattern).expect("pattern").is_match(raw)
}

/// Strings near the patterns: their alphabet and a few characters outside it.
fn near() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z0-9A-F:._ -]{0,40}|[0-9a-f-]{36}").expect("regex")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_slug_of_the_pattern_is_taken_for_every_slug_id(
        raw in of(SLUG_PATTERN)
    ) {
        prop_assume!(raw.len() <= MAX_ID_LEN);
        prop_assert!(CityId::parse(&raw).is_ok(), "city {raw:?}");
        prop_assert!(StandardId::parse(&raw).is_ok(), "standard {raw:?}");
        prop_assert!(EntryId::parse(&raw).is_ok(), "entry {raw:?}");
    }

    #[test]
    fn a_slug_id_is_taken_exactly_when_it_matches_the_pattern(raw in near()) {
        let pattern = matches(SLUG_PATTERN, &raw) && raw.len() <= MAX_ID_LEN;
        prop_assert_eq!(CityId::parse(&raw).is_ok(), pattern, "{:?}", raw);
        prop_assert_eq!(EntryId::parse(&raw).is_ok(), pattern, "{:?}", raw);
    }

    #[test]
    fn a_uuid_is_taken_exactly_when_it_matches_the_pattern(
        raw in prop_oneof![near(), of(UUID_PATTERN)]
    ) {
        let pattern = matches(UUID_PATTERN, &raw);
        prop_assert_eq!(PartnershipId::parse(&raw).is_ok(), pattern, "{:?}", raw);
        prop_assert_eq!(InterestId::parse(&raw).is_ok(), pattern, "{:?}", raw);
    }

    #[test]
    fn every_indicator_id_of_the_pattern_is_taken(
        raw in of(INDICATOR_ID_PATTERN)
    ) {
        let id = IndicatorId::parse(&raw).map(|id| id.as_str().to_owned());
        if raw.len() <= MAX_ID_LEN {
            prop_assert_eq!(id, Ok(raw));
        } else {
            prop_assert!(id.is_err(), "{raw:?} is longer than an id may be");
        }
    }

    #[test]
    fn every_cursor_of_the_pattern_is_taken(
        raw in of(CURSOR_PATTERN)
    ) {
        prop_assert!(PageRequest::parse(None, Some(&raw)).is_ok(), "{raw:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn a_text_is_taken_exactly_when_it_matches_the_text_pattern(
        raw in proptest::string::string_regex("(.|[\\x00-\\x1f\\x7f-\\x9f\\u{FFFE}\\u{FFFF} \\u{3000}]){0,12}").expect("regex"),
        multiline in any::<bool>(),
    ) {
        let taken = check_chars("text", &raw, multiline).is_ok();
        prop_assert_eq!(taken, matches(&text_pattern(multiline, false), &raw), "{:?}", raw);
        let says_something = taken && !raw.trim().is_empty();
        prop_assert_eq!(says_something, matches(&text_pattern(multiline, true), &raw), "{:?}", raw);
        // A message (of an expression of interest or a partnership) of the pattern is taken.
        if matches(&text_pattern(true, true), &raw) {
            prop_assert!(parse_message(&raw).is_ok(), "{:?}", raw);
        }
    }
}

#[test]
fn the_cursors_handed_out_match_the_pattern() {
    let mut items = vec!["bangkok", "iso37120-2014:8.1 u4ssc:EN:EN:AQ:1C", "12345"];
    let page = PageRequest::parse(Some("1"), None).expect("page");
    let cursor = page
        .finish(&mut items, |key| (*key).to_owned())
        .expect("cursor");
    assert!(matches(CURSOR_PATTERN, &cursor), "{cursor}");
    for key in ["iso37120-2014:8.1 u4ssc:EN:EN:AQ:1C", "12345", "a~z"] {
        let cursor = mitra_domain::page::Cursor::encode(key);
        assert!(matches(CURSOR_PATTERN, &cursor), "{key}: {cursor}");
    }
}
