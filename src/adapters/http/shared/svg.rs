//! Server-rendered SVG charts and maps: no script, no tiles, light on a slow link.
//! Every text placed in the SVG is escaped here.

use std::fmt::Write;

/// Escapes text for SVG/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A "nice" upper bound for an axis: 1, 2 or 5 × 10ⁿ at or above `max`.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= max {
            return m * mag;
        }
    }
    10.0 * mag
}

/// One bar of an estimate chart: its label (a month), the estimate, its 95 % limits when
/// it has them, and whether it rests on too few samples (drawn lighter, and said so).
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateBar {
    /// The label under the bar (`YYYY-MM`).
    pub label: String,
    /// The estimate.
    pub value: f64,
    /// Its 95 % limits.
    pub limits: Option<(f64, f64)>,
    /// Too few samples behind it.
    pub thin: bool,
}

/// Bars of an estimate by month with their 95 % limits as error bars (whiskers), in `unit`;
/// a thin month's bar is lighter. `title` names the chart for screen readers.
pub fn estimate_bars(title: &str, unit: &str, bars: &[EstimateBar]) -> String {
    let (w, h) = (720.0, 290.0);
    let (left, right, top, bottom) = (70.0, 16.0, 16.0, 66.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max = nice_max(
        bars.iter()
            .map(|b| b.limits.map_or(b.value, |l| l.1.max(b.value)))
            .fold(0.0, f64::max),
    );
    let n = bars.len().max(1) as f64;
    let slot = pw / n;
    let y_of = |v: f64| top + ph - ph * (v / max).clamp(0.0, 1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="eb-title" class="chart"><title id="eb-title">{}</title>"#,
        esc(title)
    );
    for i in 0..=4 {
        let v = max * i as f64 / 4.0;
        let y = y_of(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="14" text-anchor="end" fill="#333">{}</text>"##,
            left + pw,
            left - 6.0,
            y + 4.0,
            trim(v),
        );
    }
    let every = (bars.len() / 6).max(1);
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f64;
        let bw = (slot * 0.7).max(1.0);
        let bx = x + (slot - bw) / 2.0;
        let y = y_of(b.value);
        let fill = if b.thin { "#9fbfd8" } else { "#1f5f8b" };
        let limits = b.limits.map_or(String::new(), |(lo, hi)| {
            format!(", 95 % limits {} to {}", trim(lo), trim(hi))
        });
        let thin = if b.thin {
            " (thin: fewer than 3 landings)"
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<rect x="{bx:.1}" y="{y:.1}" width="{bw:.1}" height="{:.1}" fill="{fill}"><title>{}: {} {}{}{}</title></rect>"#,
            (top + ph - y).max(0.0),
            esc(&b.label),
            trim(b.value),
            esc(unit),
            limits,
            thin
        );
        if let Some((lo, hi)) = b.limits {
            let cx = bx + bw / 2.0;
            let (ylo, yhi) = (y_of(lo), y_of(hi));
            let cap = (bw / 3.0).min(6.0);
            let _ = write!(
                s,
                r##"<path d="M{cx:.1} {ylo:.1}V{yhi:.1}M{:.1} {ylo:.1}H{:.1}M{:.1} {yhi:.1}H{:.1}" stroke="#b3541e" stroke-width="1.5" fill="none"/>"##,
                cx - cap,
                cx + cap,
                cx - cap,
                cx + cap
            );
        }
        if i % every == 0 {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="14" text-anchor="middle" fill="#333">{}</text>"##,
                x + slot / 2.0,
                top + ph + 18.0,
                esc(&b.label)
            );
        }
    }
    let ly = h - 22.0;
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{:.1}" width="16" height="12" fill="#1f5f8b"/><text x="{:.1}" y="{:.1}" font-size="14" fill="#333">estimate, {}</text><path d="M{:.1} {:.1}V{:.1}" stroke="#b3541e" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" font-size="14" fill="#333">95 % limits</text><rect x="{:.1}" y="{:.1}" width="16" height="12" fill="#9fbfd8"/><text x="{:.1}" y="{:.1}" font-size="14" fill="#333">thin month</text></svg>"##,
        ly - 10.0,
        left + 22.0,
        ly,
        esc(unit),
        left + 250.0,
        ly - 12.0,
        ly + 2.0,
        left + 258.0,
        ly,
        left + 370.0,
        ly - 10.0,
        left + 392.0,
        ly
    );
    s
}

