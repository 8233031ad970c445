//! City similarity: cities as vectors of indicator values, and each city's nearest neighbours among them.
//!
//! A [`FeatureMatrix`] holds `n` cities × `d` features, row-major. [`FeatureMatrix::standardise`] turns every
//! column into z-scores (mean 0, population standard deviation 1), so that a column in millions (population) and
//! one in percent weigh the same; [`FeatureMatrix::nearest`] then finds, for every city, the `k` other cities at the
//! smallest Euclidean distance, and [`FeatureMatrix::nearest_one`] does the same for one city.
//!
//! **Missing values** are `NaN` in the matrix. Standardising computes each column's mean and standard deviation
//! over the values present and then sets every missing value to 0 — the column's mean — so a missing value neither
//! pulls a city towards nor away from others on that feature. A column with no spread (every present value equal,
//! or no value present) becomes all 0: it cannot tell cities apart.
//!
//! **Distances** are squared Euclidean distances computed by the expansion ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b in double
//! precision, each dot product summed feature by feature from the first, clamped at 0: the same bits for the same
//! pair whichever path computes it ([`FeatureMatrix::nearest`] or [`FeatureMatrix::nearest_one`]). These values can
//! differ in the last bits from summing (aᵢ − bᵢ)² directly, so two neighbours whose true distances are equal, or
//! nearly, may come in either order relative to a direct computation — but always in the same order here: neighbours
//! are ordered by the computed distance, then by row index, a total order (`f64::total_cmp`), so the result does not
//! depend on the number of threads or how the work was split.
//!
//! **The screen.** [`FeatureMatrix::nearest`] does not compute every pair in double precision. It first computes all
//! dot products in single precision, as matrix products of one tile of rows by another, each pair of rows once for
//! both, on every core (`ndarray`, whose `matrixmultiply` kernels pick AVX/FMA at run time), and keeps, for each row, only the rows that may be among its
//! `k` nearest; those few candidates then get the double-precision distance above, and the `k` first by (distance,
//! row) are the answer. The answer is the same as computing every pair in double precision, because the screen
//! only drops a row when it is provably farther than `k` others:
//!
//! - Let u = 2⁻²⁴ (the unit roundoff of `f32`), `s = ‖a‖² + ‖b‖²`, and `a'`, `b'` the rows rounded to `f32` (a value
//!   below 2⁻⁶⁰ in magnitude becomes 0; the screen is used only when every value is at most 2²⁰ in magnitude and
//!   there are at most 4 096 features, so no product over- or underflows). Rounding the inputs changes each product
//!   by at most (2u + u²)|aᵢbᵢ| plus 2⁻⁶⁰·2²⁰·2 for a flushed value; summing `d` products in any order, with or
//!   without fused multiply-add, adds at most γ_d Σ|a'ᵢb'ᵢ|, γ_d = du/(1 − du); and Σ|aᵢbᵢ| ≤ s/2. So the
//!   computed −2 a'·b' is within (d + 3)·u·s + d·2⁻³⁸ of −2 a·b.
//! - The lower bound of a pair is −2 a'·b' + (ℓ_a + ℓ_b) in `f32` (the same for both rows of the pair), with ℓ = ‖x‖²(1 − τ) − ε rounded to `f32`,
//!   τ = 2(d + 16)u and ε = d·2⁻³⁶. The two roundings of ℓ and the two additions (on values at most 3s) add at most
//!   (1 + 5.1)·u·s, so with the product's error the bound is below the exact ‖a − b‖² by at least
//!   τs − (d + 10.1)us − d·2⁻³⁸ + 2ε > (d + 21)us, more than the double-precision error of the distance
//!   (below 3(d + 2)·2⁻⁵³·s): the lower bound never exceeds the computed distance.
//! - The upper bound is max(0, −2 a'·b' + h_a + h_b) in `f64`, with h = ‖x‖²(1 + τ) + ε: by the same count it is
//!   never below the computed distance.
//! - A row's threshold is the `k`-th smallest upper bound among `k` or more of its candidates (other rows), rounded
//!   up to `f32`, so at least `k` other rows are at a computed distance at most the threshold. A row whose lower
//!   bound is above the threshold is therefore strictly farther than `k` others and cannot be among the `k` nearest,
//!   whatever the tie order; every other row stays a candidate. The threshold only falls as rows are screened.
//!   Each thread keeps its own thresholds, each valid; a row's candidates from all threads are then held to the
//!   lowest. Runs of pairs are passed over when every pair's lower bound less the larger of its two rows'
//!   thresholds, computed in `f32`, is above 0: a rounded difference keeps the sign of the exact one.
//!
//! The safety factor is the 2 in τ: the bound needs (d + 10.1)u, τ is 2(d + 16)u. For 50 standardised features the
//! lower and upper bounds are within about 10⁻⁵ relative of the distance, so a row keeps few candidates beyond its
//! `k`. A matrix outside the screen's range (a value above 2²⁰, or more than 4 096 features) has every pair computed
//! in double precision.

