//! What invoices and receipts share: page themes, the provider's letterhead, labelled values,
//! paragraphs, the footer and the finishing of a flow into PDF bytes.

use krilla::image::Image;

use crate::flow::{Block, Color, Flow, Geometry, Item, MM, Op, Place, page_label};
use crate::model::{Labels, Party, Provider};
use crate::text::{Run, Style, shape, width, wrap};
use crate::{Error, Layout};

/// Sizes and colours of one layout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Theme {
    pub geometry: Geometry,
    pub thermal: bool,
    pub body: Style,
    pub body_bold: Style,
    pub small: Style,
    pub small_bold: Style,
    pub name: Style,
    pub title: Style,
    pub total: Style,
    pub text: Color,
    pub muted: Color,
    pub accent: Color,
    pub shade: Color,
    pub highlight: Color,
    pub rule: Color,
}

const BLACK: Color = (0, 0, 0);
const WHITE: Color = (255, 255, 255);

impl Theme {
    pub(crate) fn of(layout: Layout) -> Self {
        match layout {
            Layout::A4 => Self {
                geometry: Geometry {
                    width: 210.0 * MM,
                    height: Some(297.0 * MM),
                    margin_x: 16.0 * MM,
                    margin_top: 14.0 * MM,
                    margin_bottom: 12.0 * MM,
                },
                thermal: false,
                body: Style::regular(9.0),
                body_bold: Style::bold(9.0),
                small: Style::regular(7.5),
                small_bold: Style::bold(7.5),
                name: Style::bold(13.0),
                title: Style::bold(20.0),
                total: Style::bold(10.5),
                text: (17, 24, 39),
                muted: (95, 103, 117),
                accent: (29, 66, 138),
                shade: (241, 244, 248),
                highlight: (224, 234, 250),
                rule: (203, 208, 216),
            },
            // Thermal rolls print black only: no tints, which dither badly; the side margins
            // are the parts of the roll the print head does not reach (48 of 58 mm, 72 of 80).
            Layout::Thermal58 | Layout::Thermal80 => {
                let (paper, printable, body) = match layout {
                    Layout::Thermal58 => (58.0, 48.0, 7.5),
                    _ => (80.0, 72.0, 8.5),
                };
                Self {
                    geometry: Geometry {
                        width: paper * MM,
                        height: None,
                        margin_x: (paper - printable) / 2.0 * MM,
                        margin_top: 3.0 * MM,
                        margin_bottom: 6.0 * MM,
                    },
                    thermal: true,
                    body: Style::regular(body),
                    body_bold: Style::bold(body),
                    small: Style::regular(body - 0.5),
                    small_bold: Style::bold(body - 0.5),
                    name: Style::bold(body + 2.5),
                    title: Style::bold(body + 2.5),
                    total: Style::bold(body + 1.5),
                    text: BLACK,
                    muted: BLACK,
                    accent: BLACK,
                    shade: WHITE,
                    highlight: WHITE,
                    rule: BLACK,
                }
            }
        }
    }

    pub(crate) fn left(&self) -> f32 {
        self.geometry.margin_x
    }

    pub(crate) fn right(&self) -> f32 {
        self.geometry.width - self.geometry.margin_x
    }

    pub(crate) fn width(&self) -> f32 {
        self.geometry.content_width()
    }

    /// A horizontal rule across `x..x + width`, in a block of its own with `pad` above and below.
    pub(crate) fn rule(&self, x: f32, width: f32, pad: f32, strong: bool) -> Block {
        let mut block = Block::new();
        let thickness = if strong { 0.9 } else { 0.5 };
        block.push(
            0.0,
            2.0 * pad + thickness,
            Op::Rule {
                x,
                width,
                thickness,
                color: if strong { self.text } else { self.rule },
                dashed: self.thermal && !strong,
            },
        );
        block
    }

    /// A thin rule across the content width, as an item's op.
    pub(crate) fn hairline(&self) -> Op {
        Op::Rule {
            x: self.left(),
            width: self.width(),
            thickness: 0.5,
            color: self.rule,
            dashed: false,
        }
    }