/// Monthly bars of catch (tonnes, left axis) with a line of CPUE (kg per fisher-hour, right
/// axis). `months` are `(label YYYY-MM, catch kg, cpue)`, oldest first.
pub fn monthly_chart(months: &[(String, f64, f64)]) -> String {
    let (w, h) = (720.0, 290.0);
    let (left, right, top, bottom) = (60.0, 60.0, 16.0, 66.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max_t = nice_max(months.iter().map(|m| m.1 / 1000.0).fold(0.0, f64::max));
    let max_c = nice_max(months.iter().map(|m| m.2).fold(0.0, f64::max));
    let n = months.len().max(1) as f64;
    let slot = pw / n;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="mc-title" class="chart"><title id="mc-title">Monthly surveyed catch (bars, tonnes) and CPUE (line, kg per fisher-hour)</title>"#
    );
    for i in 0..=4 {
        let y = top + ph - ph * i as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="14" text-anchor="end" fill="#1f5f8b">{}</text><text x="{:.1}" y="{:.1}" font-size="14" fill="#b3541e">{}</text>"##,
            left + pw,
            left - 6.0,
            y + 4.0,
            trim(max_t * i as f64 / 4.0),
            left + pw + 6.0,
            y + 4.0,
            trim(max_c * i as f64 / 4.0)
        );
    }
    let mut points = Vec::new();
    for (i, (label, kg, cpue)) in months.iter().enumerate() {
        let x = left + slot * i as f64;
        let bh = ph * (kg / 1000.0) / max_t;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#1f5f8b"><title>{}: {:.2} t, CPUE {:.3}</title></rect>"##,
            x + slot * 0.15,
            top + ph - bh,
            slot * 0.7,
            bh,
            esc(label),
            kg / 1000.0,
            cpue
        );
        points.push(format!(
            "{:.1},{:.1}",
            x + slot / 2.0,
            top + ph - ph * cpue / max_c
        ));
        // Every other month (every third past a year): labels stay 14 units high and
        // apart, readable when the chart is drawn 360 px wide.
        let every = if months.len() > 12 { 3 } else { 2 };
        if i % every == 0 {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="14" text-anchor="middle" fill="#333">{}</text>"##,
                x + slot / 2.0,
                h - bottom + 18.0,
                esc(label)
            );
        }
    }
    if !points.is_empty() {
        let _ = write!(
            s,
            r##"<polyline points="{}" fill="none" stroke="#b3541e" stroke-width="2"/>"##,
            points.join(" ")
        );
        for p in &points {
            let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(s, r##"<circle cx="{x}" cy="{y}" r="3" fill="#b3541e"/>"##);
        }
    }
    // The legend: what the bars and the line are, and their axes.
    let ly = h - 18.0;
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{:.1}" width="16" height="12" fill="#1f5f8b"/><text x="{:.1}" y="{:.1}" font-size="14" fill="#333">Surveyed catch, tonnes (left axis)</text><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#b3541e" stroke-width="2"/><circle cx="{:.1}" cy="{:.1}" r="3" fill="#b3541e"/><text x="{:.1}" y="{:.1}" font-size="14" fill="#333">CPUE, kg per fisher-hour (right axis)</text></svg>"##,
        ly - 10.0,
        left + 22.0,
        ly,
        left + 250.0,
        ly - 4.0,
        left + 274.0,
        ly - 4.0,
        left + 262.0,
        ly - 4.0,
        left + 280.0,
        ly
    );
    s
}

/// Horizontal bars of catch by species: `(name, kg)`, largest first, with their share.
pub fn species_bars(items: &[(String, f64)]) -> String {
    let total: f64 = items.iter().map(|i| i.1).sum();
    let row = 22.0;
    let (w, label_w) = (520.0, 190.0);
    let h = row * items.len() as f64 + 8.0;
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="sp-title" class="chart"><title id="sp-title">Species composition by weight</title>"#
    );
    for (i, (name, kg)) in items.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let bw = (w - label_w - 70.0) * kg / max;
        let share = if total > 0.0 { 100.0 * kg / total } else { 0.0 };
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#333">{}</text><rect x="{label_w}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="#3a7d44"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#333">{share:.1}%</text>"##,
            label_w - 6.0,
            y + 15.0,
            esc(name),
            y + 3.0,
            row - 6.0,
            label_w + bw + 4.0,
            y + 15.0
        );
    }
    s.push_str("</svg>");
    s
}

