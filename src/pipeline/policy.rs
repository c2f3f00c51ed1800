//! CEL policies over the envelope: compiled and checked when written, evaluated off the async
//! runtime within a budget, and never able to take the process down.
//!
//! Variables a policy sees: `id`, `subject`, `topic`, `source`, `sender` (strings), `headers`
//! (map of strings), `payload` (the JSON payload as CEL values; base64 text for binary payloads)
//! and `payload_size` (the payload's size in bytes on the wire, an int). JSON integers are CEL
//! `int`s when they fit in 64 signed bits (so `payload.n + 1` works), `uint`s up to 2^64, and
//! `double`s beyond (the payload itself is never changed). A policy's `when` must yield a bool;
//! the first policy whose `when` holds decides: `allow` accepts, `deny` refuses with its reason,
//! `route` sends the message to its `subject` instead. No policy holds: accepted.
//!
//! What is refused when a policy is written: syntax errors (the parser panics on some input; that
//! is caught), a variable that is none of the above anywhere in the expression (names bound by
//! macros such as `exists(x, …)` count as variables inside them), unknown functions, struct
//! literals (the interpreter panics on them), comprehensions nested deeper than
//! [`MAX_NESTING`] or estimated to iterate more than [`MAX_COST`] times, expressions larger than
//! [`MAX_NODES`] nodes, a trial run on an empty message
//! that panics or takes longer than [`TRIAL_BUDGET`], and `route` targets that are not subjects a
//! producer could publish to (reserved ones included).
//!
//! What happens when one fails on a message: the message is refused (403, `policy_error`) with
//! the policy's name, whether the evaluation returned an error, panicked, or ran past
//! [`BUDGET`]. Policies fail closed. Write `"x-agent" in headers && …` to test for presence.
//!
//! What a message may cost: before a policy runs on a message its comprehensions are estimated
//! again, with the sizes of the lists and maps this message actually holds ([`Prepared`],
//! [`Policy::cost`]); over [`MAX_COST`] the message is refused (403, `policy_budget`) without
//! running the policy, so no message can hold an evaluation slot for long. The payload reaches
//! CEL whole or the message is refused: ingress keeps payloads within
//! [`envelope::MAX_DEPTH`], and a payload that cannot be converted is an error, never `null`.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cel_interpreter::objects::{Key, Map};
use cel_interpreter::{Context, ExecutionError, Program, Value};
use cel_parser::ast::{operators, ComprehensionExpr, EntryExpr, Expr, IdedExpr};
use cel_parser::reference::Val;

use serde::{Deserialize, Serialize};

use super::envelope::{self, Envelope, Payload};

/// One policy as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicySpec {
    pub name: String,
    /// A CEL expression over the envelope that yields a bool.
    pub when: String,
    pub action: PolicyAction,
    /// For `deny`: told to the producer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `route`: the subject the message goes to instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PolicyAction {
    Allow,
    Deny,
    Route,
}

/// The variables a policy may use.
pub(crate) const VARIABLES: [&str; 8] = [
    "id",
    "subject",
    "topic",
    "source",
    "sender",
    "headers",
    "payload",
    "payload_size",
];

/// How long one message's policies may take at run time; past it the message is refused.
pub(crate) const BUDGET: Duration = Duration::from_millis(50);
/// How long the trial run on an empty message may take when a policy is written.
pub(crate) const TRIAL_BUDGET: Duration = Duration::from_millis(20);
/// The most nodes an expression may have.
pub(crate) const MAX_NODES: usize = 400;
/// The deepest nesting of comprehensions (`all`, `exists`, `map`, `filter`, …): the cost of
/// each level multiplies with the size of the list it runs over.
pub(crate) const MAX_NESTING: usize = 2;
/// The most iterations the comprehensions of one expression may be estimated to run: when the
/// policy is written a list in the message counts as 100 elements, and before it runs on a
/// message as the size it has there (literal lists as their length; nested ones multiply).
/// At about a microsecond an iteration, well within [`BUDGET`].
pub(crate) const MAX_COST: u64 = 20_000;

/// A compiled policy.
#[derive(Debug)]
pub(crate) struct Policy {
    pub name: String,
    program: Program,
    /// The parsed expression, walked again on each message to estimate its cost.
    ast: IdedExpr,
    /// The longest list or map literal in the expression.
    literal_max: u64,
    /// How many `+` the expression has (each may double a list it builds).
    pluses: u32,
    pub action: PolicyAction,
    pub reason: Option<String>,
    pub subject: Option<String>,
}

/// What the policies decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Accept,
    Deny {
        policy: String,
        reason: String,
    },
    Route {
        policy: String,
        subject: String,
    },
    /// The policy could not decide (an evaluation error, a panic, or over budget).
    Error {
        policy: String,
        reason: String,
    },
    /// Not run: on this message the policy's comprehensions would run past [`MAX_COST`].
    OverBudget {
        policy: String,
        reason: String,
    },
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

/// What a walk over the expression found.
#[derive(Default)]
struct Shape {
    nodes: usize,
    nesting: usize,
    /// Estimated iterations of all comprehensions (see [`MAX_COST`]).
    cost: u64,
    unknown: Option<String>,
    has_struct: bool,
    /// The longest list or map literal.
    literal_max: u64,
    /// `+` calls the user wrote (not those the macros expand into).
    pluses: u32,
}

/// How many elements a comprehension over something other than a list literal (a list in the
/// message) is assumed to run over, when estimating cost.
const ASSUMED_LIST: u64 = 100;

