//! Mitra's side of the benchmarks, and the seeded generator of their synthetic data. `bench/run.py` runs it next
//! to the peer tools and prints the ratios; see the README's performance section.
//!
//! Commands:
//! - `generate-panel DIR CITIES INDICATORS YEARS SEED` writes `panel.csv` (`city,indicator,year,value`),
//!   `groups.csv` (`city,region,country,band,tier`) and `directions.csv` (`indicator,lower_is_better`).
//! - `panel DIR GROUPING` loads them and times the percentile ranks of every value within its group.
//! - `generate-import FILE ROWS SEED CITIES...` writes an observation import file over real city ids and
//!   ISO 37120 indicator ids.
//! - `generate-corpus FILE QUERIES_FILE ENTRIES QUERIES SEED CITIES...` writes a multilingual corpus of entries in
//!   the format of `mitra import entries`, and the search queries run against it (see `corpus.rs`).
//! - `generate-matching DIR PROJECTS CALLS TODAY SEED` writes synthetic projects and funding calls (see
//!   `matching.rs`).
//! - `matching DIR TODAY` times the matching of every project against every call open on TODAY (top 10 with
//!   reasons) and writes the results to `DIR/mitra-top10.csv`.
//!
//! - `generate-cities FILE N D SEED` writes N synthetic cities × D features as CSV (`city,f0,…`; see `similar.rs`).
//! - `similar FILE K OUT` standardises them, times the K nearest neighbours of every city, and writes them to OUT
//!   (`row,rank,neighbour`).
//!
//! - `load ADDRESS LIST CONNECTIONS SECONDS` sends the GET requests of LIST (`label<TAB>path` lines) to ADDRESS
//!   (`host:port`) over CONNECTIONS keep-alive connections for SECONDS, and reports rates and latencies per label
//!   (see `load.rs`).
//!
//! Results are printed as one JSON object per line on standard output.

#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

mod corpus;
mod load;
mod matching;
mod similar;

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use mitra_domain::panel::Panel;
use mitra_domain::{CityId, Direction, IndicatorId};

/// SplitMix64: a small, fast, seedable generator; the same seed gives the same data everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Peak resident memory of this process in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn arg<T: std::str::FromStr>(args: &[String], at: usize, name: &str) -> anyhow::Result<T> {
    args.get(at)
        .with_context(|| format!("missing {name}"))?
        .parse()
        .map_err(|_| anyhow::anyhow!("{name} is not valid"))
}

fn generate_panel(
    dir: &Path,
    cities: u32,
    indicators: u32,
    years: i32,
    seed: u64,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed);
    let mut groups = BufWriter::new(File::create(dir.join("groups.csv"))?);
    writeln!(groups, "city,region,country,band,tier")?;
    for c in 0..cities {
        let country = rng.below(11);
        // Ten of the eleven countries are in ASEAN, as in Mitra.
        let region = u64::from(country == 10);
        writeln!(
            groups,
            "{c},{region},{country},{},{}",
            rng.below(6),
            rng.below(4)
        )?;
    }
    groups.flush()?;
    let mut directions = BufWriter::new(File::create(dir.join("directions.csv"))?);
    writeln!(directions, "indicator,lower_is_better")?;
    for i in 0..indicators {
        writeln!(directions, "{i},{}", rng.below(2))?;
    }
    directions.flush()?;
    let mut panel = BufWriter::with_capacity(1 << 20, File::create(dir.join("panel.csv"))?);
    writeln!(panel, "city,indicator,year,value")?;
    for i in 0..indicators {
        for y in 0..years {
            for c in 0..cities {
                // One decimal between 0 and 100: ties are common, as in real reported data.
                let tenths = rng.below(1001);
                writeln!(
                    panel,
                    "{c},{i},{},{}.{}",
                    2010 + y,
                    tenths / 10,
                    tenths % 10
                )?;
            }
        }
    }
    panel.flush()?;
    println!(
        "{{\"generated\":\"panel\",\"rows\":{}}}",
        u64::from(cities) * u64::from(indicators) * years as u64
    );
    Ok(())
}

fn columns(line: &str) -> impl Iterator<Item = &str> {
    line.split(',')
}

fn run_panel(dir: &Path, grouping: &str) -> anyhow::Result<()> {
    let column = match grouping {
        "region" => 1,
        "country" => 2,
        "band" => 3,
        "tier" => 4,
        other => bail!("unknown grouping {other}"),
    };
    let load = Instant::now();
    let mut group: Vec<u32> = Vec::new();
    for line in BufReader::new(File::open(dir.join("groups.csv"))?)
        .lines()
        .skip(1)
    {
        let line = line?;
        let g: u32 = columns(&line)
            .nth(column)
            .context("groups.csv column")?
            .parse()?;
        group.push(g);
    }
    let mut direction: Vec<Option<Direction>> = Vec::new();
    for line in BufReader::new(File::open(dir.join("directions.csv"))?)
        .lines()
        .skip(1)
    {
        let line = line?;
        let lower = columns(&line).nth(1).context("directions.csv column")? == "1";
        direction.push(Some(if lower {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        }));
    }
    // Straight into columns: the panel keeps them as they are when they come sorted, as the generator writes them.
    let (mut indicators, mut years, mut cities, mut values) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut reader = BufReader::with_capacity(1 << 20, File::open(dir.join("panel.csv"))?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let mut c = columns(line.trim_end());
        let (Some(city), Some(indicator), Some(year), Some(value)) =
            (c.next(), c.next(), c.next(), c.next())
        else {
            bail!("short line in panel.csv");
        };
        indicators.push(indicator.parse::<u32>()?);
        years.push(year.parse::<i32>()?);
        cities.push(city.parse::<u32>()?);
        values.push(value.parse::<f64>()?);
    }
    let city_ids = (0..group.len())
        .map(|c| CityId::parse(&format!("c{c}")))
        .collect::<Result<Vec<_>, _>>()?;
    let indicator_ids = (0..direction.len())
        .map(|i| IndicatorId::parse(&format!("bench:{i}")))
        .collect::<Result<Vec<_>, _>>()?;
    let panel = Panel::from_columns(city_ids, indicator_ids, indicators, years, cities, values);
    let loaded = load.elapsed().as_secs_f64();

    let start = Instant::now();
    // Every group is ranked, however small, as the peers' SQL ranks them: the same work and the same checksum.
    let ranks = panel.percentile_ranks(&group, &direction, 1);
    let seconds = start.elapsed().as_secs_f64();
    // Every group's percentiles sum to 50 × its size, so weight them by the city to make the sum tell whether each
    // city got its own rank.
    let checksum: f64 = (0..panel.len())
        .filter_map(|row| ranks[row].map(|r| f64::from(r) * f64::from(panel.city_at(row) % 97 + 1)))
        .sum();
    println!(
        "{{\"tool\":\"mitra\",\"rows\":{},\"load_seconds\":{loaded:.3},\"seconds\":{seconds:.3},\"peak_rss_mib\":{:.1},\"checksum\":{checksum:.6}}}",
        panel.len(),
        peak_rss_mib()
    );
    Ok(())
}