/// A shape of a map: name, polygons → rings → (lon, lat), the value that shades it (none:
/// grey), and the tooltip's label.
pub type MapShape = (String, Vec<Vec<Vec<(f64, f64)>>>, Option<f64>, String);

/// Map of `shapes` (name, polygons of (lon, lat) rings) shaded by `value` (darker = more,
/// square-root scale), each with a tooltip `label`, and a legend under it: the shades of a
/// quarter, half, three quarters and all of the largest value, written by `fmt`, and the
/// grey of "no data". An equirectangular projection scaled by cos(latitude).
pub fn choropleth(shapes: &[MapShape], fmt: &dyn Fn(f64) -> String) -> String {
    let pts = shapes.iter().flat_map(|s| s.1.iter().flatten().flatten());
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return String::new();
    }
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    let w = 720.0;
    let scale = w / ((x1 - x0) * k).max(1e-9);
    let map_h = (y1 - y0) * scale + 2.0;
    let h = map_h + LEGEND_H;
    let max = shapes.iter().filter_map(|s| s.2).fold(0.0, f64::max);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h:.0}" role="img" aria-labelledby="map-title" class="map"><title id="map-title">Municipalities shaded by surveyed catch</title>"#
    );
    for (name, polygons, value, label) in shapes {
        let fill = match value {
            Some(v) if max > 0.0 && *v > 0.0 => blues((v / max).sqrt()),
            _ => NO_DATA.to_string(),
        };
        let mut d = String::new();
        for ring in polygons.iter().flatten() {
            ring_path(
                &mut d,
                ring.iter()
                    .map(|&(x, y)| ((x - x0) * k * scale, (y1 - y) * scale + 1.0)),
            );
        }
        let _ = write!(
            s,
            r##"<path d="{d}" fill="{fill}" stroke="#555" stroke-width="0.6" fill-rule="evenodd"><title>{}: {}</title></path>"##,
            esc(name),
            esc(label)
        );
    }
    legend(&mut s, map_h, max, blues, fmt, Some("no data"));
    s.push_str("</svg>");
    s
}

/// How far (drawing units, of a 720-unit-wide map) an outline may move when it is
/// simplified: under half a pixel at the widest the pages draw the map, a quarter at 360 px.
const OUTLINE_TOLERANCE: f64 = 0.4;

/// The distance from `p` to the segment `a`–`b` (to `a` when the segment is a point).
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return (p.0 - a.0).hypot(p.1 - a.1);
    }
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    (p.0 - (a.0 + t * dx)).hypot(p.1 - (a.1 + t * dy))
}

