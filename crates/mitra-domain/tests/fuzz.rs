//! The importers and the parsers of ids and values take any bytes and any Unicode without panicking, and say what
//! is wrong in bounded words: every problem names a line the file has and a column, and quotes at most a clipped
//! piece of what it was given. Each property runs `MITRA_FUZZ_CASES` cases (256 unless set; long runs set more),
//! and every file of `tests/fuzz-corpus/` (inputs that once broke something, and seeds) is read on every run.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use mitra_domain::entry_import::read_entries;
use mitra_domain::observation::{Catalogue, ImportErrors, ImportReader};
use mitra_domain::{CityId, CountryCode, EntryId, IndicatorId, Language, Reason, StandardId};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("MITRA_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

fn catalogue() -> Catalogue {
    let mut catalogue = Catalogue::default();
    catalogue.add_city(
        CityId::parse("bangkok").expect("id"),
        ["Bangkok", "กรุงเทพมหานคร", "曼谷"],
    );
    catalogue.add_indicator(
        IndicatorId::parse("iso37120-2014:5.1").expect("id"),
        Some("%".into()),
    );
    catalogue.add_indicator(IndicatorId::parse("u4ssc:EN-1").expect("id"), None);
    catalogue
}

/// Reads an observation file as an import does: the file checks, every row, the resolution against the
/// catalogue, and the file's end. Checks what holds of any outcome.
fn import_observations(bytes: &[u8]) {
    let catalogue = catalogue();
    // A CSV problem names a line of the file; a JSON one, an element of the array.
    let line_ends = bytes.iter().filter(|b| matches!(b, b'\n' | b'\r')).count() as u64 + 1;
    let elements =
        serde_json::from_slice::<Vec<serde_json::Value>>(bytes).map_or(0, |a| a.len() as u64);
    let lines = line_ends.max(elements);
    let check = |errors: &ImportErrors| {
        for problem in errors.shown() {
            assert!(problem.line <= lines, "line {} of {lines}", problem.line);
            assert!(problem.column.chars().count() <= 201);
            for (_, value) in problem.reason.args() {
                assert!(
                    value.chars().count() <= 201,
                    "a value is clipped: {value:?}"
                );
            }
            let _ = problem.to_string();
        }
    };
    let mut reader = match ImportReader::new(bytes) {
        Ok(reader) => reader,
        Err(errors) => return check(&errors),
    };
    let mut resolver = catalogue.resolver();
    let mut errors = ImportErrors::default();
    while reader.read_chunk(100, &mut errors, |row, errors| {
        resolver.resolve(row, errors)
    }) > 0
    {}
    let _ = reader.finish(&errors);
    check(&errors);
}

fn import_entries(bytes: &[u8]) {
    let city = |raw: &str| CityId::parse(raw).map_err(|e| e.reason);
    if let Err(errors) = read_entries(bytes, &city) {
        for problem in errors.shown() {
            let _ = problem.to_string();
        }
    }
}

/// Cells that reach the parsers' deeper paths, and anything else.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("bangkok".to_owned()),
        Just("曼谷".to_owned()),
        Just("iso37120-2014:5.1".to_owned()),
        Just("u4ssc:EN-1".to_owned()),
        Just("2019".to_owned()),
        Just("1,5".to_owned()),
        Just("-4".to_owned()),
        Just("1e308".to_owned()),
        Just("NaN".to_owned()),
        Just("%".to_owned()),
        Just("km²".to_owned()),
        Just("\"a \"\"quoted\"\" cell\"".to_owned()),
        Just("practice".to_owned()),
        Just("{\"kind\":\"event\"}".to_owned()),
        Just(String::new()),
        ".{0,12}",
    ]
}

/// A CSV file: a header of known and unknown columns, then rows of cells, with any separator and line end.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let columns = prop::collection::vec(
        prop_oneof![
            Just("city"),
            Just("indicator"),
            Just("year"),
            Just("value"),
            Just("unit"),
            Just("source"),
            Just("id"),
            Just("kind"),
            Just("lang"),
            Just("title"),
            Just("summary"),
            Just("cities"),
            Just("details"),
            Just("colour"),
        ],
        0..9,
    );
    (
        columns,
        prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..8),
        prop_oneof![Just(","), Just(";"), Just("\t")],
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    )
        .prop_map(|(header, rows, separator, end)| {
            let mut text = header.join(separator);
            for row in rows {
                text.push_str(end);
                text.push_str(&row.join(separator));
            }
            text.into_bytes()
        })
}

/// A JSON file: an array of objects of known and unknown keys with values of every JSON type.
fn json_file() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        cell().prop_map(serde_json::Value::String),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        Just(serde_json::Value::Null),
        Just(serde_json::json!([1, "a"])),
        Just(serde_json::json!({"kind": "practice"})),
    ];
    let key = prop_oneof![
        Just("city".to_owned()),
        Just("indicator".to_owned()),
        Just("year".to_owned()),
        Just("value".to_owned()),
        Just("unit".to_owned()),
        Just("id".to_owned()),
        Just("texts".to_owned()),
        Just("details".to_owned()),
        Just("cities".to_owned()),
        "[a-zA-Z_]{1,8}",
    ];
    prop::collection::vec(prop::collection::btree_map(key, value, 0..8), 0..6)
        .prop_map(|rows| serde_json::to_vec(&rows).expect("json"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn any_bytes_are_read_or_refused_row_by_row(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        import_observations(&bytes);
        import_entries(&bytes);
    }

    #[test]
    fn any_csv_file_is_read_or_refused_row_by_row(bytes in csv_file()) {
        import_observations(&bytes);
        import_entries(&bytes);
    }

    #[test]
    fn any_json_file_is_read_or_refused_row_by_row(bytes in json_file()) {
        import_observations(&bytes);
        import_entries(&bytes);
    }

    #[test]
    fn any_text_is_an_id_or_a_refusal_that_quotes_it_clipped(raw in ".{0,300}") {
        let refusals = [
            CityId::parse(&raw).err(),
            EntryId::parse(&raw).err(),
            IndicatorId::parse(&raw).err(),
            StandardId::parse(&raw).err(),
            CountryCode::parse(&raw).err(),
            Language::parse(&raw).err(),
        ];
        for refusal in refusals.into_iter().flatten() {
            let said = refusal.to_string();
            // The field, the words of the reason and at most a clipped quote of what was given.
            prop_assert!(said.chars().count() <= 400, "{said}");
        }
        let _ = Language::from_accept_language(&raw);
        // A value with braces is said as it is, not read as a placeholder.
        let reason = Reason::not_a_date(&raw);
        prop_assert!(reason.to_string().contains(&raw));
    }
}

#[test]
fn every_file_of_the_corpus_is_read_or_refused() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus") {
        let path = entry.expect("a file").path();
        let bytes = std::fs::read(&path).expect("read");
        import_observations(&bytes);
        import_entries(&bytes);
        read += 1;
    }
    assert!(read >= 5, "the corpus has its seeds");
}