    /// A label and its value across the content width (thermal rows), the value in bold
    /// when `strong`.
    pub(crate) fn row(&self, label: &str, value: &str, strong: bool) -> Block {
        let value_style = if strong { self.body_bold } else { self.body };
        let (x, w) = (self.left(), self.width());
        labelled(
            label,
            value,
            x,
            w,
            (self.body, self.text),
            (value_style, self.text),
        )
    }

    /// A rule across the whole content width.
    pub(crate) fn full_rule(&self, pad: f32, strong: bool) -> Block {
        self.rule(self.left(), self.width(), pad, strong)
    }

    /// A heading over a section: small, bold, upper case.
    pub(crate) fn heading(&self, text: &str, x: f32, width: f32) -> Block {
        let mut block = Block::new();
        let lines = wrap(&text.to_uppercase(), self.small_bold, width);
        block.lines(0.0, lines, Place::Left(x), self.muted);
        block
    }
}

/// The provider's logo, checked, with the size it is drawn at.
pub(crate) struct Logo {
    image: Image,
    pub width: f32,
    pub height: f32,
}

impl Logo {
    /// Reads PNG or JPEG bytes and fits them into `max_width` × `max_height`.
    pub(crate) fn load(bytes: &[u8], max_width: f32, max_height: f32) -> Result<Self, Error> {
        let data: krilla::Data = bytes.to_vec().into();
        let image = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Image::from_png(data, true).map_err(|e| Error::Logo(format!("invalid PNG: {e}")))?
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Image::from_jpeg(data, true).map_err(|e| Error::Logo(format!("invalid JPEG: {e}")))?
        } else if bytes.is_empty() {
            return Err(Error::Logo("is empty".into()));
        } else {
            return Err(Error::Logo("is neither a PNG nor a JPEG image".into()));
        };
        let (px_w, px_h) = image.size();
        if px_w == 0 || px_h == 0 {
            return Err(Error::Logo(format!("has no pixels ({px_w}×{px_h})")));
        }
        let (px_w, px_h) = (px_w as f32, px_h as f32);
        let scale = (max_width / px_w).min(max_height / px_h);
        Ok(Self {
            image,
            width: (px_w * scale).max(0.5),
            height: (px_h * scale).max(0.5),
        })
    }

    pub(crate) fn item(&self, x: f32) -> Op {
        Op::Image {
            x,
            width: self.width,
            image: self.image.clone(),
        }
    }
}

/// The logo of `provider`, if it has one, fitted for `theme`.
fn provider_logo(provider: &Provider, theme: &Theme) -> Result<Option<Logo>, Error> {
    let Some(bytes) = &provider.logo else {
        return Ok(None);
    };
    let (max_w, max_h) = if theme.thermal {
        (theme.width() * 0.6, 14.0 * MM)
    } else {
        (55.0 * MM, 20.0 * MM)
    };
    Logo::load(bytes, max_w, max_h).map(Some)
}

/// Text lines of the provider's name, address, contact and tax number in a column.
fn provider_lines(
    theme: &Theme,
    provider: &Provider,
    tax_label: &str,
    width: f32,
) -> Vec<(Run, Color)> {
    let mut lines: Vec<(Run, Color)> = Vec::new();
    lines.extend(
        wrap(&provider.name, theme.name, width)
            .into_iter()
            .map(|r| (r, theme.text)),
    );
    let detail = if theme.thermal {
        theme.small
    } else {
        theme.body
    };
    for text in [&provider.address, &provider.contact] {
        lines.extend(
            wrap(text, detail, width)
                .into_iter()
                .map(|r| (r, theme.muted)),
        );
    }
    if let Some(npwp) = &provider.tax_number {
        let text = format!("{tax_label} {npwp}");
        lines.extend(
            wrap(&text, detail, width)
                .into_iter()
                .map(|r| (r, theme.muted)),
        );
    }
    lines
}

