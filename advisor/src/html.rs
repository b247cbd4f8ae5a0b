//! The report as one self-contained HTML page (inline style, no scripts, no
//! external resources).

use crate::report::Report;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn row(cells: &[String], header: bool) -> String {
    let tag = if header { "th" } else { "td" };
    let inner: String = cells
        .iter()
        .map(|c| format!("<{tag}>{}</{tag}>", esc(c)))
        .collect();
    format!("<tr>{inner}</tr>\n")
}

impl Report {
    /// The report as a self-contained HTML page.
    ///
    /// ```
    /// let r = unokit_advisor::Report { database: "sqlite://a.db".into(), engine: unokit_advisor::Engine::Sqlite, statements: 0,
    ///     findings: vec![], indexes: None, config: None, skipped: vec![], elapsed_ms: 1 };
    /// assert!(r.to_html().starts_with("<!DOCTYPE html>"));
    /// ```
    pub fn to_html(&self) -> String {
        let mut body = format!(
            "<h1>unokit-advisor report</h1>\n<p>{} ({}), {} statements, {} ms</p>\n",
            esc(&self.database),
            self.engine,
            self.statements,
            self.elapsed_ms
        );
        body.push_str(&format!(
            "<h2>Findings ({})</h2>\n<table>\n",
            self.findings.len()
        ));
        body.push_str(&row(
            &[
                "kind".into(),
                "table".into(),
                "columns".into(),
                "statement".into(),
                "plan step".into(),
                "why".into(),
            ],
            true,
        ));
        for f in &self.findings {
            body.push_str(&row(
                &[
                    f.kind.label().into(),
                    f.table.clone().unwrap_or_default(),
                    f.columns.join(", "),
                    f.statement.clone(),
                    f.step.clone(),
                    f.why.clone(),
                ],
                false,
            ));
        }
        body.push_str("</table>\n");
        if let Some(s) = &self.indexes {
            body.push_str(&format!(
                "<h2>Index suggestions ({})</h2>\n<p>Verified by the {}; {} candidates tried.</p>\n<table>\n",
                s.suggestions.len(),
                esc(&s.method),
                s.candidates_tried
            ));
            body.push_str(&row(
                &[
                    "CREATE INDEX".into(),
                    "saving".into(),
                    "statement".into(),
                    "cost before".into(),
                    "cost after".into(),
                ],
                true,
            ));
            for x in &s.suggestions {
                for (i, m) in x.improves.iter().enumerate() {
                    let (create, saving) = if i == 0 {
                        (x.create.clone(), format!("{:.1}", x.saving))
                    } else {
                        (String::new(), String::new())
                    };
                    body.push_str(&row(
                        &[
                            create,
                            saving,
                            m.statement.clone(),
                            format!("{:.1}", m.before),
                            format!("{:.1}", m.after),
                        ],
                        false,
                    ));
                }
            }
            body.push_str("</table>\n");
        }
        if let Some(c) = &self.config {
            body.push_str("<h2>Configuration</h2>\n<table>\n");
            body.push_str(&row(
                &[
                    "setting".into(),
                    "current".into(),
                    "advice".into(),
                    "source".into(),
                    "why".into(),
                ],
                true,
            ));
            for s in &c.settings {
                let name = if s.differs {
                    format!("! {}", s.name)
                } else {
                    s.name.clone()
                };
                body.push_str(&row(
                    &[
                        name,
                        s.current.clone().unwrap_or_default(),
                        s.recommended.clone(),
                        s.source.into(),
                        s.reason.clone(),
                    ],
                    false,
                ));
            }
            body.push_str("</table>\n<h2>Live checks</h2>\n<table>\n");
            body.push_str(&row(
                &[
                    "check".into(),
                    "subject".into(),
                    "value".into(),
                    "advice".into(),
                ],
                true,
            ));
            for l in &c.live {
                body.push_str(&row(
                    &[
                        l.check.into(),
                        l.subject.clone(),
                        l.value.clone(),
                        l.advice.clone(),
                    ],
                    false,
                ));
            }
            body.push_str("</table>\n");
        }
        if !self.skipped.is_empty() {
            body.push_str("<h2>Skipped statements</h2>\n<table>\n");
            for s in &self.skipped {
                body.push_str(&row(
                    &[
                        format!("line {}", s.line),
                        s.statement.clone(),
                        s.reason.clone(),
                    ],
                    false,
                ));
            }
            body.push_str("</table>\n");
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>unokit-advisor report</title>\n<style>\
body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin-bottom:1.5em}}\
td,th{{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left;font-size:.9em}}th{{background:#f2f2f2}}\
</style></head><body>\n{body}</body></html>\n"
        )
    }
}
