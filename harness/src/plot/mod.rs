//! Charts for blog posts and papers, each written as SVG (drawn by plotters) and PNG (that SVG
//! rasterised), so the two files always show the same thing.
//!
//! Everything here is a function of its input data alone, so `crdt-bench plot` redraws a saved
//! run byte for byte: colours come from subject names (never from table order or a random
//! source), and no chart reads the clock (dates in subtitles come from the results file).
//!
//! Text: the SVG names the generic family `sans-serif`; the PNG is that SVG rasterised by resvg
//! with DejaVu Sans compiled into the binary (the `dejavu` crate) as `sans-serif`, so it looks
//! the same on a fresh machine with no fonts installed. Layout (label widths, wrapping) uses
//! DejaVu's metrics through plotters' ab_glyph support; DejaVu is wider than most sans-serif
//! fonts, so a viewer's own font in the SVG never overflows the room it was given.
//!
//! Layout: every chart is [`WIDTH_PX`] wide (a blog column), with a [`Frame`] (title,
//! subtitle naming trace, workload and machine, notes at the bottom) around the plot, and a
//! [`Legend`] laid out in rows under the plot rather than inside it, where it could cover data.

pub mod ab;
mod comparison;
mod latency;
mod memory;
mod progress;
mod rows;

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

pub use ab::ab_ratio_plot;
pub use comparison::comparison_plots;
pub use latency::{latency_cdf_plots, latency_over_trace_plots};
pub use memory::memory_plots;
pub use progress::progress_plot;

use crate::results::Results;

/// Width of every chart, in pixels: a blog column.
pub const WIDTH_PX: u32 = 800;

/// The family name charts use; registered with DejaVu Sans (see the module doc).
const FONT: &str = "sans-serif";

pub(crate) const TITLE_SIZE: f64 = 19.0;
pub(crate) const TEXT_SIZE: f64 = 14.0;
pub(crate) const SMALL_SIZE: f64 = 12.5;
pub(crate) const GREY: RGBColor = RGBColor(90, 90, 90);
pub(crate) const LIGHT_GREY: RGBColor = RGBColor(200, 200, 200);

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Both fonts are valid TrueType files compiled in; failing here is a build problem.
        let ok = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        assert!(ok, "the DejaVu Sans fonts compiled into this binary did not load");
    });
}

pub(crate) fn font(size: f64) -> FontDesc<'static> {
    register_fonts();
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal)
}

pub(crate) fn bold(size: f64) -> FontDesc<'static> {
    register_fonts();
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Bold)
}

/// Width of `text` in pixels at `size`, as the PNG renderer lays it out.
pub(crate) fn text_width_px(text: &str, size: f64) -> u32 {
    font(size).box_size(text).map(|(w, _)| w).unwrap_or(0)
}

