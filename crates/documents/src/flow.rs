//! Page geometry, a display list, and the flow that breaks blocks across pages.
//!
//! A layout builds [`Block`]s: sets of [`Item`]s placed relative to the block's top. Each item
//! is atomic (a line of text, an image, a rule) except rectangles, which split. The [`Flow`]
//! puts blocks one under the other; a block that does not fit moves to a new page when it
//! fits on one, and otherwise breaks between items, so nothing is ever cut off or drawn over.

use krilla::Document;
use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};

use crate::text::{Run, pdf_font};

pub(crate) type Color = (u8, u8, u8);

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;

/// Heights a PDF page may have: 14 400 pt (200 in) is the PDF 1.7 limit readers enforce.
const MAX_PAGE_HEIGHT: f32 = 14_400.0;

/// What is drawn, relative to its item's top-left corner (x is absolute on the page).
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Text {
        x: f32,
        run: Run,
        color: Color,
    },
    /// A filled rectangle as high as its item.
    Rect {
        x: f32,
        width: f32,
        color: Color,
    },
    /// A horizontal rule across the middle of its item.
    Rule {
        x: f32,
        width: f32,
        thickness: f32,
        color: Color,
        dashed: bool,
    },
    Image {
        x: f32,
        width: f32,
        image: Image,
    },
    /// A clickable area over its item that opens `url`; draws nothing.
    Link {
        x: f32,
        width: f32,
        url: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub y: f32,
    pub height: f32,
    pub op: Op,
}

/// Items placed relative to the block's top.
#[derive(Debug, Clone, Default)]
pub(crate) struct Block {
    pub items: Vec<Item>,
    pub height: f32,
}

impl Block {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&mut self, y: f32, height: f32, op: Op) {
        self.height = self.height.max(y + height);
        self.items.push(Item { y, height, op });
    }

    /// Lines of text one under the other from `y`, each aligned in the box `x..x + width`;
    /// returns the y under the last line.
    pub(crate) fn lines(&mut self, y: f32, lines: Vec<Run>, place: Place, color: Color) -> f32 {
        let mut y = y;
        for run in lines {
            let height = run.style.line_height();
            let x = place.x(run.width);
            self.push(y, height, Op::Text { x, run, color });
            y += height;
        }
        y
    }

    /// Puts `other` under this block's current content, `gap` below it.
    pub(crate) fn append(&mut self, other: Block, gap: f32) {
        let dy = if self.items.is_empty() {
            0.0
        } else {
            self.height + gap
        };
        self.append_at(other, dy);
    }

    /// Puts `other` with its top at `dy`.
    pub(crate) fn append_at(&mut self, other: Block, dy: f32) {
        for item in other.items {
            self.push(item.y + dy, item.height, item.op);
        }
        self.height = self.height.max(dy + other.height);
    }

    /// Grows the block's height (space under its items).
    pub(crate) fn pad_bottom(&mut self, pad: f32) {
        self.height += pad;
    }
}

/// Horizontal placement of a line in a box.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place {
    Left(f32),
    Right { right: f32 },
    Center { x: f32, width: f32 },
}

impl Place {
    fn x(self, run_width: f32) -> f32 {
        match self {
            Place::Left(x) => x,
            Place::Right { right } => right - run_width,
            Place::Center { x, width } => x + (width - run_width) / 2.0,
        }
    }
}

/// The printable frame of a layout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub width: f32,
    /// Fixed page height, or `None` for a roll: each page is as high as its content.
    pub height: Option<f32>,
    pub margin_x: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
}

impl Geometry {
    pub(crate) fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin_x
    }

    fn page_height(&self) -> f32 {
        self.height.unwrap_or(MAX_PAGE_HEIGHT)
    }
}

#[derive(Debug, Default)]
pub(crate) struct PageOut {
    pub items: Vec<Item>,
    /// Where content ends (absolute y).
    pub bottom: f32,
}

