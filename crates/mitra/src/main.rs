//! The `mitra` binary: serves the platform and runs operator commands. It only wires the layers together.

mod config;

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use mitra_service::Mitra;
use tokio::net::TcpListener;

use crate::config::{Config, LogFormat, Overrides};

/// Mitra: open, self-hostable software for ASEAN–China smart city cooperation.
///
/// Cities of the ASEAN Smart Cities Network and their Chinese partner cities share practices, compare themselves on
/// common indicator standards, and find partners. Settings come from defaults, then --config FILE, then MITRA_*
/// environment variables, then flags; `mitra config default` prints an example file.
#[derive(Debug, Parser)]
#[command(name = "mitra", version, about, long_about)]
struct Cli {
    /// Configuration file (TOML).
    #[arg(long, global = true, env = "MITRA_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB (default: SQLite in the data directory).
    #[arg(
        long,
        global = true,
        env = "MITRA_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,

    /// Data directory (default: ./mitra-data).
    #[arg(long, global = true, env = "MITRA_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Log format.
    #[arg(long, global = true, env = "MITRA_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web application and API: applies migrations, loads the reference data, then serves.
    Serve {
        /// Also load the demonstration data (once). Never use this in production.
        #[arg(long)]
        demo: bool,
        /// Address to serve on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080 (port 0 picks a free port).
        #[arg(long, env = "MITRA_BIND", value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print a commented example configuration file with the default values.
    Default,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MITRA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("server.shutting_down");
}

fn say(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

async fn open(config: &Config) -> anyhow::Result<Mitra> {
    Mitra::open(&config.database_url()).await.with_context(|| {
        format!(
            "cannot open the database {}",
            config.database_url_redacted()
        )
    })
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let mitra = open(&config).await?;
    let report = mitra
        .load_reference()
        .await
        .context("cannot load the reference data")?;
    if report.already_loaded {
        tracing::info!(
            reference.version = report.version,
            "reference.already_loaded"
        );
    } else {
        say(&format!(
            "Reference data v{}: {} cities, {} indicators, {} crosswalk relations ({} rows added, {} updated).",
            report.version,
            report.counts.0,
            report.counts.1,
            report.counts.2,
            report.changes.inserted,
            report.changes.updated
        ))?;
    }
    if demo {
        let demo = mitra
            .load_demo()
            .await
            .context("cannot load the demo data")?;
        if demo.newly_loaded {
            say(
                "Demo data loaded. This is a demonstration instance: never use --demo in production.",
            )?;
        }
        tracing::warn!("serve.demo_mode");
    }
    let listener = TcpListener::bind(config.bind).await.with_context(|| {
        format!(
            "cannot listen on {} (is another program using it?)",
            config.bind
        )
    })?;
    let address = listener.local_addr()?;
    tracing::info!(address = %address, database = %config.database_url_redacted(), "server.started");
    say(&format!(
        "Mitra is listening on http://{address}  (Ctrl-C to stop)"
    ))?;
    mitra_web::serve(listener, mitra, shutdown_signal())
        .await
        .context("server error")?;
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Command::Config {
        command: ConfigCommand::Default,
    } = cli.command
    {
        return match say(config::DEFAULT_FILE.trim_end()) {
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
    };
    let config = match Config::load(cli.config.as_deref(), overrides) {
        Ok(config) => config,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    let result = match cli.command {
        Command::Serve { demo, .. } => serve(config, demo).await,
        Command::Migrate => match open(&config).await {
            Ok(_) => say(&format!(
                "Migrations applied to {}.",
                config.database_url_redacted()
            )),
            Err(e) => Err(e),
        },
        Command::Config { .. } => Ok(()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "command.failed");
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
