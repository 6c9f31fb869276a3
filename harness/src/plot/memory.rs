//! The memory chart (the `memory` workload): per trace, one row per subject, the peak heap
//! during the replay as a light bar and the heap retained after it as a dark bar inside it,
//! on a log axis of bytes.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::rows::{draw_row_labels, label_area_px, row_center, RowLabel};
use super::{file_stem_part, font, log_ticks, run_subtitle, save, subject_color, trim_number, Chart, Frame, GREY, SMALL_SIZE, WIDTH_PX};
use crate::measure::Status;
use crate::report_workloads::fmt_bytes;
use crate::results::Results;

const ROW_PX: u32 = 36;
const X_LABEL_AREA_PX: u32 = 46;
const VALUE_GAP_PX: i32 = 6;

/// One chart per trace with memory cells, `memory-<trace>.{svg,png}` in `dir`.
pub fn memory_plots(results: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for t in &results.traces {
        if let Some(chart) = MemoryChart::new(results, &t.name) {
            files.extend(save(&chart, dir, &format!("memory-{}", file_stem_part(&t.name)))?);
        }
    }
    Ok(files)
}

struct Row {
    /// (retained, peak) bytes, for a verified cell.
    bytes: Option<(f64, f64)>,
    label: String,
    color: RGBColor,
}

struct MemoryChart {
    frame: Frame,
    labels: Vec<RowLabel>,
    rows: Vec<Row>,
    x_range: (f64, f64),
}

impl MemoryChart {
    fn new(results: &Results, trace: &str) -> Option<MemoryChart> {
        let (mut labels, mut rows) = (Vec::new(), Vec::new());
        for subject in results.subjects_in_order() {
            let Some(cell) = results.cells.iter().find(|c| c.subject == subject && c.trace == trace && c.workload == "memory")
            else {
                continue;
            };
            let bytes = match (cell.status, cell.bytes, cell.peak_bytes) {
                (Status::Ok, Some(r), Some(p)) => Some((r.max(1) as f64, p.max(1) as f64)),
                _ => None,
            };
            let label = match (bytes, cell.status) {
                (Some((r, p)), _) => format!("{} retained · {} peak", fmt_bytes(r), fmt_bytes(p)),
                (None, Status::Failed) => "FAILED verification".into(),
                (None, Status::Panicked) => "PANICKED".into(),
                (None, _) => "not run (unsupported)".into(),
            };
            labels.push(RowLabel { text: results.label(subject), detail: None, color: BLACK, strong: false });
            rows.push(Row { bytes, label, color: subject_color(subject) });
        }
        if rows.iter().all(|r| r.bytes.is_none()) {
            return None;
        }
        let min = rows.iter().filter_map(|r| r.bytes.map(|b| b.0)).fold(f64::INFINITY, f64::min);
        let max = rows.iter().filter_map(|r| r.bytes.map(|b| b.1)).fold(0.0, f64::max);
        let lo = 10f64.powf((min / 2.0).log10().floor());
        // Room right of the longest bar for its label (about a third of the plot on a log axis).
        let hi = (lo * (max / lo).powf(1.5)).max(max * 30.0);
        let title = format!("{trace}: heap held by the document after the replay, and peak during it (lower is better)");
        let notes = vec![
            "Dark bar: bytes still allocated after the replay, with the document alive; light bar: the most in use during it. \
             Counted by a counting allocator in a separate process per cell (requested sizes), relative to the start of the replay; log scale."
                .to_owned(),
        ];
        Some(MemoryChart { frame: Frame::new(&title, &run_subtitle(results), &notes), labels, rows, x_range: (lo, hi) })
    }
}

fn fmt_tick_bytes(v: f64) -> String {
    let (v, unit) = if v >= 1e9 {
        (v / 1e9, "GB")
    } else if v >= 1e6 {
        (v / 1e6, "MB")
    } else if v >= 1e3 {
        (v / 1e3, "KB")
    } else {
        (v, "B")
    };
    format!("{} {unit}", trim_number(v))
}

impl Chart for MemoryChart {
    fn size_px(&self) -> (u32, u32) {
        (WIDTH_PX, self.frame.height_px(self.rows.len() as u32 * ROW_PX + X_LABEL_AREA_PX + 8))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = self.frame.draw(root)?;
        let n = self.rows.len();
        let (lo, hi) = self.x_range;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8)
            .margin_right(16)
            .margin_top(4)
            .x_label_area_size(X_LABEL_AREA_PX)
            .y_label_area_size(label_area_px(&self.labels))
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(log_ticks(lo, hi)), 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&|v| fmt_tick_bytes(*v))
            .x_desc("heap bytes (log scale)")
            .label_style(font(SMALL_SIZE).color(&BLACK))
            .axis_desc_style(font(SMALL_SIZE).color(&GREY))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()?;
        let value_style = font(SMALL_SIZE).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        for (i, row) in self.rows.iter().enumerate() {
            let y = row_center(i, n);
            match row.bytes {
                Some((retained, peak)) => {
                    chart.draw_series(std::iter::once(Rectangle::new([(lo, y - 0.34), (peak, y + 0.34)], row.color.mix(0.3).filled())))?;
                    chart.draw_series(std::iter::once(Rectangle::new([(lo, y - 0.2), (retained, y + 0.2)], row.color.filled())))?;
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((peak, y)) + Text::new(row.label.clone(), (VALUE_GAP_PX, 0), value_style.clone()),
                    ))?;
                }
                None => {
                    let style = font(SMALL_SIZE).color(&RGBColor(200, 0, 0)).pos(Pos::new(HPos::Left, VPos::Center));
                    chart.draw_series(std::iter::once(EmptyElement::at((lo, y)) + Text::new(row.label.clone(), (VALUE_GAP_PX, 0), style)))?;
                }
            }
        }
        draw_row_labels(&area, chart.plotting_area().get_pixel_range(), &self.labels)?;
        Ok(())
    }
}
