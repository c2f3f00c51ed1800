//! The process runtime: services as detached native processes.
//!
//! Layout under the project's state directory: `<service>/record.json` (pid, start time,
//! config hash: how later commands find the process again from any shell),
//! `<service>/service.log` (stdout and stderr, appended) and `<service>/data/`. When arc runs as
//! root, a service with `native.run_as` runs as that user, and its data directory moves to
//! `/var/lib/arc/` if the state directory is not reachable by that user (e.g. under `/root`).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::{Pid, User};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{binaries, LifecycleEvent, Reporter, RuntimeError, ServiceStatus, Started, State};
use crate::spec::ServiceSpec;

/// The marker a data directory gets once its init steps have run.
const INIT_MARKER: &str = ".arc-initialized";

/// The environment variable every server arc starts carries (`STATE_DIR#SERVICE`): how arc
/// finds its own processes when a record is missing or damaged.
const MARKER: &str = "ARC_SERVICE_MARKER";

/// Below this much free space under a data directory, `arc health` and `arc ps` say the disk is
/// full.
const DISK_LOW: u64 = 64 << 20;

/// A service's record file, as read.
enum Recorded {
    Missing,
    Found(Record),
    /// Unreadable or not a record; why.
    Damaged(String),
}

/// Runs services as native processes.
#[derive(Debug, Clone)]
pub(crate) struct ProcessRuntime {
    state_dir: PathBuf,
    env: BTreeMap<String, String>,
    root: bool,
}

/// What a later command needs to find a started process again.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    service: String,
    pid: u32,
    /// The kernel's start time of the process (`/proc/<pid>/stat` field 22), so a reused pid is
    /// never mistaken for the service.
    start_ticks: u64,
    started_at: DateTime<Utc>,
    config_hash: String,
    program: PathBuf,
    args: Vec<String>,
    ports: BTreeMap<String, u16>,
    data_dir: PathBuf,
}

/// A service spec resolved against this machine.
#[derive(Debug, Serialize)]
struct Resolved {
    program: PathBuf,
    args: Vec<String>,
    init: Vec<(PathBuf, Vec<String>, Option<String>)>,
    files: Vec<(PathBuf, String)>,
    env: BTreeMap<String, String>,
    run_as: Option<String>,
    #[serde(skip)]
    user: Option<User>,
    #[serde(skip)]
    data_dir: PathBuf,
    #[serde(skip)]
    ports: BTreeMap<String, u16>,
    #[serde(skip)]
    listen: Vec<(String, u16)>,
}

impl ProcessRuntime {
    /// A runtime keeping its records under `state_dir`; `env` is the environment variants and
    /// placeholders read.
    pub(crate) fn new(state_dir: PathBuf, env: BTreeMap<String, String>) -> Self {
        Self {
            state_dir,
            env,
            root: nix::unistd::geteuid().is_root(),
        }
    }

    fn service_dir(&self, spec: &ServiceSpec) -> PathBuf {
        self.state_dir.join(&spec.name)
    }

    fn record_path(&self, spec: &ServiceSpec) -> PathBuf {
        self.service_dir(spec).join("record.json")
    }

    /// The data directory; see the module docs for when it moves to `/var/lib/arc`.
    fn data_dir(&self, spec: &ServiceSpec, user: Option<&User>) -> PathBuf {
        let default = self.service_dir(spec).join("data");
        match user {
            Some(u) if !reachable_by(&self.state_dir, u) => {
                let hash = Sha256::digest(self.state_dir.as_os_str().as_encoded_bytes());
                PathBuf::from("/var/lib/arc")
                    .join(&crate::format::hex(&hash)[..12])
                    .join(&spec.name)
                    .join("data")
            }
            _ => default,
        }
    }

