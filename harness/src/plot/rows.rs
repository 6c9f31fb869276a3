//! Charts made of labelled rows (one bar or strip per subject, step or trace).
//!
//! plotters places y labels at tick positions it chooses; a row chart needs one label per row,
//! centred on the row, however long. So these charts use a plain `0..rows` y axis without tick
//! labels, and draw each row's label here, in pixels, in the space left of the plot.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{bold, font, text_width_px, GREY, LIGHT_GREY, SMALL_SIZE, TEXT_SIZE};

/// A row's label: `text` in the row's colour, and an optional grey second line.
pub(crate) struct RowLabel {
    pub text: String,
    pub detail: Option<String>,
    pub color: RGBColor,
    /// Drawn bold (e.g. the reference).
    pub strong: bool,
}

/// Width of the label column, in pixels.
pub(crate) fn label_area_px(labels: &[RowLabel]) -> u32 {
    labels
        .iter()
        .map(|l| {
            let f = if l.strong { bold(TEXT_SIZE) } else { font(TEXT_SIZE) };
            let main = f.box_size(&l.text).map_or(0, |(w, _)| w);
            main.max(l.detail.as_deref().map(|d| text_width_px(d, SMALL_SIZE)).unwrap_or(0))
        })
        .max()
        .unwrap_or(0)
        + 16
}

/// The y coordinate of row `i`'s centre; row 0 is at the top of a `0..rows` axis.
pub(crate) fn row_center(i: usize, rows: usize) -> f64 {
    rows as f64 - i as f64 - 0.5
}

/// Draws every row's label left of the plotting area (`plot_px`, in backend pixels, from
/// `chart.plotting_area().get_pixel_range()`), and a faint line between rows.
pub(crate) fn draw_row_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot_px: (Range<i32>, Range<i32>),
    labels: &[RowLabel],
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let (base_x, base_y) = area.get_base_pixel();
    let (xs, ys) = plot_px;
    let (left, right) = (xs.start - base_x, xs.end - base_x);
    let (top, bottom) = (ys.start - base_y, ys.end - base_y);
    let row_px = (bottom - top) as f64 / labels.len().max(1) as f64;
    for (i, l) in labels.iter().enumerate() {
        let centre = top + (row_px * (i as f64 + 0.5)).round() as i32;
        let f = if l.strong { bold(TEXT_SIZE) } else { font(TEXT_SIZE) };
        let main_y = if l.detail.is_some() { centre - 8 } else { centre };
        area.draw(&Text::new(
            l.text.as_str(),
            (left - 8, main_y),
            f.color(&l.color).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        if let Some(d) = &l.detail {
            area.draw(&Text::new(
                d.as_str(),
                (left - 8, centre + 9),
                font(SMALL_SIZE).color(&GREY).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
        if i > 0 {
            let y = top + (row_px * i as f64).round() as i32;
            area.draw(&PathElement::new(vec![(left + 1, y), (right - 1, y)], LIGHT_GREY.mix(0.6).stroke_width(1)))?;
        }
    }
    Ok(())
}
