//! Resolves the command line, environment and files into the settings commands run with.
//!
//! Precedence: command line > `ARC_*` environment (clap reads those) > files. This is the only
//! place (with `cli`) that looks at environment variables; everything below gets `Settings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cli::{ColorChoice, GlobalArgs, RuntimeChoice};
use crate::format::hex;

/// Everything a command needs to know about how it was invoked.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The project directory, or `None` for the stock files built into arc.
    pub project_dir: Option<PathBuf>,
    /// Overlay files, in merge order, as absolute paths.
    pub overlays: Vec<PathBuf>,
    /// The runtime asked for.
    pub runtime: RuntimeChoice,
    /// Print JSON.
    pub json: bool,
    /// Colour on stdout.
    pub color_stdout: bool,
    /// Colour on stderr.
    pub color_stderr: bool,
    /// Show live progress (stderr is a terminal and not CI).
    pub progress: bool,
    /// Print only errors.
    pub quiet: bool,
    /// Log verbosity (0 info, 1 debug, 2 trace).
    pub verbose: u8,
    /// Where pid files, logs and data of this project live.
    pub state_dir: PathBuf,
    /// Environment variables commands may pass on (e.g. `PULSAR_HOME` for native variants).
    pub env: BTreeMap<String, String>,
}

/// Whether stdout and stderr are terminals.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Terminals {
    /// stdout is a terminal.
    pub stdout: bool,
    /// stderr is a terminal.
    pub stderr: bool,
}

/// A setting that cannot be resolved.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SettingsError {
    /// `--project-dir` names something that is not a project.
    #[error("`{}` is not an arc project directory: it needs `profiles.yaml` and `services/`", .0.display())]
    NotAProject(PathBuf),
    /// No state directory can be chosen.
    #[error(
        "cannot choose a state directory: neither ARC_STATE_DIR, XDG_STATE_HOME nor HOME is set"
    )]
    NoStateDir,
}

impl Settings {
    /// Resolves `args` with the process environment `env`, the current directory `cwd`, and
    /// what `terminals` says about the output streams.
    pub(crate) fn resolve(
        args: &GlobalArgs,
        env: &BTreeMap<String, String>,
        cwd: &Path,
        terminals: Terminals,
    ) -> Result<Self, SettingsError> {
        let project_dir = match &args.project_dir {
            Some(dir) => {
                let dir = absolute(cwd, dir);
                if !(dir.join("profiles.yaml").is_file() && dir.join("services").is_dir()) {
                    return Err(SettingsError::NotAProject(dir));
                }
                Some(dir)
            }
            None => crate::spec::find_project_dir(cwd),
        };
        let no_color = env.get("NO_COLOR").is_some_and(|v| !v.is_empty());
        let (color_stdout, color_stderr) = match (no_color, args.color) {
            (true, _) | (false, ColorChoice::Never) => (false, false),
            (false, ColorChoice::Always) => (true, true),
            (false, ColorChoice::Auto) => (terminals.stdout, terminals.stderr),
        };
        let ci = env.get("CI").is_some_and(|v| !v.is_empty() && v != "false");
        let state_dir = state_dir(env, project_dir.as_deref())?;
        Ok(Self {
            // An empty name (`ARC_FILE=`, or `a.yaml,` split at its comma) names no overlay.
            overlays: args
                .files
                .iter()
                .filter(|f| !f.as_os_str().is_empty())
                .map(|f| absolute(cwd, f))
                .collect(),
            project_dir,
            runtime: args.runtime,
            json: args.json,
            color_stdout,
            color_stderr,
            progress: terminals.stderr && !ci && !args.quiet,
            quiet: args.quiet,
            verbose: args.verbose,
            state_dir,
            env: env.clone(),
        })
    }
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// `ARC_STATE_DIR` as is; else `$XDG_STATE_HOME/arc/<project>` (`~/.local/state` by default),
/// where `<project>` is `default` for the stock files or the project directory's name and a
/// hash of its path, so two checkouts never share state.
fn state_dir(
    env: &BTreeMap<String, String>,
    project: Option<&Path>,
) -> Result<PathBuf, SettingsError> {
    if let Some(dir) = env.get("ARC_STATE_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let base = match env.get("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => {
            PathBuf::from(env.get("HOME").ok_or(SettingsError::NoStateDir)?).join(".local/state")
        }
    };
    let key = match project {
        None => "default".to_owned(),
        Some(dir) => {
            let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
            let hash = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
            let name = canonical
                .file_name()
                .map_or_else(|| "project".into(), |n| n.to_string_lossy().into_owned());
            format!("{name}-{}", &hex(&hash)[..8])
        }
    };
    Ok(base.join("arc").join(key))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn resolve(argv: &[&str], env: &[(&str, &str)], tty: bool) -> Settings {
        let cli = Cli::try_parse_from(argv).unwrap();
        let env = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let t = Terminals {
            stdout: tty,
            stderr: tty,
        };
        Settings::resolve(&cli.global, &env, Path::new("/nonexistent/cwd"), t).unwrap()
    }

    #[test]
    fn no_color_wins_over_always() {
        let s = resolve(
            &["arc", "--color", "always", "ps"],
            &[("NO_COLOR", "1"), ("HOME", "/h")],
            true,
        );
        assert!(!s.color_stdout && !s.color_stderr);
        let s = resolve(
            &["arc", "--color", "always", "ps"],
            &[("HOME", "/h")],
            false,
        );
        assert!(s.color_stdout && s.color_stderr);
        let s = resolve(&["arc", "ps"], &[("HOME", "/h")], true);
        assert!(s.color_stdout && s.progress);
    }

    #[test]
    fn ci_turns_progress_off() {
        let s = resolve(&["arc", "ps"], &[("HOME", "/h"), ("CI", "true")], true);
        assert!(!s.progress);
    }

    #[test]
    fn state_dir_precedence() {
        let s = resolve(&["arc", "ps"], &[("HOME", "/h")], false);
        assert_eq!(s.state_dir, Path::new("/h/.local/state/arc/default"));
        let s = resolve(
            &["arc", "ps"],
            &[("HOME", "/h"), ("XDG_STATE_HOME", "/x")],
            false,
        );
        assert_eq!(s.state_dir, Path::new("/x/arc/default"));
        let s = resolve(
            &["arc", "ps"],
            &[("HOME", "/h"), ("ARC_STATE_DIR", "/s")],
            false,
        );
        assert_eq!(s.state_dir, Path::new("/s"));
    }

    #[test]
    fn overlays_are_made_absolute() {
        let s = resolve(
            &["arc", "-f", "a.yaml", "-f", "/b.yaml", "ps"],
            &[("HOME", "/h")],
            false,
        );
        assert_eq!(
            s.overlays,
            vec![
                PathBuf::from("/nonexistent/cwd/a.yaml"),
                PathBuf::from("/b.yaml")
            ]
        );
    }
}
