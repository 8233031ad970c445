//! Configuration: one typed struct, layered as defaults → `--config mitra.toml` → `MITRA_…` environment variables →
//! command-line flags. A bad setting stops start-up with an error that names the key.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The settings as a `mitra.toml` file may give them; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    bind: Option<String>,
    log_format: Option<LogFormat>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    min_group_size: Option<usize>,
    provisional_coverage: Option<f64>,
    dormant_after_months: Option<u32>,
    metrics_token: Option<String>,
    page_cache_pages: Option<usize>,
}

/// The settings given on the command line or in the environment (clap reads both; flags win).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--database-url` / `MITRA_DATABASE_URL`.
    pub database_url: Option<String>,
    /// `--data-dir` / `MITRA_DATA_DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--bind` / `MITRA_BIND`.
    pub bind: Option<String>,
    /// `--log-format` / `MITRA_LOG_FORMAT`.
    pub log_format: Option<LogFormat>,
    /// `MITRA_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// `MITRA_SMTP_URL`.
    pub smtp_url: Option<String>,
    /// `MITRA_MAIL_FROM`.
    pub mail_from: Option<String>,
    /// `MITRA_METRICS_TOKEN`.
    pub metrics_token: Option<String>,
}

/// Mitra's resolved configuration.
#[derive(Clone)]
pub struct Config {
    /// Where data lives (the SQLite file by default).
    pub data_dir: PathBuf,
    /// The database URL; `None` means SQLite in `data_dir`.
    database_url: Option<String>,
    /// Address to serve on.
    pub bind: SocketAddr,
    /// Log line format.
    pub log_format: LogFormat,
    /// How mail is sent, and the address links in mail point to.
    pub mail: mitra_service::MailSettings,
    /// How honest peer statistics must be.
    pub analytics: mitra_service::AnalyticsSettings,
    /// Months without activity after which a signed or active partnership is marked dormant.
    pub dormant_after_months: u32,
    /// The bearer token `/metrics` asks for; without one, `/metrics` is off.
    pub metrics_token: Option<String>,
    /// How many rendered pages are kept for readers who are not signed in (0: none).
    pub page_cache_pages: usize,
}

/// The most pages `page_cache_pages` may keep (about 1 GB of pages).
const MAX_PAGE_CACHE_PAGES: usize = 10_000;

/// The default address: loopback only, so a first run is not exposed to the network.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

impl Config {
    /// Resolves the configuration from an optional file and the overrides.
    pub fn load(file: Option<&Path>, overrides: Overrides) -> anyhow::Result<Self> {
        let from_file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read the configuration file {}", path.display())
                })?;
                toml::from_str::<FileConfig>(&text)
                    .map_err(|e| {
                        anyhow::anyhow!("configuration file {}: {}", path.display(), e.message())
                    })
                    .with_context(|| {
                        "the valid keys are database_url, data_dir, bind, log_format, public_url, smtp_url, \
                         mail_from, min_group_size, provisional_coverage, dormant_after_months, metrics_token, \
                         page_cache_pages"
                            .to_owned()
                    })?
            }
            None => FileConfig::default(),
        };
        let bind_text = overrides
            .bind
            .or(from_file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let Ok(bind) = bind_text.parse::<SocketAddr>() else {
            bail!(
                "bind: '{bind_text}' is not an address like 127.0.0.1:8080 (set by --bind, MITRA_BIND or `bind` in the file)"
            );
        };
        let database_url = overrides
            .database_url
            .or(from_file.database_url)
            .filter(|u| !u.is_empty());
        if let Some(url) = &database_url
            && !["sqlite:", "postgres://", "postgresql://"]
                .iter()
                .any(|scheme| url.starts_with(scheme))
        {
            bail!(
                "database_url: must start with sqlite: or postgres:// (set by --database-url, MITRA_DATABASE_URL or `database_url` in the file)"
            );
        }
        let public_url = overrides
            .public_url
            .or(from_file.public_url)
            .unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!(
                "public_url: must start with http:// or https:// (set by MITRA_PUBLIC_URL or `public_url` in the file)"
            );
        }
        let smtp_url = overrides
            .smtp_url
            .or(from_file.smtp_url)
            .filter(|u| !u.is_empty());
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            bail!(
                "smtp_url: must start with smtp:// or smtps:// (set by MITRA_SMTP_URL or `smtp_url` in the file)"
            );
        }
        let mail = mitra_service::MailSettings {
            smtp_url,
            from: overrides
                .mail_from
                .or(from_file.mail_from)
                .unwrap_or_else(|| "Mitra <mitra@localhost>".to_owned()),
            public_url,
        };
        let defaults = mitra_service::AnalyticsSettings::default();
        let analytics = mitra_service::AnalyticsSettings {
            min_group_size: from_file.min_group_size.unwrap_or(defaults.min_group_size),
            provisional_below: from_file
                .provisional_coverage
                .unwrap_or(defaults.provisional_below),
        };
        if analytics.min_group_size < 2 {
            bail!(
                "min_group_size: must be at least 2, as a percentile among fewer cities says nothing (set by \
                 `min_group_size` in the file)"
            );
        }
        if !(0.0..=1.0).contains(&analytics.provisional_below) {
            bail!(
                "provisional_coverage: must be a share from 0 to 1 (set by `provisional_coverage` in the file)"
            );
        }
        let dormant_after_months = from_file
            .dormant_after_months
            .unwrap_or(mitra_service::domain::partnership::DEFAULT_DORMANT_AFTER_MONTHS);
        if !(1..=120).contains(&dormant_after_months) {
            bail!(
                "dormant_after_months: must be a number of months from 1 to 120 (set by `dormant_after_months` in \
                 the file)"
            );
        }
        let metrics_token = overrides
            .metrics_token
            .or(from_file.metrics_token)
            .filter(|t| !t.is_empty());
        if metrics_token
            .as_ref()
            .is_some_and(|t| t.chars().count() < 16 || !t.chars().all(|c| c.is_ascii_graphic()))
        {
            bail!(
                "metrics_token: must be at least 16 printable ASCII characters without spaces (set by \
                 MITRA_METRICS_TOKEN or `metrics_token` in the file)"
            );
        }
        let page_cache_pages = from_file
            .page_cache_pages
            .unwrap_or(mitra_service::DEFAULT_PAGE_CACHE_PAGES);
        if page_cache_pages > MAX_PAGE_CACHE_PAGES {
            bail!(
                "page_cache_pages: must be a number of pages from 0 to {MAX_PAGE_CACHE_PAGES} (set by \
                 `page_cache_pages` in the file)"
            );
        }
        Ok(Self {
            analytics,
            dormant_after_months,
            metrics_token,
            page_cache_pages,
            mail,
            data_dir: overrides
                .data_dir
                .or(from_file.data_dir)
                .unwrap_or_else(|| PathBuf::from("./mitra-data")),
            database_url,
            bind,
            log_format: overrides
                .log_format
                .or(from_file.log_format)
                .unwrap_or(LogFormat::Text),
        })
    }

    /// The database URL to open: the configured one, or SQLite at `<data_dir>/mitra.db`.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/mitra.db", self.data_dir.display()))
    }

    /// The database URL with any password replaced, for logs and messages.
    pub fn database_url_redacted(&self) -> String {
        redact(&self.database_url())
    }
}

