//! The `helm` (and, for the data volumes, `kubectl`) on PATH: which version it is, and the calls
//! arc makes — `upgrade --install`, `status`, `uninstall` — with their output folded into arc's
//! progress and their failures turned into [`KubeError`]s that carry Helm's own words.
//!
//! It runs programs and reads their answers; it never decides what a backbone's record says.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};

use super::{chart, KubeError, Progress};

/// Helm versions arc drives: 3.8 and later 3.x (uninstall `--wait`, OCI), and 4.x.
pub(crate) const SUPPORTED: &str = "Helm 3.8 or newer 3.x, or Helm 4.x";
/// How to get Helm.
pub(crate) const INSTALL: &str = "install Helm 3.8+ or 4 (https://helm.sh/docs/intro/install/: e.g. `curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash`, or `brew install helm`)";

/// The major version of the Helm on PATH, which picks the flag spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Major {
    V3,
    V4,
}

/// Where a release lives.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Target {
    pub release: String,
    pub namespace: String,
    pub kube_context: String,
}

/// `helm status -o json`, the parts arc reads.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ReleaseStatus {
    /// The release's revision.
    pub version: u64,
    pub info: ReleaseInfo,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ReleaseInfo {
    /// deployed, failed, pending-install, …
    pub status: String,
    #[serde(default)]
    pub description: String,
}

/// The helm program on PATH, checked.
#[derive(Debug, Clone)]
pub(crate) struct Helm {
    bin: PathBuf,
    /// The version it reported (`v3.16.2`).
    pub version: String,
    pub major: Major,
}

/// Finds `program` on PATH.
pub(crate) fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(program))
            .find(|f| f.is_file())
    })
}

