//! The user documentation's examples, run: every example in `docs/*.md` is executed
//! with the real `kaohe` binary, so that the docs cannot go stale.
//!
//! The convention (also written at the top of each doc, in an HTML comment):
//!
//! - An HTML comment line `<!-- example: NAME -->` starts a new example, with a new,
//!   empty temporary workspace. `<!-- example: NAME in=repo -->` runs its commands in
//!   the repository itself, on the shipped `rules/` and `data/` (it may write no file);
//!   the README's tour is tested this way.
//! - A fenced block whose info string holds `file=PATH` (e.g. ```` ```toml file=rules/metrics.toml ````)
//!   writes its contents to PATH in the current example's workspace. Files accumulate
//!   within an example; writing a path again replaces the file from then on.
//! - A fenced block whose info string starts with `console` holds lines
//!   `$ kaohe ARGS` (arguments separated by spaces, no quoting), each followed by the
//!   expected stdout, up to the next `$` line or the end of the block. The command runs
//!   in the workspace with `LANG=C` (`LC_ALL` and `LC_MESSAGES` removed) and its stdout
//!   must equal the expected text (trailing whitespace on each line and trailing
//!   empty lines are ignored). Optional words after `console`: `exit=N` (every command
//!   of the block must exit with N; otherwise it must exit 0) and `stderr` (the text
//!   shown is what the command writes to stderr, not stdout).
//! - Other blocks (```` ```toml ```` without `file=`, ```` ```text ```` …) are
//!   illustrations and are not run.
//!
//! `KAOHE_DOCS_BLESS=1 cargo test --test docs` rewrites the outputs in the docs with
//! what the binary prints now (for when an intended change alters them); review the
//! diff before keeping it.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One command of a `console` block, with the text the doc shows for it.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    args: Vec<String>,
    /// The `$ kaohe …` line as written.
    line_text: String,
    expected: String,
    /// 1-based line of the `$` line in the doc.
    line: usize,
}

#[derive(Debug, PartialEq, Eq)]
enum Step {
    File { path: String, contents: String, line: usize },
    Console { runs: Vec<Run>, exit: i32, stderr: bool, body: std::ops::Range<usize> },
}

#[derive(Debug, PartialEq, Eq)]
struct Example {
    name: String,
    /// Run in the repository (the shipped workspace) instead of a temporary one.
    in_repo: bool,
    line: usize,
    steps: Vec<Step>,
}

/// The opening fence of a code block: its marker (``` or ~~~, repeated) and info string.
fn fence_open(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim_start();
    let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = trimmed.chars().take_while(|c| *c == ch).count();
    (n >= 3).then(|| (ch.to_string().repeat(n), trimmed[n..].trim().to_string()))
}

fn example_marker(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("<!--")?.trim_start().strip_prefix("example:")?;
    Some(rest.strip_suffix("-->")?.trim().to_string())
}

