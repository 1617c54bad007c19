//! Listings sent whole: the original system's list routes answer every row when no page is
//! asked for. The rows are read in key order, a chunk at a time (each chunk its own short read
//! transaction, `key > last key of the previous chunk`), and written to the body as they come,
//! so memory holds one chunk whatever the table's size.
//!
//! The body is the same JSON as a page's (`{"message": …, "data": [ … ]}` or
//! `{"data": [ … ]}`). The first chunk is read before the answer starts, so a failure there
//! is an ordinary error answer; a failure later cuts the body short (the JSON is then
//! incomplete, which no client can mistake for a whole list) and is logged.

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Serialize;

use crate::service::AppError;

/// Rows read per chunk.
pub const CHUNK: i64 = 500;

/// The start of `{"message": …, "data": [`.
pub fn envelope_head(message: &str) -> String {
    let message = serde_json::to_string(message).unwrap_or_else(|_| "\"\"".into());
    format!("{{\"message\":{message},\"data\":[")
}

/// The start of `{"data": [`.
pub fn data_head() -> String {
    "{\"data\":[".into()
}

struct State<T, K, F> {
    head: Option<Vec<u8>>,
    pending: Option<Vec<T>>,
    last: Option<K>,
    written: bool,
    done: bool,
    chunk: usize,
    key: fn(&T) -> K,
    fetch: F,
    format: Format<T>,
}

/// How rows are written: JSON values between a head and `]}`, comma-separated; or CSV
/// records after a header line.
enum Format<T> {
    Json(fn(&T, &mut Vec<u8>) -> std::io::Result<()>),
    Csv(fn(&T) -> Vec<String>),
}

/// Appends `records` to `out` as CSV lines (RFC 4180), every cell quoted so that a
/// spreadsheet splitting on `;` cannot start a cell inside one (see `reports::text_cell`): the
/// one CSV writer of the answers, streamed or whole.
pub fn csv_lines<R, C>(out: &mut Vec<u8>, records: R) -> std::io::Result<()>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(out);
    for r in records {
        w.write_record(r).map_err(std::io::Error::other)?;
    }
    w.flush()
}

fn json_value<T: Serialize>(row: &T, buf: &mut Vec<u8>) -> std::io::Result<()> {
    serde_json::to_writer(buf, row).map_err(std::io::Error::other)
}

impl<T> Format<T> {
    fn write(&self, rows: &[T], written: &mut bool, buf: &mut Vec<u8>) -> std::io::Result<()> {
        match self {
            Format::Json(value) => {
                for row in rows {
                    if *written {
                        buf.push(b',');
                    }
                    *written = true;
                    value(row, buf)?;
                }
            }
            Format::Csv(cells) => csv_lines(buf, rows.iter().map(cells))?,
        }
        Ok(())
    }

    fn tail(&self) -> &'static [u8] {
        match self {
            Format::Json(_) => b"]}",
            Format::Csv(_) => b"",
        }
    }

    fn content_type(&self) -> &'static str {
        match self {
            Format::Json(_) => "application/json",
            Format::Csv(_) => "text/csv; charset=utf-8",
        }
    }
}

/// The answer `head`, the rows of `first` and of every later chunk, `]}`. `first` is the first
/// chunk (up to `chunk` rows); `fetch(k)` reads the next one after key `k`; a chunk shorter
/// than `chunk` is the last.
pub fn json_rows<T, K, F, Fut>(
    head: String,
    first: Vec<T>,
    chunk: i64,
    key: fn(&T) -> K,
    fetch: F,
) -> Response
where
    T: Serialize + Send + 'static,
    K: Send + 'static,
    F: FnMut(K) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let format = Format::Json(json_value::<T>);
    rows_body(format, head.into_bytes(), first, chunk, key, fetch)
}

