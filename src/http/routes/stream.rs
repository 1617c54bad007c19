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
    head: Option<String>,
    pending: Option<Vec<T>>,
    last: Option<K>,
    written: bool,
    done: bool,
    chunk: usize,
    key: fn(&T) -> K,
    fetch: F,
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
    let state = State {
        head: Some(head),
        pending: Some(first),
        last: None,
        written: false,
        done: false,
        chunk: usize::try_from(chunk).unwrap_or(1).max(1),
        key,
        fetch,
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
        let mut buf = st.head.take().map(String::into_bytes).unwrap_or_default();
        for row in &rows {
            if st.written {
                buf.push(b',');
            }
            st.written = true;
            if let Err(e) = serde_json::to_writer(&mut buf, row) {
                st.done = true;
                return Some((Err(std::io::Error::other(e)), st));
            }
        }
        if rows.len() < st.chunk {
            buf.extend_from_slice(b"]}");
            st.done = true;
        } else {
            st.last = rows.last().map(st.key);
        }
        Some((Ok::<_, std::io::Error>(Bytes::from(buf)), st))
    });
    let mut res = Response::new(Body::from_stream(body));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
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
