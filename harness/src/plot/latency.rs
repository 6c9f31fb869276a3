//! Per-edit latency charts, from the cells' latency runs (`crate::latency`):
//! - over the trace: time per patch in blocks of 1,000 patches against position in the trace,
//!   one line per subject (does a subject slow down as the document grows?);
//! - distribution: the per-txn latency CDF per subject, with p50/p99/max in the legend and the
//!   16 ms frame budget (would an editor drop a frame?).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    file_stem_part, fmt_count, fmt_tick_ns, font, log_ticks, run_subtitle, save, subject_color, text_width_px, trim_number, Chart,
    Frame, Legend, Swatch, GREY, SMALL_SIZE, WIDTH_PX,
};
use crate::latency::Latency;
use crate::measure::Status;
use crate::results::Results;

const PLOT_PX: u32 = 380;
/// One frame at 60 Hz: an edit slower than this is a visible stutter.
const FRAME_BUDGET_NS: f64 = 16e6;
const FRAME_RED: RGBColor = RGBColor(200, 30, 30);

/// The cells of `trace` with latency data, in table order, as (subject, label, latency).
fn series<'a>(results: &'a Results, trace: &str) -> Vec<(&'a str, String, &'a Latency)> {
    results
        .subjects_in_order()
        .into_iter()
        .filter_map(|s| {
            let latency = results.cell(s, trace)?.latency.as_ref()?;
            Some((s, results.label(s), latency))
        })
        .collect()
}

/// A note naming the subjects with a time but no latency run on `trace`, if any.
fn missing_note(results: &Results, trace: &str) -> Option<String> {
    let missing: Vec<&str> = results
        .subjects_in_order()
        .into_iter()
        .filter(|s| results.cell(s, trace).is_some_and(|c| c.status == Status::Ok && c.latency.is_none()))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "No latency run for {} (--quick skips cells whose median is over 5 s).",
            missing.join(", ")
        )
    })
}

const METHOD_NOTE: &str =
    "From one extra verified run per subject, separate from the timing samples, with the clock read after every txn.";

/// `latency-<trace>.{svg,png}` for each trace with latency data.
pub fn latency_over_trace_plots(results: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for t in &results.traces {
        let (mut lines, mut legend) = (Vec::new(), Vec::new());
        for (subject, label, l) in series(results, &t.name) {
            let points = per_patch_points(l);
            if !points.is_empty() {
                legend.push((subject_color(subject), Swatch::Line, label));
                lines.push(Line { color: subject_color(subject), points });
            }
        }
        if lines.is_empty() {
            continue;
        }
        let block = results.cells.iter().find_map(|c| c.latency.as_ref()).map_or(1_000, |l| l.block_patches);
        let mut notes = vec![format!("{METHOD_NOTE} Each point: one block of {} patches.", fmt_count(block))];
        notes.extend(missing_note(results, &t.name));
        let chart = LineChart {
            frame: Frame::new(
                &format!("{}: time per patch as the document grows (log scale)", t.name),
                &run_subtitle(results),
                &notes,
            ),
            legend: Legend::new(legend),
            lines,
            kind: Kind::OverTrace,
        };
        files.extend(save(&chart, dir, &format!("latency-{}", file_stem_part(&t.name)))?);
    }
    Ok(files)
}

/// (block end position, ns per patch in the block).
fn per_patch_points(l: &Latency) -> Vec<(f64, f64)> {
    let mut start = 0;
    l.block_end_patches
        .iter()
        .zip(&l.block_time_ns)
        .filter_map(|(&end, &ns)| {
            let patches = end - std::mem::replace(&mut start, end);
            (patches > 0 && ns > 0).then(|| (end as f64, ns as f64 / patches as f64))
        })
        .collect()
}

/// `latency-cdf-<trace>.{svg,png}` for each trace with latency data.
pub fn latency_cdf_plots(results: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for t in &results.traces {
        let cells = series(results, &t.name);
        let mut lines = Vec::new();
        let mut legend = Vec::new();
        for (subject, label, l) in cells {
            // Log axis: a txn timed at 0 ns (below the clock's resolution) is drawn at 1 ns.
            let points: Vec<(f64, f64)> = l.txn_quantiles_ns.iter().map(|&(p, ns)| ((ns as f64).max(1.0), p)).collect();
            let (Some(p50), Some(p99), Some(max)) = (l.quantile_ns(0.5), l.quantile_ns(0.99), l.quantile_ns(1.0)) else {
                continue;
            };
            legend.push((
                subject_color(subject),
                Swatch::Line,
                format!(
                    "{label}: p50 {}, p99 {}, max {}",
                    fmt_tick_ns(p50 as f64),
                    fmt_tick_ns(p99 as f64),
                    fmt_tick_ns(max as f64)
                ),
            ));
            lines.push(Line { color: subject_color(subject), points });
        }
        if lines.is_empty() {
            continue;
        }
        let mut notes = vec![format!("{METHOD_NOTE} Red line: 16 ms, one frame at 60 Hz.")];
        notes.extend(missing_note(results, &t.name));
        let chart = LineChart {
            frame: Frame::new(
                &format!("{}: per-edit latency distribution ({} txns)", t.name, fmt_count(t.txns)),
                &run_subtitle(results),
                &notes,
            ),
            legend: Legend::new(legend),
            lines,
            kind: Kind::Cdf,
        };
        files.extend(save(&chart, dir, &format!("latency-cdf-{}", file_stem_part(&t.name)))?);
    }
    Ok(files)
}

