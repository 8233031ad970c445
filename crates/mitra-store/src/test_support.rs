//! Test support: fresh databases for tests, on every configured engine. SQLite always; PostgreSQL when
//! `MITRA_TEST_POSTGRES_URL` names a server where the user may create databases (each test gets its own, dropped
//! afterwards in the background, even when the test panics; what a test binary could not drop before it ended is
//! dropped when the next one starts). Only compiled with the `test-support` feature.
//!
//! A database that many tests start from (migrated, reference data loaded, the demo pack) is built once per test
//! binary as a *template* and copied for each test: PostgreSQL copies it with `create database … template …`,
//! SQLite copies the file. Templates of test binaries that have ended are dropped when the next one starts.

#![expect(
    clippy::expect_used,
    reason = "test support: a set-up that fails ends the test with its reason"
)]

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use sqlx::Connection as _;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The environment variable naming a PostgreSQL server for tests.
const POSTGRES_URL_VARIABLE: &str = "MITRA_TEST_POSTGRES_URL";

/// A database engine a test runs on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Engine {
    /// SQLite, in a temporary directory.
    Sqlite,
    /// PostgreSQL, through the admin URL of a server where the user may create databases.
    Postgres {
        /// The URL of a database to connect to for creating and dropping others.
        admin_url: String,
    },
}

impl Engine {
    /// SQLite, then PostgreSQL when `MITRA_TEST_POSTGRES_URL` is set.
    pub fn configured() -> Vec<Engine> {
        let mut engines = vec![Engine::Sqlite];
        engines.extend(Self::postgres());
        engines
    }

    /// PostgreSQL, when `MITRA_TEST_POSTGRES_URL` is set: for tests of what only PostgreSQL does.
    pub fn postgres() -> Option<Engine> {
        std::env::var(POSTGRES_URL_VARIABLE)
            .ok()
            .map(|admin_url| Engine::Postgres { admin_url })
    }

    /// A fresh, empty database.
    pub async fn fresh(&self) -> TestDatabase {
        match self {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = sqlite_url(&dir.path().join("mitra.db"));
                TestDatabase {
                    url,
                    dir,
                    _postgres: None,
                }
            }
            Engine::Postgres { admin_url } => {
                let (guard, url) = PostgresDatabase::create(admin_url, None).await;
                TestDatabase {
                    url,
                    dir: tempfile::tempdir().expect("temp dir"),
                    _postgres: Some(guard),
                }
            }
        }
    }

    /// A copy of the template `name`, which `build` makes once per test binary and engine from the URL of an empty
    /// database. `build` must close every connection it opened before it returns. Tests that ask for the same name
    /// must pass the same `build`.
    pub async fn from_template<F, Fut>(&self, name: &'static str, build: F) -> TestDatabase
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let cell = {
            let mut templates = TEMPLATES.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(templates.entry((self.clone(), name)).or_default())
        };
        let template = cell
            .get_or_init(|| async {
                match self {
                    Engine::Sqlite => Template::build_sqlite(name, build).await,
                    Engine::Postgres { admin_url } => {
                        Template::build_postgres(admin_url, name, build).await
                    }
                }
            })
            .await;
        match (self, template) {
            (Engine::Sqlite, Template::Sqlite(file)) => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("mitra.db");
                std::fs::copy(file, &path).expect("copy the template database");
                TestDatabase {
                    url: sqlite_url(&path),
                    dir,
                    _postgres: None,
                }
            }
            (Engine::Postgres { admin_url }, Template::Postgres(template)) => {
                let (guard, url) = PostgresDatabase::create(admin_url, Some(template)).await;
                TestDatabase {
                    url,
                    dir: tempfile::tempdir().expect("temp dir"),
                    _postgres: Some(guard),
                }
            }
            _ => unreachable!("templates are kept per engine"),
        }
    }
}

/// A database for one test: its URL, and a temporary directory for the test's files; both go away with it.
pub struct TestDatabase {
    /// The database URL.
    pub url: String,
    dir: tempfile::TempDir,
    _postgres: Option<PostgresDatabase>,
}

