//! The notice page: what a client cut off in `isolate` mode sees instead of the site they
//! asked for. It knows them by their address (see `service::notice`), says their service is
//! paused and why, what they owe, and lets them pay online at once; they can also sign in to
//! the portal. Its forms carry a token bound to the address and the client, so another site
//! cannot make a visitor's browser start a payment.

use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::billing::online::Gateway;
use crate::domain::ids::InvoiceId;
use crate::domain::money::Money;
use crate::http::console::ui::{head, html_response};
use crate::http::extract::{ClientIp, decode_pairs};
use crate::i18n::format::{Currency, DateStyle, format_date, format_money};
use crate::i18n::{Arg, Catalog, Lang, t, t_args};
use crate::security::constant_time_eq;
use crate::service::AppError;
use crate::service::notice as svc;

const TOKEN_FIELD: &str = "notice_token";

/// The pay forms' token: the address and the client, keyed by the server's secret.
fn token(app: &AppState, ip: IpAddr, client: crate::domain::ids::ClientId) -> String {
    app.secrets.digest(&format!("notice:{ip}:{client}"))
}

struct Ctx {
    lang: Lang,
    currency: Currency,
    provider: String,
    /// Where the portal is: `public_url`'s when set, else this listener's.
    portal: String,
}

impl Ctx {
    fn new(app: &AppState, headers: &HeaderMap) -> Ctx {
        let settings = app.settings();
        Ctx {
            lang: crate::http::signin::visitor_lang(headers, &settings, None),
            currency: Currency::parse(&settings.currency).unwrap_or(Currency::Idr),
            provider: settings.provider_name.clone(),
            portal: if app.config.public_url.trim().is_empty() {
                "/portal/".to_owned()
            } else {
                format!("{}/portal/", app.config.public_base())
            },
        }
    }

    fn money(&self, m: Money) -> String {
        format_money(m, self.currency, self.lang)
    }

    fn frame(&self, status: StatusCode, body: Markup) -> Response {
        let lang = self.lang;
        let title = t(lang, "portal-notice-title");
        html_response(
            status,
            html! {
                (DOCTYPE)
                html lang=(lang.code()) {
                    (head(lang, &title))
                    body.portal.notice-page {
                        main #main {
                            h1 { (self.provider) }
                            section.card #notice { (body) }
                            p { a.button #notice-portal href=(self.portal) { (t(lang, "portal-notice-sign-in")) } }
                        }
                    }
                }
            },
        )
    }

    fn refusal(&self, e: &AppError) -> Response {
        let lang = self.lang;
        let (status, text) = super::pages::refusal(lang, e);
        self.frame(
            status,
            html! {
                p.alert role="alert" #notice-error { (text) }
                p { a href="/notice" { (t(lang, "portal-notice-back")) } }
            },
        )
    }
}

