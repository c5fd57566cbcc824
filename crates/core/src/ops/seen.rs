//! The event and backup types to offer as filters on the Defaults and
//! Companies screens: the documented ones, then those the engine recorded
//! ([`SeenTypes`], kept in `engine::seen`).

use crate::engine::{db_store, Engine};
use crate::model::{KNOWN_BACKUP_TYPES, KNOWN_EVENT_TYPES};
use crate::store::settings;
use crate::Error;

pub use crate::engine::seen::{SeenTypes, SEEN_TYPES_KEY, SEEN_TYPES_MAX, SEEN_TYPE_MAX_CHARS};

/// The types to offer on the Defaults and Companies screens: the documented
/// ones first, then those seen.
pub async fn seen_types(engine: &Engine) -> Result<SeenTypes, Error> {
    let stored = db_store(engine.store(), |s| settings::get(s, SEEN_TYPES_KEY)).await?;
    let seen = SeenTypes::from_stored(stored.as_deref());
    let known = |types: &[&str]| types.iter().map(|s| (*s).to_owned()).collect();
    let mut offer = SeenTypes {
        event_types: known(KNOWN_EVENT_TYPES),
        backup_types: known(KNOWN_BACKUP_TYPES),
    };
    offer.merge(&seen);
    Ok(offer)
}