fn walk(e: &IdedExpr, bound: &mut Vec<String>, depth: usize, shape: &mut Shape) {
    walk_at(e, bound, depth, 1, shape);
}

fn walk_at(e: &IdedExpr, bound: &mut Vec<String>, depth: usize, factor: u64, shape: &mut Shape) {
    let walk = |e: &IdedExpr, bound: &mut Vec<String>, depth: usize, shape: &mut Shape| {
        walk_at(e, bound, depth, factor, shape);
    };
    shape.nodes += 1;
    shape.nesting = shape.nesting.max(depth);
    match &e.expr {
        Expr::Unspecified | Expr::Literal(_) => {}
        Expr::Ident(name) => {
            if shape.unknown.is_none()
                && !VARIABLES.contains(&name.as_str())
                && !bound.iter().any(|b| b == name)
            {
                shape.unknown = Some(name.clone());
            }
        }
        Expr::Call(c) => {
            if c.func_name == operators::ADD && !is_accumulator(c.args.first()) {
                shape.pluses = shape.pluses.saturating_add(1);
            }
            if let Some(t) = &c.target {
                walk(t, bound, depth, shape);
            }
            for a in &c.args {
                walk(a, bound, depth, shape);
            }
        }
        Expr::Select(s) => walk(&s.operand, bound, depth, shape),
        Expr::List(l) => {
            shape.literal_max = shape.literal_max.max(l.elements.len() as u64);
            for x in &l.elements {
                walk(x, bound, depth, shape);
            }
        }
        Expr::Map(m) => {
            shape.literal_max = shape.literal_max.max(m.entries.len() as u64);
            for entry in &m.entries {
                match &entry.expr {
                    EntryExpr::MapEntry(me) => {
                        walk(&me.key, bound, depth, shape);
                        walk(&me.value, bound, depth, shape);
                    }
                    EntryExpr::StructField(f) => walk(&f.value, bound, depth, shape),
                }
            }
        }
        Expr::Struct(_) => shape.has_struct = true,
        Expr::Comprehension(c) => {
            walk(&c.iter_range, bound, depth, shape);
            walk(&c.accu_init, bound, depth, shape);
            let n = match &c.iter_range.expr {
                Expr::List(l) => l.elements.len() as u64,
                Expr::Map(m) => m.entries.len() as u64,
                _ => ASSUMED_LIST,
            };
            let inner = factor.saturating_mul(n.max(1));
            shape.cost = shape
                .cost
                .saturating_add(inner)
                .saturating_add(factor.saturating_mul(copies(c, n)));
            let before = bound.len();
            bound.push(c.iter_var.clone());
            bound.extend(c.iter_var2.clone());
            bound.push(c.accu_var.clone());
            for part in [&c.loop_cond, &c.loop_step, &c.result] {
                walk_at(part, bound, depth + 1, inner, shape);
            }
            bound.truncate(before);
        }
    }
}

/// Whether `e` is the accumulator the `map`, `filter` and `exists_one` macros add to (`@result`,
/// a name no expression can write).
fn is_accumulator(e: Option<&IdedExpr>) -> bool {
    matches!(e.map(|e| &e.expr), Some(Expr::Ident(n)) if n == ACCUMULATOR)
}

/// What building a list costs, in iterations, for a comprehension over `n` elements that
/// builds one (`map`, `filter`): cel-interpreter copies the list it accumulates at every step
/// (`@result + [x]`), so such a comprehension copies about n²/2 elements. Measured: a copy costs
/// about an eightieth of an iteration; counted as a sixty-fourth.
fn copies(c: &ComprehensionExpr, n: u64) -> u64 {
    if appends_to(&c.loop_step, &c.accu_var) {
        n.saturating_mul(n) / 128
    } else {
        0
    }
}

/// Whether `e` appends to the list `accu` (`accu + [...]`), possibly under a condition.
fn appends_to(e: &IdedExpr, accu: &str) -> bool {
    match &e.expr {
        Expr::Call(c) => {
            let appends = c.func_name == operators::ADD
                && matches!(c.args.first().map(|a| &a.expr), Some(Expr::Ident(n)) if n == accu)
                && matches!(c.args.get(1).map(|a| &a.expr), Some(Expr::List(_)));
            appends || c.args.iter().any(|a| appends_to(a, accu))
        }
        _ => false,
    }
}

/// The variable cel-parser's macros accumulate into.
const ACCUMULATOR: &str = "@result";

/// A message prepared for its policies, once, before any of them runs: the payload as CEL
/// values, and what bounds the size of anything a comprehension could run over.
pub(crate) struct Prepared<'a> {
    envelope: &'a Envelope,
    json: serde_json::Value,
    /// The payload as CEL values, made when a policy first runs (not for a message refused on
    /// its estimate).
    payload: std::cell::OnceCell<Value>,
    /// The most elements of any list or map in the message (the payload at any depth, or the
    /// headers).
    largest: u64,
    /// The longest string in the message, in bytes (in the payload at any depth, a header, the
    /// subject).
    longest: u64,
    payload_size: usize,
}

impl<'a> Prepared<'a> {
    /// Reads the payload (whole, or an error naming why not) and measures it.
    pub(crate) fn new(envelope: &'a Envelope, payload_size: usize) -> Result<Self, String> {
        let json = envelope.payload.to_value().map_err(|e| {
            format!("the payload cannot be given to CEL ({e}); policies see the whole payload or refuse it")
        })?;
        let mut largest = envelope.headers.len() as u64;
        let mut longest = envelope
            .headers
            .iter()
            .map(|(k, v)| k.len().max(v.len()))
            .chain([envelope.subject.len(), envelope.id.len()])
            .max()
            .unwrap_or(0) as u64;
        measure(&json, &mut largest, &mut longest);
        Ok(Prepared {
            envelope,
            payload: std::cell::OnceCell::new(),
            json,
            largest,
            longest,
            payload_size,
        })
    }
}