/// `GET /notice` (and `/` on `notice_listen`).
pub async fn page(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let ctx = Ctx::new(&app, &headers);
    let lang = ctx.lang;
    let found = match ip {
        Some(ip) => svc::page(&app, ip).await.map(|n| (ip, n)),
        None => Ok((std::net::Ipv4Addr::UNSPECIFIED.into(), svc::Notice::Unknown)),
    };
    let (ip, home) = match found {
        Ok((ip, svc::Notice::CutOff(home))) if !home.open.is_empty() => (ip, home),
        Ok((_, svc::Notice::Unknown)) => {
            return ctx.frame(
                StatusCode::OK,
                html! { p #notice-unknown { (t(lang, "portal-notice-unknown")) } },
            );
        }
        // Not cut off, or cut off with nothing left open: being restored. Nothing of theirs
        // is shown to whoever holds the address.
        Ok(_) => {
            return ctx.frame(
                StatusCode::OK,
                html! { p #notice-restoring { (t(lang, "portal-notice-restoring")) } },
            );
        }
        Err(e) => return ctx.refusal(&e),
    };
    let form_token = token(&app, ip, home.client.id);
    let gateways = app.gateways.available();
    let bank = app.config.portal_bank_transfer.trim();
    let body = html! {
        h2 #notice-who { (t_args(lang, "portal-hello", &[("name", Arg::from(home.client.name.as_str()))])) }
        p.alert #notice-paused { (t(lang, "portal-notice-paused")) }
        p.owed-total {
            (t(lang, "portal-owed")) " "
            strong #notice-owed { (ctx.money(home.owed)) }
        }
        ul.cashier-list #notice-invoices {
            @for i in &home.open {
                li {
                    strong { (i.number()) } " · " (ctx.money(i.outstanding())) " "
                    span.muted { (t_args(lang, "portal-due", &[("date", Arg::from(format_date(i.due_date, lang, DateStyle::Medium)))])) }
                    @for g in &gateways {
                        form.pay-form method="post" action="/notice/pay" {
                            input type="hidden" name=(TOKEN_FIELD) value=(form_token);
                            input type="hidden" name="invoice_id" value=(i.id.to_string());
                            input type="hidden" name="gateway" value=(g.as_str());
                            button.primary.big type="submit" id=(format!("notice-pay-{}-{}", i.id, g.as_str())) {
                                (t_args(lang, "portal-pay-with", &[("gateway", Arg::from(Catalog::global().label(lang, "online-gateway", g.as_str())))]))
                            }
                        }
                    }
                }
            }
        }
        @if gateways.is_empty() {
            p.muted { (t(lang, "portal-no-gateway")) }
        }
        @if !bank.is_empty() {
            h2 { (t(lang, "payment-method-bank-transfer")) }
            p #bank-details { (bank) }
        }
    };
    ctx.frame(StatusCode::OK, body)
}

#[derive(Deserialize)]
pub struct PayForm {
    notice_token: String,
    invoice_id: i64,
    gateway: Gateway,
}

/// `POST /notice/pay`: starts the payment, then a page with the link to the gateway's (a
/// form may only lead to this site).
pub async fn pay(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctx = Ctx::new(&app, &headers);
    let lang = ctx.lang;
    let form: PayForm = match decode_pairs(&body, false, "body") {
        Ok(f) => f,
        Err((field, message)) => {
            let field = match field.as_str() {
                "invoice_id" | "gateway" | "notice_token" => field,
                _ => "body".to_owned(),
            };
            return ctx.refusal(&AppError::bad_request(&field, &message));
        }
    };
    let Some(ip) = ip else {
        return ctx.refusal(&AppError::NotFound("invoice".into()));
    };
    let client = match svc::identify(&app, ip).await {
        Ok(Some(c)) => c,
        Ok(None) => return Redirect::to("/notice").into_response(),
        Err(e) => return ctx.refusal(&e),
    };
    let expected = token(&app, ip, client.id);
    if !constant_time_eq(form.notice_token.as_bytes(), expected.as_bytes()) {
        tracing::warn!("notice page POST refused: token missing or wrong");
        return Redirect::to("/notice").into_response();
    }
    let invoice = match form.invoice_id {
        n if n > 0 => InvoiceId(n),
        _ => return ctx.refusal(&AppError::NotFound("invoice".into())),
    };
    match svc::pay(&app, &client, invoice, form.gateway).await {
        Ok(a) => ctx.frame(
            StatusCode::OK,
            html! {
                @if let Some(url) = a.pay_url.as_deref() {
                    p { (t(lang, "portal-payment-waiting")) }
                    p { a.button.primary.big #continue-payment href=(url) rel="noreferrer" {
                        (t(lang, "portal-continue-payment")) " · " (ctx.money(a.amount))
                    } }
                } @else {
                    // A second click while the gateway is still making the first one's page.
                    p #payment-being-made { (t(lang, "portal-notice-payment-being-made")) }
                    p { a href="/notice" { (t(lang, "portal-notice-back")) } }
                }
            },
        ),
        Err(e) => ctx.refusal(&e),
    }
}
