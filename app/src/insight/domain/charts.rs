//! The geometry of the charts: a round top for the scale and each bar's length on it.

/// A round number at or above `max` for the top of a chart's scale: 1, 2 or 5 × 10ⁿ.
pub fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * mag >= max - 1e-9 {
            return step * mag;
        }
    }
    10.0 * mag
}

/// One bar: its length as a share of the scale (0–1), or None when the value is hidden.
pub fn bar_lengths(values: &[Option<f64>]) -> (f64, Vec<Option<f64>>) {
    let max = values.iter().flatten().fold(0f64, |a, b| a.max(*b));
    let top = nice_ceiling(max);
    (top, values.iter().map(|v| v.map(|v| (v.max(0.0) / top).clamp(0.0, 1.0))).collect())
}
