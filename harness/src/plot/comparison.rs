//! The library comparison: for each trace, one bar per subject, median time on a log axis.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::rows::{draw_row_labels, label_area_px, row_center, RowLabel};
use super::{
    file_stem_part, fmt_count, fmt_tick_ns, font, log_ticks, run_subtitle, save, subject_color, text_width_px, Chart, Frame, GREY,
    SMALL_SIZE, WIDTH_PX,
};
use crate::measure::Status;
use crate::report::{fmt_ratio, fmt_time};
use crate::results::Results;

const ROW_PX: u32 = 36;
const X_LABEL_AREA_PX: u32 = 46;
const MARGIN_LEFT_PX: u32 = 8;
const MARGIN_RIGHT_PX: u32 = 16;
/// Gap between a bar's end and its value label.
const VALUE_GAP_PX: i32 = 6;

/// One chart per trace, `comparison-<trace>.{svg,png}` in `dir`.
pub fn comparison_plots(results: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for t in &results.traces {
        if let Some(chart) = ComparisonChart::new(results, &t.name) {
            files.extend(save(&chart, dir, &format!("comparison-{}", file_stem_part(&t.name)))?);
        }
    }
    Ok(files)
}

struct Bar {
    median_ns: Option<f64>,
    /// What the bar's label says: time and speedup, or why there is no time.
    value_label: String,
    color: RGBColor,
    lower_bound: bool,
}

struct ComparisonChart {
    frame: Frame,
    labels: Vec<RowLabel>,
    bars: Vec<Bar>,
    reference_ns: Option<f64>,
    x_range: (f64, f64),
}

impl ComparisonChart {
    fn new(results: &Results, trace: &str) -> Option<ComparisonChart> {
        let reference = &results.settings.reference;
        let (mut labels, mut bars) = (Vec::new(), Vec::new());
        for subject in results.subjects_in_order() {
            let Some(cell) = results.cell(subject, trace) else { continue };
            let summary = cell.summary();
            let is_reference = subject == reference;
            let value_label = match (&summary, cell.status) {
                (Some(s), _) => match (is_reference, cell.speedup_vs_reference) {
                    (true, _) => format!("{} · reference", fmt_time(s.median_ns)),
                    (false, Some(x)) if x >= 1.0 => format!("{} · {} faster", fmt_time(s.median_ns), fmt_ratio(x)),
                    (false, Some(x)) => format!("{} · {} slower", fmt_time(s.median_ns), fmt_ratio(1.0 / x)),
                    (false, None) => fmt_time(s.median_ns),
                },
                (None, Status::Failed) => "FAILED verification".into(),
                (None, Status::Panicked) => "PANICKED".into(),
                (None, _) => "not run (unsupported)".into(),
            };
            let kind = results.subjects.iter().find(|s| s.name == subject).map(|s| s.kind.as_str());
            labels.push(RowLabel {
                text: results.label(subject),
                detail: None,
                color: BLACK,
                strong: is_reference,
            });
            bars.push(Bar {
                median_ns: summary.map(|s| s.median_ns),
                value_label,
                color: subject_color(subject),
                lower_bound: kind == Some("lower_bound"),
            });
        }
        if bars.is_empty() {
            return None;
        }
        let reference_ns = results.cell(reference, trace).and_then(|c| c.summary()).map(|s| s.median_ns);
        let record = results.traces.iter().find(|t| t.name == trace);
        let title = match record {
            Some(t) => format!("{trace}: time to replay {} patches (lower is better)", fmt_count(t.patches)),
            None => format!("{trace}: time to replay the trace (lower is better)"),
        };
        let mut notes = vec![format!(
            "Each bar: the median of verified runs, samples of all subjects interleaved; log scale. Speedups vs {reference} from the same run."
        )];
        let mut key = Vec::new();
        if reference_ns.is_some() {
            key.push(format!("Dashed line: the reference, {reference}."));
        }
        if bars.iter().any(|b| b.lower_bound) {
            key.push("Hollow bars: no CRDT.".to_owned());
        }
        if !key.is_empty() {
            notes.push(key.join(" "));
        }
        let label_px = label_area_px(&labels);
        let x_range = x_range(&bars, WIDTH_PX - MARGIN_LEFT_PX - MARGIN_RIGHT_PX - label_px);
        Some(ComparisonChart { frame: Frame::new(&title, &run_subtitle(results), &notes), labels, bars, reference_ns, x_range })
    }
}

