//! Issue 25 (part 6), overlays that cannot lie: a misspelt port, service or key in an overlay
//! is refused at the overlay's own file:line:col; a profile an overlay writes is blamed on the
//! overlay; `compose export --write/--check` work on the stock files whatever `ARC_FILE` says;
//! an empty `ARC_FILE` means no overlay. No servers needed.

mod support;

use std::path::{Path, PathBuf};

use support::Run;

/// `text` written as `name` in `dir`; returns its path as arc shows it (absolute).
fn overlay(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `arc -f FILE config validate`, which must refuse with exit 2; its stderr.
fn refused(file: &str) -> String {
    Run::new(["-f", file, "config", "validate"])
        .run()
        .expect_code(2)
        .stderr()
}

#[test]
fn a_misspelt_overlay_port_is_refused_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = overlay(
        dir.path(),
        "typo.yaml",
        "services:\n  sonic:\n    ports:\n      - { name: clinet, host: 16379 }\n",
    );
    let want = format!(
        "{file}:4:11: `services.sonic.ports[0].name`: unknown port `clinet` (did you mean `client`?); the service's ports: `client`; to add a port, give its `container` port too\n"
    );
    let err = refused(&file);
    assert!(err.contains(&want), "{err}");
    // The same through ARC_FILE.
    let err = Run::new(["config", "validate"])
        .env("ARC_FILE", &file)
        .run()
        .expect_code(2)
        .stderr();
    assert!(err.contains(&want), "{err}");
}

#[test]
fn an_unknown_service_or_key_in_an_overlay_is_refused_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = overlay(dir.path(), "svc.yaml", "services:\n  sonc:\n    image: x\n");
    let err = refused(&file);
    assert!(
        err.contains(&format!(
            "{file}:2:3: `services.sonc`: unknown service `sonc` (did you mean `sonic`?); known: `cache` (sonic), "
        )),
        "{err}"
    );
    let file = overlay(
        dir.path(),
        "key.yaml",
        "services:\n  sonic:\n    env: { A: b }\n    imag: x\n",
    );
    let err = refused(&file);
    assert!(
        err.contains(&format!(
            "{file}:4:5: `services.sonic.imag`: unknown field `imag` (did you mean `image`?), expected one of `image`, "
        )),
        "{err}"
    );
    let file = overlay(
        dir.path(),
        "top.yaml",
        "profile:\n  quick: { services: [sonic] }\n",
    );
    let err = refused(&file);
    assert!(
        err.contains(&format!(
            "{file}:1:1: `profile`: unknown field `profile` (did you mean `profiles`?), expected one of `services`, `profiles`, `default`"
        )),
        "{err}"
    );
}

#[test]
fn a_profile_an_overlay_writes_is_reported_in_the_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let file = overlay(
        dir.path(),
        "prof.yaml",
        "# a profile of my own\ndefault: quick\nprofiles:\n  quick:\n    description: two\n    services: [sonic, flsh]\n",
    );
    let err = refused(&file);
    assert!(
        err.contains(&format!(
            "{file}:6:23: `profiles.quick.services[1]`: unknown service `flsh` (did you mean `flash`?); known: "
        )),
        "{err}"
    );
    assert!(!err.contains("profiles.yaml:"), "{err}");
}

/// What the README promises overlays do still works: a port moved by name, a port declared
/// whole (with its `container` port) added, a profile added, a port of a replicated service.
#[test]
fn overlays_still_move_ports_and_add_whole_ports_and_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let file = overlay(
        dir.path(),
        "ok.yaml",
        "services:
  sonic:
    ports:
      - { name: debug, container: 9229, host: 19229 }
      - { name: client, host: 16379 }
profiles:
  quick: { services: [sonic] }
default: quick
",
    );
    let out = Run::new(["-f", &file, "config", "validate"])
        .run()
        .success()
        .stdout();
    assert!(out.starts_with("valid: "), "{out}");
    let compose = Run::new(["-f", &file, "compose", "export", "sonic"])
        .run()
        .success()
        .stdout();
    assert!(compose.contains("127.0.0.1:16379:6379"), "{compose}");
    assert!(compose.contains("127.0.0.1:19229:9229"), "{compose}");
    assert!(!compose.contains(":6379:6379"), "{compose}");
}

