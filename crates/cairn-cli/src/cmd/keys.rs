use crate::cli::Global;
use crate::context::Location;
use anyhow::Result;
use cairn_core::keyslot::Kdf;
use serde::Serialize;

#[derive(Serialize)]
struct SlotView {
    id: String,
    kind: String,
    created: String,
    kdf: String,
}

#[derive(Serialize)]
struct Status {
    repository: String,
    repository_id: String,
    format_version: u32,
    worm: String,
    slots: Vec<SlotView>,
    warnings: Vec<String>,
}

/// Lists slots without unlocking: slot metadata holds no secret.
pub fn status(g: &Global) -> Result<u8> {
    let loc = Location::resolve(g)?;
    let backend = loc.backend(g)?;
    let config = cairn_core::repo::read_config(backend.as_ref())?;
    let slots = cairn_core::repo::list_slots(backend.as_ref())?;
    let mut warnings = Vec::new();
    if slots.len() < 2 {
        warnings.push(format!(
            "only {} key slot: if it is lost, the repository cannot be read; add an escrow slot (cairn keys add, coming) and keep the key file or passphrase offline",
            slots.len()
        ));
    }
    let status = Status {
        repository: loc.path.display().to_string(),
        repository_id: config.id.to_hex(),
        format_version: config.version,
        worm: cairn_core::worm::describe(config.worm.as_ref(), backend.as_ref()),
        slots: slots
            .iter()
            .map(|s| SlotView {
                id: s.id.clone(),
                kind: s.kind.clone(),
                created: s.created.clone(),
                kdf: match &s.kdf {
                    Kdf::Argon2id { params, .. } => format!(
                        "argon2id m={}KiB t={} p={}",
                        params.m_cost, params.t_cost, params.p_cost
                    ),
                    Kdf::HkdfSha256 { .. } => "hkdf-sha256".into(),
                },
            })
            .collect(),
        warnings,
    };
    if g.json {
        super::print_json(&status)?;
        return Ok(0);
    }
    println!(
        "repository {} (id {}, format {})",
        status.repository,
        config.id.short(),
        status.format_version
    );
    println!("WORM: {}", status.worm);
    println!("{:<34} {:<11} {:<32} kdf", "slot", "kind", "created");
    for s in &status.slots {
        println!("{:<34} {:<11} {:<32} {}", s.id, s.kind, s.created, s.kdf);
    }
    for w in &status.warnings {
        eprintln!("warning: {w}");
    }
    Ok(0)
}
