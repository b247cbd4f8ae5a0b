//! The Prometheus text the exporter renders, read back into samples for the
//! JSON endpoint: one pass over the text, no backtracking.

use serde_json::{Map, Value};

/// One series' value, as rendered: `name{labels} value`.
///
/// ```
/// use unokit::metrics::Sample;
///
/// let sample = Sample {
///     name: "unokit_cache_hits_total".into(),
///     labels: vec![("cache".into(), "users".into())],
///     value: 3.0,
/// };
/// assert_eq!(sample.label("cache"), Some("users"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The series' name, with its `_sum`, `_count` or `_bucket` suffix if any.
    pub name: String,
    /// Its labels, in rendered order; a summary's quantile is the `quantile` label.
    pub labels: Vec<(String, String)>,
    /// Its value (`NaN` for an empty summary's quantiles).
    pub value: f64,
}

impl Sample {
    /// The value of label `key`, if the sample has it.
    #[must_use]
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

/// Every sample of `text`; comment lines and lines that do not parse are skipped.
pub(super) fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(sample)
        .collect()
}

fn sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let name = line[..name_end].to_owned();
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(inside) = rest.strip_prefix('{') {
        let (parsed, after) = label_set(inside)?;
        labels = parsed;
        rest = after;
    }
    // A timestamp may follow the value; the exporter writes none.
    let value = rest.split_whitespace().next()?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().ok()?,
    };
    Some(Sample {
        name,
        labels,
        value,
    })
}

/// `key="value",…}` and what follows the closing brace.
fn label_set(mut text: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut labels = Vec::new();
    loop {
        text = text.trim_start_matches([',', ' ']);
        if let Some(after) = text.strip_prefix('}') {
            return Some((labels, after));
        }
        let equals = text.find('=')?;
        let key = text[..equals].trim().to_owned();
        let quoted = text[equals + 1..].strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        let end = loop {
            match chars.next()? {
                (at, '"') => break at,
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    escaped => value.push(escaped),
                },
                (_, character) => value.push(character),
            }
        };
        labels.push((key, value));
        text = &quoted[end + 1..];
    }
}

pub(super) fn to_json(samples: &[Sample]) -> Value {
    let samples = samples
        .iter()
        .map(|sample| {
            let labels: Map<String, Value> = sample
                .labels
                .iter()
                .map(|(key, value)| (key.clone(), Value::from(value.as_str())))
                .collect();
            let mut object = Map::new();
            object.insert("name".into(), sample.name.as_str().into());
            object.insert("labels".into(), labels.into());
            // JSON has no NaN or infinity: they are `null`.
            object.insert("value".into(), Value::from(sample.value));
            Value::Object(object)
        })
        .collect();
    let mut root = Map::new();
    root.insert("samples".into(), Value::Array(samples));
    Value::Object(root)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_counters_summaries_and_escapes() {
        let text = "# TYPE a counter\na 3\nb{x=\"1\",y=\"q\\\"uo\\\\te\"} 0.5\nc{quantile=\"0.5\"} NaN\nd +Inf\nbroken{x=\"1\" 2\n\n";
        let samples = parse(text);
        assert_eq!(samples.len(), 4);
        assert_eq!((samples[0].name.as_str(), samples[0].value), ("a", 3.0));
        assert_eq!(samples[1].label("y"), Some("q\"uo\\te"));
        assert_eq!(samples[1].value, 0.5);
        assert!(samples[2].value.is_nan());
        assert_eq!(samples[3].value, f64::INFINITY);
    }
}