fn generate_import(file: &Path, rows: u64, seed: u64, cities: &[String]) -> anyhow::Result<()> {
    // ISO 37120:2014 indicators with a percentage unit, so that every generated value passes validation.
    const PERCENT: [&str; 20] = [
        "5.1", "5.2", "5.3", "5.4", "5.5", "6.1", "6.2", "6.3", "6.5", "6.6", "7.2", "7.4", "8.8",
        "9.1", "9.2", "9.3", "9.4", "11.1", "11.2", "11.3",
    ];
    let indicators: Vec<String> = PERCENT
        .iter()
        .map(|c| format!("iso37120-2014:{c}"))
        .collect();
    let mut rng = Rng(seed);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(file)?);
    writeln!(out, "city,indicator,year,value,unit,source")?;
    let mut written = 0u64;
    // City, indicator, year and source make a row's key; several sources give room for more distinct rows.
    'outer: for source in 1..=50 {
        for year in 1901..=2100 {
            for city in cities {
                for indicator in &indicators {
                    if written == rows {
                        break 'outer;
                    }
                    let tenths = rng.below(1001);
                    writeln!(
                        out,
                        "{city},{indicator},{year},{}.{},%,Synthetic benchmark {source}",
                        tenths / 10,
                        tenths % 10
                    )?;
                    written += 1;
                }
            }
        }
    }
    out.flush()?;
    if written < rows {
        bail!("only {written} distinct rows fit; pass more cities");
    }
    println!("{{\"generated\":\"import\",\"rows\":{written}}}");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate-panel") => generate_panel(
            Path::new(&arg::<String>(&args, 2, "DIR")?),
            arg(&args, 3, "CITIES")?,
            arg(&args, 4, "INDICATORS")?,
            arg(&args, 5, "YEARS")?,
            arg(&args, 6, "SEED")?,
        ),
        Some("panel") => run_panel(
            Path::new(&arg::<String>(&args, 2, "DIR")?),
            &arg::<String>(&args, 3, "GROUPING")?,
        ),
        Some("generate-import") => generate_import(
            Path::new(&arg::<String>(&args, 2, "FILE")?),
            arg(&args, 3, "ROWS")?,
            arg(&args, 4, "SEED")?,
            &args[5.min(args.len())..],
        ),
        Some("generate-corpus") => corpus::generate(
            Path::new(&arg::<String>(&args, 2, "FILE")?),
            Path::new(&arg::<String>(&args, 3, "QUERIES_FILE")?),
            arg(&args, 4, "ENTRIES")?,
            arg(&args, 5, "QUERIES")?,
            arg(&args, 6, "SEED")?,
            &args[7.min(args.len())..],
        ),
        Some("generate-matching") => matching::generate(
            Path::new(&arg::<String>(&args, 2, "DIR")?),
            arg(&args, 3, "PROJECTS")?,
            arg(&args, 4, "CALLS")?,
            &arg::<String>(&args, 5, "TODAY")?,
            arg(&args, 6, "SEED")?,
        ),
        Some("matching") => matching::run(
            Path::new(&arg::<String>(&args, 2, "DIR")?),
            &arg::<String>(&args, 3, "TODAY")?,
        ),
        Some("load") => load::run(
            &arg::<String>(&args, 2, "ADDRESS")?,
            Path::new(&arg::<String>(&args, 3, "LIST")?),
            arg(&args, 4, "CONNECTIONS")?,
            arg(&args, 5, "SECONDS")?,
        ),
        Some("generate-cities") => similar::generate(
            Path::new(&arg::<String>(&args, 2, "FILE")?),
            arg(&args, 3, "N")?,
            arg(&args, 4, "D")?,
            arg(&args, 5, "SEED")?,
        ),
        Some("similar") => similar::run(
            Path::new(&arg::<String>(&args, 2, "FILE")?),
            arg(&args, 3, "K")?,
            Path::new(&arg::<String>(&args, 4, "OUT")?),
        ),
        _ => bail!(
            "usage: mitra-bench generate-panel DIR CITIES INDICATORS YEARS SEED | panel DIR GROUPING | generate-import FILE ROWS SEED CITY... | generate-corpus FILE QUERIES_FILE ENTRIES QUERIES SEED CITY... | generate-matching DIR PROJECTS CALLS TODAY SEED | matching DIR TODAY | generate-cities FILE N D SEED | similar FILE K OUT"
        ),
    }
}
