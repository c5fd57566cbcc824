//! Pages of a Dashboard listing: checking a page body, recognising a page
//! fetched before by its bytes ([`PageMark`]), and decoding the events of
//! every page ([`EventPages`]).

use serde_json::value::RawValue;
use serde_json::Value;

use super::decode;
use super::error;
use super::{Snapshot, SourceError, EVENTS_PATH, MAX_PAGES};

/// One page of a listing: its items as JSON text, and the next page number.
#[derive(Debug)]
pub(super) struct Page {
    pub(super) items: Vec<Box<RawValue>>,
    pub(super) next_page: Option<u64>,
}

/// What identifies a fetched page: the SHA-256 of its bytes, and the
/// `nextPage` they hold. A later fetch of the same bytes needs no parsing to
/// know where the listing goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMark {
    pub(super) digest: [u8; 32],
    pub(super) next_page: Option<u64>,
}

/// Every page of the events listing as fetched, decoded on demand
/// ([`EventPages::decode`]). Two fetches with equal [`EventPages::marks`]
/// returned the same bytes, so they decode to the same snapshot.
#[derive(Debug)]
pub struct EventPages {
    pub(super) pages: Vec<Fetched>,
    pub(super) marks: Vec<PageMark>,
}

#[derive(Debug)]
pub(super) enum Fetched {
    Parsed(Page),
    /// Bytes equal to a page fetched before, left unparsed until decoded.
    Known(bytes::Bytes),
}

impl EventPages {
    /// The pages' marks, in order.
    pub fn marks(&self) -> &[PageMark] {
        &self.marks
    }

    /// How many pages had the bytes of the known page at their place, and so
    /// were not parsed while fetching.
    pub fn recognised(&self) -> usize {
        self.pages
            .iter()
            .filter(|p| matches!(p, Fetched::Known(_)))
            .count()
    }

    /// Decode every event, page by page, letting each page go once decoded.
    pub fn decode(self) -> Result<Snapshot, SourceError> {
        let mut decoder = decode::Decoder::events();
        for fetched in self.pages {
            let page = match fetched {
                Fetched::Parsed(page) => page,
                Fetched::Known(body) => parse_page(EVENTS_PATH, "application/json", &body)?,
            };
            for item in &page.items {
                decoder.push_raw(item);
            }
        }
        Ok(decoder.into_snapshot())
    }
}

/// The page after `page`, refusing a listing that loops back.
pub(super) fn next_of(
    path: &str,
    page: u64,
    next: Option<u64>,
) -> Result<Option<u64>, SourceError> {
    match next {
        None => Ok(None),
        Some(next) if next > page => Ok(Some(next)),
        Some(next) => Err(SourceError::Decode(format!(
            "{path} page {page} points back to page {next} as the next page"
        ))),
    }
}

pub(super) fn too_many_pages(path: &str) -> SourceError {
    SourceError::Decode(format!("{path} has more than {MAX_PAGES} pages"))
}

/// Decodes one page of the event listing exactly as the client does — the
/// page's shape first, then each item on its own — for fuzzing and tests.
/// Returns the snapshot of this page and its `nextPage`.
pub fn decode_event_page(body: &[u8]) -> Result<(Snapshot, Option<u64>), SourceError> {
    let page = parse_page(EVENTS_PATH, "application/json", body)?;
    let mut decoder = decode::Decoder::events();
    for item in &page.items {
        decoder.push_raw(item);
    }
    Ok((decoder.into_snapshot(), page.next_page))
}

