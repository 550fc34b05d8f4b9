//! The `exploot` binary as an operator runs it.

use std::process::{Command, Stdio};
use tonic::transport::Endpoint;

use crate::harness::server::wait_serving;

fn exploot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_exploot"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stops a `serve` with SIGTERM and waits for it to exit.
async fn terminate(child: std::process::Child) -> std::process::Output {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap()
}

/// `exploot serve ARGS` in `dir` on a free loopback port with its default database there,
/// logging at `rust_log` to a piped stderr, once it reports SERVING.
async fn serve_in(dir: &std::path::Path, args: &[&str], rust_log: &str) -> std::process::Child {
    let port = free_port();
    let child = exploot()
        .arg("serve")
        .args(args)
        .current_dir(dir)
        .env("EXPLOOT_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", rust_log)
        .env_remove("DATABASE_URL")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start exploot serve");
    let channel = Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .connect_lazy();
    wait_serving(&channel).await;
    child
}

#[tokio::test]
async fn serve_creates_its_database_reports_serving_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let child = serve_in(dir.path(), &[], "warn").await;
    assert!(
        dir.path().join("exploot.db").exists(),
        "./exploot.db created"
    );

    let out = terminate(child).await;
    assert!(out.status.success(), "graceful shutdown exits 0: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("exploot token create --role admin"),
        "a fresh database says how to make the first token: {stderr}"
    );
    assert!(
        stderr.contains("no office configured"),
        "nor an office, so no letter would be rendered: {stderr}"
    );
}

/// `exploot token create|list|revoke` on a fresh database: the token is printed once and
/// never listed; a revoked one is marked.
#[test]
fn token_commands_issue_list_and_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let token = |args: &[&str]| {
        let out = exploot()
            .arg("token")
            .args(args)
            .args(["--database-url", &url])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, secret, note) = token(&["create", "--role", "admin", "--expires", "2099-12-31"]);
    assert!(ok, "{note}");
    let secret = secret.trim().to_owned();
    assert!(
        secret.starts_with("exploot_") && secret.len() == 72,
        "{secret}"
    );
    let id = note.split_whitespace().next().unwrap().to_owned();

    let (ok, _, error) = token(&["create", "--role", "client"]);
    assert!(!ok);
    assert!(error.contains("--client"), "{error}");
    let (ok, _, error) = token(&["create", "--role", "client", "--client", "nobody"]);
    assert!(!ok);
    assert!(error.contains("no client \"nobody\""), "{error}");

    let (ok, listed, _) = token(&["list"]);
    assert!(ok);
    assert!(listed.contains(&id) && listed.contains("admin"), "{listed}");
    assert!(
        listed.contains("2099-12-31T23:00:00Z"),
        "through that day in Amsterdam: {listed}"
    );
    assert!(!listed.contains(&secret[8..]), "never the token: {listed}");

    let (ok, revoked, _) = token(&["revoke", &id]);
    assert!(ok && revoked.contains("revoked"), "{revoked}");
    let (_, listed, _) = token(&["list"]);
    let line = listed.lines().find(|l| l.starts_with(&id)).unwrap();
    assert!(!line.trim_end().ends_with('-'), "a revocation time: {line}");
    let (ok, _, error) = token(&["revoke", "no-such-token"]);
    assert!(!ok && error.contains("no token"), "{error}");
}

fn fails_with(args: &[&str], cwd: &std::path::Path) -> String {
    let out = exploot()
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let last = stderr.lines().last().unwrap_or_default().to_owned();
    assert!(last.starts_with("exploot: "), "a one-line error: {stderr}");
    last
}

#[test]
fn bad_url_unreachable_database_and_busy_port_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let bad = fails_with(
        &[
            "serve",
            "--listen",
            &listen,
            "--database-url",
            "mysql://x/y",
        ],
        dir.path(),
    );
    assert!(bad.contains("bad database URL"), "{bad}");

    let closed = free_port();
    let unreachable = fails_with(
        &[
            "serve",
            "--listen",
            &listen,
            "--database-url",
            &format!("postgres://nobody@127.0.0.1:{closed}/none"),
        ],
        dir.path(),
    );
    assert!(
        unreachable.contains("database unavailable"),
        "{unreachable}"
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().to_string();
    let in_use = fails_with(&["serve", "--listen", &busy], dir.path());
    assert!(in_use.contains("cannot listen on"), "{in_use}");
}

#[test]
fn migrate_applies_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let first = exploot()
        .args(["migrate", "--database-url", &url])
        .output()
        .unwrap();
    assert!(first.status.success());
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        format!("{migrations} migration(s) applied")
    );
    let second = exploot()
        .args(["migrate", "--database-url", &url])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&second.stdout).trim(),
        "0 migration(s) applied"
    );
}

#[test]
fn quote_prints_the_same_figures_as_the_calculator() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quote.json");
    let json = exploot()
        .args(["quote", "--json", example])
        .output()
        .unwrap();
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let request = std::fs::read_to_string(example).unwrap();
    let expected = exploot::cli::quote::run(&request, true).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(answer, expected);
    // Hand check: sent Wednesday 10 July 2024, received Friday 12 July, last day Friday 26 July.
    assert_eq!(answer["letterTermEndsOn"], "2024-07-26");
    assert_eq!(answer["paid"], "600.00");

    let text = exploot().args(["quote", example]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Vordering per 4 mei 2026"), "{text}");
    assert!(text.contains("26 juli 2024"), "{text}");
    assert!(text.contains("Totaal verschuldigd"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"debtor_kind": "DEBTOR_KIND_CONSUMER", "invoices": [], "as_of": "2026-02-30"}"#,
    )
    .unwrap();
    let out = exploot().arg("quote").arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invoices") && stderr.contains("as_of"),
        "{stderr}"
    );
}

#[test]
fn plain_tcp_off_loopback_is_refused_without_insecure() {
    let dir = tempfile::tempdir().unwrap();
    let refused = fails_with(
        &["serve", "--listen", &format!("0.0.0.0:{}", free_port())],
        dir.path(),
    );
    assert!(refused.contains("refusing plain TCP"), "{refused}");
    assert!(refused.contains("--insecure"), "{refused}");
}

#[tokio::test]
async fn log_format_json_writes_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let child = serve_in(dir.path(), &["--log-format", "json"], "info").await;
    let out = terminate(child).await;
    assert!(out.status.success(), "{:?}", out.status);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.len() >= 3,
        "start, serving and stop are logged: {stderr}"
    );
    for line in &lines {
        let object: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}"));
        assert!(object["level"].is_string(), "{line}");
        assert!(object["fields"]["message"].is_string(), "{line}");
    }
    assert!(
        lines.iter().any(|l| l.contains("\"serving\"")),
        "the serving line: {stderr}"
    );
}
