//! The query strings of search, of the opportunity listing and of pages are read or refused, whatever they hold,
//! without panicking; a refusal names a parameter and quotes at most a clipped piece of what was sent.
//! `MITRA_FUZZ_CASES` sets how many cases each property runs (256 unless set).

use mitra_service::domain::opportunity::OpportunityQuery;
use mitra_service::domain::page::PageRequest;
use mitra_service::{SearchRequest, UnknownParameters};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("MITRA_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// Query strings of known and unknown names, encoded and raw values, and stray separators.
fn query_string() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("q"),
        Just("kind"),
        Just("city"),
        Just("country"),
        Just("lang"),
        Just("topic"),
        Just("limit"),
        Just("offset"),
        Just("cursor"),
        Just("sort"),
        Just("min_usd"),
        Just("open"),
        Just("closing_by"),
        Just("page"),
        Just("per_page"),
        Just("zzz"),
    ]
    .prop_map(str::to_owned);
    let value = prop_oneof![
        Just("flood".to_owned()),
        Just("%E0%B8%88%E0%B8%A3%E0%B8%B2%E0%B8%88%E0%B8%A3".to_owned()),
        Just("%FF%FE".to_owned()),
        Just("%".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("-1".to_owned()),
        Just("2026-02-30".to_owned()),
        ".{0,40}",
    ];
    prop::collection::vec(
        (name, value, prop_oneof![Just("&"), Just("&&"), Just(";")]),
        0..8,
    )
    .prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(n, v, sep)| format!("{n}={v}{sep}"))
            .collect::<String>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn a_search_query_string_is_read_or_refused(raw in prop_oneof![query_string(), ".{0,200}".boxed()]) {
        for unknown in [UnknownParameters::Refuse, UnknownParameters::Ignore] {
            if let Err(refusal) = SearchRequest::parse(Some(&raw), 20, unknown) {
                prop_assert!(refusal.to_string().chars().count() <= 600, "{refusal}");
            }
        }
    }

    #[test]
    fn an_opportunity_listing_is_read_or_refused(raw in query_string()) {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&raw).unwrap_or_default();
        if let Err(refusal) = OpportunityQuery::parse(&pairs, &["lang"]) {
            prop_assert!(refusal.to_string().chars().count() <= 600, "{refusal}");
        }
    }

    #[test]
    fn a_page_request_is_read_or_refused(limit in ".{0,30}", cursor in ".{0,300}") {
        if let Err(refusal) = PageRequest::parse(Some(&limit), Some(&cursor)) {
            prop_assert!(refusal.to_string().chars().count() <= 600, "{refusal}");
        }
    }
}
