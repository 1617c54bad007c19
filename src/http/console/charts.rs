//! Charts drawn as SVG on the server: grouped bars and lines over a few categories (months).
//!
//! No script and no inline style: colours come from the classes (`series-0`, `series-1`…)
//! in `console.css`; geometry is in presentation attributes. Each chart has a `<title>` and a
//! `<desc>` (named by `aria-labelledby`); the page puts the figures beside it as a table for
//! those who cannot see the picture. Values are whole numbers (money in minor units, counts);
//! only the drawing's coordinates are computed, exactly, in integers.

use std::fmt::Write;

/// One series: its CSS class suffix and its values, one per category.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: &'a [i64],
}

/// What every chart has: an id, its words, the categories' labels, and how a value is
/// written on the axis.
pub struct Chart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub categories: &'a [String],
    pub series: &'a [Series<'a>],
    pub format: &'a dyn Fn(i64) -> String,
}

const WIDTH: i64 = 640;
const HEIGHT: i64 = 260;
const LEFT: i64 = 96;
const RIGHT: i64 = 8;
const TOP: i64 = 12;
const BOTTOM: i64 = 32;

/// The axis's range: from the smallest value or zero to the largest value or zero, the top
/// rounded up (and a negative bottom down) to 1, 2 or 5 times a power of ten; never empty.
pub fn range(values: impl IntoIterator<Item = i64>) -> (i64, i64) {
    let (mut lo, mut hi) = (0i64, 0i64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let hi = nice(hi);
    let lo = -nice(lo.saturating_neg());
    if hi == lo { (lo, lo + 1) } else { (lo, hi) }
}

/// The smallest of 1, 2, 5, 10, 20, 50… at or above `v` (0 for 0 and below).
pub fn nice(v: i64) -> i64 {
    if v <= 0 {
        return 0;
    }
    let mut step: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            if let Some(n) = step.checked_mul(m)
                && n >= v
            {
                return n;
            }
        }
        match step.checked_mul(10) {
            Some(s) => step = s,
            None => return i64::MAX,
        }
    }
}

/// The y coordinate of `v` on an axis from `lo` to `hi` drawn from `TOP` to `HEIGHT - BOTTOM`.
pub fn y_of(v: i64, (lo, hi): (i64, i64)) -> i64 {
    let plot = i128::from(HEIGHT - TOP - BOTTOM);
    let span = i128::from(hi) - i128::from(lo);
    let v = i128::from(v.clamp(lo, hi));
    let from_top = (i128::from(hi) - v) * plot / span.max(1);
    TOP + i64::try_from(from_top).unwrap_or(0)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The frame: the svg element, its title and description, the axis with its bottom, zero and
/// top labels, and the categories' labels under their slots.
fn frame(c: &Chart, axis: (i64, i64), body: &str) -> String {
    let (lo, hi) = axis;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="{id}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>"#,
        id = esc(c.id),
        t = esc(c.title),
        d = esc(c.desc),
    );
    let mut ticks = vec![lo, hi];
    if lo < 0 {
        ticks.push(0);
    }
    for v in ticks {
        let y = y_of(v, axis);
        let _ = write!(
            s,
            r#"<line class="grid" x1="{LEFT}" y1="{y}" x2="{x2}" y2="{y}"/><text class="tick" x="{x}" y="{ty}" text-anchor="end">{label}</text>"#,
            x2 = WIDTH - RIGHT,
            x = LEFT - 6,
            ty = y + 4,
            label = esc(&(c.format)(v)),
        );
    }
    let n = i64::try_from(c.categories.len()).unwrap_or(0);
    for (i, label) in c.categories.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let x = slot_x(i, n) + slot_w(n) / 2;
        let _ = write!(
            s,
            r#"<text class="category" x="{x}" y="{y}" text-anchor="middle">{l}</text>"#,
            y = HEIGHT - BOTTOM + 18,
            l = esc(label),
        );
    }
    s.push_str(body);
    s.push_str("</svg>");
    s
}

fn slot_w(n: i64) -> i64 {
    (WIDTH - LEFT - RIGHT) / n.max(1)
}

fn slot_x(i: i64, n: i64) -> i64 {
    LEFT + i * slot_w(n)
}

/// Grouped bars: in each category's slot, one bar per series, from zero to the value.
pub fn bars(c: &Chart) -> String {
    let axis = range(c.series.iter().flat_map(|s| s.values.iter().copied()));
    let n = i64::try_from(c.categories.len()).unwrap_or(0);
    let per = i64::try_from(c.series.len()).unwrap_or(1).max(1);
    let w = slot_w(n);
    let bar_w = ((w - 6) / per).max(1);
    let zero = y_of(0, axis);
    let mut body = String::new();
    for (k, s) in c.series.iter().enumerate() {
        let k64 = i64::try_from(k).unwrap_or(0);
        for (i, &v) in s.values.iter().enumerate().take(c.categories.len()) {
            let i = i64::try_from(i).unwrap_or(0);
            let x = slot_x(i, n) + 3 + k64 * bar_w;
            let y = y_of(v, axis);
            let (top, h) = if y <= zero {
                (y, zero - y)
            } else {
                (zero, y - zero)
            };
            let _ = write!(
                body,
                r#"<rect class="bar series-{k}" data-series="{name}" x="{x}" y="{top}" width="{bw}" height="{h}"><title>{label}: {value}</title></rect>"#,
                name = esc(s.name),
                bw = (bar_w - 2).max(1),
                label = esc(&c.categories[usize::try_from(i).unwrap_or(0)]),
                value = esc(&(c.format)(v)),
            );
        }
    }
    frame(c, axis, &body)
}