use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, Axis, Slice};

use crate::{CityId, Reason, ValidationError};

/// `n` cities × `d` features, row-major, with each row's city id.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    ids: Vec<CityId>,
    features: usize,
    values: Vec<f64>,
}

/// One neighbour: its row, and its squared Euclidean distance.
pub type Neighbour = (usize, f64);

impl FeatureMatrix {
    /// A matrix of `ids.len()` rows × `features` columns from row-major `values`; `NaN` marks a missing value.
    /// Infinite values are refused, as is a `values` of the wrong length.
    pub fn new(
        ids: Vec<CityId>,
        features: usize,
        values: Vec<f64>,
    ) -> Result<Self, ValidationError> {
        if values.len() != ids.len() * features {
            return Err(ValidationError::new(
                "features",
                Reason::features_shape(values.len(), ids.len(), features),
            ));
        }
        if let Some(at) = values.iter().position(|v| v.is_infinite()) {
            return Err(ValidationError::new(
                "features",
                Reason::infinite_feature(at % features.max(1), &ids[at / features.max(1)]),
            ));
        }
        Ok(Self {
            ids,
            features,
            values,
        })
    }

    /// The number of rows (cities).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The number of features (columns).
    pub fn features(&self) -> usize {
        self.features
    }

    /// The city of each row.
    pub fn ids(&self) -> &[CityId] {
        &self.ids
    }

    /// One row's values.
    pub fn row(&self, row: usize) -> &[f64] {
        &self.values[row * self.features..(row + 1) * self.features]
    }

    /// Turns every column into z-scores: minus the mean of its present values, divided by their population standard
    /// deviation. Missing values (`NaN`) become 0, the mean; a column without spread becomes all 0.
    pub fn standardise(&mut self) {
        let d = self.features;
        let mut count = vec![0usize; d];
        let mut mean = vec![0.0f64; d];
        for row in self.values.chunks_exact(d.max(1)) {
            for (c, &v) in row.iter().enumerate() {
                if !v.is_nan() {
                    count[c] += 1;
                    mean[c] += v;
                }
            }
        }
        for (m, &c) in mean.iter_mut().zip(&count) {
            if c > 0 {
                *m /= c as f64;
            }
        }
        let mut var = vec![0.0f64; d];
        for row in self.values.chunks_exact(d.max(1)) {
            for (c, &v) in row.iter().enumerate() {
                if !v.is_nan() {
                    var[c] += (v - mean[c]) * (v - mean[c]);
                }
            }
        }
        let std: Vec<f64> = var
            .iter()
            .zip(&count)
            .map(|(&v, &c)| if c > 0 { (v / c as f64).sqrt() } else { 0.0 })
            .collect();
        for row in self.values.chunks_exact_mut(d.max(1)) {
            for (c, v) in row.iter_mut().enumerate() {
                *v = if v.is_nan() || std[c] == 0.0 {
                    0.0
                } else {
                    (*v - mean[c]) / std[c]
                };
            }
        }
    }

