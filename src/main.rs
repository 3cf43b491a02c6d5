//! The `tasi` command: parses the command line and hands it to the composition root.

fn main() -> std::process::ExitCode {
    tasi::startup::cli::run()
}
