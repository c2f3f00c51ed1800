//! Issue 27: the launcher never loses track of what it started. Concurrent `arc up`/`down` in
//! one project, signals at each phase of `arc up` (to arc and to its process group), damaged,
//! deleted and forged state records, and a stranger answering on a service's port — each on the
//! real binary and real servers. "What arc started" is read from `/proc`: every server arc starts
//! carries `ARC_SERVICE_MARKER=<state dir>#<service>` in its environment.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use support::{require_servers, Project};

/// The pids of live processes (any, not only group leaders) of this project's servers: those
/// running in its state directory (or, for a server that runs as another user, in its data
/// directory under /var/lib/arc) or carrying its marker.
fn marked(p: &Project) -> BTreeSet<u32> {
    use sha2::Digest as _;
    let prefix = format!("ARC_SERVICE_MARKER={}#", p.state().display());
    let hash = sha2::Sha256::digest(p.state().as_os_str().as_encoded_bytes())
        .iter()
        .fold(String::new(), |mut h, b| {
            use std::fmt::Write as _;
            let _ = write!(h, "{b:02x}");
            h
        });
    let elsewhere = std::path::Path::new("/var/lib/arc").join(&hash[..12]);
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit_once(')')
                        .map(|(_, r)| r.trim_start().starts_with('Z'))
                })
                .unwrap_or(true);
            let cwd = std::fs::read_link(format!("/proc/{pid}/cwd"));
            !zombie
                && (cwd.is_ok_and(|c| c.starts_with(p.state()) || c.starts_with(&elsewhere))
                    || std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|env| {
                        env.split(|b| *b == 0)
                            .any(|kv| kv.starts_with(prefix.as_bytes()))
                    }))
        })
        .collect()
}

/// The pids `arc ps` reports running.
fn ps_pids(p: &Project) -> BTreeSet<u32> {
    let ps = p.arc(["--json", "ps"]).run().success().json();
    ps.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] == "running")
        .filter_map(|r| r["pid"].as_u64())
        .map(|p| u32::try_from(p).unwrap())
        .collect()
}

/// Waits until no process of the project is left (stopping takes a moment after `arc` exits
/// for the workers of a group).
fn nothing_left(p: &Project) {
    support::eventually_blocking(
        "no process of the project is left",
        Duration::from_secs(30),
        || marked(p).is_empty(),
    );
}

fn signal(pid: i32, sig: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig).unwrap();
}

/// Every running server is one `arc ps` knows (a group leader with a record), and `arc down`
/// leaves none.
fn all_recorded_then_down(p: &Project) {
    // The servers: the project's processes whose parent is not one of them (their workers'
    // is).
    let all = marked(p);
    let leaders: BTreeSet<u32> = all
        .iter()
        .copied()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                let rest = s.rsplit_once(')').unwrap().1;
                let ppid: u32 = rest.split_whitespace().nth(1).unwrap().parse().unwrap();
                !all.contains(&ppid)
            })
        })
        .collect();
    assert!(!leaders.is_empty(), "nothing runs");
    assert_eq!(ps_pids(p), leaders, "arc ps knows every server that runs");
    p.arc(["down"]).run().success();
    nothing_left(p);
}

/// Two, then four `arc up` at once in one project: one brings the services up, the others wait
/// for it (saying whom they wait for) and find them up to date; afterwards every server that
/// runs is recorded and `arc down` leaves nothing. Then `up` racing `down`.
#[test]
fn concurrent_ups_and_downs_never_orphan_a_server() {
    require_servers();
    let p = Project::new();
    for n in [2, 4] {
        let runs: Vec<_> = (0..n)
            .map(|_| p.arc(["up", "sonic", "flash", "logstore"]).spawn())
            .collect();
        let mut waited = 0;
        for r in runs {
            let (code, _) = r.finish_within(Duration::from_secs(300));
            assert_eq!(code, 0, "every concurrent arc up succeeds");
            waited += 1;
        }
        assert_eq!(waited, n);
        all_recorded_then_down(&p);
    }
    // `--no-block` fails at once, naming the holder.
    let mut holder = p.arc(["up", "sonic", "flash", "logstore"]).spawn();
    holder.wait_for("starting");
    let busy = p
        .arc(["up", "sonic", "--no-block"])
        .run()
        .expect_code(1)
        .stderr();
    assert!(
        busy.contains("`arc up sonic flash logstore` (pid "),
        "{busy}"
    );
    assert!(busy.contains("is changing this project"), "{busy}");
    assert_eq!(holder.finish_within(Duration::from_secs(300)).0, 0);
    // `up` and `down` racing: whichever order the lock gives them, the state is true.
    let up = p.arc(["up", "sonic", "flash"]).spawn();
    let down = p.arc(["down"]).spawn();
    assert_eq!(down.finish_within(Duration::from_secs(300)).0, 0);
    assert_eq!(up.finish_within(Duration::from_secs(300)).0, 0);
    let left = marked(&p);
    if !left.is_empty() {
        all_recorded_then_down(&p);
    }
    nothing_left(&p);
}