    /// For every row, its `k` nearest other rows (fewer when there are fewer), nearest first, as (row, squared
    /// distance); ties in distance by row index. Computed on all cores; see the module documentation.
    pub fn nearest(&self, k: usize) -> Vec<Vec<Neighbour>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.nearest_on(k, threads)
    }

    /// The `k` nearest other rows of one `row`, as [`FeatureMatrix::nearest`] gives them for that row.
    ///
    /// # Panics
    /// When `row` is not a row of the matrix.
    pub fn nearest_one(&self, row: usize, k: usize) -> Vec<Neighbour> {
        assert!(row < self.len(), "row {row} of {}", self.len());
        let a = self.row(row);
        let na = dot(a, a);
        let mut heap = TopK::new(1, k);
        for j in (0..self.len()).filter(|&j| j != row) {
            let b = self.row(j);
            heap.offer(0, j as u32, expanded(na, dot(b, b), dot(a, b)));
        }
        heap.sorted(0)
    }

    /// [`FeatureMatrix::nearest`] on `threads` threads: the single-precision screen when the values allow it (see
    /// [`Screen::usable`]), otherwise every pair in double precision.
    fn nearest_on(&self, k: usize, threads: usize) -> Vec<Vec<Neighbour>> {
        self.nearest_with(k, threads, Screen::usable(self))
    }

    /// [`FeatureMatrix::nearest_on`] with the screen chosen by the caller: `false` computes every pair in double
    /// precision, the reference the screen must agree with.
    fn nearest_with(&self, k: usize, threads: usize, screen: bool) -> Vec<Vec<Neighbour>> {
        let n = self.len();
        let k = k.min(n.saturating_sub(1));
        if k == 0 {
            return vec![Vec::new(); n];
        }
        let threads = threads.max(1);
        let norms: Vec<f64> = (0..n).map(|i| dot(self.row(i), self.row(i))).collect();
        let candidates = screen.then(|| Screen::new(self, &norms).candidates(k, threads));
        let strips = n.div_ceil(STRIP);
        let next = AtomicUsize::new(0);
        let done: Vec<Vec<(usize, Vec<Vec<Neighbour>>)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads.min(strips))
                .map(|_| {
                    let (next, norms, candidates) = (&next, &norms, &candidates);
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        let mut all = Vec::new();
                        loop {
                            let s = next.fetch_add(1, Ordering::Relaxed);
                            if s >= strips {
                                break;
                            }
                            let lists = (s * STRIP..((s + 1) * STRIP).min(n))
                                .map(|i| match candidates {
                                    Some(candidates) => self.exact(i, &candidates[i], norms, k),
                                    None => {
                                        all.clear();
                                        all.extend((0..n as u32).filter(|&j| j as usize != i));
                                        self.exact(i, &all, norms, k)
                                    }
                                })
                                .collect();
                            done.push((s, lists));
                        }
                        done
                    })
                })
                .collect();
            join_all(handles)
        });
        let mut by_strip: Vec<(usize, Vec<Vec<Neighbour>>)> = done.into_iter().flatten().collect();
        by_strip.sort_by_key(|&(s, _)| s);
        by_strip.into_iter().flat_map(|(_, lists)| lists).collect()
    }

    /// The `k` nearest of row `i` among `candidates`, by the double-precision distance every path computes.
    fn exact(&self, i: usize, candidates: &[u32], norms: &[f64], k: usize) -> Vec<Neighbour> {
        let a = self.row(i);
        let mut all: Vec<Neighbour> = candidates
            .iter()
            .map(|&j| {
                let j = j as usize;
                (j, expanded(norms[i], norms[j], dot(a, self.row(j))))
            })
            .collect();
        all.sort_by(order);
        all.truncate(k);
        all
    }
}

/// The results of scoped threads, in the order of their handles; a thread's panic goes on in the caller.
fn join_all<T>(handles: Vec<std::thread::ScopedJoinHandle<'_, T>>) -> Vec<T> {
    handles
        .into_iter()
        .map(|h| match h.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        })
        .collect()
}

/// Rows of a strip in the double-precision pass.
const STRIP: usize = 256;
/// Rows of a tile of the screen: a tile pair's single-precision Gram products are 576 KiB, within a core's L2.
const TILE: usize = 384;
/// Lanes of the screen's vectorised minimum.
const LANES: usize = 8;
/// The unit roundoff of `f32`, 2⁻²⁴.
const UNIT: f64 = 1.0 / (1u64 << 24) as f64;
/// Values up to this magnitude (2²⁰) may be screened in single precision; a larger one sends the matrix to the
/// double-precision path.
const LARGEST: f64 = (1u64 << 20) as f64;
/// Values below this magnitude (2⁻⁶⁰) are screened as 0, so that no single-precision product underflows.
const SMALLEST: f64 = 1.0 / (1u64 << 60) as f64;
/// The most features the screen takes: the error bound assumes `d × UNIT` small.
const MOST_FEATURES: usize = 4096;

/// The single-precision screen: the matrix in `f32`, and per row the bounds that turn an `f32` Gram product into a
/// lower or an upper bound of the double-precision distance (see the module documentation).
struct Screen {
    /// The rows in `f32`, values below [`SMALLEST`] as 0.
    values: Array2<f32>,
    /// Per row, `‖x‖²(1 − τ) − ε` rounded to `f32`: −2 a·b + (ℓ_a + ℓ_b) is a lower bound.
    low: Vec<f32>,
    /// Per row, `‖x‖²(1 + τ) + ε` in `f64`: −2 a·b + h_a + h_b is an upper bound.
    high: Vec<f64>,
}

/// One thread's screening state for every row: its candidates and its threshold.
struct Screened {
    rows: Vec<Candidates>,
    threshold: Vec<f32>,
}

impl Screen {
    /// Whether the screen's error bound holds for these values: every value finite and at most [`LARGEST`] in
    /// magnitude, and at most [`MOST_FEATURES`] features (and at least one).
    fn usable(m: &FeatureMatrix) -> bool {
        (1..=MOST_FEATURES).contains(&m.features) && m.values.iter().all(|v| v.abs() <= LARGEST)
    }

