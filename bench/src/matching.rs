//! The matching benchmark: seeded synthetic projects and funding calls, and Mitra's side of matching every project
//! against every call (eligibility, then the fit, the top 10 per project with reasons).
//!
//! `generate` writes `projects.csv`, `calls.csv` and `stage_fits.csv` (the instrument-to-stage table of
//! `mitra_domain::matching::funding::STAGE_FITS`), which DuckDB reads too (`bench/duckdb_matching.py`). Focus areas
//! are the six ASCN focus areas and challenges the statement's eleven; both are also written as bit masks so that
//! the SQL can compare them as integers. `run` times `FundingIndex` over all projects on every core and writes the
//! top 10 per project to `mitra-top10.csv` (`project,rank,call,score`) for the comparison.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use mitra_domain::entry::parse_day;
use mitra_domain::entry::{Challenge, Instrument, ProjectStage};
use mitra_domain::matching::funding::{FundingIndex, STAGE_FITS};
use mitra_domain::matching::{Amount, Match, Opportunity, OpportunityDetails};
use mitra_domain::{CountryCode, EntryId};

use crate::{Rng, peak_rss_mib};

/// The ASCN focus areas' ids, as shipped in `data/standards/asean_ascn_focus_areas.csv`.
const FOCUS_AREAS: [&str; 6] = [
    "civic_social",
    "health_wellbeing",
    "safety_security",
    "quality_environment",
    "built_infrastructure",
    "industry_innovation",
];

/// The ten ASEAN member states and China.
const COUNTRIES: [&str; 11] = [
    "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "CN",
];

/// Top matches kept per project.
const TOP: usize = 10;

/// `n` distinct positions below `of`, in ascending order.
fn distinct(rng: &mut Rng, n: u64, of: usize) -> Vec<usize> {
    let mut picked = BTreeSet::new();
    while (picked.len() as u64) < n.min(of as u64) {
        picked.insert(rng.below(of as u64) as usize);
    }
    picked.into_iter().collect()
}

/// A whole-thousand amount, log-uniform between `low` and `high` dollars.
fn amount(rng: &mut Rng, low: f64, high: f64) -> f64 {
    let u = rng.below(1_000_001) as f64 / 1_000_000.0;
    let value = low * (high / low).powf(u);
    (value / 1000.0).round().max(1.0) * 1000.0
}

fn joined(names: impl Iterator<Item = String>) -> String {
    names.collect::<Vec<_>>().join(";")
}

fn mask(positions: &[usize]) -> u64 {
    positions.iter().fold(0, |m, p| m | 1 << p)
}

/// Writes the projects, the calls and the stage table.
pub fn generate(
    dir: &Path,
    projects: u32,
    calls: u32,
    today: &str,
    seed: u64,
) -> anyhow::Result<()> {
    let today = parse_day(today).context("TODAY is not YYYY-MM-DD")?;
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed);

    let mut out = BufWriter::new(File::create(dir.join("projects.csv"))?);
    writeln!(
        out,
        "id,country,focus,focus_mask,challenges,challenge_mask,stage,capital_usd,readiness"
    )?;
    for i in 0..projects {
        let country = COUNTRIES[rng.below(COUNTRIES.len() as u64) as usize];
        let n_focus = 1 + rng.below(3);
        let focus = distinct(&mut rng, n_focus, FOCUS_AREAS.len());
        let n_challenges = rng.below(4);
        let challenges = distinct(&mut rng, n_challenges, Challenge::ALL.len());
        let stage = ProjectStage::ALL[rng.below(ProjectStage::ALL.len() as u64) as usize];
        // One project in seven states no capital need.
        let capital = if rng.below(7) == 0 {
            String::new()
        } else {
            amount(&mut rng, 50_000.0, 200_000_000.0).to_string()
        };
        writeln!(
            out,
            "project-{i:06},{country},{},{},{},{},{stage},{capital},{}",
            joined(focus.iter().map(|&f| FOCUS_AREAS[f].to_owned())),
            mask(&focus),
            joined(
                challenges
                    .iter()
                    .map(|&c| Challenge::ALL[c].tag().to_owned())
            ),
            mask(&challenges),
            rng.below(9)
        )?;
    }
    out.flush()?;

    let mut out = BufWriter::new(File::create(dir.join("calls.csv"))?);
    writeln!(
        out,
        "id,instrument,min_usd,max_usd,countries,focus,focus_mask,challenges,challenge_mask,deadline"
    )?;
    for i in 0..calls {
        let instrument = Instrument::ALL[rng.below(Instrument::ALL.len() as u64) as usize];
        // Two calls in five are open to every country, as the multilateral programmes are.
        let n_countries = if rng.below(5) < 2 {
            0
        } else {
            1 + rng.below(3)
        };
        let countries = distinct(&mut rng, n_countries, COUNTRIES.len());
        let n_focus = if rng.below(4) == 0 {
            0
        } else {
            1 + rng.below(2)
        };
        let focus = distinct(&mut rng, n_focus, FOCUS_AREAS.len());
        let n_challenges = rng.below(4);
        let challenges = distinct(&mut rng, n_challenges, Challenge::ALL.len());
        let min = (rng.below(10) >= 3).then(|| amount(&mut rng, 10_000.0, 5_000_000.0));
        let max = (rng.below(10) >= 3).then(|| {
            let floor = min.unwrap_or(100_000.0);
            amount(&mut rng, floor * 2.0, floor * 200.0)
        });
        let deadline =
            (rng.below(5) > 0).then(|| today + time::Duration::days(rng.below(721) as i64 - 180));
        writeln!(
            out,
            "call-{i:05},{instrument},{},{},{},{},{},{},{},{}",
            min.map_or(String::new(), |v| v.to_string()),
            max.map_or(String::new(), |v| v.to_string()),
            joined(countries.iter().map(|&c| COUNTRIES[c].to_owned())),
            joined(focus.iter().map(|&f| FOCUS_AREAS[f].to_owned())),
            mask(&focus),
            joined(
                challenges
                    .iter()
                    .map(|&c| Challenge::ALL[c].tag().to_owned())
            ),
            mask(&challenges),
            deadline.map_or(String::new(), |d| d.to_string()),
        )?;
    }
    out.flush()?;

    let mut out = BufWriter::new(File::create(dir.join("stage_fits.csv"))?);
    writeln!(out, "instrument,stage")?;
    for (instrument, stages) in STAGE_FITS {
        for stage in *stages {
            writeln!(out, "{instrument},{stage}")?;
        }
    }
    out.flush()?;
    println!("{{\"generated\":\"matching\",\"projects\":{projects},\"calls\":{calls}}}");
    Ok(())
}

