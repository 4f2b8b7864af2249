//! The use cases, each a function over an open repository (or the config)
//! returning a typed result. A front end parses its input, opens a session
//! ([`crate::session`]), calls one of these and renders what it returns;
//! it decides nothing about which snapshots, which order or which checks.
//!
//! | use case | function | CLI | server |
//! |---|---|---|---|
//! | back up a spec | [`backup::backup_spec`] | — (`cairn backup` backs up paths) | backup job, scheduler |
//! | plan a spec's backup | [`backup::plan_spec`] | `cairn plan` | — |
//! | pick a snapshot | [`select::select`] | `restore` | restore and verify jobs |
//! | restore | [`restore::restore`] | `cairn restore` | restore job |
//! | export as tar | [`export::export`] | `cairn export` | — |
//! | verify (+ smoke restore) | [`verify::verify`] | `cairn verify` | verify job |
//! | forget by policy | [`forget::forget`], [`forget::apply_retention`] | `cairn forget` | forget job, after a scheduled backup |
//! | the RG-7 gate | [`crate::gate::run`] | `cairn gate` | gate job, scheduler |
//! | show or accept a pinned identity | [`trust::status`], [`trust::accept`] | `cairn trust [--reset]` | `GET`/`POST /api/v1/dr/trust` |
//! | remove dead holders' locks | [`unlock::unlock`] | `cairn unlock` | `POST /api/v1/dr/unlock` |
//! | copy snapshots to another repository | [`copy::copy`] | `cairn copy` | — |
//! | run a `[[replica]]` (copy its specs) | [`replicate::replicate`] | — (`cairn copy`) | replica job, scheduler |
//! | browse without a restore | [`browse::list`] and [`browse::list_each`], [`browse::cat`], [`browse::diff_each`], [`browse::find`] | `cairn ls`, `cat`, `diff`, `find` | `GET /api/v1/dr/snapshots/{id}/ls`, `.../file` |

pub mod backup;
pub mod browse;
pub mod copy;
pub mod export;
pub mod forget;
pub mod replicate;
pub mod restore;
pub mod select;
pub mod trust;
pub mod unlock;
pub mod verify;