/// Replaces the password of a `scheme://user:password@host` URL with `***`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url_redacted())
            .field("bind", &self.bind)
            .field("log_format", &self.log_format)
            .field("mail", &self.mail)
            .field("analytics", &self.analytics)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "(set)"),
            )
            .finish()
    }
}

/// The commented example printed by `mitra config default`.
pub const DEFAULT_FILE: &str = r#"# Mitra configuration. Every key is optional; the values shown are the defaults.
# Order of precedence (later wins): this file, then MITRA_* environment variables, then command-line flags.

# Where Mitra keeps its data. The embedded SQLite database is <data_dir>/mitra.db.
# Environment: MITRA_DATA_DIR. Flag: --data-dir.
data_dir = "./mitra-data"

# The database. Leave unset for SQLite in data_dir; use PostgreSQL to run several app nodes on one database:
#   database_url = "postgres://mitra:secret@db.example.org:5432/mitra"
# Environment: MITRA_DATABASE_URL. Flag: --database-url.
# database_url = "sqlite://./mitra-data/mitra.db"

# Address and port to serve on. 127.0.0.1 accepts local connections only; use 0.0.0.0:8080 behind a reverse proxy.
# Environment: MITRA_BIND. Flag: serve --bind.
bind = "127.0.0.1:8080"

# Log format: "text" for people, "json" for log collectors. Environment: MITRA_LOG_FORMAT. Flag: --log-format.
log_format = "text"

# The address people reach Mitra at; links in e-mail (verification, password reset, invitations) point here.
# Default: http://<bind>. Environment: MITRA_PUBLIC_URL.
# public_url = "https://mitra.example.org"

# SMTP server for e-mail: smtp://USER:PASSWORD@HOST:587 (STARTTLS) or smtps://USER:PASSWORD@HOST:465 (TLS).
# Without it, messages are written to the log so that an operator can pass the links on.
# Environment: MITRA_SMTP_URL.
# smtp_url = "smtps://mitra:secret@mail.example.org:465"

# The sender of e-mail. Environment: MITRA_MAIL_FROM.
mail_from = "Mitra <mitra@localhost>"

# Rankings, percentiles and medians compare a city only within a peer group of at least this many cities with a
# value for the indicator that year; smaller groups are listed as too small, not ranked.
min_group_size = 5

# A city profile's overall score is called provisional while it rests on less than this share of the indicators
# that apply to the city's tier.
provisional_coverage = 0.5

# A signed or active partnership with no activity logged for this many months is marked dormant, and both cities'
# governments are told.
dormant_after_months = 12

