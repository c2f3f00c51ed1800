//! arc: the command-line tool and local launcher of the A.R.C. messaging backbone.
//!
//! [`run`] parses the command line, resolves settings, sets up logging and output, runs the
//! command and turns its result into the process exit code. Nothing else exits the process.

mod bus;
mod cli;
mod commands;
mod error;
mod format;
mod health;
mod kube;
mod pipeline;
mod plan;
mod provision;
mod rand;
mod runtime;
mod scaffold;
mod settings;
mod spec;
mod ui;

/// Ports for the unit tests' servers: the integration tests' allocator (below the kernel's
/// ephemeral range, claimed across processes), one rule for every test on the machine.
#[cfg(test)]
#[path = "../tests/support/ports.rs"]
mod test_ports;

/// What the integration tests (`tests/`) and the fuzz targets (`fuzz/checks.rs`, also
/// `include!`d by `tests/fuzz_seeds.rs`) call inside arc, and nothing else: arc is a binary, and
/// [`run`] is its only API. Hidden from the docs and not a stable interface; an item belongs here
/// only while a test outside the crate needs it.
#[doc(hidden)]
pub mod testing {
    /// The normalized message and the checks a producer's text goes through.
    pub mod envelope {
        pub use crate::pipeline::envelope::{
            check_headers, check_id, check_subject, content_type, is_json_content_type, new_id,
            now_ms, parse_incoming, payload_bytes, payload_from_bytes, reserved, Envelope,
            Incoming, Source, MAX_SUBJECT,
        };
    }
    /// The NATS subject grammar.
    pub mod subject {
        pub use crate::bus::subject::publish;
    }
    /// Non-cryptographic pseudo-random numbers (the logger test picks what to kill and when).
    pub mod rand {
        pub use crate::rand::{next, seed};
    }
    /// Consumer leases: one claim of a dead consumer's lists, as a live instance makes it.
    pub mod lease {
        pub use crate::pipeline::lease::claim_once;
    }
    pub use crate::pipeline::api::parse_batch;
    pub use crate::plan::waves;
    pub use crate::spec::{
        find_project_dir, parse_document, Catalog, Diagnostic, Overlay, ProfilesFile, ServiceSpec,
        SpecError,
    };
}

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::error::ExitStatus;
use crate::settings::{Settings, Terminals};
use crate::ui::Printer;

/// Runs arc with `args` (the program name first) and returns the exit code: 0 ok, 1 failure,
/// 2 usage or configuration error.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let terminals = Terminals {
        stdout: std::io::stdout().is_terminal(),
        stderr: std::io::stderr().is_terminal(),
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    // `arc up --progress json`: every line on stdout and stderr is JSON, errors included.
    let json_lines = matches!(
        &cli.command,
        cli::Command::Up(a) if a.progress == cli::ProgressMode::Json
    );
    let mut printer_fallback = Printer::new(false, false, false, terminals.stderr);
    if json_lines {
        printer_fallback = printer_fallback.json_messages();
    }
    let settings = match Settings::resolve(&cli.global, &env, &cwd, terminals) {
        Ok(s) => s,
        Err(e) => {
            printer_fallback.error(&e.to_string());
            return ExitStatus::Usage.into();
        }
    };
    init_tracing(
        &settings,
        matches!(cli.command, cli::Command::Serve(_)),
        json_lines,
    );
    let mut printer = Printer::new(
        settings.json,
        settings.quiet,
        settings.color_stdout,
        settings.color_stderr,
    );
    if json_lines {
        printer = printer.json_messages();
    }
    // Two workers: the connection's socket task and the command's own loop run side by side
    // (a publish loop, a subscriber printing to stdout).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            printer.error(&format!("cannot start the async runtime: {e}"));
            return ExitStatus::Failure.into();
        }
    };
    let result = runtime.block_on(commands::dispatch(cli.command, &settings, &printer));
    // Probe connections and log followers may still be parked; do not wait for them.
    runtime.shutdown_background();
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            let causes = format::causes(&e);
            printer.error_report(&e.to_string(), &causes, e.hint().as_deref());
            e.exit_status().into()
        }
    }
}

fn init_tracing(settings: &Settings, server: bool, json_lines: bool) {
    use tracing_subscriber::EnvFilter;
    let level = match (settings.quiet, settings.verbose) {
        (true, _) => "error",
        // A server's log is its only account of what it did.
        (false, 0) if server => "info",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("arc={level},async_nats=error,warn")));
    if json_lines {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .event_format(JsonLogLine)
            .try_init();
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(settings.color_stderr)
        .with_target(false)
        .try_init();
}

/// A log event as one `{"level", "message"}` JSON line, for `--progress json` (where every
/// line on stderr is JSON).
struct JsonLogLine;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for JsonLogLine
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        use tracing_subscriber::fmt::FormatFields as _;
        let mut message = String::new();
        ctx.format_fields(
            tracing_subscriber::fmt::format::Writer::new(&mut message),
            event,
        )?;
        let level = event.metadata().level().as_str().to_ascii_lowercase();
        writeln!(
            writer,
            "{}",
            serde_json::json!({ "level": level, "message": message })
        )
    }
}
