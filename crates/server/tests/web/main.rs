//! The web app: pages over real HTTP (`pages`), and members using it in headless Chromium
//! (`browser` drives it; `journey` and `looks` are the scenarios).

#[path = "../common/mod.rs"]
mod common;

mod browser;
mod journey;
mod looks;
mod pages;
