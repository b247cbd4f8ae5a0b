//! placeholder
#![deny(clippy::pedantic)]

pub mod partial_response;