/// The A4 letterhead: logo and provider on the left, the document's title, number and status
/// on the right.
fn a4_letterhead(
    theme: &Theme,
    provider: &Provider,
    logo: Option<&Logo>,
    tax_label: &str,
    title: &str,
    number: &str,
    status: Option<&str>,
) -> Block {
    let left_width = theme.width() * 0.56;
    let right_width = theme.width() - left_width - 6.0 * MM;
    let mut left = Block::new();
    let mut y = 0.0;
    if let Some(logo) = logo {
        left.push(0.0, logo.height, logo.item(theme.left()));
        y = logo.height + 3.0 * MM;
    }
    for (run, color) in provider_lines(theme, provider, tax_label, left_width) {
        let height = run.style.line_height();
        left.push(
            y,
            height,
            Op::Text {
                x: theme.left(),
                run,
                color,
            },
        );
        y += height;
    }

    let mut right = Block::new();
    let place = Place::Right {
        right: theme.right(),
    };
    let mut y = right.lines(
        0.0,
        wrap(title, theme.title, right_width),
        place,
        theme.accent,
    );
    y += 1.0;
    let number = wrap(number, theme.total, right_width);
    y = right.lines(y, number, place, theme.text);
    if let Some(status) = status.filter(|s| !s.trim().is_empty()) {
        y += 2.0 * MM;
        right.append_at(badge(theme, status, right_width), y);
    }
    left.append_at(right, 0.0);
    left
}

/// A status stamp (e.g. "LUNAS"): bold capitals in a tinted box, right-aligned.
fn badge(theme: &Theme, status: &str, max_width: f32) -> Block {
    let pad_x = 2.2 * MM;
    let pad_y = 1.0 * MM;
    let lines = wrap(
        &status.to_uppercase(),
        theme.body_bold,
        max_width - 2.0 * pad_x,
    );
    let widest = lines.iter().map(|l| l.width).fold(0.0, f32::max);
    let box_width = widest + 2.0 * pad_x;
    let height: f32 = lines.iter().map(|l| l.style.line_height()).sum::<f32>() + 2.0 * pad_y;
    let mut block = Block::new();
    let x = theme.right() - box_width;
    block.push(
        0.0,
        height,
        Op::Rect {
            x,
            width: box_width,
            color: theme.highlight,
        },
    );
    block.lines(
        pad_y,
        lines,
        Place::Right {
            right: theme.right() - pad_x,
        },
        theme.accent,
    );
    block
}

/// The thermal letterhead: logo, provider and document title centred one under the other.
fn thermal_letterhead(
    theme: &Theme,
    provider: &Provider,
    logo: Option<&Logo>,
    tax_label: &str,
    title: &str,
) -> Block {
    let mut block = Block::new();
    let center = Place::Center {
        x: theme.left(),
        width: theme.width(),
    };
    let mut y = 0.0;
    if let Some(logo) = logo {
        let x = theme.left() + (theme.width() - logo.width) / 2.0;
        block.push(0.0, logo.height, logo.item(x));
        y = logo.height + 2.0 * MM;
    }
    for (run, color) in provider_lines(theme, provider, tax_label, theme.width()) {
        let height = run.style.line_height();
        let x = center_x(theme, run.width);
        block.push(y, height, Op::Text { x, run, color });
        y += height;
    }
    block.append(theme.full_rule(1.5 * MM, true), 1.0 * MM);
    let title = wrap(&title.to_uppercase(), theme.title, theme.width());
    let y = block.height;
    block.lines(y, title, center, theme.text);
    block
}

fn center_x(theme: &Theme, run_width: f32) -> f32 {
    theme.left() + (theme.width() - run_width) / 2.0
}

/// Text wrapped into `x..x + width`.
pub(crate) fn paragraph(text: &str, style: Style, x: f32, width: f32, color: Color) -> Block {
    let mut block = Block::new();
    block.lines(0.0, wrap(text, style, width), Place::Left(x), color);
    block
}