/// The two latency charts' axes.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// x: patches applied (linear); y: ns per patch (log).
    OverTrace,
    /// x: ns per txn (log), with the 16 ms line; y: share of txns (linear, 0 to 1).
    Cdf,
}

/// One subject's line.
struct Line {
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

/// A chart of lines, one per subject, with the legend under it.
struct LineChart {
    frame: Frame,
    legend: Legend,
    lines: Vec<Line>,
    kind: Kind,
}

impl LineChart {
    fn bounds(&self) -> ((f64, f64), (f64, f64)) {
        let points = self.lines.iter().flat_map(|l| l.points.iter());
        let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for &(x, y) in points {
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
        match self.kind {
            Kind::OverTrace => ((0.0, x1), (y0 / 1.3, y1 * 1.3)),
            Kind::Cdf => ((x0 / 1.5, x1.max(FRAME_BUDGET_NS) * 1.5), (0.0, 1.0)),
        }
    }
}

impl Chart for LineChart {
    fn size_px(&self) -> (u32, u32) {
        (WIDTH_PX, self.frame.height_px(PLOT_PX + self.legend.height_px()))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = self.legend.draw(&self.frame.draw(root)?)?;
        let ((x0, x1), (y0, y1)) = self.bounds();
        let builder = |area| {
            let mut b = ChartBuilder::on(area);
            b.margin_left(8).margin_right(24).margin_top(6).x_label_area_size(46).y_label_area_size(78);
            b
        };
        // plotters types a log axis differently from a linear one, so each kind builds its own.
        match self.kind {
            Kind::OverTrace => {
                let mut chart = builder(&area).build_cartesian_2d(x0..x1, (y0..y1).log_scale().with_key_points(log_ticks(y0, y1)))?;
                chart
                    .configure_mesh()
                    .x_label_formatter(&|v| if *v == 0.0 { "0".into() } else { format!("{}k", trim_number(*v / 1e3)) })
                    .y_label_formatter(&|v| fmt_tick_ns(*v))
                    .x_desc("position in the trace (patches applied)")
                    .y_desc("time per patch")
                    .label_style(font(SMALL_SIZE).color(&BLACK))
                    .axis_desc_style(font(SMALL_SIZE).color(&GREY))
                    .light_line_style(WHITE)
                    .bold_line_style(RGBColor(225, 225, 225))
                    .draw()?;
                for l in &self.lines {
                    chart.draw_series(LineSeries::new(l.points.iter().copied(), l.color.stroke_width(2)))?;
                }
            }
            Kind::Cdf => {
                let mut chart = builder(&area).build_cartesian_2d((x0..x1).log_scale().with_key_points(log_ticks(x0, x1)), y0..y1)?;
                chart
                    .configure_mesh()
                    .x_label_formatter(&|v| fmt_tick_ns(*v))
                    .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
                    .x_desc("time to apply one txn (log scale)")
                    .y_desc("share of txns at or below")
                    .label_style(font(SMALL_SIZE).color(&BLACK))
                    .axis_desc_style(font(SMALL_SIZE).color(&GREY))
                    .light_line_style(WHITE)
                    .bold_line_style(RGBColor(225, 225, 225))
                    .draw()?;
                for l in &self.lines {
                    chart.draw_series(LineSeries::new(l.points.iter().copied(), l.color.stroke_width(2)))?;
                }
                let f = FRAME_BUDGET_NS;
                chart.draw_series(DashedLineSeries::new(vec![(f, 0.0), (f, 1.0)], 6, 4, FRAME_RED.stroke_width(2)))?;
                // Low on the line, on a white box: curves reach 16 ms, if at all, near the top.
                let label = "16 ms frame budget";
                let w = text_width_px(label, SMALL_SIZE) as i32;
                let style = font(SMALL_SIZE).color(&FRAME_RED).pos(Pos::new(HPos::Right, VPos::Center));
                chart.draw_series(std::iter::once(
                    EmptyElement::at((f, 0.08))
                        + Rectangle::new([(-w - 9, -9), (-3, 9)], WHITE.filled())
                        + Text::new(label, (-6, 0), style),
                ))?;
            }
        }
        Ok(())
    }
}
