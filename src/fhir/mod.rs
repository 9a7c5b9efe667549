//! FHIR R4 resources as ehrcrypt records (issue 15).
//!
//! ehrcrypt needs of FHIR only what links records: resource types, ids,
//! references and the Patient compartment. It walks `serde_json` values
//! for those and keeps every resource's JSON text as it came (numbers
//! included: FHIR decimals carry their precision), instead of modelling
//! each of the ~150 resource types.
//!
//! - [`resource`]: resource types, ids, `Type/id` keys;
//! - [`reference`]: parsing, resolving and rewriting references
//!   (`Patient/123`, absolute URLs, `urn:uuid:` fullUrls, `#contained`);
//! - [`compartment`]: the R4 Patient compartment table;
//! - [`json`], [`ndjson`], [`input`]: reading Bundles and bulk-data ndjson
//!   one resource at a time, in bounded memory, and writing them back;
//! - [`record`]: how a resource maps to an entity (docs/FORMAT.md §12);
//! - [`import`], [`export`]: the two commands' work.

pub mod compartment;
pub mod export;
pub mod import;
pub mod input;
pub mod json;
pub mod ndjson;
pub mod record;
pub mod reference;
pub mod resource;

/// Progress of a long import or export, for a progress bar.
pub trait Progress: Sync {
    /// A new phase: what is being done, and how many items it has if known.
    fn phase(&self, what: &str, len: Option<u64>);
    /// `n` more items done.
    fn inc(&self, n: u64);
}

/// No progress reporting.
pub struct Quiet;

impl Progress for Quiet {
    fn phase(&self, _: &str, _: Option<u64>) {}
    fn inc(&self, _: u64) {}
}