/// As [`json_rows`], as CSV: the `header` line (RFC 4180 quoting), then a record of `cells`
/// for each row.
pub fn csv_rows<T, K, F, Fut>(
    header: &[&str],
    cells: fn(&T) -> Vec<String>,
    first: Vec<T>,
    chunk: i64,
    key: fn(&T) -> K,
    fetch: F,
) -> Response
where
    T: Send + 'static,
    K: Send + 'static,
    F: FnMut(K) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let mut head = Vec::new();
    // Writing to memory fails only on a record of another length, which one line is not.
    let _ = csv_lines(&mut head, [header]);
    rows_body(Format::Csv(cells), head, first, chunk, key, fetch)
}

fn rows_body<T, K, F, Fut>(
    format: Format<T>,
    head: Vec<u8>,
    first: Vec<T>,
    chunk: i64,
    key: fn(&T) -> K,
    fetch: F,
) -> Response
where
    T: Send + 'static,
    K: Send + 'static,
    F: FnMut(K) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let content_type = format.content_type();
    let state = State {
        head: Some(head),
        pending: Some(first),
        last: None,
        written: false,
        done: false,
        chunk: usize::try_from(chunk).unwrap_or(1).max(1),
        key,
        fetch,
        format,
    };
    let body = futures_util::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        let rows = match st.pending.take() {
            Some(rows) => rows,
            None => {
                let last = st.last.take()?;
                match (st.fetch)(last).await {
                    Ok(rows) => rows,
                    Err(e) => {
                        tracing::error!(error = %e, "a streamed listing failed part-way");
                        st.done = true;
                        return Some((Err(std::io::Error::other("the listing failed")), st));
                    }
                }
            }
        };
        let mut buf = st.head.take().unwrap_or_default();
        if let Err(e) = st.format.write(&rows, &mut st.written, &mut buf) {
            st.done = true;
            return Some((Err(e), st));
        }
        if rows.len() < st.chunk {
            buf.extend_from_slice(st.format.tail());
            st.done = true;
        } else {
            st.last = rows.last().map(st.key);
        }
        Some((Ok::<_, std::io::Error>(Bytes::from(buf)), st))
    });
    let mut res = Response::new(Body::from_stream(body));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn collect(res: Response) -> String {
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    async fn listing(n: i64, chunk: i64) -> String {
        let rows = move |after: i64| (after + 1..=n).take(chunk as usize).collect::<Vec<i64>>();
        let res = json_rows(
            envelope_head("All \"rows\""),
            rows(0),
            chunk,
            |r| *r,
            move |a| {
                let next = rows(a);
                async move { Ok(next) }
            },
        );
        collect(res).await
    }

    #[tokio::test]
    async fn every_chunk_then_the_end() {
        for (n, chunk) in [(0, 2), (1, 2), (2, 2), (5, 2), (6, 3), (7, 500)] {
            let text = listing(n, chunk).await;
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let want: Vec<i64> = (1..=n).collect();
            assert_eq!(v["data"], serde_json::json!(want), "{n} rows by {chunk}");
            assert_eq!(v["message"], "All \"rows\"");
        }
    }

    #[tokio::test]
    async fn csv_is_a_header_then_a_record_per_row_over_chunks() {
        let rows = |after: i64| (after + 1..=5).take(2).collect::<Vec<i64>>();
        let res = csv_rows(
            &["n", "twice"],
            |r: &i64| vec![r.to_string(), format!("\"{}\", x", r * 2)],
            rows(0),
            2,
            |r| *r,
            move |a| {
                let next = rows(a);
                async move { Ok(next) }
            },
        );
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let text = collect(res).await;
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rd.headers().unwrap(), vec!["n", "twice"]);
        let got: Vec<Vec<String>> = rd
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(got.len(), 5);
        assert_eq!(got[4], ["5", "\"10\", x"]);
    }

    #[tokio::test]
    async fn a_failure_part_way_cuts_the_body_short() {
        let res = json_rows(
            data_head(),
            vec![1i64, 2],
            2,
            |r| *r,
            |_| async { Err::<Vec<i64>, _>(AppError::NotFound("gone".into())) },
        );
        assert!(res.into_body().collect().await.is_err());
    }
}
