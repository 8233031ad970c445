//! The operator commands, one module each, and what they share: opening the configured database, closing it
//! whatever the outcome, and printing. Commands act through the service as the operator; they must not hold rules
//! of their own about what may be done.

pub(crate) mod assess;
pub(crate) mod backup;
pub(crate) mod config;
pub(crate) mod import;
pub(crate) mod index;
pub(crate) mod migrate;
pub(crate) mod notifications;
pub(crate) mod org;
pub(crate) mod serve;
pub(crate) mod user;

use std::io::Write as _;

use anyhow::Context;
use mitra_service::Mitra;

use crate::config::Config;

/// Prints `line` on standard output, at once.
pub(crate) fn say(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Where the search index is kept: `search/` in the data directory.
pub(crate) fn search_dir(config: &Config) -> std::path::PathBuf {
    config.data_dir.join("search")
}

/// Runs `work`, then closes `mitra`'s database connections whatever the outcome, so that SQLite folds its
/// write-ahead log into the database and removes the `-wal` and `-shm` files.
pub(crate) async fn closing<T>(
    mitra: &Mitra,
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let result = work.await;
    mitra.close().await;
    result
}

/// Creates the data directory if it is missing, readable by its owner only (it holds the database, attached files
/// and the search index).
fn ensure_data_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))
}

/// Opens the configured database; attached files live in `DATA_DIR/files`.
pub(crate) async fn open(config: &Config) -> anyhow::Result<Mitra> {
    ensure_data_dir(&config.data_dir)?;
    let mitra = Mitra::open_with(&config.database_url(), &config.mail)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                config.database_url_redacted()
            )
        })?;
    Ok(mitra
        .with_files_dir(config.data_dir.join("files"))
        .with_analytics(config.analytics))
}