/// A log axis from a round number below the fastest bar to far enough right that every bar's
/// value label fits inside the plot after its bar (`plot_px` is the plot's width).
fn x_range(bars: &[Bar], plot_px: u32) -> (f64, f64) {
    let values: Vec<(f64, u32)> = bars
        .iter()
        .filter_map(|b| b.median_ns.map(|v| (v, text_width_px(&b.value_label, SMALL_SIZE))))
        .collect();
    let min = values.iter().map(|v| v.0).fold(f64::INFINITY, f64::min);
    let max = values.iter().map(|v| v.0).fold(0.0, f64::max);
    if values.is_empty() {
        return (1e3, 1e9);
    }
    let lo = 10f64.powf((min / 2.0).log10().floor());
    // A bar ending at v sits at plot_px * ln(v/lo) / ln(hi/lo); its label needs room after it.
    let mut span = (max * 1.5 / lo).ln();
    for &(v, label_px) in &values {
        let room = plot_px as f64 - label_px as f64 - VALUE_GAP_PX as f64 - 8.0;
        if room > 0.0 {
            span = span.max(plot_px as f64 * (v / lo).ln() / room);
        }
    }
    (lo, lo * span.exp())
}

impl Chart for ComparisonChart {
    fn size_px(&self) -> (u32, u32) {
        (WIDTH_PX, self.frame.height_px(self.bars.len() as u32 * ROW_PX + X_LABEL_AREA_PX + 8))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = self.frame.draw(root)?;
        let n = self.bars.len();
        let (lo, hi) = self.x_range;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(MARGIN_LEFT_PX)
            .margin_right(MARGIN_RIGHT_PX)
            .margin_top(4)
            .x_label_area_size(X_LABEL_AREA_PX)
            .y_label_area_size(label_area_px(&self.labels))
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(log_ticks(lo, hi)), 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&|v| fmt_tick_ns(*v))
            .x_desc("median time per replay (log scale)")
            .label_style(font(SMALL_SIZE).color(&BLACK))
            .axis_desc_style(font(SMALL_SIZE).color(&GREY))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        if let Some(r) = self.reference_ns {
            chart.draw_series(DashedLineSeries::new(vec![(r, 0.0), (r, n as f64)], 5, 4, BLACK.stroke_width(1)))?;
        }
        let value_style = font(SMALL_SIZE).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        for (i, bar) in self.bars.iter().enumerate() {
            let y = row_center(i, n);
            let (y0, y1) = (y - 0.32, y + 0.32);
            match bar.median_ns {
                Some(v) => {
                    if bar.lower_bound {
                        chart.draw_series(std::iter::once(Rectangle::new([(lo, y0), (v, y1)], bar.color.mix(0.12).filled())))?;
                        chart.draw_series(std::iter::once(Rectangle::new([(lo, y0), (v, y1)], bar.color.stroke_width(2))))?;
                    } else {
                        chart.draw_series(std::iter::once(Rectangle::new([(lo, y0), (v, y1)], bar.color.filled())))?;
                    }
                    // On a white box: the reference line may run under the label.
                    let w = text_width_px(&bar.value_label, SMALL_SIZE) as i32;
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((v, y))
                            + Rectangle::new([(VALUE_GAP_PX - 3, -9), (VALUE_GAP_PX + w + 3, 9)], WHITE.filled())
                            + Text::new(bar.value_label.clone(), (VALUE_GAP_PX, 0), value_style.clone()),
                    ))?;
                }
                None => {
                    let style = font(SMALL_SIZE).color(&RGBColor(200, 0, 0)).pos(Pos::new(HPos::Left, VPos::Center));
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((lo, y)) + Text::new(bar.value_label.clone(), (VALUE_GAP_PX, 0), style),
                    ))?;
                }
            }
        }
        draw_row_labels(&area, chart.plotting_area().get_pixel_range(), &self.labels)?;
        Ok(())
    }
}