/// A labelled value on one row: the label on the left, the value right-aligned at
/// `x + width`, each in its own column (style and colour each). The value's column is as
/// wide as the value needs, between 30% and 70% of the row; the label wraps in the rest.
pub(crate) fn labelled(
    label: &str,
    value: &str,
    x: f32,
    width: f32,
    (label_style, label_color): (Style, Color),
    (value_style, value_color): (Style, Color),
) -> Block {
    let gap = 2.0 * MM;
    let value_natural = longest_line(value, value_style);
    let value_width = value_natural.clamp(width * 0.3, width * 0.7);
    let label_width = (width - value_width - gap).max(1.0);
    // The first lines of both columns share a baseline.
    let label_y = (value_style.baseline() - label_style.baseline()).max(0.0);
    let value_y = (label_style.baseline() - value_style.baseline()).max(0.0);
    let mut block = Block::new();
    let label_lines = wrap(label, label_style, label_width);
    block.lines(label_y, label_lines, Place::Left(x), label_color);
    let right = Place::Right { right: x + width };
    let value_lines = wrap(value, value_style, value_width);
    block.lines(value_y, value_lines, right, value_color);
    block
}

fn longest_line(text: &str, style: Style) -> f32 {
    text.lines()
        .map(|l| width(l.trim(), style))
        .fold(0.0, f32::max)
}

/// Joins the words of `text` with no-break spaces, so that a short phrase such as
/// `"PPN Rp 16.500"` wraps as one.
pub(crate) fn unbreakable(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join("\u{a0}")
}

/// The client block: heading, name, address, PPP login.
fn party_block(
    theme: &Theme,
    heading: &str,
    party: &Party,
    login_label: &str,
    x: f32,
    width: f32,
) -> Block {
    let mut block = theme.heading(heading, x, width);
    block.pad_bottom(1.0 * MM);
    block.append(
        paragraph(&party.name, theme.body_bold, x, width, theme.text),
        0.0,
    );
    if !party.address.trim().is_empty() {
        block.append(
            paragraph(&party.address, theme.body, x, width, theme.text),
            0.0,
        );
    }
    if let Some(login) = &party.login {
        let text = format!("{login_label}: {login}");
        block.append(paragraph(&text, theme.body, x, width, theme.muted), 0.0);
    }
    block
}

/// What opens a document: letterhead, title and number, then the client beside (A4) or
/// under (roll) the document's facts.
pub(crate) struct Top<'a> {
    pub provider: &'a Provider,
    pub logo: Option<&'a Logo>,
    pub labels: &'a Labels,
    pub title: &'a str,
    pub number: &'a str,
    pub status: Option<&'a str>,
    pub party_heading: &'a str,
    pub party: &'a Party,
    /// Label, value, and whether the value is bold: dates, payment details.
    pub facts: Vec<(&'a str, &'a str, bool)>,
}

