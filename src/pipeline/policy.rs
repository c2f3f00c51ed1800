//! CEL policies over the envelope.
//!
//! Variables a policy sees: `id`, `subject`, `topic`, `source`, `sender` (strings), `headers`
//! (map of strings), `payload` (the JSON payload as CEL values; base64 text for binary payloads)
//! and `payload_size` (the payload's size in bytes on the wire, an int). A policy's `when` must
//! yield a bool; the first policy whose `when` holds decides: `allow` accepts, `deny` refuses
//! with its reason, `route` sends the message to its `subject` instead. No policy holds: accepted.
//! A policy that fails while evaluating (a missing header, say) refuses the message: policies fail
//! closed. Write `"x-agent" in headers && …` to test for presence.

use cel_interpreter::{Context, ExecutionError, Program, Value};

use super::config::{PolicyAction, PolicySpec};
use super::envelope::Envelope;
use crate::bus::subject;

/// The variables a policy may use.
pub const VARIABLES: [&str; 8] = [
    "id",
    "subject",
    "topic",
    "source",
    "sender",
    "headers",
    "payload",
    "payload_size",
];

/// A compiled policy.
#[derive(Debug)]
pub struct Policy {
    pub name: String,
    program: Program,
    pub action: PolicyAction,
    pub reason: Option<String>,
    pub subject: Option<String>,
}

/// What the policies decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Deny { policy: String, reason: String },
    Route { policy: String, subject: String },
}

/// The functions and macros of cel-interpreter's default context (it does not say which it has).
const FUNCTIONS: [&str; 30] = [
    "contains",
    "size",
    "max",
    "min",
    "startsWith",
    "endsWith",
    "string",
    "bytes",
    "double",
    "int",
    "uint",
    "matches",
    "duration",
    "timestamp",
    "getFullYear",
    "getMonth",
    "getDayOfYear",
    "getDayOfMonth",
    "getDate",
    "getDayOfWeek",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
];

thread_local! {
    /// The root context holds CEL's built-in functions; building it for every message would cost
    /// more than evaluating most policies.
    static ROOT: Context<'static> = Context::default();
}

impl Policy {
    /// Compiles a policy, refusing syntax errors, unknown variables or functions, and actions
    /// without what they need.
    pub fn compile(spec: &PolicySpec) -> Result<Policy, String> {
        // cel-parser panics on some malformed input instead of returning an error; a policy
        // written over the API must never take the server down.
        let compiled = std::panic::catch_unwind(|| Program::compile(&spec.when)).map_err(|_| {
            format!(
                "policy `{}`: `when` does not compile: the CEL parser rejected `{}`",
                spec.name, spec.when
            )
        })?;
        let program = compiled
            .map_err(|e| format!("policy `{}`: `when` does not compile: {e}", spec.name))?;
        let refs = program.references();
        let mut unknown: Vec<&str> = refs
            .functions()
            .into_iter()
            // Operators appear as functions named like `_!=_`.
            .filter(|f| f.starts_with(|c: char| c.is_ascii_alphabetic()) && !FUNCTIONS.contains(f))
            .collect();
        unknown.sort_unstable();
        if let Some(f) = unknown.first() {
            return Err(format!("policy `{}`: CEL has no function `{f}`", spec.name));
        }
        // Trial run against an empty envelope: catches names that are neither a variable nor
        // bound by a macro (`exists(x, …)` binds `x`, so a plain list of references cannot tell).
        let sample = Envelope {
            id: String::new(),
            subject: String::new(),
            topic: String::new(),
            ts: chrono::Utc::now(),
            source: super::envelope::Source::Http,
            sender: String::new(),
            headers: std::collections::BTreeMap::new(),
            payload: serde_json::Value::Null,
        };
        if let Err(ExecutionError::UndeclaredReference(name)) = run(&program, &sample, 0) {
            return Err(format!(
                "policy `{}`: unknown variable `{name}`; policies see {}",
                spec.name,
                VARIABLES.join(", ")
            ));
        }
        match spec.action {
            PolicyAction::Route => {
                let target = spec
                    .subject
                    .as_deref()
                    .ok_or_else(|| format!("policy `{}`: `route` needs a `subject`", spec.name))?;
                subject::publish(target)
                    .map_err(|e| format!("policy `{}`: `subject`: {e}", spec.name))?;
            }
            PolicyAction::Allow | PolicyAction::Deny if spec.subject.is_some() => {
                return Err(format!(
                    "policy `{}`: `subject` is only for `route`",
                    spec.name
                ));
            }
            _ => {}
        }
        Ok(Policy {
            name: spec.name.clone(),
            program,
            action: spec.action,
            reason: spec.reason.clone(),
            subject: spec.subject.clone(),
        })
    }

    /// Whether this policy's `when` holds for `e`.
    pub fn holds(&self, e: &Envelope, payload_size: usize) -> Result<bool, String> {
        match run(&self.program, e, payload_size) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!("`when` yielded {:?}, not a bool", other.type_of())),
            Err(err) => Err(err.to_string()),
        }
    }
}

