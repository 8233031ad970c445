//! `mitra migrate`: applies the pending database migrations, which opening the database does, and exits.

use super::{open, say};
use crate::config::Config;

/// Runs `mitra migrate`.
pub(crate) async fn run(config: &Config) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    mitra.close().await;
    say(&format!(
        "Migrations applied to {}.",
        config.database_url_redacted()
    ))
}
