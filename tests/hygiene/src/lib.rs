//! placeholder

pub mod batch_load;
pub mod model;
