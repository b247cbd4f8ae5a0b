//! placeholder
pub mod injectable;
