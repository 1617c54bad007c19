//! Fonts, shaping and line breaking.
//!
//! Text is shaped with rustybuzz (kerning, ligatures) so that the width used to wrap and
//! right-align a string is exactly the width krilla draws.

use std::ops::Range;
use std::sync::LazyLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, Face, UnicodeBuffer};

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

struct FontFace {
    pdf: Font,
    shaper: Face<'static>,
    units_per_em: f32,
}

impl FontFace {
    fn load(data: &'static [u8]) -> Self {
        // The fonts are compiled in and parsed by the tests, so these cannot fail at run time.
        let pdf = Font::new(data.into(), 0).expect("vendored font parses");
        let shaper = Face::from_slice(data, 0).expect("vendored font parses");
        let units_per_em = shaper.units_per_em() as f32;
        Self {
            pdf,
            shaper,
            units_per_em,
        }
    }
}

struct Fonts {
    regular: FontFace,
    bold: FontFace,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: FontFace::load(REGULAR_TTF),
    bold: FontFace::load(BOLD_TTF),
});

fn face(bold: bool) -> &'static FontFace {
    if bold { &FONTS.bold } else { &FONTS.regular }
}

/// The krilla font for a weight.
pub(crate) fn pdf_font(bold: bool) -> Font {
    face(bold).pdf.clone()
}

/// Noto Sans's ascender and descender (hhea, per em): used to place the baseline in a line box.
const ASCENT: f32 = 1.069;
const DESCENT: f32 = 0.293;

/// A font size and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub size: f32,
    pub bold: bool,
}

impl Style {
    pub(crate) const fn regular(size: f32) -> Self {
        Self { size, bold: false }
    }

    pub(crate) const fn bold(size: f32) -> Self {
        Self { size, bold: true }
    }

    /// Height of one line of this style.
    pub(crate) fn line_height(self) -> f32 {
        self.size * 1.32
    }

    /// Distance from the top of a line box to the baseline.
    pub(crate) fn baseline(self) -> f32 {
        (self.line_height() + (ASCENT - DESCENT) * self.size) / 2.0
    }
}

/// One shaped line of text, ready to draw.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    pub style: Style,
    /// Width in points at `style.size`.
    pub width: f32,
}

/// Makes text printable: control characters (tabs, carriage returns, …) become spaces;
/// `\n` is kept where `keep_newlines` says so.
fn clean(text: &str, keep_newlines: bool) -> String {
    text.chars()
        .map(|c| {
            if c == '\n' && keep_newlines {
                c
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Shapes one line of text (no line breaking). Control characters print as spaces.
pub(crate) fn shape(text: &str, style: Style) -> Run {
    shape_clean(clean(text, false), style)
}

fn shape_clean(text: String, style: Style) -> Run {
    let face = face(style.bold);
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(&text);
    buffer.guess_segment_properties();
    // The vendored fonts are Latin, Greek and Cyrillic; laying every run out left to right
    // keeps the cluster ranges below monotonic.
    buffer.set_direction(Direction::LeftToRight);
    let output = rustybuzz::shape(&face.shaper, &[], buffer);
    let infos = output.glyph_infos();
    let positions = output.glyph_positions();
    let upem = face.units_per_em;
    let mut glyphs = Vec::with_capacity(infos.len());
    let mut advance = 0.0;
    for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
        let start = info.cluster as usize;
        let end = infos[i + 1..]
            .iter()
            .map(|next| next.cluster as usize)
            .find(|&c| c != start)
            .unwrap_or(text.len());
        let x_advance = pos.x_advance as f32 / upem;
        advance += x_advance;
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(info.glyph_id),
            x_advance,
            pos.x_offset as f32 / upem,
            pos.y_offset as f32 / upem,
            pos.y_advance as f32 / upem,
            Range { start, end },
            None,
        ));
    }
    Run {
        text,
        glyphs,
        style,
        width: advance * style.size,
    }
}

/// Width of `text` in `style`.
pub(crate) fn width(text: &str, style: Style) -> f32 {
    shape(text, style).width
}

/// Breaks `text` into lines no wider than `max_width`: at `\n`, then between words, and
/// inside a word only when the word alone is too wide. An empty text gives no lines; an
/// empty paragraph (two `\n` in a row) gives an empty line.
pub(crate) fn wrap(text: &str, style: Style, max_width: f32) -> Vec<Run> {
    let text = clean(text, true);
    let mut lines = Vec::new();
    if text.trim().is_empty() {
        return lines;
    }
    for paragraph in text.split('\n') {
        let mut current = String::new();
        let mut current_run: Option<Run> = None;
        // No-break spaces (U+00A0, U+202F) hold words together.
        let breakable = |c: char| c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}';
        for word in paragraph.split(breakable).filter(|w| !w.is_empty()) {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            let run = shape_clean(candidate.clone(), style);
            if run.width <= max_width {
                current = candidate;
                current_run = Some(run);
                continue;
            }
            if let Some(done) = current_run.take() {
                lines.push(done);
            }
            // The word starts a new line; break it where it is wider than the line.
            let mut pieces = break_word(word, style, max_width);
            let last = pieces.pop();
            lines.extend(pieces);
            current = last.as_ref().map(|r| r.text.clone()).unwrap_or_default();
            current_run = last;
        }
        match current_run {
            Some(run) => lines.push(run),
            None => lines.push(shape_clean(String::new(), style)),
        }
    }
    // Leading and trailing blank lines carry nothing.
    while lines.last().is_some_and(|l| l.text.is_empty()) {
        lines.pop();
    }
    let first_text = lines.iter().position(|l| !l.text.is_empty()).unwrap_or(0);
    lines.drain(..first_text);
    lines
}