    fn new(m: &FeatureMatrix, norms: &[f64]) -> Self {
        let d = m.features;
        let tau = 2.0 * (d as f64 + 16.0) * UNIT;
        let eps = d as f64 * (1.0 / (1u64 << 36) as f64);
        let values = Array2::from_shape_fn((m.len(), d), |(i, f)| {
            let v = m.values[i * d + f];
            if v.abs() < SMALLEST { 0.0 } else { v as f32 }
        });
        Self {
            values,
            low: norms
                .iter()
                .map(|&n| (n * (1.0 - tau) - eps) as f32)
                .collect(),
            high: norms.iter().map(|&n| n * (1.0 + tau) + eps).collect(),
        }
    }

    /// The lower bound of the pair of rows `i` and `j` whose −2 a·b is `product`: symmetric in `i` and `j`.
    fn key(&self, product: f32, i: usize, j: usize) -> f32 {
        product + (self.low[i] + self.low[j])
    }

    /// For every row, every other row that may be among its `k` nearest, in no order: a superset of them. The tile
    /// pairs (I, J), I ≤ J, are shared among `threads` threads; each pair of rows is screened once, for both rows.
    fn candidates(&self, k: usize, threads: usize) -> Vec<Vec<u32>> {
        let n = self.low.len();
        let tiles = n.div_ceil(TILE);
        let pairs = tiles * (tiles + 1) / 2;
        let next = AtomicUsize::new(0);
        let mut screened: Vec<Screened> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads.clamp(1, pairs))
                .map(|_| {
                    let next = &next;
                    scope.spawn(move || {
                        let mut state = Screened {
                            rows: (0..n).map(|_| Candidates::new(k)).collect(),
                            threshold: vec![f32::INFINITY; n],
                        };
                        let mut gram = Array2::<f32>::zeros((TILE, TILE));
                        loop {
                            let p = next.fetch_add(1, Ordering::Relaxed);
                            if p >= pairs {
                                break;
                            }
                            let (bi, bj) = pair_at(p, tiles);
                            self.tile(bi, bj, &mut gram, &mut state);
                        }
                        state
                    })
                })
                .collect();
            join_all(handles)
        });
        // Each row's candidates from every thread, under the lowest of their thresholds, tightened once more.
        let Some(mut merged) = screened.pop() else {
            return vec![Vec::new(); n];
        };
        for other in screened {
            for (i, (rows, threshold)) in other.rows.into_iter().zip(other.threshold).enumerate() {
                merged.rows[i].rows.extend(rows.rows);
                merged.threshold[i] = merged.threshold[i].min(threshold);
            }
        }
        merged
            .rows
            .into_iter()
            .zip(merged.threshold)
            .enumerate()
            .map(|(i, (mut rows, mut threshold))| {
                rows.tighten(&mut threshold, self, i);
                rows.rows.into_iter().map(|(j, _)| j).collect()
            })
            .collect()
    }

    /// Screens every pair of a row of tile `bi` and a row of tile `bj` (`bi ≤ bj`; on the diagonal each pair once),
    /// for both rows: a pair whose lower bound is within a row's threshold becomes the row's candidate. Most runs of
    /// [`LANES`] × 4 pairs are passed over on their minimum.
    fn tile(&self, bi: usize, bj: usize, gram: &mut Array2<f32>, state: &mut Screened) {
        let n = self.low.len();
        let (rows, cols) = (
            bi * TILE..((bi + 1) * TILE).min(n),
            bj * TILE..((bj + 1) * TILE).min(n),
        );
        let a = self.values.slice_axis(Axis(0), Slice::from(rows.clone()));
        let b = self.values.slice_axis(Axis(0), Slice::from(cols.clone()));
        let mut out = gram
            .slice_axis_mut(Axis(0), Slice::from(..rows.len()))
            .slice_axis_move(Axis(1), Slice::from(..cols.len()));
        general_mat_mul(-2.0, &a, &b.t(), 0.0, &mut out);
        const RUN: usize = 4 * LANES;
        for (r, i) in rows.clone().enumerate() {
            let products = gram.row(r);
            let Some(products) = products.as_slice() else {
                unreachable!("a new array's rows are contiguous");
            };
            // On the diagonal tile only the pairs with j > i.
            let from = if bi == bj { r + 1 } else { 0 };
            let j0 = cols.start + from;
            let products = &products[from..cols.len()];
            let low = &self.low[j0..cols.end];
            let own = self.low[i];
            let (pc, pr) = products.as_chunks::<RUN>();
            let (lc, _) = low.as_chunks::<RUN>();
            for (c, (p, l)) in pc.iter().zip(lc).enumerate() {
                let mine = state.threshold[i];
                let t = &state.threshold[j0 + c * RUN..j0 + (c + 1) * RUN];
                // Each pair's lower bound less the larger of its two rows' thresholds: at most 0 (rounding keeps
                // the sign) when the pair may be a candidate of either row.
                let mut margin = [0.0f32; RUN];
                for (y, m) in margin.iter_mut().enumerate() {
                    let either = if t[y] > mine { t[y] } else { mine };
                    *m = (p[y] + (own + l[y])) - either;
                }
                let mut least = [f32::INFINITY; LANES];
                for run in margin.as_chunks::<LANES>().0 {
                    for (m, &v) in least.iter_mut().zip(run) {
                        *m = if v < *m { v } else { *m };
                    }
                }
                if least.iter().all(|&v| v > 0.0) {
                    continue;
                }
                for (x, (&p, &m)) in p.iter().zip(&margin).enumerate() {
                    if m <= 0.0 {
                        self.offer(i, j0 + c * RUN + x, p, state);
                    }
                }
            }
            let base = j0 + pc.len() * RUN;
            for (x, &p) in pr.iter().enumerate() {
                self.offer(i, base + x, p, state);
            }
        }
    }

    /// Offers the pair of rows `i` and `j`, whose −2 a·b is `product`, to both rows.
    fn offer(&self, i: usize, j: usize, product: f32, state: &mut Screened) {
        let key = self.key(product, i, j);
        for (row, other) in [(i, j), (j, i)] {
            if key <= state.threshold[row] {
                state.rows[row].push(other as u32, product, &mut state.threshold[row], self, row);
            }
        }
    }
}