/// Check a page body: a JSON object with an `items` list and a `nextPage`
/// that is a page number or null. The items stay JSON text, decoded one by
/// one later.
pub(super) fn parse_page(path: &str, content_type: &str, body: &[u8]) -> Result<Page, SourceError> {
    #[derive(serde::Deserialize)]
    struct Shape {
        #[serde(default)]
        items: Option<Vec<Box<RawValue>>>,
        #[serde(default, rename = "nextPage")]
        next_page: Option<u64>,
    }
    // The derived parser would also take a list for the object: only an
    // object goes the fast way.
    let object = body.trim_ascii_start().first() == Some(&b'{');
    match serde_json::from_slice::<Shape>(body) {
        Ok(Shape {
            items: Some(items),
            next_page,
        }) if object => Ok(Page { items, next_page }),
        // Anything unusual takes the slow path, which names what is wrong.
        _ => parse_page_value(path, content_type, body),
    }
}

fn parse_page_value(path: &str, content_type: &str, body: &[u8]) -> Result<Page, SourceError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        let text = String::from_utf8_lossy(body);
        let start = if text.trim().is_empty() {
            "an empty body".to_owned()
        } else {
            format!("a body starting \"{}\"", error::excerpt(&text))
        };
        SourceError::Decode(format!(
            "{path} returned something that is not JSON ({content_type}, {start}); check \
             dashboard.url points at the Dashboard API"
        ))
    })?;
    let items = match value.get("items") {
        Some(Value::Array(items)) => items
            .iter()
            .map(serde_json::value::to_raw_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SourceError::Decode(format!("{path} returned unreadable items: {e}")))?,
        Some(_) => {
            return Err(SourceError::Decode(format!(
                "{path} returned \"items\" that is not a list"
            )))
        }
        None => {
            return Err(SourceError::Decode(format!(
                "{path} returned JSON without an \"items\" list"
            )))
        }
    };
    let next_page = match value.get("nextPage") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            SourceError::Decode(format!(
                "{path} returned a \"nextPage\" that is not a page number: {v}"
            ))
        })?),
    };
    Ok(Page { items, next_page })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_checked() {
        type Want = Result<(usize, Option<u64>), &'static str>;
        let cases: &[(&str, Want)] = &[
            (r#"{"items":[{},{}],"nextPage":2}"#, Ok((2, Some(2)))),
            (r#"{"items":[],"nextPage":null}"#, Ok((0, None))),
            (r#"{"items":[1]}"#, Ok((1, None))),
            (r#"{"items":{}}"#, Err("\"items\" that is not a list")),
            (r#"{"data":[]}"#, Err("without an \"items\" list")),
            (
                r#"{"items":[],"nextPage":"2"}"#,
                Err("not a page number: \"2\""),
            ),
            (
                "<!DOCTYPE html><html><body>Sign in</body></html>",
                Err("not JSON (text/html, a body starting \"<!DOCTYPE html>"),
            ),
            ("", Err("an empty body")),
            // A list is not a page, even one shaped like the object's fields.
            (r#"[[{}],null]"#, Err("without an \"items\" list")),
            (" \n{\"items\":[{}]}", Ok((1, None))),
            // A repeated key: the last one counts, as in any JSON reader.
            (r#"{"items":[1],"items":[1,2]}"#, Ok((2, None))),
        ];
        for (body, want) in cases {
            let got = parse_page("/api/v1/x", "text/html", body.as_bytes())
                .map(|p| (p.items.len(), p.next_page));
            match (got, want) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{body}"),
                (Err(e), Err(fragment)) => {
                    assert!(e.to_string().contains(fragment), "{body}: {e}");
                    assert!(!e.is_retryable());
                }
                (got, _) => panic!("{body}: unexpected {:?}", got.map_err(|e| e.to_string())),
            }
        }
    }

    #[test]
    fn an_item_too_big_to_hold_is_rejected_with_its_id() {
        let body = r#"{"items":[{"id":"e1","companyId":"c","size":1e400}],"nextPage":null}"#;
        let (snapshot, next) = decode_event_page(body.as_bytes()).unwrap();
        assert_eq!(next, None);
        assert!(snapshot.events.is_empty());
        let rejected = &snapshot.rejected[0];
        assert_eq!(rejected.id.as_deref(), Some("e1"));
        assert!(rejected.reason.contains("cannot be read"), "{rejected}");
    }
}