impl Top<'_> {
    fn status(&self) -> Option<&str> {
        self.status.filter(|s| !s.trim().is_empty())
    }

    /// Places the top of the document in `flow`.
    pub(crate) fn place(&self, theme: &Theme, flow: &mut Flow) {
        if theme.thermal {
            self.place_roll(theme, flow);
        } else {
            self.place_a4(theme, flow);
        }
    }

    fn place_a4(&self, theme: &Theme, flow: &mut Flow) {
        let l = self.labels;
        let number = format!("{} {}", l.number, self.number);
        let title = self.title.to_uppercase();
        let head = a4_letterhead(
            theme,
            self.provider,
            self.logo,
            &l.tax_number,
            &title,
            &number,
            self.status(),
        );
        flow.place(head);
        flow.gap(5.0 * MM);
        flow.place(theme.full_rule(0.0, false));
        flow.gap(5.0 * MM);

        let column = theme.width() * 0.46;
        let (left, heading, party) = (theme.left(), self.party_heading, self.party);
        let mut block = party_block(theme, heading, party, &l.login, left, column);
        let x = theme.right() - column;
        let mut facts = Block::new();
        for &(label, value, strong) in &self.facts {
            let value_style = if strong { theme.body_bold } else { theme.body };
            let label_ink = (theme.body, theme.muted);
            let row = labelled(
                label,
                value,
                x,
                column,
                label_ink,
                (value_style, theme.text),
            );
            facts.append(row, 1.2 * MM);
        }
        // The facts line up with the client's name, under the heading.
        block.append_at(facts, theme.small_bold.line_height() + 1.0 * MM);
        flow.place(block);
    }

    fn place_roll(&self, theme: &Theme, flow: &mut Flow) {
        let l = self.labels;
        let head = thermal_letterhead(theme, self.provider, self.logo, &l.tax_number, self.title);
        flow.place(head);
        flow.gap(1.5 * MM);
        let mut facts = theme.row(&l.number, self.number, true);
        for &(label, value, strong) in &self.facts {
            facts.append(theme.row(label, value, strong), 0.5 * MM);
        }
        if let Some(status) = self.status() {
            let mut stamp = Block::new();
            let text = format!("** {} **", status.to_uppercase());
            let center = Place::Center {
                x: theme.left(),
                width: theme.width(),
            };
            let lines = wrap(&text, theme.body_bold, theme.width());
            stamp.lines(0.0, lines, center, theme.text);
            facts.append(stamp, 1.5 * MM);
        }
        flow.place(facts);
        flow.place(theme.full_rule(1.5 * MM, false));
        let (x, w) = (theme.left(), theme.width());
        flow.place(party_block(
            theme,
            self.party_heading,
            self.party,
            &l.login,
            x,
            w,
        ));
        flow.place(theme.full_rule(1.5 * MM, false));
    }
}

/// Footer text in its own block, centred.
fn footer_block(theme: &Theme, footer: &str) -> Block {
    let mut block = Block::new();
    let center = Place::Center {
        x: theme.left(),
        width: theme.width(),
    };
    block.lines(
        0.0,
        wrap(footer, theme.small, theme.width()),
        center,
        theme.muted,
    );
    block
}

/// Up to this many footer lines repeat at the bottom of every A4 page; a longer footer is
/// printed once, after the content.
const FIXED_FOOTER_LINES: usize = 4;

/// Decides where the footer goes: for A4 a short footer is reserved at the bottom of every
/// page (returned for [`finish`]); otherwise it is placed in the flow at the end.
struct Footer {
    fixed: Option<Block>,
    flowing: Option<Block>,
}

impl Footer {
    fn new(theme: &Theme, footer: &str) -> Self {
        if footer.trim().is_empty() {
            return Self {
                fixed: None,
                flowing: None,
            };
        }
        let block = footer_block(theme, footer);
        if !theme.thermal && block.items.len() <= FIXED_FOOTER_LINES {
            Self {
                fixed: Some(block),
                flowing: None,
            }
        } else {
            Self {
                fixed: None,
                flowing: Some(block),
            }
        }
    }

    /// Space to keep free at the bottom of every page.
    fn reserve(&self, theme: &Theme) -> f32 {
        let page_number = theme.small.line_height();
        match (&self.fixed, theme.thermal) {
            (_, true) => 0.0,
            (Some(b), false) => b.height + page_number + 4.0 * MM,
            (None, false) => page_number + 3.0 * MM,
        }
    }
}

/// A document's frame: its theme, checked logo, footer, and a flow set up for them.
pub(crate) struct Page<'a> {
    pub theme: Theme,
    pub logo: Option<Logo>,
    pub flow: Flow,
    footer: Footer,
    provider_name: &'a str,
    page_template: &'a str,
}