    fn resolve(&self, spec: &ServiceSpec) -> Result<Resolved, RuntimeError> {
        let native = &spec.native;
        let command = native
            .variants
            .iter()
            .find(|v| self.env.get(&v.when_env).is_some_and(|x| !x.is_empty()))
            .map_or(&native.command, |v| &v.command);
        let user = match (&native.run_as, self.root) {
            (Some(name), true) => Some(User::from_name(name).ok().flatten().ok_or_else(|| {
                RuntimeError::NoSuchUser {
                    service: spec.name.clone(),
                    user: name.clone(),
                }
            })?),
            _ => None,
        };
        let data_dir = self.data_dir(spec, user.as_ref());
        let ports: BTreeMap<String, u16> = spec
            .ports
            .iter()
            .map(|p| (p.name.clone(), p.native_port()))
            .collect();
        let expand = |arg: &str| expand(arg, spec, &ports, &data_dir, &self.env);
        let find = |argv: &[String]| -> Result<(PathBuf, Vec<String>), RuntimeError> {
            let program = expand(argv.first().map_or("", String::as_str));
            let path =
                binaries::find(&program, &self.env).ok_or_else(|| RuntimeError::MissingBinary {
                    service: spec.name.clone(),
                    program: program.clone(),
                    hint: native.install_hint.clone(),
                })?;
            Ok((path, argv.iter().skip(1).map(|a| expand(a)).collect()))
        };
        let (program, args) = find(command)?;
        let init = native
            .init
            .iter()
            .map(|step| find(&step.run).map(|(p, a)| (p, a, step.stdin.clone())))
            .collect::<Result<_, _>>()?;
        let listen = spec
            .ports
            .iter()
            .filter(|p| {
                command
                    .iter()
                    .any(|a| a.contains(&format!("{{port.{}}}", p.name)))
            })
            .map(|p| (p.name.clone(), p.native_port()))
            .collect();
        let files = native
            .files
            .iter()
            .map(|f| {
                let content = spec.expand_file(&f.content, false, |key| {
                    let whole = format!("{{{key}}}");
                    let filled = expand(&whole);
                    (filled != whole).then_some(filled)
                });
                (PathBuf::from(expand(&f.path)), content)
            })
            .collect();
        Ok(Resolved {
            program,
            args,
            init,
            files,
            env: spec.env.clone(),
            run_as: user.as_ref().map(|u| u.name.clone()),
            user,
            data_dir,
            ports,
            listen,
        })
    }

    /// The service's record: missing, readable, or damaged (with why: a truncated or edited
    /// file, an unreadable one). A damaged record never stops a command: the service is found
    /// by its marker instead ([`ProcessRuntime::marked`]).
    fn load_record(&self, spec: &ServiceSpec) -> Recorded {
        let path = self.record_path(spec);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_or_else(
                |e| Recorded::Damaged(format!("{}: {e}", path.display())),
                Recorded::Found,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Recorded::Missing,
            Err(e) => Recorded::Damaged(format!("{}: {e}", path.display())),
        }
    }

    /// The value of [`MARKER`] in the environment of the service's processes.
    fn marker(&self, spec: &ServiceSpec) -> String {
        format!("{}#{}", self.state_dir.display(), spec.name)
    }

    /// The live processes arc started for this service, found whatever their record says:
    /// group leaders (arc gives each server a process group of its own) that either run in the
    /// service's data directory (arc starts each there; the servers keep it) or carry its
    /// marker in their environment (a server that rewrites its process title, as Redis does,
    /// overwrites that copy, hence both). (pid, start time), oldest first.
    fn marked(&self, spec: &ServiceSpec) -> Vec<(u32, u64)> {
        let want = format!("{MARKER}={}", self.marker(spec));
        let user = match (&spec.native.run_as, self.root) {
            (Some(name), true) => User::from_name(name).ok().flatten(),
            _ => None,
        };
        let dirs = [
            self.data_dir(spec, None),
            self.data_dir(spec, user.as_ref()),
        ];
        let mut found: Vec<(u32, u64)> = fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(|pid| {
                let st = proc_stat(pid)?;
                (st.pgrp == pid && st.state != 'Z' && st.state != 'X')
                    .then_some((pid, st.start_ticks))
            })
            .filter(|(pid, _)| {
                fs::read_link(format!("/proc/{pid}/cwd"))
                    .is_ok_and(|cwd| dirs.iter().any(|d| cwd.starts_with(d)))
                    || fs::read(format!("/proc/{pid}/environ"))
                        .is_ok_and(|env| env.split(|b| *b == 0).any(|kv| kv == want.as_bytes()))
            })
            .collect();
        // The server itself, not its workers (PostgreSQL's backends make groups of their own
        // and share its directory): a process whose parent was found too is left out.
        let pids: Vec<u32> = found.iter().map(|(p, _)| *p).collect();
        found.retain(|(pid, _)| proc_stat(*pid).is_none_or(|s| !pids.contains(&s.ppid)));
        found.sort_by_key(|(_, ticks)| *ticks);
        found
    }

