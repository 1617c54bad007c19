//! Invoices and payment receipts as PDF: `GET /invoices/{id}/pdf`, `GET /payments/{id}/receipt`,
//! in the language and on the paper the query asks for (`service::documents` typesets).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::Layout;
use serde::Deserialize;

use crate::app::App;
use crate::domain::settings::Settings;
use crate::i18n::Lang;
use crate::service::AppError;
use crate::service::documents as svc;
use crate::service::invoices::InvoiceDocument;
use crate::service::payments::Receipt;

crate::words! {
    /// The paper a document is laid out for.
    pub enum Paper {
        /// A4 sheet (the default).
        A4 = "a4",
        /// 58 mm thermal roll.
        Roll58 = "58",
        /// 80 mm thermal roll.
        Roll80 = "80",
    }
}

/// `?lang=&paper=` of a document route.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `en` or `id` (default: the provider's `default_language`).
    #[param(value_type = Option<String>, example = "id")]
    pub lang: Option<String>,
    /// `a4` (default), `58` or `80` (a thermal roll, mm wide).
    #[param(inline)]
    pub paper: Option<Paper>,
}

/// The reader's language and the paper, checked.
pub struct Choice {
    lang: Lang,
    layout: Layout,
}

impl DocumentQuery {
    pub fn choice(&self, s: &Settings) -> Result<Choice, AppError> {
        let lang = match &self.lang {
            Some(code) => Lang::parse(code)
                .ok_or_else(|| AppError::bad_request("lang", "must be en or id"))?,
            None => Lang::parse(&s.default_language).unwrap_or(Lang::Id),
        };
        let layout = match self.paper.unwrap_or(Paper::A4) {
            Paper::A4 => Layout::A4,
            Paper::Roll58 => Layout::Thermal58,
            Paper::Roll80 => Layout::Thermal80,
        };
        Ok(Choice { lang, layout })
    }
}

/// A PDF answer, shown inline, with a file name for saving.
fn answer(bytes: Vec<u8>, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The invoice as PDF.
pub async fn invoice(
    app: &App,
    doc: &InvoiceDocument,
    q: &DocumentQuery,
) -> Result<Response, AppError> {
    let c = q.choice(&app.settings())?;
    let bytes = svc::invoice_pdf(app, doc, c.lang, c.layout).await?;
    Ok(answer(bytes, &doc.invoice.number()))
}

/// The payment's receipt as PDF.
pub async fn receipt(app: &App, r: &Receipt, q: &DocumentQuery) -> Result<Response, AppError> {
    let c = q.choice(&app.settings())?;
    let (number, bytes) = svc::receipt_pdf(app, r, c.lang, c.layout).await?;
    Ok(answer(bytes, &number))
}
