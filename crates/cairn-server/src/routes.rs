//! Every route of the HTTP API with the permission it needs: the table the
//! router, the authenticating extractor and the OpenAPI document are all
//! built from, so none of them can drift from the others.

use crate::rbac::Permission;
use axum::http::Method;

/// Every route with the permission it needs. The router is built from this
/// table's paths, and `tests::every_route_against_every_role` walks it.
pub const ROUTES: &[(&str, &str, Permission, &str)] = &[
    (
        "GET",
        "/",
        Permission::Public,
        "the web console (static; it asks for a token and calls this API)",
    ),
    (
        "GET",
        "/healthz",
        Permission::Public,
        "liveness, audit head, active jobs",
    ),
    ("GET", "/metrics", Permission::Public, "Prometheus metrics"),
    (
        "GET",
        "/api/v1/openapi.json",
        Permission::Public,
        "this API's OpenAPI document",
    ),
    (
        "POST",
        "/api/v1/dr/backup",
        Permission::Backup,
        "start a backup of a spec: {spec}",
    ),
    (
        "POST",
        "/api/v1/dr/restore",
        Permission::Restore,
        "start a restore: {spec, snapshot, target, include, dry_run}",
    ),
    (
        "GET",
        "/api/v1/dr/snapshots",
        Permission::Read,
        "list snapshots (?spec=, ?tag=)",
    ),
    (
        "POST",
        "/api/v1/dr/verify/{id}",
        Permission::Verify,
        "verify a snapshot: {spec, read_data_subset}",
    ),
    (
        "GET",
        "/api/v1/dr/specs",
        Permission::Read,
        "the configured specs, with each one's next scheduled run",
    ),
    (
        "GET",
        "/api/v1/dr/jobs",
        Permission::Read,
        "recent jobs, newest first, surviving restarts (?spec=, ?kind=, ?state=, ?limit=)",
    ),
    (
        "GET",
        "/api/v1/dr/jobs/{id}",
        Permission::Read,
        "a job's status, progress and result",
    ),
    (
        "POST",
        "/api/v1/dr/forget",
        Permission::Delete,
        "apply a spec's retention policy now: {spec}",
    ),
    (
        "POST",
        "/api/v1/dr/gate",
        Permission::Verify,
        "run the RG-7 recovery gate now: {specs} (none: every spec)",
    ),
    (
        "GET",
        "/api/v1/dr/gate",
        Permission::Read,
        "the last RG-7 gate report",
    ),
    (
        "POST",
        "/api/v1/dr/replicas/{name}/run",
        Permission::Backup,
        "copy a [[replica]]'s specs into its repository now (a job; append-only, never deletes)",
    ),
    (
        "GET",
        "/api/v1/dr/trust",
        Permission::Read,
        "the repository identity pinned for a repository, and what its storage claims now (?repository=)",
    ),
    (
        "POST",
        "/api/v1/dr/trust",
        Permission::Delete,
        "accept a repository's changed identity after checking it: {repository} (audited)",
    ),
    (
        "GET",
        "/api/v1/dr/audit/head",
        Permission::Read,
        "the audit log's head {seq, hash}, to record outside the server",
    ),
    (
        "GET",
        "/api/v1/dr/audit",
        Permission::Audit,
        "the audit log's newest entries, newest first, and its head (?actor=, ?action=, ?limit=)",
    ),
    (
        "POST",
        "/api/v1/dr/unlock",
        Permission::Delete,
        "remove locks whose holder died: {repository, force} (audited)",
    ),
    (
        "GET",
        "/console/{file}",
        Permission::Public,
        "the web console's scripts and styles (static files)",
    ),
    (
        "GET",
        "/api/v1/dr/whoami",
        Permission::Read,
        "who the token is: its name and role, and what the role may do",
    ),
    (
        "GET",
        "/api/v1/dr/snapshots/{id}/ls",
        Permission::Read,
        "one directory of a snapshot (?path=): each entry's type, size, mode, mtime and SHA-256",
    ),
    (
        "GET",
        "/api/v1/dr/snapshots/{id}/file",
        Permission::Restore,
        "one file of a snapshot (?path=), streamed and checked against its SHA-256 (audited)",
    ),
    (
        "POST",
        "/api/v1/dr/snapshots/{id}/protect",
        Permission::Delete,
        "protect a snapshot from forget: {note} (audited)",
    ),
    (
        "POST",
        "/api/v1/dr/snapshots/{id}/unprotect",
        Permission::Delete,
        "remove a snapshot's protection (audited)",
    ),
    (
        "POST",
        "/api/v1/dr/snapshots/{id}/forget",
        Permission::Delete,
        "forget one snapshot; prune frees its data (audited)",
    ),
];

/// The permission a route template needs; None for a route not in the table.
pub fn permission(method: &Method, template: &str) -> Option<Permission> {
    // HEAD is GET without the body (axum answers it with the GET handler),
    // so it needs exactly what GET needs: uptime probes use it on public routes.
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|(m, p, _, _)| *m == method && *p == template)
        .map(|r| r.2)
}