fn run(program: &Program, e: &Envelope, payload_size: usize) -> Result<Value, ExecutionError> {
    ROOT.with(|root| {
        let mut ctx = root.new_inner_scope();
        ctx.add_variable_from_value("id", e.id.clone());
        ctx.add_variable_from_value("subject", e.subject.clone());
        ctx.add_variable_from_value("topic", e.topic.clone());
        ctx.add_variable_from_value("source", e.source.as_str());
        ctx.add_variable_from_value("sender", e.sender.clone());
        ctx.add_variable_from_value(
            "payload_size",
            i64::try_from(payload_size).unwrap_or(i64::MAX),
        );
        ctx.add_variable("headers", &e.headers)
            .map_err(|err| ExecutionError::function_error("headers", err.to_string()))?;
        ctx.add_variable("payload", &e.payload)
            .map_err(|err| ExecutionError::function_error("payload", err.to_string()))?;
        program.execute(&ctx)
    })
}

/// Evaluates `policies` in order.
pub fn decide(policies: &[Policy], e: &Envelope, payload_size: usize) -> Verdict {
    for p in policies {
        match p.holds(e, payload_size) {
            Ok(false) => {}
            Ok(true) => {
                return match p.action {
                    PolicyAction::Allow => Verdict::Accept,
                    PolicyAction::Deny => Verdict::Deny {
                        policy: p.name.clone(),
                        reason: p
                            .reason
                            .clone()
                            .unwrap_or_else(|| format!("refused by policy `{}`", p.name)),
                    },
                    PolicyAction::Route => Verdict::Route {
                        policy: p.name.clone(),
                        subject: p.subject.clone().unwrap_or_default(),
                    },
                }
            }
            Err(reason) => {
                return Verdict::Deny {
                    policy: p.name.clone(),
                    reason: format!("policy `{}` could not be evaluated: {reason}", p.name),
                }
            }
        }
    }
    Verdict::Accept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(when: &str, action: PolicyAction) -> PolicySpec {
        PolicySpec {
            name: "p".into(),
            when: when.into(),
            action,
            reason: Some("no".into()),
            subject: (action == PolicyAction::Route).then(|| "agent.slow".to_owned()),
        }
    }

    fn envelope(headers: &[(&str, &str)], payload: serde_json::Value) -> Envelope {
        Envelope {
            id: "1".into(),
            subject: "agent.a.commands".into(),
            topic: "commands".into(),
            ts: chrono::Utc::now(),
            source: super::super::envelope::Source::Http,
            sender: "alice".into(),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            payload,
        }
    }

    #[test]
    fn compile_errors_are_caught_at_write() {
        assert!(Policy::compile(&spec("payload_size <", PolicyAction::Deny))
            .unwrap_err()
            .contains("does not compile"));
        assert!(
            Policy::compile(&spec("hedaers.size() > 0", PolicyAction::Deny))
                .unwrap_err()
                .contains("unknown variable `hedaers`")
        );
        assert!(
            Policy::compile(&spec("frobnicate(subject)", PolicyAction::Deny))
                .unwrap_err()
                .contains("no function `frobnicate`")
        );
        assert!(Policy::compile(&spec(
            r#"headers.exists(k, k == "x-agent")"#,
            PolicyAction::Allow
        ))
        .is_ok());
    }

    #[test]
    fn first_holding_policy_decides() {
        let deny = Policy::compile(&spec(
            r#"!("x-agent" in headers) || headers["x-agent"] == """#,
            PolicyAction::Deny,
        ))
        .unwrap();
        let route =
            Policy::compile(&spec(r#"payload.priority == "low""#, PolicyAction::Route)).unwrap();
        let ps = [deny, route];
        let e = envelope(&[], serde_json::json!({"priority": "low"}));
        assert!(matches!(decide(&ps, &e, 10), Verdict::Deny { reason, .. } if reason == "no"));
        let e = envelope(&[("x-agent", "a1")], serde_json::json!({"priority": "low"}));
        assert_eq!(
            decide(&ps, &e, 10),
            Verdict::Route {
                policy: "p".into(),
                subject: "agent.slow".into()
            }
        );
        let e = envelope(
            &[("x-agent", "a1")],
            serde_json::json!({"priority": "high"}),
        );
        assert_eq!(decide(&ps, &e, 10), Verdict::Accept);
    }

    #[test]
    fn the_issue_example_works_and_errors_fail_closed() {
        let p = Policy::compile(&spec(
            r#"payload_size < 65536 && headers["x-agent"] != """#,
            PolicyAction::Allow,
        ))
        .unwrap();
        let e = envelope(&[("x-agent", "a")], serde_json::json!({}));
        assert_eq!(decide(std::slice::from_ref(&p), &e, 100), Verdict::Accept);
        // A policy that cannot be evaluated refuses the message.
        let p =
            Policy::compile(&spec(r#"int(headers["x-count"]) > 3"#, PolicyAction::Deny)).unwrap();
        let e = envelope(&[("x-count", "many")], serde_json::json!({}));
        assert!(
            matches!(decide(&[p], &e, 100), Verdict::Deny { reason, .. } if reason.contains("could not be evaluated"))
        );
    }
}
