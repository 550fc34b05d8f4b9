//! A PostgreSQL cluster started once per test run: `initdb` + `pg_ctl` on a free loopback
//! port, as the `postgres` user when the tests run as root (PostgreSQL refuses root). A
//! watchdog stops it when the test process is gone.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use diesel::{Connection, PgConnection, RunQueryDsl};

/// The running cluster.
pub struct Cluster {
    port: u16,
    bin: PathBuf,
    data: PathBuf,
    options: String,
    root: PathBuf,
    as_root: bool,
    counter: AtomicUsize,
    clone_lock: Mutex<()>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

/// The cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::start)
}

const TEMPLATE: &str = "exploot_template";

impl Cluster {
    /// A cluster of the test's own, for a test that stops and starts PostgreSQL (the shared
    /// one must stay up for every other test). Stopped with the test process.
    pub fn private() -> Self {
        static PRIVATE: AtomicUsize = AtomicUsize::new(0);
        let n = PRIVATE.fetch_add(1, Ordering::SeqCst);
        Self::start_in(format!("exploot-test-pg-{}-own{n}", std::process::id()))
    }

    fn start() -> Self {
        Self::start_in(format!("exploot-test-pg-{}", std::process::id()))
    }

    fn start_in(name: String) -> Self {
        let bin = pg_bin_dir();
        let root = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create cluster dir");
        let data = root.join("data");
        let as_root = is_root();
        if as_root {
            run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&root),
                "chown cluster dir to postgres",
            );
        }
        let port = free_port();
        let pg = |tool: &str| pg_tool(&bin, tool, as_root);
        run(
            pg("initdb").arg("-D").arg(&data).args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ]),
            "initdb",
        );
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB",
            root.display()
        );
        run(
            pg("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-o", &options, "-l"])
                .arg(root.join("log"))
                .args(["-w", "start"]),
            "pg_ctl start",
        );
        spawn_watchdog(&bin.join("pg_ctl"), &data, &root, as_root);
        let cluster = Self {
            port,
            bin,
            data,
            options,
            root,
            as_root,
            counter: AtomicUsize::new(0),
            clone_lock: Mutex::new(()),
        };
        cluster.execute("postgres", &format!("CREATE DATABASE {TEMPLATE}"));
        let store = exploot::store::Store::open(&cluster.url(TEMPLATE), 1).expect("open template");
        store.migrate().expect("migrate template");
        drop(store);
        cluster
    }

    /// Where the cluster listens (for a proxy in front of it).
    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Stops PostgreSQL the way an operator restarting it does (`pg_ctl stop -m fast`:
    /// open sessions are terminated, in-flight transactions rolled back).
    pub fn stop(&self) {
        run(
            pg_tool(&self.bin, "pg_ctl", self.as_root)
                .arg("-D")
                .arg(&self.data)
                .args(["-m", "fast", "-w", "stop"]),
            "pg_ctl stop",
        );
    }

    /// Starts it again after [`Cluster::stop`], on the same port.
    pub fn start_again(&self) {
        run(
            pg_tool(&self.bin, "pg_ctl", self.as_root)
                .arg("-D")
                .arg(&self.data)
                .args(["-o", &self.options, "-l"])
                .arg(self.root.join("log"))
                .args(["-w", "start"]),
            "pg_ctl start",
        );
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn execute(&self, database: &str, sql: &str) {
        let mut conn =
            PgConnection::establish(&self.url(database)).expect("connect to test cluster");
        diesel::sql_query(sql)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// A new database cloned from the migrated template, as a URL.
    pub fn fresh_database(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let name = format!("test_{n}");
        // PostgreSQL clones a template only while nobody else is copying it.
        let _one_at_a_time = self.clone_lock.lock().unwrap_or_else(|p| p.into_inner());
        self.execute(
            "postgres",
            &format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"),
        );
        self.url(&name)
    }
}

/// A PostgreSQL tool, run as `postgres` when the tests run as root.
fn pg_tool(bin: &Path, tool: &str, as_root: bool) -> Command {
    let program = bin.join(tool);
    if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn pg_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some(dir) = versions
        .into_iter()
        .rev()
        .find(|d| d.join("initdb").exists())
    {
        return dir;
    }
    let found = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .expect("sh");
    let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
    assert!(
        !path.is_empty(),
        "PostgreSQL server binaries not found: install postgresql or set PG_BIN"
    );
    Path::new(&path).parent().expect("bin dir").to_path_buf()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn run(command: &mut Command, what: &str) {
    let out = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Stops the cluster and removes its files once this test process has exited.
#[expect(
    clippy::zombie_processes,
    reason = "the watchdog must outlive the test process that started it"
)]
fn spawn_watchdog(pg_ctl: &Path, data: &Path, root: &Path, as_root: bool) {
    let stop = format!(
        "{} -D {} -m immediate stop",
        pg_ctl.display(),
        data.display()
    );
    let stop = if as_root {
        format!("runuser -u postgres -- {stop}")
    } else {
        stop
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; {stop} >/dev/null 2>&1; rm -rf {root}",
        pid = std::process::id(),
        root = root.display()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn watchdog");
}
