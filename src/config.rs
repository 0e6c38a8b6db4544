//! The resolved configuration: the command line and the environment turned, once and
//! before any file is read, into typed values (dates parsed, the language chosen, the
//! format and the selection fixed). Commands take a [`Config`], never raw arguments.

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, Format, PathArgs};
use crate::load::Paths;
use crate::model::Date;
use crate::text::{Lang, Message};

/// Which (entity, rule set) pairs to evaluate, among those `applies_to` allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Entity ids; empty means all.
    pub entities: Vec<String>,
    /// Rule set ids; empty means all.
    pub rulesets: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalJob {
    pub selection: Selection,
    /// `--period`: evaluate this period instead of each rule set's own.
    pub period: Option<String>,
    /// `--as-of`: the year-to-date date for a period whose data give none.
    pub as_of: Option<Date>,
    pub format: Format,
    /// Exit 1 when some verdict is not pass.
    pub strict: bool,
    /// `--bom`: start CSV output with a UTF-8 byte order mark.
    pub bom: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainJob {
    pub entity: String,
    pub rule: String,
    pub ruleset: Option<String>,
    pub period: Option<String>,
    pub as_of: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrendJob {
    pub entity: String,
    pub metrics: Vec<String>,
    pub format: Format,
    pub bom: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareJob {
    pub metric: String,
    pub period: Option<String>,
    pub entities: Vec<String>,
    pub kinds: Vec<String>,
    pub format: Format,
    pub bom: bool,
}

/// What kind of form `kaohe template` writes, by the extension of `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormFormat {
    Xlsx,
    Csv,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateJob {
    pub selection: Selection,
    /// `--period`: the period evaluated instead of each rule set's own.
    pub period: Option<String>,
    /// `None`: the CSV form goes to stdout (`--output -`).
    pub output: Option<std::path::PathBuf>,
    pub format: FormFormat,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    Check,
    Eval(EvalJob),
    Explain(ExplainJob),
    Trend(TrendJob),
    Compare(CompareJob),
    Template(TemplateJob),
    Completions(clap_complete::Shell),
    /// The man page of kaohe, or of one of its commands.
    Man(Option<String>),
}

/// Everything a run needs to know before it reads a file.
#[derive(Clone, Debug)]
pub struct Config {
    pub paths: Paths,
    pub lang: Lang,
    /// Today: `KAOHE_TODAY` (YYYY-MM-DD, for tests and reruns), else the system clock.
    pub today: Option<Date>,
    pub job: Job,
    /// `--quiet`: no warnings and no notices on stderr, errors only.
    pub quiet: bool,
    /// `--verbose`: every warning with its snippet, none grouped.
    pub verbose: bool,
    /// The width terminal tables fit: `KAOHE_WIDTH`, else (set by the binary) the
    /// terminal's when stdout is one; `None` is the fixed layout, independent of any
    /// terminal, for pipes, files and snapshots.
    pub width: Option<u16>,
    /// `--output FILE`: the result goes there, atomically, instead of to stdout.
    pub output: Option<PathBuf>,
}

/// `--bom` makes sense only where CSV is printed (the format resolved, so that
/// `--output figures.csv --bom` is CSV).
fn check_bom(job: &Job) -> Result<(), UsageError> {
    let (bom, format) = match job {
        Job::Eval(j) => (j.bom, j.format),
        Job::Trend(j) => (j.bom, j.format),
        Job::Compare(j) => (j.bom, j.format),
        _ => return Ok(()),
    };
    if bom && format != Format::Csv {
        return Err(UsageError(Message::BomNeedsCsv));
    }
    Ok(())
}

/// A usage error found while resolving the configuration (exit 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub Message);

fn as_of(text: Option<&str>) -> Result<Option<Date>, UsageError> {
    match text {
        None => Ok(None),
        Some(t) => Date::parse(t).map(Some).ok_or_else(|| UsageError(Message::AsOfNotADate { text: t.to_string() })),
    }
}

/// The form's format from the extension of `--output` (any case); `-` is the CSV form
/// on stdout.
fn form_output(path: &std::path::Path) -> Result<(Option<std::path::PathBuf>, FormFormat), UsageError> {
    if path.as_os_str() == "-" {
        return Ok((None, FormFormat::Csv));
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xlsx") => Ok((Some(path.to_path_buf()), FormFormat::Xlsx)),
        Some("csv") => Ok((Some(path.to_path_buf()), FormFormat::Csv)),
        _ => Err(UsageError(Message::FormExtension { path: path.display().to_string() })),
    }
}

/// Today by the system clock (UTC), if the clock can say.
fn system_today() -> Option<Date> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Date::from_unix_days(i64::try_from(secs / 86_400).ok()?)
}

/// The format a file name asks for by its extension, in any case (CONTRACT §7).
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => Some(Format::Xlsx),
        "html" | "htm" => Some(Format::Html),
        "json" => Some(Format::Json),
        "csv" => Some(Format::Csv),
        "md" | "markdown" => Some(Format::Markdown),
        _ => None,
    }
}

