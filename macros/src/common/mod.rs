//! What every macro of unokit shares.

pub(crate) mod case;
pub(crate) mod ctxt;
pub(crate) mod duration;
pub(crate) mod field;
pub(crate) mod item;
pub(crate) mod options;
pub(crate) mod paths;
pub(crate) mod pipeline;
pub(crate) mod skip;
pub(crate) mod suggest;
pub(crate) mod types;