/// One row's candidates while screening: each with its −2 a·b in `f32`. Its threshold is kept apart (in
/// [`Screened`]): a lower bound above it rules a row out; it is an upper bound of the `k`-th nearest distance,
/// rounded up to `f32`.
struct Candidates {
    k: usize,
    /// Tighten when this many.
    room: usize,
    rows: Vec<(u32, f32)>,
}

impl Candidates {
    fn new(k: usize) -> Self {
        Self {
            k,
            room: (4 * k).max(32),
            rows: Vec::new(),
        }
    }

    /// Takes row `j`, whose −2 a·b with row `i` is `product`; when full, tightens.
    fn push(&mut self, j: u32, product: f32, threshold: &mut f32, screen: &Screen, i: usize) {
        self.rows.push((j, product));
        if self.rows.len() >= self.room {
            self.tighten(threshold, screen, i);
            if self.rows.len() * 2 > self.room {
                self.room *= 2;
            }
        }
    }

    /// Lowers the `threshold` of row `i` to the `k`-th smallest upper bound among its candidates, rounded up to
    /// `f32`, and drops the candidates whose lower bound is above it.
    fn tighten(&mut self, threshold: &mut f32, screen: &Screen, i: usize) {
        if self.rows.len() >= self.k {
            let own = screen.high[i];
            let mut upper: Vec<f64> = self
                .rows
                .iter()
                .map(|&(j, p)| (f64::from(p) + own + screen.high[j as usize]).max(0.0))
                .collect();
            let (_, kth, _) = upper.select_nth_unstable_by(self.k - 1, f64::total_cmp);
            let kth = *kth;
            let mut rounded = kth as f32;
            if f64::from(rounded) < kth {
                rounded = rounded.next_up();
            }
            *threshold = threshold.min(rounded);
        }
        let threshold = *threshold;
        self.rows
            .retain(|&(j, p)| screen.key(p, i, j as usize) <= threshold);
    }
}

/// The dot product summed feature by feature from the first: every distance Mitra reports is computed with it.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (x, y)| s + x * y)
}

/// ‖a − b‖² from the norms and the dot product, never below 0. Symmetric in `na` and `nb`.
fn expanded(na: f64, nb: f64, dot: f64) -> f64 {
    (na + nb - 2.0 * dot).max(0.0)
}

/// By distance, then by row.
fn order(a: &Neighbour, b: &Neighbour) -> std::cmp::Ordering {
    a.1.total_cmp(&b.1).then(a.0.cmp(&b.0))
}

/// The `p`-th pair (I, J), I ≤ J, of `blocks` blocks, J by J: (0,0), (0,1), (1,1), (0,2), …
fn pair_at(p: usize, blocks: usize) -> (usize, usize) {
    // J is the largest j with j(j+1)/2 ≤ p.
    let mut j = ((((8 * p + 1) as f64).sqrt() - 1.0) / 2.0) as usize;
    while j * (j + 1) / 2 > p {
        j -= 1;
    }
    while (j + 1) * (j + 2) / 2 <= p {
        j += 1;
    }
    debug_assert!(j < blocks);
    (p - j * (j + 1) / 2, j)
}