/// SIGTERM, SIGHUP and SIGINT to `arc up` while it waits for health, and SIGTERM to arc alone
/// and SIGINT to its whole process group during PostgreSQL's initdb: each is a rollback (exit
/// 1, the signal named, no server left), and the next `arc up` succeeds — after an interrupted
/// initdb it initializes the data directory again and the database is there.
#[test]
fn every_signal_to_arc_up_rolls_back() {
    use nix::sys::signal::Signal;
    require_servers();
    // Waiting for health: a cache whose health never passes (its port is never opened).
    let p = Project::with_overlay(
        "  sonic:\n    native:\n      command: [sh, -c, \"exec sleep 600 # {port.client}\"]\n",
    );
    for (sig, name) in [
        (Signal::SIGTERM, "terminated (SIGTERM)"),
        (Signal::SIGHUP, "hung up (SIGHUP)"),
        (Signal::SIGINT, "interrupted (SIGINT)"),
    ] {
        let mut up = p.arc(["up", "sonic", "--progress", "plain"]).spawn();
        up.wait_for("waiting until healthy");
        signal(i32::try_from(up.pid()).unwrap(), sig);
        let line = up.wait_for_line("stopping what this run started");
        assert!(line.contains(name), "{line}");
        assert_eq!(up.finish_within(Duration::from_secs(60)).0, 1);
        nothing_left(&p);
    }

    // During initdb: SIGTERM to arc alone, SIGINT to its whole process group (a terminal's
    // Ctrl-C), and SIGKILL (no rollback can run: the next `arc up` finds the unfinished
    // initialization, ends what is left of it and starts it again). A new project each, so
    // each one initializes.
    for how in ["term", "group", "kill"] {
        let p = Project::new();
        let mut run = p.arc(["up", "logstore", "--progress", "plain"]);
        if how == "group" {
            run = run.own_process_group();
        }
        let mut up = run.spawn();
        up.wait_for("initializing data directory");
        let pid = i32::try_from(up.pid()).unwrap();
        match how {
            "term" => signal(pid, Signal::SIGTERM),
            "group" => signal(-pid, Signal::SIGINT),
            _ => signal(pid, Signal::SIGKILL),
        }
        let (code, _) = up.finish_within(Duration::from_secs(60));
        if how == "kill" {
            assert_eq!(code, -1, "killed");
        } else {
            assert_eq!(code, 1);
            nothing_left(&p);
            assert!(!initdb_running(&p), "initdb was left running");
        }
        let out = p.arc(["--json", "up", "logstore"]).run().success();
        assert!(out.stdout().contains("healthy"), "{}", out.stdout());
        // The database and role the init steps make are there: the probe logs in to them.
        p.arc(["health", "logstore"]).run().success();
        p.arc(["down"]).run().success();
        nothing_left(&p);
    }
}

/// Whether an initdb of this project runs.
fn initdb_running(p: &Project) -> bool {
    marked(p).iter().any(|pid| {
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("initdb"))
    })
}

/// A truncated, a garbage and a deleted record: `arc ps` still finds the servers (by their
/// marker) and says the record is damaged; `arc down` stops everything arc started; a record
/// forged to name an unrelated process (no start time, or another process's) never gets that
/// process signalled; `arc up` afterwards writes new records.
#[test]
fn damaged_records_never_orphan_or_kill_the_wrong_process() {
    require_servers();
    let p = Project::new();
    p.arc(["up", "sonic", "flash", "logstore"]).run().success();
    let running = ps_pids(&p);
    assert_eq!(running.len(), 3);
    let record = |svc: &str| p.state().join(svc).join("record.json");
    let text = std::fs::read_to_string(record("cache")).unwrap();
    std::fs::write(record("cache"), &text[..text.len() / 2]).unwrap();
    std::fs::write(record("messaging"), "\u{0}garbage{").unwrap();
    std::fs::remove_file(record("logstore")).unwrap();
    let ps = p.arc(["--json", "ps"]).run().success();
    assert!(
        ps.stderr()
            .contains("the state record of `cache` is damaged"),
        "{}",
        ps.stderr()
    );
    assert_eq!(ps_pids(&p), running, "found by their marker");
    // Health still asks the servers arc started.
    p.arc(["health", "cache", "flash", "logstore"])
        .run()
        .success();
    p.arc(["down"]).run().success();
    nothing_left(&p);

    // Forged records: an unrelated process, in a group of its own, at the recorded pid.
    let mut bystander = std::process::Command::new("sleep");
    std::os::unix::process::CommandExt::process_group(&mut bystander, 0);
    let mut bystander = bystander.arg("600").spawn().unwrap();
    let pid = bystander.id();
    p.arc(["up", "sonic"]).run().success();
    let mut rec: Value =
        serde_json::from_str(&std::fs::read_to_string(record("cache")).unwrap()).unwrap();
    let real = rec["pid"].as_u64().unwrap();
    for ticks in [0u64, 1] {
        rec["pid"] = pid.into();
        rec["start_ticks"] = ticks.into();
        std::fs::write(record("cache"), rec.to_string()).unwrap();
        p.arc(["down", "sonic"]).run().success();
        assert!(
            bystander.try_wait().unwrap().is_none(),
            "arc signalled a process it did not start (start_ticks {ticks})"
        );
        nothing_left(&p);
        p.arc(["up", "sonic"]).run().success();
        assert_ne!(ps_pids(&p), BTreeSet::from([pid]));
    }
    assert_ne!(real, u64::from(pid));
    p.arc(["down"]).run().success();
    nothing_left(&p);
    let _ = bystander.kill();
    let _ = bystander.wait();
}

