//! The results table (terminal) and `BENCHMARKS.md` (Markdown).

use std::fmt::Write as _;
use std::time::Duration;

/// Whether a figure meets its goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// No goal: reported for context.
    Info,
}

impl Verdict {
    pub fn of(met: bool) -> Verdict {
        if met {
            Verdict::Met
        } else {
            Verdict::Missed
        }
    }

    fn text(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "MISSED",
            Verdict::Info => "",
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub scenario: String,
    pub metric: String,
    pub value: String,
    pub goal: String,
    pub baseline: String,
    pub verdict: Verdict,
}

impl Row {
    pub fn new(scenario: &str, metric: &str, value: impl Into<String>) -> Row {
        Row {
            scenario: scenario.to_owned(),
            metric: metric.to_owned(),
            value: value.into(),
            goal: String::new(),
            baseline: String::new(),
            verdict: Verdict::Info,
        }
    }

    pub fn goal(mut self, goal: impl Into<String>, met: bool) -> Row {
        self.goal = goal.into();
        self.verdict = Verdict::of(met);
        self
    }

    pub fn baseline(mut self, baseline: impl Into<String>) -> Row {
        self.baseline = baseline.into();
        self
    }
}

/// Everything a run found: the table plus detail lines per scenario.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub rows: Vec<Row>,
    /// `(scenario, text)`: requests by kind, setup facts, caveats.
    pub notes: Vec<(String, String)>,
}

impl Results {
    pub fn row(&mut self, row: Row) {
        self.rows.push(row);
    }

    pub fn note(&mut self, scenario: &str, text: impl Into<String>) {
        self.notes.push((scenario.to_owned(), text.into()));
    }

    pub fn extend(&mut self, other: Results) {
        self.rows.extend(other.rows);
        self.notes.extend(other.notes);
    }

    /// Fixed-width table for the terminal.
    pub fn table(&self) -> String {
        let header = ["scenario", "metric", "value", "goal", "", "naive baseline"];
        let cells: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.scenario.clone(),
                    r.metric.clone(),
                    r.value.clone(),
                    r.goal.clone(),
                    r.verdict.text().to_owned(),
                    r.baseline.clone(),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cols: &[String]| {
            let parts: Vec<String> = cols
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            parts.join("  ").trim_end().to_owned()
        };
        let mut out = String::new();
        let head: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        let _ = writeln!(out, "{}", line(&head));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let _ = writeln!(out, "{}", line(&rule));
        for row in &cells {
            let _ = writeln!(out, "{}", line(row));
        }
        out
    }

    /// The notes as plain lines, grouped by scenario (printed after the table).
    pub fn notes_text(&self) -> String {
        let mut out = String::new();
        let mut current = "";
        for (scenario, text) in &self.notes {
            if scenario != current {
                let _ = writeln!(out, "\n{scenario}:");
                current = scenario;
            }
            let _ = writeln!(out, "  - {text}");
        }
        out
    }

    /// The results as Markdown: the table, then the notes per scenario.
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| scenario | metric | value | goal | | naive baseline |\n|---|---|---|---|---|---|\n",
        );
        for r in &self.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                md(&r.scenario),
                md(&r.metric),
                md(&r.value),
                md(&r.goal),
                r.verdict.text(),
                md(&r.baseline)
            );
        }
        let mut current = "";
        for (scenario, text) in &self.notes {
            if scenario != current {
                let _ = write!(out, "\n### {scenario}\n\n");
                current = scenario;
            }
            let _ = writeln!(out, "- {}", md(text));
        }
        out
    }
}

fn md(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `1.234 s`, `56.7 ms`, `890 µs`.
pub fn dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.001 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

/// `12.3 MiB` from KiB.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// `2.4x`.
pub fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 {
        "–".to_owned()
    } else {
        format!("{:.2}x", a / b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_format_readably() {
        let cases = [
            (Duration::from_millis(1234), "1.23 s"),
            (Duration::from_micros(56_700), "56.7 ms"),
            (Duration::from_micros(890), "890 µs"),
        ];
        for (d, text) in cases {
            assert_eq!(dur(d), text);
        }
        assert_eq!(mib(15 * 1024), "15.0 MiB");
        assert_eq!(ratio(3.0, 2.0), "1.50x");
        assert_eq!(ratio(3.0, 0.0), "–");
    }

    #[test]
    fn table_and_markdown_show_goals_and_verdicts() {
        let mut r = Results::default();
        r.row(
            Row::new("steady", "requests", "0")
                .goal("0", true)
                .baseline("20000"),
        );
        r.row(Row::new("steady", "cpu | p50", "30 ms").goal("< 20 ms", false));
        r.note("steady", "requests by kind: none");
        let table = r.table();
        assert!(table.lines().count() == 4, "{table}");
        assert!(table.contains("met") && table.contains("MISSED"), "{table}");
        let md = r.markdown();
        assert!(
            md.contains("| steady | requests | 0 | 0 | met | 20000 |"),
            "{md}"
        );
        assert!(md.contains("cpu \\| p50"), "{md}");
        assert!(
            md.contains("### steady\n\n- requests by kind: none"),
            "{md}"
        );
    }
}
