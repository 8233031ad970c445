//! `mitra backup FILE` and `mitra restore FILE`: a SQLite data directory in one tar file and back. The archive holds
//! `MANIFEST` (format, Mitra's version, the change-feed position the database holds at least), `mitra.db` (a
//! consistent copy taken while the server may go on writing) and `files/` (the attached files, which are named by
//! their content and never change, so that copying them after the database misses none it names). The search index
//! is not in it: it is derived from the database, and a restore builds it again.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{closing, open, say, search_dir};
use crate::config::Config;

/// The archive format this build writes and reads.
const FORMAT: &str = "mitra-backup 1";

/// The SQLite database file of the configuration, or why there is none to copy.
fn sqlite_path(config: &Config) -> anyhow::Result<PathBuf> {
    let url = config.database_url();
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        bail!(
            "the database is PostgreSQL, which is backed up and restored with its own tools: pg_dump -Fc and \
             pg_restore (see the README, \"Backup and restore\"); `mitra backup` copies a SQLite data directory"
        );
    };
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// A folder next to `near` for work in progress, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(near: &Path, purpose: &str) -> anyhow::Result<Self> {
        let parent = near
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = parent.join(format!(".mitra-{purpose}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `mitra backup FILE`.
pub(crate) async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    sqlite_path(config)?;
    if file.exists() {
        bail!("{} exists already; name a new file", file.display());
    }
    let mitra = open(config).await?;
    let scratch = Scratch::new(file, "backup")?;
    let copy = scratch.0.join("mitra.db");
    let position = closing(&mitra, async {
        mitra
            .snapshot_database(&copy)
            .await
            .context("cannot copy the database")
    })
    .await?;
    let files = config.data_dir.join("files");
    let partial = scratch.0.join("backup.tar");
    let attached = write_archive(&partial, &copy, &files, position)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    // Whole or not at all: the archive takes its name only once it is complete.
    move_file(&partial, file).with_context(|| format!("cannot write {}", file.display()))?;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    say(&format!(
        "Backup written to {}: the database at change {position}, {attached} attached files, {bytes} bytes.",
        file.display()
    ))
}

fn write_archive(
    archive: &Path,
    database: &Path,
    files: &Path,
    position: i64,
) -> anyhow::Result<u64> {
    let mut tar = tar::Builder::new(std::fs::File::create(archive)?);
    tar.mode(tar::HeaderMode::Deterministic);
    let manifest = format!(
        "{FORMAT}\nmitra {}\nchange-feed-position {position}\n",
        env!("CARGO_PKG_VERSION")
    );
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, "MANIFEST", manifest.as_bytes())?;
    tar.append_path_with_name(database, "mitra.db")?;
    let attached = files_below(files)?;
    for relative in &attached {
        tar.append_path_with_name(files.join(relative), Path::new("files").join(relative))?;
    }
    tar.into_inner()?.sync_all()?;
    Ok(attached.len() as u64)
}

/// Runs `mitra restore FILE`.
pub(crate) async fn restore(config: &Config, file: &Path, force: bool) -> anyhow::Result<()> {
    let target = sqlite_path(config)?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let scratch = Scratch::new(&target, "restore")?;
    let archive =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    // The tar reader refuses names that would leave the folder (absolute, or with `..`).
    tar::Archive::new(archive)
        .unpack(&scratch.0)
        .with_context(|| format!("{} is not a backup Mitra can read", file.display()))?;
    let manifest = std::fs::read_to_string(scratch.0.join("MANIFEST")).unwrap_or_default();
    if manifest.lines().next() != Some(FORMAT) {
        bail!(
            "{} is not a backup written by `mitra backup` (it has no MANIFEST of {FORMAT})",
            file.display()
        );
    }
    let restored = scratch.0.join("mitra.db");
    if !restored.is_file() {
        bail!("{} holds no database (mitra.db)", file.display());
    }
    // The copy must open and answer before anything in the data directory is touched.
    let check = mitra_service::Mitra::open(&format!("sqlite://{}", restored.display()))
        .await
        .with_context(|| format!("the database in {} cannot be opened", file.display()))?;
    let ready = check.check_ready().await;
    check.close().await;
    ready.with_context(|| format!("the database in {} does not answer", file.display()))?;
    if target.exists() && !force {
        bail!(
            "{} has a database already; `mitra restore --force` replaces it, keeping it as {}.before-restore",
            target.display(),
            target.display()
        );
    }
    if target.exists() {
        let kept = PathBuf::from(format!("{}.before-restore", target.display()));
        std::fs::rename(&target, &kept)
            .with_context(|| format!("cannot keep the database as {}", kept.display()))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", target.display()));
            if side.exists() {
                let _ = std::fs::rename(&side, format!("{}{suffix}", kept.display()));
            }
        }
    }
    move_file(&restored, &target).with_context(|| format!("cannot write {}", target.display()))?;
    let attached = restore_files(&scratch.0.join("files"), &config.data_dir.join("files"))?;
    // The index of the database that was here is of no use now: built again from the restored one.
    let search = search_dir(config);
    if search.exists() {
        std::fs::remove_dir_all(&search)
            .with_context(|| format!("cannot remove the old search index {}", search.display()))?;
    }
    let mitra = open(config).await?.with_search_dir(search.clone());
    let entries = closing(&mitra, async {
        mitra
            .load_reference()
            .await
            .context("cannot load the reference data")?;
        mitra
            .rebuild_search_index()
            .await
            .with_context(|| format!("cannot build the search index in {}", search.display()))
    })
    .await?;
    let position = manifest
        .lines()
        .find_map(|l| l.strip_prefix("change-feed-position "))
        .unwrap_or("?");
    say(&format!(
        "Restored {} into {}: the database at change {position}, {attached} attached files, a search index of \
         {entries} entries.",
        file.display(),
        config.data_dir.display()
    ))
}

/// Moves the attached files of a backup into `files`, leaving those already there (a file's name is its content's
/// hash); returns how many the backup holds.
fn restore_files(from: &Path, files: &Path) -> anyhow::Result<u64> {
    let backed_up = files_below(from)?;
    for relative in &backed_up {
        let to = files.join(relative);
        if to.exists() {
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        move_file(&from.join(relative), &to)
            .with_context(|| format!("cannot write {}", to.display()))?;
    }
    Ok(backed_up.len() as u64)
}

/// Every file in `dir` and below, by its path relative to `dir`; none when there is no such folder.
fn files_below(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !dir.is_dir() {
        return Ok(found);
    }
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                found.push(relative.to_path_buf());
            }
        }
    }
    Ok(found)
}

/// Moves a file, copying it where a rename cannot (to another file system).
fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
}