/// For each of `rows` rows, a bounded max-heap of its `k` best (distance, row) so far: the root is the worst kept,
/// replaced when a better one comes.
struct TopK {
    k: usize,
    /// The root's distance once a row's heap is full, until then infinity: most offers stop at this comparison.
    worst: Vec<f64>,
    len: Vec<u32>,
    dist: Vec<f64>,
    index: Vec<u32>,
}

impl TopK {
    fn new(rows: usize, k: usize) -> Self {
        Self {
            k,
            worst: vec![f64::INFINITY; rows],
            len: vec![0; rows],
            dist: vec![0.0; rows * k],
            index: vec![0; rows * k],
        }
    }

    /// Whether (da, ia) comes after (db, ib): by distance, then by index.
    fn after(da: f64, ia: u32, db: f64, ib: u32) -> bool {
        da.total_cmp(&db).then(ia.cmp(&ib)) == std::cmp::Ordering::Greater
    }

    fn offer(&mut self, row: usize, index: u32, dist: f64) {
        let k = self.k;
        // Farther than the worst kept (NaN never is, so it goes on to the total order below).
        if k == 0 || dist > self.worst[row] {
            return;
        }
        let base = row * k;
        let len = self.len[row] as usize;
        let (dists, indexes) = (
            &mut self.dist[base..base + k],
            &mut self.index[base..base + k],
        );
        if len < k {
            // Sift up.
            let mut at = len;
            while at > 0 {
                let parent = (at - 1) / 2;
                if !Self::after(dist, index, dists[parent], indexes[parent]) {
                    break;
                }
                dists[at] = dists[parent];
                indexes[at] = indexes[parent];
                at = parent;
            }
            dists[at] = dist;
            indexes[at] = index;
            self.len[row] += 1;
            if len + 1 == k {
                self.worst[row] = dists[0];
            }
            return;
        }
        if !Self::after(dists[0], indexes[0], dist, index) {
            return;
        }
        // Replace the root and sift down.
        let mut at = 0;
        loop {
            let left = 2 * at + 1;
            if left >= k {
                break;
            }
            let right = left + 1;
            let child = if right < k
                && Self::after(dists[right], indexes[right], dists[left], indexes[left])
            {
                right
            } else {
                left
            };
            if !Self::after(dists[child], indexes[child], dist, index) {
                break;
            }
            dists[at] = dists[child];
            indexes[at] = indexes[child];
            at = child;
        }
        dists[at] = dist;
        indexes[at] = index;
        self.worst[row] = dists[0];
    }

