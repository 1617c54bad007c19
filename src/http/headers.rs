//! Headers every answer carries, and the Content-Security-Policy of HTML pages.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// JSON answers: nothing in them may run or be framed.
const JSON_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// `X-Content-Type-Options: nosniff` on every answer; `Cache-Control: no-store` on answers
/// about credentials (`/auth/…`, `/users…`: tokens, who is who); a CSP that allows nothing
/// on answers that set none themselves (pages set theirs with [`html_page`]).
pub async fn security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let credentials = path.starts_with("/auth/") || path == "/users" || path.starts_with("/users/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if credentials {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(JSON_CSP),
        );
    }
    res
}

/// The policy of a page served by this server: scripts, styles, images, fonts and requests
/// from this origin only (no remote origin at all); inline scripts only those the page itself
/// contains, by their SHA-256; inline styles allowed (API reference renderers set styles from
/// script); no plugins, no framing, no form posts elsewhere.
pub fn page_csp(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
    )
}

/// The bodies of the page's inline `<script>` elements (those without `src`).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find("<script")?;
            let after = &rest[open..];
            let tag_end = after.find('>')?;
            let tag = &after[..tag_end];
            let body_start = open + tag_end + 1;
            let close = rest[body_start..].find("</script>")?;
            let body = &rest[body_start..body_start + close];
            rest = &rest[body_start + close + "</script>".len()..];
            if !tag.contains("src=") {
                return Some(body);
            }
        }
    })
}

/// An HTML page with its own strict [`page_csp`].
pub fn html_page(html: &'static str) -> Response {
    let mut res = Html(html).into_response();
    if let Ok(v) = HeaderValue::from_str(&page_csp(html)) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_only() {
        let html = "<p>x</p><script>alert(1)</script><script src=\"/a.js\"></script>\
                    <script type=\"module\">go()</script>";
        let scripts: Vec<_> = inline_scripts(html).collect();
        assert_eq!(scripts, ["alert(1)", "go()"]);
        let csp = page_csp(html);
        assert!(csp.contains("script-src 'self' 'sha256-"), "{csp}");
        assert_eq!(csp.matches("'sha256-").count(), 2);
        assert!(!csp.contains("http"), "no remote origin: {csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
    }
}
