//! `unokit::__private::select`: field-selected serialization.

use super::RtPath;

const fn select(item: &'static str) -> RtPath {
    RtPath::new("select", item)
}

pub(crate) const SELECTABLE: RtPath = select("Selectable");
pub(crate) const OBJECT: RtPath = select("Object");
pub(crate) const SCHEMA: RtPath = select("Schema");
pub(crate) const FIELD_SCHEMA: RtPath = select("FieldSchema");
pub(crate) const SHAPE: RtPath = select("Shape");
pub(crate) const LEAF_SHAPE: RtPath = select("leaf_shape");
pub(crate) const NODE: RtPath = select("Node");
pub(crate) const SELECTED: RtPath = select("selected");
pub(crate) const SERIALIZER: RtPath = select("Serializer");
pub(crate) const SERIALIZE_MAP: RtPath = select("SerializeMap");
pub(crate) const PICK: RtPath = select("Pick");
pub(crate) const VIOLATIONS: RtPath = select("Violations");
/// Keeps the checks with the `validate` feature; an error saying to turn it on without.
pub(crate) const WITH_VALIDATE: RtPath = select("with_validate");
/// garde itself (feature `validate`), whose `rules` the checks call.
pub(crate) const GARDE: RtPath = select("garde");
