//! The API's print queries: a boolean stack, one value pushed per `?` word,
//! `?#` words combining them, everything left on the stack ANDed at the end.

use std::cmp::Ordering;

use crate::model::parse_bool;

/// A row lookup: property name to printed value.
pub trait Props {
    fn prop(&self, name: &str) -> Option<&str>;
}

impl Props for [(String, String)] {
    fn prop(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn is_bool_word(v: &str) -> bool {
    matches!(v, "true" | "false" | "yes" | "no")
}

/// Booleans print as `true`/`false` but queries may say `yes`/`no`.
fn equal(actual: &str, wanted: &str) -> bool {
    if is_bool_word(actual) && is_bool_word(wanted) {
        parse_bool(actual) == parse_bool(wanted)
    } else {
        actual == wanted
    }
}

fn compare(actual: &str, wanted: &str) -> Ordering {
    match (actual.parse::<i64>(), wanted.parse::<i64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => actual.cmp(wanted),
    }
}

fn split_pair(s: &str) -> (&str, &str) {
    s.split_once('=').unwrap_or((s, ""))
}

/// Evaluates query words (without the leading `?`) against a row.
pub fn matches<R: Props + ?Sized>(queries: &[String], row: &R) -> bool {
    let mut stack: Vec<bool> = Vec::new();
    for q in queries {
        if let Some(ops) = q.strip_prefix('#') {
            apply_ops(ops, &mut stack);
            continue;
        }
        let value = if let Some(name) = q.strip_prefix('-') {
            row.prop(name).is_none()
        } else if let Some(rest) = q.strip_prefix('<') {
            let (name, v) = split_pair(rest);
            row.prop(name)
                .is_some_and(|a| compare(a, v) == Ordering::Less)
        } else if let Some(rest) = q.strip_prefix('>') {
            let (name, v) = split_pair(rest);
            row.prop(name)
                .is_some_and(|a| compare(a, v) == Ordering::Greater)
        } else if let Some(rest) = q.strip_prefix('=') {
            // librouteros writes `?=name=x`.
            let (name, v) = split_pair(rest);
            row.prop(name).is_some_and(|a| equal(a, v))
        } else if let Some((name, v)) = q.split_once('=') {
            row.prop(name).is_some_and(|a| equal(a, v))
        } else {
            row.prop(q).is_some()
        };
        stack.push(value);
    }
    stack.iter().all(|b| *b)
}

/// `!` not, `&` and, `|` or, `.` duplicate top, digit = push a copy of that
/// stack entry (counted from the bottom). Operators missing operands are ignored.
fn apply_ops(ops: &str, stack: &mut Vec<bool>) {
    for op in ops.chars() {
        match op {
            '!' => {
                if let Some(top) = stack.last_mut() {
                    *top = !*top;
                }
            }
            '&' | '|' if stack.len() >= 2 => {
                let b = stack.pop().unwrap_or(true);
                let a = stack.pop().unwrap_or(true);
                stack.push(if op == '&' { a && b } else { a || b });
            }
            '.' => {
                if let Some(top) = stack.last().copied() {
                    stack.push(top);
                }
            }
            d if d.is_ascii_digit() => {
                let idx = d.to_digit(10).unwrap_or(0) as usize;
                if let Some(v) = stack.get(idx).copied() {
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn q(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn query_forms() {
        let r = row(&[
            (".id", "*1"),
            ("name", "alice"),
            ("disabled", "true"),
            ("limit-bytes-in", "10"),
        ]);
        let r = r.as_slice();
        assert!(matches(&q(&["name=alice"]), r));
        assert!(matches(&q(&["=name=alice"]), r));
        assert!(!matches(&q(&["name=bob"]), r));
        assert!(matches(&q(&["disabled=yes"]), r));
        assert!(!matches(&q(&["disabled=no"]), r));
        assert!(matches(&q(&["name"]), r));
        assert!(matches(&q(&["-comment"]), r));
        assert!(!matches(&q(&["-name"]), r));
        assert!(!matches(&q(&["<limit-bytes-in=9"]), r));
        assert!(matches(&q(&["<limit-bytes-in=11"]), r));
        assert!(matches(&q(&[">limit-bytes-in=9"]), r));
        assert!(matches(&q(&["name=bob", "name=alice", "#|"]), r));
        assert!(!matches(&q(&["name=bob", "name=alice", "#&"]), r));
        assert!(matches(&q(&["name=bob", "#!"]), r));
        assert!(matches(&q(&[]), r));
    }
}
