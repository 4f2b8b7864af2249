//! The OpenAPI document, generated from the route table so it cannot drift
//! from the router.

use crate::routes::ROUTES;
use serde_json::{json, Map, Value};

/// OpenAPI 3.1 for every route, with the permission each needs.
pub fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, perm, summary) in ROUTES {
        let public = *perm == crate::rbac::Permission::Public;
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut op = json!({
            "summary": summary,
            "x-cairn-permission": perm,
            "parameters": params,
            "responses": {
                "200": {"description": "the envelope {request_id, audit_id, timings_ms, data}"},
                "202": {"description": "a job was queued (data is the job)"},
                "400": {"description": "malformed request"},
                "401": {"description": "no token, or an unknown or revoked one"},
                "403": {"description": "the token's role may not do this"},
                "404": {"description": "unknown spec, snapshot or job"},
                "409": {"description": "conflicts with work in progress"}
            }
        });
        if !public {
            op["security"] = json!([{"bearer": []}]);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Cairn disaster-recovery API", "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    })
}
