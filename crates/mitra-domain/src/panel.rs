//! The analytics panel: every counted value as columns (indicator, year, city, value) sorted by indicator, year and
//! city, and the peer statistics computed on it — percentile ranks within peer groups and group medians.
//!
//! Cities and indicators are numbered densely so that the columns hold small integers; a value's place in the
//! columns is its row. Percentile ranks use the mid-rank rule: a city's rank is the share of its group that it does
//! better than, counting ties as half, so the best of n distinct values gets (n − ½)/n. A group smaller than the
//! minimum asked for is not ranked at all: a percentile among one or two cities says nothing about a city.

use std::collections::HashMap;
use std::ops::Range;

use crate::{CityId, Direction, IndicatorId};

/// Marks a city that belongs to no group of the grouping asked for.
pub const NO_GROUP: u32 = u32::MAX;

/// Values as columns, sorted by (indicator, year, city).
#[derive(Debug, Clone, Default)]
pub struct Panel {
    cities: Vec<CityId>,
    city_index: HashMap<CityId, u32>,
    indicators: Vec<IndicatorId>,
    indicator_index: HashMap<IndicatorId, u32>,
    indicator: Vec<u32>,
    year: Vec<i32>,
    city: Vec<u32>,
    value: Vec<f64>,
    /// (indicator, year) → rows, in order.
    slices: Vec<(u32, i32, Range<usize>)>,
}

/// Numbers ids densely as they are first seen: `list` holds them by number, `index` their numbers.
pub(crate) fn number<T: Clone + Eq + std::hash::Hash, S: std::hash::BuildHasher>(
    list: &mut Vec<T>,
    index: &mut HashMap<T, u32, S>,
    id: &T,
) -> u32 {
    if let Some(&n) = index.get(id) {
        return n;
    }
    let n = list.len() as u32;
    list.push(id.clone());
    index.insert(id.clone(), n);
    n
}

impl Panel {
    /// Builds the panel. When a (city, indicator, year) appears more than once, the first one counts: callers pass
    /// the preferred value first (verified before submitted).
    pub fn build(values: impl IntoIterator<Item = (CityId, IndicatorId, i32, f64)>) -> Self {
        let mut panel = Panel::default();
        let mut rows: Vec<(u32, i32, u32, f64)> = Vec::new();
        for (city, indicator, year, value) in values {
            let c = number(&mut panel.cities, &mut panel.city_index, &city);
            let i = number(
                &mut panel.indicators,
                &mut panel.indicator_index,
                &indicator,
            );
            rows.push((i, year, c, value));
        }
        Self::from_numbered(panel, rows)
    }

    /// Builds the panel from numbered columns (indicator, year and city numbers, values). Columns already in
    /// (indicator, year, city) order without repeats are kept as they are, so no second copy is made.
    pub fn from_columns(
        cities: Vec<CityId>,
        indicators: Vec<IndicatorId>,
        indicator: Vec<u32>,
        year: Vec<i32>,
        city: Vec<u32>,
        value: Vec<f64>,
    ) -> Self {
        let mut panel = Panel {
            city_index: cities
                .iter()
                .enumerate()
                .map(|(n, c)| (c.clone(), n as u32))
                .collect(),
            indicator_index: indicators
                .iter()
                .enumerate()
                .map(|(n, i)| (i.clone(), n as u32))
                .collect(),
            cities,
            indicators,
            ..Panel::default()
        };
        let n = indicator
            .len()
            .min(year.len())
            .min(city.len())
            .min(value.len());
        let key = |r: usize| (indicator[r], year[r], city[r]);
        if (1..n).all(|r| key(r - 1) < key(r)) {
            panel.indicator = indicator;
            panel.year = year;
            panel.city = city;
            panel.value = value;
            panel.indicator.truncate(n);
            panel.year.truncate(n);
            panel.city.truncate(n);
            panel.value.truncate(n);
            panel.index_slices();
            return panel;
        }
        let rows = (0..n)
            .map(|r| (indicator[r], year[r], city[r], value[r]))
            .collect();
        Self::from_numbered(panel, rows)
    }