    fn entries(&self, row: usize) -> impl Iterator<Item = Neighbour> + '_ {
        let base = row * self.k;
        (base..base + self.len[row] as usize).map(|e| (self.index[e] as usize, self.dist[e]))
    }

    fn sorted(&self, row: usize) -> Vec<Neighbour> {
        let mut all: Vec<Neighbour> = self.entries(row).collect();
        all.sort_by(order);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<CityId> {
        (0..n)
            .map(|i| CityId::parse(&format!("c{i}")).unwrap())
            .collect()
    }

    fn matrix(n: usize, d: usize, values: Vec<f64>) -> FeatureMatrix {
        FeatureMatrix::new(ids(n), d, values).unwrap()
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    /// Four cities, two features on very different scales:
    ///   c0 (1, 100), c1 (2, 300), c2 (3, 200), c3 (6, 400).
    /// Column 0: mean 3, deviations −2 −1 0 3, variance (4+1+0+9)/4 = 3.5, std √3.5.
    /// Column 1: mean 250, deviations −150 50 −50 150, variance (22500+2500+2500+22500)/4 = 12500, std √12500.
    fn four() -> FeatureMatrix {
        matrix(4, 2, vec![1.0, 100.0, 2.0, 300.0, 3.0, 200.0, 6.0, 400.0])
    }

    #[test]
    fn standardising_gives_z_scores_with_population_std() {
        let mut m = four();
        m.standardise();
        let s0 = 3.5f64.sqrt();
        let s1 = 12500f64.sqrt();
        assert!(close(m.row(0), &[-2.0 / s0, -150.0 / s1]));
        assert!(close(m.row(1), &[-1.0 / s0, 50.0 / s1]));
        assert!(close(m.row(2), &[0.0, -50.0 / s1]));
        assert!(close(m.row(3), &[3.0 / s0, 150.0 / s1]));
    }

    #[test]
    fn neighbours_on_standardised_values_are_ordered_by_distance() {
        // In z-scores (column 0 divided by √3.5, column 1 by √12500 ≈ 111.80), squared distances:
        //   d(0,1) = 1/3.5 + 200²/12500 = 0.2857 + 3.2   = 3.4857
        //   d(0,2) = 4/3.5 + 100²/12500 = 1.1429 + 0.8   = 1.9429
        //   d(0,3) = 25/3.5 + 300²/12500 = 7.1429 + 7.2  = 14.3429
        //   d(1,2) = 1/3.5 + 100²/12500 = 0.2857 + 0.8   = 1.0857
        //   d(1,3) = 16/3.5 + 100²/12500 = 4.5714 + 0.8  = 5.3714
        //   d(2,3) = 9/3.5 + 200²/12500 = 2.5714 + 3.2   = 5.7714
        // So c0: c2, c1, c3; c1: c2, c0, c3; c2: c1, c0, c3; c3: c1, c2, c0.
        // On the raw values column 1 would decide alone: c1's order would be c2, c3, c0 (10 001, 10 016, 40 001).
        let mut m = four();
        assert_eq!(
            m.nearest_one(1, 3)
                .iter()
                .map(|&(j, _)| j)
                .collect::<Vec<_>>(),
            vec![2, 3, 0]
        );
        m.standardise();
        let all = m.nearest(3);
        let order: Vec<Vec<usize>> = all
            .iter()
            .map(|r| r.iter().map(|&(j, _)| j).collect())
            .collect();
        assert_eq!(
            order,
            vec![vec![2, 1, 3], vec![2, 0, 3], vec![1, 0, 3], vec![1, 2, 0]]
        );
        let expected = [
            [1.0 / 3.5 + 3.2, 4.0 / 3.5 + 0.8, 25.0 / 3.5 + 7.2],
            [1.0 / 3.5 + 3.2, 1.0 / 3.5 + 0.8, 16.0 / 3.5 + 0.8],
        ];
        for (row, want) in expected.iter().enumerate() {
            let mut got: Vec<(usize, f64)> = all[row].clone();
            got.sort_by_key(|&(j, _)| j);
            let got: Vec<f64> = got.iter().map(|&(_, d)| d).collect();
            assert!(close(&got, want), "row {row}: {got:?}");
        }
        // k = 1: only the nearest.
        assert_eq!(m.nearest(1)[3], vec![all[3][0]]);
        assert_eq!(m.nearest_one(3, 2), all[3][..2].to_vec());
    }

    #[test]
    fn a_missing_value_becomes_the_column_mean_and_a_constant_column_zero() {
        // Column 0 present as 1, 3 (row 1 missing): mean 2, std 1. Column 1 constant 7.
        let mut m = matrix(3, 2, vec![1.0, 7.0, f64::NAN, 7.0, 3.0, 7.0]);
        m.standardise();
        assert!(close(m.row(0), &[-1.0, 0.0]));
        assert!(close(m.row(1), &[0.0, 0.0]));
        assert!(close(m.row(2), &[1.0, 0.0]));
        // The city with the missing value sits at the mean: 1 from both others, so c0's nearest is c1 (1 < 4).
        assert_eq!(m.nearest_one(0, 2), vec![(1, 1.0), (2, 4.0)]);
    }

    #[test]
    fn ties_go_to_the_lower_row() {
        // c1, c2 and c3 are all at distance 1 from c0 (and c2 at 0 from c3).
        let m = matrix(4, 1, vec![0.0, 1.0, -1.0, -1.0]);
        assert_eq!(m.nearest_one(0, 2), vec![(1, 1.0), (2, 1.0)]);
        assert_eq!(m.nearest(2)[0], vec![(1, 1.0), (2, 1.0)]);
        assert_eq!(m.nearest(1)[3], vec![(2, 0.0)]);
    }

    #[test]
    fn k_beyond_the_others_gives_every_other_row_and_one_row_none() {
        let mut m = four();
        m.standardise();
        let all = m.nearest(10);
        assert!(all.iter().all(|r| r.len() == 3));
        assert_eq!(all, m.nearest(3));
        assert_eq!(m.nearest_one(2, 99).len(), 3);
        assert!(m.nearest(0).iter().all(Vec::is_empty));

        let mut one = matrix(1, 2, vec![5.0, 6.0]);
        one.standardise();
        assert_eq!(one.row(0), &[0.0, 0.0]);
        assert_eq!(one.nearest(5), vec![Vec::<Neighbour>::new()]);
        assert!(one.nearest_one(0, 5).is_empty());
        assert!(matrix(0, 3, vec![]).nearest(2).is_empty());
    }

    #[test]
    fn values_of_the_wrong_shape_or_infinite_are_refused() {
        assert!(FeatureMatrix::new(ids(2), 2, vec![1.0; 3]).is_err());
        assert!(FeatureMatrix::new(ids(2), 1, vec![1.0, f64::INFINITY]).is_err());
    }

    /// A seeded matrix with a mix of scales, and a few missing values.
    fn random(n: usize, d: usize, seed: u64) -> FeatureMatrix {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut values = Vec::with_capacity(n * d);
        for _ in 0..n {
            for c in 0..d {
                let u = next();
                values.push(match c % 4 {
                    0 => u * 1e6,
                    1 => (u * 10.0).floor(),
                    2 if u < 0.03 => f64::NAN,
                    _ => u,
                });
            }
        }
        let mut m = matrix(n, d, values);
        m.standardise();
        m
    }

    #[test]
    fn the_tiled_parallel_path_agrees_with_a_direct_computation() {
        // 300 rows: three tiles, the last one partial; 13 features: not a multiple of the micro-kernel.
        let m = random(300, 13, 20261128);
        let k = 7;
        let fast = m.nearest_on(k, 3);
        for (i, got) in fast.iter().enumerate() {
            let mut direct: Vec<Neighbour> = (0..m.len())
                .filter(|&j| j != i)
                .map(|j| {
                    let d: f64 = m
                        .row(i)
                        .iter()
                        .zip(m.row(j))
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum();
                    (j, d)
                })
                .collect();
            direct.sort_by(order);
            assert_eq!(got.len(), k);
            for (rank, (&(gj, gd), &(dj, dd))) in got.iter().zip(&direct).enumerate() {
                assert!((gd - dd).abs() <= 1e-9 * dd.max(1.0), "row {i} rank {rank}");
                // The same row, unless the direct distances are a tie to within rounding.
                if gj != dj {
                    let other = direct.iter().find(|&&(j, _)| j == gj).unwrap().1;
                    assert!(
                        (other - dd).abs() <= 1e-9 * dd.max(1.0),
                        "row {i} rank {rank}"
                    );
                }
            }
            // The same bits, whichever path and however many threads.
            assert_eq!(*got, m.nearest_one(i, k), "row {i}");
        }
        assert_eq!(fast, m.nearest_on(k, 1));
        assert_eq!(fast, m.nearest(k));
    }

    #[test]
    fn the_single_precision_screen_agrees_bit_for_bit_with_every_pair_in_double_precision() {
        // 2 000 seeded rows, and around 40 of them clusters of near-ties: the same row again, rows moved along one
        // feature by r(1 + m·10⁻¹²) (distances r² apart by a few parts in 10¹², far below single precision), and
        // pairs moved by ±r (equal distances up to the rounding of q ± r).
        let d = 20;
        let base = random(2000, d, 20261204);
        let mut values = base.values.clone();
        for q in (0..2000).step_by(50) {
            let row = base.row(q).to_vec();
            values.extend_from_slice(&row);
            for m in 0..6 {
                let mut near = row.clone();
                near[m % d] += 0.75 * (1.0 + m as f64 * 1e-12);
                values.extend_from_slice(&near);
                let mut far = row.clone();
                far[(m + 7) % d] -= 0.75;
                values.extend_from_slice(&far);
            }
        }
        let n = values.len() / d;
        let m = matrix(n, d, values);
        assert!(Screen::usable(&m), "the test must exercise the screen");
        let k = 10;
        let screened = m.nearest_with(k, 3, true);
        assert_eq!(screened, m.nearest_with(k, 2, false));
        for i in (0..n).step_by(97).chain(2000..n) {
            assert_eq!(screened[i], m.nearest_one(i, k), "row {i}");
        }
        // Row 0's cluster: its copy first at 0, then nine of the twelve rows moved by 0.75 (distance 0.5625).
        assert_eq!(screened[0][0], (2000, 0.0));
        assert!(
            screened[0][1..]
                .iter()
                .all(|&(j, dist)| (2001..2013).contains(&j) && (dist - 0.5625).abs() < 1e-9)
        );
    }

    #[test]
    fn values_too_large_for_the_screen_take_the_double_precision_path() {
        // Raw populations in the tens of millions: beyond the screen's 2²⁰, the same neighbours as row by row.
        let mut values = random(200, 5, 7).values;
        for (at, v) in values.iter_mut().enumerate() {
            if at % 5 == 0 {
                *v *= 3e7;
            }
        }
        let m = matrix(200, 5, values);
        assert!(!Screen::usable(&m));
        let all = m.nearest(4);
        for (i, got) in all.iter().enumerate() {
            assert_eq!(*got, m.nearest_one(i, 4), "row {i}");
        }
    }
}
