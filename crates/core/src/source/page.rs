//! Pages of a Dashboard listing: checking a page body, recognising a page
//! fetched before by its bytes ([`PageMark`]), and decoding the events one
//! page at a time from a listing fetched at one moment ([`EventStream`]).

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

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

impl PageMark {
    /// The mark of a whole listing held as `bytes` (a platform source's
    /// derived incidents), which has no next page.
    pub fn of_listing(bytes: &[u8]) -> PageMark {
        PageMark {
            digest: Sha256::digest(bytes).into(),
            next_page: None,
        }
    }
}

/// The events listing, decoded one page at a time ([`EventStream::next_page`]).
///
/// The first call fetches every page back to back and keeps their bytes in
/// a temporary file: the pages then show the Dashboard at one moment, however
/// long applying each page takes (pages are asked for by number, so a
/// listing read over minutes would skip or repeat events that moved between
/// pages). Only the page being decoded is held in memory, with the ids seen
/// so far (for duplicates and removals) and the unreadable items.
pub struct EventStream<'c> {
    pub(super) client: &'c super::DashboardClient,
    /// Where the fetched pages are kept until decoded.
    pub(super) spool_dir: PathBuf,
    /// A page already fetched (by [`super::DashboardClient::check`]): its
    /// number, content type and bytes, used instead of fetching it again.
    pub(super) held: Option<(u64, String, bytes::Bytes)>,
    /// The fetched pages, once fetched, read back in order.
    pub(super) spool: Option<BufReader<File>>,
    pub(super) decoder: decode::Decoder<MonitoringEvent>,
    pub(super) marks: Vec<PageMark>,
}

/// What reading the whole listing left besides its events.
#[derive(Debug, Default)]
pub struct StreamEnd {
    /// Each page's mark, in order (see [`super::DashboardClient::check`]).
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
        if self.spool.is_none() {
            self.fetch_all().await?;
        }
        let Some(spool) = self.spool.as_mut() else {
            return Ok(None);
        };
        let Some((content_type, body)) = read_page(spool).map_err(|e| spool_error(&e))? else {
            return Ok(None);
        };
        let page = parse_page(EVENTS_PATH, &content_type, &body)?;
        drop(body);
        for item in &page.items {
            self.decoder.push_raw(item);
        }
        Ok(Some(self.decoder.take_items()))
    }

    /// Fetches every page into the spool, checking each one's shape (a
    /// broken page fails the read before any page is used).
    async fn fetch_all(&mut self) -> Result<(), SourceError> {
        let mut file = tempfile::tempfile_in(&self.spool_dir).map_err(|e| spool_error(&e))?;
        let limit = self.client.options.max_listing_bytes;
        let mut spooled: u64 = 0;
        let mut page = 1;
        loop {
            if self.marks.len() as u64 >= MAX_PAGES {
                return Err(too_many_pages(EVENTS_PATH));
            }
            let (content_type, body) = match self.held.take_if(|(held, ..)| *held == page) {
                Some((_, content_type, body)) => (content_type, body),
                None => self.client.body_with_retries(EVENTS_PATH, page).await?,
            };
            spooled = spooled.saturating_add(body.len() as u64);
            if spooled > limit {
                return Err(too_large_listing(page, limit));
            }
            let digest: [u8; 32] = Sha256::digest(&body).into();
            let next_page = parse_page(EVENTS_PATH, &content_type, &body)?.next_page;
            self.marks.push(PageMark { digest, next_page });
            write_page(&mut file, &content_type, &body).map_err(|e| spool_error(&e))?;
            match next_of(EVENTS_PATH, page, next_page)? {
                Some(next) => page = next,
                None => break,
            }
        }
        file.seek(SeekFrom::Start(0)).map_err(|e| spool_error(&e))?;
        self.spool = Some(BufReader::new(file));
        Ok(())
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

/// One spooled page: its content type and body, each after its length.
fn write_page(file: &mut File, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    for part in [content_type.as_bytes(), body] {
        file.write_all(&(part.len() as u64).to_le_bytes())?;
        file.write_all(part)?;
    }
    Ok(())
}

/// The next spooled page, or `None` at the end.
fn read_page(spool: &mut BufReader<File>) -> std::io::Result<Option<(String, Vec<u8>)>> {
    if spool.fill_buf()?.is_empty() {
        return Ok(None);
    }
    let mut part = || -> std::io::Result<Vec<u8>> {
        let mut len = [0u8; 8];
        spool.read_exact(&mut len)?;
        let len = usize::try_from(u64::from_le_bytes(len))
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let mut bytes = vec![0u8; len];
        spool.read_exact(&mut bytes)?;
        Ok(bytes)
    };
    let content_type = String::from_utf8_lossy(&part()?).into_owned();
    Ok(Some((content_type, part()?)))
}

/// The whole listing passed `limit` bytes at `page`.
fn too_large_listing(page: u64, limit: u64) -> SourceError {
    SourceError::TooLarge(format!(
        "the Dashboard's event listing passed {} in total at page {page}, so BackupBridge \
         stopped reading it; check that dashboard.url points at the Dashboard API",
        crate::net::size_text(limit)
    ))
}

fn spool_error(e: &std::io::Error) -> SourceError {
    SourceError::Spool(e.to_string())
}

/// What [`super::DashboardClient::check`] found.
pub enum Listing<'c> {
    /// Every page has the bytes it had.
    Unchanged,
    /// Something differs: the listing to read.
    Changed(Box<EventStream<'c>>),
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
