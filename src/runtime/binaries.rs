//! Finds the programs native services run: PATH first, then where Debian and pip put them.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The absolute path of `program`, or `None` when it is nowhere arc knows to look.
pub(crate) fn find(program: &str, env: &BTreeMap<String, String>) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return is_executable(&p).then_some(p);
    }
    // `arc serve` runs as the very arc that starts it, wherever that is installed.
    if program == "arc" {
        if let Some(p) = std::env::current_exe().ok().filter(|p| is_executable(p)) {
            return Some(p);
        }
    }
    if program == "pulsar-lite" {
        if let Some(p) = env.get("PULSAR_LITE_BINARY").map(PathBuf::from) {
            if is_executable(&p) {
                return Some(p);
            }
        }
    }
    let path_dirs = env
        .get("PATH")
        .map(|p| std::env::split_paths(p).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(found) = path_dirs
        .iter()
        .map(|d| d.join(program))
        .find(|p| is_executable(p))
    {
        return Some(found);
    }
    extra_dirs(program, env)
        .into_iter()
        .map(|d| d.join(program))
        .find(|p| is_executable(p))
}

/// Places outside PATH where packages install these programs.
fn extra_dirs(program: &str, env: &BTreeMap<String, String>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    match program {
        "postgres" | "initdb" | "pg_ctl" => {
            // Debian: /usr/lib/postgresql/<major>/bin, newest major first.
            if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
                let mut versions: Vec<(u32, PathBuf)> = entries
                    .flatten()
                    .filter_map(|e| {
                        let v = e.file_name().to_str()?.parse::<u32>().ok()?;
                        Some((v, e.path().join("bin")))
                    })
                    .collect();
                versions.sort_by_key(|v| std::cmp::Reverse(v.0));
                dirs.extend(versions.into_iter().map(|(_, p)| p));
            }
            dirs.push(PathBuf::from("/usr/local/pgsql/bin"));
        }
        "pulsar-lite" => {
            if let Some(home) = env.get("HOME") {
                dirs.push(Path::new(home).join(".local/bin"));
            }
            if let Some(pkg) = python_package_dir("pulsar_lite") {
                dirs.push(pkg.join("bin"));
            }
        }
        _ => {}
    }
    dirs
}

/// The directory of an installed Python package (pip installs pulsar-lite's broker there).
fn python_package_dir(package: &str) -> Option<PathBuf> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            &format!("import {package}, os; print(os.path.dirname({package}.__file__))"),
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn is_executable(p: &Path) -> bool {
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_programs_on_path_and_not_missing_ones() {
        let env: BTreeMap<String, String> =
            [("PATH".to_owned(), "/usr/bin:/bin".to_owned())].into();
        assert!(find("sh", &env).is_some());
        assert!(find("arc-no-such-program", &env).is_none());
        assert!(find("/bin/sh", &env).is_some());
    }
}
