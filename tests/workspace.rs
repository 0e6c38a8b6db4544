//! The shipped workspace (`rules/`, `data/`): it validates, it evaluates, every
//! `source` quote is verbatim in the report, and every percentage the report computes
//! from counts it also gives is reproduced from our data (`tests/report_figures/`).

use std::path::Path;
use std::process::Command;

use kaohe::diagnostic::Sources;
use kaohe::evaluate::engine::Engine;
use kaohe::evaluate::plan::Plan;
use kaohe::model::Model;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kaohe(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kaohe")).args(args).current_dir(root()).output().expect("run kaohe")
}

#[test]
fn shipped_workspace_checks_clean() {
    let out = kaohe(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "kaohe check failed:\n{stderr}");
    assert!(!stderr.contains("warning"), "kaohe check warns:\n{stderr}");
}

#[test]
fn shipped_workspace_evaluates() {
    for format in ["table", "json", "csv", "markdown"] {
        let out = kaohe(&["eval", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!out.stdout.is_empty());
    }
}

/// `scripts/check_sources.py`: every quote occurs verbatim in ../shared/source and
/// holds the number it supports.
#[test]
fn source_quotes_are_verbatim() {
    let out = Command::new("python3")
        .arg("scripts/check_sources.py")
        .current_dir(root())
        .output()
        .expect("python3 is needed for the source check");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn source_checker_self_test() {
    let out = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "scripts", "-q"])
        .current_dir(root())
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn shipped_model() -> Model {
    shipped_model_quoting(kaohe::model::Quotes::Keep)
}

fn shipped_model_quoting(quotes: kaohe::model::Quotes) -> Model {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let raw = kaohe::load::load(
        &kaohe::load::Paths { rules: vec![root().join("rules")], data: vec![root().join("data")], metrics: None },
        quotes,
        &mut sources,
        &mut diags,
    );
    let model = kaohe::validate::validate(raw, &sources, &mut diags);
    assert!(!diags.iter().any(|d| d.is_error()), "the shipped workspace has errors");
    model
}

/// A figure's entity, period, metric, source and note.
type Quoted = (String, String, String, Option<String>, Option<String>);

/// Every figure's [`Quoted`], in order.
fn quotes(model: &Model) -> Vec<Quoted> {
    let mut out = Vec::new();
    for e in &model.entities {
        for (pid, p) in &e.periods {
            for (m, f) in &p.figures {
                let texts = (f.source().map(String::from), f.note().map(String::from));
                out.push((e.id.clone(), pid.clone(), m.to_string(), texts.0, texts.1));
            }
        }
    }
    out
}

/// `explain` keeps the source quotes and notes of its one entity only; the other
/// commands keep none. Values, qualifiers and missing reasons stay in every case.
#[test]
fn only_the_entity_explained_keeps_its_quotes() {
    use kaohe::model::Quotes;
    let all = quotes(&shipped_model());
    let of = |entity: &str| {
        all.iter()
            .map(|(e, p, m, s, n)| {
                let kept = e == entity;
                (e.clone(), p.clone(), m.clone(), s.clone().filter(|_| kept), n.clone().filter(|_| kept))
            })
            .collect::<Vec<_>>()
    };
    assert!(all.iter().filter(|q| q.0 == "luzhou").any(|q| q.3.is_some()), "luzhou's figures quote the report");
    assert_eq!(quotes(&shipped_model_quoting(Quotes::Of("luzhou".into()))), of("luzhou"));
    assert_eq!(quotes(&shipped_model_quoting(Quotes::Drop)), of(""));
    let values = |m: &Model| -> Vec<String> {
        m.entities
            .iter()
            .flat_map(|e| e.periods.values())
            .flat_map(|p| {
                p.figures.iter().map(|(_, f)| format!("{:?} {:?} {:?}", f.value(), f.qualifier(), f.written()))
            })
            .collect()
    };
    assert_eq!(values(&shipped_model_quoting(Quotes::Drop)), values(&shipped_model()));
}

#[derive(serde::Deserialize)]
struct Checks {
    check: Vec<Check>,
}

#[derive(serde::Deserialize)]
struct Check {
    entity: String,
    period: String,
    expr: String,
    expected: String,
    reported: String,
    source: String,
}

#[test]
fn report_percentages_are_reproduced() {
    let model = shipped_model();
    let mut count = 0;
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/report_figures"))
        .expect("tests/report_figures")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let checks: Checks = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for c in checks.check {
            count += 1;
            let entity = model.entities.iter().find(|e| e.id == c.entity).expect("entity");
            let expr = kaohe::expr::parse(&c.expr).expect("expression");
            let plan = Plan::new(&model, &[c.period.as_str()]);
            let code = plan.compile(&expr).expect("known metrics");
            let mut engine = Engine::new(&plan);
            engine.set_entity(entity);
            let period = plan.periods.get(&c.period).expect("period");
            let got = engine.eval(&code, period).map(|i| i.as_point().map(kaohe::render::exact_number));
            if got != Ok(Some(c.expected.clone())) {
                failures.push(format!(
                    "{} {} `{}`: expected {} (report: {} in “{}”), got {:?}",
                    c.entity, c.period, c.expr, c.expected, c.reported, c.source, got
                ));
            }
        }
    }
    assert!(count >= 10, "only {count} report figures checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
