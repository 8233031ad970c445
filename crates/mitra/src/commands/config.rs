//! `mitra config default`: prints the commented example configuration file. It reads no configuration, so that it
//! works where the configuration is broken.

use super::say;
use crate::cli::ConfigCommand;

/// Runs `mitra config …`.
pub(crate) fn run(command: &ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Default => say(crate::config::DEFAULT_FILE.trim_end()),
    }
}