/// A stranger on a service's port is never its health: one that binds the port before the
/// service can (its command starts it in another session) fails `arc up` naming it; one that
/// answers after arc's server exited leaves `arc health` unhealthy, saying the server exited.
#[test]
fn health_asks_arcs_own_server_not_whoever_holds_the_port() {
    require_servers();
    let p = Project::with_overlay(
        "  sonic:\n    native:\n      command: [sh, -c, \"setsid redis-server --port {port.client} --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & exec sleep 600\"]\n",
    );
    let port = p.ports["redis"];
    let out = p.arc(["up", "sonic"]).run().expect_code(1);
    let err = out.stderr();
    let stranger = support::port_holder(port);
    kill_pid(stranger);
    assert!(
        err.contains(&format!("port {port} is held by pid"))
            && err.contains("(redis-server), not by the `cache` arc started"),
        "{err}"
    );
    nothing_left(&p);

    // After start: arc's redis is killed and a stranger takes its port.
    let p = Project::new();
    let port = p.ports["redis"];
    p.arc(["up", "sonic"]).run().success();
    let ours = ps_pids(&p);
    for pid in &ours {
        signal(
            i32::try_from(*pid).unwrap(),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    nothing_left(&p);
    let mut stranger = std::process::Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    support::eventually_blocking("the stranger listens", Duration::from_secs(30), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let out = p.arc(["health", "cache"]).run().expect_code(1);
    assert!(out.stdout().contains("has exited"), "{}", out.stdout());
    let all = p.arc(["health"]).run().expect_code(1);
    assert!(all.stdout().contains("has exited"), "{}", all.stdout());
    let _ = stranger.kill();
    let _ = stranger.wait();
}

fn kill_pid(pid: Option<u32>) {
    if let Some(pid) = pid {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}

/// One rule for names in every command (a profile first, then a service), and stopping a
/// service others depend on says so (or, with `--cascade`, stops them too).
#[test]
fn names_mean_the_same_everywhere_and_down_names_dependants() {
    require_servers();
    let p = Project::new();
    p.arc(["up", "sonic", "flash", "logstore", "pipeline"])
        .run()
        .success();
    // `messaging` is a profile (flash, strange, sonic) and a service's name (flash): every
    // command reads it as the profile, as `arc up` does.
    let health = p.arc(["--json", "health", "messaging"]).run();
    let rows: Vec<String> = health
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(rows, ["cache", "messaging", "streaming"]);
    let down = p.arc(["down", "sonic"]).run().success();
    assert!(
        down.stderr()
            .contains("`pipeline` depends on what stops and keeps running without it; `--cascade` stops it too"),
        "{}",
        down.stderr()
    );
    assert_eq!(
        ps_pids(&p).len(),
        3,
        "the pipeline, NATS and PostgreSQL run on"
    );
    p.arc(["up", "sonic"]).run().success();
    p.arc(["down", "--cascade", "sonic"]).run().success();
    assert_eq!(ps_pids(&p).len(), 2, "the pipeline stopped with the cache");
    p.arc(["down"]).run().success();
    nothing_left(&p);
}

/// Unmounts (lazily) on drop.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// A full disk under a service's data is said: `arc health` and `arc ps` report it unhealthy
/// with what is left, and healthy again once space is freed. The state directory is a small
/// tmpfs the test mounts (as root, as CI runs).
#[test]
fn a_full_disk_under_a_service_is_reported() {
    require_servers();
    let p = Project::new();
    std::fs::create_dir_all(p.state()).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=96m", "tmpfs"])
        .arg(p.state())
        .status()
        .unwrap();
    assert!(mounted.success(), "mount a tmpfs (the test needs root)");
    let _mount = Mounted(p.state());
    p.arc(["up", "sonic"]).run().success();
    p.arc(["health", "cache"]).run().success();
    let filler = p.state().join("filler");
    std::fs::write(&filler, vec![0u8; 48 << 20]).unwrap();
    let out = p.arc(["--json", "health", "cache"]).run().expect_code(1);
    assert!(out.stdout().contains("disk full: "), "{}", out.stdout());
    let ps = p.arc(["--json", "ps"]).run().success().json();
    assert_eq!(ps[0]["health"], "unhealthy", "{ps}");
    assert!(
        ps[0]["health_detail"]
            .as_str()
            .unwrap()
            .contains("disk full"),
        "{ps}"
    );
    std::fs::remove_file(&filler).unwrap();
    p.arc(["health", "cache"]).run().success();
    p.arc(["down", "--volumes"]).run().success();
}
