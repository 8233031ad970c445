//! The validation error shared by every parser in the domain: it names the field that was wrong and why.
//!
//! Why is a [`Reason`]: a message id from one catalogue ([`REASONS`]) with its arguments. Its English text is
//! written here and is what the API, the CLI and the logs say; the interface looks the id up as
//! `invalid-<id>` in the reader's language and falls back to the English.

use std::fmt;

/// A value that could not be accepted, with the field it came from and a reason a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// The name of the field or parameter, as the user wrote it (`country`, `cursor`, `lang`).
    pub field: String,
    /// Why the value was refused.
    pub reason: Reason,
}

impl ValidationError {
    /// Builds an error for `field` with `reason`.
    pub fn new(field: impl Into<String>, reason: Reason) -> Self {
        Self {
            field: field.into(),
            reason,
        }
    }

    /// The same reason, about `field` (a value parsed for one field and given in another).
    #[must_use]
    pub fn at(self, field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: self.reason,
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// Why a value was refused: one message of [`REASONS`] and the values it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    id: &'static str,
    english: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Reason {
    /// The message id (`too_long`); the interface's message is `invalid-too-long`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The values the message names, by the names its text uses.
    pub fn args(&self) -> &[(&'static str, String)] {
        &self.args
    }

    /// The same reason with each value cut to `max` characters (values may quote what a file holds).
    #[must_use]
    pub fn shortened(mut self, max: usize) -> Self {
        for (_, value) in &mut self.args {
            *value = crate::text::shorten(value, max);
        }
        self
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.english;
        while let Some(open) = rest.find('{') {
            f.write_str(&rest[..open])?;
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            match self.args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => f.write_str(value)?,
                None => f.write_str(&rest[open..=open + close])?,
            }
            rest = &rest[open + close + 1..];
        }
        f.write_str(rest)
    }
}

macro_rules! reasons {
    ($( $(#[$doc:meta])* $name:ident ( $($arg:ident),* ) = $english:literal; )*) => {
        impl Reason {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $name($($arg: impl fmt::Display),*) -> Self {
                    Self {
                        id: stringify!($name),
                        english: $english,
                        args: vec![$((stringify!($arg), $arg.to_string())),*],
                    }
                }
            )*
        }

        /// Every reason: its id, the names of its values, and its English text.
        pub const REASONS: &[(&str, &[&str], &str)] = &[
            $((stringify!($name), &[$(stringify!($arg)),*], $english)),*
        ];
    };
}

reasons! {
    // Presence, length and characters.
    /// Nothing was given where something must be.
    required() = "is required";
    /// Only white space was given.
    empty() = "must not be empty";
    /// Longer than a limit.
    too_long(max) = "must be at most {max} characters";
    /// Longer than a limit, with the length given.
    too_long_was(chars, max) = "is {chars} characters long; at most {max} are accepted";
    /// Shorter than a limit.
    too_short(min) = "must be at least {min} characters";
    /// Outside a range of lengths.
    length_between(min, max) = "must be {min} to {max} characters long";
    /// A control character in free text.
    control_characters() = "contains control characters";
    /// A line break or tab in a one-line value.
    one_line() = "must be one line, without line breaks or tabs";
    /// A character that is not text (a noncharacter, a lone surrogate's stand-in).
    not_text(code) = "contains the character {code}, which is not text; remove it";
    /// A name made only of punctuation.
    needs_letters() = "must contain letters or digits";

    // Choices.
    /// A value outside a fixed set.
    not_one_of(value, accepted) = "'{value}' is not one of: {accepted}";
    /// A parameter that is not a filter.
    not_a_filter(accepted) = "is not a filter; the filters are: {accepted}";
    /// `true` or `false` expected.
    not_a_boolean(value) = "'{value}' is not true or false";
    /// A value given twice in a list.
    given_twice(value) = "{value} is given twice";
    /// Too many values for one parameter.
    too_many_values(max) = "takes at most {max} values";

    // Numbers.
    /// Not a whole number.
    not_a_whole_number(value) = "'{value}' is not a whole number";
    /// A whole number outside a range.
    whole_number_between(min, max) = "must be a whole number from {min} to {max}";
    /// A number outside a range.
    number_between(min, max) = "must be a number from {min} to {max}";
    /// Above a maximum.
    at_most(max) = "must be at most {max}";
    /// Below a minimum.
    at_least(min) = "must be at least {min}";
    /// A negative amount.
    negative() = "must be a number not below 0";
    /// Numbers expected.
    not_numbers() = "values must be numbers";
    /// Not an amount of dollars.
    not_usd(value) = "'{value}' is not an amount of US dollars";
    /// A minimum above its maximum.
    min_above_max(min, max) = "{min} is more than the maximum, {max}";
    /// A value below another field's.
    below(other) = "is below {other}";
    /// Another currency than a paired amount's.
    other_currency(other) = "must be the currency of {other}";
    /// Not a currency code.
    not_a_currency(value) = "'{value}' is not an ISO 4217 currency code (USD, CNY, THB)";

    // Dates and times.
    /// Not a date.
    not_a_date(value) = "'{value}' is not a date (YYYY-MM-DD)";
    /// Not a date or a month.
    not_a_date_or_month(value) = "'{value}' is not a date (YYYY-MM-DD) or a month (YYYY-MM)";
    /// Not a local date and time.
    not_a_local_time(value) = "'{value}' is not a local date and time (YYYY-MM-DDTHH:MM)";
    /// Not a time zone.
    not_a_time_zone(value) = "'{value}' is not an IANA time zone (e.g. Asia/Bangkok)";
    /// Not a year.
    not_a_year(value) = "'{value}' is not a year such as 2026";
    /// A year outside the range Mitra keeps.
    year_between(value, min, max) = "{value} is not a year between {min} and {max}";
    /// A date or year before another field's.
    before(other) = "is before {other}";
    /// A date in the future where only the past makes sense.
    in_future(value) = "{value} is in the future";

    // Addresses and ids.
    /// Not a web address.
    not_a_web_address(value) = "'{value}' is not an http(s) address";
    /// Not an https address.
    not_https(value) = "'{value}' is not an https:// address";
    /// Not an e-mail address.
    not_an_email() = "is not an e-mail address (name@example.org)";
    /// Not a city id.
    not_a_city_id(value) = "'{value}' is not a city id (lower-case letters, digits and dashes, e.g. kuala-lumpur)";
    /// Not a standard id.
    not_a_standard_id(value) = "'{value}' is not a standard id (e.g. iso37120-2014, u4ssc, gbt33356-2016)";
    /// Not an indicator code.
    not_an_indicator_code(value) = "'{value}' is not an indicator code (letters, digits and . : - _)";
    /// Not an indicator id.
    not_an_indicator_id(value) = "'{value}' is not an indicator id (<standard>:<code>, e.g. iso37120-2014:8.1)";
    /// Not a country code.
    not_a_country(value) = "'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. TH, VN, CN)";
    /// Not an entry id.
    not_an_entry_id(value) = "'{value}' is not an entry id (lower-case letters, digits and dashes)";
    /// Not a tag.
    not_a_tag(value) = "'{value}' is not a tag (lower-case letters, digits, -)";
    /// Not any other kind of id.
    not_an_id(value) = "'{value}' is not an id Mitra gave";
    /// Not a Sustainable Development Goal.
    not_an_sdg(value) = "{value} is not a Sustainable Development Goal (1 to 17)";
    /// Not a cursor of this API.
    not_a_cursor() = "is not a cursor returned by this API; start again without it";
    /// A query string that does not parse.
    not_a_query_string(error) = "is not a valid query string: {error}";
    /// An id in a body that differs from the address's.
    id_mismatch(value, expected) = "is {value}, but the entry written is {expected}";

    // Accounts.
    /// One of the passwords tried first.
    common_password() = "is one of the most common passwords; choose another";
    /// A password that is the e-mail address.
    password_is_email() = "must not be your e-mail address";
    /// A city government without its city.
    city_required() = "a city government must name its city";
    /// A city government whose city lies in another country.
    wrong_country(city, country, expected) = "{city} is in {country}, not in {expected}: a city government's city lies in its country";
    /// An organisation name taken.
    org_exists(id) = "an organisation with the id '{id}' exists already; choose a more specific name";
    /// A refusal without its reason.
    reason_required(max) = "say why, in 1 to {max} characters; the people concerned read it";
    /// A rejection without a reason, where no length is set.
    rejection_needs_reason() = "a rejection needs a reason the submitter can act on";
    /// Enrolment by an operator.
    operator_cannot_enrol() = "enrolment is for accounts; an operator has none";

    // Things Mitra must know.
    /// A city Mitra does not have.
    unknown_city(value) = "'{value}' is not a city Mitra knows";
    /// An indicator Mitra does not have.
    unknown_indicator(value) = "'{value}' is not an indicator Mitra knows";
    /// An entry Mitra does not have.
    unknown_entry(value) = "there is no entry '{value}'";
    /// A standard without a conformity scheme.
    no_scheme(standard, known) = "Mitra has no conformity scheme for '{standard}' (schemes exist for {known})";

    // Entries.
    /// An entry without a title and summary.
    texts_required() = "at least one language's title and summary are required";
    /// Not exactly one original text.
    one_original(count) = "exactly one text must be the original; {count} are marked original";
    /// An entry of a kind that takes no interest.
    no_interest(kind) = "interest can be expressed only in projects, solutions and funding calls, not in a {kind}";
    /// Interest in one's own opportunity.
    own_opportunity() = "publishes this opportunity: interest comes from another organisation";
    /// Enrolment after the end.
    training_ended() = "the training has ended";
    /// An event expected.
    not_an_event(value) = "'{value}' is not an event";

    // Partnerships.
    /// A partnership of a city with itself.
    self_partnership() = "a city cannot propose a partnership to itself";
    /// A last day before the first.
    before_first_day(end, start) = "{end} is before the first day, {start}";
    /// A city outside a partnership.
    not_a_party(value) = "'{value}' is not one of the partnership's two cities";
    /// An actor for several cities who did not say which.
    which_city() = "you act for several cities: say which one proposes";

    // Standards.
    /// A crosswalk from an indicator to itself.
    self_relation() = "an indicator cannot relate to itself";
    /// A crosswalk within one standard.
    same_standard() = "the crosswalk relates indicators of different standards";
    /// A crosswalk without its basis.
    source_required() = "say what the relation rests on (a publication, or who derived it)";

    // Files.
    /// A file name that cannot be kept.
    bad_file_name(max) = "a file name of 1 to {max} characters, without / \\ \" or control characters, is required";
    /// Not a SHA-256 digest.
    not_a_digest(value) = "'{value}' is not a file's SHA-256 (64 hex digits)";
    /// An empty file.
    file_empty() = "the file is empty";
    /// A file over the limit.
    file_too_large(size, max) = "the file has {size} bytes; at most {max} are accepted";
    /// A file of a kind not kept.
    file_kind(name) = "{name} is not one of the accepted kinds of file: PDF, PNG, JPEG, WebP, CSV or text in UTF-8, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx)";
    /// Attachments on an instance without a data directory.
    no_file_store() = "this instance keeps no files: it runs without a data directory";
    /// Too many attachments.
    too_many_files(max) = "the entry already shows {max} files; remove one first";

    // Conflicts: the request was valid, but the state it met does not allow it.
    /// An opportunity without an organisation to contact.
    no_publisher() = "this opportunity was published with the platform and has no organisation to contact";
    /// A second thread about one opportunity.
    thread_exists(org) = "{org} already has a thread about this opportunity going; write in it instead";
    /// A conversation that cannot move that way.
    settled(status) = "the conversation is {status} and cannot move that way";
    /// An enrolment withdrawn while it was being read.
    enrolment_withdrawn() = "the enrolment was withdrawn meanwhile";
    /// An entry id taken.
    entry_exists(id) = "an entry with the id {id} exists; choose another id";
    /// A second partnership of two cities.
    partnership_exists(proposer, invited) = "{proposer} and {invited} already have a partnership going: open it to write, sign or log an activity";
    /// An agreement asked of a partnership not signed.
    not_signed(status) = "a {status} partnership has no signed agreement yet: record the signing first";
    /// An outcome for a partnership that takes none.
    no_outcomes(status) = "a {status} partnership takes no new outcomes";
    /// A move a partnership's status does not allow.
    cannot_now(status, action) = "a {status} partnership cannot {action}";
    /// A partnership changed by a concurrent move.
    partnership_changed() = "the partnership changed while you were acting on it: reload and try again";
    /// A record changed by someone else.
    changed_meanwhile(what) = "{what} was changed by someone else meanwhile; reload it and try again";
    /// A database constraint that refused the write.
    constraint(kind, name) = "{kind} constraint {name}";
    /// An account's address taken.
    account_exists(email) = "an account with the address {email} exists already";
    /// A file attached twice.
    already_attached(name) = "this file is already attached, as {name}";

    // Form fields of the interface.
    /// Not a number.
    not_a_number(value) = "'{value}' is not a number";
    /// A currency left out of an amount.
    currency_required() = "is required with an amount";
    /// An entry without an id whose title gives none.
    id_required() = "is required when the title gives no id; use lower-case letters, digits and -";

    // Import files, row by row.
    /// A file that is not UTF-8.
    not_utf8(offset) = "is not UTF-8 (first bad byte at offset {offset}); save it as UTF-8 and try again";
    /// A file or row the CSV or JSON reader could not read.
    unreadable(error) = "cannot be read: {error}";
    /// A header without a required column.
    missing_columns(columns) = "missing column(s): {columns}";
    /// A column (or JSON field) that is not read.
    not_a_column(column, known) = "'{column}' is not a column Mitra reads (columns: {known})";
    /// A JSON file of another shape.
    not_json_rows(error) = "is not a JSON array of objects: {error}";
    /// A JSON value of another shape.
    not_a_json_object() = "must be a JSON object of the kind's fields";
    /// A file without a row.
    no_rows() = "holds no entry";
    /// A JSON file of no element.
    empty_array() = "is an empty array";
    /// A template returned without a value.
    template_unfilled() = "has no row with a year and a value; fill in the rows of the indicators you have values for";
    /// An entry id another organisation publishes.
    published_by_other(id) = "{id} is published by another organisation; choose another id";
    /// Observations for a city the submitter does not edit.
    not_your_city(city) = "you may not submit observations for '{city}': only editors of its approved city government organisation may";
    /// A CSV file of a header alone.
    no_data_rows() = "has a header but no rows";
    /// A value that is not finite.
    not_finite() = "is not a finite number";
    /// A percentage out of range.
    not_a_percentage(value) = "{value} is not a percentage from 0 to 100";
    /// A yes/no value other than 0 or 1.
    not_yes_no(value) = "{value} is not 1 (yes) or 0 (no), which a yes/no indicator takes";
    /// A negative amount, rate, count or duration.
    negative_in(value, unit) = "{value} is negative, which a value in {unit} cannot be";
    /// A unit Mitra does not know.
    unknown_unit(value) = "'{value}' is not a unit Mitra knows";
    /// A unit Mitra does not know, for an indicator with one.
    unknown_unit_for(value, unit) = "'{value}' is not a unit Mitra knows; this indicator is measured in {unit}";
    /// A unit that does not convert to the indicator's.
    unit_mismatch(value, unit) = "'{value}' cannot be converted to the indicator's unit '{unit}'";
    /// A city name several cities have.
    ambiguous_city(value, count, ids) = "'{value}' names {count} cities ({ids}); use the city id";
    /// A city neither id nor name.
    unknown_city_name(value) = "'{value}' is not a city id, or a city name (English, Chinese or local) Mitra knows";
    /// An indicator Mitra does not know, in an import.
    unknown_indicator_id(value) = "'{value}' is not an indicator id Mitra knows (write <standard>:<code>, as iso37120-2014:8.1)";
    /// A row that repeats an earlier one.
    repeats_line(line) = "repeats line {line} (same city, indicator, year and source)";
    /// An id given twice in one file.
    already_line(value, line) = "{value} is already the entry of line {line}";
    /// A value only an entry's first row takes.
    first_row_only(id, line) = "give it on the first row of {id} (line {line}) only";
    /// A value another one needs.
    required_with(other) = "is required with {other}";
    /// A kind missing on an entry's first row.
    kind_first_row() = "is required on an entry's first row";

    // Conformity assessment.
    /// Data older than the scheme accepts.
    old_data(year, age, max) = "the data is for {year}, {age} years ago; the scheme flags data older than {max} years";
    /// A value without its source.
    no_source() = "no source is named";
    /// A value far from its peers'.
    outlier(value, peers, year) = "{value} lies far outside the values of {peers} peer cities for {year}";

    // Analytics.
    /// Values that do not make a table.
    features_shape(values, rows, features) = "{values} values do not make {rows} rows of {features} features";
    /// An infinite value.
    infinite_feature(feature, row) = "the value of feature {feature} of {row} is infinite";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_names_its_values_in_english() {
        let reason = Reason::too_long_was(12, 10);
        assert_eq!(
            reason.to_string(),
            "is 12 characters long; at most 10 are accepted"
        );
        assert_eq!(reason.id(), "too_long_was");
        assert_eq!(
            reason.args(),
            &[("chars", "12".to_owned()), ("max", "10".to_owned())]
        );
        // A brace in a value is not read as a placeholder.
        assert_eq!(
            Reason::not_a_date("{max}").to_string(),
            "'{max}' is not a date (YYYY-MM-DD)"
        );
    }

    #[test]
    fn every_reason_uses_each_of_its_values_once() {
        let mut ids = std::collections::BTreeSet::new();
        for (id, args, english) in REASONS {
            assert!(ids.insert(id), "{id} is defined twice");
            for arg in *args {
                assert_eq!(
                    english.matches(&format!("{{{arg}}}")).count(),
                    1,
                    "{id}: {{{arg}}}"
                );
            }
            assert_eq!(
                english.matches('{').count(),
                args.len(),
                "{id}: a placeholder without a value"
            );
        }
    }
}
