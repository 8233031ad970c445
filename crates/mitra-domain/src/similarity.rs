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
//! **Distances** are squared Euclidean distances computed by the expansion ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b, the dot
//! products in cache-sized tiles on every core. Each dot product is summed feature by feature from the first, in the
//! same order whichever path computes it (the tiled kernel, or [`FeatureMatrix::nearest_one`]), so both give the same
//! bits for the same pair; the expansion is clamped at 0. These values can differ in the last bits from summing
//! (aᵢ − bᵢ)² directly, so two neighbours whose true distances are equal, or nearly, may come in either order
//! relative to a direct computation — but always in the same order here: neighbours are ordered by the computed
//! distance, then by row index, a total order (`f64::total_cmp`), so the result does not depend on the number of
//! threads or how the work was split.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{CityId, ValidationError};

/// Rows per tile on each side of a tile pair: two tiles of 128 rows × 50 features are 100 KiB, within a core's L2.
const TILE: usize = 128;
/// Rows of the micro-kernel: a 4 × 4 block of dot products is kept in registers.
const MICRO: usize = 4;

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
                format!(
                    "{} values do not make {} rows of {features} features",
                    values.len(),
                    ids.len()
                ),
            ));
        }
        if let Some(at) = values.iter().position(|v| v.is_infinite()) {
            return Err(ValidationError::new(
                "features",
                format!(
                    "the value of feature {} of {} is infinite",
                    at % features.max(1),
                    ids[at / features.max(1)]
                ),
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

    /// [`FeatureMatrix::nearest`] on `threads` threads.
    fn nearest_on(&self, k: usize, threads: usize) -> Vec<Vec<Neighbour>> {
        let n = self.len();
        let k = k.min(n.saturating_sub(1));
        if k == 0 {
            return vec![Vec::new(); n];
        }
        let d = self.features;
        let norms: Vec<f64> = (0..n).map(|i| dot(self.row(i), self.row(i))).collect();
        let blocks = n.div_ceil(TILE);
        // Tile pairs (I, J) with I ≤ J: each pair of rows once; its distance goes to both rows' lists.
        let pairs = blocks * (blocks + 1) / 2;
        let threads = threads.clamp(1, pairs);
        let next = AtomicUsize::new(0);
        let heaps: Vec<TopK> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let (next, norms) = (&next, &norms);
                    scope.spawn(move || {
                        let mut heap = TopK::new(n, k);
                        let mut packed_a = vec![0.0; TILE * d];
                        let mut packed_b = vec![0.0; TILE * d];
                        loop {
                            let p = next.fetch_add(1, Ordering::Relaxed);
                            if p >= pairs {
                                break;
                            }
                            let (bi, bj) = pair_at(p, blocks);
                            self.tile(bi, bj, norms, &mut packed_a, &mut packed_b, &mut heap);
                        }
                        heap
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(heap) => heap,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        (0..n)
            .map(|i| {
                let mut all: Vec<Neighbour> = heaps.iter().flat_map(|h| h.entries(i)).collect();
                all.sort_by(order);
                all.truncate(k);
                all
            })
            .collect()
    }

    /// Every distance between the rows of block `bi` and those of block `bj` (`bi ≤ bj`), offered to both rows.
    fn tile(
        &self,
        bi: usize,
        bj: usize,
        norms: &[f64],
        packed_a: &mut [f64],
        packed_b: &mut [f64],
        heap: &mut TopK,
    ) {
        let (n, d) = (self.len(), self.features);
        let (i0, j0) = (bi * TILE, bj * TILE);
        let (ni, nj) = ((n - i0).min(TILE), (n - j0).min(TILE));
        // Both blocks in panels of MICRO rows, each panel feature-major (feature f of its rows x at f × MICRO + x),
        // zero rows up to a multiple of MICRO: the kernel streams two panels side by side.
        let pack = |packed: &mut [f64], first: usize, rows: usize| {
            for (p, panel) in packed[..rows.next_multiple_of(MICRO) * d]
                .chunks_exact_mut(MICRO * d)
                .enumerate()
            {
                for x in 0..MICRO {
                    let r = p * MICRO + x;
                    for f in 0..d {
                        panel[f * MICRO + x] = if r < rows {
                            self.values[(first + r) * d + f]
                        } else {
                            0.0
                        };
                    }
                }
            }
        };
        pack(packed_a, i0, ni);
        pack(packed_b, j0, nj);
        let panels_a = packed_a[..ni.next_multiple_of(MICRO) * d].chunks_exact(MICRO * d);
        for (pa, panel_a) in panels_a.enumerate() {
            let r = pa * MICRO;
            let (a, _) = panel_a.as_chunks::<MICRO>();
            let panels_b = packed_b[..nj.next_multiple_of(MICRO) * d].chunks_exact(MICRO * d);
            // On the diagonal tile only the pairs above the diagonal (j > i): panels from this one on.
            let skip = if bi == bj { pa } else { 0 };
            for (pb, panel_b) in panels_b.enumerate().skip(skip) {
                let c = pb * MICRO;
                let (b, _) = panel_b.as_chunks::<MICRO>();
                // Four rows of four sums, each summed feature by feature from the first, as `dot` sums.
                let (mut s0, mut s1, mut s2, mut s3) =
                    ([0.0; MICRO], [0.0; MICRO], [0.0; MICRO], [0.0; MICRO]);
                for (av, bv) in a.iter().zip(b) {
                    s0 = add_scaled(s0, av[0], bv);
                    s1 = add_scaled(s1, av[1], bv);
                    s2 = add_scaled(s2, av[2], bv);
                    s3 = add_scaled(s3, av[3], bv);
                }
                let acc = [s0, s1, s2, s3];
                for (x, row) in acc.iter().enumerate() {
                    let i = i0 + r + x;
                    if r + x >= ni {
                        break;
                    }
                    for (y, &dot) in row.iter().enumerate() {
                        let j = j0 + c + y;
                        if c + y >= nj || (bi == bj && j <= i) {
                            continue;
                        }
                        let dist = expanded(norms[i], norms[j], dot);
                        heap.offer(i, j as u32, dist);
                        heap.offer(j, i as u32, dist);
                    }
                }
            }
        }
    }
}

/// `acc + a × b`, lane by lane: written out so the compiler keeps the lanes in vector registers.
#[inline(always)]
fn add_scaled(acc: [f64; MICRO], a: f64, b: &[f64; MICRO]) -> [f64; MICRO] {
    [
        acc[0] + a * b[0],
        acc[1] + a * b[1],
        acc[2] + a * b[2],
        acc[3] + a * b[3],
    ]
}

/// The dot product summed feature by feature from the first, as the tiled kernel sums each of its pairs.
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
    fn tile_pairs_are_enumerated_once_each() {
        let blocks = 7;
        let pairs: Vec<(usize, usize)> = (0..blocks * (blocks + 1) / 2)
            .map(|p| pair_at(p, blocks))
            .collect();
        let mut expected = Vec::new();
        for j in 0..blocks {
            for i in 0..=j {
                expected.push((i, j));
            }
        }
        assert_eq!(pairs, expected);
    }
}
