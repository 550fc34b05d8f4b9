//! A real headless Chromium driven over WebDriver: `chromedriver` (Debian's
//! `chromium-driver`) started on a free port, spoken to with reqwest and serde_json. The
//! few commands the portal's tests need are a page of code; a WebDriver crate would cost
//! more to build on CI's two cores than all of it.
//!
//! Every wait is on a condition (an element present, a text shown, a file written) with a
//! deadline, never a fixed sleep.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::eventually;

/// How long a page may take to show what a test waits for.
pub const PAGE_DEADLINE: Duration = Duration::from_secs(30);

/// The W3C WebDriver element reference key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A Chromium session.
pub struct Browser {
    http: reqwest::Client,
    session: String,
    driver: Child,
    /// Where clicked downloads land.
    pub downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
}

/// A program from the environment variable `var`, or the first of `names` on PATH.
fn program(var: &str, names: &[&str]) -> PathBuf {
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "{} not found: install Debian's chromium and chromium-driver (`.ci/run` does), or set {var}",
        names.join(" or ")
    );
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile.
    pub async fn start() -> Self {
        let driver_bin = program("CHROMEDRIVER", &["chromedriver"]);
        let chrome_bin = program(
            "CHROME_BIN",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", driver_bin.display()));
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        eventually("chromedriver ready", PAGE_DEADLINE, || {
            let status = http.get(format!("{base}/status")).send();
            async move {
                let body: Value =
                    serde_json::from_slice(&status.await.ok()?.bytes().await.ok()?).ok()?;
                body["value"]["ready"].as_bool().filter(|r| *r)
            }
        })
        .await;
        let profile = tempfile::tempdir().expect("profile dir");
        let downloads = tempfile::tempdir().expect("downloads dir");
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chrome_bin,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1280,900",
                        format!("--user-data-dir={}", profile.path().display()),
                    ],
                    "prefs": {
                        "download.default_directory": downloads.path(),
                        "download.prompt_for_download": false,
                    },
                },
            } }
        });
        let mut browser = Self {
            http,
            session: String::new(),
            driver,
            downloads,
            _profile: profile,
        };
        let created = browser
            .call(
                reqwest::Method::POST,
                &format!("{base}/session"),
                Some(capabilities),
            )
            .await;
        browser.session = format!(
            "{base}/session/{}",
            created["sessionId"].as_str().expect("a session id")
        );
        browser
    }

    async fn call(&self, method: reqwest::Method, url: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("chromedriver answers");
        let bytes = response.bytes().await.expect("chromedriver's body");
        let answer: Value = serde_json::from_slice(&bytes).expect("JSON from chromedriver");
        if answer["value"]["error"].is_string() {
            panic!("WebDriver {url}: {}", answer["value"]);
        }
        answer["value"].clone()
    }

    /// A command of this session that may fail (`None`): for waiting.
    async fn try_cmd(&self, method: reqwest::Method, path: &str, body: Value) -> Option<Value> {
        let url = format!("{}{path}", self.session);
        let request = self.http.request(method, &url);
        let request = request
            .header("content-type", "application/json")
            .body(body.to_string());
        let bytes = request.send().await.ok()?.bytes().await.ok()?;
        let answer: Value = serde_json::from_slice(&bytes).ok()?;
        (!answer["value"]["error"].is_string()).then(|| answer["value"].clone())
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("{}{path}", self.session), body)
            .await
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// The element `css` selects, once it is there.
    pub async fn find(&self, css: &str) -> String {
        eventually(&format!("element {css}"), PAGE_DEADLINE, || async move {
            let found = self
                .try_cmd(
                    reqwest::Method::POST,
                    "/element",
                    json!({ "using": "css selector", "value": css }),
                )
                .await?;
            found[ELEMENT].as_str().map(str::to_owned)
        })
        .await
    }

    /// Clicks the element `css` selects.
    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Types `text` into the element `css` selects (a file input takes a path).
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// The visible text of the element `css` selects.
    pub async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.cmd(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until the element `css` selects shows `wanted`; answers its text.
    pub async fn wait_for_text(&self, css: &str, wanted: &str) -> String {
        eventually(
            &format!("{wanted:?} in {css}"),
            PAGE_DEADLINE,
            || async move {
                let found = self
                    .try_cmd(
                        reqwest::Method::POST,
                        "/element",
                        json!({ "using": "css selector", "value": css }),
                    )
                    .await?;
                let id = found[ELEMENT].as_str()?.to_owned();
                let text = self
                    .try_cmd(
                        reqwest::Method::GET,
                        &format!("/element/{id}/text"),
                        json!({}),
                    )
                    .await?;
                let text = text.as_str()?.to_owned();
                text.contains(wanted).then_some(text)
            },
        )
        .await
    }

    /// Runs `script` (a function body; `arguments` are `args`) and answers its value.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.run_script("sync", script, args).await
    }

    /// Runs `script` that calls `arguments[arguments.length - 1]` with its answer.
    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        self.run_script("async", script, args).await
    }

    async fn run_script(&self, how: &str, script: &str, args: Value) -> Value {
        let body = json!({ "script": script, "args": args });
        self.cmd(
            reqwest::Method::POST,
            &format!("/execute/{how}"),
            Some(body),
        )
        .await
    }

    /// A PNG of the window.
    pub async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine as _;
        let encoded = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("base64"))
            .expect("a PNG")
    }

    /// Sets the window's size (a phone's, a desktop's).
    pub async fn resize(&self, width: u32, height: u32) {
        self.cmd(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// The file named `name` in the downloads directory, once it is completely written.
    pub async fn downloaded(&self, name_starts: &str) -> Vec<u8> {
        let dir: &Path = self.downloads.path();
        eventually(
            &format!("a download {name_starts}*"),
            PAGE_DEADLINE,
            || async move {
                let entries = std::fs::read_dir(dir).ok()?;
                let names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                if names.iter().any(|n| n.ends_with(".crdownload")) {
                    return None;
                }
                let name = names.iter().find(|n| n.starts_with(name_starts))?;
                std::fs::read(dir.join(name)).ok()
            },
        )
        .await
    }

    /// Ends the session (Chromium quits) and chromedriver.
    pub async fn quit(mut self) {
        let _ = self.try_cmd(reqwest::Method::DELETE, "", json!({})).await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still ends its chromedriver (Chromium follows its session's end
        // or its parent's).
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// axe-core's script: `AXE_CORE_JS`, or where `.ci/run` installs it
/// (`npm install --prefix target/axe axe-core@4`).
pub fn axe_script() -> String {
    let path = std::env::var_os("AXE_CORE_JS").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/axe/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core at {}: {e}; install it with `npm install --prefix target/axe axe-core@4` (`.ci/run` does)",
            path.display()
        )
    })
}

impl Browser {
    /// Runs axe-core on the page; answers the serious and critical violations, as
    /// "id: help (nodes)" lines.
    pub async fn accessibility_problems(&self, axe: &str) -> Vec<String> {
        // The script itself is the function WebDriver runs (outside the page's CSP, which
        // forbids eval).
        let loaded = self
            .execute(&format!("{axe}\n;return typeof window.axe;"), json!([]))
            .await;
        assert_eq!(loaded, json!("object"), "axe-core loaded");
        let result = self
            .execute_async(
                "var done = arguments[arguments.length - 1];\
                 axe.run(document, { resultTypes: ['violations'] })\
                    .then(function (r) { done(r.violations.map(function (v) {\
                        return { id: v.id, impact: v.impact, help: v.help,\
                                 nodes: v.nodes.map(function (n) { return n.html; }) }; })); })\
                    .catch(function (e) { done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]); });",
                json!([]),
            )
            .await;
        result
            .as_array()
            .expect("violations")
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| format!("{}: {} {}", v["id"], v["help"], v["nodes"]))
            .collect()
    }
}