/// The most elements of any list or map in `v`, into `largest`, and its longest string (keys
/// too), into `longest` (depth is bounded at ingress).
fn measure(v: &serde_json::Value, largest: &mut u64, longest: &mut u64) {
    match v {
        serde_json::Value::Array(a) => {
            *largest = (*largest).max(a.len() as u64);
            for x in a {
                measure(x, largest, longest);
            }
        }
        serde_json::Value::Object(o) => {
            *largest = (*largest).max(o.len() as u64);
            for (k, x) in o {
                *longest = (*longest).max(k.len() as u64);
                measure(x, largest, longest);
            }
        }
        serde_json::Value::String(s) => *longest = (*longest).max(s.len() as u64),
        _ => {}
    }
}

/// How many bytes a string search (`contains`, `matches`) goes through in the time of one
/// comprehension iteration, about: measured, `matches` scans some 300, `contains` 570.
const TEXT_PER_ITERATION: u64 = 256;

/// The functions whose time grows with the strings they are given (measured: `contains` and
/// `matches` scan their text at every call; `startsWith`, `endsWith`, `size`, `+` and `==` on
/// strings cost little more than an iteration even on a megabyte).
const TEXT_SCANS: [&str; 2] = ["contains", "matches"];

/// A part of the message an expression names: a JSON value in the payload, a header map, or
/// a path that the message does not have (a comprehension over it fails at once).
enum Found<'v> {
    Json(&'v serde_json::Value),
    Headers,
    /// A header's value, by its length.
    Header(u64),
    Absent,
}

/// Estimates what a policy's comprehensions cost on one message (see [`Policy::cost`]).
struct Estimate<'m> {
    message: &'m Prepared<'m>,
    /// What a list not found in the message may hold at most: the largest list or map of the
    /// message or of the expression, doubled for every `+` the expression has (a `+` can join
    /// two such lists).
    unknown: u64,
    /// What a string not found in the message may hold at most, likewise: the longest string
    /// of the message, doubled for every `+`.
    unknown_text: u64,
}

