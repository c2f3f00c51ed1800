//! The one size grammar of every file and flag: a whole number of bytes with an optional unit.
//!
//! Decimal units are powers of 1000 and binary units powers of 1024, as the SI and IEC say:
//! `KB` = 10^3, `MB` = 10^6, `GB` = 10^9, `TB` = 10^12, `PB` = 10^15; `KiB` = 2^10, `MiB` = 2^20,
//! `GiB` = 2^30, `TiB` = 2^40, `PiB` = 2^50. `B` (or no unit) is bytes. Units are read without
//! regard to case (`gib`, `GB`), and a space may separate number and unit (`1 GiB`). A bare
//! letter (`10G`) is refused: it meant 2^30 in topics.yaml before and means 10^9 to other tools, so the
//! error asks for one of the two spellings. Owns parsing and printing only.

use serde::{Deserialize, Deserializer};

/// The units, largest first (printing takes the first that divides a value exactly).
const UNITS: &[(&str, u64)] = &[
    ("PiB", 1 << 50),
    ("PB", 1_000_000_000_000_000),
    ("TiB", 1 << 40),
    ("TB", 1_000_000_000_000),
    ("GiB", 1 << 30),
    ("GB", 1_000_000_000),
    ("MiB", 1 << 20),
    ("MB", 1_000_000),
    ("KiB", 1 << 10),
    ("KB", 1_000),
    ("B", 1),
];

/// What a size looks like, for error messages.
pub(crate) const EXAMPLES: &str =
    "`512MiB`, `1GiB` (powers of 1024), `500MB`, `1GB` (powers of 1000) \
                            or `1048576` (bytes)";

/// Parses `1GiB`, `512 MiB`, `10KB`, `100`, `100B` into bytes.
pub(crate) fn parse(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    if num.is_empty() {
        return Err(format!("`{text}` is not a size; write e.g. {EXAMPLES}"));
    }
    let n: u64 = num.parse().map_err(|_| format!("`{text}` is too large"))?;
    let factor = if unit.is_empty() {
        1
    } else if let Some((_, f)) = UNITS.iter().find(|(u, _)| u.eq_ignore_ascii_case(unit)) {
        *f
    } else if let Some(letter @ ('K' | 'M' | 'G' | 'T' | 'P')) =
        single_letter(unit).map(|c| c.to_ascii_uppercase())
    {
        return Err(format!(
            "`{text}` is ambiguous: write `{num}{letter}iB` (powers of 1024) or `{num}{letter}B` \
             (powers of 1000)"
        ));
    } else {
        return Err(format!(
            "unknown size unit `{unit}` in `{text}`; use B, KB, MB, GB, TB (powers of 1000) or \
             KiB, MiB, GiB, TiB (powers of 1024)"
        ));
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// [`parse`] for a flag that holds the size in memory (`arc pub --size 2MiB`).
pub(crate) fn parse_usize(text: &str) -> Result<usize, String> {
    let n = parse(text)?;
    usize::try_from(n).map_err(|_| format!("`{text}` is too large for this machine"))
}

/// The one character of `unit`, if it is one.
fn single_letter(unit: &str) -> Option<char> {
    let mut chars = unit.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// Prints bytes in the largest unit that holds them exactly (`1GiB`, `500MB`, `1536B`); what
/// it prints parses back to the same number.
pub(crate) fn format(bytes: u64) -> String {
    if bytes == 0 {
        return "0B".to_owned();
    }
    let (unit, factor) = UNITS
        .iter()
        .find(|(_, f)| bytes.is_multiple_of(*f))
        .copied()
        .unwrap_or(("B", 1));
    format!("{}{unit}", bytes / factor)
}

/// An optional size in bytes: a whole number, or a size string (`64KiB`, `1MB`).
pub(crate) mod option_usize {
    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        let n = match Option::<Raw>::deserialize(d)? {
            None => return Ok(None),
            Some(Raw::N(n)) => n,
            Some(Raw::S(s)) => super::parse(&s).map_err(serde::de::Error::custom)?,
        };
        usize::try_from(n)
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("`{n}` is too large")))
    }
}

