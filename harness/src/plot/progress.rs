//! The optimization log's progress: each engine step's speedup against the reference, per trace.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::rows::{draw_row_labels, label_area_px, row_center, RowLabel};
use super::{font, log_ticks, run_subtitle, save, text_width_px, trace_color, trim_number, Chart, Frame, Legend, Swatch};
use super::{GREY, SMALL_SIZE, WIDTH_PX};
use crate::results::Results;

const ROW_PX: u32 = 44;
/// The row labels may take at most this much of the width; a longer idea is cut with "…".
const LABEL_MAX_PX: u32 = 330;

/// `progress.{svg,png}` when the run timed engine steps and their reference.
pub fn progress_plot(results: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    match ProgressChart::new(results) {
        Some(chart) => save(&chart, dir, "progress"),
        None => Ok(Vec::new()),
    }
}

struct Step {
    kept: bool,
    /// Per trace (in `ProgressChart::traces` order): the speedup vs the reference.
    speedups: Vec<Option<f64>>,
}

struct ProgressChart {
    frame: Frame,
    legend: Legend,
    labels: Vec<RowLabel>,
    steps: Vec<Step>,
    traces: Vec<String>,
    x_range: (f64, f64),
}

impl ProgressChart {
    fn new(results: &Results) -> Option<ProgressChart> {
        let reference = &results.settings.reference;
        let traces: Vec<String> = results.traces.iter().map(|t| t.name.clone()).collect();
        let steps: Vec<Step> = results
            .steps
            .iter()
            .map(|s| Step {
                kept: s.kept,
                speedups: traces
                    .iter()
                    .map(|t| results.cell(&s.subject, t).and_then(|c| c.speedup_vs_reference))
                    .collect(),
            })
            .collect();
        let all: Vec<f64> = steps.iter().flat_map(|s| s.speedups.iter().flatten().copied()).collect();
        if all.is_empty() {
            return None;
        }
        let labels = results
            .steps
            .iter()
            .map(|s| RowLabel {
                text: s.subject.strip_prefix("engine/").unwrap_or(&s.subject).to_owned(),
                detail: Some(fit(&if s.kept { s.idea.clone() } else { format!("reverted: {}", s.idea) }, LABEL_MAX_PX)),
                color: if s.kept { BLACK } else { GREY },
                strong: false,
            })
            .collect();
        let lo = all.iter().copied().fold(1.0, f64::min);
        let hi = all.iter().copied().fold(1.0, f64::max);
        let legend = Legend::new(traces.iter().map(|t| (trace_color(t), Swatch::Dot, t.clone())).collect());
        let notes = vec![format!(
            "Speedup = median time of {reference} ÷ median time of the step, from the same interleaved run; \
             dashed line: parity with {reference}. Filled dots joined by lines: kept steps; hollow dots: reverted steps."
        )];
        Some(ProgressChart {
            frame: Frame::new(
                &format!("Optimization log: each engine step's speedup vs {reference} (log scale)"),
                &run_subtitle(results),
                &notes,
            ),
            legend,
            labels,
            steps,
            traces,
            x_range: (lo / 1.6, hi * 1.6),
        })
    }
}

/// `text` cut with "…" to fit `max_px`.
fn fit(text: &str, max_px: u32) -> String {
    if text_width_px(text, SMALL_SIZE) <= max_px {
        return text.to_owned();
    }
    let mut cut: String = text.to_owned();
    while !cut.is_empty() && text_width_px(&format!("{cut}…"), SMALL_SIZE) > max_px {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

impl Chart for ProgressChart {
    fn size_px(&self) -> (u32, u32) {
        (WIDTH_PX, self.frame.height_px(self.steps.len() as u32 * ROW_PX + 54 + self.legend.height_px()))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = self.legend.draw(&self.frame.draw(root)?)?;
        let n = self.steps.len();
        let (lo, hi) = self.x_range;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8)
            .margin_right(24)
            .margin_top(6)
            .x_label_area_size(46)
            .y_label_area_size(label_area_px(&self.labels))
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(log_ticks(lo, hi)), 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&|v| format!("{}x", trim_number(*v)))
            .x_desc("speedup vs the reference (log scale; right is faster)")
            .label_style(font(SMALL_SIZE).color(&BLACK))
            .axis_desc_style(font(SMALL_SIZE).color(&GREY))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        chart.draw_series(DashedLineSeries::new(vec![(1.0, 0.0), (1.0, n as f64)], 6, 4, BLACK.stroke_width(1)))?;
        let t = self.traces.len().max(1) as f64;
        for (k, trace) in self.traces.iter().enumerate() {
            let color = trace_color(trace);
            // Traces side by side within a row, so equal speedups do not hide each other.
            let dy = (k as f64 - (t - 1.0) / 2.0) * (0.5 / t);
            let point = |i: usize, s: &Step| s.speedups[k].map(|x| (x, row_center(i, n) + dy));
            let kept: Vec<(f64, f64)> =
                self.steps.iter().enumerate().filter(|(_, s)| s.kept).filter_map(|(i, s)| point(i, s)).collect();
            chart.draw_series(LineSeries::new(kept.iter().copied(), color.mix(0.7).stroke_width(2)))?;
            chart.draw_series(kept.iter().map(|&p| Circle::new(p, 5, color.filled())))?;
            let reverted = self.steps.iter().enumerate().filter(|(_, s)| !s.kept).filter_map(|(i, s)| point(i, s));
            chart.draw_series(reverted.map(|p| Circle::new(p, 5, color.stroke_width(2))))?;
        }
        draw_row_labels(&area, chart.plotting_area().get_pixel_range(), &self.labels)?;
        Ok(())
    }
}