    /// Records where each (indicator, year) starts and ends in the sorted columns.
    fn index_slices(&mut self) {
        self.slices.clear();
        let mut start = 0;
        while start < self.indicator.len() {
            let key = (self.indicator[start], self.year[start]);
            let end = start
                + (start..self.indicator.len())
                    .take_while(|&r| (self.indicator[r], self.year[r]) == key)
                    .count();
            self.slices.push((key.0, key.1, start..end));
            start = end;
        }
    }

    fn from_numbered(mut panel: Panel, mut rows: Vec<(u32, i32, u32, f64)>) -> Self {
        // Stable, so the first of duplicates stays first and is kept.
        rows.sort_by_key(|r| (r.0, r.1, r.2));
        rows.dedup_by_key(|r| (r.0, r.1, r.2));
        panel.indicator = rows.iter().map(|r| r.0).collect();
        panel.year = rows.iter().map(|r| r.1).collect();
        panel.city = rows.iter().map(|r| r.2).collect();
        panel.value = rows.iter().map(|r| r.3).collect();
        drop(rows);
        panel.index_slices();
        panel
    }

    /// Every value as (city, indicator, year, value), in the panel's order.
    pub fn rows(&self) -> impl Iterator<Item = (&CityId, &IndicatorId, i32, f64)> {
        (0..self.value.len()).map(|r| {
            (
                &self.cities[self.city[r] as usize],
                &self.indicators[self.indicator[r] as usize],
                self.year[r],
                self.value[r],
            )
        })
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.value.len()
    }

    /// Whether the panel holds no value.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// The city number of a row.
    pub fn city_at(&self, row: usize) -> u32 {
        self.city[row]
    }

    /// The cities, by their number.
    pub fn cities(&self) -> &[CityId] {
        &self.cities
    }

    /// A city's number.
    pub fn city_number(&self, city: &CityId) -> Option<u32> {
        self.city_index.get(city).copied()
    }

    /// The indicators, by their number.
    pub fn indicators(&self) -> &[IndicatorId] {
        &self.indicators
    }

    /// The rows of one indicator and year.
    fn slice(&self, indicator: &IndicatorId, year: i32) -> Range<usize> {
        let Some(&i) = self.indicator_index.get(indicator) else {
            return 0..0;
        };
        self.slices
            .binary_search_by_key(&(i, year), |s| (s.0, s.1))
            .map_or(0..0, |at| self.slices[at].2.clone())
    }

    /// The years with values for an indicator, oldest first.
    pub fn years(&self, indicator: &IndicatorId) -> Vec<i32> {
        let Some(&i) = self.indicator_index.get(indicator) else {
            return Vec::new();
        };
        // The slices are sorted by (indicator, year): the indicator's are one run.
        let start = self.slices.partition_point(|s| s.0 < i);
        let end = self.slices.partition_point(|s| s.0 <= i);
        self.slices[start..end].iter().map(|s| s.1).collect()
    }

    /// Every (city, value) for an indicator in a year, by city number.
    pub fn values(
        &self,
        indicator: &IndicatorId,
        year: i32,
    ) -> impl Iterator<Item = (&CityId, f64)> {
        self.slice(indicator, year)
            .map(move |row| (&self.cities[self.city[row] as usize], self.value[row]))
    }

    /// A city's value for an indicator in a year.
    pub fn value(&self, city: &CityId, indicator: &IndicatorId, year: i32) -> Option<f64> {
        let c = self.city_number(city)?;
        let range = self.slice(indicator, year);
        let at = self.city[range.clone()].binary_search(&c).ok()?;
        Some(self.value[range.start + at])
    }

    /// A city's series for an indicator, oldest first.
    pub fn series(&self, city: &CityId, indicator: &IndicatorId) -> Vec<(i32, f64)> {
        self.years(indicator)
            .into_iter()
            .filter_map(|y| self.value(city, indicator, y).map(|v| (y, v)))
            .collect()
    }