impl Estimate<'_> {
    /// The part of the message `e` names (`payload.a.b`, `payload["a"][0]`, `headers`), if `e`
    /// is such a path.
    fn find(&self, e: &IdedExpr, bound: &[String]) -> Option<Found<'_>> {
        let free = |n: &str| !bound.iter().any(|b| b == n);
        match &e.expr {
            Expr::Ident(n) if n == "payload" && free(n) => Some(Found::Json(&self.message.json)),
            Expr::Ident(n) if n == "headers" && free(n) => Some(Found::Headers),
            Expr::Select(sel) if !sel.test => Some(match self.find(&sel.operand, bound)? {
                Found::Json(v) => v.get(&sel.field).map_or(Found::Absent, Found::Json),
                Found::Headers => self.header(&sel.field),
                Found::Header(_) | Found::Absent => Found::Absent,
            }),
            Expr::Call(c) if c.func_name == operators::INDEX && c.args.len() == 2 => {
                let Expr::Literal(key) = &c.args[1].expr else {
                    return None;
                };
                Some(match (self.find(&c.args[0], bound)?, key) {
                    (Found::Json(v), Val::String(k)) => {
                        v.get(k.as_str()).map_or(Found::Absent, Found::Json)
                    }
                    (Found::Json(v), Val::Int(i)) => usize::try_from(*i)
                        .ok()
                        .and_then(|i| v.get(i))
                        .map_or(Found::Absent, Found::Json),
                    (Found::Headers, Val::String(k)) => self.header(k),
                    (Found::Json(_) | Found::Headers | Found::Header(_) | Found::Absent, _) => {
                        Found::Absent
                    }
                })
            }
            _ => None,
        }
    }

    fn header(&self, name: &str) -> Found<'_> {
        self.message
            .envelope
            .headers
            .get(name)
            .map_or(Found::Absent, |v| Found::Header(v.len() as u64))
    }

    /// At most how long the string `e` yields is on this message, in bytes.
    fn text(&self, e: &IdedExpr, bound: &[String]) -> u64 {
        match self.find(e, bound) {
            Some(Found::Json(serde_json::Value::String(s))) => s.len() as u64,
            Some(Found::Header(n)) => n,
            Some(Found::Json(_) | Found::Headers | Found::Absent) => 0,
            None => match &e.expr {
                Expr::Literal(Val::String(s)) => s.len() as u64,
                _ => self.unknown_text,
            },
        }
    }

    /// The number of elements of `e` where it is a list or map of the message or a literal one;
    /// `None` for anything else (a scalar compares in one step).
    fn known_size(&self, e: &IdedExpr, bound: &[String]) -> Option<u64> {
        match self.find(e, bound) {
            Some(Found::Json(serde_json::Value::Array(a))) => Some(a.len() as u64),
            Some(Found::Json(serde_json::Value::Object(o))) => Some(o.len() as u64),
            Some(Found::Headers) => Some(self.message.envelope.headers.len() as u64),
            Some(_) => None,
            None => match &e.expr {
                Expr::List(l) => Some(l.elements.len() as u64),
                Expr::Map(m) => Some(m.entries.len() as u64),
                _ => None,
            },
        }
    }

    /// At most how many elements a comprehension over `e` runs through on this message.
    fn range(&self, e: &IdedExpr, bound: &[String]) -> u64 {
        if let Some(found) = self.find(e, bound) {
            return match found {
                Found::Json(serde_json::Value::Array(a)) => a.len() as u64,
                Found::Json(serde_json::Value::Object(o)) => o.len() as u64,
                Found::Headers => self.message.envelope.headers.len() as u64,
                Found::Json(_) | Found::Header(_) | Found::Absent => 0,
            };
        }
        match &e.expr {
            Expr::List(l) => l.elements.len() as u64,
            Expr::Map(m) => m.entries.len() as u64,
            Expr::Call(c) if c.func_name == operators::ADD && c.args.len() == 2 => self
                .range(&c.args[0], bound)
                .saturating_add(self.range(&c.args[1], bound)),
            Expr::Call(c) if c.func_name == operators::CONDITIONAL && c.args.len() == 3 => self
                .range(&c.args[1], bound)
                .max(self.range(&c.args[2], bound)),
            // `map` and `filter` yield at most one element for each of their range's.
            Expr::Comprehension(c) => self.range(&c.iter_range, bound),
            _ => self.unknown,
        }
    }

    /// Adds the iterations of the comprehensions in `e` to `cost`; `factor` is how often `e`
    /// itself runs (the product of the enclosing comprehensions' ranges).
    fn cost(&self, e: &IdedExpr, bound: &mut Vec<String>, factor: u64, cost: &mut u64) {
        match &e.expr {
            Expr::Unspecified | Expr::Literal(_) | Expr::Ident(_) | Expr::Struct(_) => {}
            Expr::Call(c) => {
                if TEXT_SCANS.contains(&c.func_name.as_str()) {
                    let scanned = c
                        .target
                        .iter()
                        .map(|t| &**t)
                        .chain(&c.args)
                        .map(|a| self.text(a, bound))
                        .fold(0u64, u64::saturating_add);
                    *cost =
                        cost.saturating_add(factor.saturating_mul(scanned / TEXT_PER_ITERATION));
                }
                // `x in list` looks through the list; `==` and `!=` compare lists and maps
                // element by element.
                let walked = match c.func_name.as_str() {
                    operators::IN if c.args.len() == 2 => self.range(&c.args[1], bound),
                    operators::EQUALS | operators::NOT_EQUALS => c
                        .args
                        .iter()
                        .filter_map(|a| self.known_size(a, bound))
                        .fold(0u64, u64::saturating_add),
                    _ => 0,
                };
                *cost = cost.saturating_add(factor.saturating_mul(walked));
                if let Some(t) = &c.target {
                    self.cost(t, bound, factor, cost);
                }
                for a in &c.args {
                    self.cost(a, bound, factor, cost);
                }
            }
            Expr::Select(s) => self.cost(&s.operand, bound, factor, cost),
            Expr::List(l) => {
                for x in &l.elements {
                    self.cost(x, bound, factor, cost);
                }
            }
            Expr::Map(m) => {
                for entry in &m.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(me) => {
                            self.cost(&me.key, bound, factor, cost);
                            self.cost(&me.value, bound, factor, cost);
                        }
                        EntryExpr::StructField(f) => self.cost(&f.value, bound, factor, cost),
                    }
                }
            }
            Expr::Comprehension(c) => {
                self.cost(&c.iter_range, bound, factor, cost);
                self.cost(&c.accu_init, bound, factor, cost);
                let n = self.range(&c.iter_range, bound);
                let inner = factor.saturating_mul(n.max(1));
                *cost = cost
                    .saturating_add(inner)
                    .saturating_add(factor.saturating_mul(copies(c, n)));
                let before = bound.len();
                bound.push(c.iter_var.clone());
                bound.extend(c.iter_var2.clone());
                bound.push(c.accu_var.clone());
                for part in [&c.loop_cond, &c.loop_step, &c.result] {
                    self.cost(part, bound, inner, cost);
                }
                bound.truncate(before);
            }
        }
    }
}

/// What a panic carried, for the message.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned())
}