# /metrics answers in the Prometheus text format to requests that carry `Authorization: Bearer <this token>`; without
# a token it is off. At least 16 characters, e.g. from `openssl rand -hex 24`. Environment: MITRA_METRICS_TOKEN.
# metrics_token = "…"

# The home page is kept as rendered for readers who are not signed in, one copy per language and address, until the
# next write; at most this many pages (about 100 KB each), 0 to keep none.
page_cache_pages = 256
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut file, text.as_bytes()).expect("write");
        file
    }

    #[test]
    fn the_default_file_parses_to_the_defaults() {
        let file = write(DEFAULT_FILE);
        let config = Config::load(Some(file.path()), Overrides::default()).expect("valid");
        assert_eq!(config.bind.to_string(), DEFAULT_BIND);
        assert_eq!(config.database_url(), "sqlite://./mitra-data/mitra.db");
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(
            config.analytics,
            mitra_service::AnalyticsSettings::default()
        );
    }

    #[test]
    fn flags_and_environment_override_the_file() {
        let file = write("bind = \"127.0.0.1:9000\"\ndata_dir = \"/srv/mitra\"\n");
        let overrides = Overrides {
            bind: Some("0.0.0.0:7000".into()),
            ..Default::default()
        };
        let config = Config::load(Some(file.path()), overrides).expect("valid");
        assert_eq!(config.bind.to_string(), "0.0.0.0:7000");
        assert_eq!(config.database_url(), "sqlite:///srv/mitra/mitra.db");
    }

    #[test]
    fn a_bad_setting_names_its_key() {
        let unknown = write("bnid = \"x\"\n");
        let err =
            Config::load(Some(unknown.path()), Overrides::default()).expect_err("unknown key");
        assert!(format!("{err:#}").contains("bnid"), "{err:#}");
        let bad_bind = Overrides {
            bind: Some("localhost".into()),
            ..Default::default()
        };
        let err = Config::load(None, bad_bind).expect_err("bad bind");
        assert!(err.to_string().starts_with("bind:"), "{err}");
        let bad_url = Overrides {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        let err = Config::load(None, bad_url).expect_err("bad url");
        assert!(err.to_string().starts_with("database_url:"), "{err}");
        let group_of_one = write("min_group_size = 1\n");
        let err = Config::load(Some(group_of_one.path()), Overrides::default())
            .expect_err("a group of one");
        assert!(err.to_string().starts_with("min_group_size:"), "{err}");
        let never = write("dormant_after_months = 0\n");
        let err = Config::load(Some(never.path()), Overrides::default()).expect_err("0 months");
        assert!(
            err.to_string().starts_with("dormant_after_months:"),
            "{err}"
        );
        let huge = write("page_cache_pages = 10000000\n");
        let err = Config::load(Some(huge.path()), Overrides::default()).expect_err("too many");
        assert!(err.to_string().starts_with("page_cache_pages:"), "{err}");
        let none = write("page_cache_pages = 0\n");
        let config = Config::load(Some(none.path()), Overrides::default()).expect("no cache");
        assert_eq!(config.page_cache_pages, 0);
        let six = write("dormant_after_months = 6\n");
        let config = Config::load(Some(six.path()), Overrides::default()).expect("6 months");
        assert_eq!(config.dormant_after_months, 6);
        let coverage = write("provisional_coverage = 2.0\n");
        let err = Config::load(Some(coverage.path()), Overrides::default()).expect_err("a share");
        assert!(
            err.to_string().starts_with("provisional_coverage:"),
            "{err}"
        );
        for weak in ["short", "a token with spaces in it"] {
            let token = Overrides {
                metrics_token: Some(weak.into()),
                ..Default::default()
            };
            let err = Config::load(None, token).expect_err("a weak token");
            assert!(err.to_string().starts_with("metrics_token:"), "{err}");
        }
        let file = write("metrics_token = \"from-the-file-0123456789\"\n");
        let from_env = Overrides {
            metrics_token: Some("from-the-environment-0123456789".into()),
            ..Default::default()
        };
        let config = Config::load(Some(file.path()), from_env).expect("a token");
        assert_eq!(
            config.metrics_token.as_deref(),
            Some("from-the-environment-0123456789"),
            "the environment wins over the file"
        );
        assert_eq!(
            Config::load(None, Overrides::default())
                .expect("defaults")
                .metrics_token,
            None
        );
    }

    #[test]
    fn passwords_are_redacted_in_debug_output() {
        let overrides = Overrides {
            database_url: Some("postgres://mitra:hunter2@db:5432/mitra".into()),
            smtp_url: Some("smtps://mitra:swordfish@mail:465".into()),
            ..Default::default()
        };
        let config = Config::load(None, overrides).expect("valid");
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("swordfish"),
            "{shown}"
        );
        assert!(
            shown.contains("postgres://mitra:***@db:5432/mitra"),
            "{shown}"
        );
    }
}