/// Lines: each series a polyline through a point per category, with a marker on each point.
pub fn lines(c: &Chart) -> String {
    let axis = range(c.series.iter().flat_map(|s| s.values.iter().copied()));
    let n = i64::try_from(c.categories.len()).unwrap_or(0);
    let w = slot_w(n);
    let mut body = String::new();
    for (k, s) in c.series.iter().enumerate() {
        let pts: Vec<(i64, i64, i64)> = s
            .values
            .iter()
            .enumerate()
            .take(c.categories.len())
            .map(|(i, &v)| {
                let i = i64::try_from(i).unwrap_or(0);
                (slot_x(i, n) + w / 2, y_of(v, axis), v)
            })
            .collect();
        if pts.len() > 1 {
            let list: Vec<String> = pts.iter().map(|(x, y, _)| format!("{x},{y}")).collect();
            let _ = write!(
                body,
                r#"<polyline class="line series-{k}" fill="none" points="{}"/>"#,
                list.join(" ")
            );
        }
        for (i, (x, y, v)) in pts.iter().enumerate() {
            let _ = write!(
                body,
                r#"<circle class="point series-{k}" data-series="{name}" cx="{x}" cy="{y}" r="4"><title>{label}: {value}</title></circle>"#,
                name = esc(s.name),
                label = esc(&c.categories[i]),
                value = esc(&(c.format)(*v)),
            );
        }
    }
    frame(c, axis, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart<'a>(cats: &'a [String], series: &'a [Series<'a>]) -> Chart<'a> {
        Chart {
            id: "c",
            title: "T <&>",
            desc: "D",
            categories: cats,
            series,
            format: &|v| v.to_string(),
        }
    }

    #[test]
    fn nice_rounds_up_to_one_two_or_five() {
        assert_eq!(nice(0), 0);
        assert_eq!(nice(-3), 0);
        assert_eq!(nice(1), 1);
        assert_eq!(nice(3), 5);
        assert_eq!(nice(7), 10);
        assert_eq!(nice(11), 20);
        assert_eq!(nice(150_000), 200_000);
        assert_eq!(nice(i64::MAX), i64::MAX);
    }

    #[test]
    fn range_holds_zero_and_is_never_empty() {
        assert_eq!(range([]), (0, 1));
        assert_eq!(range([0, 0]), (0, 1));
        assert_eq!(range([3, 80]), (0, 100));
        assert_eq!(range([-30, 8]), (-50, 10));
        assert_eq!(range([-3, -1]), (-5, 0));
    }

    #[test]
    fn scale_maps_ends_to_the_plot_edges() {
        let axis = (0, 100);
        assert_eq!(y_of(100, axis), TOP);
        assert_eq!(y_of(0, axis), HEIGHT - BOTTOM);
        assert_eq!(y_of(50, axis), TOP + (HEIGHT - TOP - BOTTOM) / 2);
        // Outside the axis: clamped to it.
        assert_eq!(y_of(500, axis), TOP);
        assert_eq!(y_of(i64::MIN, (i64::MIN, i64::MAX)), HEIGHT - BOTTOM);
    }

    #[test]
    fn bars_one_per_series_and_category() {
        let cats: Vec<String> = (1..=12).map(|m| format!("M{m}")).collect();
        let a: Vec<i64> = (1..=12).collect();
        let b = vec![0i64; 12];
        let series = [
            Series {
                name: "a",
                values: &a,
            },
            Series {
                name: "b",
                values: &b,
            },
        ];
        let svg = bars(&chart(&cats, &series));
        assert_eq!(svg.matches("<rect class=\"bar").count(), 24);
        assert!(svg.contains("<title id=\"c-title\">T &lt;&amp;&gt;</title>"));
        assert!(!svg.contains("style="));
        // A zero value is a bar of no height on the zero line.
        assert!(svg.contains(&format!("y=\"{}\" width", HEIGHT - BOTTOM)));
    }

    #[test]
    fn negative_values_hang_below_zero() {
        let cats = vec!["x".to_owned()];
        let v = [-10i64];
        let series = [Series {
            name: "a",
            values: &v,
        }];
        let svg = bars(&chart(&cats, &series));
        let zero = y_of(0, (-10, 0));
        assert_eq!(zero, TOP);
        assert!(svg.contains(&format!("y=\"{zero}\"")), "{svg}");
        assert!(svg.contains(&format!("height=\"{}\"", HEIGHT - BOTTOM - TOP)));
    }

    #[test]
    fn empty_data_draws_an_empty_frame() {
        let svg = lines(&chart(&[], &[]));
        assert!(svg.starts_with("<svg id=\"c\""));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 0);
        let cats = vec!["a".to_owned(), "b".to_owned()];
        let v = [0i64, 0];
        let series = [Series {
            name: "a",
            values: &v,
        }];
        let svg = lines(&chart(&cats, &series));
        assert_eq!(svg.matches("<circle class=\"point").count(), 2);
        assert_eq!(svg.matches("<polyline").count(), 1);
    }
}