/// Places blocks on pages.
pub(crate) struct Flow {
    pub geometry: Geometry,
    pub pages: Vec<PageOut>,
    cursor: f32,
    /// Space kept free at the top of every page after the first (a running header).
    pub continuation_top: f32,
    /// Space kept free at the bottom of every page (a footer).
    pub footer_height: f32,
    /// Placed at the top of every new page while set (a table's header row).
    pub repeat: Option<Block>,
}

impl Flow {
    pub(crate) fn new(geometry: Geometry) -> Self {
        Self {
            geometry,
            pages: vec![PageOut::default()],
            cursor: geometry.margin_top,
            continuation_top: 0.0,
            footer_height: 0.0,
            repeat: None,
        }
    }

    fn body_bottom(&self) -> f32 {
        self.geometry.page_height() - self.geometry.margin_bottom - self.footer_height
    }

    fn body_top(&self, page_index: usize) -> f32 {
        self.geometry.margin_top
            + if page_index > 0 {
                self.continuation_top
            } else {
                0.0
            }
    }

    /// Height a block can use on an empty continuation page.
    fn empty_page_space(&self) -> f32 {
        let repeat = self.repeat.as_ref().map_or(0.0, |b| b.height);
        self.body_bottom() - self.body_top(1) - repeat
    }

    fn remaining(&self) -> f32 {
        self.body_bottom() - self.cursor
    }

    /// Whether anything but the repeated header is on the current page yet.
    fn page_is_fresh(&self) -> bool {
        let index = self.pages.len() - 1;
        let repeat = self.repeat.as_ref().map_or(0.0, |b| b.height);
        self.cursor <= self.body_top(index) + if index > 0 { repeat } else { 0.0 } + 0.01
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(PageOut::default());
        self.cursor = self.body_top(self.pages.len() - 1);
        if let Some(header) = self.repeat.clone() {
            self.put(&header.items, 0.0);
            self.cursor += header.height;
        }
    }

    /// Vertical space; dropped at the top of a page.
    pub(crate) fn gap(&mut self, gap: f32) {
        if !self.page_is_fresh() {
            self.cursor = (self.cursor + gap).min(self.body_bottom());
        }
    }

    /// Makes sure `height` is free on this page, starting a new one if not.
    pub(crate) fn need(&mut self, height: f32) {
        if height > self.remaining() && !self.page_is_fresh() {
            self.new_page();
        }
    }

    fn put(&mut self, items: &[Item], shift: f32) {
        let top = self.cursor;
        let page = self.pages.last_mut().expect("a flow always has a page");
        for item in items {
            let y = top + item.y - shift;
            page.bottom = page.bottom.max(y + item.height);
            page.items.push(Item {
                y,
                height: item.height,
                op: item.op.clone(),
            });
        }
    }

    /// Places a block under what is there: whole on this page, whole on the next page when it
    /// fits there, or broken between its items.
    pub(crate) fn place(&mut self, block: Block) {
        if block.height <= self.remaining() {
            self.put(&block.items, 0.0);
            self.cursor += block.height;
            return;
        }
        if block.height <= self.empty_page_space() && !self.page_is_fresh() {
            self.new_page();
            self.put(&block.items, 0.0);
            self.cursor += block.height;
            return;
        }
        self.place_broken(block);
    }

    /// Places as many items as fit on this page and carries the rest over, repeatedly.
    fn place_broken(&mut self, block: Block) {
        let mut items = block.items;
        let mut height = block.height;
        loop {
            let room = self.remaining();
            let (mut here, mut rest) = split_items(items, room);
            if here.is_empty() && rest.is_empty() {
                // Only space is left: it does not carry over to the next page.
                self.cursor = (self.cursor + height).min(self.body_bottom());
                return;
            }
            if here.is_empty() {
                if !self.page_is_fresh() {
                    items = rest;
                    self.new_page();
                    continue;
                }
                // An item taller than a whole page never fits: place it rather than loop.
                here.push(rest.remove(0));
            }
            self.put(&here, 0.0);
            if rest.is_empty() {
                self.cursor += height;
                return;
            }
            let shift = rest.iter().map(|i| i.y).fold(f32::INFINITY, f32::min);
            for item in &mut rest {
                item.y -= shift;
            }
            height -= shift;
            items = rest;
            self.new_page();
        }
    }