/// Splits one word into pieces that each fit `max_width` (at least one cluster per piece,
/// so a glyph wider than the line still makes progress).
fn break_word(word: &str, style: Style, max_width: f32) -> Vec<Run> {
    let whole = shape_clean(word.to_owned(), style);
    if whole.width <= max_width {
        return vec![whole];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut width = 0.0;
    // Places in the current piece after a character that reads well at a line end, with
    // the piece's width there: a `/` (URLs keep their last segment whole), or another mark.
    let mut after_slash: Option<(usize, f32)> = None;
    let mut after_mark: Option<(usize, f32)> = None;
    for glyph in &whole.glyphs {
        let w = glyph.x_advance * style.size;
        let cluster = glyph.text_range.start;
        if width + w > max_width && cluster > start {
            let usable = |soft: Option<(usize, f32)>, min: f32| {
                soft.filter(|&(at, piece)| at > start && piece >= min)
            };
            let (cut, cut_width) = usable(after_slash, max_width * 0.4)
                .or(usable(after_mark, 0.0))
                .unwrap_or((cluster, width));
            pieces.push(shape_clean(word[start..cut].to_owned(), style));
            start = cut;
            width -= cut_width;
            after_slash = None;
            after_mark = None;
        }
        width += w;
        let end = glyph.text_range.end;
        let text = &word[cluster..end];
        if text.ends_with('/') {
            after_slash = Some((end, width));
        } else if text.ends_with(['-', '.', '?', '&', '=', '_', ',', ';']) {
            after_mark = Some((end, width));
        }
    }
    if start < word.len() {
        pieces.push(shape_clean(word[start..].to_owned(), style));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::regular(9.0);

    #[test]
    fn the_vendored_fonts_have_the_glyphs_of_indonesian_billing_text() {
        for bold in [false, true] {
            let f = face(bold);
            for c in "Rp 150.000,50 × – — ‘’ “” Zoë Nur’aini é ü ß Ł ñ · • … €".chars()
            {
                if c != ' ' {
                    assert!(
                        f.shaper.glyph_index(c).is_some(),
                        "{c:?} missing (bold {bold})"
                    );
                }
            }
        }
    }

    #[test]
    fn shaping_measures_and_maps_glyphs_back_to_the_text() {
        let run = shape("Zoë – Rp 1.000", BODY);
        assert!(run.width > 30.0 && run.width < 90.0, "{}", run.width);
        assert_eq!(run.glyphs.first().unwrap().text_range.start, 0);
        assert_eq!(run.glyphs.last().unwrap().text_range.end, run.text.len());
        assert!(width("WWWW", BODY) > width("iiii", BODY));
        assert!(width("x", Style::bold(9.0)) > width("x", BODY) * 0.9);
    }

    #[test]
    fn wrapping_breaks_between_words_and_keeps_every_word() {
        let text = "Internet dedicated 20 Mbps untuk kantor cabang Siti Nur’aini";
        let lines = wrap(text, BODY, 80.0);
        assert!(lines.len() > 2, "{}", lines.len());
        assert!(lines.iter().all(|l| l.width <= 80.0));
        let joined: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(joined.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_without_losing_characters() {
        let word = "x".repeat(500);
        let lines = wrap(&word, BODY, 50.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| l.width <= 50.0));
        assert_eq!(lines.iter().map(|l| l.text.len()).sum::<usize>(), 500);
    }

    #[test]
    fn a_long_link_breaks_after_a_slash_or_hyphen_when_it_can() {
        let url = "https://bayar.jns.net.id/i/INV-2026-12-0042";
        let lines = wrap(url, BODY, 110.0);
        assert!(lines.len() >= 2);
        assert!(lines.iter().all(|l| l.width <= 110.0));
        for line in &lines[..lines.len() - 1] {
            assert!(line.text.ends_with(['/', '-', '.']), "{:?}", line.text);
        }
        assert_eq!(lines.last().unwrap().text, "INV-2026-12-0042");
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<String>(),
            url
        );
    }

    #[test]
    fn newlines_start_lines_and_blank_lines_survive_inside_but_not_around() {
        let lines = wrap("\n\nBCA 123\n\nMandiri 456\n\n", BODY, 500.0);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["BCA 123", "", "Mandiri 456"]);
        assert!(wrap("  \n ", BODY, 500.0).is_empty());
    }

    #[test]
    fn control_characters_print_as_spaces() {
        assert_eq!(shape("a\tb\r\u{0}c", BODY).text, "a b  c");
        let lines = wrap("a\tb\r\nc", BODY, 500.0);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["a b", "c"]);
    }
}