    fn write_record(&self, spec: &ServiceSpec, record: &Record) -> Result<(), RuntimeError> {
        let path = self.record_path(spec);
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(record).unwrap_or_default();
        fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|source| RuntimeError::Io {
                op: "write",
                path,
                source,
            })
    }

    fn remove_record(&self, spec: &ServiceSpec) -> Result<(), RuntimeError> {
        let path = self.record_path(spec);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(RuntimeError::Io {
                op: "remove",
                path,
                source: e,
            }),
            _ => Ok(()),
        }
    }

    /// Runs the init steps on a new, empty data directory; on failure the directory is emptied
    /// again so the next `arc up` starts clean.
    fn initialize(
        spec: &ServiceSpec,
        r: &Resolved,
        log: &File,
        reporter: &dyn Reporter,
    ) -> Result<(), RuntimeError> {
        let marker = r.data_dir.join(INIT_MARKER);
        if marker.exists() {
            return Ok(());
        }
        // Beside the data directory, not in it: an init step such as initdb wants it empty.
        let pending = pending_marker(&r.data_dir);
        if pending.exists() {
            // An earlier initialization did not finish (arc was killed in the middle): what it
            // left is not a database to keep, so it is made again from scratch.
            let _ = writeln!(
                &*log,
                "--- arc {}: the last initialization of {} did not finish; starting it again",
                Utc::now().to_rfc3339(),
                r.data_dir.display()
            );
            reporter.report(&spec.name, LifecycleEvent::Reinitializing);
            empty_dir(&r.data_dir);
        }
        let empty = fs::read_dir(&r.data_dir).map_or(true, |mut d| d.next().is_none());
        if empty && !r.init.is_empty() {
            reporter.report(&spec.name, LifecycleEvent::Initializing);
            fs::write(&pending, b"").map_err(|source| RuntimeError::Io {
                op: "write",
                path: pending.clone(),
                source,
            })?;
            for (program, args, stdin) in &r.init {
                let step = format!("{} {}", program.display(), args.join(" "));
                let _ = writeln!(&*log, "--- arc {}: init: {step}", Utc::now().to_rfc3339());
                let result = Self::run_step(r, program, args, stdin.as_deref(), log);
                let status = match result {
                    Ok(s) if s.success() => continue,
                    Ok(s) => describe_exit(s),
                    Err(e) => format!("could not start: {e}"),
                };
                // Leave nothing half-made behind: the directory was empty before we began.
                empty_dir(&r.data_dir);
                let _ = fs::remove_file(&pending);
                return Err(RuntimeError::Init {
                    service: spec.name.clone(),
                    step,
                    status,
                });
            }
        }
        fs::write(&marker, b"").map_err(|source| RuntimeError::Io {
            op: "write",
            path: marker,
            source,
        })?;
        // Only now, with every step done, does the directory count as initialized.
        let _ = fs::remove_file(&pending);
        Ok(())
    }

    fn run_step(
        r: &Resolved,
        program: &Path,
        args: &[String],
        stdin: Option<&str>,
        log: &File,
    ) -> std::io::Result<std::process::ExitStatus> {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(&r.data_dir)
            .envs(&r.env)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(log.try_clone()?)
            .stderr(log.try_clone()?);
        if let Some(u) = &r.user {
            cmd.uid(u.uid.as_raw()).gid(u.gid.as_raw());
        }
        // Its own process group, so a terminal's Ctrl-C to arc's group does not cut it short;
        // an interrupted `arc up` ends it itself ([`ProcessRuntime::settle`]) and undoes it.
        cmd.process_group(0);
        let mut child = cmd.spawn()?;
        let _init = InFlight::init(child.id());
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes())?;
        }
        child.wait()
    }

    fn make_dirs(&self, spec: &ServiceSpec, r: &Resolved) -> Result<(), RuntimeError> {
        for dir in [self.service_dir(spec), r.data_dir.clone()] {
            fs::create_dir_all(&dir).map_err(|source| RuntimeError::Io {
                op: "create directory",
                path: dir.clone(),
                source,
            })?;
        }
        if let Some(u) = &r.user {
            nix::unistd::chown(&r.data_dir, Some(u.uid), Some(u.gid)).map_err(|e| {
                RuntimeError::Io {
                    op: "change the owner of",
                    path: r.data_dir.clone(),
                    source: e.into(),
                }
            })?;
            let _ = fs::set_permissions(&r.data_dir, fs::Permissions::from_mode(0o700));
        }
        Ok(())
    }
}