/// Parse a doc into its examples. Errors name the doc line.
fn parse(text: &str) -> Result<Vec<Example>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut examples: Vec<Example> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(name) = example_marker(lines[i]) {
            if name.is_empty() {
                return Err(format!("line {}: an example needs a name", i + 1));
            }
            let (name, in_repo) = match name.strip_suffix("in=repo") {
                Some(n) => (n.trim().to_string(), true),
                None => (name, false),
            };
            examples.push(Example { name, in_repo, line: i + 1, steps: Vec::new() });
            i += 1;
            continue;
        }
        let Some((marker, info)) = fence_open(lines[i]) else {
            i += 1;
            continue;
        };
        let open = i;
        let close = (open + 1..lines.len())
            .find(|&j| {
                lines[j].trim_start().starts_with(&marker) && lines[j].trim().chars().all(|c| c == '`' || c == '~')
            })
            .ok_or_else(|| format!("line {}: unclosed code block", open + 1))?;
        i = close + 1;
        let words: Vec<&str> = info.split_whitespace().collect();
        let file = words.iter().find_map(|w| w.strip_prefix("file="));
        let is_console = words.first() == Some(&"console");
        if file.is_none() && !is_console {
            continue;
        }
        let Some(example) = examples.last_mut() else {
            return Err(format!("line {}: a tested block before any `<!-- example: NAME -->`", open + 1));
        };
        let body = open + 1..close;
        if let Some(path) = file {
            let mut contents = lines[body].join("\n");
            contents.push('\n');
            example.steps.push(Step::File { path: path.to_string(), contents, line: open + 1 });
            continue;
        }
        let mut exit = 0;
        let mut stderr = false;
        for w in &words[1..] {
            if let Some(n) = w.strip_prefix("exit=") {
                exit = n.parse().map_err(|_| format!("line {}: `{w}` is not exit=NUMBER", open + 1))?;
            } else if *w == "stderr" {
                stderr = true;
            } else {
                return Err(format!("line {}: unknown word `{w}` after `console`", open + 1));
            }
        }
        let mut runs: Vec<Run> = Vec::new();
        for j in body.clone() {
            let line = lines[j];
            if let Some(cmd) = line.strip_prefix("$ ") {
                let mut words = cmd.split_whitespace().map(str::to_string);
                if words.next().as_deref() != Some("kaohe") {
                    return Err(format!("line {}: a console command must start with `$ kaohe`", j + 1));
                }
                runs.push(Run {
                    args: words.collect(),
                    line_text: line.to_string(),
                    expected: String::new(),
                    line: j + 1,
                });
            } else {
                let run = runs.last_mut().ok_or_else(|| format!("line {}: output before any `$ kaohe` line", j + 1))?;
                run.expected.push_str(line);
                run.expected.push('\n');
            }
        }
        if runs.is_empty() {
            return Err(format!("line {}: a console block without a `$ kaohe` line", open + 1));
        }
        example.steps.push(Step::Console { runs, exit, stderr, body });
    }
    Ok(examples)
}

/// Trailing whitespace on lines and trailing empty lines do not count.
fn normalise(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let end = lines.iter().rposition(|l| !l.is_empty()).map_or(0, |p| p + 1);
    lines[..end].join("\n")
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn fresh_workspace() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("kaohe-docs-{}-{n}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove an old temporary workspace");
    }
    std::fs::create_dir_all(&dir).expect("create a temporary workspace");
    dir
}

