//! `arc env`: the running services' endpoints as `ARC_*` variables.

use std::collections::BTreeMap;

use super::{known_to_runtime, load_catalog, runtime, ExitStatus};
use crate::cli::{EnvArgs, EnvFormat};
use crate::error::Error;
use crate::runtime::State;
use crate::settings::Settings;
use crate::ui::Printer;

/// Prints `KEY=value` lines (or a JSON object) for every running service's exports.
pub(super) async fn run(
    args: &EnvArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<ExitStatus, Error> {
    let catalog = load_catalog(settings)?;
    let rt = runtime(settings).await?;
    let running: Vec<_> = known_to_runtime(&catalog, &rt)
        .await?
        .into_iter()
        .filter(|(_, st)| st.state == State::Running)
        .collect();
    if running.is_empty() {
        return Err(Error::failed(
            "nothing is running in this project",
            Some("`arc up` starts the default profile".into()),
        ));
    }
    // The instances of a replicated service give one list (`ARC_NATS_URL=nats://…,nats://…`);
    // a gateway that runs stands in for the pipeline (`ARC_PIPELINE_URL` is its URL).
    let services: Vec<&crate::spec::ServiceSpec> = running.iter().map(|(s, _)| *s).collect();
    let vars: BTreeMap<String, String> =
        crate::spec::fronted_exports(&services, crate::spec::ServiceSpec::resolved_exports);
    if printer.json() || args.format == EnvFormat::Json {
        printer.json_value(&vars);
    } else {
        for (k, v) in &vars {
            printer.data(&format!("{k}={}", shell_quote(v)));
        }
    }
    Ok(ExitStatus::Success)
}

/// `value` as is when the shell reads it literally, else in single quotes.
fn shell_quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(
            shell_quote("nats://127.0.0.1:4222"),
            "nats://127.0.0.1:4222"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
