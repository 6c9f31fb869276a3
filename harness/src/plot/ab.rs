//! The A/B chart: the paired ratios `time B / time A` of `crdt-bench ab`, one strip per trace.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::rows::{draw_row_labels, label_area_px, row_center, RowLabel};
use super::{font, log_ticks, save, trace_color, trim_number, Chart, Frame, GREY, SMALL_SIZE, WIDTH_PX};

const ROW_PX: u32 = 64;

/// Draws the paired ratios B/A per trace as `stem.svg` and `stem.png` in `dir`: one strip of
/// dots per trace (one dot per pair, spread vertically so they do not hide each other), the
/// median as a black bar, and a dashed line at 1.0 (no difference). `series` is
/// `(trace, ratios)`; a trace without ratios gets an empty row.
pub fn ab_ratio_plot(dir: &Path, stem: &str, title: &str, series: &[(String, Vec<f64>)]) -> anyhow::Result<()> {
    save(&AbChart::new(title, series), dir, stem)?;
    Ok(())
}

struct AbChart {
    frame: Frame,
    rows: Vec<(String, Vec<f64>, Option<f64>)>,
    labels: Vec<RowLabel>,
    x_range: (f64, f64),
}

impl AbChart {
    fn new(title: &str, series: &[(String, Vec<f64>)]) -> AbChart {
        let rows: Vec<(String, Vec<f64>, Option<f64>)> = series
            .iter()
            .map(|(trace, ratios)| {
                let mut finite: Vec<f64> = ratios.iter().copied().filter(|r| r.is_finite() && *r > 0.0).collect();
                finite.sort_by(f64::total_cmp);
                let median = (!finite.is_empty()).then(|| crate::stats::quantile(&finite, 0.5));
                (trace.clone(), finite, median)
            })
            .collect();
        let labels = rows
            .iter()
            .map(|(trace, ratios, median)| RowLabel {
                text: trace.clone(),
                detail: Some(match median {
                    Some(m) => format!("median {} ({} pairs)", trim_ratio(*m), ratios.len()),
                    None => "no pairs".into(),
                }),
                color: BLACK,
                strong: false,
            })
            .collect();
        // A log axis, so 2x slower and 2x faster are as far from 1 (and a few noisy pairs at 10x
        // do not squash the rest); 1.0 is always in view, to show which side the dots are on.
        let (mut lo, mut hi) = (1.0f64, 1.0f64);
        for (_, ratios, _) in &rows {
            if let (Some(a), Some(b)) = (ratios.first(), ratios.last()) {
                lo = lo.min(*a);
                hi = hi.max(*b);
            }
        }
        let pad = (hi / lo).powf(0.06).max(1.01);
        AbChart {
            frame: Frame::new(
                title,
                "Each dot is one interleaved pair: time of B ÷ time of A (below 1: B is faster). \
                 Black bar: the median; dashed line: no difference.",
                &[],
            ),
            rows,
            labels,
            x_range: (lo / pad, hi * pad),
        }
    }
}

/// A ratio near 1 needs more digits than a time to be useful.
fn trim_ratio(r: f64) -> String {
    format!("{r:.3}")
}

impl Chart for AbChart {
    fn size_px(&self) -> (u32, u32) {
        (WIDTH_PX, self.frame.height_px(self.rows.len().max(1) as u32 * ROW_PX + 60))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = self.frame.draw(root)?;
        let n = self.rows.len().max(1);
        let (lo, hi) = self.x_range;
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8)
            .margin_right(24)
            .margin_top(6)
            .x_label_area_size(44)
            .y_label_area_size(label_area_px(&self.labels))
            .build_cartesian_2d((lo..hi).log_scale().with_key_points(log_ticks(lo, hi)), 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&|v| trim_number(*v))
            .x_desc("time of B ÷ time of A (log scale)")
            .label_style(font(SMALL_SIZE).color(&BLACK))
            .axis_desc_style(font(SMALL_SIZE).color(&GREY))
            .light_line_style(WHITE)
            .draw()?;
        chart.draw_series(DashedLineSeries::new(
            vec![(1.0, 0.0), (1.0, n as f64)],
            6,
            4,
            GREY.stroke_width(2),
        ))?;
        for (i, (trace, ratios, median)) in self.rows.iter().enumerate() {
            let y = row_center(i, n);
            let color = trace_color(trace);
            // Deterministic spread (golden-ratio sequence): the same pairs always land on the
            // same pixels, so re-plotting gives the same bytes.
            chart.draw_series(ratios.iter().enumerate().map(|(k, &r)| {
                let jitter = ((k as f64 * 0.618_034).fract() - 0.5) * 0.55;
                Circle::new((r, y + jitter), 3, color.mix(0.55).filled())
            }))?;
            if let Some(m) = median {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(*m, y - 0.4), (*m, y + 0.4)],
                    BLACK.stroke_width(3),
                )))?;
            }
        }
        draw_row_labels(&area, chart.plotting_area().get_pixel_range(), &self.labels)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ab_plot_writes_svg_and_png() {
        let dir = std::env::temp_dir().join(format!("crdt-bench-ab-plot-{}", std::process::id()));
        let series = vec![
            ("sveltecomponent".to_owned(), vec![0.81, 0.83, 0.8, 0.79, 0.82, 0.84, 0.8]),
            ("rustcode".to_owned(), vec![1.01, 0.99, 1.02, 1.0, 0.98]),
            ("seph-blog1".to_owned(), vec![]),
        ];
        super::ab_ratio_plot(&dir, "ab-test", "rope-buf vs rope: paired ratios", &series).unwrap();
        let svg = std::fs::read_to_string(dir.join("ab-test.svg")).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("rope-buf vs rope: paired ratios"), "{}", &svg[..200]);
        assert!(svg.contains("median 0.810 (7 pairs)") && svg.contains("no pairs"));
        let png = std::fs::read(dir.join("ab-test.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000);
    }
}