fn is_relative_inside(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// What one example's commands printed, for rewriting the doc in bless mode:
/// (body line range, new body lines).
type Rewrite = (std::ops::Range<usize>, Vec<String>);

/// Run one example; failures are appended to `failures`. When blessing, differing
/// output is not a failure (it is rewritten), a wrong exit code still is.
fn run_example(doc: &str, example: &Example, bless: bool, failures: &mut Vec<String>, rewrites: &mut Vec<Rewrite>) {
    let dir = if example.in_repo { repo_dir() } else { fresh_workspace() };
    for step in &example.steps {
        match step {
            Step::File { path, contents, line } => {
                if example.in_repo {
                    failures.push(format!("{doc}:{line}: an `in=repo` example may not write `{path}`"));
                    continue;
                }
                if !is_relative_inside(path) {
                    failures.push(format!("{doc}:{line}: `file={path}` must be a relative path inside the workspace"));
                    continue;
                }
                let target = dir.join(path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).expect("create a folder in the temporary workspace");
                }
                std::fs::write(&target, contents).expect("write an example file");
            }
            Step::Console { runs, exit, stderr, body } => {
                let mut new_body = Vec::new();
                for run in runs {
                    let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
                        .args(&run.args)
                        .current_dir(&dir)
                        .env_remove("LC_ALL")
                        .env_remove("LC_MESSAGES")
                        .env("LANG", "C")
                        .output()
                        .expect("run kaohe");
                    let stdout = String::from_utf8_lossy(&out.stdout);
                    let errout = String::from_utf8_lossy(&out.stderr);
                    let shown = if *stderr { &errout } else { &stdout };
                    new_body.push(run.line_text.clone());
                    new_body.extend(normalise(shown).lines().map(str::to_string));
                    let mut problems = String::new();
                    if out.status.code() != Some(*exit) {
                        let _ = writeln!(problems, "exit code {:?}, expected {exit}", out.status.code());
                    }
                    if !bless && normalise(shown) != normalise(&run.expected) {
                        let stream = if *stderr { "stderr" } else { "stdout" };
                        let _ = writeln!(
                            problems,
                            "{stream} differs\n--- expected\n{}\n--- actual\n{}",
                            normalise(&run.expected),
                            normalise(shown)
                        );
                    }
                    if !problems.is_empty() {
                        failures.push(format!(
                            "{doc}:{}: example `{}`: `{}`: {problems}--- stderr\n{errout}",
                            run.line,
                            example.name,
                            run.line_text.trim_start_matches("$ ")
                        ));
                    }
                }
                rewrites.push((body.clone(), new_body));
            }
        }
    }
    if !example.in_repo {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn repo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn docs_dir() -> PathBuf {
    repo_dir().join("docs")
}

fn doc_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(docs_dir())
        .expect("read docs/")
        .map(|e| e.expect("a docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.push(repo_dir().join("README.md"));
    files
}

#[test]
fn doc_examples_run() {
    let bless = std::env::var_os("KAOHE_DOCS_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut count = 0;
    for path in doc_files() {
        let doc = path.strip_prefix(repo_dir()).unwrap_or(&path).display().to_string();
        let text = std::fs::read_to_string(&path).expect("read a doc");
        let examples = match parse(&text) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{doc}: {e}"));
                continue;
            }
        };
        let mut rewrites = Vec::new();
        for example in &examples {
            run_example(&doc, example, bless, &mut failures, &mut rewrites);
            count += 1;
        }
        if bless && !rewrites.is_empty() {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            for (range, body) in rewrites.into_iter().rev() {
                lines.splice(range, body);
            }
            std::fs::write(&path, lines.join("\n") + "\n").expect("rewrite a doc");
        }
    }
    assert!(failures.is_empty(), "{} failing doc example command(s):\n\n{}", failures.len(), failures.join("\n"));
    eprintln!("{count} doc examples ran");
}

/// The user docs exist and each holds several tested examples (so that a typo in the
/// convention cannot silently turn them into untested text).
#[test]
fn user_docs_have_examples() {
    for name in ["formats.md", "evaluation.md"] {
        let text = std::fs::read_to_string(docs_dir().join(name)).expect("a user doc");
        let examples = parse(&text).unwrap_or_else(|e| panic!("docs/{name}: {e}"));
        assert!(examples.len() >= 3, "docs/{name} has {} examples; expected several", examples.len());
        for e in &examples {
            assert!(
                e.steps.iter().any(|s| matches!(s, Step::Console { .. })),
                "docs/{name}:{}: example `{}` runs no command",
                e.line,
                e.name
            );
        }
    }
}

#[test]
fn the_convention_parses() {
    let doc = "text\n<!-- example: one -->\n```toml file=rules/a.toml\nid = \"a\"\n```\n\
               ```toml\nnot = \"run\"\n```\n```console exit=1\n$ kaohe eval  --format csv\nx\n\n$ kaohe check\n```\n";
    let examples = parse(doc).expect("parses");
    assert_eq!(examples.len(), 1);
    assert_eq!(examples[0].name, "one");
    assert_eq!(
        examples[0].steps[0],
        Step::File { path: "rules/a.toml".into(), contents: "id = \"a\"\n".into(), line: 3 }
    );
    let Step::Console { runs, exit, stderr, body } = &examples[0].steps[1] else { panic!("a console block") };
    assert_eq!((*exit, *stderr, body.clone()), (1, false, 9..13));
    assert_eq!(runs[0].args, ["eval", "--format", "csv"]);
    assert_eq!(normalise(&runs[0].expected), "x");
    assert_eq!((runs[1].args.as_slice(), runs[1].expected.as_str()), (&["check".to_string()][..], ""));
    assert!(parse("```console\n$ kaohe check\n```\n").is_err(), "a tested block outside an example");
    assert!(parse("<!-- example: x -->\n```console\nout\n```\n").is_err(), "output before a command");
    assert!(parse("<!-- example: x -->\n```console exit:1\n$ kaohe check\n```\n").is_err(), "a typo");
    assert_eq!(normalise("a  \nb\n\n\n"), "a\nb");
}
