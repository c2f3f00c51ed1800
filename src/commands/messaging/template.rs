//! Body templates: `{{Count}}`, `{{ID}}`, `{{TimeStamp}}`, `{{Unix}}`, `{{UnixNano}}`,
//! `{{Random a b}}`, and for `arc reply` `{{Request}}` and `{{Subject}}`. Parsed once, rendered
//! per message; a body without `{{` is sent as is.

use bytes::Bytes;

use crate::bus::BusError;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Count,
    Id,
    TimeStamp,
    Unix,
    UnixNano,
    Random(i64, i64),
    Request,
    Subject,
}

/// A parsed template.
#[derive(Debug, Clone)]
pub(super) struct Template {
    parts: Vec<Part>,
    constant: Option<Bytes>,
    run: u64,
    rng: u64,
}

/// What a reply template may refer to.
#[derive(Debug, Default)]
pub(super) struct Context<'a> {
    /// 1-based message number.
    pub count: u64,
    /// The request payload (reply).
    pub request: &'a [u8],
    /// The request subject (reply).
    pub subject: &'a str,
}

const KNOWN: &str = "{{Count}}, {{ID}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}}, {{Random a b}}, {{Request}}, {{Subject}}";

impl Template {
    /// Parses `text`; an unknown placeholder is an error naming the known ones.
    pub(super) fn parse(text: &str) -> Result<Self, BusError> {
        let bad = |reason: String| BusError::Invalid {
            what: "template",
            input: text.to_owned(),
            reason,
            example: format!(
                "`{{\"n\":{{{{Count}}}},\"at\":\"{{{{TimeStamp}}}}\"}}`; placeholders: {KNOWN}"
            ),
        };
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find("}}") else {
                return Err(bad("a `{{` is never closed".into()));
            };
            let inner = rest[open + 2..open + close].trim();
            let words: Vec<&str> = inner.split_whitespace().collect();
            parts.push(match words.as_slice() {
                ["Count"] => Part::Count,
                ["ID"] => Part::Id,
                ["TimeStamp"] => Part::TimeStamp,
                ["Unix"] => Part::Unix,
                ["UnixNano"] => Part::UnixNano,
                ["Request"] => Part::Request,
                ["Subject"] => Part::Subject,
                ["Random", a, b] => {
                    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
                        return Err(bad(format!("`{{{{{inner}}}}}` needs two whole numbers")));
                    };
                    if a > b {
                        return Err(bad(format!(
                            "`{{{{{inner}}}}}`: the low bound is above the high one"
                        )));
                    }
                    Part::Random(a, b)
                }
                _ => return Err(bad(format!("unknown placeholder `{{{{{inner}}}}}`"))),
            });
            rest = &rest[open + close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        let constant = parts.iter().all(|p| matches!(p, Part::Text(_))).then(|| {
            Bytes::from(
                parts
                    .iter()
                    .map(|p| {
                        if let Part::Text(t) = p {
                            t.as_str()
                        } else {
                            ""
                        }
                    })
                    .collect::<String>(),
            )
        });
        let seed = crate::rand::seed();
        Ok(Self {
            parts,
            constant,
            run: seed,
            rng: seed | 1,
        })
    }

    /// Whether every rendering is the same (no placeholder).
    pub(super) fn is_constant(&self) -> bool {
        self.constant.is_some()
    }

    /// A body of `n` random letters and digits.
    pub(super) fn random_body(n: usize) -> Bytes {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let mut state = crate::rand::seed() | 1;
        Bytes::from(
            (0..n)
                .map(|_| ALPHABET[usize::try_from(crate::rand::next(&mut state) % 62).unwrap_or(0)])
                .collect::<Vec<u8>>(),
        )
    }

    /// The same template, sending `body` for every message.
    pub(super) fn with_body(mut self, body: Bytes) -> Self {
        self.parts = Vec::new();
        self.constant = Some(body);
        self
    }

    /// The body for one message.
    pub(super) fn render(&mut self, ctx: &Context<'_>) -> Bytes {
        if let Some(c) = &self.constant {
            return c.clone();
        }
        let mut out = Vec::with_capacity(64);
        let now = chrono::Utc::now();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.extend_from_slice(t.as_bytes()),
                Part::Count => out.extend_from_slice(ctx.count.to_string().as_bytes()),
                Part::Id => {
                    out.extend_from_slice(format!("{:016x}-{}", self.run, ctx.count).as_bytes());
                }
                Part::TimeStamp => out.extend_from_slice(
                    now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                        .as_bytes(),
                ),
                Part::Unix => out.extend_from_slice(now.timestamp().to_string().as_bytes()),
                Part::UnixNano => out.extend_from_slice(
                    now.timestamp_nanos_opt()
                        .unwrap_or_default()
                        .to_string()
                        .as_bytes(),
                ),
                Part::Random(a, b) => {
                    let span = u64::try_from(b - a).unwrap_or(0).saturating_add(1);
                    let r = if span == 0 {
                        crate::rand::next(&mut self.rng)
                    } else {
                        crate::rand::next(&mut self.rng) % span
                    };
                    let v = a.wrapping_add_unsigned(r);
                    out.extend_from_slice(v.to_string().as_bytes());
                }
                Part::Request => out.extend_from_slice(ctx.request),
                Part::Subject => out.extend_from_slice(ctx.subject.as_bytes()),
            }
        }
        Bytes::from(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_placeholder() {
        let mut t =
            Template::parse("n={{Count}} r={{Random 5 5}} s={{Subject}} q={{Request}}").unwrap();
        let ctx = Context {
            count: 7,
            request: b"hi",
            subject: "a.b",
        };
        assert_eq!(t.render(&ctx), Bytes::from("n=7 r=5 s=a.b q=hi"));
        let mut t = Template::parse("{{ID}}|{{Unix}}|{{TimeStamp}}").unwrap();
        let body = String::from_utf8(
            t.render(&Context {
                count: 1,
                ..Context::default()
            })
            .to_vec(),
        )
        .unwrap();
        let parts: Vec<&str> = body.split('|').collect();
        assert!(parts[0].ends_with("-1"));
        assert!(parts[1].parse::<i64>().unwrap() > 1_700_000_000);
        assert!(chrono::DateTime::parse_from_rfc3339(parts[2]).is_ok());
    }

    #[test]
    fn random_stays_in_bounds() {
        let mut t = Template::parse("{{Random -3 3}}").unwrap();
        for _ in 0..1000 {
            let v: i64 = String::from_utf8(t.render(&Context::default()).to_vec())
                .unwrap()
                .parse()
                .unwrap();
            assert!((-3..=3).contains(&v));
        }
    }

    #[test]
    fn constant_bodies_are_shared_and_bad_ones_explained() {
        let mut t = Template::parse("plain").unwrap();
        assert!(t.constant.is_some());
        assert_eq!(t.render(&Context::default()), Bytes::from("plain"));
        let e = Template::parse("{{Nope}}").unwrap_err().to_string();
        assert!(e.contains("unknown placeholder `{{Nope}}`"), "{e}");
        assert!(Template::parse("{{Count").is_err());
        assert!(Template::parse("{{Random 5 1}}").is_err());
        assert_eq!(Template::random_body(32).len(), 32);
    }
}
