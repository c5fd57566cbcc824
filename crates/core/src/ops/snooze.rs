//! Snoozes (maintenance windows) as a person manages them: add one until a
//! time, list them, end one early. The planner's side is in
//! `engine/plan/snooze.rs`; the table in `store/snoozes.rs`.

use chrono::{DateTime, Duration, Local, NaiveDateTime, TimeZone, Utc};

use crate::engine::{db, Engine};
use crate::store::snoozes::{self, time_text, Snooze, SnoozeScope};
use crate::Error;

/// The forms `--until` accepts, for error messages.
pub const UNTIL_FORMS: &str = "an RFC 3339 time (2026-12-07T06:00:00Z), a local time \
     (2026-12-07 06:00) or a duration from now (90m, 2h, 1d)";

/// The end of a snooze typed as `text`, relative to `now`: an RFC 3339
/// time, a local `YYYY-MM-DD HH:MM`, or a duration (`90m`, `2h`, `1d`).
/// A time not after `now` is refused.
pub fn parse_until(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, Error> {
    let text = text.trim();
    let at = parse_time(text, now).ok_or_else(|| {
        Error::Invalid(format!(
            "cannot read the snooze end \"{text}\"; use {UNTIL_FORMS}"
        ))
    })?;
    if at <= now {
        return Err(Error::Invalid(format!(
            "the snooze end {} is not in the future; use {UNTIL_FORMS}",
            time_text(at)
        )));
    }
    Ok(at)
}

fn parse_time(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(local) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        // In a DST gap there is no such local time; in an overlap, the earlier.
        return Local
            .from_local_datetime(&local)
            .earliest()
            .map(|at| at.with_timezone(&Utc));
    }
    let unit = text.chars().last()?;
    let count: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let length = match unit {
        'm' => Duration::try_minutes(count)?,
        'h' => Duration::try_hours(count)?,
        'd' => Duration::try_days(count)?,
        _ => return None,
    };
    now.checked_add_signed(length)
}

/// Adds a snooze of `scope` = `value` until `until` (see [`parse_until`]).
pub async fn add_snooze(
    engine: &Engine,
    scope: SnoozeScope,
    value: &str,
    until: &str,
    reason: &str,
) -> Result<Snooze, Error> {
    let value = value.trim().to_owned();
    if value.is_empty() {
        return Err(Error::Invalid(format!(
            "a snooze needs the {} it covers; it is empty",
            scope.as_str()
        )));
    }
    let now = Utc::now();
    let until = time_text(parse_until(until, now)?);
    let (reason, now) = (reason.trim().to_owned(), time_text(now));
    let snooze = db(engine.store(), move |c| {
        snoozes::add(c, scope, &value, &until, &reason, &now)
    })
    .await?;
    tracing::info!(id = snooze.id, scope = scope.as_str(), until = %snooze.until, "snooze added");
    Ok(snooze)
}

/// The kept snoozes, active ones first, with the time they were read at.
pub async fn list_snoozes(engine: &Engine) -> Result<(Vec<Snooze>, String), Error> {
    let now = time_text(Utc::now());
    let at = now.clone();
    let list = db(engine.store(), move |c| snoozes::list(c, &at)).await?;
    Ok((list, now))
}

/// Ends snooze `id` now; the end notes follow on the next cycle.
pub async fn remove_snooze(engine: &Engine, id: i64) -> Result<Snooze, Error> {
    let now = time_text(Utc::now());
    let removed = db(engine.store(), move |c| snoozes::remove(c, id, &now)).await?;
    removed.ok_or_else(|| {
        Error::Invalid(format!(
            "no snooze has the id {id}; `backup-bridge snooze list` shows them with their ids"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn until_takes_rfc3339_local_times_and_durations() {
        let at = |t: &str| time_text(parse_until(t, now()).unwrap());
        assert_eq!(at("2026-12-07T06:00:00Z"), "2026-12-07T06:00:00Z");
        assert_eq!(at("2026-12-07T07:00:00+01:00"), "2026-12-07T06:00:00Z");
        assert_eq!(at("90m"), "2026-12-06T13:30:00Z");
        assert_eq!(at("2h"), "2026-12-06T14:00:00Z");
        assert_eq!(at("1d"), "2026-12-07T12:00:00Z");
        let local = Local
            .from_local_datetime(
                &NaiveDateTime::parse_from_str("2027-01-02 06:00", "%Y-%m-%d %H:%M").unwrap(),
            )
            .earliest()
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(at("2027-01-02 06:00"), time_text(local));
    }

    #[test]
    fn past_or_unreadable_ends_are_refused_with_the_forms() {
        for text in [
            "2026-12-06T11:00:00Z",
            "0m",
            "tomorrow",
            "2x",
            "",
            "-5m",
            "12",
        ] {
            let err = parse_until(text, now()).unwrap_err();
            assert!(matches!(err, Error::Invalid(_)), "{text}");
            assert!(err.to_string().contains("90m, 2h, 1d"), "{text}: {err}");
        }
    }
}
