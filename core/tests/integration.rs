//! The core's integration tests, as one test binary: each file of `tests/` is a module of it.
//! One binary links the crate and its dependencies once, where a binary per file linked them
//! 27 times (about 100 MB each in a debug build). Run one file's tests with its module's name:
//! `cargo test -p anbu --test integration safety_floor::`.

mod common;

mod backtest;
mod bounded;
mod casebook;
mod closed_loop;
mod columns;
mod consent;
mod dispositions;
mod district_report;
mod erasure;
mod field_floor;
mod holidays;
mod hygiene;
mod isolation;
mod ladder;
mod learned_routines;
mod limits;
mod locale;
mod meter;
mod parallel;
mod properties;
mod readers;
mod readme;
mod safety_floor;
mod scenarios;
mod tier;
mod triage;
mod what_people_say;