impl ProcessRuntime {
    /// Whether any service of the project under `state_dir` has a record (was started natively
    /// and not taken down since).
    pub(crate) fn has_records(state_dir: &Path) -> bool {
        std::fs::read_dir(state_dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().join("record.json").is_file())
        })
    }

    /// Checks the binaries are there; errors say how to install them.
    pub(crate) fn check(&self, spec: &ServiceSpec) -> Result<(), RuntimeError> {
        self.resolve(spec).map(|_| ())
    }

    /// The hash of the resolved command, files, env and user.
    pub(crate) fn config_hash(&self, spec: &ServiceSpec) -> Result<String, RuntimeError> {
        Ok(hash_of(&self.resolve(spec)?))
    }

    /// The ports the native command listens on.
    pub(crate) fn listen_ports(
        &self,
        spec: &ServiceSpec,
    ) -> Result<Vec<(String, u16)>, RuntimeError> {
        Ok(self.resolve(spec)?.listen)
    }

    /// Where the service stands, from its record and `/proc`.
    /// Where the service stands, from its record and `/proc`; when the record is missing,
    /// damaged or names a process that is gone, from the processes that carry its marker (then
    /// with no configuration hash, so `arc up` restarts it and writes a new record).
    pub(crate) fn status(&self, spec: &ServiceSpec) -> ServiceStatus {
        let recorded = self.load_record(spec);
        if let Recorded::Found(rec) = &recorded {
            if alive(rec.pid, rec.start_ticks) {
                return ServiceStatus {
                    state: State::Running,
                    pid: Some(rec.pid),
                    started_at: Some(rec.started_at),
                    config_hash: Some(rec.config_hash.clone()),
                    ports: rec.ports.clone(),
                    container: None,
                    image: None,
                    engine_health: None,
                };
            }
        }
        if let Some((pid, _)) = self.marked(spec).first() {
            let mut st = ServiceStatus::stopped();
            st.state = State::Running;
            st.pid = Some(*pid);
            st.ports = spec
                .ports
                .iter()
                .map(|p| (p.name.clone(), p.native_port()))
                .collect();
            return st;
        }
        match recorded {
            Recorded::Found(rec) => ServiceStatus {
                state: State::Exited,
                pid: Some(rec.pid),
                started_at: Some(rec.started_at),
                config_hash: Some(rec.config_hash),
                ports: rec.ports,
                container: None,
                image: None,
                engine_health: None,
            },
            Recorded::Missing | Recorded::Damaged(_) => ServiceStatus::stopped(),
        }
    }

    /// For a running service: another process holding one of its ports, described.
    pub(crate) fn impostor(&self, spec: &ServiceSpec, pid: u32) -> Option<String> {
        let listen: Vec<u16> = self
            .resolve(spec)
            .ok()?
            .listen
            .iter()
            .map(|(_, p)| *p)
            .collect();
        foreign_listener(&spec.name, pid, &listen)
    }

    /// When the filesystem under the service's data directory has less than [`DISK_LOW`] free:
    /// what is left, described (a server there is about to fail its writes, or has).
    pub(crate) fn disk_low(&self, spec: &ServiceSpec) -> Option<String> {
        let user = match (&spec.native.run_as, self.root) {
            (Some(name), true) => User::from_name(name).ok().flatten(),
            _ => None,
        };
        let dir = self.data_dir(spec, user.as_ref());
        let at = dir.ancestors().find(|a| a.exists())?;
        let st = nix::sys::statvfs::statvfs(at).ok()?;
        let free = st.blocks_available().saturating_mul(st.fragment_size());
        (free < DISK_LOW).then(|| {
            format!(
                "disk full: {} KiB free on the filesystem of {}",
                free / 1024,
                dir.display()
            )
        })
    }

    /// Why the service's record cannot be read, when it cannot.
    pub(crate) fn damaged_record(&self, spec: &ServiceSpec) -> Option<String> {
        match self.load_record(spec) {
            Recorded::Damaged(why) => Some(why),
            _ => None,
        }
    }

    /// Initialises a new data directory, writes config files, and spawns the process detached.
    pub(crate) fn start(
        &self,
        spec: &ServiceSpec,
        reporter: &dyn Reporter,
    ) -> Result<Box<dyn Started>, RuntimeError> {
        let _starting = InFlight::start();
        let r = self.resolve(spec)?;
        let config_hash = hash_of(&r);
        self.make_dirs(spec, &r)?;
        let log_path = self.log_file(spec);
        super::logfile::rotate_if_large(&log_path);
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|source| RuntimeError::Io {
                op: "open",
                path: log_path.clone(),
                source,
            })?;
        Self::initialize(spec, &r, &log, reporter)?;
        for (path, content) in &r.files {
            if let Some(dir) = path.parent() {
                let _ = fs::create_dir_all(dir);
            }
            fs::write(path, content).map_err(|source| RuntimeError::Io {
                op: "write",
                path: path.clone(),
                source,
            })?;
        }
        reporter.report(&spec.name, LifecycleEvent::Starting);
        let _ = writeln!(
            &log,
            "--- arc {}: starting {}: {} {}",
            Utc::now().to_rfc3339(),
            spec.name,
            r.program.display(),
            r.args.join(" ")
        );
        let spawn_err = |source| RuntimeError::Spawn {
            service: spec.name.clone(),
            program: r.program.display().to_string(),
            source,
        };
        let mut cmd = Command::new(&r.program);
        cmd.args(&r.args)
            .current_dir(&r.data_dir)
            .envs(&r.env)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(spawn_err)?)
            .stderr(log.try_clone().map_err(spawn_err)?)
            // Found again by this when its record is lost (see `marked`).
            .env(MARKER, self.marker(spec))
            // Its own process group: Ctrl-C in this shell does not reach it, and stop can
            // signal the whole group.
            .process_group(0);
        if let Some(u) = &r.user {
            cmd.uid(u.uid.as_raw()).gid(u.gid.as_raw());
        }
        let child = cmd.spawn().map_err(spawn_err)?;
        let pid = child.id();
        let record = Record {
            service: spec.name.clone(),
            pid,
            start_ticks: proc_stat(pid).map_or(0, |s| s.start_ticks),
            started_at: Utc::now(),
            config_hash,
            program: r.program.clone(),
            args: r.args.clone(),
            ports: r.ports.clone(),
            data_dir: r.data_dir.clone(),
        };
        self.write_record(spec, &record)?;
        Ok(Box::new(ChildWatch {
            child,
            service: spec.name.clone(),
            listen: r.listen.iter().map(|(_, p)| *p).collect(),
        }))
    }

    /// Sends the stop signal, waits up to `timeout`, then kills the process group. Stops the
    /// recorded process and every other one that carries the service's marker (a record lost,
    /// damaged or overwritten leaves none running); a process arc cannot prove it started (no
    /// start time, or another process now at the recorded pid) is never signalled.
    pub(crate) fn stop(&self, spec: &ServiceSpec, timeout: Duration) -> Result<bool, RuntimeError> {
        let mut targets = self.marked(spec);
        if let Recorded::Found(rec) = self.load_record(spec) {
            if alive(rec.pid, rec.start_ticks) && !targets.iter().any(|t| t.0 == rec.pid) {
                targets.push((rec.pid, rec.start_ticks));
            }
        }
        if targets.is_empty() {
            self.remove_record(spec)?;
            return Ok(false);
        }
        let signal = match spec.native.stop_signal.as_str() {
            "INT" => Signal::SIGINT,
            "QUIT" => Signal::SIGQUIT,
            "HUP" => Signal::SIGHUP,
            _ => Signal::SIGTERM,
        };
        for &(pid_u32, ticks) in &targets {
            let pid = Pid::from_raw(i32::try_from(pid_u32).unwrap_or(i32::MAX));
            let sig_err = |source| RuntimeError::Signal {
                service: spec.name.clone(),
                pid: pid_u32,
                source,
            };
            match kill(pid, signal) {
                Ok(()) | Err(nix::errno::Errno::ESRCH) => {}
                Err(e) => return Err(sig_err(e)),
            }
            let deadline = Instant::now() + timeout;
            while alive(pid_u32, ticks) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            // Whatever is left of the group (the leader past its deadline, or orphaned
            // workers) is killed: the group arc made for it, and only while the leader is
            // still the process arc started (or gone, leaving its workers).
            let ours =
                proc_stat(pid_u32).is_none_or(|s| s.start_ticks == ticks && s.pgrp == pid_u32);
            if ours {
                match killpg(pid, Signal::SIGKILL) {
                    Ok(()) | Err(nix::errno::Errno::ESRCH) => {}
                    Err(e) => return Err(sig_err(e)),
                }
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while alive(pid_u32, ticks) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.remove_record(spec)?;
        Ok(true)
    }

    /// Deletes the data directory.
    pub(crate) fn remove_data(&self, spec: &ServiceSpec) -> Result<bool, RuntimeError> {
        let user = match (&spec.native.run_as, self.root) {
            (Some(name), true) => User::from_name(name).ok().flatten(),
            _ => None,
        };
        let mut removed = false;
        let mut dirs = vec![self.data_dir(spec, None)];
        if user.is_some() {
            dirs.push(self.data_dir(spec, user.as_ref()));
        }
        for dir in dirs {
            if dir.exists() {
                fs::remove_dir_all(&dir).map_err(|source| RuntimeError::Io {
                    op: "remove",
                    path: dir.clone(),
                    source,
                })?;
                removed = true;
            }
        }
        Ok(removed)
    }

    /// The service's log file.
    pub(crate) fn log_file(&self, spec: &ServiceSpec) -> PathBuf {
        self.service_dir(spec).join("service.log")
    }
}

/// What this process has under way: starts, and the init steps (by process group) they run.
struct Pending {
    starts: usize,
    inits: std::collections::BTreeSet<u32>,
}

static PENDING: std::sync::Mutex<Pending> = std::sync::Mutex::new(Pending {
    starts: 0,
    inits: std::collections::BTreeSet::new(),
});
static SETTLED: std::sync::Condvar = std::sync::Condvar::new();

fn pending() -> std::sync::MutexGuard<'static, Pending> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Counts a start or an init step as under way while it lives.
enum InFlight {
    Start,
    Init(u32),
}

impl InFlight {
    fn start() -> Self {
        pending().starts += 1;
        Self::Start
    }

    fn init(pid: u32) -> Self {
        pending().inits.insert(pid);
        Self::Init(pid)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut p = pending();
        match self {
            Self::Start => p.starts = p.starts.saturating_sub(1),
            Self::Init(pid) => {
                p.inits.remove(pid);
            }
        }
        SETTLED.notify_all();
    }
}

impl ProcessRuntime {
    /// For an interrupted `arc up`: ends every init step under way (its whole process group;
    /// the failed step empties its data directory, so the next `arc up` initializes it anew),
    /// then waits up to `timeout` for the starts under way to return, so that what they started
    /// has a record the rollback can stop.
    pub(crate) fn settle(timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut p = pending();
        for pid in &p.inits {
            let _ = killpg(
                Pid::from_raw(i32::try_from(*pid).unwrap_or(i32::MAX)),
                Signal::SIGKILL,
            );
        }
        while p.starts > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            p = SETTLED
                .wait_timeout(p, left)
                .map_or_else(|e| e.into_inner().0, |(g, _)| g);
        }
    }
}