/// The points of the polyline `points` that Douglas–Peucker keeps at `tolerance`: the ends,
/// and recursively the farthest point from the chord while it is farther than `tolerance`
/// (D. H. Douglas and T. K. Peucker, "Algorithms for the reduction of the number of points
/// required to represent a digitized line or its caricature", The Canadian Cartographer
/// 10(2), 1973). Iterative, so a long outline cannot exhaust the stack.
fn simplified(points: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut spans = vec![(0, points.len() - 1)];
    while let Some((first, last)) = spans.pop() {
        let mut farthest = (0.0, first);
        for (i, p) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = segment_distance(*p, points[first], points[last]);
            if d > farthest.0 {
                farthest = (d, i);
            }
        }
        if farthest.0 > tolerance {
            keep[farthest.1] = true;
            spans.push((first, farthest.1));
            spans.push((farthest.1, last));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Writes `tenths` (a length in tenths of a drawing unit) as the shortest SVG number:
/// `12`, `1.5`, `.5`, `-.5`; a space first when it does not start with `-` and follows a
/// number.
fn push_tenths(d: &mut String, tenths: i64, after_number: bool) {
    let sign = if tenths < 0 { "-" } else { "" };
    if after_number && tenths >= 0 {
        d.push(' ');
    }
    let (whole, tenth) = (tenths.abs() / 10, tenths.abs() % 10);
    let _ = match (whole, tenth) {
        (w, 0) => write!(d, "{sign}{w}"),
        (0, t) => write!(d, "{sign}.{t}"),
        (w, t) => write!(d, "{sign}{w}.{t}"),
    };
}

/// Writes one closed ring of already projected `points` to an SVG path `d`: simplified
/// ([`simplified`] at [`OUTLINE_TOLERANCE`]), rounded to a tenth of a unit, the first point
/// absolute and the others relative to the one before (`M x y l dx dy …`). A ring left
/// with fewer than three points is not drawn.
fn ring_path(d: &mut String, points: impl Iterator<Item = (f64, f64)>) {
    let mut ring: Vec<(f64, f64)> = points.collect();
    if ring.len() > 1 && ring.first() != ring.last() {
        let first = ring[0];
        ring.push(first);
    }
    let mut kept = simplified(&ring, OUTLINE_TOLERANCE);
    kept.pop(); // the closing point: `Z` draws it
    let tenths = |v: f64| (v * 10.0).round() as i64;
    let mut at: Vec<(i64, i64)> = kept.iter().map(|&(x, y)| (tenths(x), tenths(y))).collect();
    at.dedup();
    if at.len() < 3 {
        return;
    }
    d.push('M');
    push_tenths(d, at[0].0, false);
    push_tenths(d, at[0].1, true);
    d.push('l');
    for (i, pair) in at.windows(2).enumerate() {
        push_tenths(d, pair[1].0 - pair[0].0, i > 0);
        push_tenths(d, pair[1].1 - pair[0].1, true);
    }
    d.push('Z');
}

/// The height of a map's legend band (drawing units).
const LEGEND_H: f64 = 34.0;

/// The shade of a shape with no value.
const NO_DATA: &str = "#eeeeee";

/// The blues of the municipality map: `t` in [0, 1] from light to dark.
fn blues(t: f64) -> String {
    let (r, g, b) = (
        (222.0 - 190.0 * t) as u8,
        (235.0 - 140.0 * t) as u8,
        (247.0 - 100.0 * t) as u8,
    );
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The oranges of the effort map: `t` in [0, 1] from light to dark.
fn oranges(t: f64) -> String {
    let (r, g, b) = (
        (253.0 - 120.0 * t) as u8,
        (219.0 - 190.0 * t) as u8,
        (199.0 - 160.0 * t) as u8,
    );
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Draws a map's legend in the band starting at `y`: swatches of `ramp` for a quarter, a
/// half, three quarters and all of `max` on the maps' square-root scale (a value `v` is
/// shaded `ramp(sqrt(v / max))`), each labelled by `fmt`, then a grey swatch labelled `none`
/// when given. Labels are 13 units high, readable when the map is drawn 360 px wide.
fn legend(
    s: &mut String,
    y: f64,
    max: f64,
    ramp: fn(f64) -> String,
    fmt: &dyn Fn(f64) -> String,
    none: Option<&str>,
) {
    let mut swatches: Vec<(String, String)> = Vec::new();
    if max > 0.0 {
        for t in [0.25, 0.5, 0.75, 1.0] {
            swatches.push((ramp(t), fmt(max * t * t)));
        }
    }
    if let Some(none) = none {
        swatches.push((NO_DATA.to_string(), none.to_string()));
    }
    for (i, (fill, label)) in swatches.iter().enumerate() {
        let x = 4.0 + 140.0 * i as f64;
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="16" height="14" fill="{fill}" stroke="#555" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" font-size="13" fill="#333">{}</text>"##,
            y + 10.0,
            x + 20.0,
            y + 22.0,
            esc(label)
        );
    }
}

/// A named outline: name, polygons → rings → (lon, lat) in degrees.
pub type Outline = (String, Vec<Vec<Vec<(f64, f64)>>>);

/// An equirectangular projection of a (lon, lat) box onto a 720-unit-wide drawing, scaled
/// by cos(mid-latitude), north up.
struct Projection {
    x0: f64,
    y1: f64,
    k: f64,
    scale: f64,
    w: f64,
    h: f64,
}

impl Projection {
    /// The projection of the box around `points` (lon, lat), with a margin in degrees.
    fn around(points: impl Iterator<Item = (f64, f64)>, margin: f64) -> Option<Projection> {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (x, y) in points {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if x0 > x1 {
            return None;
        }
        let (x0, x1, y0, y1) = (x0 - margin, x1 + margin, y0 - margin, y1 + margin);
        let k = ((y0 + y1) / 2.0).to_radians().cos();
        let w = 720.0;
        let scale = w / ((x1 - x0) * k).max(1e-9);
        Some(Projection {
            x0,
            y1,
            k,
            scale,
            w,
            h: (y1 - y0) * scale + 2.0,
        })
    }

    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.x0) * self.k * self.scale,
            (self.y1 - lat) * self.scale + 1.0,
        )
    }

    fn outline(&self, s: &mut String, outlines: &[Outline]) {
        for (name, polygons) in outlines {
            let mut d = String::new();
            for ring in polygons.iter().flatten() {
                ring_path(&mut d, ring.iter().map(|&(x, y)| self.xy(x, y)));
            }
            let _ = write!(
                s,
                r##"<path d="{d}" fill="#f4f1ea" stroke="#777" stroke-width="0.6" fill-rule="evenodd"><title>{}</title></path>"##,
                esc(name)
            );
        }
    }
}

/// A cell of the effort map: row = ⌊lat × 10⌋, col = ⌊lon × 10⌋, the value that shades it,
/// and its tooltip.
pub type MapCell = (i32, i32, f64, String);

/// Map of 0.1° grid `cells` shaded by value (darker = more, square-root scale) over the
/// municipality `outlines` (name, polygons of (lon, lat) rings). Works offline: no tiles.
pub fn effort_map(
    title: &str,
    outlines: &[Outline],
    cells: &[MapCell],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let corners = cells.iter().flat_map(|&(r, c, _, _)| {
        let (lat, lon) = (f64::from(r) / 10.0, f64::from(c) / 10.0);
        [(lon, lat), (lon + 0.1, lat + 0.1)]
    });
    let pts = outlines
        .iter()
        .flat_map(|o| o.1.iter().flatten().flatten().copied())
        .chain(corners);
    let Some(p) = Projection::around(pts, 0.05) else {
        return String::new();
    };
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0} {:.0}" role="img" aria-labelledby="effort-title" class="map"><title id="effort-title">{}</title>"#,
        p.w,
        p.h + LEGEND_H,
        esc(title)
    );
    p.outline(&mut s, outlines);
    let max = cells.iter().map(|c| c.2).fold(0.0, f64::max);
    for (r, c, v, label) in cells {
        let (lat, lon) = (f64::from(*r) / 10.0, f64::from(*c) / 10.0);
        let (x, y) = p.xy(lon, lat + 0.1);
        let (x2, y2) = p.xy(lon + 0.1, lat);
        let t = if max > 0.0 { (v / max).sqrt() } else { 0.0 };
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}" fill-opacity="0.85" stroke="#fff" stroke-width="0.3"><title>{}</title></rect>"##,
            x2 - x,
            y2 - y,
            oranges(t),
            esc(label)
        );
    }
    legend(&mut s, p.h, max, oranges, fmt, None);
    s.push_str("</svg>");
    s
}

