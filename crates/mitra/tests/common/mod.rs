//! What the command-line tests share: a `mitra serve` process started and stopped as an operator would.

#![allow(dead_code, reason = "each test file uses what it needs")]
#![expect(
    clippy::expect_used,
    reason = "test helpers: a failed set-up ends the test"
)]

use std::process::{Command, Stdio};

/// Starts `mitra serve` on a free port with `args` (on `database_url` when given, else SQLite in `data_dir`) and
/// waits until it says it is listening; returns the child and its address.
pub fn start_server(
    data_dir: &std::path::Path,
    args: &[&str],
    database_url: Option<&str>,
) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env_remove("MITRA_DATABASE_URL");
    if let Some(url) = database_url {
        command.env("MITRA_DATABASE_URL", url);
    }
    let mut child = command
        .env("MITRA_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start mitra serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("mitra serve says it is listening before it stops")
            .expect("read stdout");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().expect("address").to_owned();
        }
    };
    // Keep reading stdout so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

/// Sends SIGTERM to `child` and waits for it to exit.
pub fn terminate(mut child: std::process::Child) -> std::process::ExitStatus {
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    child.wait().expect("wait for mitra serve")
}
