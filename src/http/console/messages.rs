//! The client page's messages part: how the client is reached (email, language of messages,
//! opt-out per channel), through `service::notifications::set_contact` as
//! `PUT /client/{id}/contact` does, and the latest messages queued for them with what became
//! of each (`GET /client/{id}/notifications`).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use maud::{Markup, html};
use serde::Deserialize;

use super::billing_kit as kit;
use super::clients::{Refused, answered, posted_to};
use super::session::{Ctx, Posted};
use super::ui::{self, FormErrors, Input, csrf_field, t};
use crate::app::AppState;
use crate::domain::ids::ClientId;
use crate::domain::notify::{Contact, ContactDraft, Delivery};
use crate::i18n::Catalog;
use crate::service::notifications as svc;
use crate::storage::repo::notifications::Notice;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/clients/{id}/contact", post(change))
}

/// The contact form as typed; an unchecked box is absent.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ContactForm {
    email: Option<String>,
    language: Option<String>,
    whatsapp_opt_out: Option<String>,
    email_opt_out: Option<String>,
}

impl ContactForm {
    pub fn of(c: &Contact) -> ContactForm {
        let checked = |b: bool| b.then(|| "true".to_owned());
        ContactForm {
            email: c.email.clone(),
            language: c.language.clone(),
            whatsapp_opt_out: checked(c.whatsapp_opt_out),
            email_opt_out: checked(c.email_opt_out),
        }
    }

    /// Blank email or language clears it; every field is sent, so every field is set.
    fn draft(&self) -> ContactDraft {
        ContactDraft {
            email: Some(kit::typed(&self.email).map(str::to_owned)),
            language: Some(kit::typed(&self.language).map(str::to_owned)),
            whatsapp_opt_out: Some(self.whatsapp_opt_out.is_some()),
            email_opt_out: Some(self.email_opt_out.is_some()),
        }
    }
}

/// The messages section of the client page.
pub fn section(
    ctx: &Ctx,
    id: ClientId,
    log: &[Notice],
    form: &ContactForm,
    errors: &FormErrors,
) -> Markup {
    let label = |group: &str, code: &str| Catalog::global().label(ctx.lang, group, code);
    let mut languages = vec![(String::new(), t(ctx, "clients-messages-language-default"))];
    languages.extend(
        crate::i18n::Lang::ALL
            .iter()
            .map(|l| (l.code().to_owned(), l.native_name().to_owned())),
    );
    let check = |name: &str, on: bool| {
        let id = format!("f-{name}");
        html! {
            div.field.check {
                input id=(id) type="checkbox" name=(name) value="true" checked[on];
                label for=(id) { (Catalog::global().field_label(ctx.lang, name)) }
            }
        }
    };
    html! {
        section.card #messages-section aria-labelledby="messages-h" {
            h2 #messages-h { (t(ctx, "clients-messages")) }
            (errors.banner(ctx))
            @if ctx.role().manages_clients() {
                form #contact-form method="post" action=(format!("/console/clients/{id}/contact")) {
                    (csrf_field(ctx))
                    (ui::field(ctx, "email", Input::Email, form.email.as_deref().unwrap_or(""), errors, false))
                    (ui::select(ctx, "language", &languages, form.language.as_deref().unwrap_or(""), errors))
                    (check("whatsapp_opt_out", form.whatsapp_opt_out.is_some()))
                    (check("email_opt_out", form.email_opt_out.is_some()))
                    p.muted.hint { (t(ctx, "clients-messages-hint")) }
                    div.actions {
                        button #save-contact type="submit" { (t(ctx, "action-save")) }
                    }
                }
            }
            @if log.is_empty() {
                p.muted #message-log-empty { (t(ctx, "clients-messages-none")) }
            } @else {
                table #message-log {
                    thead { tr {
                        th { (t(ctx, "clients-messages-at")) }
                        th { (t(ctx, "clients-messages-event")) }
                        th { (t(ctx, "clients-messages-channel")) }
                        th { (t(ctx, "clients-messages-status")) }
                        th { (t(ctx, "clients-messages-detail")) }
                    } }
                    tbody {
                        @for n in log {
                            tr data-status=(n.status.as_str()) {
                                td { (ui::datetime(ctx, n.sent_at.unwrap_or(n.created_at))) }
                                td { (label("message-event", n.event.as_str())) }
                                td { (label("message-channel", n.channel.as_str())) }
                                td { span class=(format!("badge badge-{}", n.status.as_str())) { (label("message-status", n.status.as_str())) } }
                                td {
                                    @if let Some(to) = &n.recipient { (to) " " }
                                    @if let Some(e) = &n.last_error { span.muted { (e) } }
                                    @if n.status == Delivery::Pending && n.attempts > 0 {
                                        " · " (ui::datetime(ctx, n.next_attempt_at))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /console/clients/{id}/contact`: back to the client page, or the page again with the
/// error next to its field.
async fn change(
    State(app): State<AppState>,
    Path(raw): Path<String>,
    posted: Posted<ContactForm>,
) -> Response {
    let ctx = posted.ctx;
    let (id, form) = match posted_to(&app, &ctx, &raw, posted.form, Refused::Contact).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let result = svc::set_contact(&app, ctx.actor(), id, &form.draft()).await;
    answered(&app, &ctx, id, result, "messages-section", |e| {
        Refused::Contact(form, e)
    })
    .await
}
