//! The one place that writes to stdout and stderr.
//!
//! stdout carries data a script could pipe (tables, JSON, log lines); progress, warnings and
//! errors go to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;

use serde::Serialize;

/// A colour role; rendered only when colour is on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Style {
    /// Healthy, done.
    Good,
    /// Needs attention.
    Warn,
    /// Failed.
    Bad,
    /// Secondary text.
    Dim,
    /// Emphasis.
    Bold,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Self::Good => "32",
            Self::Warn => "33",
            Self::Bad => "31",
            Self::Dim => "2",
            Self::Bold => "1",
        }
    }
}

/// Buffered stdout for streams of data (`sub`, `tail`, `replay`): callers flush when they are
/// idle, so a burst is written in large chunks and a trickle still shows at once.
pub(crate) struct DataStream {
    out: std::io::BufWriter<std::io::Stdout>,
    closed: bool,
}

impl DataStream {
    /// Writes one line; `false` once the reader has gone away (`| head`).
    pub(crate) fn line(&mut self, line: &str) -> bool {
        self.bytes(line.as_bytes()) && self.bytes(b"\n")
    }

    /// Writes raw bytes; `false` once the reader has gone away.
    pub(crate) fn bytes(&mut self, b: &[u8]) -> bool {
        if !self.closed && self.out.write_all(b).is_err() {
            self.closed = true;
        }
        !self.closed
    }

    /// Flushes; `false` once the reader has gone away.
    pub(crate) fn flush(&mut self) -> bool {
        if !self.closed && self.out.flush().is_err() {
            self.closed = true;
        }
        !self.closed
    }
}

impl Drop for DataStream {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

/// Writes data to stdout and messages to stderr, honouring `--json`, `--quiet` and colour.
#[derive(Debug, Clone)]
pub(crate) struct Printer {
    json: bool,
    /// `arc up --progress json`: every line on stdout and stderr is one JSON object.
    json_messages: bool,
    quiet: bool,
    color_stdout: bool,
    color_stderr: bool,
}

impl Printer {
    /// A printer for the given output choices.
    pub(crate) fn new(json: bool, quiet: bool, color_stdout: bool, color_stderr: bool) -> Self {
        Self {
            json,
            json_messages: false,
            quiet,
            color_stdout,
            color_stderr,
        }
    }

    /// This printer with every line as one JSON object (`--progress json`): data as JSON Lines
    /// on stdout, and info, warnings, errors and log tails as `{"level", "message"}` objects on
    /// stderr, so a script reads both streams without meeting a plain line.
    pub(crate) fn json_messages(mut self) -> Self {
        self.json = true;
        self.json_messages = true;
        self.color_stdout = false;
        self.color_stderr = false;
        self
    }

    /// One JSON object on stderr (a progress event).
    // Output goes through the Printer even where it needs none of its settings.
    #[allow(clippy::unused_self)]
    pub(crate) fn stderr_json(&self, value: &serde_json::Value) {
        stderr_line(&value.to_string());
    }

    /// A message as one JSON line on stderr.
    fn stderr_message(&self, level: &str, message: &str) {
        self.stderr_json(&serde_json::json!({ "level": level, "message": message }));
    }

    /// Whether data should be printed as JSON.
    pub(crate) fn json(&self) -> bool {
        self.json
    }

    /// Whether colour is on for stdout.
    pub(crate) fn color_stdout(&self) -> bool {
        self.color_stdout
    }

    /// A buffered stream of data lines on stdout.
    // Output goes through the Printer even where it needs none of its settings.
    #[allow(clippy::unused_self)]
    pub(crate) fn data_stream(&self) -> DataStream {
        DataStream {
            out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            closed: false,
        }
    }

    /// One line of data on stdout.
    // Output goes through the Printer even where it needs none of its settings.
    #[allow(clippy::unused_self)]
    pub(crate) fn data(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`arc logs | head`) is not an error worth a panic.
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    /// A value as pretty JSON on stdout.
    pub(crate) fn json_value<T: Serialize>(&self, value: &T) {
        if self.json_messages {
            return self.json_line(value);
        }
        match serde_json::to_string_pretty(value) {
            Ok(s) => self.data(&s),
            Err(e) => self.error(&format!("cannot encode JSON: {e}")),
        }
    }

    /// A value as one JSON line on stdout (JSON Lines for streams).
    pub(crate) fn json_line<T: Serialize>(&self, value: &T) {
        match serde_json::to_string(value) {
            Ok(s) => self.data(&s),
            Err(e) => self.error(&format!("cannot encode JSON: {e}")),
        }
    }

    /// A progress or status line on stderr (hidden by `--quiet`).
    pub(crate) fn info(&self, line: &str) {
        if self.quiet {
        } else if self.json_messages {
            self.stderr_message("info", line);
        } else {
            stderr_line(line);
        }
    }

    /// A warning on stderr (hidden by `--quiet`).
    pub(crate) fn warn(&self, line: &str) {
        if self.quiet {
        } else if self.json_messages {
            self.stderr_message("warning", line);
        } else {
            stderr_line(&format!(
                "{}: {line}",
                self.paint_err("warning", Style::Warn)
            ));
        }
    }

    /// An error on stderr, with its causes and a hint.
    pub(crate) fn error_report(&self, message: &str, causes: &[String], hint: Option<&str>) {
        if self.json_messages {
            return self.stderr_json(&serde_json::json!({
                "level": "error",
                "message": message,
                "causes": causes,
                "hint": hint,
            }));
        }
        let mut s = format!("{}: {message}", self.paint_err("error", Style::Bad));
        for c in causes {
            s.push_str("\n  Caused by: ");
            s.push_str(c);
        }
        if let Some(h) = hint {
            s.push('\n');
            s.push_str(&self.paint_err("hint", Style::Good));
            s.push_str(": ");
            s.push_str(h);
        }
        stderr_line(&s);
    }

    /// A one-line error on stderr.
    pub(crate) fn error(&self, message: &str) {
        self.error_report(message, &[], None);
    }

    /// Raw text on stderr (log tails shown with an error).
    pub(crate) fn stderr_block(&self, text: &str) {
        if self.json_messages {
            self.stderr_message("info", text);
        } else {
            stderr_line(text);
        }
    }

    /// `text` in `style` when stdout has colour.
    pub(crate) fn paint(&self, text: &str, style: Style) -> String {
        paint(text, style, self.color_stdout)
    }

    /// `text` in `style` when stderr has colour.
    pub(crate) fn paint_err(&self, text: &str, style: Style) -> String {
        paint(text, style, self.color_stderr)
    }
}

/// One line on stderr. A stderr that cannot be written (a full disk under a service's log, a
/// closed terminal) drops the line: losing a diagnostic is better than `eprintln!`'s panic,
/// which would take `arc serve` down with it.
fn stderr_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

fn paint(text: &str, style: Style, on: bool) -> String {
    if on {
        format!("\x1b[{}m{text}\x1b[0m", style.code())
    } else {
        text.to_owned()
    }
}
