//! Pages of a Dashboard listing: checking a page body, recognising a page
//! fetched before by its bytes ([`PageMark`]), and reading the events one
//! page at a time ([`EventStream`]).

use std::collections::HashSet;

use serde_json::value::RawValue;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::decode::{self, RejectedItem};
use super::error;
use super::{Snapshot, SourceError, EVENTS_PATH, MAX_PAGES};
use crate::model::MonitoringEvent;

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

/// The events listing read one page at a time ([`EventStream::next_page`]):
/// only the page in hand is held, while the ids seen so far (for duplicates
/// and removals) and the unreadable items are kept across pages.
pub struct EventStream<'c> {
    pub(super) client: &'c super::DashboardClient,
    /// The next page to fetch; `None` once the last page was read.
    pub(super) page: Option<u64>,
    /// A page already fetched (by [`super::DashboardClient::check`]): its
    /// number, content type and bytes, used instead of fetching it again.
    pub(super) held: Option<(u64, String, bytes::Bytes)>,
    pub(super) decoder: decode::Decoder<MonitoringEvent>,
    pub(super) marks: Vec<PageMark>,
}

/// What [`super::DashboardClient::check`] found.
pub enum Listing<'c> {
    /// Every page has the bytes it had.
    Unchanged,
    /// Something differs: the listing to read.
    Changed(Box<EventStream<'c>>),
}

/// What reading the whole listing left besides its events.
#[derive(Debug, Default)]
pub struct StreamEnd {
    /// Each page's mark, in order (see [`super::DashboardClient::unchanged`]).
    pub marks: Vec<PageMark>,
    /// Every readable event id, each once.
    pub present: HashSet<String>,
    /// The items that could not be read.
    pub rejected: Vec<RejectedItem>,
}

impl EventStream<'_> {
    /// The next page's readable events (a duplicate of an earlier id, even
    /// on an earlier page, is rejected), or `None` after the last page.
    pub async fn next_page(&mut self) -> Result<Option<Vec<MonitoringEvent>>, SourceError> {
        let Some(page) = self.page else {
            return Ok(None);
        };
        if self.marks.len() as u64 >= MAX_PAGES {
            return Err(too_many_pages(EVENTS_PATH));
        }
        let (content_type, body) = match self.held.take_if(|(held, ..)| *held == page) {
            Some((_, content_type, body)) => (content_type, body),
            None => self.client.body_with_retries(EVENTS_PATH, page).await?,
        };
        let digest: [u8; 32] = Sha256::digest(&body).into();
        let parsed = parse_page(EVENTS_PATH, &content_type, &body)?;
        drop(body);
        self.marks.push(PageMark {
            digest,
            next_page: parsed.next_page,
        });
        self.page = next_of(EVENTS_PATH, page, parsed.next_page)?;
        for item in &parsed.items {
            self.decoder.push_raw(item);
        }
        Ok(Some(self.decoder.take_items()))
    }

    /// Ends the read: the marks, the ids seen and the unreadable items.
    /// Complete only when [`EventStream::next_page`] returned `None`.
    pub fn finish(self) -> StreamEnd {
        let (present, rejected) = self.decoder.into_parts();
        StreamEnd {
            marks: self.marks,
            present,
            rejected,
        }
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
