//! The charts pages draw as inline SVG on the server, so they work without scripts: a trend line and a radar. Pure
//! geometry: this module neither reads data nor writes markup around the shapes.

/// An SVG polyline of a series, scaled into a `width` × `height` box; `None` for fewer than two points.
pub fn sparkline(series: &[(i32, f64)], width: f64, height: f64) -> Option<String> {
    if series.len() < 2 {
        return None;
    }
    let (x0, x1) = (series[0].0 as f64, series[series.len() - 1].0 as f64);
    let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
    for &(_, v) in series {
        y0 = y0.min(v);
        y1 = y1.max(v);
    }
    let span_x = (x1 - x0).max(1.0);
    let span_y = if y1 > y0 { y1 - y0 } else { 1.0 };
    let pad = 2.0;
    let points: Vec<String> = series
        .iter()
        .map(|&(x, y)| {
            let px = pad + (x as f64 - x0) / span_x * (width - 2.0 * pad);
            let py = height - pad - (y - y0) / span_y * (height - 2.0 * pad);
            format!("{px:.1},{py:.1}")
        })
        .collect();
    Some(points.join(" "))
}

/// A radar chart drawn as SVG: one axis per label, values 0–100 from the centre outwards.
pub struct Radar {
    /// Width of the view box.
    pub size: f64,
    /// Height of the view box.
    pub height: f64,
    /// The centre (x and y).
    pub centre: (f64, f64),
    /// Guide rings at 25, 50, 75 and 100, as polygon points.
    pub rings: Vec<String>,
    /// Axes: end point and label position, label anchor and label.
    pub axes: Vec<(f64, f64, f64, f64, &'static str, String)>,
    /// The city's polygon.
    pub city: String,
    /// The peer median's polygon.
    pub peers: String,
}

/// Lays out a radar of `labels` with the city's and the peers' values (missing values sit at the centre).
pub fn radar(labels: &[String], city: &[Option<f64>], peers: &[Option<f64>]) -> Radar {
    // Wide enough for the longest focus-area name on either side.
    let size = 560.0;
    let height = 300.0;
    let (cx, cy) = (size / 2.0, height / 2.0);
    let radius = 110.0;
    let n = labels.len().max(1) as f64;
    let point = |i: usize, value: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n;
        let r = radius * value.clamp(0.0, 100.0) / 100.0;
        (cx + r * angle.cos(), cy + r * angle.sin())
    };
    let polygon = |values: &mut dyn Iterator<Item = f64>| {
        values
            .enumerate()
            .map(|(i, v)| {
                let (x, y) = point(i, v);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let rings = [25.0, 50.0, 75.0, 100.0]
        .iter()
        .map(|&v| polygon(&mut (0..labels.len()).map(|_| v)))
        .collect();
    let axes = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let (x, y) = point(i, 100.0);
            let (lx, ly) = point(i, 118.0);
            let anchor = if (lx - cx).abs() < 1.0 {
                "middle"
            } else if lx > cx {
                "start"
            } else {
                "end"
            };
            (x, y, lx, ly + 4.0, anchor, label.clone())
        })
        .collect();
    Radar {
        size,
        height,
        centre: (cx, cy),
        rings,
        axes,
        city: polygon(&mut city.iter().map(|v| v.unwrap_or(0.0))),
        peers: polygon(&mut peers.iter().map(|v| v.unwrap_or(0.0))),
    }
}

#[cfg(test)]
mod tests {
    use super::{radar, sparkline};

    #[test]
    fn a_radar_puts_the_first_axis_up_and_scales_values_from_the_centre() {
        let labels: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        let r = radar(
            &labels,
            &[Some(100.0), Some(50.0), None, Some(0.0)],
            &[Some(50.0); 4],
        );
        // Centre (280, 150), radius 110: A at full length straight up, B half-way to the right, C and D at the
        // centre.
        assert_eq!(r.city, "280.0,40.0 335.0,150.0 280.0,150.0 280.0,150.0");
        assert_eq!(r.axes[0].4, "middle");
        assert_eq!(r.axes[1].4, "start");
        assert_eq!(r.axes[3].4, "end");
        assert_eq!(r.rings.len(), 4);
    }

    #[test]
    fn a_sparkline_fills_its_box_and_needs_two_points() {
        assert_eq!(sparkline(&[(2019, 1.0)], 100.0, 20.0), None);
        assert_eq!(
            sparkline(&[(2010, 0.0), (2020, 10.0)], 100.0, 20.0).as_deref(),
            Some("2.0,18.0 98.0,2.0")
        );
    }
}