#[test]
fn the_repository_overlays_validate() {
    let overlays: Vec<PathBuf> = std::fs::read_dir(support::repo().join("overlays"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    assert!(overlays.len() >= 2, "{overlays:?}");
    for o in &overlays {
        Run::new(["-f", &o.display().to_string(), "config", "validate"])
            .run()
            .success();
    }
    // Together, in the order overlays/cluster.yaml asks for.
    Run::new([
        "-f",
        "overlays/offline.yaml",
        "-f",
        "overlays/cluster.yaml",
        "config",
        "validate",
    ])
    .run()
    .success();
}

#[test]
fn an_empty_arc_file_means_no_overlay() {
    let out = Run::new(["config", "validate"])
        .env("ARC_FILE", "")
        .run()
        .success()
        .stdout();
    assert!(!out.contains("overlay"), "{out}");
    // An empty name in a list is no overlay either.
    let out = Run::new(["config", "validate"])
        .env("ARC_FILE", "overlays/cluster.yaml,")
        .run()
        .success()
        .stdout();
    assert!(
        out.contains("with overlays ") && out.contains("overlays/cluster.yaml\n"),
        "{out}"
    );
}

/// The committed compose and make files are the stock files' rendering: `--check` and
/// `--write` ignore overlays (and say so on stderr); printing applies them.
#[test]
fn compose_export_check_and_write_ignore_overlays_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = overlay(
        dir.path(),
        "move.yaml",
        "services:\n  sonic:\n    ports:\n      - { name: client, host: 16379 }\n",
    );
    let warning = format!("warning: `compose export --check` works on the stock files alone; ignoring overlays `{file}`");
    let err = Run::new(["compose", "export", "--check"])
        .env("ARC_FILE", &file)
        .run()
        .success()
        .stderr();
    assert!(err.contains(&warning), "{err}");

    // `--write` in a copy of the project leaves every file as it was.
    let project = tempfile::tempdir().unwrap();
    let repo = support::repo();
    std::fs::copy(
        repo.join("profiles.yaml"),
        project.path().join("profiles.yaml"),
    )
    .unwrap();
    let mut before = Vec::new();
    for svc in std::fs::read_dir(repo.join("services")).unwrap().flatten() {
        if !svc.path().join("service.yaml").is_file() {
            continue;
        }
        let to = project.path().join("services").join(svc.file_name());
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(svc.path()).unwrap().flatten() {
            if f.path().is_file() {
                std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
                before.push((to.join(f.file_name()), std::fs::read(f.path()).unwrap()));
            }
        }
    }
    let err = Run::new(["compose", "export", "--write"])
        .cwd(project.path())
        .env("ARC_FILE", &file)
        .run()
        .success()
        .stderr();
    assert!(
        err.contains(&warning.replace("--check", "--write")),
        "{err}"
    );
    for (path, text) in &before {
        assert!(
            std::fs::read(path).unwrap() == *text,
            "{} changed",
            path.display()
        );
    }
    let compose =
        std::fs::read_to_string(project.path().join("services/cache/docker-compose.yml")).unwrap();
    assert!(compose.contains("127.0.0.1:6379:6379"), "{compose}");

    // Printing applies the overlay, without a warning.
    let out = Run::new(["compose", "export", "sonic"])
        .env("ARC_FILE", &file)
        .run()
        .success();
    assert!(
        out.stdout().contains("127.0.0.1:16379:6379"),
        "{}",
        out.stdout()
    );
    assert!(!out.stderr().contains("warning"), "{}", out.stderr());
}
