//! The files a service is made of, rendered from `templates/`: its compose file and make targets
//! (`arc compose export`, `arc new service`), and a new service's Dockerfile and service.yaml
//! (`arc new service`).
//!
//! Owns template lookup (an overlay's `templates/`, then the project's, then the copies built
//! into arc), rendering, and the plan of `arc new service` (files to create, files to update)
//! with its refusals. It writes only in [`new::apply`]; it never prints or starts anything.

mod compose;
mod edit;
pub(crate) mod new;

use std::path::{Path, PathBuf};

pub(crate) use compose::{compose_files, makefile_of, render_compose, render_makefile};

/// A template: its file name under `templates/`, and the copy built into arc.
const BUILT_IN: &[(&str, &str)] = &[
    (
        COMPOSE,
        include_str!("../../templates/docker-compose.yml.j2"),
    ),
    (MAKEFILE, include_str!("../../templates/service.mk.j2")),
    (DOCKERFILE, include_str!("../../templates/Dockerfile.j2")),
    (SERVICE, include_str!("../../templates/service.yaml.j2")),
];

/// `templates/docker-compose.yml.j2`: a service's docker-compose.yml.
pub(crate) const COMPOSE: &str = "docker-compose.yml.j2";
/// `templates/service.mk.j2`: a service's make targets.
pub(crate) const MAKEFILE: &str = "service.mk.j2";
/// `templates/Dockerfile.j2`: a new service's thin Dockerfile.
pub(crate) const DOCKERFILE: &str = "Dockerfile.j2";
/// `templates/service.yaml.j2`: a new service's service.yaml.
pub(crate) const SERVICE: &str = "service.yaml.j2";

