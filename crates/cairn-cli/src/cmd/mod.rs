//! One module per command; each returns the process exit code.

mod backup;
mod browse;
mod copy;
mod diff;
mod docs;
mod export;
mod find;
mod forget;
mod gate;
mod init;
mod keys;
mod keys_recover;
mod list;
mod maintenance;
mod manifest;
mod mount;
mod prune;
mod restore;
mod serve;
mod trust;
mod unlock;
mod upgrade;
mod verify;

use crate::cli::{Cli, Command, KeysCommand};
use anyhow::Result;

pub fn run(cli: Cli) -> Result<u8> {
    let g = &cli.global;
    match &cli.command {
        Command::Init(a) => init::run(g, a),
        Command::Keys(KeysCommand::Status) => keys::status(g),
        Command::Keys(KeysCommand::Add(a)) => keys::add(g, a),
        Command::Keys(KeysCommand::Remove(a)) => keys::remove(g, &a.slot_id, a.force),
        Command::Keys(KeysCommand::Test(a)) => keys::test(g, &a.slot_id),
        Command::Keys(KeysCommand::Rewrap(a)) => keys::rewrap(g, &a.slot_id),
        Command::Keys(KeysCommand::RotateMaster(a)) => keys::rotate_master(g, a.dry_run),
        Command::Keys(KeysCommand::Recover(a)) => keys_recover::run(g, a.restore.as_deref()),
        Command::Trust(a) => trust::run(g, a.reset),
        Command::Backup(a) => backup::run(g, a),
        Command::List(a) => list::run(g, a),
        Command::Manifest(a) => manifest::run(g, a),
        Command::Ls(a) => browse::ls(g, a),
        Command::Cat(a) => browse::cat(g, a),
        Command::Diff(a) => diff::run(g, a),
        Command::Find(a) => find::run(g, a),
        Command::Mount(a) => mount::run(g, a),
        Command::Copy(a) => copy::run(g, a),
        Command::Restore(a) => restore::run(g, a),
        Command::Verify(a) => verify::run(g, a),
        Command::Export(a) => export::run(g, a),
        Command::Prune(a) => prune::run(g, a),
        Command::Forget(a) => forget::run(g, a),
        Command::Protect(a) => forget::protect(g, a),
        Command::Unprotect(a) => forget::unprotect(g, a),
        Command::Maintenance(a) => maintenance::run(g, a),
        Command::Unlock(a) => unlock::run(g, a),
        Command::Upgrade(a) => upgrade::run(g, a),
        Command::Serve(a) => serve::serve(g, a),
        Command::Plan(a) => serve::plan(g, a),
        Command::Token(c) => serve::token(g, c),
        Command::Audit(c) => serve::audit(g, c),
        Command::Gate(a) => gate::run(g, a),
        Command::Completions(a) => docs::completions(a),
        Command::Man(a) => docs::man(a),
    }
}
