//! Where a cycle's events come from: the Dashboard's listing, read page by
//! page ([`EventStream`]), or a platform's plans turned into incidents by
//! the deriver (design §8) — or VSPC's alarms, incidents already — held
//! whole and handed out in pages of the same size so the pass works the
//! same for all.
//!
//! The deriver's state is read from and written to SQLite here, under the
//! cycle's writer lock (rule 12); a dry run derives without writing.

use std::collections::{BTreeMap, HashSet};

use crate::model::MonitoringEvent;
use crate::source::derive::{self, KeyState};
use crate::source::vspc::alarms;
use crate::source::{EventStream, PageMark, Source, SourceError, StreamEnd};
use crate::store::incidents::{self, Changes};
use crate::store::Store;
use crate::Error;

use super::db;

/// A cycle's events, one page at a time.
pub(super) enum Pages<'d> {
    Stream(EventStream<'d>),
    Derived(DerivedListing),
}

impl Pages<'_> {
    /// The next page's events, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<MonitoringEvent>>, Error> {
        match self {
            Pages::Stream(stream) => Ok(stream.next_page().await?),
            Pages::Derived(listing) => Ok(listing.pages.next()),
        }
    }

    /// What reading the whole listing left besides its events.
    pub fn finish(self) -> StreamEnd {
        match self {
            Pages::Stream(stream) => stream.finish(),
            Pages::Derived(listing) => listing.end,
        }
    }
}

/// A platform's incidents, derived for this cycle.
pub(super) struct DerivedListing {
    pages: std::vec::IntoIter<Vec<MonitoringEvent>>,
    end: StreamEnd,
}

impl DerivedListing {
    /// The mark of the whole derived listing: the same incidents and the
    /// same unreadable items give the same mark (rule 10's in-step check).
    pub fn mark(&self) -> Option<&PageMark> {
        self.end.marks.first()
    }
}

/// What one look at a platform gave, whichever way it was read.
struct Read {
    derivation: derive::Derivation,
    /// Event ids listed besides the incidents (VSPC alarms not ticketed).
    present: Vec<String>,
    rejected: Vec<crate::source::RejectedItem>,
    cursor: Option<String>,
}

/// Observes the platform, derives its incidents from the stored state and,
/// unless `dry_run`, stores what changed. `page_size` events per page.
pub(super) async fn derive_listing(
    source: &Source,
    store: &Store,
    dry_run: bool,
    now: &str,
    page_size: usize,
) -> Result<DerivedListing, Error> {
    let identity = source.identity();
    let stored = {
        let identity = identity.clone();
        db(store, move |c| incidents::load(c, &identity)).await?
    };
    let mut states = stored.states;
    let read = read_platform(source, &mut states, stored.cursor.as_deref(), now).await?;
    let derivation = read.derivation;
    let mut retired = stored.retired;
    retired.extend(derivation.retired.iter().cloned());
    if !dry_run {
        let changed: Vec<(String, KeyState)> = derivation
            .changed
            .iter()
            .filter_map(|k| states.get(k).map(|s| (k.clone(), s.clone())))
            .collect();
        let dropped: Vec<String> = derivation.dropped.iter().cloned().collect();
        let newly_retired = derivation.retired.clone();
        let cursor = read.cursor.clone();
        db(store, move |c| {
            let changes = Changes {
                changed: changed.iter().map(|(k, s)| (k.as_str(), s)).collect(),
                dropped: &dropped,
                retired: &newly_retired,
                cursor: cursor.as_deref(),
            };
            incidents::save(c, &identity, &changes, chrono::Utc::now())
        })
        .await?;
    }
    let events = derive::events(&states);
    let digest_input = serde_json::to_vec(&(&events, &read.rejected))
        .map_err(|e| Error::Internal(format!("the derived listing could not be hashed: {e}")))?;
    let mut present: HashSet<String> = events.iter().map(|e| e.id.clone()).collect();
    // A retired incident left the listing because a new one replaced it,
    // not because its plan is gone: it is never "removed" (rule 7).
    present.extend(retired);
    // An alarm VSPC lists but that needs no ticket (yet) is not gone.
    present.extend(read.present);
    let end = StreamEnd {
        marks: vec![PageMark::of_listing(&digest_input)],
        present,
        rejected: read.rejected,
    };
    let mut pages = Vec::new();
    let mut events = events.into_iter().peekable();
    while events.peek().is_some() {
        pages.push(events.by_ref().take(page_size.max(1)).collect());
    }
    Ok(DerivedListing {
        pages: pages.into_iter(),
        end,
    })
}

/// Reads the platform and applies what it said to `states`.
async fn read_platform(
    source: &Source,
    states: &mut BTreeMap<String, KeyState>,
    cursor: Option<&str>,
    now: &str,
) -> Result<Read, Error> {
    Ok(match source {
        // VSPC's alarms are incidents already: no deriver.
        Source::Vspc(vspc) => {
            let mut listing = vspc.alarms().await.map_err(SourceError::from)?;
            if listing.complete && states.keys().any(|uid| !listing.uids.contains(uid)) {
                // An alarm missing from one read may sit on a page that
                // moved (one deleted before it, one added after it): it is
                // taken as deleted only when a second read misses it too.
                let again = vspc.alarms().await.map_err(SourceError::from)?;
                listing.uids.extend(again.uids);
                listing.complete &= again.complete;
            }
            let derivation = alarms::apply(states, &listing);
            let listed = listing
                .uids
                .iter()
                .map(|uid| crate::source::vspc::event_id(uid));
            Read {
                derivation,
                present: listed.collect(),
                rejected: listing.rejected,
                cursor: None,
            }
        }
        platform => {
            let known = states.keys().cloned().collect();
            let observation = platform.observe(cursor, &known).await?.ok_or_else(|| {
                Error::Internal(format!("{} has no incidents to derive", source.identity()))
            })?;
            Read {
                derivation: derive::derive(source.kind(), states, &observation, now),
                present: Vec::new(),
                rejected: observation.rejected,
                cursor: observation.cursor,
            }
        }
    })
}