/// Map of one track: its `points` (lat, lon) joined in order over the `outlines`, the start
/// marked green and the end red.
pub fn track_map(title: &str, outlines: &[Outline], points: &[(f64, f64)]) -> String {
    let Some(p) = Projection::around(points.iter().map(|&(lat, lon)| (lon, lat)), 0.08) else {
        return String::new();
    };
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0} {:.0}" role="img" aria-labelledby="track-title" class="map"><title id="track-title">{}</title>"#,
        p.w,
        p.h,
        esc(title)
    );
    p.outline(&mut s, outlines);
    let mut d = String::new();
    for (i, &(lat, lon)) in points.iter().enumerate() {
        let (x, y) = p.xy(lon, lat);
        let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
    }
    let _ = write!(
        s,
        r##"<path d="{d}" fill="none" stroke="#1f5fa8" stroke-width="1.6"/>"##
    );
    for (i, &(lat, lon)) in points.iter().enumerate() {
        let (x, y) = p.xy(lon, lat);
        let fill = if i == 0 {
            "#2e8b57"
        } else if i + 1 == points.len() {
            "#c0392b"
        } else {
            "#1f5fa8"
        };
        let _ = write!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{fill}"><title>{} {lat:.4}, {lon:.4}</title></circle>"##,
            i + 1
        );
    }
    s.push_str("</svg>");
    s
}

