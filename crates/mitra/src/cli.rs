//! The command line's grammar: the clap definitions of every command and its options, whose doc comments are the
//! `--help` text. It only describes; running a command is `commands`' work.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::LogFormat;

/// Mitra: open, self-hostable software for ASEAN–China smart city cooperation.
///
/// Cities of the ASEAN Smart Cities Network and their Chinese partner cities share practices, compare themselves on
/// common indicator standards, and find partners. Settings come from defaults, then --config FILE, then MITRA_*
/// environment variables, then flags; `mitra config default` prints an example file.
#[derive(Debug, Parser)]
#[command(name = "mitra", version, about, long_about)]
pub(crate) struct Cli {
    /// Configuration file (TOML).
    #[arg(long, global = true, env = "MITRA_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB (default: SQLite in the data directory).
    #[arg(
        long,
        global = true,
        env = "MITRA_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub(crate) database_url: Option<String>,

    /// Data directory (default: ./mitra-data).
    #[arg(long, global = true, env = "MITRA_DATA_DIR", value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// Log format.
    #[arg(long, global = true, env = "MITRA_LOG_FORMAT", value_enum)]
    pub(crate) log_format: Option<LogFormat>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
    /// Notifications of conversations about opportunities and of city partnerships.
    Notifications {
        #[command(subcommand)]
        command: NotificationsCommand,
    },
    /// Write a backup of a SQLite data directory to FILE, while `mitra serve` may go on: a consistent copy of the
    /// database, the attached files and the change-feed position, in one tar file. (PostgreSQL is backed up with
    /// pg_dump; see the README.)
    Backup {
        /// The backup file to write (it must not exist yet).
        file: PathBuf,
    },
    /// Restore a backup written by `mitra backup` into the data directory, and rebuild the search index. Stop the
    /// server that uses the data directory first. A database already there is kept beside it as
    /// mitra.db.before-restore, and replaced only with --force.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace the database the data directory has.
        #[arg(long)]
        force: bool,
    },
    /// Print the completion script of a shell, e.g. `mitra completions bash > /etc/bash_completion.d/mitra`, or
    /// `source <(mitra completions bash)`; for zsh, write it as `_mitra` into a folder of `$fpath`; for fish, into
    /// `~/.config/fish/completions/mitra.fish`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum NotificationsCommand {
    /// Send the notification mail that is due now: each notification at once to accounts that asked for that, and
    /// the daily or weekly digests that are due. `mitra serve` does this every five minutes by itself.
    Mail,
    /// Mark dormant every signed or active partnership with no activity for `dormant_after_months` months (12 unless
    /// configured), and tell both cities' governments. `mitra serve` does this every five minutes by itself.
    Dormancy,
}

#[derive(Debug, Subcommand)]
pub(crate) enum IndexCommand {
    /// Throw the search index away and build it again from the database. `mitra serve` builds it by itself when
    /// it is missing or from another version, and keeps it current; rebuild after restoring a backup, or to be
    /// sure. Stop the server that uses this data directory first.
    Rebuild,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// Readable text.
    Text,
    /// JSON, as the API answers.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
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
pub(crate) enum UserCommand {
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
pub(crate) enum OrgCommand {
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
pub(crate) enum ConfigCommand {
    /// Print a commented example configuration file with the default values.
    Default,
}
