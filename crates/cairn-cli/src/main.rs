//! `cairn`: the command-line front end. Parsing, terminals, progress bars and
//! exit codes live here; everything about the repository lives in cairn-core.

mod cli;
mod cmd;
mod context;
mod exit;
mod hints;
mod json_parts;
mod keys;
mod location;
mod logwriter;
mod pinning;
mod progress;
mod render;
mod stream;
mod wallclock;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cairn_core::backup::raise_open_file_limit();
    // `cairn serve` says where it listens and, at stop, the audit head
    // (its own info lines); everything else stays at warnings.
    let filter = if args.global.verbose > 0 {
        "debug"
    } else if matches!(args.command, cli::Command::Serve(_)) {
        "warn,cairn_server::server=info,cairn_server::notify=info"
    } else if matches!(args.command, cli::Command::Mount(_)) {
        // fuser warns of every request left to the kernel's default answer
        // (locks, ioctl, ...): noise, not news.
        "warn,fuser=error"
    } else {
        "warn"
    };
    let mut filter =
        tracing_subscriber::EnvFilter::try_from_env("CAIRN_LOG").unwrap_or_else(|_| filter.into());
    // The HTTP client logs whole requests and answers at debug and trace level:
    // the Vault token and an unwrapped key would be among them. Never shown,
    // whatever CAIRN_LOG asks for. The same for the clients that carry a
    // webhook's token and an SMTP password (`[[notify]]`).
    for quiet in [
        "ureq=warn",
        "ureq_proto=warn",
        "reqwest=warn",
        "lettre=warn",
    ] {
        if let Ok(d) = quiet.parse() {
            filter = filter.add_directive(d);
        }
    }
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(logwriter::OneLineStderr)
        .with_ansi(false)
        .with_target(false);
    match &args.command {
        cli::Command::Serve(a) if a.log_format == cli::LogFormat::Json => log.json().init(),
        _ => log.init(),
    }
    // `cairn serve` stops on its own terms; `cairn mount` unmounts first.
    if !matches!(
        args.command,
        cli::Command::Serve(_) | cli::Command::Mount(_)
    ) {
        release_locks_on_interrupt();
    }
    quiet_on_closed_stdout();
    match cmd::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let core = core_error(&e);
            eprintln!(
                "cairn: error: {}",
                cairn_core::escape::one_line(&one_line(&e))
            );
            if is_bad_input(&e) {
                return ExitCode::from(exit::USAGE);
            }
            ExitCode::from(match core.map(|c| c.kind()) {
                Some(cairn_core::ErrorKind::InvalidInput) => exit::USAGE,
                Some(cairn_core::ErrorKind::WrongKey) => exit::WRONG_KEY,
                Some(cairn_core::ErrorKind::NotFound)
                    if e.to_string().contains("no cairn repository") =>
                {
                    exit::NO_REPOSITORY
                }
                Some(cairn_core::ErrorKind::Corrupt) => exit::CORRUPT,
                Some(cairn_core::ErrorKind::Locked) => exit::LOCKED,
                _ => exit::ERROR,
            })
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP remove the repository locks this process
/// holds before it exits, so an interrupted backup does not keep prune and
/// forget out until the lock lapses. (`cairn serve` stops on its own terms.)
fn release_locks_on_interrupt() {
    let set = ctrlc::set_handler(|| {
        let n = cairn_core::lock::release_all_held();
        if n > 0 {
            eprintln!("cairn: interrupted; released the repository lock");
        } else {
            eprintln!("cairn: interrupted");
        }
        std::process::exit(exit::INTERRUPTED.into());
    });
    if let Err(e) = set {
        tracing::debug!(error = %e, "no interrupt handler; an interrupted run leaves its lock to lapse");
    }
}

/// A closed stdout (`cairn list --json | head`) ends the command quietly,
/// as it ends any Unix filter. Rust ignores SIGPIPE, so the write fails and
/// `println!` panics; that panic alone becomes exit code 141 (128 + SIGPIPE,
/// what a shell reports for a filter killed by it) with no message, after
/// releasing the repository lock.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            cairn_core::lock::release_all_held();
            std::process::exit(exit::CLOSED_STDOUT.into());
        }
        default(info);
    }));
}

/// The error chain on one line: outer context first.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in e.chain() {
        let core = c.downcast_ref::<cairn_core::Error>().or_else(|| {
            c.downcast_ref::<cairn_app::Error>()
                .and_then(cairn_app::Error::core)
        });
        let s = match core {
            Some(core) => hints::describe(core),
            None => c.to_string(),
        };
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        if c.downcast_ref::<cairn_core::Error>().is_some()
            || c.downcast_ref::<cairn_app::Error>()
                .is_some_and(|a| a.core().is_some())
        {
            break;
        }
    }
    parts.join(": ")
}

/// The core error that decides the exit code: in the chain itself, or
/// inside an application error (which wraps it transparently).
/// A credential source or config the user gave that cannot be used as
/// given (a malformed key file, a missing password file, a bad config
/// line): bad input, like a malformed pattern.
fn is_bad_input(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<cairn_app::Error>(),
            Some(
                cairn_app::Error::Credential(_)
                    | cairn_app::Error::Config(_)
                    | cairn_app::Error::BadRequest(_)
            )
        )
    })
}

fn core_error(e: &anyhow::Error) -> Option<&cairn_core::Error> {
    e.chain().find_map(|c| {
        c.downcast_ref::<cairn_core::Error>().or_else(|| {
            c.downcast_ref::<cairn_app::Error>()
                .and_then(cairn_app::Error::core)
        })
    })
}
