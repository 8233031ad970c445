//! A whole import's observations in compact form, so that a file of millions of rows can be held, sorted and
//! written at once: each distinct city, indicator and text (source, unit, note) is kept once, and a row refers to
//! them by number. A row takes 48 bytes however long its strings are.

use std::collections::HashMap;

use crate::observation::NewObservation;
use crate::{CityId, IndicatorId};

/// No text: the row's optional field is empty.
const NONE: u32 = u32::MAX;

/// One observation of a batch; its strings are numbers into the batch's tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchRow {
    city: u32,
    indicator: u32,
    year: i32,
    source: u32,
    unit: u32,
    original_unit: u32,
    note: u32,
    value: f64,
    // NaN when the value was not converted.
    original_value: f64,
}

impl BatchRow {
    /// A row of numbers the batch gave out: city, indicator, source, and the texts of the stored unit, of the
    /// submitted value's unit when it was converted, and of the note.
    #[expect(clippy::too_many_arguments, reason = "one number per field of the row")]
    pub fn new(
        city: u32,
        indicator: u32,
        year: i32,
        source: u32,
        value: f64,
        unit: Option<u32>,
        original: Option<(f64, u32)>,
        note: Option<u32>,
    ) -> Self {
        BatchRow {
            city,
            indicator,
            year,
            source,
            unit: unit.unwrap_or(NONE),
            original_unit: original.map_or(NONE, |(_, u)| u),
            note: note.unwrap_or(NONE),
            value,
            original_value: original.map_or(f64::NAN, |(v, _)| v),
        }
    }

    /// The city's number in [`ObservationBatch::cities`].
    pub fn city(&self) -> u32 {
        self.city
    }

    /// The indicator's number in [`ObservationBatch::indicators`].
    pub fn indicator(&self) -> u32 {
        self.indicator
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The source's number in [`ObservationBatch::texts`] (the empty text when none was named).
    pub fn source(&self) -> u32 {
        self.source
    }

    /// The value in the indicator's unit.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The value as submitted, when it was converted.
    pub fn original_value(&self) -> Option<f64> {
        (!self.original_value.is_nan()).then_some(self.original_value)
    }
}

/// The observations of one import.
#[derive(Debug, Default)]
pub struct ObservationBatch {
    cities: Vec<CityId>,
    city_index: Index<CityId>,
    indicators: Vec<IndicatorId>,
    indicator_index: Index<IndicatorId>,
    texts: Vec<String>,
    text_index: Index<String>,
    rows: Vec<BatchRow>,
}

type Index<K> = HashMap<K, u32, foldhash::fast::RandomState>;

impl ObservationBatch {
    /// Adds an observation.
    pub fn push(&mut self, o: &NewObservation) {
        let city = self.city(o.city_id.clone());
        let indicator = self.indicator(o.indicator_id.clone());
        let source = self.text(&o.source);
        let unit = o.unit.as_deref().map(|t| self.text(t));
        let original = o
            .original_value
            .zip(o.original_unit.as_deref())
            .map(|(v, u)| (v, self.text(u)));
        let note = o.note.as_deref().map(|t| self.text(t));
        self.push_row(BatchRow::new(
            city, indicator, o.year, source, o.value, unit, original, note,
        ));
    }

    /// Adds a row whose numbers this batch gave out.
    pub fn push_row(&mut self, row: BatchRow) {
        self.rows.push(row);
    }

    /// The number of a city, given out on first sight.
    pub fn city(&mut self, id: CityId) -> u32 {
        crate::panel::number(&mut self.cities, &mut self.city_index, &id)
    }

    /// The number of an indicator, given out on first sight.
    pub fn indicator(&mut self, id: IndicatorId) -> u32 {
        crate::panel::number(&mut self.indicators, &mut self.indicator_index, &id)
    }

    /// The number of a text (source, unit or note), given out on first sight.
    pub fn text(&mut self, text: &str) -> u32 {
        if let Some(&n) = self.text_index.get(text) {
            return n;
        }
        let n = u32::try_from(self.texts.len()).unwrap_or(NONE - 1);
        self.texts.push(text.to_owned());
        self.text_index.insert(text.to_owned(), n);
        n
    }

    /// The rows, in the order they were added.
    pub fn rows(&self) -> &[BatchRow] {
        &self.rows
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The distinct cities, numbered as the rows refer to them.
    pub fn cities(&self) -> &[CityId] {
        &self.cities
    }

    /// The distinct indicators, numbered as the rows refer to them.
    pub fn indicators(&self) -> &[IndicatorId] {
        &self.indicators
    }

    /// The distinct texts, numbered as the rows refer to them.
    pub fn texts(&self) -> &[String] {
        &self.texts
    }

    /// The source of a row ('' when none was named).
    pub fn source(&self, row: &BatchRow) -> &str {
        &self.texts[row.source as usize]
    }

    /// The unit stored with a row's value.
    pub fn unit(&self, row: &BatchRow) -> Option<&str> {
        self.optional(row.unit)
    }

    /// The unit as submitted, when the value was converted.
    pub fn original_unit(&self, row: &BatchRow) -> Option<&str> {
        self.optional(row.original_unit)
    }

    /// The method note.
    pub fn note(&self, row: &BatchRow) -> Option<&str> {
        self.optional(row.note)
    }

    fn optional(&self, n: u32) -> Option<&str> {
        (n != NONE).then(|| self.texts[n as usize].as_str())
    }

    /// A row as an observation with its own strings.
    pub fn observation(&self, row: &BatchRow) -> NewObservation {
        NewObservation {
            city_id: self.cities[row.city as usize].clone(),
            indicator_id: self.indicators[row.indicator as usize].clone(),
            year: row.year,
            value: row.value,
            unit: self.unit(row).map(str::to_owned),
            original_value: row.original_value(),
            original_unit: self.original_unit(row).map(str::to_owned),
            source: self.source(row).to_owned(),
            note: self.note(row).map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observation(city: &str, indicator: &str, year: i32, source: &str) -> NewObservation {
        NewObservation {
            city_id: CityId::parse(city).unwrap(),
            indicator_id: IndicatorId::parse(indicator).unwrap(),
            year,
            value: 12.5,
            unit: Some("%".into()),
            original_value: None,
            original_unit: None,
            source: source.into(),
            note: None,
        }
    }

    #[test]
    fn rows_come_back_as_they_went_in_and_repeated_strings_are_kept_once() {
        let mut batch = ObservationBatch::default();
        let first = observation("bangkok", "iso37120-2014:5.1", 2019, "NSO");
        let mut second = observation("bangkok", "iso37120-2014:5.2", 2020, "NSO");
        second.original_value = Some(1250.0);
        second.original_unit = Some("per 100 000".into());
        second.note = Some("estimate".into());
        let third = observation("hanoi", "iso37120-2014:5.1", 2019, "");
        for o in [&first, &second, &third] {
            batch.push(o);
        }
        assert_eq!(batch.len(), 3);
        assert_eq!(batch.cities().len(), 2);
        assert_eq!(batch.indicators().len(), 2);
        // NSO, %, per 100 000, estimate and the empty source.
        assert_eq!(batch.texts().len(), 5);
        let back: Vec<NewObservation> = batch.rows().iter().map(|r| batch.observation(r)).collect();
        assert_eq!(back, vec![first, second, third]);
        assert_eq!(std::mem::size_of::<BatchRow>(), 48);
    }
}