impl Policy {
    /// Compiles a policy, refusing what it could never run safely (see the module header).
    pub(crate) fn compile(spec: &PolicySpec) -> Result<Policy, String> {
        let name = &spec.name;
        // cel-parser panics on some malformed input instead of returning an error; a policy
        // written over the API must never take the server down.
        let ast = catch_unwind(|| cel_parser::Parser::new().parse(&spec.when))
            .map_err(|_| {
                format!(
                    "policy `{name}`: `when` does not compile: the CEL parser rejected `{}`",
                    spec.when
                )
            })?
            .map_err(|e| format!("policy `{name}`: `when` does not compile: {e}"))?;
        let mut shape = Shape::default();
        walk(&ast, &mut Vec::new(), 0, &mut shape);
        if let Some(v) = shape.unknown {
            return Err(format!(
                "policy `{name}`: unknown variable `{v}`; policies see {}",
                VARIABLES.join(", ")
            ));
        }
        if shape.has_struct {
            return Err(format!(
                "policy `{name}`: struct literals (`Name{{…}}`) are not supported; use a map (`{{\"k\": v}}`)"
            ));
        }
        if shape.nodes > MAX_NODES {
            return Err(format!(
                "policy `{name}`: `when` has {} nodes; at most {MAX_NODES} are allowed",
                shape.nodes
            ));
        }
        if shape.nesting > MAX_NESTING {
            return Err(format!(
                "policy `{name}`: comprehensions (`all`, `exists`, `map`, `filter`) are nested {} deep; at most {MAX_NESTING} are allowed",
                shape.nesting
            ));
        }
        if shape.cost > MAX_COST {
            return Err(format!(
                "policy `{name}`: its comprehensions would run about {} iterations a message; at most {MAX_COST} are allowed (a list in the message counts as {ASSUMED_LIST})",
                shape.cost
            ));
        }
        let program = catch_unwind(|| Program::compile(&spec.when))
            .map_err(|_| format!("policy `{name}`: `when` does not compile"))?
            .map_err(|e| format!("policy `{name}`: `when` does not compile: {e}"))?;
        let refs = program.references();
        let mut unknown: Vec<&str> = refs
            .functions()
            .into_iter()
            // Operators appear as functions named like `_!=_`.
            .filter(|f| f.starts_with(|c: char| c.is_ascii_alphabetic()) && !FUNCTIONS.contains(f))
            .collect();
        unknown.sort_unstable();
        if let Some(f) = unknown.first() {
            return Err(format!("policy `{name}`: CEL has no function `{f}`"));
        }
        match spec.action {
            PolicyAction::Route => {
                let target = spec
                    .subject
                    .as_deref()
                    .ok_or_else(|| format!("policy `{name}`: `route` needs a `subject`"))?;
                envelope::check_subject(target)
                    .map_err(|e| format!("policy `{name}`: `subject` {}", e.reason))?;
                if let Some(r) = envelope::reserved(target) {
                    return Err(format!(
                        "policy `{name}`: `subject` `{target}` is reserved (`{r}`); a route may not loop into the pipeline or reach arc's and NATS's internals"
                    ));
                }
            }
            PolicyAction::Allow | PolicyAction::Deny if spec.subject.is_some() => {
                return Err(format!("policy `{name}`: `subject` is only for `route`"));
            }
            _ => {}
        }
        Ok(Policy {
            name: spec.name.clone(),
            program,
            ast,
            literal_max: shape.literal_max,
            pluses: shape.pluses,
            action: spec.action,
            reason: spec.reason.clone(),
            subject: spec.subject.clone(),
        })
    }

    /// The trial run of a policy being written: on an empty message it must not panic, must not
    /// name anything the context lacks, and must finish within [`TRIAL_BUDGET`]. Blocking: call it
    /// off the async runtime.
    pub(crate) fn trial(&self) -> Result<(), String> {
        let sample = Envelope {
            id: String::new(),
            subject: String::new(),
            topic: String::new(),
            ts: chrono::Utc::now(),
            source: super::envelope::Source::Http,
            sender: String::new(),
            headers: std::collections::BTreeMap::new(),
            payload: Payload::null(),
        };
        // The fastest of three runs: one run can be slow because the machine is busy, an
        // expensive expression is slow every time.
        let mut took = Duration::MAX;
        let mut outcome = Ok(Ok(Value::Null));
        for _ in 0..3 {
            let began = Instant::now();
            outcome = catch_unwind(AssertUnwindSafe(|| {
                let prepared = Prepared::new(&sample, 0)
                    .map_err(|e| ExecutionError::function_error("payload", e))?;
                run(&self.program, &prepared)
            }));
            took = took.min(began.elapsed());
            if outcome.is_err() || took <= TRIAL_BUDGET {
                break;
            }
        }
        match outcome {
            Err(p) => Err(format!(
                "policy `{}`: the CEL interpreter crashed on a trial run ({}); rewrite the expression",
                self.name,
                panic_text(p.as_ref())
            )),
            Ok(Err(ExecutionError::UndeclaredReference(v))) => Err(format!(
                "policy `{}`: unknown variable `{v}`; policies see {}",
                self.name,
                VARIABLES.join(", ")
            )),
            Ok(_) if took > TRIAL_BUDGET => Err(format!(
                "policy `{}`: a trial run on an empty message took {} ms; the budget is {} ms",
                self.name,
                took.as_millis(),
                TRIAL_BUDGET.as_millis()
            )),
            Ok(_) => Ok(()),
        }
    }

    /// How many iterations this policy's comprehensions would run on `m` at most: each
    /// comprehension over a list or map the message has (`payload.items`, `headers`,
    /// `payload["a"][0]`) counts its actual size, one over a literal its length, one over
    /// anything else (an element of another list, a function's result) the largest list or map
    /// in the message or the expression, doubled for each `+` the expression has; nested ones
    /// multiply; `map` and `filter` add the copies of the list they build (see `copies`), `in`
    /// the list it looks through, `==` and `!=` the lists or maps they compare, and
    /// each `contains` or `matches` the length of the strings it searches (the string's own
    /// where the expression names one of the message, else the longest in the message, doubled
    /// for each `+`) over [`TEXT_PER_ITERATION`], times the iterations it runs in. An upper bound, so a policy's estimate over [`MAX_COST`] refuses the message
    /// before the policy runs.
    pub(crate) fn cost(&self, m: &Prepared<'_>) -> u64 {
        let largest = m.largest.max(self.literal_max);
        let growth = 2u64.saturating_pow(self.pluses);
        let estimate = Estimate {
            message: m,
            unknown: largest.saturating_mul(growth),
            unknown_text: m.longest.saturating_mul(growth),
        };
        let mut cost = 0;
        estimate.cost(&self.ast, &mut Vec::new(), 1, &mut cost);
        cost
    }