/// `--format`, else the extension of `--output`, else `table`; `xlsx` only to a file.
/// `formats` are those the command can write.
fn format(
    asked: Option<Format>,
    output: Option<&Path>,
    formats: &[Format],
    command: &'static str,
) -> Result<Format, UsageError> {
    let format = asked.or_else(|| output.and_then(format_of)).unwrap_or(Format::Table);
    let name = |f: Format| format!("{f:?}").to_lowercase();
    if !formats.contains(&format) {
        return Err(UsageError(Message::FormatNotFor {
            command,
            format: name(format),
            from_extension: asked.is_none(),
            known: formats.iter().map(|f| name(*f)).collect(),
        }));
    }
    if format == Format::Xlsx && output.is_none() {
        return Err(UsageError(Message::XlsxNeedsOutput));
    }
    Ok(format)
}

const EVAL_FORMATS: [Format; 6] =
    [Format::Table, Format::Markdown, Format::Csv, Format::Json, Format::Html, Format::Xlsx];
const TREND_FORMATS: [Format; 4] = [Format::Table, Format::Markdown, Format::Csv, Format::Json];

fn paths(p: &PathArgs) -> Paths {
    Paths { rules: p.rules.clone(), data: p.data.clone(), metrics: p.metrics.clone() }
}

impl Config {
    /// Resolve `cli`; `env` reads environment variables (the locale).
    pub fn new(cli: &Cli, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, UsageError> {
        let (paths, lang, job, output) = match &cli.command {
            Command::Check { paths: p, lang } => (paths(p), *lang, Job::Check, None),
            Command::Eval {
                paths: p,
                entities,
                rulesets,
                period,
                as_of: a,
                format: f,
                output,
                lang,
                strict,
                bom: b,
            } => (
                paths(p),
                *lang,
                Job::Eval(EvalJob {
                    selection: Selection { entities: entities.clone(), rulesets: rulesets.clone() },
                    period: period.clone(),
                    as_of: as_of(a.as_deref())?,
                    format: format(*f, output.as_deref(), &EVAL_FORMATS, "eval")?,
                    strict: *strict,
                    bom: *b,
                }),
                output.clone(),
            ),
            Command::Explain { entity, rule, ruleset, paths: p, period, as_of: a, lang, output } => (
                paths(p),
                *lang,
                Job::Explain(ExplainJob {
                    entity: entity.clone(),
                    rule: rule.clone(),
                    ruleset: ruleset.clone(),
                    period: period.clone(),
                    as_of: as_of(a.as_deref())?,
                }),
                output.clone(),
            ),
            Command::Trend { entity, metric_ids, paths: p, format: f, output, lang, bom: b } => (
                paths(p),
                *lang,
                Job::Trend(TrendJob {
                    entity: entity.clone(),
                    metrics: metric_ids.clone(),
                    format: format(*f, output.as_deref(), &TREND_FORMATS, "trend")?,
                    bom: *b,
                }),
                output.clone(),
            ),
            Command::Compare { metric, period, entities, kinds, paths: p, format: f, output, lang, bom: b } => (
                paths(p),
                *lang,
                Job::Compare(CompareJob {
                    metric: metric.clone(),
                    period: period.clone(),
                    entities: entities.clone(),
                    kinds: kinds.clone(),
                    format: format(*f, output.as_deref(), &TREND_FORMATS, "compare")?,
                    bom: *b,
                }),
                output.clone(),
            ),
            Command::Template { paths: p, rulesets, entities, period, output, lang } => {
                let (output, format) = form_output(output)?;
                (
                    paths(p),
                    *lang,
                    Job::Template(TemplateJob {
                        selection: Selection { entities: entities.clone(), rulesets: rulesets.clone() },
                        period: period.clone(),
                        output,
                        format,
                    }),
                    None,
                )
            }
            Command::Completions { shell } => (Paths::default(), None, Job::Completions(*shell), None),
            Command::Man { command } => (Paths::default(), None, Job::Man(command.clone()), None),
        };
        let today = match env("KAOHE_TODAY").filter(|t| !t.is_empty()) {
            Some(t) => Some(Date::parse(&t).ok_or_else(|| UsageError(Message::TodayNotADate { text: t.clone() }))?),
            None => system_today(),
        };
        let width = match env("KAOHE_WIDTH").filter(|w| !w.is_empty()) {
            Some(w) => Some(
                w.parse::<u16>()
                    .ok()
                    .filter(|w| *w >= 20)
                    .ok_or_else(|| UsageError(Message::WidthNotANumber { text: w.clone() }))?,
            ),
            None => None,
        };
        check_bom(&job)?;
        Ok(Config {
            paths,
            lang: Lang::resolve(lang, env),
            today,
            job,
            quiet: cli.quiet,
            verbose: cli.verbose,
            width,
            output,
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn config(args: &[&str], lang: &str) -> Result<Config, UsageError> {
        let cli = Cli::try_parse_from(std::iter::once("kaohe").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let lang = lang.to_string();
        Config::new(&cli, &move |k| (k == "LANG").then(|| lang.clone()))
    }

    #[test]
    fn arguments_resolve_before_any_file_is_read() {
        let c = config(&["eval", "--as-of", "2016-06-30", "--entity", "luzhou", "--strict"], "zh_CN.UTF-8")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.lang, Lang::Zh);
        let Job::Eval(job) = c.job else { panic!("not eval") };
        assert_eq!(job.as_of, Date::new(2016, 6, 30));
        assert_eq!(job.selection.entities, vec!["luzhou".to_string()]);
        assert!(job.strict);
        assert_eq!(
            config(&["eval", "--as-of", "2016-6-30"], "C").map(|c| c.job),
            Err(UsageError(Message::AsOfNotADate { text: "2016-6-30".into() }))
        );
        assert_eq!(config(&["check", "--data", "d"], "C").map(|c| c.lang), Ok(Lang::En));
        assert_eq!(config(&["check", "--lang", "zh"], "C").map(|c| c.lang), Ok(Lang::Zh));
        let c = config(&["check", "--data", "a", "--data", "b", "--rules", "r"], "C").map(|c| c.paths);
        assert_eq!(c.as_ref().map(|p| p.data.len()), Ok(2));
        assert_eq!(c.as_ref().map(|p| p.rules.len()), Ok(1));
    }

    #[test]
    fn the_form_format_comes_from_the_extension_in_any_case() {
        let job = |out: &str| match config(&["template", "--output", out], "C").map(|c| c.job) {
            Ok(Job::Template(t)) => Ok((t.output.map(|p| p.display().to_string()), t.format)),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e.0),
        };
        assert_eq!(job("form.xlsx"), Ok((Some("form.xlsx".into()), FormFormat::Xlsx)));
        assert_eq!(job("out/FORM.XLSX"), Ok((Some("out/FORM.XLSX".into()), FormFormat::Xlsx)));
        assert_eq!(job("form.Csv"), Ok((Some("form.Csv".into()), FormFormat::Csv)));
        assert_eq!(job("-"), Ok((None, FormFormat::Csv)));
        for bad in ["form.xls", "form", "form.ods", "out/"] {
            assert!(job(bad).is_err_and(|e| e.to_string().contains("as .xlsx or .csv")), "{bad}");
        }
    }

    #[test]
    fn width_bom_quiet_and_verbose() {
        let cli = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("kaohe").chain(args.iter().copied())).unwrap_or_else(|e| panic!("{e}"))
        };
        let width = |w: &'static str| {
            Config::new(&cli(&["eval"]), &move |k| (k == "KAOHE_WIDTH").then(|| w.to_string())).map(|c| c.width)
        };
        assert_eq!(width("80"), Ok(Some(80)));
        assert_eq!(width(""), Ok(None));
        assert!(width("8").is_err() && width("wide").is_err());
        // Nothing set: the fixed layout (the binary sets a terminal's width itself).
        assert_eq!(Config::new(&cli(&["eval"]), &|_| None).map(|c| c.width), Ok(None));

        let c = Config::new(&cli(&["eval", "--format", "csv", "--bom", "-q"]), &|_| None)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(c.quiet && !c.verbose);
        assert!(matches!(c.job, Job::Eval(EvalJob { bom: true, .. })));
        assert_eq!(
            Config::new(&cli(&["eval", "--bom"]), &|_| None).map(|c| c.quiet),
            Err(UsageError(Message::BomNeedsCsv))
        );
        assert!(Cli::try_parse_from(["kaohe", "check", "--quiet", "--verbose"]).is_err());
        assert!(Config::new(&cli(&["check", "--verbose"]), &|_| None).is_ok_and(|c| c.verbose));
    }

