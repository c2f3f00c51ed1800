//! Everything people see: the printer (stdout data, stderr diagnostics), progress reporters,
//! tables and colour. Nothing outside this module writes to the terminal.

mod printer;
mod progress;
mod table;

pub(crate) use printer::{DataStream, Printer, Style};
pub(crate) use progress::{LifecycleReporter, ProgressKind};
pub(crate) use table::Table;
