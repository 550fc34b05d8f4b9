//! A small typesetter for the letters: A4 pages of wrapped paragraphs, headings, rules
//! and two- or more-column rows, written as a PDF with the bundled DejaVu Sans embedded
//! as a subset.
//!
//! Why this shape: every document is a flow of blocks from the top of the page down, with
//! a page break when a block does not fit; nothing needs more than that, and keeping the
//! layout this small keeps a letter far below the 20 ms budget.
//!
//! How the PDF is written (PDF/A-friendly, readable by `pdftotext`):
//! - each font is a Type0 font with a CIDFontType2 descendant (Identity-H, CIDs are the
//!   subset's glyph ids), the subset embedded as `FontFile2`, the widths of every used
//!   glyph listed, and a ToUnicode CMap so that copy-paste and text extraction give the
//!   real characters back (ë, é, €);
//! - content streams and the font file are Flate-compressed;
//! - document information (title, author, subject, creator, producer, creation date),
//!   the catalog's language (`nl-NL`) and a file id are set; nothing is encrypted;
//! - the output depends on the input only (the creation date is the document's own date
//!   and the file id a hash of the content), so the same data renders to the same bytes
//!   and a stored document's SHA-256 can be checked by rendering it again.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use super::RenderError;

/// DejaVu Sans (Bitstream Vera licence, `fonts/LICENSE`), regular.
static REGULAR_TTF: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
/// DejaVu Sans, bold.
static BOLD_TTF: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

/// The parsed fonts, once per process: parsing is cheap, but every character of every
/// letter looks a glyph up in them.
static FACES: LazyLock<[Face<'static>; 2]> = LazyLock::new(|| {
    [
        Face::parse(REGULAR_TTF, 0).expect("the bundled regular font parses"),
        Face::parse(BOLD_TTF, 0).expect("the bundled bold font parses"),
    ]
});

/// A4 width in points.
pub const PAGE_WIDTH: f32 = 595.28;
/// A4 height in points.
pub const PAGE_HEIGHT: f32 = 841.89;
/// Left margin.
pub const LEFT: f32 = 68.0;
/// Right edge of the text block.
pub const RIGHT: f32 = PAGE_WIDTH - 62.0;
const TOP: f32 = PAGE_HEIGHT - 56.0;
const BOTTOM: f32 = 64.0;
/// Body text size.
pub const BODY: f32 = 10.0;
const LEADING: f32 = 1.38;

/// Which of the two bundled faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Style {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

impl Style {
    fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Bold => 1,
        }
    }
}

/// Horizontal alignment of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Flush left at the column's start.
    Left,
    /// Flush right at the column's end (amounts).
    Right,
}

/// One column of a row: where it ends (its start is the previous column's end) and how
/// its text is aligned.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Right edge, in points from the page's left edge.
    pub until: f32,
    /// Alignment.
    pub align: Align,
}

impl Column {
    /// A column of flush-left text ending at `until`.
    pub const fn left(until: f32) -> Column {
        Column {
            until,
            align: Align::Left,
        }
    }

