//! The time window of `arc replay` (`--since`, `--until`, checked with `--to`), shared by its
//! three backends: JetStream (`replay`), Pulsar (`pulsar`) and the message log (`log`), so that
//! none of them imports another.

use chrono::{DateTime, Utc};

use crate::bus::{subject, timespec, BusError};
use crate::cli::ReplayArgs;
use crate::error::Error;

/// The time window, parsed once against one `now`.
pub(super) struct Window {
    pub since: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// Validates the arguments shared by both backends.
pub(super) fn window(args: &ReplayArgs) -> Result<Window, Error> {
    let now = Utc::now();
    let since = timespec::parse(&args.since, now)?;
    let until = args
        .until
        .as_deref()
        .map(|u| timespec::parse(u, now))
        .transpose()?;
    if let Some(u) = until {
        if u < since {
            return Err(BusError::Invalid {
                what: "time window",
                input: format!(
                    "--since {} --until {}",
                    args.since,
                    args.until.as_deref().unwrap_or_default()
                ),
                reason: "`--until` is before `--since`".into(),
                example: "`--since 2h --until 1h`".into(),
            }
            .into());
        }
    }
    if let Some(to) = &args.to {
        subject::publish(to)?;
    }
    Ok(Window { since, until })
}
