//! The `kaohe` binary: parse the arguments, run the library, exit with its code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Stack for the evaluation thread: only the pages used are ever touched.
const STACK_BYTES: usize = 512 * 1024 * 1024;

fn main() -> ExitCode {
    let cli = match kaohe::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors; every usage error is exit 2.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // A bug must never look like a result: report it as an error with exit 2,
    // after nothing has been written to stdout.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in kaohe ({info}); please report it with the input files");
    }));
    // Derived metrics may build on each other thousands deep; evaluation follows them
    // recursively, so it runs on a thread with a generous stack (validation refuses
    // chains deeper than kaohe::validate::MAX_DERIVED_DEPTH).
    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || std::panic::catch_unwind(|| kaohe::run(&cli, &|k| std::env::var(k).ok())));
    let Ok(Ok(Ok(outcome))) = worker.map(|w| w.join()) else {
        return ExitCode::from(2);
    };
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    if std::io::stdout().write_all(outcome.stdout.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::from(outcome.code)
}
