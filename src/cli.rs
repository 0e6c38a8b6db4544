//! The command line (CONTRACT §7): clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::text::Lang;

#[derive(Parser, Debug)]
#[command(name = "kaohe", version, about = "考核 — target-vs-actual KPI evaluation for IP pilot cities")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print no warnings and notices (errors still go to stderr)
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print each warning with the line it is about, instead of one line per kind
    #[arg(long, short, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
}

/// Where the workspace is (CONTRACT §1).
#[derive(Args, Debug, Clone, Default)]
pub struct PathArgs {
    /// Rule file or folder (default: rules/; repeatable)
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Data file or folder (default: data/; repeatable)
    #[arg(long, value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// The metric catalog (default: metrics.toml at the top of the rules folder)
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate every file and print each problem as path:line:col
    Check {
        #[command(flatten)]
        paths: PathArgs,
        /// Language of the diagnostics (default: from LC_ALL / LC_MESSAGES / LANG)
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Evaluate every rule set against every entity it applies to
    Eval {
        #[command(flatten)]
        paths: PathArgs,
        /// Only this entity (repeatable)
        #[arg(long = "entity", value_name = "ID")]
        entities: Vec<String>,
        /// Only this rule set (repeatable)
        #[arg(long = "ruleset", value_name = "ID")]
        rulesets: Vec<String>,
        /// Evaluate this data period instead of each rule set's own
        #[arg(long)]
        period: Option<String>,
        /// Treat the period's data as year-to-date up to this date (YYYY-MM-DD) when they give no as_of
        #[arg(long = "as-of", value_name = "DATE")]
        as_of: Option<String>,
        /// Output format (default: from the --output extension, else table)
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the result to FILE (atomically) instead of stdout
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Label language (default: from LC_ALL / LC_MESSAGES / LANG)
        #[arg(long, value_enum)]
        lang: Option<Lang>,
        /// Exit 1 when some verdict is not pass
        #[arg(long)]
        strict: bool,
        /// Start CSV output with a UTF-8 byte order mark (for Excel on Chinese Windows)
        #[arg(long)]
        bom: bool,
    },
    /// Show one rule's working for one entity
    Explain {
        entity: String,
        rule: String,
        /// The rule set, when the rule id occurs in more than one
        #[arg(long, value_name = "ID")]
        ruleset: Option<String>,
        #[command(flatten)]
        paths: PathArgs,
        #[arg(long)]
        period: Option<String>,
        #[arg(long = "as-of", value_name = "DATE")]
        as_of: Option<String>,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
        /// Write the working to FILE (atomically) instead of stdout
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the form an office fills in: a wide sheet (.xlsx or .csv) of the figures the rule sets read
    Template {
        #[command(flatten)]
        paths: PathArgs,
        /// Only this rule set (repeatable)
        #[arg(long = "ruleset", value_name = "ID")]
        rulesets: Vec<String>,
        /// Only this entity (repeatable)
        #[arg(long = "entity", value_name = "ID")]
        entities: Vec<String>,
        /// The period evaluated, instead of each rule set's own
        #[arg(long)]
        period: Option<String>,
        /// The form to write: FILE.xlsx or FILE.csv (`-`: the CSV form on stdout)
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        /// Language of messages (the form's headers are the catalog names whatever the language)
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// One entity's metrics across all its periods, with year-on-year growth
    Trend {
        entity: String,
        /// Metric ids (default: every metric with a value)
        #[arg(value_name = "METRIC")]
        metric_ids: Vec<String>,
        #[command(flatten)]
        paths: PathArgs,
        /// Output format (default: from the --output extension, else table)
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the result to FILE (atomically) instead of stdout
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
        /// Start CSV output with a UTF-8 byte order mark (for Excel on Chinese Windows)
        #[arg(long)]
        bom: bool,
    },
    /// One metric across entities, ranked, with min, median and max
    Compare {
        #[arg(long, value_name = "ID")]
        metric: String,
        /// The period (default: the latest year any entity reports the metric in)
        #[arg(long)]
        period: Option<String>,
        /// Only these entities (repeatable)
        #[arg(long = "entity", value_name = "ID")]
        entities: Vec<String>,
        /// Only entities of this kind (repeatable)
        #[arg(long = "kind", value_name = "KIND")]
        kinds: Vec<String>,
        #[command(flatten)]
        paths: PathArgs,
        /// Output format (default: from the --output extension, else table)
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the result to FILE (atomically) instead of stdout
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
        /// Start CSV output with a UTF-8 byte order mark (for Excel on Chinese Windows)
        #[arg(long)]
        bom: bool,
    },
    /// Print a shell completion script (e.g. `kaohe completions bash > ~/.local/share/bash-completion/completions/kaohe`)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (e.g. `kaohe man > ~/.local/share/man/man1/kaohe.1`), or a command's (`kaohe man eval > …/kaohe-eval.1`)
    Man {
        /// The command whose page to print (default: kaohe's own)
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

impl Command {
    /// `--lang` as given, for wording a usage error before the configuration exists.
    pub fn lang(&self) -> Option<Lang> {
        match self {
            Command::Check { lang, .. }
            | Command::Eval { lang, .. }
            | Command::Explain { lang, .. }
            | Command::Trend { lang, .. }
            | Command::Compare { lang, .. }
            | Command::Template { lang, .. } => *lang,
            Command::Completions { .. } | Command::Man { .. } => None,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tables for the terminal
    Table,
    /// The same tables in Markdown
    Markdown,
    /// One row per rule, for spreadsheets and scripts
    Csv,
    /// One object, for scripts
    Json,
    /// One self-contained HTML page with charts (to --output or stdout)
    Html,
    /// An Excel workbook (needs --output)
    Xlsx,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
