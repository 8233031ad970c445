//! `mitra index rebuild`: the knowledge exchange's search index, thrown away and built again from the database.

use anyhow::Context;

use super::{closing, open, say, search_dir};
use crate::cli::IndexCommand;
use crate::config::Config;

/// Runs `mitra index rebuild`.
pub(crate) async fn run(config: &Config, command: IndexCommand) -> anyhow::Result<()> {
    match command {
        IndexCommand::Rebuild => {
            let mitra = open(config).await?.with_search_dir(search_dir(config));
            closing(&mitra, async {
                mitra
                    .load_reference()
                    .await
                    .context("cannot load the reference data")?;
                let count = mitra.rebuild_search_index().await.with_context(|| {
                    format!(
                        "cannot rebuild the search index in {}",
                        search_dir(config).display()
                    )
                })?;
                say(&format!(
                    "Search index rebuilt in {}: {count} entries.",
                    search_dir(config).display()
                ))
            })
            .await
        }
    }
}