/// A size limit where `-1` means "no limit": an integer, or a size string, in YAML.
pub(crate) fn deserialize_limit<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        N(i64),
        S(String),
    }
    match Raw::deserialize(d)? {
        Raw::N(n) if n >= -1 => Ok(n),
        Raw::N(n) => Err(serde::de::Error::custom(format!(
            "`{n}` is not a size: -1 means no limit, else write e.g. {EXAMPLES}"
        ))),
        Raw::S(s) if matches!(s.trim(), "-1" | "unlimited" | "infinite") => Ok(-1),
        Raw::S(s) => parse(&s)
            .and_then(|n| i64::try_from(n).map_err(|_| format!("`{s}` is too large")))
            .map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn units_are_decimal_without_i_and_binary_with_it() {
        assert_eq!(parse("1GiB"), Ok(1 << 30));
        assert_eq!(parse("1GB"), Ok(1_000_000_000));
        assert_eq!(parse("512 MiB"), Ok(512 << 20));
        assert_eq!(parse("10kb"), Ok(10_000));
        assert_eq!(parse("64KiB"), Ok(65_536));
        assert_eq!(parse("42"), Ok(42));
        assert_eq!(parse("42B"), Ok(42));
        assert_eq!(parse("1TiB"), Ok(1 << 40));
    }

    #[test]
    fn bad_sizes_say_what_to_write() {
        let e = parse("10G").unwrap_err();
        assert!(e.contains("`10G` is ambiguous: write `10GiB`"), "{e}");
        assert!(e.contains("or `10GB` (powers of 1000)"), "{e}");
        let e = parse("1XB").unwrap_err();
        assert!(e.contains("unknown size unit `XB`"), "{e}");
        assert!(parse("GiB").unwrap_err().contains("is not a size"));
        assert!(parse("-1").is_err());
        assert!(parse("1.5GiB").is_err());
        assert!(parse("20000PiB").unwrap_err().contains("too large"));
    }

    #[test]
    fn optional_sizes_take_numbers_and_units() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "option_usize::deserialize")]
            max_bytes: Option<usize>,
        }
        let t: T = serde_json::from_str(r#"{"max_bytes": "64KiB"}"#).unwrap();
        assert_eq!(t.max_bytes, Some(65_536));
        let t: T = serde_json::from_str(r#"{"max_bytes": 1000}"#).unwrap();
        assert_eq!(t.max_bytes, Some(1000));
        let t: T = serde_json::from_str("{}").unwrap();
        assert_eq!(t.max_bytes, None);
        let e = serde_json::from_str::<T>(r#"{"max_bytes": "2X"}"#)
            .err()
            .unwrap();
        assert!(e.to_string().contains("unknown size unit `X`"), "{e}");
    }

    #[test]
    fn printing_picks_the_largest_exact_unit() {
        assert_eq!(format(0), "0B");
        assert_eq!(format(1 << 30), "1GiB");
        assert_eq!(format(5_000_000_000), "5GB");
        assert_eq!(format(1536), "1536B");
        assert_eq!(format(1_048_576 * 3), "3MiB");
    }

    proptest! {
        #[test]
        fn what_is_printed_parses_back(bytes in any::<u64>()) {
            prop_assert_eq!(parse(&format(bytes)), Ok(bytes));
        }

        #[test]
        fn a_parsed_size_prints_to_the_same_bytes(
            n in 0_u64..10_000,
            unit in prop::sample::select(UNITS.iter().map(|(u, _)| *u).collect::<Vec<_>>()),
        ) {
            let bytes = parse(&format!("{n}{unit}")).expect("parses");
            prop_assert_eq!(parse(&format(bytes)), Ok(bytes));
            prop_assert_eq!(parse(&format!("{n} {}", unit.to_lowercase())), Ok(bytes));
        }
    }
}