/// Where an initialization under way is marked: beside the data directory (`data.initializing`).
fn pending_marker(data_dir: &Path) -> PathBuf {
    data_dir.with_extension("initializing")
}

/// Removes everything inside `dir`, keeping `dir`.
fn empty_dir(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            let _ = if p.is_dir() {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            };
        }
    }
}

/// The configuration hash of a resolved service.
fn hash_of(r: &Resolved) -> String {
    let json = serde_json::to_vec(r).unwrap_or_default();
    crate::format::hex(&Sha256::digest(json))[..12].to_owned()
}

/// Watches a child this run spawned.
struct ChildWatch {
    child: Child,
    service: String,
    /// The ports its command listens on.
    listen: Vec<u16>,
}

impl Started for ChildWatch {
    fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(describe_exit(status)),
            Ok(None) | Err(_) => None,
        }
    }

    fn foreign_listener(&self) -> Option<String> {
        foreign_listener(&self.service, self.child.id(), &self.listen)
    }
}

/// Whether another process than `pid` (or one of the process group arc made for it) listens on
/// one of `ports`: then a probe of that port asks a stranger, and says nothing of the service.
pub(crate) fn foreign_listener(service: &str, pid: u32, ports: &[u16]) -> Option<String> {
    ports.iter().find_map(|&port| {
        let (holder, comm) = super::ports::holder_pid(port)?;
        let ours = holder == pid || proc_stat(holder).is_some_and(|s| s.pgrp == pid);
        (!ours).then(|| {
            format!("port {port} is held by pid {holder} ({comm}), not by the `{service}` arc started (pid {pid})")
        })
    })
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(sig)) => format!(
            "was killed by signal {}",
            Signal::try_from(sig).map_or_else(|_| sig.to_string(), |s| s.as_str().to_owned())
        ),
        _ => "exited".to_owned(),
    }
}