    /// Whether this policy's `when` holds for the message; a panic inside the interpreter is an
    /// error.
    pub(crate) fn holds(&self, m: &Prepared<'_>) -> Result<bool, String> {
        let outcome = catch_unwind(AssertUnwindSafe(|| run(&self.program, m)));
        match outcome {
            Ok(Ok(Value::Bool(b))) => Ok(b),
            Ok(Ok(other)) => Err(format!("`when` yielded {:?}, not a bool", other.type_of())),
            Ok(Err(err)) => Err(err.to_string()),
            Err(p) => Err(format!(
                "the CEL interpreter crashed ({})",
                panic_text(p.as_ref())
            )),
        }
    }
}

/// A JSON value as CEL sees it (integers as `int` where they fit).
fn cel_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .or_else(|| n.as_u64().map(Value::UInt))
            .unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN))),
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(a) => Value::List(Arc::new(a.iter().map(cel_value).collect())),
        serde_json::Value::Object(o) => Value::Map(Map {
            map: Arc::new(
                o.iter()
                    .map(|(k, v)| (Key::String(Arc::new(k.clone())), cel_value(v)))
                    .collect::<HashMap<_, _>>(),
            ),
        }),
    }
}

fn run(program: &Program, m: &Prepared<'_>) -> Result<Value, ExecutionError> {
    let e = m.envelope;
    let payload_size = m.payload_size;
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
        ctx.add_variable_from_value(
            "payload",
            m.payload.get_or_init(|| cel_value(&m.json)).clone(),
        );
        program.execute(&ctx)
    })
}

