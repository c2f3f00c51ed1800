//! Errors of the declarative model: every one names the file, line, column and field.

use std::fmt;
use std::path::PathBuf;

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file, as the user knows it (relative to the project, or `<embedded>/…`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field path (`ports[0].host`), empty for the whole document.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": `{}`: {}", self.field, self.message)
        }
    }
}

/// What went wrong loading or resolving the declarative files.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// One or more files are invalid.
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
    /// A name is neither a profile nor a service.
    #[error("unknown {what} `{name}`; known: {known}")]
    Unknown {
        /// `service`, `profile` or `profile or service`.
        what: &'static str,
        /// The name given.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
}

fn render(diags: &[Diagnostic]) -> String {
    let mut out = if diags.len() == 1 {
        "invalid configuration:".to_owned()
    } else {
        format!("invalid configuration ({} problems):", diags.len())
    };
    for d in diags {
        out.push_str("\n  ");
        out.push_str(&d.to_string());
    }
    out
}
