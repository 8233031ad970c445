//! The `mitra` binary: serves the platform and runs operator commands. It only wires the layers together: the
//! command line's grammar is in `cli`, each command in `commands`, the settings in `config`.

mod cli;
mod commands;
mod config;

use std::io::{IsTerminal as _, Write as _};

use clap::{CommandFactory as _, Parser};

use crate::cli::{Cli, Command};
use crate::commands::serve::ServeOptions;
use crate::config::{Config, LogFormat, Overrides};

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MITRA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // Colour codes only for a person at a terminal: not in a file, a pipe or a service's journal.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// mimalloc: indexing and import allocate millions of small strings across threads, where it spends about half of
/// what the system allocator does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Completion scripts and the example configuration are printed before any configuration is read, so that a
    // broken one does not stop them.
    if let Command::Completions { shell } = cli.command {
        // Written whole at the end: a reader that stops early (`| head`) ends the command, not a panic.
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "mitra", &mut script);
        return match std::io::stdout().write_all(&script) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::ExitCode::SUCCESS,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    if let Command::Config { command } = &cli.command {
        return match commands::config::run(command) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(_) => std::process::ExitCode::FAILURE,
        };
    }
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let overrides = Overrides {
        database_url: cli.database_url,
        data_dir: cli.data_dir,
        bind,
        log_format: cli.log_format,
        public_url: std::env::var("MITRA_PUBLIC_URL").ok(),
        smtp_url: std::env::var("MITRA_SMTP_URL").ok(),
        mail_from: std::env::var("MITRA_MAIL_FROM").ok(),
        metrics_token: std::env::var("MITRA_METRICS_TOKEN").ok(),
    };
    let config = match Config::load(cli.config.as_deref(), overrides) {
        Ok(config) => config,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    let log_format = config.log_format;
    let result = match cli.command {
        Command::Serve {
            demo,
            demo_exclude,
            allow_demo_on_network,
            ..
        } => {
            let options = ServeOptions {
                demo,
                demo_exclude: &demo_exclude,
                allow_demo_on_network,
            };
            commands::serve::run(config, options).await
        }
        Command::Migrate => commands::migrate::run(&config).await,
        Command::Config { command } => commands::config::run(&command),
        Command::Completions { .. } => Ok(()),
        Command::Backup { file } => commands::backup::backup(&config, &file).await,
        Command::Restore { file, force } => commands::backup::restore(&config, &file, force).await,
        Command::User { command } => commands::user::run(&config, command).await,
        Command::Org { command } => commands::org::run(&config, command).await,
        Command::Import { command } => commands::import::run(&config, command).await,
        Command::Index { command } => commands::index::run(&config, command).await,
        Command::Notifications {
            command: cli::NotificationsCommand::Mail,
        } => commands::notifications::mail(&config).await,
        Command::Notifications {
            command: cli::NotificationsCommand::Dormancy,
        } => commands::notifications::dormancy(&config).await,
        Command::Assess {
            city,
            standard,
            year,
            format,
        } => commands::assess::run(&config, &city, &standard, year.as_deref(), format).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // Said once, as a line for the person who ran the command; a log in JSON gets it as an event instead,
            // for the machine that reads the log.
            match log_format {
                LogFormat::Json => tracing::error!(error = %format!("{error:#}"), "command.failed"),
                LogFormat::Text => {
                    let _ = writeln!(std::io::stderr(), "error: {error:#}");
                }
            }
            std::process::ExitCode::FAILURE
        }
    }
}