    /// The percentile rank of every value within its peer group for its indicator and year. `group[c]` is the group
    /// of city number `c` ([`NO_GROUP`] for none: such values get `None`); `direction[i]` says which way indicator
    /// number `i` improves (without one, a higher value ranks higher); a group with fewer than `min_group` values
    /// for an indicator and year is not ranked (`None`). The result is aligned with the rows; ranks are kept as
    /// `f32`, seven significant digits being plenty for a percentile at half the memory.
    pub fn percentile_ranks(
        &self,
        group: &[u32],
        direction: &[Option<Direction>],
        min_group: usize,
    ) -> Vec<Option<f32>> {
        let mut out = vec![None; self.len()];
        // The (indicator, year) slices are independent and contiguous: split them into one run per core, each
        // writing its own part of the result.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let per_thread = self.len().div_ceil(threads.max(1)).max(1);
        let mut runs: Vec<&[(u32, i32, Range<usize>)]> = Vec::new();
        let mut first = 0;
        let mut rows = 0;
        for (at, slice) in self.slices.iter().enumerate() {
            rows += slice.2.len();
            if rows >= per_thread {
                runs.push(&self.slices[first..=at]);
                first = at + 1;
                rows = 0;
            }
        }
        if first < self.slices.len() {
            runs.push(&self.slices[first..]);
        }
        std::thread::scope(|scope| {
            let mut rest: &mut [Option<f32>] = &mut out;
            let mut offset = 0;
            for run in runs {
                let end = run.last().map_or(offset, |s| s.2.end);
                let (part, tail) = std::mem::take(&mut rest).split_at_mut(end - offset);
                rest = tail;
                let base = offset;
                offset = end;
                scope.spawn(move || self.rank_slices(run, base, part, group, direction, min_group));
            }
        });
        out
    }

    /// Ranks the values of `slices` into `out`, which holds the rows from `base` on.
    fn rank_slices(
        &self,
        slices: &[(u32, i32, Range<usize>)],
        base: usize,
        out: &mut [Option<f32>],
        group: &[u32],
        direction: &[Option<Direction>],
        min_group: usize,
    ) {
        let mut order: Vec<(u32, f64, usize)> = Vec::new();
        for (indicator, _, range) in slices {
            let lower_is_better = direction.get(*indicator as usize).copied().flatten()
                == Some(Direction::LowerIsBetter);
            order.clear();
            order.extend(range.clone().filter_map(|row| {
                let g = group
                    .get(self.city[row] as usize)
                    .copied()
                    .unwrap_or(NO_GROUP);
                // Better values sort later, so "worse than me" is "before me".
                let key = if lower_is_better {
                    -self.value[row]
                } else {
                    self.value[row]
                };
                (g != NO_GROUP).then_some((g, key, row))
            }));
            order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut start = 0;
            while start < order.len() {
                let g = order[start].0;
                let end = start + order[start..].iter().take_while(|o| o.0 == g).count();
                if end - start < min_group {
                    start = end;
                    continue;
                }
                let n = (end - start) as f64;
                let mut tie = start;
                while tie < end {
                    let tie_end = tie
                        + order[tie..end]
                            .iter()
                            .take_while(|o| o.1 == order[tie].1)
                            .count();
                    let below = (tie - start) as f64;
                    let equal = (tie_end - tie) as f64;
                    let rank = (100.0 * (below + 0.5 * equal) / n) as f32;
                    for o in &order[tie..tie_end] {
                        out[o.2 - base] = Some(rank);
                    }
                    tie = tie_end;
                }
                start = end;
            }
        }
    }

    /// The rank of one city's value within its group for an indicator and year, out of the group's ranks.
    pub fn rank_of(
        &self,
        ranks: &[Option<f32>],
        city: &CityId,
        indicator: &IndicatorId,
        year: i32,
    ) -> Option<f64> {
        let c = self.city_number(city)?;
        let range = self.slice(indicator, year);
        let at = self.city[range.clone()].binary_search(&c).ok()?;
        ranks[range.start + at].map(f64::from)
    }

