//! The command line as an operator uses it: the real binary, a fresh data directory per test.

#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

mod common;

use common::{start_server, terminate};

fn mitra(data_dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mitra"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MITRA_DATABASE_URL")
        .env("MITRA_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mitra");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("run mitra")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn user_add_prints_a_one_time_password_or_takes_one_from_stdin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let added = mitra(
        dir.path(),
        &["user", "add", "ana@example.org", "--role", "platform-admin"],
        None,
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let stdout = text(&added.stdout);
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("One-time password: "))
        .expect("a password is printed");
    assert_eq!(password.len(), 20);

    let piped = mitra(
        dir.path(),
        &["user", "add", "bo@example.org", "--password-stdin"],
        Some("a long passphrase here\n"),
    );
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert!(!text(&piped.stdout).contains("One-time password"));

    let weak = mitra(
        dir.path(),
        &["user", "add", "cy@example.org", "--password-stdin"],
        Some("short\n"),
    );
    assert_eq!(weak.status.code(), Some(1));
    assert!(text(&weak.stderr).contains("password: must be at least 12 characters"));

    let again = mitra(dir.path(), &["user", "add", "ana@example.org"], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("exists already"));

    let role = mitra(
        dir.path(),
        &["user", "set-role", "bo@example.org", "verifier"],
        None,
    );
    assert!(text(&role.stdout).contains("bo@example.org now has the platform role verifier"));
    let bad_role = mitra(
        dir.path(),
        &["user", "set-role", "bo@example.org", "king"],
        None,
    );
    assert_eq!(bad_role.status.code(), Some(1));
}

#[test]
fn org_commands_register_and_add_members() {
    let dir = tempfile::tempdir().expect("temp dir");
    mitra(dir.path(), &["user", "add", "ana@example.org"], None);
    let added = mitra(
        dir.path(),
        &[
            "org",
            "add",
            "Bangkok Metropolitan Administration",
            "--kind",
            "city-government",
            "--country",
            "TH",
            "--city",
            "bangkok",
        ],
        None,
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(text(&added.stdout).contains("bangkok-metropolitan-administration"));
    let member = mitra(
        dir.path(),
        &[
            "org",
            "add-member",
            "bangkok-metropolitan-administration",
            "ana@example.org",
            "--role",
            "editor",
        ],
        None,
    );
    assert!(member.status.success(), "{}", text(&member.stderr));
    let missing_city = mitra(
        dir.path(),
        &[
            "org",
            "add",
            "Hanoi People's Committee",
            "--kind",
            "city-government",
            "--country",
            "VN",
        ],
        None,
    );
    assert_eq!(missing_city.status.code(), Some(1));
    assert!(text(&missing_city.stderr).contains("city"));
}

#[test]
fn config_default_prints_a_file_that_a_bad_setting_names_its_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let printed = mitra(dir.path(), &["config", "default"], None);
    assert!(printed.status.success());
    assert!(text(&printed.stdout).contains("bind = \"127.0.0.1:8080\""));
    let file = dir.path().join("mitra.toml");
    std::fs::write(&file, "bind = \"not an address\"\n").expect("write config");
    let refused = mitra(
        dir.path(),
        &["--config", file.to_str().expect("path"), "migrate"],
        None,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("bind:"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn import_observations_reports_every_bad_row_with_the_file_and_writes_all_or_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("values.csv");
    std::fs::write(
        &file,
        "city,indicator,year,value,unit,source\n\
         bangkok,iso37120-2014:5.1,2019,1.2,%,NSO\n\
         atlantis,iso37120-2014:5.1,2019,1.2,%,NSO\n\
         hanoi,iso37120-2014:5.1,2019,,%,GSO\n",
    )
    .expect("write");
    let path = file.to_str().expect("utf-8 path");
    let bad = mitra(dir.path(), &["import", "observations", path], None);
    assert!(!bad.status.success());
    let stderr = text(&bad.stderr);
    assert!(
        stderr.contains(&format!(
            "{path}: line 3, column city: 'atlantis' is not a city id"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{path}: line 4, column value: must not be empty")),
        "{stderr}"
    );

    std::fs::write(
        &file,
        "city,indicator,year,value,unit,source\nbangkok,iso37120-2014:5.1,2019,1.2,%,NSO\n",
    )
    .expect("write");
    let dry = mitra(
        dir.path(),
        &["import", "observations", path, "--dry-run"],
        None,
    );
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(text(&dry.stdout).contains("would import 1 rows"));
    let real = mitra(dir.path(), &["import", "observations", path], None);
    assert!(text(&real.stdout).contains("1 written, 0 unchanged"));
    let again = mitra(dir.path(), &["import", "observations", path], None);
    assert!(
        text(&again.stdout).contains("0 written, 1 unchanged"),
        "{}",
        text(&again.stdout)
    );
}

#[test]
fn import_entries_is_all_or_nothing_and_the_index_can_be_rebuilt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("entries.csv");
    let header = "id,kind,lang,title,summary,cities,year_from";
    std::fs::write(
        &file,
        format!(
            "{header}\nbkk-sensors,practice,en,Canal sensors,Sensors on canals.,bangkok,2025\n\
             bad-city,practice,en,Bus lanes,Lanes for buses.,atlantis,2024\nbad-year,practice,en,Parks,More parks.,,20x4\n"
        ),
    )
    .expect("write");
    let refused = mitra(
        dir.path(),
        &["import", "entries", file.to_str().expect("path")],
        None,
    );
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("line 3, column cities: 'atlantis' is not a city id"),
        "{stderr}"
    );
    assert!(stderr.contains("line 4, column year_from"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");

    std::fs::write(
        &file,
        format!(
            "{header}\nbkk-sensors,practice,en,Canal sensors,Sensors on canals.,bangkok,2025\n"
        ),
    )
    .expect("write");
    let imported = mitra(
        dir.path(),
        &["import", "entries", file.to_str().expect("path")],
        None,
    );
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(
        text(&imported.stdout).contains("imported 1 entries: 1 new"),
        "{}",
        text(&imported.stdout)
    );
    let rebuilt = mitra(dir.path(), &["index", "rebuild"], None);
    assert!(rebuilt.status.success(), "{}", text(&rebuilt.stderr));
    assert!(
        text(&rebuilt.stdout).contains(": 1 entries."),
        "only the entry imported, nothing of the refused file"
    );
}

#[test]
fn serve_closes_the_database_on_sigterm_leaving_no_wal_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (child, _address) = start_server(dir.path(), &[], None);
    assert!(
        dir.path().join("mitra.db-wal").exists(),
        "a running server keeps a write-ahead log"
    );
    let status = terminate(child);
    assert!(status.success(), "a clean stop: {status}");
    for leftover in ["mitra.db-wal", "mitra.db-shm"] {
        assert!(
            !dir.path().join(leftover).exists(),
            "{leftover} is left behind after SIGTERM"
        );
    }
    let migrated = mitra(dir.path(), &["migrate"], None);
    assert!(migrated.status.success());
    assert!(
        !dir.path().join("mitra.db-wal").exists(),
        "commands close the database too"
    );
}

#[test]
fn the_data_directory_is_created_for_its_owner_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("new").join("mitra-data");
    let migrated = mitra(&data, &["migrate"], None);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&data)
            .expect("data dir")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "mode {mode:o}");
    }
}