/// Splits `text` at spaces into lines no wider than `max_px`.
pub(crate) fn wrap(text: &str, size: f64, max_px: u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if !line.is_empty() && text_width_px(&candidate, size) > max_px {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Chart {
    fn size_px(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static;
}

/// Draws `chart` as `stem.svg` and `stem.png` in `dir` (each written atomically) and returns
/// both paths. The PNG is the SVG rasterised, so the two cannot disagree.
pub(crate) fn save(chart: &impl Chart, dir: &Path, stem: &str) -> anyhow::Result<Vec<PathBuf>> {
    let (w, h) = chart.size_px();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        chart.draw(&root)?;
        root.present()?;
    }
    let png = rasterise(&svg, w, h)?;
    let svg_path = dir.join(format!("{stem}.svg"));
    let png_path = dir.join(format!("{stem}.png"));
    crate::report::write_atomic(&svg_path, svg.as_bytes())?;
    crate::report::write_atomic(&png_path, &png)?;
    Ok(vec![svg_path, png_path])
}

/// The SVG as a PNG of `w` x `h` pixels, its text set in the compiled-in DejaVu Sans.
fn rasterise(svg: &str, w: u32, h: u32) -> anyhow::Result<Vec<u8>> {
    let mut opt = resvg::usvg::Options::default();
    let fonts = opt.fontdb_mut();
    fonts.load_font_data(dejavu::sans::regular().to_vec());
    fonts.load_font_data(dejavu::sans::bold().to_vec());
    fonts.set_sans_serif_family("DejaVu Sans");
    let tree = resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| anyhow::anyhow!("the chart's SVG did not parse: {e}"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or_else(|| anyhow::anyhow!("empty chart ({w} x {h})"))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::identity(), &mut pixmap.as_mut());
    Ok(pixmap.encode_png()?)
}

/// Every chart a results file has data for, into `dir`; returns the files written.
///
/// - comparison: always (one chart per trace);
/// - optimization progress: when the run timed engine steps (`crdt-bench log`);
/// - per-edit latency over the trace and its distribution: when cells carry latency data.
pub fn all_plots(results: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = comparison_plots(results, dir)?;
    files.extend(progress_plot(results, dir)?);
    files.extend(latency_over_trace_plots(results, dir)?);
    files.extend(latency_cdf_plots(results, dir)?);
    Ok(files)
}

/// A trace name as part of a file name (`ascii_only/rustcode` -> `ascii_only-rustcode`).
pub(crate) fn file_stem_part(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

// ---------------------------------------------------------------------------------------------
// Colours: fixed per subject (and per trace), so a subject looks the same in every chart.

/// Okabe-Ito's colour-blind-safe palette for the subjects a reader meets most, greys for the
/// lower bounds; other names (engine steps) get a colour from [`EXTRA`] by a hash of the name.
pub fn subject_color(name: &str) -> RGBColor {
    match name {
        "engine" => RGBColor(213, 94, 0),
        "diamond-types" => RGBColor(0, 114, 178),
        "cola" => RGBColor(230, 159, 0),
        "loro" => RGBColor(0, 158, 115),
        "automerge" => RGBColor(204, 121, 167),
        "yrs" => RGBColor(86, 180, 233),
        "string" => RGBColor(150, 150, 150),
        "rope" => RGBColor(70, 70, 70),
        "rope-buf" => RGBColor(140, 95, 50),
        other => EXTRA[(fnv1a(other) % EXTRA.len() as u64) as usize],
    }
}

/// The standard traces in fixed colours (they are series in the optimization-progress chart).
pub fn trace_color(name: &str) -> RGBColor {
    match name.strip_prefix("ascii_only/").unwrap_or(name) {
        "sveltecomponent" => RGBColor(31, 119, 180),
        "rustcode" => RGBColor(255, 127, 14),
        "seph-blog1" => RGBColor(44, 160, 44),
        "automerge-paper" => RGBColor(214, 39, 40),
        other => EXTRA[(fnv1a(other) % EXTRA.len() as u64) as usize],
    }
}

/// Colours for other names: none is close to a fixed subject's (no blues, greys or oranges),
/// so an engine step never looks like diamond-types or a lower bound.
const EXTRA: [RGBColor; 7] = [
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(99, 121, 57),
    RGBColor(140, 109, 49),
    RGBColor(132, 60, 57),
];

/// FNV-1a: a stable hash (std's hasher may change between Rust versions; colours must not).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

// ---------------------------------------------------------------------------------------------
// Frame and legend.

const MARGIN_PX: i32 = 14;
const LINE_GAP_PX: u32 = 5;

/// Title and subtitle at the top of a chart, notes at the bottom, all wrapped to the width.
pub(crate) struct Frame {
    title: Vec<String>,
    subtitle: Vec<String>,
    notes: Vec<String>,
}

impl Frame {
    pub fn new(title: &str, subtitle: &str, notes: &[String]) -> Frame {
        let max = WIDTH_PX - 2 * MARGIN_PX as u32;
        Frame {
            title: wrap(title, TITLE_SIZE, max),
            subtitle: wrap(subtitle, SMALL_SIZE, max),
            notes: notes.iter().flat_map(|n| wrap(n, SMALL_SIZE, max)).collect(),
        }
    }

    fn line_px(size: f64) -> u32 {
        size.ceil() as u32 + LINE_GAP_PX
    }

    pub fn top_px(&self) -> u32 {
        MARGIN_PX as u32 / 2
            + self.title.len() as u32 * Self::line_px(TITLE_SIZE)
            + self.subtitle.len() as u32 * Self::line_px(SMALL_SIZE)
            + 8
    }

    pub fn bottom_px(&self) -> u32 {
        self.notes.len() as u32 * Self::line_px(SMALL_SIZE) + if self.notes.is_empty() { 6 } else { 10 }
    }

    /// Height of a chart whose plot (with its legend) is `inner_px` tall.
    pub fn height_px(&self, inner_px: u32) -> u32 {
        self.top_px() + inner_px + self.bottom_px()
    }

    /// Draws the frame and returns the area left for the plot.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<DrawingArea<DB, Shift>>
    where
        DB::ErrorType: 'static,
    {
        let (_, h) = root.dim_in_pixel();
        let mut y = MARGIN_PX / 2;
        for line in &self.title {
            root.draw(&Text::new(line.as_str(), (MARGIN_PX, y), bold(TITLE_SIZE).color(&BLACK)))?;
            y += Self::line_px(TITLE_SIZE) as i32;
        }
        for line in &self.subtitle {
            root.draw(&Text::new(line.as_str(), (MARGIN_PX, y), font(SMALL_SIZE).color(&GREY)))?;
            y += Self::line_px(SMALL_SIZE) as i32;
        }
        let mut y = h as i32 - self.bottom_px() as i32 + 6;
        for line in &self.notes {
            root.draw(&Text::new(line.as_str(), (MARGIN_PX, y), font(SMALL_SIZE).color(&GREY)))?;
            y += Self::line_px(SMALL_SIZE) as i32;
        }
        Ok(root.margin(self.top_px(), self.bottom_px(), 0, 0))
    }
}

/// How a legend entry shows its series.
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    Line,
    Dot,
}

/// A legend in rows under the plot: as many columns as fit the width, entries in reading order.
pub(crate) struct Legend {
    entries: Vec<(RGBColor, Swatch, String)>,
    columns: usize,
    column_px: u32,
}

const SWATCH_PX: u32 = 26;
const LEGEND_ROW_PX: u32 = 21;

impl Legend {
    pub fn new(entries: Vec<(RGBColor, Swatch, String)>) -> Legend {
        let usable = WIDTH_PX - 2 * MARGIN_PX as u32;
        let widest = entries.iter().map(|(_, _, t)| text_width_px(t, SMALL_SIZE)).max().unwrap_or(0) + SWATCH_PX + 18;
        let columns = (usable / widest.max(1)).clamp(1, entries.len().max(1) as u32) as usize;
        Legend { entries, columns, column_px: usable / columns as u32 }
    }

    pub fn height_px(&self) -> u32 {
        if self.entries.is_empty() {
            return 0;
        }
        self.entries.len().div_ceil(self.columns) as u32 * LEGEND_ROW_PX + 8
    }

    /// Draws the legend at the bottom of `area` and returns the area above it.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> anyhow::Result<DrawingArea<DB, Shift>>
    where
        DB::ErrorType: 'static,
    {
        let (_, h) = area.dim_in_pixel();
        let top = h as i32 - self.height_px() as i32 + 4;
        for (i, (color, swatch, text)) in self.entries.iter().enumerate() {
            let x = MARGIN_PX + (i % self.columns) as i32 * self.column_px as i32;
            let y = top + (i / self.columns) as i32 * LEGEND_ROW_PX as i32;
            let mid = y + LEGEND_ROW_PX as i32 / 2 - 2;
            match swatch {
                Swatch::Line => area.draw(&PathElement::new(vec![(x, mid), (x + SWATCH_PX as i32 - 6, mid)], color.stroke_width(3)))?,
                Swatch::Dot => area.draw(&Circle::new((x + 10, mid), 5, color.filled()))?,
            }
            let style = font(SMALL_SIZE).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(text.as_str(), (x + SWATCH_PX as i32, mid), style))?;
        }
        Ok(area.margin(0, self.height_px(), 0, 0))
    }
}

// ---------------------------------------------------------------------------------------------
// Number formatting for axes and labels.

/// A duration for an axis tick: the unit chosen for the value, at most 3 significant digits,
/// no trailing zeros (`1 ms`, `2.5 µs`, `300 ns`).
pub(crate) fn fmt_tick_ns(ns: f64) -> String {
    let (v, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{} {unit}", trim_number(v))
}

/// A plain number with at most 3 significant digits and no trailing zeros (0.0005, 2.5, 300).
pub(crate) fn trim_number(v: f64) -> String {
    let s = if v >= 100.0 || v <= 0.0 {
        format!("{v:.0}")
    } else {
        let decimals = (2 - v.log10().floor() as i32).max(0) as usize;
        format!("{v:.decimals$}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A count with thousands separators: 259,778.
pub(crate) fn fmt_count(n: usize) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> =
        digits.as_bytes().rchunks(3).rev().map(|g| std::str::from_utf8(g).expect("ASCII digits")).collect();
    groups.join(",")
}

/// Tick positions for a log axis over `lo..=hi`: the finest of 1-2-5, 1-3 and 1 per decade that
/// gives at most 8 ticks (plotters' own choice crowds the labels near the top of each decade);
/// evenly spaced round numbers when the range is too narrow for 3 of those (a narrow log axis
/// looks linear anyway); every n-th decade over a huge range.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let with = |mantissas: &[f64]| -> Vec<f64> {
        let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        (k0..=k1)
            .flat_map(|k| mantissas.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|v| (lo..=hi).contains(v))
            .collect()
    };
    if with(&[1.0, 2.0, 5.0]).len() < 3 {
        return linear_ticks(lo, hi);
    }
    for mantissas in [&[1.0, 2.0, 5.0][..], &[1.0, 3.0], &[1.0]] {
        let ticks = with(mantissas);
        if ticks.len() <= 8 {
            return ticks;
        }
    }
    let decades = with(&[1.0]);
    let step = decades.len().div_ceil(8);
    decades.into_iter().step_by(step).collect()
}

/// Five to eight evenly spaced round ticks (steps of 1, 2 or 5 times a power of ten) in `lo..=hi`.
pub(crate) fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let rough = (hi - lo) / 7.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= rough * (1.0 - 1e-9)).unwrap_or(10.0 * power);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    // Multiplying an integer by the step (not adding steps) keeps 0.3 from becoming 0.30000000000000004.
    (first..=last).map(|k| k as f64 * step).collect()
}