impl TestDatabase {
    /// A temporary directory that lives as long as the database (for attached files, a search index).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A template database, built once per test binary.
enum Template {
    /// The file to copy.
    Sqlite(PathBuf),
    /// The name of the PostgreSQL database to copy.
    Postgres(String),
}

type TemplateCell = Arc<tokio::sync::OnceCell<Template>>;

static TEMPLATES: LazyLock<Mutex<HashMap<(Engine, &'static str), TemplateCell>>> =
    LazyLock::new(Mutex::default);

/// Where this process keeps its SQLite templates: a folder named after its process id, next to those of other
/// test binaries, which are removed once their process has ended.
fn template_folder() -> PathBuf {
    let root = std::env::temp_dir().join("mitra-test-templates");
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let ended = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|pid| !process_runs(pid));
            if ended {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let folder = root.join(std::process::id().to_string());
    std::fs::create_dir_all(&folder).expect("template folder");
    folder
}

/// Whether a process with this id runs (on Linux; elsewhere every process counts as running, so nothing is removed).
fn process_runs(pid: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists()
}

impl Template {
    async fn build_sqlite<F, Fut>(name: &str, build: F) -> Self
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let folder = template_folder();
        let scratch = folder.join(format!("{name}.build.db"));
        let file = folder.join(format!("{name}.db"));
        build(sqlite_url(&scratch)).await;
        // `vacuum into` writes one self-contained file, with nothing left behind in a write-ahead log.
        let mut connection = sqlx::SqliteConnection::connect(&sqlite_url(&scratch))
            .await
            .expect("open the built template");
        sqlx::query("vacuum into $1")
            .bind(file.display().to_string())
            .execute(&mut connection)
            .await
            .expect("write the template");
        connection.close().await.expect("close the template");
        Template::Sqlite(file)
    }

    async fn build_postgres<F, Fut>(admin_url: &str, name: &str, build: F) -> Self
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("connect to MITRA_TEST_POSTGRES_URL");
        let template = format!(
            "mitra_template_{}_{}",
            std::process::id(),
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        sqlx::raw_sql(&format!("create database {template}"))
            .execute(&mut admin)
            .await
            .expect("create the template database");
        admin.close().await.expect("close");
        build(database_url(admin_url, &template)).await;
        Template::Postgres(template)
    }
}

/// Drops the databases (templates and copies) that test binaries which have ended left behind.
async fn drop_ended_databases(admin: &mut sqlx::PgConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "select datname from pg_database where datname like 'mitra_template_%' or datname like 'mitra_test_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .expect("list test databases");
    for name in names {
        let pid = name
            .strip_prefix("mitra_template_")
            .or_else(|| name.strip_prefix("mitra_test_"))
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !process_runs(pid)) {
            // Another binary may be dropping it at the same moment; either way it goes.
            let _ = sqlx::raw_sql(&format!("drop database if exists {name} with (force)"))
                .execute(&mut *admin)
                .await;
        }
    }
}

/// Whether this process has dropped what ended test binaries left behind.
static CLEANED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// The URL of database `name` on the server of `admin_url`.
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("the URL names a database");
    format!("{base}/{name}")
}

/// A PostgreSQL database created for one test and dropped when this guard goes out of scope.
struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    /// Creates a database, empty or as a copy of `template`.
    async fn create(admin_url: &str, template: Option<&str>) -> (Self, String) {
        let name = format!(
            "mitra_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        );
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .expect("connect to MITRA_TEST_POSTGRES_URL");
        CLEANED
            .get_or_init(|| drop_ended_databases(&mut admin))
            .await;
        let sql = match template {
            None => format!("create database {name}"),
            Some(template) => format!("create database {name} template {template}"),
        };
        sqlx::raw_sql(&sql)
            .execute(&mut admin)
            .await
            .expect("create database");
        admin.close().await.expect("close");
        let url = database_url(admin_url, &name);
        (
            Self {
                admin_url: admin_url.to_owned(),
                name,
            },
            url,
        )
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        // PostgreSQL checkpoints to drop a database, which takes long enough to stall every test sharing this
        // thread; one thread drops them in turn instead. Those still queued when the test binary ends are dropped
        // when the next one starts.
        let dropping = (self.admin_url.clone(), self.name.clone());
        if DROPPER
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(dropping)
            .is_err()
        {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// The queue of test databases to drop.
static DROPPER: LazyLock<Mutex<std::sync::mpsc::Sender<(String, String)>>> = LazyLock::new(|| {
    let (sender, queue) = std::sync::mpsc::channel::<(String, String)>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        for (url, name) in queue {
            let dropped = runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&url).await?;
                sqlx::raw_sql(&format!("drop database if exists {name} with (force)"))
                    .execute(&mut admin)
                    .await?;
                admin.close().await
            });
            if dropped.is_err() {
                eprintln!("could not drop test database {name}");
            }
        }
    });
    Mutex::new(sender)
});

/// Calls `body` with the URL of a fresh SQLite database, then of a fresh PostgreSQL database when
/// `MITRA_TEST_POSTGRES_URL` is set.
pub async fn for_each_database<F, Fut>(body: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()>,
{
    for engine in Engine::configured() {
        let database = engine.fresh().await;
        body(database.url.clone()).await;
    }
}

/// Calls `body` with each configured engine: SQLite, then PostgreSQL when `MITRA_TEST_POSTGRES_URL` is set.
pub async fn for_each_engine<F, Fut>(body: F)
where
    F: Fn(Engine) -> Fut,
    Fut: Future<Output = ()>,
{
    for engine in Engine::configured() {
        body(engine).await;
    }
}

/// Calls `body` with the URL of a copy of template `name` on each configured engine (see
/// [`Engine::from_template`]), SQLite first.
pub async fn for_each_database_from<B, BFut, F, Fut>(name: &'static str, build: B, body: F)
where
    B: Fn(String) -> BFut,
    BFut: Future<Output = ()>,
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()>,
{
    for engine in Engine::configured() {
        let database = engine.from_template(name, &build).await;
        body(database.url.clone()).await;
    }
}
