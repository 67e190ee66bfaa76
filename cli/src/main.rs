//! The `anbu` binary: see the `anbu_cli` crate.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(anbu_cli::run(std::env::args_os()))
}