    /// Turns the display list into a PDF. `decorate` adds items to each page (its index and
    /// the page count) before it is drawn: running headers, footers, page numbers.
    pub(crate) fn finish(
        mut self,
        title: &str,
        mut decorate: impl FnMut(usize, usize, &Geometry) -> Vec<Item>,
    ) -> Result<Vec<u8>, krilla::error::KrillaError> {
        // A page is never left empty at the end (a trailing gap can open one).
        while self.pages.len() > 1 && self.pages.last().is_some_and(|p| p.items.is_empty()) {
            self.pages.pop();
        }
        let count = self.pages.len();
        let mut document = Document::new();
        document.set_metadata(
            krilla::metadata::Metadata::new()
                .title(title.to_owned())
                .creator("MikroNet Billing".to_owned()),
        );
        for (index, mut page) in self.pages.into_iter().enumerate() {
            page.items.extend(decorate(index, count, &self.geometry));
            let height = match self.geometry.height {
                Some(h) => h,
                None => {
                    let bottom = page
                        .items
                        .iter()
                        .map(|i| i.y + i.height)
                        .fold(0.0, f32::max);
                    (bottom + self.geometry.margin_bottom).min(MAX_PAGE_HEIGHT)
                }
            };
            let settings = PageSettings::from_wh(self.geometry.width, height.max(1.0))
                .expect("page sizes are positive");
            let mut pdf_page = document.start_page_with(settings);
            let mut surface = pdf_page.surface();
            for item in &page.items {
                draw(&mut surface, item);
            }
            surface.finish();
            for item in &page.items {
                if let Op::Link { x, width, url } = &item.op
                    && let Some(rect) = Rect::from_xywh(*x, item.y, *width, item.height)
                {
                    let action = Action::Link(LinkAction::new(url.clone()));
                    let link = LinkAnnotation::new(rect, Target::Action(action));
                    pdf_page.add_annotation(Annotation::new_link(link, Some(url.clone())));
                }
            }
            pdf_page.finish();
        }
        document.finish()
    }
}

/// Splits items at `room`: those that end above it stay; rectangles crossing it are cut.
fn split_items(items: Vec<Item>, room: f32) -> (Vec<Item>, Vec<Item>) {
    let mut here = Vec::new();
    let mut rest = Vec::new();
    for item in items {
        if item.y + item.height <= room + 0.01 {
            here.push(item);
        } else if matches!(item.op, Op::Rect { .. }) && item.y < room {
            let above = room - item.y;
            here.push(Item {
                y: item.y,
                height: above,
                op: item.op.clone(),
            });
            rest.push(Item {
                y: room,
                height: item.height - above,
                op: item.op,
            });
        } else {
            rest.push(item);
        }
    }
    (here, rest)
}

fn color(c: Color) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(c: Color) -> Fill {
    Fill {
        paint: color(c).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut krilla::surface::Surface<'_>, item: &Item) {
    match &item.op {
        Op::Text { x, run, color } => {
            if run.glyphs.is_empty() {
                return;
            }
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            surface.draw_glyphs(
                Point::from_xy(*x, item.y + run.style.baseline()),
                &run.glyphs,
                pdf_font(run.style.bold),
                &run.text,
                run.style.size,
                false,
            );
        }
        Op::Rect { x, width, color } => {
            let Some(rect) = Rect::from_xywh(*x, item.y, *width, item.height) else {
                return;
            };
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(*color)));
                surface.draw_path(&path);
            }
        }
        Op::Rule {
            x,
            width,
            thickness,
            color: c,
            dashed,
        } => {
            let y = item.y + item.height / 2.0;
            let mut path = PathBuilder::new();
            path.move_to(*x, y);
            path.line_to(x + width, y);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: color(*c).into(),
                    width: *thickness,
                    dash: dashed.then(|| StrokeDash {
                        array: vec![2.0, 1.5],
                        offset: 0.0,
                    }),
                    ..Default::default()
                }));
                surface.draw_path(&path);
            }
        }
        Op::Link { .. } => {}
        Op::Image { x, width, image } => {
            if let Some(size) = Size::from_wh(*width, item.height) {
                surface.push_transform(&Transform::from_translate(*x, item.y));
                surface.draw_image(image.clone(), size);
                surface.pop();
            }
        }
    }
}