    /// A column of flush-right text (amounts) ending at `until`.
    pub const fn right(until: f32) -> Column {
        Column {
            until,
            align: Align::Right,
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Text {
        style: Style,
        size: f32,
        x: f32,
        y: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

/// The document being laid out: pages of text and lines, then [`Doc::finish`] writes the
/// PDF.
pub struct Doc {
    title: String,
    author: String,
    subject: String,
    date: NaiveDate,
    pages: Vec<Vec<Op>>,
    y: f32,
    footer: String,
}

/// The width of `text` in `style` at `size` points (advance widths, no kerning).
pub fn text_width(text: &str, style: Style, size: f32) -> f32 {
    let face = &FACES[style.index()];
    let per_em = f32::from(face.units_per_em());
    let units: f32 = text
        .chars()
        .map(|c| {
            let glyph = face.glyph_index(c).unwrap_or(GlyphId(0));
            f32::from(face.glyph_hor_advance(glyph).unwrap_or(0))
        })
        .sum();
    units * size / per_em
}

/// The space between two blocks set side by side.
const GUTTER: f32 = 12.0;

/// `lines` as set in a block `width` wide: a line that fits is kept as it is (spacing and
/// all), a longer one wrapped.
fn fitted(lines: &[String], style: Style, size: f32, width: f32) -> Vec<String> {
    lines
        .iter()
        .flat_map(|line| {
            if text_width(line, style, size) <= width {
                vec![line.clone()]
            } else {
                wrap(line, style, size, width)
            }
        })
        .collect()
}

/// Splits `text` into lines no wider than `width`; explicit newlines break too. A word
/// wider than the line is broken between its characters.
pub fn wrap(text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let space = text_width(" ", style, size);
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in glue_euro_signs(paragraph)
            .iter()
            .flat_map(|word| split_wide(word, style, size, width))
        {
            let word = word.as_str();
            let w = text_width(word, style, size);
            if !line.is_empty() && line_width + space + w > width {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            if !line.is_empty() {
                line.push(' ');
                line_width += space;
            }
            line.push_str(word);
            line_width += w;
        }
        lines.push(line);
    }
    lines
}

/// `word` in pieces no wider than `width` (a hostile or unusual name with no spaces);
/// a word that fits is one piece.
fn split_wide(word: &str, style: Style, size: f32, width: f32) -> Vec<String> {
    if text_width(word, style, size) <= width {
        return vec![word.to_owned()];
    }
    let mut pieces = vec![String::new()];
    for c in word.chars() {
        let mut buf = [0u8; 4];
        let piece = pieces.last_mut().expect("never empty");
        if !piece.is_empty()
            && text_width(piece, style, size) + text_width(c.encode_utf8(&mut buf), style, size)
                > width
        {
            pieces.push(String::new());
        }
        pieces.last_mut().expect("never empty").push(c);
    }
    pieces
}

/// The words of `text`, a lone euro sign kept with the amount after it, so `€ 42,04` never
/// breaks across lines.
fn glue_euro_signs(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut after_euro = false;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match words.last_mut() {
            Some(last) if after_euro => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        after_euro = word == "€";
    }
    words
}

impl Doc {
    /// A new document with its metadata; `footer` is printed at the foot of every page
    /// with the page number.
    pub fn new(title: &str, author: &str, subject: &str, date: NaiveDate, footer: &str) -> Doc {
        Doc {
            title: title.to_owned(),
            author: author.to_owned(),
            subject: subject.to_owned(),
            date,
            pages: vec![Vec::new()],
            y: TOP,
            footer: footer.to_owned(),
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Makes room for `height` points, starting a new page when it does not fit.
    fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Moves down by `points`.
    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    /// Places one line of text at `x` on the current line, without moving down.
    pub fn text_at(&mut self, x: f32, text: &str, style: Style, size: f32) {
        let y = self.y - size;
        self.ops().push(Op::Text {
            style,
            size,
            x,
            y,
            text: text.to_owned(),
        });
    }

    /// A wrapped paragraph over the full text width.
    pub fn paragraph(&mut self, text: &str, style: Style, size: f32) {
        self.paragraph_in(LEFT, RIGHT, text, style, size);
    }

    /// A wrapped paragraph between `left` and `right`.
    pub fn paragraph_in(&mut self, left: f32, right: f32, text: &str, style: Style, size: f32) {
        let line_height = size * LEADING;
        for line in wrap(text, style, size, right - left) {
            self.need(line_height);
            if !line.is_empty() {
                self.text_at(left, &line, style, size);
            }
            self.y -= line_height;
        }
    }

    /// Body text followed by a small gap: the usual paragraph of a letter.
    pub fn body(&mut self, text: &str) {
        self.paragraph(text, Style::Regular, BODY);
        self.space(BODY * 0.6);
    }

    /// A heading in bold, kept on the page with at least two lines after it.
    pub fn heading(&mut self, text: &str, size: f32) {
        self.need(size * LEADING + 3.0 * BODY * LEADING);
        self.space(size * 0.4);
        self.paragraph(text, Style::Bold, size);
        self.space(size * 0.3);
    }

    /// A block of lines (an address) set without gaps.
    pub fn lines(&mut self, left: f32, lines: &[String], style: Style, size: f32) {
        let lines = fitted(lines, style, size, RIGHT - left);
        self.set_lines(left, &lines, style, size);
    }

    fn set_lines(&mut self, left: f32, lines: &[String], style: Style, size: f32) {
        let line_height = size * LEADING;
        self.need(line_height * lines.len() as f32);
        for line in lines {
            if !line.is_empty() {
                self.text_at(left, line, style, size);
            }
            self.y -= line_height;
        }
    }

    /// Two blocks side by side (e.g. the debtor's address and the letter's details), the
    /// cursor ending below the longer one. A line too long for its block wraps within it,
    /// so a long name never runs into the details beside it.
    pub fn side_by_side(&mut self, left: &[String], right_x: f32, right: &[String], size: f32) {
        let line_height = size * LEADING;
        let left = fitted(left, Style::Regular, size, right_x - LEFT - GUTTER);
        let right = fitted(right, Style::Regular, size, RIGHT - right_x);
        let rows = left.len().max(right.len());
        self.need(line_height * rows as f32);
        let top = self.y;
        self.set_lines(LEFT, &left, Style::Regular, size);
        let after_left = self.y;
        self.y = top;
        self.set_lines(right_x, &right, Style::Regular, size);
        self.y = self.y.min(after_left);
    }

    /// One row of cells in `columns` (the first starts at the left margin); a cell that is
    /// too wide wraps within its column, and the row is as high as its tallest cell.
    pub fn row(&mut self, columns: &[Column], cells: &[&str], style: Style, size: f32) {
        let line_height = size * LEADING;
        let mut start = LEFT;
        let mut wrapped = Vec::with_capacity(cells.len());
        for (column, cell) in columns.iter().zip(cells) {
            let width = column.until - start - 6.0;
            wrapped.push((start, *column, wrap(cell, style, size, width.max(10.0))));
            start = column.until;
        }
        let height = wrapped.iter().map(|(_, _, l)| l.len()).max().unwrap_or(1) as f32;
        self.need(line_height * height);
        let top = self.y;
        for (start, column, lines) in wrapped {
            self.y = top;
            for line in lines {
                let x = match column.align {
                    Align::Left => start,
                    Align::Right => column.until - text_width(&line, style, size),
                };
                if !line.is_empty() {
                    self.text_at(x, &line, style, size);
                }
                self.y -= line_height;
            }
        }
        self.y = top - line_height * height;
    }

    /// A thin horizontal rule from `x1` to `x2` at the cursor.
    pub fn rule(&mut self, x1: f32, x2: f32) {
        self.need(4.0);
        let y = self.y - 1.5;
        self.ops().push(Op::Line {
            x1,
            y1: y,
            x2,
            y2: y,
        });
        self.y -= 4.0;
    }

    /// Writes the PDF.
    pub fn finish(self) -> Result<Vec<u8>, RenderError> {
        let page_count = self.pages.len();
        let mut glyphs = Glyphs::default();
        let mut streams = Vec::with_capacity(page_count);
        for (index, page) in self.pages.iter().enumerate() {
            let mut content = Content::new();
            for op in page {
                match op {
                    Op::Text {
                        style,
                        size,
                        x,
                        y,
                        text,
                    } => show(&mut content, &mut glyphs, *style, *size, *x, *y, text),
                    Op::Line { x1, y1, x2, y2 } => {
                        content
                            .set_line_width(0.5)
                            .move_to(*x1, *y1)
                            .line_to(*x2, *y2)
                            .stroke();
                    }
                }
            }
            let footer = format!("{} — pagina {} van {}", self.footer, index + 1, page_count);
            show(
                &mut content,
                &mut glyphs,
                Style::Regular,
                7.5,
                LEFT,
                BOTTOM - 28.0,
                &footer,
            );
            streams.push(content.finish().into_vec());
        }

        let mut alloc = Ref::new(1);
        let mut next = || alloc.bump();
        let catalog_id = next();
        let pages_id = next();
        let info_id = next();
        let page_ids: Vec<(Ref, Ref)> = (0..page_count).map(|_| (next(), next())).collect();
        let mut pdf = Pdf::new();

        let mut hasher = Sha256::new();
        for stream in &streams {
            hasher.update(stream);
        }
        hasher.update(self.title.as_bytes());
        let id = hasher.finalize()[..16].to_vec();
        pdf.set_file_id((id.clone(), id));

        let mut catalog = pdf.catalog(catalog_id);
        catalog.pages(pages_id);
        catalog.lang(TextStr("nl-NL"));
        catalog.finish();

        let date = pdf_writer::Date::new(u16::try_from(self.date.year()).unwrap_or(2000))
            .month(u8::try_from(self.date.month()).unwrap_or(1))
            .day(u8::try_from(self.date.day()).unwrap_or(1));
        let mut info = pdf.document_info(info_id);
        info.title(TextStr(&self.title));
        info.author(TextStr(&self.author));
        info.subject(TextStr(&self.subject));
        info.creator(TextStr("exploot"));
        info.producer(TextStr("exploot (pdf-writer)"));
        info.creation_date(date);
        info.finish();

        // Fonts: only those used, each as a subset of the glyphs used.
        let mut font_ids = BTreeMap::new();
        for (style, used) in glyphs.used.iter() {
            let ids = FontIds {
                type0: next(),
                cid: next(),
                descriptor: next(),
                file: next(),
                cmap: next(),
            };
            write_font(&mut pdf, *style, used, ids)?;
            font_ids.insert(*style, ids.type0);
        }

        pdf.pages(pages_id)
            .kids(page_ids.iter().map(|(page, _)| *page))
            .count(i32::try_from(page_count).unwrap_or(i32::MAX));
        for ((page_id, content_id), stream) in page_ids.iter().zip(&streams) {
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
            page.parent(pages_id);
            page.contents(*content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (style, id) in &font_ids {
                fonts.pair(font_name(*style), *id);
            }
            fonts.finish();
            resources.finish();
            page.finish();
            let compressed = deflate(stream);
            pdf.stream(*content_id, &compressed)
                .filter(Filter::FlateDecode);
        }
        Ok(pdf.finish())
    }
}

fn font_name(style: Style) -> Name<'static> {
    match style {
        Style::Regular => Name(b"F1"),
        Style::Bold => Name(b"F2"),
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// The glyphs each font shows, remapped to the subset's consecutive ids as they are first
/// used, and the character each new id stands for (for the ToUnicode CMap).
#[derive(Default)]
struct Glyphs {
    used: BTreeMap<Style, UsedGlyphs>,
}

struct UsedGlyphs {
    remapper: GlyphRemapper,
    /// New glyph id → (old glyph id, character).
    chars: BTreeMap<u16, (u16, char)>,
}

impl Glyphs {
    /// The subset glyph id of `c` in `style`.
    fn code(&mut self, style: Style, c: char) -> u16 {
        let face = &FACES[style.index()];
        let old = face.glyph_index(c).unwrap_or(GlyphId(0)).0;
        let used = self.used.entry(style).or_insert_with(|| UsedGlyphs {
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        });
        let new = used.remapper.remap(old);
        used.chars.entry(new).or_insert((old, c));
        new
    }
}

fn show(
    content: &mut Content,
    glyphs: &mut Glyphs,
    style: Style,
    size: f32,
    x: f32,
    y: f32,
    text: &str,
) {
    let mut encoded = Vec::with_capacity(text.len() * 2);
    for c in text.chars() {
        encoded.extend_from_slice(&glyphs.code(style, c).to_be_bytes());
    }
    content
        .begin_text()
        .set_font(font_name(style), size)
        .next_line(x, y)
        .show(Str(&encoded))
        .end_text();
}

#[derive(Clone, Copy)]
struct FontIds {
    type0: Ref,
    cid: Ref,
    descriptor: Ref,
    file: Ref,
    cmap: Ref,
}

fn write_font(
    pdf: &mut Pdf,
    style: Style,
    used: &UsedGlyphs,
    ids: FontIds,
) -> Result<(), RenderError> {
    let face = &FACES[style.index()];
    let data = match style {
        Style::Regular => REGULAR_TTF,
        Style::Bold => BOLD_TTF,
    };
    // A subset's name carries a six-letter tag (PDF 32000-1, 9.6.4).
    let base = match style {
        Style::Regular => "EXPLOA+DejaVuSans",
        Style::Bold => "EXPLOB+DejaVuSans-Bold",
    };
    let base_font = Name(base.as_bytes());
    let per_em = f32::from(face.units_per_em());
    let scale = |v: f32| v * 1000.0 / per_em;

    pdf.type0_font(ids.type0)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(ids.cid)
        .to_unicode(ids.cmap);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let mut cid = pdf.cid_font(ids.cid);
    cid.subtype(CidFontType::Type2);
    cid.base_font(base_font);
    cid.system_info(system_info);
    cid.font_descriptor(ids.descriptor);
    cid.default_width(0.0);
    cid.cid_to_gid_map_predefined(Name(b"Identity"));
    let widths: Vec<f32> = (0..=used.chars.keys().next_back().copied().unwrap_or(0))
        .map(|new| {
            used.chars.get(&new).map_or(0.0, |&(old, _)| {
                scale(f32::from(face.glyph_hor_advance(GlyphId(old)).unwrap_or(0)))
            })
        })
        .collect();
    cid.widths().consecutive(0, widths);
    cid.finish();

    let bbox = face.global_bounding_box();
    let mut flags = FontFlags::NON_SYMBOLIC;
    if style == Style::Bold {
        flags |= FontFlags::FORCE_BOLD;
    }
    pdf.font_descriptor(ids.descriptor)
        .name(base_font)
        .flags(flags)
        .bbox(Rect::new(
            scale(f32::from(bbox.x_min)),
            scale(f32::from(bbox.y_min)),
            scale(f32::from(bbox.x_max)),
            scale(f32::from(bbox.y_max)),
        ))
        .italic_angle(0.0)
        .ascent(scale(f32::from(face.ascender())))
        .descent(scale(f32::from(face.descender())))
        .cap_height(scale(f32::from(
            face.capital_height().unwrap_or(face.ascender()),
        )))
        .stem_v(if style == Style::Bold { 140.0 } else { 80.0 })
        .font_file2(ids.file);

    let subset =
        subsetter::subset(data, 0, &used.remapper).map_err(|e| RenderError::Font(e.to_string()))?;
    let compressed = deflate(&subset);
    pdf.stream(ids.file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
    for (&new, &(_, c)) in &used.chars {
        cmap.pair(new, c);
    }
    let cmap = cmap.finish();
    pdf.cmap(ids.cmap, &cmap);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let text = "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd";
        let lines = wrap(text, Style::Regular, 10.0, 150.0);
        assert!(lines.len() > 1, "{lines:?}");
        for line in &lines {
            assert!(text_width(line, Style::Regular, 10.0) <= 150.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_between_its_characters() {
        let name = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen";
        let lines = wrap(&format!("B.V. {name}"), Style::Regular, 10.0, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(text_width(line, Style::Regular, 10.0) <= 120.0, "{line}");
        }
        assert_eq!(lines.concat(), format!("B.V.{name}"));
    }

    #[test]
    fn a_line_that_fits_keeps_its_spacing_and_a_long_one_wraps_in_its_block() {
        let short = "1234 AB  Utrecht".to_owned();
        assert_eq!(
            fitted(std::slice::from_ref(&short), Style::Regular, 10.0, 200.0),
            vec![short]
        );
        let long = "Stichting ".repeat(20);
        let lines = fitted(&[long], Style::Regular, 10.0, 200.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| text_width(l, Style::Regular, 10.0) <= 200.0)
        );
    }

    #[test]
    fn an_amount_never_breaks_after_the_euro_sign() {
        assert_eq!(
            glue_euro_signs("inclusief € 42,04 btw"),
            vec!["inclusief", "€ 42,04", "btw"]
        );
        for width in [60.0, 80.0, 100.0, 120.0] {
            let lines = wrap("dit is inclusief € 42,04 btw", Style::Regular, 10.0, width);
            assert!(lines.iter().all(|l| !l.ends_with('€')), "{lines:?}");
        }
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let regular = text_width("Dagvaarding", Style::Regular, 10.0);
        let bold = text_width("Dagvaarding", Style::Bold, 10.0);
        assert!(bold > regular && regular > 40.0, "{regular} {bold}");
    }

    #[test]
    fn a_long_document_breaks_into_pages_and_is_a_pdf() {
        let date = NaiveDate::from_ymd_opt(2026, 4, 14).expect("valid date");
        let mut doc = Doc::new("Test", "exploot", "test", date, "test");
        for i in 0..200 {
            doc.body(&format!("Regel {i}: één, twee, € 1.234,56"));
        }
        assert!(doc.pages.len() > 3, "{}", doc.pages.len());
        let bytes = doc.finish().expect("renders");
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.windows(10).any(|w| w == b"/ToUnicode"));
        assert!(bytes.windows(10).any(|w| w == b"/FontFile2"));
    }
}