/// Parses `v3.16.2+g13654a5` (what `helm version --short` prints) into its major and minor.
pub(crate) fn parse_version(text: &str) -> Option<(u64, u64)> {
    let v = text.trim().trim_start_matches('v');
    let mut parts = v.split(['.', '+', '-']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

impl Helm {
    /// The helm on PATH, if its version is one arc drives.
    pub(crate) async fn find() -> Result<Self, KubeError> {
        let bin = which("helm").ok_or(KubeError::NoHelm)?;
        let out = tokio::process::Command::new(&bin)
            .args(["version", "--short"])
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|source| KubeError::Spawn {
                program: bin.display().to_string(),
                source,
            })?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let major = match parse_version(&text) {
            Some((3, m)) if m >= 8 => Major::V3,
            Some((4, _)) => Major::V4,
            _ => {
                return Err(KubeError::UnsupportedHelm {
                    found: if text.is_empty() {
                        String::from_utf8_lossy(&out.stderr).trim().to_owned()
                    } else {
                        text
                    },
                })
            }
        };
        Ok(Helm {
            bin,
            version: text,
            major,
        })
    }

    /// `helm upgrade --install …`; Helm's output goes to `progress` line by line. On failure the
    /// error carries Helm's words and the release's status afterwards.
    pub(crate) async fn upgrade(
        &self,
        t: &Target,
        values_file: &str,
        timeout: Duration,
        progress: &dyn Progress,
    ) -> Result<(), KubeError> {
        let args = upgrade_args(self.major, t, values_file, timeout);
        let out = run(&self.bin, &args, progress).await?;
        if out.ok {
            return Ok(());
        }
        if unreachable(&out.text) {
            return Err(KubeError::Unreachable {
                context: t.kube_context.clone(),
                output: tail(&out.text),
            });
        }
        let status = match self.status(t).await {
            Ok(Some(s)) => format!(
                "revision {} is {}{}",
                s.version,
                s.info.status,
                if s.info.description.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.info.description)
                }
            ),
            Ok(None) => "no release is left (Helm removed the failed first install)".into(),
            Err(e) => format!("unknown: {e}"),
        };
        Err(KubeError::RolloutFailed {
            release: t.release.clone(),
            namespace: t.namespace.clone(),
            output: tail(&out.text),
            status,
        })
    }
    /// `helm status -o json`: `None` when there is no such release.
    pub(crate) async fn status(&self, t: &Target) -> Result<Option<ReleaseStatus>, KubeError> {
        let args: Vec<String> = [
            "status",
            &t.release,
            "--namespace",
            &t.namespace,
            "--kube-context",
            &t.kube_context,
            "--output",
            "json",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let out = run(&self.bin, &args, &Quiet).await?;
        if !out.ok {
            if unreachable(&out.text) {
                return Err(KubeError::Unreachable {
                    context: t.kube_context.clone(),
                    output: tail(&out.text),
                });
            }
            if not_found(&out.text) {
                return Ok(None);
            }
            return Err(KubeError::Helm {
                op: "status".into(),
                output: tail(&out.text),
            });
        }
        serde_json::from_str(&out.stdout)
            .map(Some)
            .map_err(|e| KubeError::Helm {
                op: "status".into(),
                output: format!("its answer is not a release's status: {e}"),
            })
    }

    /// `helm uninstall --wait`: `false` when there was no such release.
    pub(crate) async fn uninstall(
        &self,
        t: &Target,
        timeout: Duration,
        progress: &dyn Progress,
    ) -> Result<bool, KubeError> {
        let args: Vec<String> = [
            "uninstall",
            &t.release,
            "--namespace",
            &t.namespace,
            "--kube-context",
            &t.kube_context,
            "--wait",
            "--timeout",
            &go_duration(timeout),
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let out = run(&self.bin, &args, progress).await?;
        if out.ok {
            return Ok(true);
        }
        if unreachable(&out.text) {
            return Err(KubeError::Unreachable {
                context: t.kube_context.clone(),
                output: tail(&out.text),
            });
        }
        if not_found(&out.text) {
            return Ok(false);
        }
        Err(KubeError::Helm {
            op: "uninstall".into(),
            output: tail(&out.text),
        })
    }
}

/// The arguments of `helm upgrade --install` for `t` with the values in `values_file`: the
/// pinned chart from its repository, rolled back on failure, waiting for the rollout.
pub(crate) fn upgrade_args(
    major: Major,
    t: &Target,
    values_file: &str,
    timeout: Duration,
) -> Vec<String> {
    let mut a: Vec<String> = [
        "upgrade",
        "--install",
        &t.release,
        chart::NAME,
        "--repo",
        chart::REPO,
        "--version",
        chart::VERSION,
        "--namespace",
        &t.namespace,
        "--create-namespace",
        "--kube-context",
        &t.kube_context,
        "--values",
        values_file,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // Helm 4 renamed `--atomic` to `--rollback-on-failure`; `--wait` waits on both.
    a.push(
        match major {
            Major::V3 => "--atomic",
            Major::V4 => "--rollback-on-failure",
        }
        .into(),
    );
    a.push("--wait".into());
    a.push("--timeout".into());
    a.push(go_duration(timeout));
    a
}

/// `kubectl delete pvc` of the release's JetStream volumes (a StatefulSet's claims outlive
/// `helm uninstall` by design).
pub(crate) async fn delete_volumes(t: &Target, progress: &dyn Progress) -> Result<(), KubeError> {
    let bin = which("kubectl").ok_or(KubeError::NoKubectl)?;
    let selector = format!(
        "app.kubernetes.io/name=nats,app.kubernetes.io/instance={}",
        t.release
    );
    let args: Vec<String> = [
        "delete",
        "pvc",
        "--context",
        &t.kube_context,
        "--namespace",
        &t.namespace,
        "--selector",
        &selector,
        "--ignore-not-found",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let out = run(&bin, &args, progress).await?;
    if out.ok {
        Ok(())
    } else {
        Err(KubeError::Kubectl {
            op: "delete pvc".into(),
            output: tail(&out.text),
        })
    }
}

/// What a program printed and whether it succeeded.
struct Output {
    ok: bool,
    stdout: String,
    /// stdout and stderr, interleaved as they came.
    text: String,
}

struct Quiet;
impl Progress for Quiet {
    fn line(&self, _: &str) {}
}

/// Runs `bin args`, giving each output line to `progress` as `helm: …` while it runs.
async fn run(
    bin: &std::path::Path,
    args: &[String],
    progress: &dyn Progress,
) -> Result<Output, KubeError> {
    let name = bin
        .file_name()
        .map_or_else(|| "helm".into(), |n| n.to_string_lossy().into_owned());
    let spawn_err = |source| KubeError::Spawn {
        program: bin.display().to_string(),
        source,
    };
    let mut child = tokio::process::Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(spawn_err)?;
    let mut out = BufReader::new(child.stdout.take().expect("piped")).lines();
    let mut err = BufReader::new(child.stderr.take().expect("piped")).lines();
    let (mut stdout, mut text) = (String::new(), String::new());
    let (mut out_open, mut err_open) = (true, true);
    while out_open || err_open {
        tokio::select! {
            l = out.next_line(), if out_open => match l {
                Ok(Some(l)) => {
                    stdout.push_str(&l);
                    stdout.push('\n');
                    // JSON answers (`status -o json`) are data, not progress.
                    if !l.starts_with('{') {
                        progress.line(&format!("{name}: {l}"));
                    }
                    text.push_str(&l);
                    text.push('\n');
                }
                _ => out_open = false,
            },
            l = err.next_line(), if err_open => match l {
                Ok(Some(l)) => {
                    progress.line(&format!("{name}: {l}"));
                    text.push_str(&l);
                    text.push('\n');
                }
                _ => err_open = false,
            },
        }
    }
    let status = child.wait().await.map_err(spawn_err)?;
    Ok(Output {
        ok: status.success(),
        stdout,
        text,
    })
}

/// Helm's words for a release that does not exist.
fn not_found(text: &str) -> bool {
    text.contains("release: not found")
}

/// Helm's words for a cluster it cannot reach.
fn unreachable(text: &str) -> bool {
    text.contains("Kubernetes cluster unreachable")
}

/// The last lines of a program's output: where Helm says what went wrong.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(12)..].join("\n")
}

/// `d` the way Go's flags read a duration (`10m0s`).
pub(crate) fn go_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("v3.16.2+g13654a5"), Some((3, 16)));
        assert_eq!(parse_version("v4.0.1+gabc"), Some((4, 0)));
        assert_eq!(parse_version("nonsense"), None);
        assert_eq!(go_duration(Duration::from_secs(600)), "10m0s");
        assert_eq!(go_duration(Duration::from_secs(45)), "45s");
    }
}