fn trim(v: f64) -> String {
    if v >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_bars_draw_limits_and_mark_thin_months() {
        let bars = [
            EstimateBar {
                label: "2020-01".into(),
                value: 100.0,
                limits: Some((80.0, 130.0)),
                thin: false,
            },
            EstimateBar {
                label: "2020-02<".into(),
                value: 50.0,
                limits: None,
                thin: true,
            },
        ];
        let svg = estimate_bars("Catch <by month>", "kg", &bars);
        assert!(svg.contains("Catch &lt;by month&gt;") && svg.contains("2020-02&lt;"));
        assert!(svg.contains("95 % limits 80 to 130"));
        assert!(svg.contains("(thin: fewer than 3 landings)"));
        assert_eq!(
            svg.matches("stroke=\"#b3541e\" stroke-width=\"1.5\" fill=\"none\"")
                .count(),
            1
        );
    }

    #[test]
    fn an_outline_keeps_its_corners_within_the_tolerance_and_is_written_relative() {
        // A square whose sides carry many points, one of them 0.2 units off the line.
        let mut square = Vec::new();
        for i in 0..100 {
            let wobble = if i == 50 { 0.2 } else { 0.0 };
            square.push((10.0 + f64::from(i), 20.0 + wobble));
        }
        for i in 0..100 {
            square.push((110.0, 20.0 + f64::from(i)));
        }
        for i in 0..100 {
            square.push((110.0 - f64::from(i), 120.0));
        }
        for i in 0..100 {
            square.push((10.0, 120.0 - f64::from(i)));
        }
        let mut d = String::new();
        ring_path(&mut d, square.into_iter());
        assert_eq!(d, "M10 20l100 0 0 100-100 0Z");

        // A bump taller than the tolerance stays; tenths are written short.
        let kept = simplified(&[(0.0, 0.0), (5.0, 0.5), (10.0, 0.0)], OUTLINE_TOLERANCE);
        assert_eq!(kept.len(), 3);
        let mut d = String::new();
        ring_path(
            &mut d,
            [(0.0, 0.0), (5.0, 0.5), (10.0, 0.0), (5.0, -3.25)].into_iter(),
        );
        assert_eq!(d, "M0 0l5 .5 5-.5-5-3.3Z");

        // Fewer than three points left: nothing is drawn.
        let mut d = String::new();
        ring_path(&mut d, [(0.0, 0.0), (0.1, 0.0), (0.0, 0.1)].into_iter());
        assert_eq!(d, "");
    }

    #[test]
    fn text_is_escaped_in_every_chart() {
        let s = species_bars(&[("<script>".into(), 2.0), ("b&c".into(), 1.0)]);
        assert!(s.contains("&lt;script&gt;") && !s.contains("<script>"));
        assert!(s.contains("b&amp;c"));
        assert!(s.contains("66.7%"));
        let c = monthly_chart(&[("2020-01\"".into(), 1500.0, 0.5)]);
        assert!(c.contains("2020-01&quot;"));
        assert!(c.starts_with("<svg") && c.ends_with("</svg>"));
    }

    #[test]
    fn the_map_draws_one_path_per_shape_and_shades_by_value() {
        let sq = vec![vec![vec![
            (125.0, -8.0),
            (126.0, -8.0),
            (126.0, -9.0),
            (125.0, -8.0),
        ]]];
        let m = choropleth(
            &[
                ("A".into(), sq.clone(), Some(10.0), "10 t".into()),
                ("B".into(), sq, None, "no data".into()),
            ],
            &|v| format!("{} t", trim(v)),
        );
        assert_eq!(m.matches("<path").count(), 2);
        assert!(m.contains("#eeeeee"));
        // The legend: a quarter, half, three quarters and all of 10 on the square-root
        // scale (0.625, 2.5, 5.625, 10), and "no data".
        for label in [">0.6", ">2.5 t<", ">5.6 t<", ">10 t<", ">no data<"] {
            assert!(m.contains(label), "{label}");
        }
        assert!(choropleth(&[], &|v| trim(v)).is_empty());
    }

    #[test]
    fn the_effort_map_draws_one_square_per_cell_and_escapes_labels() {
        let outline = vec![(
            "A".to_string(),
            vec![vec![vec![
                (125.0, -8.0),
                (126.0, -8.0),
                (126.0, -9.0),
                (125.0, -8.0),
            ]]],
        )];
        let m = effort_map(
            "Trips",
            &outline,
            &[
                (-83, 1255, 10.0, "<b>".into()),
                (-84, 1256, 1.0, "x".into()),
            ],
            &|v| format!("{} trips", trim(v)),
        );
        assert_eq!(
            m.matches("<rect").count(),
            2 + 4,
            "two cells, four legend swatches"
        );
        assert!(m.contains(">10 trips<"));
        assert!(m.contains("&lt;b&gt;") && !m.contains("<b>"));
        let t = track_map(
            "Trip",
            &outline,
            &[(-8.5, 125.5), (-8.6, 125.6), (-8.7, 125.5)],
        );
        assert_eq!(t.matches("<circle").count(), 3);
        assert!(track_map("Trip", &outline, &[]).is_empty());
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(7.3), 10.0);
        assert_eq!(nice_max(13.0), 20.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(420.0), 500.0);
    }
}