    #[test]
    fn the_format_is_asked_else_the_extension_else_table() {
        let format = |args: &[&str]| {
            config(args, "C").map(|c| match c.job {
                Job::Eval(j) => j.format,
                Job::Trend(j) => j.format,
                _ => panic!("{args:?}"),
            })
        };
        assert_eq!(format(&["eval"]), Ok(Format::Table));
        assert_eq!(format(&["eval", "--output", "r.XLSX"]), Ok(Format::Xlsx));
        assert_eq!(format(&["eval", "--output", "out/r.Html"]), Ok(Format::Html));
        assert_eq!(format(&["eval", "--output", "r.md"]), Ok(Format::Markdown));
        assert_eq!(format(&["eval", "--output", "r.csv"]), Ok(Format::Csv));
        assert_eq!(format(&["eval", "--output", "r.json"]), Ok(Format::Json));
        assert_eq!(format(&["eval", "--output", "report"]), Ok(Format::Table));
        assert_eq!(format(&["eval", "--output", "r.xlsx", "--format", "csv"]), Ok(Format::Csv));
        assert_eq!(format(&["eval", "--format", "html"]), Ok(Format::Html));
        let english = |r: Result<Format, UsageError>| r.map_err(|e| e.0.to_string());
        assert_eq!(
            english(format(&["eval", "--format", "xlsx"])),
            Err("--format xlsx writes a workbook, which needs --output FILE".into())
        );
        assert_eq!(format(&["trend", "e", "--output", "t.csv"]), Ok(Format::Csv));
        assert_eq!(
            english(format(&["trend", "e", "--output", "t.xlsx"])),
            Err("`trend` cannot write xlsx (from the --output extension); it writes table, markdown, csv, json".into())
        );
    }

    #[test]
    fn today_comes_from_kaohe_today_else_the_clock() {
        let cli = Cli::try_parse_from(["kaohe", "check"]).unwrap_or_else(|e| panic!("{e}"));
        let with = |today: &'static str| {
            Config::new(&cli, &move |k| (k == "KAOHE_TODAY").then(|| today.to_string())).map(|c| c.today)
        };
        assert_eq!(with("2026-09-30"), Ok(Date::new(2026, 9, 30)));
        assert_eq!(with("2026-13-01"), Err(UsageError(Message::TodayNotADate { text: "2026-13-01".into() })));
        // Unset: the system clock, some day after this code was written.
        let clock = Config::new(&cli, &|_| None).map(|c| c.today);
        assert!(matches!(clock, Ok(Some(d)) if d.year >= 2026), "{clock:?}");
    }
}
