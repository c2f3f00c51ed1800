//! `arc completions SHELL`: prints a completion script.

use clap::CommandFactory;

use super::ExitStatus;
use crate::cli::{Cli, CompletionsArgs};
use crate::ui::Printer;

/// Prints the completion script for `args.shell`.
pub(super) fn run(args: &CompletionsArgs, printer: &Printer) -> ExitStatus {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "arc", &mut buf);
    printer.data(String::from_utf8_lossy(&buf).trim_end());
    ExitStatus::Success
}
