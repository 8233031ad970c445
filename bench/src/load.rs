//! A bounded HTTP/1.1 load client: `connections` keep-alive connections, each on its own thread, send GET requests
//! one after another for `seconds`, taking the paths of a list in turn (each connection starts at another place in
//! it). Every response is read whole and timed; a status other than 200 counts as an error.
//!
//! The list has one request per line, `label<TAB>path`; results are reported per label and for all together, as
//! one JSON object on standard output.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// What one connection saw: per label, the latency of each answered request (µs), and the errors.
#[derive(Default)]
struct Seen {
    latencies: BTreeMap<String, Vec<u64>>,
    errors: u64,
    first_error: Option<String>,
}

/// Runs the load and prints its results.
pub fn run(address: &str, list: &Path, connections: usize, seconds: f64) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(list).with_context(|| format!("cannot read {}", list.display()))?;
    let requests: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split_once('\t') {
            Some((label, path)) => (label.to_owned(), path.to_owned()),
            None => (l.to_owned(), l.to_owned()),
        })
        .collect();
    if requests.is_empty() {
        bail!("{} lists no request", list.display());
    }
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let seen: Vec<Seen> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..connections.max(1))
            .map(|n| {
                let requests = &requests;
                scope.spawn(move || connection(address, requests, n * 7919, until))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut by_label: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut errors = 0;
    let mut first_error = None;
    for s in seen {
        errors += s.errors;
        first_error = first_error.or(s.first_error);
        for (label, mut lat) in s.latencies {
            by_label.entry(label).or_default().append(&mut lat);
        }
    }
    let mut all: Vec<u64> = by_label.values().flatten().copied().collect();
    let labels: Vec<String> = by_label
        .iter_mut()
        .map(|(label, lat)| format!("\"{label}\": {}", summary(lat, elapsed)))
        .collect();
    println!(
        "{{\"connections\": {connections}, \"seconds\": {elapsed:.3}, \"errors\": {errors}, \"first_error\": {}, \
         \"all\": {}, \"labels\": {{{}}}}}",
        first_error.map_or_else(|| "null".to_owned(), |e| format!("{:?}", e)),
        summary(&mut all, elapsed),
        labels.join(", ")
    );
    Ok(())
}

/// Count, rate and percentiles (ms) of `latencies` (µs), as JSON.
fn summary(latencies: &mut [u64], elapsed: f64) -> String {
    latencies.sort_unstable();
    let at = |p: f64| {
        if latencies.is_empty() {
            return 0.0;
        }
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1] as f64 / 1000.0
    };
    format!(
        "{{\"requests\": {}, \"per_second\": {:.1}, \"p50_ms\": {:.3}, \"p90_ms\": {:.3}, \"p99_ms\": {:.3}, \
         \"max_ms\": {:.3}}}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        at(50.0),
        at(90.0),
        at(99.0),
        at(100.0)
    )
}

/// One connection's loop; it opens the connection again when the server closes it.
fn connection(address: &str, requests: &[(String, String)], start: usize, until: Instant) -> Seen {
    let mut seen = Seen::default();
    let mut stream: Option<BufReader<TcpStream>> = None;
    let mut next = start;
    while Instant::now() < until {
        let (label, path) = &requests[next % requests.len()];
        next += 1;
        let began = Instant::now();
        let answer = match stream.take() {
            Some(s) => Ok(s),
            None => TcpStream::connect(address).map(|s| {
                s.set_nodelay(true).ok();
                BufReader::with_capacity(64 * 1024, s)
            }),
        }
        .and_then(|mut s| get(&mut s, address, path).map(|status| (s, status)));
        match answer {
            Ok((s, (status, keep))) => {
                if keep {
                    stream = Some(s);
                }
                if status == 200 {
                    let micros = u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX);
                    seen.latencies
                        .entry(label.clone())
                        .or_default()
                        .push(micros);
                } else {
                    seen.errors += 1;
                    seen.first_error
                        .get_or_insert_with(|| format!("{path}: status {status}"));
                }
            }
            Err(error) => {
                seen.errors += 1;
                seen.first_error
                    .get_or_insert_with(|| format!("{path}: {error}"));
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
    seen
}

/// Sends one GET and reads its response whole; returns the status and whether the connection stays open.
fn get(stream: &mut BufReader<TcpStream>, host: &str, path: &str) -> std::io::Result<(u16, bool)> {
    write!(
        stream.get_mut(),
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\nUser-Agent: mitra-bench\r\n\r\n"
    )?;
    stream.get_mut().flush()?;
    let mut line = String::new();
    read_line(stream, &mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(format!("bad status line {line:?}")))?;
    let (mut length, mut chunked, mut keep) = (None, false, true);
    loop {
        read_line(stream, &mut line)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            match name.as_str() {
                "content-length" => length = value.parse::<u64>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => keep = !value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
    }
    if chunked {
        loop {
            read_line(stream, &mut line)?;
            let size = u64::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| invalid(format!("bad chunk size {line:?}")))?;
            skip(stream, size)?;
            read_line(stream, &mut line)?;
            if size == 0 {
                break;
            }
        }
    } else if let Some(length) = length {
        skip(stream, length)?;
    } else {
        // No length: the body ends with the connection.
        std::io::copy(stream, &mut std::io::sink())?;
        keep = false;
    }
    Ok((status, keep))
}

fn read_line(stream: &mut BufReader<TcpStream>, line: &mut String) -> std::io::Result<()> {
    line.clear();
    if stream.read_line(line)? == 0 {
        return Err(invalid("the server closed the connection".to_owned()));
    }
    Ok(())
}

fn skip(stream: &mut BufReader<TcpStream>, bytes: u64) -> std::io::Result<()> {
    let copied = std::io::copy(&mut stream.by_ref().take(bytes), &mut std::io::sink())?;
    if copied < bytes {
        return Err(invalid("the body ended early".to_owned()));
    }
    Ok(())
}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}
