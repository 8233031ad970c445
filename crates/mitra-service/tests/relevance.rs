//! Relevance: a judged set of queries in each of Mitra's eleven languages over the demo's practices
//! (`relevance.toml`), scored by nDCG@10 with graded judgements. The practices are written in English and Chinese
//! (a few also in Thai, Malay, Indonesian or Vietnamese), so most queries in the other languages are cross-lingual:
//! they find what they should only through the thesaurus of concepts. The set was judged by reading the entries,
//! not by running a search, so it measures the ranking rather than restating it. The searches are limited to practices,
//! the entries that were judged: the demo's other entries (its example opportunities, training and events) were not,
//! and an unjudged entry ranked high would count as a miss even where it fits the query.

use std::collections::{BTreeMap, HashMap};

use mitra_service::domain::entry::ContentLanguage;
use mitra_service::{Dimension, Mitra, SearchRequest};
use mitra_store::test_support::for_each_database;
use serde::Deserialize;

/// The mean nDCG@10 every language must reach, and the whole set.
const THRESHOLD: f64 = 0.7;
/// Judged queries each language must have.
const PER_LANGUAGE: usize = 20;
/// Mitra's languages.
const LANGUAGES: [&str; 11] = [
    "en", "zh-Hans", "id", "ms", "fil", "vi", "th", "km", "lo", "my", "ta",
];

#[derive(Deserialize)]
struct Judged {
    query: Vec<Judgement>,
}

#[derive(Deserialize)]
struct Judgement {
    lang: String,
    q: String,
    relevant: HashMap<String, u32>,
}

fn gain(grade: u32) -> f64 {
    f64::from((1u32 << grade) - 1)
}

/// Normalised discounted cumulative gain of `ranked` over the first ten places.
fn ndcg_at_10(ranked: &[String], relevant: &HashMap<String, u32>) -> f64 {
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, id)| gain(relevant.get(id).copied().unwrap_or(0)) / (i as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u32> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, &g)| gain(g) / (i as f64 + 2.0).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

#[test]
fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
    let relevant: HashMap<String, u32> = [("a".to_string(), 2), ("b".to_string(), 1)].into();
    let ideal = ndcg_at_10(&["a".into(), "b".into()], &relevant);
    let swapped = ndcg_at_10(&["b".into(), "a".into()], &relevant);
    let missing = ndcg_at_10(&["x".into()], &relevant);
    assert!((ideal - 1.0).abs() < 1e-12 && swapped < ideal && swapped > 0.0 && missing == 0.0);
}

#[tokio::test]
async fn judged_queries_in_eleven_languages_reach_the_ndcg_threshold() {
    let judged: Judged = toml::from_str(include_str!("relevance.toml")).expect("relevance.toml");
    for lang in LANGUAGES {
        let count = judged.query.iter().filter(|j| j.lang == lang).count();
        assert!(count >= PER_LANGUAGE, "{lang}: {count} judged queries");
    }
    for_each_database(|url| {
        let judged = &judged;
        async move {
            let mitra = Mitra::open(&url).await.expect("open");
            mitra.load_reference().await.expect("reference");
            mitra.load_demo(&[]).await.expect("demo");
            let mut by_lang: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
            let mut report = Vec::new();
            for j in &judged.query {
                let page = mitra
                    .search(
                        &SearchRequest::default()
                            .words(&j.q)
                            .and_then(|r| r.filter(Dimension::Kind, "practice"))
                            .and_then(|r| r.page(0, 10))
                            .expect("a valid query")
                            .for_reader(ContentLanguage::parse(&j.lang).expect("a known language")),
                    )
                    .await
                    .expect("search");
                let ranked: Vec<String> = page.found.iter().map(|f| f.hit.id.clone()).collect();
                let score = ndcg_at_10(&ranked, &j.relevant);
                by_lang.entry(j.lang.as_str()).or_default().push(score);
                report.push((score, j.lang.as_str(), j.q.as_str(), ranked));
            }
            let mean = |scores: &[f64]| scores.iter().sum::<f64>() / scores.len() as f64;
            let all: Vec<f64> = by_lang.values().flatten().copied().collect();
            let means: Vec<(&str, usize, f64)> = by_lang
                .iter()
                .map(|(l, s)| (*l, s.len(), mean(s)))
                .collect();
            report.sort_by(|a, b| a.0.total_cmp(&b.0));
            let worst: Vec<String> = report
                .iter()
                .take(24)
                .map(|(s, l, q, r)| format!("{s:.2} [{l}] {q}: {r:?}"))
                .collect();
            let summary = format!(
                "mean nDCG@10 {:.3}; by language {means:?}; weakest:\n{}",
                mean(&all),
                worst.join("\n")
            );
            // The figures the README reports: `cargo test -p mitra-service --test relevance -- --nocapture`.
            eprintln!("{url}: {summary}");
            assert_eq!(by_lang.len(), LANGUAGES.len(), "every language: {summary}");
            assert!(mean(&all) >= THRESHOLD, "{summary}");
            for (lang, _, m) in &means {
                assert!(*m >= THRESHOLD, "{lang} below {THRESHOLD}: {summary}");
            }
        }
    })
    .await;
}
