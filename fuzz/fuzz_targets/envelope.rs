//! cargo-fuzz target `envelope`: the checks in fuzz/checks.rs (also run on the seeds by
//! tests/fuzz_seeds.rs).
#![no_main]

#[allow(dead_code)]
mod checks {
    include!("../checks.rs");
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    checks::envelope(data);
});
