//! The fuzz targets' inputs in the ordinary test suite (CI has no cargo-fuzz): every file of
//! `fuzz/seeds/<target>/` (hand-picked seeds, and every crash a fuzz run found once it was fixed,
//! named `crash-*`) goes through the same checks the targets run (`fuzz/checks.rs`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

mod checks {
    include!("../fuzz/checks.rs");
}

/// Runs `check` on every seed of `target`; fails naming each seed that panicked. Returns how many
/// seeds got past parsing and how many did not.
fn run_seeds(target: &str, check: fn(&[u8]) -> bool) -> (usize, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "{}: {} seeds; keep a dozen",
        dir.display(),
        files.len()
    );
    let (mut parsed, mut refused) = (0, 0);
    let mut failures = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        match catch_unwind(AssertUnwindSafe(|| check(&data))) {
            Ok(true) => parsed += 1,
            Ok(false) => refused += 1,
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                failures.push(format!("{}: {msg}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fuzz target `{target}`: {} of {} seeds panicked:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    (parsed, refused)
}

#[test]
fn envelope_seeds_pass_the_envelope_checks() {
    let (parsed, refused) = run_seeds("envelope", checks::envelope);
    // Both kinds, so the per-field checks run and so do the error paths.
    assert!(parsed >= 5, "only {parsed} envelope seeds parse");
    assert!(refused >= 2, "only {refused} envelope seeds are refused");
}

#[test]
fn batch_seeds_pass_the_batch_checks() {
    let (parsed, refused) = run_seeds("batch", checks::batch);
    assert!(parsed >= 5, "only {parsed} batch seeds parse");
    assert!(refused >= 2, "only {refused} batch seeds are refused");
}

#[test]
fn spec_seeds_pass_the_spec_checks() {
    let result = catch_unwind(|| run_seeds("spec", checks::spec));
    checks::remove_scratch();
    let (parsed, refused) = result.unwrap_or_else(|p| std::panic::resume_unwind(p));
    assert!(parsed >= 5, "only {parsed} spec seeds parse");
    assert!(refused >= 2, "only {refused} spec seeds are refused");
}
