//! placeholder

pub mod batch_load;