/// Evaluates `policies` in order (blocking: run it off the async runtime). Each is estimated on
/// this message first and not run when over [`MAX_COST`].
pub(crate) fn decide(policies: &[Policy], e: &Envelope, payload_size: usize) -> Verdict {
    let Some(first) = policies.first() else {
        return Verdict::Accept;
    };
    let m = match Prepared::new(e, payload_size) {
        Ok(m) => m,
        Err(reason) => {
            return Verdict::Error {
                policy: first.name.clone(),
                reason: format!("policy `{}` could not be evaluated: {reason}", first.name),
            }
        }
    };
    for p in policies {
        let cost = p.cost(&m);
        if cost > MAX_COST {
            return Verdict::OverBudget {
                policy: p.name.clone(),
                reason: format!(
                    "policy `{}` would run about {cost} iterations on this message (its largest list or map has {} elements, its longest string {} bytes); the budget is {MAX_COST} a message: send smaller lists or strings, or ask for the policy to be rewritten",
                    p.name, m.largest, m.longest
                ),
            };
        }
        let began = Instant::now();
        let outcome = p.holds(&m);
        if began.elapsed() > BUDGET {
            return Verdict::Error {
                policy: p.name.clone(),
                reason: format!(
                    "policy `{}` took {} ms on this message; its budget is {} ms",
                    p.name,
                    began.elapsed().as_millis(),
                    BUDGET.as_millis()
                ),
            };
        }
        match outcome {
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
                return Verdict::Error {
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

    fn envelope(headers: &[(&str, &str)], payload: &str) -> Envelope {
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
            payload: Payload::from_json_bytes(payload.as_bytes()).unwrap(),
        }
    }

    fn compiled(when: &str) -> Result<Policy, String> {
        let p = Policy::compile(&spec(when, PolicyAction::Deny))?;
        p.trial()?;
        Ok(p)
    }

    #[test]
    fn compile_errors_are_caught_at_write() {
        assert!(compiled("payload_size <")
            .unwrap_err()
            .contains("does not compile"));
        assert!(compiled("hedaers.size() > 0")
            .unwrap_err()
            .contains("unknown variable `hedaers`"));
        assert!(compiled("frobnicate(subject)")
            .unwrap_err()
            .contains("no function `frobnicate`"));
        assert!(compiled(r#"headers.exists(k, k == "x-agent")"#).is_ok());
    }

    /// Issue 11: unknown variables behind `||` passed the trial run and then refused everything.
    #[test]
    fn unknown_variables_anywhere_are_refused() {
        for when in [
            r#"subject == "a" || nosuch == 1"#,
            "true || nosuch",
            "headers.exists(k, k == x)",
            "[1, 2].all(x, x > y)",
        ] {
            let e = compiled(when).unwrap_err();
            assert!(e.contains("unknown variable"), "{when}: {e}");
        }
        // A macro's variable is known inside it, and only there.
        assert!(compiled("[1, 2].all(x, x > 0)").is_ok());
        assert!(compiled("[1, 2].all(x, x > 0) && x == 1")
            .unwrap_err()
            .contains("unknown variable `x`"));
    }

    /// Issue 11: struct literals and `all()` over a non-list panicked inside the interpreter.
    #[test]
    fn interpreter_panics_refuse_the_message_or_the_policy() {
        let e = compiled("Foo{a: 1} == payload").unwrap_err();
        assert!(e.contains("struct literals"), "{e}");
        let p = compiled("payload.items.all(i, i > 0)").unwrap();
        for payload in [
            r#"{"items": 5}"#,
            r#"{"items": "abc"}"#,
            r#"{"items": {"a": 1}}"#,
        ] {
            let v = decide(std::slice::from_ref(&p), &envelope(&[], payload), 10);
            assert!(matches!(v, Verdict::Error { .. }), "{payload}: {v:?}");
        }
        let v = decide(
            std::slice::from_ref(&p),
            &envelope(&[], r#"{"items": [1, 2]}"#),
            10,
        );
        assert!(matches!(v, Verdict::Deny { .. }), "{v:?}");
    }

    #[test]
    fn nesting_and_size_are_bounded() {
        let deep = "[1,2].all(a, [1,2].all(b, [1,2].all(c, a + b + c > 0)))";
        assert!(compiled(deep).unwrap_err().contains("nested 3 deep"));
        let list = (0..150)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let costly = format!("[{list}].all(a, [{list}].all(b, a + b >= 0))");
        assert!(compiled(&costly).unwrap_err().contains("22650 iterations"));
        assert!(compiled("payload.a.all(x, payload.b.all(y, x != y))").is_ok());
        let big = (0..300)
            .map(|i| format!("subject == \"s{i}\""))
            .collect::<Vec<_>>()
            .join(" || ");
        assert!(compiled(&big).unwrap_err().contains("nodes"));
    }

    /// Issue 11: a comprehension over lists from the message can pass every check at write time
    /// and still be slow on a large message: that message is refused, over budget. Issue 21: it
    /// is refused before it runs (the evaluation held a slot for seconds first).
    #[test]
    fn a_message_that_makes_a_policy_overrun_is_refused() {
        let p = compiled("payload.a.all(x, payload.b.all(y, x != y + 1000000))").unwrap();
        let list = (0..1500)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let big = envelope(&[], &format!(r#"{{"a": [{list}], "b": [{list}]}}"#));
        // Refused before it runs: `OverBudget` is only ever answered without evaluating.
        match decide(std::slice::from_ref(&p), &big, 1) {
            Verdict::OverBudget { policy, reason } => {
                assert_eq!(policy, "p");
                assert!(
                    reason.contains("policy `p` would run about 2251500 iterations")
                        && reason.contains("budget is 20000"),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
        let small = envelope(&[], r#"{"a": [1, 2], "b": [3]}"#);
        assert!(matches!(
            decide(std::slice::from_ref(&p), &small, 1),
            Verdict::Deny { .. }
        ));
    }

    fn cost_on(when: &str, headers: &[(&str, &str)], payload: &str) -> u64 {
        let p = compiled(when).unwrap();
        let e = envelope(headers, payload);
        p.cost(&Prepared::new(&e, payload.len()).unwrap())
    }

    /// Issue 21: the cost of a policy on a message is estimated with the sizes the message
    /// actually has, not the 100 elements assumed when the policy was written.
    #[test]
    fn cost_is_estimated_with_the_messages_actual_sizes() {
        let n2 = "payload.a.all(x, payload.b.all(y, x != y))";
        // 150 iterations of the outer, 150 × 150 of the inner.
        let list = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        assert_eq!(
            cost_on(
                n2,
                &[],
                &format!(r#"{{"a": [{}], "b": [{}]}}"#, list(150), list(150))
            ),
            150 + 150 * 150
        );
        assert_eq!(
            cost_on(
                n2,
                &[],
                &format!(r#"{{"a": [{}], "b": [{}]}}"#, list(10), list(3))
            ),
            10 + 10 * 3
        );
        // A path the message does not have: the comprehension fails at once (counted as one).
        assert_eq!(cost_on(n2, &[], r#"{"b": [1, 2, 3]}"#), 1 + 3);
        // Headers, indexes and literals count as what they are.
        assert_eq!(
            cost_on(
                r#"headers.exists(k, k == "x")"#,
                &[("a", "1"), ("b", "2"), ("c", "3")],
                "{}"
            ),
            3
        );
        assert_eq!(
            cost_on(
                r#"payload["a"][1].all(x, x > 0)"#,
                &[],
                r#"{"a": [[1], [1, 2, 3, 4]]}"#
            ),
            4
        );
        assert_eq!(
            cost_on(
                "[1, 2, 3].all(x, payload.a.all(y, x != y))",
                &[],
                r#"{"a": [1, 2]}"#
            ),
            3 + 3 * 2
        );
        // Joined lists count both; `map` and `filter` yield no more than they run over.
        assert_eq!(
            cost_on(
                "(payload.a + payload.b).all(x, x > 0)",
                &[],
                r#"{"a": [1, 2], "b": [3, 4, 5]}"#
            ),
            5
        );
        assert_eq!(
            cost_on(
                "payload.a.map(x, x * 2).all(y, y > 0)",
                &[],
                r#"{"a": [1, 2, 3, 4]}"#
            ),
            4 + 4
        );
        // … but building their list copies it at every step: n²/128 on top.
        let a = format!(r#"{{"a": [{}]}}"#, list(2000));
        assert_eq!(
            cost_on("payload.a.map(x, x).size() > 0", &[], &a),
            2000 + 31_250
        );
        assert_eq!(
            cost_on("payload.a.filter(x, x > 0).size() > 0", &[], &a),
            2000 + 31_250
        );
        assert_eq!(cost_on("payload.a.exists(x, x > 0)", &[], &a), 2000);
        // `in` looks through its list at every call, `==` compares lists element by element.
        let ab = format!(r#"{{"a": [{}], "b": [{}]}}"#, list(100), list(300));
        assert_eq!(
            cost_on("payload.a.all(x, x in payload.b)", &[], &ab),
            100 + 100 * 300
        );
        assert_eq!(
            cost_on("payload.a.exists(x, payload.b == [x])", &[], &ab),
            100 + 100 * 301
        );
        assert_eq!(cost_on("payload.a.all(x, x == 1)", &[], &ab), 100);
        // Searching a string costs its length: 256 bytes count as one iteration.
        let s = format!(r#"{{"a": [{}], "s": "{}"}}"#, list(10), "q".repeat(25_600));
        assert_eq!(cost_on(r#"payload.s.contains("abc")"#, &[], &s), 100);
        // `string(x)` is none of the message's strings: as long as its longest.
        assert_eq!(
            cost_on(
                "payload.a.exists(x, payload.s.contains(string(x)))",
                &[],
                &s
            ),
            10 + 10 * 200
        );
        let long = "h".repeat(2_560);
        assert_eq!(
            cost_on(r#"headers["x"].matches("a+")"#, &[("x", &long)], "{}"),
            10
        );
        // Over an element of another list: at most the largest list in the message.
        assert_eq!(
            cost_on(
                "payload.a.all(x, x.all(y, y > 0))",
                &[],
                r#"{"a": [[1, 2, 3], [4]], "z": [1, 2, 3, 4, 5, 6, 7]}"#
            ),
            2 + 2 * 7
        );
        // … doubled for each `+` the expression has, which could have joined lists.
        assert_eq!(
            cost_on(
                "payload.a.map(x, x + x).all(y, y.all(z, z > 0))",
                &[],
                r#"{"a": [[1, 2, 3], [4]]}"#
            ),
            2 + 2 + 2 * 3 * 2
        );
        // A comprehension variable named like a message variable is not the message.
        assert_eq!(
            cost_on(
                "[[1, 2, 3, 4, 5]].all(payload, payload.all(y, y > 0))",
                &[],
                r#"{"a": [1]}"#
            ),
            1 + 5
        );
    }

    /// Issue 21: past serde_json's 128 levels the payload reached CEL as `null`, so a deny
    /// policy did not see `op`. Ingress refuses such payloads now; here, should one arrive, the
    /// policy refuses it rather than see `null`. Numbers past a double's range likewise.
    #[test]
    fn a_payload_cel_cannot_hold_is_refused_not_nulled() {
        let p = compiled(r#"has(payload.op) && payload.op == "drop""#).unwrap();
        let deep = format!(
            r#"{{"op": "drop", "pad": {}{}}}"#,
            "[".repeat(127),
            "]".repeat(127)
        );
        match decide(std::slice::from_ref(&p), &envelope(&[], &deep), 1) {
            Verdict::Error { reason, .. } => {
                assert!(reason.contains("cannot be given to CEL"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        let shallow = format!(
            r#"{{"op": "drop", "pad": {}{}}}"#,
            "[".repeat(63),
            "]".repeat(63)
        );
        assert!(matches!(
            decide(std::slice::from_ref(&p), &envelope(&[], &shallow), 1),
            Verdict::Deny { .. }
        ));
        let huge = envelope(&[], r#"{"op": "keep", "n": 1e400}"#);
        assert!(matches!(
            decide(std::slice::from_ref(&p), &huge, 1),
            Verdict::Error { .. }
        ));
    }

    /// Issue 11: JSON integers reached CEL as unsigned, so `payload.n + 1` failed on every message.
    #[test]
    fn integers_are_ints_and_huge_ones_do_not_break() {
        let p = compiled("payload.n + 1 > 2").unwrap();
        assert_eq!(
            decide(std::slice::from_ref(&p), &envelope(&[], r#"{"n": 5}"#), 1),
            Verdict::Deny {
                policy: "p".into(),
                reason: "no".into()
            }
        );
        assert_eq!(
            decide(std::slice::from_ref(&p), &envelope(&[], r#"{"n": -5}"#), 1),
            Verdict::Accept
        );
        let p = compiled("payload.n > 1.0").unwrap();
        assert!(matches!(
            decide(
                std::slice::from_ref(&p),
                &envelope(&[], r#"{"n": 12345678901234567890123}"#),
                1
            ),
            Verdict::Deny { .. }
        ));
    }

    #[test]
    fn routes_may_not_loop_or_reach_internals() {
        for target in [
            "ingest.agent.x",
            "arc.config.changed",
            "_INBOX.x",
            "a b",
            "a.*",
        ] {
            let mut s = spec("true", PolicyAction::Route);
            s.subject = Some(target.into());
            let e = Policy::compile(&s).unwrap_err();
            assert!(e.contains("`subject`"), "{target}: {e}");
        }
    }

    #[test]
    fn first_holding_policy_decides() {
        let deny = compiled(r#"!("x-agent" in headers) || headers["x-agent"] == """#).unwrap();
        let route =
            Policy::compile(&spec(r#"payload.priority == "low""#, PolicyAction::Route)).unwrap();
        let ps = [deny, route];
        let e = envelope(&[], r#"{"priority": "low"}"#);
        assert!(matches!(decide(&ps, &e, 10), Verdict::Deny { reason, .. } if reason == "no"));
        let e = envelope(&[("x-agent", "a1")], r#"{"priority": "low"}"#);
        assert_eq!(
            decide(&ps, &e, 10),
            Verdict::Route {
                policy: "p".into(),
                subject: "agent.slow".into()
            }
        );
        let e = envelope(&[("x-agent", "a1")], r#"{"priority": "high"}"#);
        assert_eq!(decide(&ps, &e, 10), Verdict::Accept);
    }

    #[test]
    fn the_issue_example_works_and_errors_fail_closed() {
        let p = Policy::compile(&spec(
            r#"payload_size < 65536 && headers["x-agent"] != """#,
            PolicyAction::Allow,
        ))
        .unwrap();
        let e = envelope(&[("x-agent", "a")], "{}");
        assert_eq!(decide(std::slice::from_ref(&p), &e, 100), Verdict::Accept);
        // A policy that cannot be evaluated refuses the message.
        let p = compiled(r#"int(headers["x-count"]) > 3"#).unwrap();
        let e = envelope(&[("x-count", "many")], "{}");
        assert!(
            matches!(decide(&[p], &e, 100), Verdict::Error { reason, .. } if reason.contains("could not be evaluated"))
        );
    }
}