/// What went wrong rendering or planning.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ScaffoldError {
    /// A template could not be read.
    #[error("cannot read the template `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A template is not valid, or failed to render.
    #[error("template `{name}`: {source}")]
    Template {
        /// The template as shown to people (its path).
        name: String,
        /// minijinja's error, with the template line.
        #[source]
        source: minijinja::Error,
    },
    /// `arc new service` refuses the request; nothing was written.
    #[error("{message}")]
    Refused {
        /// What is wrong.
        message: String,
        /// What to do instead.
        hint: Option<String>,
    },
    /// The new service would make the configuration invalid; nothing was written.
    #[error("the new service would not pass `arc config validate`; nothing was written:\n{0}")]
    Invalid(crate::spec::SpecError),
    /// The declarative files could not be loaded.
    #[error(transparent)]
    Spec(#[from] crate::spec::SpecError),
    /// Writing a file failed (what was written before it has been undone).
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl ScaffoldError {
    /// Whether the request or the files are at fault (exit 2) rather than the machine (exit 1).
    pub(crate) fn is_usage(&self) -> bool {
        !matches!(self, Self::Write { .. } | Self::Read { .. })
    }

    /// What the user can do about it.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            Self::Refused { hint, .. } => hint.clone(),
            Self::Invalid(_) => Some(
                "change the flags (`arc new service --help`); `--dry-run` shows what would be written"
                    .into(),
            ),
            Self::Template { .. } => Some(
                "fix the template (or delete it to use the one built into arc); the variables are listed at its top"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// The templates of one project: each found in the overlays' `templates/` directories (the
/// last overlay first), then the project's `templates/`, else built into arc.
pub(crate) struct Templates {
    env: minijinja::Environment<'static>,
    /// Each template's file name under `templates/`, and the name it was loaded under (its path).
    names: std::collections::BTreeMap<&'static str, String>,
}

impl Templates {
    /// Finds the templates for `project` and `overlays` (overlay files; their directory's
    /// `templates/` is looked in).
    pub(crate) fn load(
        project: Option<&Path>,
        overlays: &[PathBuf],
    ) -> Result<Self, ScaffoldError> {
        let mut dirs: Vec<PathBuf> = overlays
            .iter()
            .rev()
            .filter_map(|o| o.parent().map(|d| d.join("templates")))
            .collect();
        if let Some(p) = project {
            dirs.push(p.join("templates"));
        }
        let mut env = minijinja::Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.add_filter("yaml", yaml_filter);
        env.add_filter("json", json_filter);
        let mut names = std::collections::BTreeMap::new();
        for (file, built_in) in BUILT_IN {
            let found = dirs.iter().map(|d| d.join(file)).find(|p| p.is_file());
            let (shown, text) = match found {
                Some(path) => {
                    let text =
                        std::fs::read_to_string(&path).map_err(|source| ScaffoldError::Read {
                            path: path.clone(),
                            source,
                        })?;
                    let shown = project
                        .and_then(|p| path.strip_prefix(p).ok())
                        .unwrap_or(&path)
                        .display()
                        .to_string();
                    (shown, text)
                }
                None => (
                    format!("<built-in>/templates/{file}"),
                    (*built_in).to_owned(),
                ),
            };
            env.add_template_owned(shown.clone(), text)
                .map_err(|source| ScaffoldError::Template {
                    name: shown.clone(),
                    source,
                })?;
            names.insert(*file, shown);
        }
        Ok(Self { env, names })
    }

    /// Renders the template `file` (one of [`COMPOSE`], [`MAKEFILE`], …) with `ctx`.
    pub(crate) fn render<S: serde::Serialize>(
        &self,
        file: &str,
        ctx: &S,
    ) -> Result<String, ScaffoldError> {
        let name = self
            .names
            .get(file)
            .cloned()
            .unwrap_or_else(|| file.to_owned());
        let template = self
            .env
            .get_template(&name)
            .map_err(|source| ScaffoldError::Template {
                name: name.clone(),
                source,
            })?;
        template
            .render(ctx)
            .map_err(|source| ScaffoldError::Template { name, source })
    }
}

/// `{{ value | yaml }}`: one YAML scalar, quoted only where YAML needs it (as serde_yaml_ng
/// writes it, so a rendered file reads like one arc serialised). A string with a line break is
/// written double-quoted (JSON's form, valid YAML) so it stays on one line.
fn yaml_filter(value: &minijinja::Value) -> Result<String, minijinja::Error> {
    let err = |e: &dyn std::fmt::Display| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("cannot write {value} as YAML: {e}"),
        )
    };
    let text = serde_yaml_ng::to_string(value).map_err(|e| err(&e))?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    if text.contains('\n') {
        return serde_json::to_string(value).map_err(|e| err(&e));
    }
    Ok(text.to_owned())
}

/// `{{ value | json }}`: the value as compact JSON (`["a", "b"]`: Docker's exec form, and a YAML
/// flow list).
fn json_filter(value: &minijinja::Value) -> Result<String, minijinja::Error> {
    let v = serde_json::to_value(value).map_err(|e| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("cannot write {value} as JSON: {e}"),
        )
    })?;
    // `, ` between items, as people write flow lists.
    Ok(match &v {
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(serde_json::Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_filter_quotes_only_where_yaml_needs_it() {
        let t = Templates::load(None, &[]).unwrap();
        let mut env = t.env;
        env.add_template(
            "t",
            "{{ a | yaml }} {{ b | yaml }} {{ c | yaml }} {{ d | yaml }}",
        )
        .unwrap();
        let out = env
            .get_template("t")
            .unwrap()
            .render(
                minijinja::context! { a => "10000", b => "1000:1000", c => "x\ny", d => "true" },
            )
            .unwrap();
        assert_eq!(out, r#"'10000' 1000:1000 "x\ny" 'true'"#);
    }

    #[test]
    fn a_project_template_wins_over_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates").join(MAKEFILE),
            "mine {{ name }}\n",
        )
        .unwrap();
        let t = Templates::load(Some(dir.path()), &[]).unwrap();
        let out = t
            .render(MAKEFILE, &minijinja::context! { name => "x" })
            .unwrap();
        assert_eq!(out, "mine x\n");
        // An overlay's templates/ wins over the project's.
        let o = tempfile::tempdir().unwrap();
        std::fs::create_dir(o.path().join("templates")).unwrap();
        std::fs::write(o.path().join("templates").join(MAKEFILE), "overlay\n").unwrap();
        let t = Templates::load(Some(dir.path()), &[o.path().join("arc.override.yaml")]).unwrap();
        assert_eq!(
            t.render(MAKEFILE, &minijinja::context! {}).unwrap(),
            "overlay\n"
        );
        // A broken template is named, with its line.
        std::fs::write(dir.path().join("templates").join(COMPOSE), "a\n{% if %}\n").unwrap();
        let err = Templates::load(Some(dir.path()), &[])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("template `templates/docker-compose.yml.j2`"),
            "{err}"
        );
        assert!(
            err.contains("(in templates/docker-compose.yml.j2:2)"),
            "{err}"
        );
    }
}
