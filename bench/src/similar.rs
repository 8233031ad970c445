//! The city similarity benchmark: seeded synthetic cities as feature vectors, and Mitra's top-K nearest neighbours
//! of every city (`mitra_domain::similarity`), compared by `bench/sklearn_similar.py` with scikit-learn's.
//!
//! The generated columns mix distributions and scales as real indicators do — populations in the hundreds of
//! thousands (log-normal), incomes in thousands, percentages, counts, small rates around 0.01 — so that
//! standardising decides the result; one column in five has 1 % of its values missing (empty cells).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use mitra_domain::CityId;
use mitra_domain::similarity::FeatureMatrix;

use crate::{Rng, peak_rss_mib};

impl Rng {
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Writes `cities` rows of `features` columns to `file`: `city,f0,f1,…`.
pub fn generate(file: &Path, cities: usize, features: usize, seed: u64) -> anyhow::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut rng = Rng(seed);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(file)?);
    write!(out, "city")?;
    for c in 0..features {
        write!(out, ",f{c}")?;
    }
    writeln!(out)?;
    for city in 0..cities {
        write!(out, "c{city}")?;
        for c in 0..features {
            let value = match c % 6 {
                // Population: log-normal around 440 000.
                0 => (13.0 + rng.normal()).exp().round(),
                // A percentage with one decimal.
                1 => rng.below(1001) as f64 / 10.0,
                // An index around 50.
                2 => 50.0 + 10.0 * rng.normal(),
                // A count: mostly small, sometimes large.
                3 => (-5.0 * (1.0 - rng.unit()).ln()).floor(),
                // A small rate around 0.01.
                4 => 0.01 + 0.002 * rng.normal(),
                // Income per head: log-normal around 8 000.
                _ => (9.0 + 0.5 * rng.normal()).exp(),
            };
            if c % 5 == 4 && rng.below(100) == 0 {
                write!(out, ",")?;
            } else {
                // `{}` prints the shortest text that reads back as the same f64.
                write!(out, ",{value}")?;
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    println!("{{\"generated\":\"cities\",\"cities\":{cities},\"features\":{features}}}");
    Ok(())
}

/// Loads `file`, standardises it, times the top `k` of every city, and writes them to `out` (`row,rank,neighbour`,
/// rows from 0 in file order, ranks from 1).
pub fn run(file: &Path, k: usize, out: &Path) -> anyhow::Result<()> {
    let load = Instant::now();
    let mut reader = BufReader::with_capacity(1 << 20, File::open(file)?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let features = line.trim_end().split(',').count() - 1;
    let (mut ids, mut values) = (Vec::new(), Vec::new());
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let mut cells = line.trim_end().split(',');
        ids.push(CityId::parse(cells.next().context("empty line")?)?);
        let before = values.len();
        for cell in cells {
            values.push(if cell.is_empty() {
                f64::NAN
            } else {
                cell.parse()?
            });
        }
        if values.len() - before != features {
            bail!("row {} does not have {features} features", ids.len());
        }
    }
    let mut matrix = FeatureMatrix::new(ids, features, values)?;
    let loaded = load.elapsed().as_secs_f64();

    let start = Instant::now();
    matrix.standardise();
    let standardised = start.elapsed().as_secs_f64();
    let nearest = matrix.nearest(k);
    let seconds = start.elapsed().as_secs_f64();

    let mut writer = BufWriter::with_capacity(1 << 20, File::create(out)?);
    writeln!(writer, "row,rank,neighbour")?;
    for (row, list) in nearest.iter().enumerate() {
        for (rank, &(neighbour, _)) in list.iter().enumerate() {
            writeln!(writer, "{row},{},{neighbour}", rank + 1)?;
        }
    }
    writer.flush()?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{{\"tool\":\"mitra\",\"cities\":{},\"features\":{features},\"k\":{k},\"threads\":{threads},\"load_seconds\":{loaded:.3},\"standardise_seconds\":{standardised:.3},\"seconds\":{seconds:.3},\"peak_rss_mib\":{:.1}}}",
        matrix.len(),
        peak_rss_mib()
    );
    Ok(())
}
