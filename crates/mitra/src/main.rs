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
        /// With --demo, leave out an observation pack (population, land-area, who-air-quality, cdp-emissions);
        /// repeat for several. who-air-quality is licensed for non-commercial use only.
        #[arg(long, value_name = "PACK", requires = "demo")]
        demo_exclude: Vec<String>,
        /// Address to serve on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080 (port 0 picks a free port).
        #[arg(long, env = "MITRA_BIND", value_name = "ADDR")]
        bind: Option<String>,
        /// With --demo, serve on an address other machines can reach. The demo accounts' passwords are published:
        /// anyone who reaches the server can sign in as a platform admin.
        #[arg(long, requires = "demo")]
        allow_demo_on_network: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Manage accounts (as the operator of this machine).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage organisations (as the operator of this machine).
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Assess a city's indicator data against Mitra's conformity scheme for a standard: the level reached, the
    /// indicators missing for the next level, invalid values, warnings, and values recognised through the crosswalk.
    Assess {
        /// City id (e.g. bangkok).
        city: String,
        /// Standard id: iso37120-2014 or u4ssc.
        #[arg(long)]
        standard: String,
        /// Year to assess (default: the latest year with data).
        #[arg(long)]
        year: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Import data files (as the operator of this machine).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The search index of the knowledge exchange (kept in the data directory's search/ folder).
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
}

#[derive(Debug, Subcommand)]
enum IndexCommand {
    /// Throw the search index away and build it again from the database. `mitra serve` builds it by itself when
    /// it is missing or from another version, and keeps it current; rebuild after restoring a backup, or to be
    /// sure. Stop the server that uses this data directory first.
    Rebuild,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    /// Readable text.
    Text,
    /// JSON, as the API answers.
    Json,
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import indicator observations from a CSV or JSON file; the README describes the format. Every row is checked
    /// first and every bad row is reported as `FILE: line N, column C: reason`; then all rows are written, or none.
    /// Importing the same file again changes nothing.
    Observations {
        /// The file (CSV with a header row, or a JSON array of objects).
        file: std::path::PathBuf,
        /// Check the file and report what would be written, without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import knowledge-exchange entries from a CSV or JSON file; the README describes the format. Every problem
    /// is reported as `FILE: line N, column C: reason`; then all entries are written, or none. An entry whose id
    /// exists is replaced.
    Entries {
        /// The file (CSV with a header row, or a JSON array of entries).
        file: std::path::PathBuf,
        /// The organisation that publishes them (its id); without it they are the platform's own.
        #[arg(long)]
        org: Option<String>,
        /// Check the file and report what would be written, without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a verified account. Prints a one-time password, or reads the password from standard input with
    /// --password-stdin.
    Add {
        /// E-mail address.
        email: String,
        /// Platform role: platform-admin, verifier or none.
        #[arg(long, default_value = "none")]
        role: String,
        /// Name shown to others (default: the part of the address before @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (first line) instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give an account a platform role, or take it away with `none`.
    SetRole {
        /// E-mail address.
        email: String,
        /// platform-admin, verifier or none.
        role: String,
    },
}

#[derive(Debug, Subcommand)]
enum OrgCommand {
    /// Register an organisation, approved at once. Prints its id.
    Add {
        /// English name (the id is made from it).
        name: String,
        /// city-government, national-ministry, research-institution, enterprise, startup, investor,
        /// multilateral-institution, ngo or training-provider.
        #[arg(long)]
        kind: String,
        /// ISO 3166-1 alpha-2 country code, e.g. TH.
        #[arg(long)]
        country: String,
        /// City id (required for a city government), e.g. bangkok.
        #[arg(long)]
        city: Option<String>,
        /// Chinese name.
        #[arg(long)]
        name_zh: Option<String>,
        /// https:// web site.
        #[arg(long)]
        website: Option<String>,
    },
    /// Add an existing account to an organisation, or change its role.
    AddMember {
        /// Organisation id.
        org: String,
        /// E-mail address of the account.
        email: String,
        /// admin, editor or member.
        #[arg(long, default_value = "member")]
        role: String,
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

/// A future that completes on Ctrl-C or SIGTERM. The signal handlers are installed now, before the server says it
/// is listening, so that a signal sent as soon as it does stops it cleanly.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = signals;
            let interrupted = async {
                match interrupt.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending().await,
                }
            };
            let terminated = async {
                match terminate.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = interrupted => {},
                () = terminated => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("server.shutting_down");
    }
}

fn say(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Where the search index is kept: `search/` in the data directory.
fn search_dir(config: &Config) -> std::path::PathBuf {
    config.data_dir.join("search")
}

async fn run_index(config: &Config, command: IndexCommand) -> anyhow::Result<()> {
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

/// Runs `work`, then closes `mitra`'s database connections whatever the outcome, so that SQLite folds its
/// write-ahead log into the database and removes the `-wal` and `-shm` files.
async fn closing<T>(
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
async fn open(config: &Config) -> anyhow::Result<Mitra> {
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

async fn run_assess(
    config: &Config,
    city: &str,
    standard: &str,
    year: Option<&str>,
    format: OutputFormat,
) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    closing(&mitra, async {
        mitra
            .load_reference()
            .await
            .context("cannot load the reference data")?;
        let report = mitra.assess(city, standard, year).await?;
        let view = report.view(mitra_service::domain::Language::En);
        if let OutputFormat::Json = format {
            return say(&serde_json::to_string_pretty(&view)?);
        }
        let title = |id: &str| {
            report
                .indicators
                .values()
                .find(|i| i.id.as_str() == id)
                .map_or(String::new(), |i| i.title_en.clone())
        };
        let mut out = vec![
            format!(
                "{} ({}) — {}, {}",
                report.city.name_en,
                report.city.id,
                view.scheme_title,
                view.year
                    .map_or("no data".to_owned(), |y| format!("year {y}"))
            ),
            view.scheme_note.clone(),
            String::new(),
            format!(
                "Level reached: {}",
                view.level.as_ref().map_or("none", |l| l.name.as_str())
            ),
        ];
        for (kind, (valid, total)) in &view.counts {
            out.push(format!(
                "  {kind}: {valid} of {total} indicators with a valid value"
            ));
        }
        match &view.next_level {
            None => out.push("This is the highest level of the scheme.".into()),
            Some(next) => {
                out.push(format!("Next level: {}", next.name));
                for gap in &next.missing {
                    out.push(format!(
                        "  {} more {} indicator(s), any {} of these {}:",
                        gap.needed,
                        gap.kind,
                        gap.needed,
                        gap.indicators.len()
                    ));
                    for id in &gap.indicators {
                        out.push(format!("    {id}  {}", title(id)));
                    }
                }
            }
        }
        let recognised: Vec<_> = view
            .items
            .iter()
            .filter(|i| i.recognised_from.is_some())
            .collect();
        if !recognised.is_empty() {
            out.push("Recognised through the crosswalk:".into());
            for item in recognised {
                out.push(format!(
                    "  {} ← {} = {}",
                    item.indicator,
                    item.recognised_from.as_deref().unwrap_or_default(),
                    item.value
                ));
            }
        }
        for (heading, list) in [("Invalid", &view.invalid), ("Warnings", &view.warnings)] {
            if !list.is_empty() {
                out.push(format!("{heading}:"));
                for f in list {
                    out.push(format!(
                        "  {}{}",
                        f.indicator
                            .as_deref()
                            .map_or(String::new(), |i| format!("{i}: ")),
                        f.reason
                    ));
                }
            }
        }
        say(&out.join("\n"))
    })
    .await
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

async fn run_import_entries(
    config: &Config,
    file: &std::path::Path,
    org: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mitra = open(config).await?;
    closing(&mitra, async {
    mitra
        .load_reference()
        .await
        .context("cannot load the reference data")?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!("importing {}", file.display()));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let result = mitra
        .import_entries(
            &mitra_service::domain::Actor::Operator,
            org,
            &bytes,
            dry_run,
        )
        .await;
    bar.finish_and_clear();
    let origin = file.display().to_string();
    match result {
        Ok(report) => {
            match report.writes {
                None => say(&format!(
                    "{origin}: would import {} entries ({} replacing stored ones). Nothing was written (--dry-run).",
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
                    "They wait for review by a platform admin (on /admin), because the organisation is not approved yet.",
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

async fn run_import(config: &Config, command: ImportCommand) -> anyhow::Result<()> {
    let (file, dry_run) = match command {
        ImportCommand::Observations { file, dry_run } => (file, dry_run),
        ImportCommand::Entries { file, org, dry_run } => {
            return run_import_entries(config, &file, org.as_deref(), dry_run).await;
        }
    };
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let mitra = open(config).await?;
    closing(&mitra, async {
    mitra
        .load_reference()
        .await
        .context("cannot load the reference data")?;
    let bar = indicatif::ProgressBar::new(bytes.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {percent:>3}% ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!("checking {}", file.display()));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
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

/// How often `serve` deletes expired sessions and e-mailed links.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes expired sessions and links now and then every [`PURGE_EVERY`] (each node does; deleting is idempotent).
fn purge_periodically(mitra: &Mitra) -> tokio::task::JoinHandle<()> {
    let mitra = mitra.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PURGE_EVERY);
        loop {
            tick.tick().await;
            match mitra.purge_expired().await {
                Ok((sessions, links)) => {
                    tracing::info!(purge.sessions = sessions, purge.links = links, "purge.done");
                }
                Err(error) => tracing::warn!(error = %error, "purge.failed"),
            }
        }
    })
}

/// Options of `mitra serve` beyond the configuration.
struct ServeOptions<'a> {
    demo: bool,
    demo_exclude: &'a [String],
    allow_demo_on_network: bool,
}

async fn serve(mut config: Config, options: ServeOptions<'_>) -> anyhow::Result<()> {
    let ServeOptions {
        demo,
        demo_exclude,
        allow_demo_on_network,
    } = options;
    if demo && !config.bind.ip().is_loopback() && !allow_demo_on_network {
        anyhow::bail!(
            "--demo serves accounts whose passwords are published, and {} can be reached from other machines; \
             bind to 127.0.0.1, or add --allow-demo-on-network if everyone who can reach it may be a platform admin",
            config.bind
        );
    }
    let listener = TcpListener::bind(config.bind).await.with_context(|| {
        format!(
            "cannot listen on {} (is another program using it?)",
            config.bind
        )
    })?;
    let address = listener.local_addr()?;
    // Without a configured public URL, links (mail, feeds, calendars) point at the address actually bound, which
    // differs from the configured one when it asks for any free port (`--bind 127.0.0.1:0`).
    if config.mail.public_url == format!("http://{}", config.bind) {
        config.mail.public_url = format!("http://{address}");
    }
    let mitra = open(&config).await?.with_search_dir(search_dir(&config));
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
            .load_demo(demo_exclude)
            .await
            .context("cannot load the demo data")?;
        if demo.newly_loaded {
            say(
                "Demo data loaded. This is a demonstration instance: never use --demo in production.",
            )?;
        }
        tracing::warn!("serve.demo_mode");
    } else {
        let disabled = mitra
            .set_demo_accounts_enabled(false)
            .await
            .context("cannot disable the demo accounts")?;
        if disabled > 0 {
            say(&format!(
                "{disabled} demo account(s) are disabled, as this server runs without --demo: their sessions ended \
                 and their API tokens were revoked."
            ))?;
        }
    }
    let indexed = mitra
        .prepare_search()
        .await
        .context("cannot prepare the search index")?;
    tracing::info!(entries = indexed, "search.ready");
    if let Some(problem) = mitra.search_problem() {
        say(&format!("Warning: {problem}"))?;
    }
    let follower = mitra.follow_search_feed();
    let purger = purge_periodically(&mitra);
    let shutdown = shutdown_signal();
    tracing::info!(address = %address, database = %config.database_url_redacted(), "server.started");
    say(&format!(
        "Mitra is listening on http://{address}  (Ctrl-C to stop)"
    ))?;
    let served = mitra_web::serve(listener, mitra.clone(), shutdown).await;
    // The requests in flight are done: stop following the feed, then close the database.
    follower.abort();
    purger.abort();
    mitra.close().await;
    tracing::info!("server.stopped");
    served.context("server error")
}

fn platform_role(raw: &str) -> anyhow::Result<Option<mitra_service::domain::PlatformRole>> {
    match raw {
        "none" | "" => Ok(None),
        other => Ok(Some(
            mitra_service::domain::PlatformRole::parse(other)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
    }
}

/// Account commands, run as the operator. The reference data is loaded first, as organisations refer to it.
async fn run_user(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    closing(&mitra, async {
        let operator = mitra_service::domain::Actor::Operator;
        match command {
            UserCommand::Add {
                email,
                role,
                name,
                password_stdin,
            } => {
                let role = platform_role(&role)?;
                let (password, generated) = if password_stdin {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("cannot read the password from standard input")?;
                    (line.trim_end_matches(['\r', '\n']).to_owned(), false)
                } else {
                    (mitra_service::one_time_password(), true)
                };
                let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or("").to_owned());
                let account = mitra
                    .create_account(&operator, &email, &password, &name, role)
                    .await?;
                say(&format!(
                    "Created account {} ({}).",
                    account.email, account.id
                ))?;
                if generated {
                    say(&format!("One-time password: {password}"))?;
                    say("Sign in with it and change it; it is not shown again.")?;
                }
                Ok(())
            }
            UserCommand::SetRole { email, role } => {
                let account = mitra
                    .set_platform_role(&operator, &email, platform_role(&role)?)
                    .await?;
                say(&format!(
                    "{} now has the platform role {}.",
                    account.email,
                    account.platform_role.map_or("none", |r| r.as_str())
                ))
            }
        }
    })
    .await
}

/// Organisation commands, run as the operator.
async fn run_org(config: &Config, command: OrgCommand) -> anyhow::Result<()> {
    let mitra = open(config).await?;
    closing(&mitra, async {
        mitra
            .load_reference()
            .await
            .context("cannot load the reference data")?;
        let operator = mitra_service::domain::Actor::Operator;
        match command {
            OrgCommand::Add {
                name,
                kind,
                country,
                city,
                name_zh,
                website,
            } => {
                let input = mitra_service::OrgInput {
                    kind,
                    name_en: name,
                    name_zh,
                    country,
                    city,
                    website,
                    description_en: String::new(),
                    description_zh: None,
                };
                let org = mitra.create_organisation(&operator, &input).await?;
                say(&format!(
                    "Registered organisation {} ({}), approved.",
                    org.id, org.profile.name_en
                ))
            }
            OrgCommand::AddMember { org, email, role } => {
                mitra.add_member(&operator, &org, &email, &role).await?;
                say(&format!("{email} is now {role} of {org}."))
            }
        }
    })
    .await
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
        public_url: std::env::var("MITRA_PUBLIC_URL").ok(),
        smtp_url: std::env::var("MITRA_SMTP_URL").ok(),
        mail_from: std::env::var("MITRA_MAIL_FROM").ok(),
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
            serve(config, options).await
        }
        Command::Migrate => match open(&config).await {
            Ok(mitra) => {
                mitra.close().await;
                say(&format!(
                    "Migrations applied to {}.",
                    config.database_url_redacted()
                ))
            }
            Err(e) => Err(e),
        },
        Command::Config { .. } => Ok(()),
        Command::User { command } => run_user(&config, command).await,
        Command::Org { command } => run_org(&config, command).await,
        Command::Import { command } => run_import(&config, command).await,
        Command::Index { command } => run_index(&config, command).await,
        Command::Assess {
            city,
            standard,
            year,
            format,
        } => run_assess(&config, &city, &standard, year.as_deref(), format).await,
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
