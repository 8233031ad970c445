//! `mitra import observations` and `mitra import entries`: a file checked whole, then written all or nothing, with a
//! progress bar, and every bad row reported as `FILE: line N, column C: reason`.

use std::io::Write as _;

use anyhow::Context;
use mitra_service::domain::import_source::ImportSource as _;

use super::{closing, open, say};
use crate::cli::ImportCommand;
use crate::config::Config;

/// Runs `mitra import observations` or `mitra import entries`.
pub(crate) async fn run(config: &Config, command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Observations { file, dry_run } => observations(config, &file, dry_run).await,
        ImportCommand::Entries { file, org, dry_run } => {
            entries(config, &file, org.as_deref(), dry_run).await
        }
    }
}

/// Writes the problems kept of an import file to standard error, each as `FILE: line N, column C: reason`, then
/// how many more rows have problems.
fn report_problems(
    origin: &str,
    errors: &mitra_service::domain::observation::ImportErrors,
) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    for e in errors.shown() {
        writeln!(err, "{origin}: {e}")?;
    }
    if let Some(more) = errors.more_message() {
        writeln!(err, "{origin}: {more}")?;
    }
    Ok(())
}

/// A progress bar for the import of `file`, of `size` bytes, at "checking" until told otherwise.
fn progress_bar(file: &std::path::Path, size: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {percent:>3}% ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!("checking {}", file.display()));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// Imports the entries of `file`, for `org` or as the platform's own.
async fn entries(
    config: &Config,
    file: &std::path::Path,
    org: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let source = mitra_service::domain::import_source::ImportFile::new(file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let mitra = open(config).await?;
    closing(&mitra, async {
        mitra
            .load_reference()
            .await
            .context("cannot load the reference data")?;
        let org = org
            .map(mitra_service::domain::OrgId::parse)
            .transpose()?;
        let bar = progress_bar(file, source.size());
        let progress = |stage: mitra_service::ImportStage, done: u64, total: u64| {
            let doing = match (stage, dry_run) {
                (mitra_service::ImportStage::Checking, _) => "checking",
                (mitra_service::ImportStage::Writing, false) => "importing",
                (mitra_service::ImportStage::Writing, true) => "reading",
            };
            bar.set_message(format!("{doing} {}", file.display()));
            bar.set_length(total);
            bar.set_position(done);
        };
        let result = mitra
            .import_entries(
                &mitra_service::domain::Actor::Operator,
                org.as_ref(),
                std::sync::Arc::new(source),
                dry_run,
                &progress,
            )
            .await;
        bar.finish_and_clear();
        let origin = file.display().to_string();
        match result {
            Ok(report) => {
                match report.writes {
                    None => say(&format!(
                        "{origin}: would import {} entries ({} replacing stored ones). Nothing was written \
                         (--dry-run).",
                        report.read, report.replaced
                    ))?,
                    Some(writes) => say(&format!(
                        "{origin}: imported {} entries: {} new, {} changed, {} unchanged.",
                        report.read, writes.inserted, writes.updated, writes.unchanged
                    ))?,
                }
                if report.writes.is_none() {
                    Ok(())
                } else if report.status != mitra_service::domain::ModerationStatus::Approved {
                    say(
                        "They wait for review by a platform admin (on /admin), because the organisation is not \
                         approved yet.",
                    )
                } else if report.waiting > 0 {
                    say(&format!(
                        "{} of them wait for review by a platform admin (on /admin), as they did before; the others are \
                         public, and the search index follows within a second.",
                        report.waiting
                    ))
                } else {
                    say("They are public; the search index follows within a second.")
                }
            }
            Err(mitra_service::ServiceError::Import(errors)) => {
                report_problems(&origin, &errors)?;
                anyhow::bail!(
                    "{origin}: {} row(s) with problems; nothing was imported",
                    errors.rows()
                )
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Imports the observations of `file`, showing how far checking and then writing have come.
async fn observations(
    config: &Config,
    file: &std::path::Path,
    dry_run: bool,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mitra = open(config).await?;
    closing(&mitra, async {
        mitra
            .load_reference()
            .await
            .context("cannot load the reference data")?;
        let bar = progress_bar(file, bytes.len() as u64);
        let writing = std::sync::atomic::AtomicBool::new(false);
        let progress = |stage: mitra_service::ImportStage, done: u64, total: u64| {
            if stage == mitra_service::ImportStage::Writing
                && !writing.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                bar.reset();
                bar.set_message(format!("writing {total} rows"));
            }
            bar.set_length(total);
            bar.set_position(done);
        };
        let origin = file.display().to_string();
        let result = mitra
            .import_observations(
                &mitra_service::domain::Actor::Operator,
                &origin,
                &bytes,
                dry_run,
                &progress,
            )
            .await;
        bar.finish_and_clear();
        match result {
            Ok(report) => {
                let verb = if report.dry_run {
                    "would import"
                } else {
                    "imported"
                };
                say(&format!(
                    "{origin}: {verb} {} rows for {} cities and {} indicators; {} written, {} unchanged, {} converted to \
                     the indicator's unit, {} also count for another standard through the crosswalk.{}",
                    report.rows,
                    report.cities,
                    report.indicators,
                    report.written,
                    report.unchanged,
                    report.converted,
                    report.recognised,
                    if report.dry_run {
                        " Nothing was written (--dry-run)."
                    } else {
                        ""
                    }
                ))
            }
            Err(mitra_service::ServiceError::Import(errors))
            | Err(mitra_service::ServiceError::ImportNotAllowed(errors)) => {
                report_problems(&origin, &errors)?;
                anyhow::bail!(
                    "{origin}: {} bad row(s); nothing was imported",
                    errors.rows()
                )
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}
