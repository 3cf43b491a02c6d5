//! What every context's pages share: the page layout, rendering, error pages, formatting
//! and SVG drawing.

#[macro_use]
pub mod support;

pub mod errors;
pub mod svg;
pub mod views;