/// The subtitle every results chart carries: machine, commit, date, workload and granularity.
pub(crate) fn run_subtitle(results: &Results) -> String {
    format!(
        "{} · commit {} · {} · workload {}, {}{}",
        results.machine.one_line(),
        results.git.short(),
        results.created.get(..10).unwrap_or(&results.created),
        results.settings.workload,
        results.settings.granularity.describe(),
        if results.settings.quick { " · quick run" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short_and_exact() {
        assert_eq!(fmt_tick_ns(1e6), "1 ms");
        assert_eq!(fmt_tick_ns(2.5e3), "2.5 µs");
        assert_eq!(fmt_tick_ns(300.0), "300 ns");
        assert_eq!(fmt_tick_ns(16e6), "16 ms");
        assert_eq!(fmt_tick_ns(1.5e9), "1.5 s");
        assert_eq!(trim_number(0.0005), "0.0005");
        assert_eq!(trim_number(0.3), "0.3");
        assert_eq!(trim_number(12.26), "12.3");
        assert_eq!(trim_number(0.0), "0");
        assert_eq!(fmt_count(259_778), "259,778");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1_000), "1,000");
    }

    #[test]
    fn log_ticks_stay_few_and_round() {
        assert_eq!(log_ticks(0.1, 2.0).len(), 5); // 0.1 0.2 0.5 1 2
        assert_eq!(log_ticks(1e5, 1e10).len(), 6); // decades
        assert!(log_ticks(0.9, 1.6).len() >= 3);
        assert_eq!(linear_ticks(0.95, 1.05), vec![0.96, 0.98, 1.0, 1.02, 1.04]);
        assert!(log_ticks(1.0, 1e30).len() <= 8);
    }

    #[test]
    fn colours_are_fixed_per_name() {
        assert_eq!(subject_color("diamond-types"), RGBColor(0, 114, 178));
        assert_eq!(subject_color("engine/s07-something"), subject_color("engine/s07-something"));
        assert_ne!(subject_color("engine"), subject_color("diamond-types"));
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let text = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz (2 cores, 23 GiB), linux 6.1.0 · commit 0123456789-dirty · 2025-11-26 · workload local, one transaction per trace txn · quick run";
        let lines = wrap(text, SMALL_SIZE, 400);
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width_px(l, SMALL_SIZE) <= 400), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }
}
