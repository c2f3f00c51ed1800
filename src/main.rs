//! The `arc` binary: everything happens in [`arc::run`].

fn main() -> std::process::ExitCode {
    arc::run(std::env::args_os())
}
