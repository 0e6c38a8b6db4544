//! The `kaohe` binary: parse the arguments, resolve them, run, exit with the code.

use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

/// Loading and evaluation allocate many small values on several threads. mimalloc
/// (its v2 line, `features = ["v2"]`) keeps that fast: glibc's malloc took about 16%
/// more CPU time. v3, the crate's default, held 40–50% more resident memory at 10,000
/// entities (docs/PERFORMANCE.md, "Memory, third pass").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match kaohe::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors; every usage error is exit 2.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // A bug must never look like a result: report it as an error with exit 2.
    let lang = kaohe::text::Lang::resolve(cli.command.lang(), &|k| std::env::var(k).ok());
    std::panic::set_hook(Box::new(move |info| {
        eprintln!("{}{}", kaohe::text::error_label(lang), kaohe::text::internal_error(&info.to_string(), lang));
    }));
    let mut config = match kaohe::config::Config::new(&cli, &|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}{}", kaohe::text::error_label(lang), e.0.word(lang));
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    // Tables fit a terminal; a pipe or a file gets the fixed layout.
    if config.width.is_none() && stdout.is_terminal() {
        config.width = Some(kaohe::render::table::terminal_width());
    }
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut err = std::io::stderr();
    let code =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| kaohe::run(&config, &mut out, &mut err))).unwrap_or(2);
    // `run` flushed `out` and reported a failure to write; a flush here finds nothing.
    let _ = out.flush();
    ExitCode::from(code)
}
