//! Test helpers: the sample documents and the poppler tools that read rendered PDFs back.
#![allow(dead_code)]

pub mod sample;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs a poppler-utils tool; a missing tool fails the test with what to install.
fn poppler(tool: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            panic!(
                "`{tool}` is not installed: these tests read the PDFs back with poppler-utils \
                 (Debian/Ubuntu: apt-get install -y poppler-utils)"
            )
        }
        panic!("could not run {tool}: {e}")
    });
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the PDF to a file of its own under the target directory.
pub fn write_pdf(pdf: &[u8]) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = scratch_dir().join(format!("doc-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    path
}

/// The PDF's text (pdftotext), whitespace collapsed to single spaces.
pub fn text(pdf: &[u8]) -> String {
    let path = write_pdf(pdf);
    let out = poppler("pdftotext", &[path.to_str().unwrap(), "-"]);
    let _ = std::fs::remove_file(&path);
    collapse(&String::from_utf8(out).expect("pdftotext prints UTF-8"))
}

/// The text of one page (1-based).
pub fn page_text(pdf: &[u8], page: usize) -> String {
    let path = write_pdf(pdf);
    let p = page.to_string();
    let out = poppler(
        "pdftotext",
        &["-f", &p, "-l", &p, path.to_str().unwrap(), "-"],
    );
    let _ = std::fs::remove_file(&path);
    collapse(&String::from_utf8(out).expect("pdftotext prints UTF-8"))
}

pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `pdfinfo`'s fields.
pub fn info(pdf: &[u8]) -> Vec<(String, String)> {
    let path = write_pdf(pdf);
    let out = poppler("pdfinfo", &[path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// The URLs of the PDF's link annotations (`pdfinfo -url`): one per line, "page type url".
pub fn urls(pdf: &[u8]) -> Vec<String> {
    let path = write_pdf(pdf);
    let out = poppler("pdfinfo", &["-url", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out)
        .lines()
        .skip(1) // the column headings
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .collect()
}

pub fn pages(pdf: &[u8]) -> usize {
    let info = info(pdf);
    let pages = info
        .iter()
        .find(|(k, _)| k == "Pages")
        .expect("pdfinfo prints Pages");
    pages.1.parse().unwrap()
}

/// Width and height of page 1 in points.
pub fn page_size(pdf: &[u8]) -> (f32, f32) {
    let info = info(pdf);
    let size = &info
        .iter()
        .find(|(k, _)| k == "Page size")
        .expect("pdfinfo prints Page size")
        .1;
    // "164.41 x 1234.5 pts"
    let mut numbers = size
        .split_whitespace()
        .filter_map(|w| w.parse::<f32>().ok());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

/// Renders page 1 to PNG with pdftoppm at `dpi` and returns the PNG's path (`<stem>.png`).
pub fn render_png(pdf: &[u8], dir: &Path, stem: &str, dpi: u32) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = write_pdf(pdf);
    let prefix = dir.join(stem);
    let dpi = dpi.to_string();
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            &dpi,
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let _ = std::fs::remove_file(&path);
    let png = prefix.with_extension("png");
    let bytes = std::fs::read(&png).expect("pdftoppm wrote the PNG");
    assert!(bytes.starts_with(b"\x89PNG"), "{} is a PNG", png.display());
    png
}

/// Where viewable screenshots go: `target/screenshots/documents/`.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the tmp dir is inside target/")
        .join("screenshots")
        .join("documents")
}

/// A word and its box on a page, in points from the top left (pdftotext -bbox).
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

#[derive(Debug, Clone)]
pub struct PageWords {
    pub width: f32,
    pub height: f32,
    pub words: Vec<Word>,
}

fn attr(tag: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).unwrap_or_else(|| panic!("{name} in {tag}")) + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

/// Every word with its bounding box, page by page.
pub fn words(pdf: &[u8]) -> Vec<PageWords> {
    let path = write_pdf(pdf);
    let out = poppler("pdftotext", &["-bbox", path.to_str().unwrap(), "-"]);
    let _ = std::fs::remove_file(&path);
    let html = String::from_utf8(out).unwrap();
    let mut pages = Vec::new();
    for chunk in html.split("<page ").skip(1) {
        let tag_end = chunk.find('>').unwrap();
        let tag = &chunk[..tag_end];
        let mut page = PageWords {
            width: attr(tag, "width"),
            height: attr(tag, "height"),
            words: vec![],
        };
        for w in chunk.split("<word ").skip(1) {
            let end = w.find('>').unwrap();
            let tag = &w[..end];
            let text_end = w.find("</word>").unwrap();
            page.words.push(Word {
                text: w[end + 1..text_end].to_owned(),
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                y_max: attr(tag, "yMax"),
            });
        }
        pages.push(page);
    }
    pages
}

/// Asserts that every word lies inside its page and that no two words overlap. Boxes are
/// shrunk by 12% of their height at top and bottom: poppler boxes a word by the font's
/// ascender and descender (1.36 em), a little more than the 1.32 em line pitch.
pub fn assert_no_overlap_or_cut(pdf: &[u8]) {
    for (n, page) in words(pdf).iter().enumerate() {
        let boxes: Vec<(f32, f32, f32, f32, &str)> = page
            .words
            .iter()
            .map(|w| {
                let inset = (w.y_max - w.y_min) * 0.12;
                (
                    w.x_min,
                    w.y_min + inset,
                    w.x_max,
                    w.y_max - inset,
                    w.text.as_str(),
                )
            })
            .collect();
        for &(x0, y0, x1, y1, t) in &boxes {
            assert!(
                x0 >= 0.0 && y0 >= 0.0 && x1 <= page.width + 0.01 && y1 <= page.height + 0.01,
                "page {}: {t:?} at ({x0}, {y0})–({x1}, {y1}) is outside the {}×{} page",
                n + 1,
                page.width,
                page.height
            );
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap_x = a.2.min(b.2) - a.0.max(b.0);
                let overlap_y = a.3.min(b.3) - a.1.max(b.1);
                assert!(
                    overlap_x <= 0.05 || overlap_y <= 0.05,
                    "page {}: {:?} overlaps {:?} ({overlap_x:.2} × {overlap_y:.2} pt)",
                    n + 1,
                    a.4,
                    b.4
                );
            }
        }
    }
}