/// Substitutes `{port.NAME}`, `{data}`, `{host}`, `{service}`, `{env.NAME}`, `{peers.NAME}`
/// and `{instances.SERVICE.PORT}` in `arg`.
fn expand(
    arg: &str,
    spec: &ServiceSpec,
    ports: &BTreeMap<String, u16>,
    data_dir: &Path,
    env: &BTreeMap<String, String>,
) -> String {
    crate::spec::expand_placeholders(arg, |key| match key.split_once('.') {
        Some(("port", name)) => ports.get(name).map(ToString::to_string),
        Some(("env", name)) => Some(env.get(name).cloned().unwrap_or_default()),
        Some(("peers", _)) => spec.peers_placeholder(key, false),
        Some(("instances" | "each", _)) => {
            spec.instances_placeholder(key, false).map(|l| l.join(","))
        }
        Some(_) => None,
        None => match key {
            "data" => Some(data_dir.to_string_lossy().into_owned()),
            "host" => Some("127.0.0.1".to_owned()),
            "service" => Some(spec.name.clone()),
            _ => None,
        },
    })
}

struct ProcStat {
    state: char,
    ppid: u32,
    /// The process group.
    pgrp: u32,
    start_ticks: u64,
}

fn proc_stat(pid: u32) -> Option<ProcStat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields start after the last `)`.
    let after = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    Some(ProcStat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        pgrp: fields.get(2)?.parse().ok()?,
        start_ticks: fields.get(19)?.parse().ok()?,
    })
}

/// Whether `pid` is alive and is the process that was started (same start time); zombies and
/// dead processes are not alive, and a pid without its start time proves nothing (a record
/// with `start_ticks: 0` never names a live process).
fn alive(pid: u32, start_ticks: u64) -> bool {
    start_ticks != 0
        && proc_stat(pid)
            .is_some_and(|s| s.state != 'Z' && s.state != 'X' && s.start_ticks == start_ticks)
}

/// Whether `user` can reach `dir` (every existing ancestor searchable by it).
fn reachable_by(dir: &Path, user: &User) -> bool {
    dir.ancestors().filter(|a| a.exists()).all(|a| {
        a.metadata().is_ok_and(|m| {
            let mode = m.mode();
            mode & 0o001 != 0
                || (m.uid() == user.uid.as_raw() && mode & 0o100 != 0)
                || (m.gid() == user.gid.as_raw() && mode & 0o010 != 0)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive_and_a_wrong_start_time_is_not() {
        let me = std::process::id();
        let stat = proc_stat(me).unwrap();
        assert!(alive(me, stat.start_ticks));
        assert!(!alive(me, stat.start_ticks + 1));
        assert!(!alive(u32::MAX - 1, 0));
    }
}
