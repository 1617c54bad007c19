//! The client page's collection part: the client's own grace and cut-off action, a promise to
//! pay (admin, operator) and an exemption from cut-off (admin), each through
//! `service::collection::change`, as `PUT /client/{id}/collection`, `/promise` and
//! `/exemption` do. A refused change shows the client page again with the error next to its
//! field.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use maud::{Markup, html};
use serde::Deserialize;

use super::billing_kit as kit;
use super::clients::{Refused, answered, page_for, posted_to};
use super::session::{Ctx, Posted};
use super::ui::{self, FormErrors, Input, csrf_field, date, t, t_args};
use crate::app::AppState;
use crate::domain::billing::collection::{Collection, OverdueAction, TermsDraft};
use crate::i18n::Arg;
use crate::service::collection::{self as svc, Change};

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/clients/{id}/collection", post(change))
}

/// The collection forms as typed; `change` names which form was sent.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct CollectionForm {
    change: Option<String>,
    grace_days: Option<String>,
    overdue_action: Option<String>,
    until: Option<String>,
    reason: Option<String>,
}

impl CollectionForm {
    /// The forms filled with what is stored.
    pub fn of(c: &Collection) -> CollectionForm {
        CollectionForm {
            grace_days: c.terms.grace_days.map(|d| d.to_string()),
            overdue_action: c.terms.overdue_action.map(|a| a.as_str().to_owned()),
            until: c.promised_until.map(|d| d.to_string()),
            ..Default::default()
        }
    }

    /// The service's change; what does not even read is an error next to its field.
    fn change(&self, ctx: &Ctx) -> Result<Change, FormErrors> {
        let mut errors = FormErrors::default();
        let reason = kit::typed(&self.reason).map(str::to_owned);
        let change = match self.change.as_deref() {
            Some("terms") => {
                let grace = kit::read(
                    ctx,
                    &mut errors,
                    "grace_days",
                    kit::typed(&self.grace_days),
                    |s| s.parse::<i64>().ok(),
                );
                Change::Terms(TermsDraft {
                    grace_days: Some(grace),
                    overdue_action: Some(kit::typed(&self.overdue_action).map(str::to_owned)),
                })
            }
            Some("promise") => {
                let until = kit::read(ctx, &mut errors, "until", kit::typed(&self.until), |s| {
                    s.parse().ok()
                });
                if until.is_none() && errors.is_empty() {
                    errors
                        .fields
                        .push(("until".into(), t(ctx, "error-required")));
                }
                Change::Promise { until, reason }
            }
            Some("withdraw-promise") => Change::Promise {
                until: None,
                reason,
            },
            Some("exempt") => Change::Exempt {
                exempt: true,
                reason,
            },
            Some("lift-exemption") => Change::Exempt {
                exempt: false,
                reason,
            },
            _ => {
                errors.general = Some(t(ctx, "error-invalid-value"));
                return Err(errors);
            }
        };
        if errors.is_empty() {
            Ok(change)
        } else {
            Err(errors)
        }
    }
}

/// The choices of `overdue_action` (value, label), for the plan's form and the client's.
pub(super) fn overdue_actions(ctx: &Ctx) -> Vec<(String, String)> {
    OverdueAction::ALL
        .iter()
        .map(|a| {
            let word = a.as_str();
            let key = format!("plans-overdue-{}", word.replace('_', "-"));
            (word.to_owned(), t(ctx, &key))
        })
        .collect()
}

/// The collection section of the client page.
pub fn section(
    ctx: &Ctx,
    id: crate::domain::ids::ClientId,
    c: &Collection,
    form: &CollectionForm,
    errors: &FormErrors,
) -> Markup {
    let action = format!("/console/clients/{id}/collection");
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut actions = vec![(String::new(), t(ctx, "clients-collection-as-plan"))];
    actions.extend(overdue_actions(ctx));
    let today = ctx.settings.today();
    let promised = c.promised_until.filter(|d| *d >= today);
    html! {
        section.card #collection-section aria-labelledby="collection-h" {
            h2 #collection-h { (t(ctx, "clients-collection")) }
            (errors.banner(ctx))
            ul #collection-state {
                @if c.exempt {
                    li #collection-exempt { span.badge.badge-exempt { (t(ctx, "clients-collection-exempt")) } }
                }
                @if let Some(d) = promised {
                    li #collection-promise { (t_args(ctx, "clients-collection-promised", &[("date", Arg::from(date(ctx, d)))])) }
                }
                li {
                    @match c.terms.grace_days {
                        Some(d) => (t_args(ctx, "clients-collection-grace", &[("days", Arg::from(i64::from(d)))])),
                        None => (t(ctx, "clients-collection-grace-plan")),
                    }
                }
            }
            @if ctx.role().manages_clients() {
                form #promise-form method="post" action=(action) {
                    (csrf_field(ctx))
                    input type="hidden" name="change" value="promise";
                    (ui::field(ctx, "until", Input::Date, &v(&form.until), errors, true))
                    (ui::field(ctx, "reason", Input::Text, &v(&form.reason), errors, true))
                    div.actions {
                        button #grant-promise type="submit" { (t(ctx, "clients-collection-grant-promise")) }
                    }
                }
                @if promised.is_some() {
                    form #withdraw-promise-form method="post" action=(action) {
                        (csrf_field(ctx))
                        input type="hidden" name="change" value="withdraw-promise";
                        button #withdraw-promise type="submit" { (t(ctx, "clients-collection-withdraw-promise")) }
                    }
                }
                details #terms-details open[errors.get("grace_days").is_some() || errors.get("overdue_action").is_some()] {
                    summary { (t(ctx, "clients-collection-terms")) }
                    form #terms-form method="post" action=(action) {
                        (csrf_field(ctx))
                        input type="hidden" name="change" value="terms";
                        (ui::field(ctx, "grace_days", Input::Number, &v(&form.grace_days), errors, false))
                        (ui::select(ctx, "overdue_action", &actions, form.overdue_action.as_deref().unwrap_or(""), errors))
                        div.actions {
                            button #save-terms type="submit" { (t(ctx, "action-save")) }
                        }
                    }
                }
            }
            @if ctx.role().manages_plans() {
                form #exemption-form method="post" action=(action) {
                    (csrf_field(ctx))
                    @if c.exempt {
                        input type="hidden" name="change" value="lift-exemption";
                        button #lift-exemption type="submit" { (t(ctx, "clients-collection-lift-exemption")) }
                    } @else {
                        input type="hidden" name="change" value="exempt";
                        div.field {
                            label for="f-exempt-reason" { (t(ctx, "clients-collection-exempt-reason")) }
                            input #f-exempt-reason name="reason" type="text" maxlength="255";
                        }
                        div.actions {
                            button #exempt .danger type="submit" { (t(ctx, "clients-collection-exempt-action")) }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /console/clients/{id}/collection`: one change; back to the client page, or the page
/// again with the error next to its field.
async fn change(
    State(app): State<AppState>,
    Path(raw): Path<String>,
    posted: Posted<CollectionForm>,
) -> Response {
    let ctx = posted.ctx;
    let (id, form) = match posted_to(&app, &ctx, &raw, posted.form, Refused::Collection).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let change = match form.change(&ctx) {
        Ok(c) => c,
        Err(errors) => {
            return page_for(&app, &ctx, id, Some(Refused::Collection(form, errors))).await;
        }
    };
    let result = svc::change(&app, ctx.actor(), id, change).await;
    answered(&app, &ctx, id, result, "collection-section", |e| {
        Refused::Collection(form, e)
    })
    .await
}