impl<'a> Page<'a> {
    /// Checks the logo and reserves the footer and running header for `layout`.
    pub(crate) fn new(
        layout: Layout,
        provider: &'a Provider,
        footer: &str,
        labels: &'a Labels,
    ) -> Result<Self, Error> {
        let theme = Theme::of(layout);
        let logo = provider_logo(provider, &theme)?;
        let footer = Footer::new(&theme, footer);
        let mut flow = Flow::new(theme.geometry);
        flow.footer_height = footer.reserve(&theme);
        flow.continuation_top = running_header_height(&theme);
        Ok(Self {
            theme,
            logo,
            flow,
            footer,
            provider_name: &provider.name,
            page_template: &labels.page,
        })
    }

    /// Writes the PDF; `title` names it in the viewer and in the running header.
    pub(crate) fn finish(self, title: &str) -> Result<Vec<u8>, Error> {
        let running = (self.provider_name, title);
        finish(
            &self.theme,
            self.flow,
            self.footer,
            running,
            self.page_template,
            title,
        )
    }
}

/// Places the footer when it flows, then writes the PDF: A4 pages get the fixed footer, a
/// running header after the first page and "Page n of m" when there is more than one.
fn finish(
    theme: &Theme,
    mut flow: Flow,
    footer: Footer,
    running: (&str, &str),
    page_template: &str,
    title: &str,
) -> Result<Vec<u8>, Error> {
    flow.repeat = None;
    if let Some(block) = footer.flowing {
        flow.gap(4.0 * MM);
        flow.place(block);
    }
    let fixed = footer.fixed;
    let theme = *theme;
    let (running_left, running_right) = running;
    let running_left = shape(running_left, theme.small);
    let running_right = shape(running_right, theme.small);
    let result = flow.finish(title, |index, count, geometry| {
        let mut items = Vec::new();
        if theme.thermal {
            return items;
        }
        let page_height = geometry.height.unwrap_or_default();
        let bottom = page_height - geometry.margin_bottom;
        let number_style = theme.small;
        if count > 1 {
            let label = shape(&page_label(page_template, index + 1, count), number_style);
            let x = theme.right() - label.width;
            let y = bottom - number_style.line_height();
            items.push(Item {
                y,
                height: number_style.line_height(),
                op: Op::Text {
                    x,
                    run: label,
                    color: theme.muted,
                },
            });
        }
        if let Some(block) = &fixed {
            let top = bottom - number_style.line_height() - 1.0 * MM - block.height;
            items.push(Item {
                y: top - 2.0 * MM,
                height: 0.5,
                op: theme.hairline(),
            });
            for item in &block.items {
                items.push(Item {
                    y: top + item.y,
                    ..item.clone()
                });
            }
        }
        if index > 0 {
            let top = geometry.margin_top;
            let height = theme.small.line_height();
            let left = clip_run(&running_left, theme.width() * 0.6);
            items.push(Item {
                y: top,
                height,
                op: Op::Text {
                    x: theme.left(),
                    run: left,
                    color: theme.muted,
                },
            });
            let right = clip_run(&running_right, theme.width() * 0.38);
            let x = theme.right() - right.width;
            items.push(Item {
                y: top,
                height,
                op: Op::Text {
                    x,
                    run: right,
                    color: theme.muted,
                },
            });
            items.push(Item {
                y: top + height + 1.0 * MM,
                height: 0.5,
                op: theme.hairline(),
            });
        }
        items
    });
    result.map_err(Error::from_krilla)
}

/// Space the running header takes at the top of continuation pages.
fn running_header_height(theme: &Theme) -> f32 {
    if theme.thermal {
        0.0
    } else {
        theme.small.line_height() + 5.0 * MM
    }
}

/// The first line of a run's wrapping at `max_width`, with "…" when it was longer: the running
/// header repeats names that are printed in full on the first page.
fn clip_run(run: &Run, max_width: f32) -> Run {
    if run.width <= max_width {
        return run.clone();
    }
    let ellipsis = width("…", run.style);
    let lines = wrap(&run.text, run.style, (max_width - ellipsis).max(1.0));
    let first = lines.first().map(|l| l.text.as_str()).unwrap_or_default();
    shape(&format!("{first}…"), run.style)
}
