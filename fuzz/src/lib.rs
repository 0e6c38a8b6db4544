//! Shared code of the fuzz targets: a small valid workspace, a scratch folder per
//! process, and the one call into kaohe ([`kaohe`]), so that when the library's entry
//! point changes only that function does.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Parser;

/// What one kaohe command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// Run one kaohe command line (without the program name) through the library's
/// highest-level entry point, as the binary does: the arguments resolved into a
/// `Config` (no environment: English), then `kaohe::run` writing into buffers.
pub fn kaohe(args: &[String]) -> Run {
    let argv = std::iter::once("kaohe".to_string()).chain(args.iter().cloned());
    let cli = kaohe::cli::Cli::try_parse_from(argv).expect("the fuzz targets pass valid arguments");
    let config = match kaohe::config::Config::new(&cli, &|_| None) {
        Ok(c) => c,
        Err(e) => return Run { code: 2, stdout: String::new(), stderr: format!("error: {}\n", e.0) },
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = kaohe::run(&config, &mut out, &mut err);
    Run { code, stdout: String::from_utf8_lossy(&out).into_owned(), stderr: String::from_utf8_lossy(&err).into_owned() }
}

/// `kaohe COMMAND --rules DIR/rules --data DIR/data EXTRA...`
pub fn kaohe_in(dir: &Path, command: &str, extra: &[&str]) -> Run {
    let mut args = vec![command.to_string()];
    args.extend(["--rules".into(), dir.join("rules").display().to_string()]);
    args.extend(["--data".into(), dir.join("data").display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    kaohe(&args)
}

/// A folder for one workspace, emptied on creation and removed when dropped (in
/// /dev/shm where there is one, so that writing files costs little).
pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = base.join(format!("kaohe-fuzz-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("rules")).expect("scratch folder");
        std::fs::create_dir_all(root.join("data")).expect("scratch folder");
        Scratch { root }
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("scratch folder");
        }
        std::fs::write(path, bytes).expect("scratch file");
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A catalog with every kind of metric: whole and not, money, a share, a yes/no, a
/// level, derived ones.
pub const CATALOG: &str = r#"[metric.patent_applications]
name = "专利申请量"
unit = "件"

[metric.invention_applications]
name = "发明专利申请量"
unit = "件"

[metric.invention_share]
name = "发明专利申请占比"
unit = "%"
formula = "invention_applications / patent_applications * 100"

[metric.ip_pledge_financing]
name = "知识产权质押融资额"
unit = "万元"

[metric.has_office]
name = "是否设立知识产权局"
unit = "bool"

[metric.registered_trademarks]
name = "注册商标总量"
unit = "件"
stock = true

[metric.growth]
unit = "%"
formula = "(patent_applications - patent_applications@prev) / patent_applications@prev * 100"
"#;

/// A rule set using every kind of rule.
pub const RULES: &str = r#"id = "pilot"
name = "试点验收"
period = "2015"
applies_to = { kinds = ["county-level", "prefecture"] }
pass_score = 6

[params]
national = 2.37

[groups."创造"]
min_score = 2

[[rule]]
id = "share"
group = "创造"
metric = "invention_share"
op = ">="
target = 30
weight = 3
scoring = "linear"

[[rule]]
id = "apps"
expr = "patent_applications + invention_applications"
op = ">"
target = "patent_applications@prev * 1.2"
weight = 2

[[rule]]
id = "steps"
metric = "registered_trademarks"
op = ">="
scoring = "steps"
steps = [[4000, 3], [3000, 2], ["national * 1000", 1]]

[[rule]]
id = "office"
metric = "has_office"
op = "=="
target = true
veto = true

[[rule]]
id = "band"
metric = "ip_pledge_financing"
op = "between"
target = [1000, 30000]
bonus = true
"#;

/// A data file for the rule set above.
pub const DATA: &str = r#"id = "mianzhu"
name = "绵竹市"
kind = "county-level"
tags = ["deyang", "pilot"]

[period.2014]
patent_applications = 400

[period.2015]
patent_applications = 537
invention_applications = { value = 220, source = "年度完成发明专利申请量为220 件" }
ip_pledge_financing = { value = 2.4, unit = "亿元" }
has_office = true
registered_trademarks = { at_least = 3500 }

[period.2016]
as_of = 2016-06-30
patent_applications = 301
"#;

pub const ENTITIES_CSV: &str = "id,name,kind,tags\ndeyang,德阳市,prefecture,pilot;sichuan\n";

pub const FIGURES_CSV: &str = "entity,period,metric,value,qualifier,unit,source,as_of\n\
deyang,2015,patent_applications,4000,at_least,件,专利申请4000余件,\n\
deyang,2015,invention_applications,1200,,,,\n\
deyang,2015,has_office,true,,,,\n\
deyang,2016,patent_applications,2000,,,,2016-06-30\n";

/// The workspace above, with `rel` replaced by `bytes` (or added).
pub fn workspace_with(rel: &str, bytes: &[u8]) -> Scratch {
    let s = Scratch::new();
    for (path, text) in [
        ("rules/metrics.toml", CATALOG),
        ("rules/pilot.toml", RULES),
        ("data/mianzhu.toml", DATA),
        ("data/entities.csv", ENTITIES_CSV),
        ("data/figures.csv", FIGURES_CSV),
    ] {
        if path != rel {
            s.write(path, text.as_bytes());
        }
    }
    s.write(rel, bytes);
    s
}

/// The invariants every workspace keeps, whatever is in it: `check` exits 0 or 2
/// (with nothing on stdout for 2); when `check` accepts it, `eval` succeeds in every
/// format, and `explain` never fails but as a usage error.
pub fn check_invariants(dir: &Path, format_pick: u8) -> Run {
    let check = kaohe_in(dir, "check", &[]);
    if std::env::var_os("KAOHE_FUZZ_STATS").is_some() {
        // For a look at what a corpus exercises: `check=0` for accepted workspaces.
        eprintln!("check={}", check.code);
    }
    assert!(check.code == 0 || check.code == 2, "check exited {}:\n{}", check.code, check.stderr);
    if check.code == 2 {
        assert!(check.stdout.is_empty(), "check failed but wrote to stdout:\n{}", check.stdout);
        return check;
    }
    let format = ["json", "table", "csv", "markdown"][usize::from(format_pick) % 4];
    let mut eval = kaohe_in(dir, "eval", &["--format", format]);
    if eval.code == 2 && eval.stderr.contains("names no period; pass --period") {
        // A rule set without a period is valid; eval then needs --period (a usage error).
        eval = kaohe_in(dir, "eval", &["--format", format, "--period", "2015"]);
    }
    assert_eq!(eval.code, 0, "check accepted the workspace but eval --format {format} exited {}:\n{}", eval.code, eval.stderr);
    eval
}