/// Page `{page}` of `{pages}` from a template.
pub(crate) fn page_label(template: &str, page: usize, pages: usize) -> String {
    template
        .replace("{page}", &page.to_string())
        .replace("{pages}", &pages.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Style, shape};

    fn geometry(height: Option<f32>) -> Geometry {
        Geometry {
            width: 200.0,
            height,
            margin_x: 10.0,
            margin_top: 10.0,
            margin_bottom: 10.0,
        }
    }

    fn text_block(lines: usize) -> Block {
        let mut block = Block::new();
        let style = Style::regular(10.0);
        let runs = (0..lines)
            .map(|i| shape(&format!("line {i}"), style))
            .collect();
        block.lines(0.0, runs, Place::Left(10.0), (0, 0, 0));
        block
    }

    fn texts(page: &PageOut) -> Vec<String> {
        page.items
            .iter()
            .filter_map(|i| match &i.op {
                Op::Text { run, .. } => Some(run.text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_block_that_does_not_fit_moves_whole_to_the_next_page() {
        let mut flow = Flow::new(geometry(Some(100.0)));
        flow.place(text_block(4)); // 4 × 13.2 = 52.8 of 80
        flow.place(text_block(3)); // would end at 92.4 > 90
        assert_eq!(flow.pages.len(), 2);
        assert_eq!(texts(&flow.pages[1]), ["line 0", "line 1", "line 2"]);
        assert!((flow.pages[1].items[0].y - 10.0).abs() < 0.01);
    }

    #[test]
    fn a_block_taller_than_a_page_breaks_between_lines_and_loses_none() {
        let mut flow = Flow::new(geometry(Some(100.0)));
        flow.place(text_block(20));
        assert!(flow.pages.len() >= 4, "{}", flow.pages.len());
        let all: Vec<String> = flow.pages.iter().flat_map(texts).collect();
        assert_eq!(all.len(), 20);
        assert_eq!(all[19], "line 19");
        for page in &flow.pages {
            for item in &page.items {
                assert!(item.y >= 10.0 - 0.01 && item.y + item.height <= 90.0 + 0.01);
            }
        }
    }

    #[test]
    fn the_repeated_header_opens_every_continuation_page() {
        let mut flow = Flow::new(geometry(Some(100.0)));
        flow.repeat = Some(text_block(1));
        for _ in 0..6 {
            flow.place(text_block(2));
        }
        assert!(flow.pages.len() >= 3);
        for page in &flow.pages[1..] {
            assert_eq!(texts(page)[0], "line 0");
            assert_eq!(texts(page).len() % 2, 1, "header + whole blocks");
        }
    }

    #[test]
    fn a_roll_is_one_page_as_high_as_its_content() {
        let mut flow = Flow::new(geometry(None));
        flow.place(text_block(100));
        assert_eq!(flow.pages.len(), 1);
        assert!((flow.pages[0].bottom - (10.0 + 100.0 * 13.2)).abs() < 0.1);
    }

    #[test]
    fn rectangles_split_at_the_page_break() {
        let mut block = Block::new();
        block.push(
            0.0,
            150.0,
            Op::Rect {
                x: 10.0,
                width: 50.0,
                color: (0, 0, 0),
            },
        );
        let mut flow = Flow::new(geometry(Some(100.0)));
        flow.place(block);
        assert_eq!(flow.pages.len(), 2);
        let first = &flow.pages[0].items[0];
        assert!((first.y + first.height - 90.0).abs() < 0.01);
        let second = &flow.pages[1].items[0];
        assert!((second.height - 70.0).abs() < 0.01, "{}", second.height);
    }
}