fn list<T>(
    raw: &str,
    parse: impl Fn(&str) -> Result<T, mitra_domain::ValidationError>,
) -> anyhow::Result<Vec<T>> {
    raw.split(';')
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).map_err(|e| anyhow::anyhow!("{}: {}", e.field, e.reason)))
        .collect()
}

fn usd(raw: &str) -> anyhow::Result<Amount> {
    Ok(if raw.is_empty() {
        Amount::NotStated
    } else {
        Amount::Usd { usd: raw.parse()? }
    })
}

fn rows(path: &Path, columns: usize) -> anyhow::Result<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    for (n, line) in BufReader::new(File::open(path)?)
        .lines()
        .enumerate()
        .skip(1)
    {
        let row: Vec<String> = line?.split(',').map(str::to_owned).collect();
        if row.len() != columns {
            bail!("{}:{}: expected {columns} columns", path.display(), n + 1);
        }
        rows.push(row);
    }
    Ok(rows)
}

fn load_projects(path: &Path) -> anyhow::Result<Vec<Opportunity>> {
    rows(path, 9)?
        .into_iter()
        .map(|r| {
            Ok(Opportunity {
                id: EntryId::parse(&r[0]).map_err(|e| anyhow::anyhow!(e.reason))?,
                title: String::new(),
                cities: Vec::new(),
                countries: list(&r[1], CountryCode::parse)?.into_iter().collect(),
                focus_areas: r[2]
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                challenges: list(&r[4], Challenge::parse)?.into_iter().collect(),
                details: OpportunityDetails::Project {
                    stage: ProjectStage::parse(&r[6]).map_err(|e| anyhow::anyhow!(e.reason))?,
                    capital: usd(&r[7])?,
                    readiness: r[8].parse()?,
                },
            })
        })
        .collect()
}

fn load_calls(path: &Path) -> anyhow::Result<Vec<Opportunity>> {
    rows(path, 10)?
        .into_iter()
        .map(|r| {
            Ok(Opportunity {
                id: EntryId::parse(&r[0]).map_err(|e| anyhow::anyhow!(e.reason))?,
                title: String::new(),
                cities: Vec::new(),
                countries: BTreeSet::new(),
                focus_areas: r[5]
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                challenges: list(&r[7], Challenge::parse)?.into_iter().collect(),
                details: OpportunityDetails::Funding {
                    instrument: Instrument::parse(&r[1]).map_err(|e| anyhow::anyhow!(e.reason))?,
                    min: usd(&r[2])?,
                    max: usd(&r[3])?,
                    countries: list(&r[4], CountryCode::parse)?.into_iter().collect(),
                    deadline: if r[9].is_empty() {
                        None
                    } else {
                        Some(parse_day(&r[9]).context("deadline")?)
                    },
                },
            })
        })
        .collect()
}

/// Loads the data, times the matching of every project, and writes the top 10s.
pub fn run(dir: &Path, today: &str) -> anyhow::Result<()> {
    let today = parse_day(today).context("TODAY is not YYYY-MM-DD")?;
    let load = Instant::now();
    let projects = load_projects(&dir.join("projects.csv"))?;
    let calls = load_calls(&dir.join("calls.csv"))?;
    let loaded = load.elapsed().as_secs_f64();

    let start = Instant::now();
    let index = FundingIndex::new(&calls, today);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = projects.len().div_ceil(threads).max(1);
    let results: Vec<Vec<Match>> = std::thread::scope(|scope| {
        let handles: Vec<_> = projects
            .chunks(chunk)
            .map(|part| {
                let index = &index;
                scope.spawn(move || {
                    part.iter()
                        .map(|p| index.match_project(p, TOP))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    if results.len() != projects.len() {
        bail!("a matching thread failed");
    }

    let mut out = BufWriter::new(File::create(dir.join("mitra-top10.csv"))?);
    writeln!(out, "project,rank,call,score")?;
    let (mut matches, mut reasons) = (0usize, 0usize);
    for (project, top) in projects.iter().zip(&results) {
        for (rank, m) in top.iter().enumerate() {
            // `{}` prints the shortest text that reads back as the same f64.
            writeln!(out, "{},{},{},{}", project.id, rank + 1, m.id, m.score)?;
            matches += 1;
            reasons += m.reasons.len();
        }
    }
    out.flush()?;
    println!(
        "{{\"tool\":\"mitra\",\"projects\":{},\"calls\":{},\"open_calls\":{},\"threads\":{threads},\"load_seconds\":{loaded:.3},\"seconds\":{seconds:.3},\"matches\":{matches},\"reasons\":{reasons},\"peak_rss_mib\":{:.1}}}",
        projects.len(),
        calls.len(),
        index.len(),
        peak_rss_mib()
    );
    Ok(())
}