    /// The median of the values of the cities for which `member` holds, for an indicator and year; `None` when
    /// fewer than `min_group` cities have one.
    pub fn median(
        &self,
        indicator: &IndicatorId,
        year: i32,
        member: impl Fn(&CityId) -> bool,
        min_group: usize,
    ) -> Option<f64> {
        let mut values: Vec<f64> = self
            .values(indicator, year)
            .filter(|(c, _)| member(c))
            .map(|(_, v)| v)
            .collect();
        if values.len() < min_group {
            return None;
        }
        median(&mut values)
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(id: &str) -> CityId {
        CityId::parse(id).expect("id")
    }

    fn pm25() -> IndicatorId {
        IndicatorId::parse("iso37120-2014:8.1").expect("id")
    }

    fn internet() -> IndicatorId {
        IndicatorId::parse("u4ssc:EC:ICT:ICT:1C").expect("id")
    }

    #[test]
    fn percentile_ranks_respect_direction_groups_and_ties() {
        let panel = Panel::build([
            (city("a"), pm25(), 2019, 10.0),
            (city("b"), pm25(), 2019, 20.0),
            (city("c"), pm25(), 2019, 20.0),
            (city("d"), pm25(), 2019, 40.0),
            (city("e"), pm25(), 2019, 5.0),
            (city("a"), internet(), 2019, 90.0),
            (city("b"), internet(), 2019, 60.0),
            // A second value for the same city, indicator and year: the first one counts.
            (city("b"), internet(), 2019, 99.0),
        ]);
        assert_eq!(panel.len(), 7);
        // Cities a–d form group 0; e is in group 1 alone.
        let group: Vec<u32> = panel
            .cities()
            .iter()
            .map(|c| if c.as_str() == "e" { 1 } else { 0 })
            .collect();
        let direction: Vec<Option<Direction>> = panel
            .indicators()
            .iter()
            .map(|i| (i == &pm25()).then_some(Direction::LowerIsBetter))
            .collect();
        let ranks = panel.percentile_ranks(&group, &direction, 1);
        let rank = |c: &str, i: &IndicatorId| panel.rank_of(&ranks, &city(c), i, 2019);
        // PM2.5 in group 0: 10 < 20 = 20 < 40, lower is better. a beats 3 of 4: (3 + ½)/4 = 87.5.
        assert_eq!(rank("a", &pm25()), Some(87.5));
        // b and c tie: 1 below them (d), 2 equal: (1 + 1)/4 = 50.
        assert_eq!(rank("b", &pm25()), Some(50.0));
        assert_eq!(rank("c", &pm25()), Some(50.0));
        assert_eq!(rank("d", &pm25()), Some(12.5));
        assert_eq!(
            rank("e", &pm25()),
            Some(50.0),
            "alone in its group, when groups of one are asked for"
        );
        let honest = panel.percentile_ranks(&group, &direction, 3);
        assert_eq!(
            panel.rank_of(&honest, &city("e"), &pm25(), 2019),
            None,
            "a group of one is not ranked"
        );
        assert_eq!(
            panel.rank_of(&honest, &city("a"), &internet(), 2019),
            None,
            "nor is one of two"
        );
        assert_eq!(
            panel.rank_of(&honest, &city("a"), &pm25(), 2019),
            Some(87.5)
        );
        // Internet access, no direction given: higher ranks higher. b's first value (60) counts.
        assert_eq!(rank("a", &internet()), Some(75.0));
        assert_eq!(rank("b", &internet()), Some(25.0));
        assert_eq!(panel.value(&city("b"), &internet(), 2019), Some(60.0));
    }

    #[test]
    fn medians_series_and_cities_outside_any_group() {
        let panel = Panel::build([
            (city("a"), pm25(), 2018, 30.0),
            (city("a"), pm25(), 2019, 10.0),
            (city("b"), pm25(), 2019, 20.0),
            (city("c"), pm25(), 2019, 40.0),
            (city("d"), pm25(), 2019, 50.0),
        ]);
        assert_eq!(panel.median(&pm25(), 2019, |_| true, 1), Some(30.0));
        assert_eq!(
            panel.median(&pm25(), 2019, |c| c.as_str() != "d", 1),
            Some(20.0)
        );
        assert_eq!(panel.median(&pm25(), 2017, |_| true, 1), None);
        assert_eq!(
            panel.median(&pm25(), 2019, |c| c.as_str() == "a", 3),
            None,
            "no median of a group of one"
        );
        assert_eq!(
            panel.series(&city("a"), &pm25()),
            [(2018, 30.0), (2019, 10.0)]
        );
        let ranks = panel.percentile_ranks(&[NO_GROUP, 0, 0, 0], &[None], 1);
        assert_eq!(panel.rank_of(&ranks, &city("a"), &pm25(), 2019), None);
        let b = panel
            .rank_of(&ranks, &city("b"), &pm25(), 2019)
            .expect("ranked");
        assert!((b - 100.0 / 6.0).abs() < 1e-5, "{b}");
    }
}
