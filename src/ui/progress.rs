//! Renders lifecycle progress: indicatif spinners per service on a terminal, plain lines
//! otherwise.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::runtime::{LifecycleEvent, Reporter};
use crate::ui::{Printer, Style};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProgressKind {
    /// Spinners (a terminal).
    Live,
    /// One line per event.
    Plain,
    /// One JSON object per event.
    Json,
    /// Nothing.
    Quiet,
}

/// A [`Reporter`] for `arc up`/`arc down`: everything on stderr.
pub(crate) struct LifecycleReporter {
    printer: Printer,
    kind: ProgressKind,
    multi: Option<MultiProgress>,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl LifecycleReporter {
    /// Spinners when `live`, else one line per event (nothing with `--quiet`).
    pub(crate) fn new(printer: Printer, live: bool) -> Self {
        Self::with_kind(
            printer,
            if live {
                ProgressKind::Live
            } else {
                ProgressKind::Plain
            },
        )
    }

    /// A reporter of the given kind.
    pub(crate) fn with_kind(printer: Printer, kind: ProgressKind) -> Self {
        let multi = (kind == ProgressKind::Live)
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Self {
            printer,
            kind,
            multi,
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn bar(&self, multi: &MultiProgress, service: &str) -> ProgressBar {
        let mut bars = self
            .bars
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        bars.entry(service.to_owned())
            .or_insert_with(|| {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {prefix:<10} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_prefix(service.to_owned());
                bar.enable_steady_tick(Duration::from_millis(100));
                bar
            })
            .clone()
    }
}

impl Reporter for LifecycleReporter {
    fn report(&self, service: &str, event: LifecycleEvent) {
        let text = event.to_string();
        match self.kind {
            ProgressKind::Quiet => return,
            ProgressKind::Json => {
                let line = serde_json::json!({
                    "service": service,
                    "event": text,
                    "final": event.is_final(),
                    "failed": event.is_failure(),
                    "at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                });
                self.printer.stderr_json(&line);
                return;
            }
            ProgressKind::Live | ProgressKind::Plain => {}
        }
        match &self.multi {
            Some(multi) => {
                let bar = self.bar(multi, service);
                if event.is_final() {
                    let style = if event.is_failure() {
                        Style::Bad
                    } else {
                        Style::Good
                    };
                    bar.finish_with_message(self.printer.paint_err(&text, style));
                } else {
                    bar.set_message(text);
                }
            }
            None => self.printer.info(&format!("{service}: {text}")),
        }
    }
}