#[test]
fn demo_data_is_served_on_another_machines_reach_only_when_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let refused = mitra(
        dir.path(),
        &["serve", "--demo", "--bind", "0.0.0.0:0"],
        None,
    );
    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("--allow-demo-on-network"), "{stderr}");
    assert!(
        !dir.path().join("mitra.db").exists(),
        "refused before anything is written"
    );
}

#[test]
fn a_server_started_without_demo_disables_the_demo_accounts_it_finds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (demo, _) = start_server(dir.path(), &["--demo"], None);
    assert!(terminate(demo).success());
    let mut plain = Command::new(env!("CARGO_BIN_EXE_mitra"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("MITRA_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start");
    use std::io::BufRead as _;
    let stdout = plain.stdout.take().expect("stdout");
    let mut said = Vec::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.expect("line");
        let listening = line.contains("listening on");
        said.push(line);
        if listening {
            break;
        }
    }
    assert!(terminate(plain).success());
    assert!(
        said.iter().any(|l| l.contains(&format!(
            "{} demo account(s) are disabled",
            mitra_service::DEMO_ACCOUNTS.len()
        ))),
        "{said:?}"
    );
}

#[test]
fn a_failed_command_says_its_error_once_and_logs_without_colour_codes_into_a_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("values.csv");
    std::fs::write(
        &file,
        "city,indicator,year,value\natlantis,iso37120-2014:5.1,2019,1\n",
    )
    .expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_mitra"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", "observations"])
        .arg(&file)
        .env_remove("MITRA_DATABASE_URL")
        .env("MITRA_LOG", "info")
        .output()
        .expect("run mitra");
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.lines().count() > 1,
        "info lines are logged: {stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour codes into a pipe: {stderr:?}"
    );
    assert_eq!(
        stderr.matches("nothing was imported").count(),
        1,
        "the error is said once: {stderr}"
    );
    assert!(stderr.contains("error: "), "{stderr}");
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish_without_a_configuration() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (shell, marks) in [
        ("bash", ["complete -F", "import"]),
        ("zsh", ["#compdef mitra", "completions"]),
        ("fish", ["complete -c mitra", "serve"]),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_mitra"))
            .args(["completions", shell])
            // A broken configuration does not stop the completions.
            .env("MITRA_CONFIG", dir.path().join("missing.toml"))
            .output()
            .expect("run mitra");
        assert!(output.status.success(), "{shell}: {}", text(&output.stderr));
        let script = text(&output.stdout);
        for mark in marks {
            assert!(script.contains(mark), "{shell}: {mark}");
        }
    }
    // A reader that goes away early does not make it panic.
    let mut child = Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args(["completions", "zsh"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mitra");
    drop(child.stdout.take());
    let closed = child.wait_with_output().expect("run mitra");
    assert!(
        !text(&closed.stderr).contains("panicked"),
        "{}",
        text(&closed.stderr)
    );
    let unknown = mitra(dir.path(), &["completions", "cmd"], None);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("possible values"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn a_backup_restores_the_same_content_files_and_a_working_search_index_and_bad_archives_touch_nothing()
 {
    let original = tempfile::tempdir().expect("temp dir");
    let values = original.path().join("values.csv");
    std::fs::write(
        &values,
        "city,indicator,year,value,unit,source\nbangkok,iso37120-2014:5.1,2019,1.2,%,NSO\n",
    )
    .expect("write");
    let entries = original.path().join("entries.csv");
    std::fs::write(
        &entries,
        "id,kind,lang,title,summary,cities,year_from\nbkk-sensors,practice,en,Canal sensors,Sensors on canals.,bangkok,2025\n",
    )
    .expect("write");
    for (what, file) in [("observations", &values), ("entries", &entries)] {
        let imported = mitra(
            original.path(),
            &["import", what, file.to_str().expect("path")],
            None,
        );
        assert!(imported.status.success(), "{}", text(&imported.stderr));
    }
    // An attached file, as the server keeps them.
    let attached = original.path().join("files").join("ab").join("ab12");
    std::fs::create_dir_all(attached.parent().expect("folder")).expect("folder");
    std::fs::write(&attached, b"a signed agreement").expect("write");

    let archive = tempfile::tempdir().expect("temp dir");
    let file = archive.path().join("mitra.tar");
    let file_arg = file.to_str().expect("path");
    // Taken while the server runs on the same data directory.
    let (server, _) = start_server(original.path(), &[], None);
    let written = mitra(original.path(), &["backup", file_arg], None);
    assert!(terminate(server).success());
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(
        text(&written.stdout).contains("1 attached files"),
        "{}",
        text(&written.stdout)
    );
    let twice = mitra(original.path(), &["backup", file_arg], None);
    assert!(
        !twice.status.success(),
        "an existing file is not overwritten"
    );

    let copy = tempfile::tempdir().expect("temp dir");
    let restored = mitra(copy.path(), &["restore", file_arg], None);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    assert!(
        text(&restored.stdout).contains("a search index of 1 entries"),
        "{}",
        text(&restored.stdout)
    );
    assert_eq!(
        std::fs::read(copy.path().join("files").join("ab").join("ab12"))
            .expect("the attached file"),
        b"a signed agreement"
    );
    // The same content: the value is there already, and both assess alike.
    let again = mitra(
        copy.path(),
        &["import", "observations", values.to_str().expect("path")],
        None,
    );
    assert!(
        text(&again.stdout).contains("0 written, 1 unchanged"),
        "{}",
        text(&again.stdout)
    );
    let assess = |dir: &std::path::Path| {
        let output = mitra(
            dir,
            &[
                "assess",
                "bangkok",
                "--standard",
                "iso37120-2014",
                "--format",
                "json",
            ],
            None,
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    assert_eq!(assess(original.path()), assess(copy.path()));

    // A data directory with a database is replaced only when asked, and the database it had is kept.
    let refused = mitra(copy.path(), &["restore", file_arg], None);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("--force"),
        "{}",
        text(&refused.stderr)
    );
    let forced = mitra(copy.path(), &["restore", file_arg, "--force"], None);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(copy.path().join("mitra.db.before-restore").exists());

    // A file that is not a backup changes nothing.
    let before = std::fs::read(copy.path().join("mitra.db")).expect("database");
    let junk = archive.path().join("junk.tar");
    std::fs::write(&junk, b"this is not a tar file at all").expect("write");
    let bad = mitra(
        copy.path(),
        &["restore", junk.to_str().expect("path"), "--force"],
        None,
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("junk.tar"),
        "{}",
        text(&bad.stderr)
    );
    assert_eq!(
        std::fs::read(copy.path().join("mitra.db")).expect("database"),
        before
    );

    // PostgreSQL is copied with its own tools.
    let postgres = mitra(
        copy.path(),
        &[
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
            "backup",
            "x.tar",
        ],
        None,
    );
    assert!(!postgres.status.success());
    assert!(
        text(&postgres.stderr).contains("pg_dump"),
        "{}",
        text(&postgres.stderr)
    );
}
