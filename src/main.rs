//! The `arc` binary: everything happens in [`arc::run`].

// mimalloc: the pipeline allocates per message, and glibc's allocator was a quarter of its
// profile under load (scripts/bench-pipeline.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    arc::run(std::env::args_os())
}
