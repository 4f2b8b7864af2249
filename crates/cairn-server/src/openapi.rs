//! The OpenAPI document, generated from the route table so it cannot drift
//! from the router, with schemas generated from the types the handlers
//! serialise and deserialise (schemars derives), so they cannot drift from
//! the answers either.
//!
//! [`IO`] says, per route, what it takes and what it answers; a route in
//! [`ROUTES`] without a row here fails `every_route_has_its_schemas`. Answer
//! schemas describe what is serialised (fields skipped when empty are not
//! required); request schemas what is accepted (fields with defaults are
//! optional, unknown fields are refused). docs/SERVER.md, "The OpenAPI
//! document", says why.

use crate::audit_view::{AuditPage, AuditQuery};
use crate::console::SpecRow;
use crate::ctx::JobView;
use crate::http::{ErrorEnvelope, Timings};
use crate::repo_admin::{RepoReq, TrustAccepted, TrustShown, Unlocked};
use crate::routes::ROUTES;
use crate::snapshots::SnapshotRow;
use crate::wire::{
    AuditHead, BackupReq, GateReq, Health, JobsQuery, Listing, NoFields, PathQuery, ProtectReq,
    RestoreReq, SnapQuery, SnapshotChange, VerifyReq, Whoami,
};
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Makes the schema of one type (a `$ref` into the components, or inline).
type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// What a route takes and answers.
#[derive(Clone, Copy)]
pub struct Io {
    /// The JSON body's type, for a route that takes one.
    body: Option<SchemaFn>,
    /// The query string's type (each field one parameter).
    query: Option<SchemaFn>,
    /// The success answer.
    answer: Answer,
}

#[derive(Clone, Copy)]
enum Answer {
    /// The envelope `{request_id, audit_id, timings_ms, data}` with this
    /// status and `data` of this type.
    Data(u16, SchemaFn),
    /// A document of its own, not enveloped: its content type and schema.
    Raw(&'static str, SchemaFn),
}

impl Io {
    const fn get(data: SchemaFn) -> Io {
        Io::query(None, data)
    }
    const fn query(query: Option<SchemaFn>, data: SchemaFn) -> Io {
        Io {
            body: None,
            query,
            answer: Answer::Data(200, data),
        }
    }
    /// Queues a job: 202 with the job.
    const fn job(body: SchemaFn) -> Io {
        Io::post(202, body, of::<JobView>)
    }
    const fn post(status: u16, body: SchemaFn, data: SchemaFn) -> Io {
        Io {
            body: Some(body),
            query: None,
            answer: Answer::Data(status, data),
        }
    }
    /// A document of its own that takes a query (a file download).
    const fn raw_query(content_type: &'static str, query: SchemaFn, schema: SchemaFn) -> Io {
        Io {
            body: None,
            query: Some(query),
            answer: Answer::Raw(content_type, schema),
        }
    }
    const fn raw(content_type: &'static str, schema: SchemaFn) -> Io {
        Io {
            body: None,
            query: None,
            answer: Answer::Raw(content_type, schema),
        }
    }
}

/// Every route's request and answer types: one row per row of [`ROUTES`].
#[rustfmt::skip]
pub const IO: &[(&str, &str, Io)] = &[
    ("GET", "/", Io::raw("text/html", of::<String>)),
    ("GET", "/healthz", Io::get(of::<Health>)),
    ("GET", "/metrics", Io::raw("application/openmetrics-text", of::<String>)),
    ("GET", "/api/v1/openapi.json", Io::raw("application/json", any_object)),
    ("POST", "/api/v1/dr/backup", Io::job(of::<BackupReq>)),
    ("POST", "/api/v1/dr/restore", Io::job(of::<RestoreReq>)),
    ("GET", "/api/v1/dr/snapshots", Io::query(Some(of::<SnapQuery>), of::<Vec<SnapshotRow>>)),
    ("POST", "/api/v1/dr/verify/{id}", Io::job(of::<VerifyReq>)),
    ("GET", "/api/v1/dr/specs", Io::get(of::<Vec<SpecRow>>)),
    ("GET", "/api/v1/dr/jobs", Io::query(Some(of::<JobsQuery>), of::<Vec<JobView>>)),
    ("GET", "/api/v1/dr/jobs/{id}", Io::get(of::<JobView>)),
    ("POST", "/api/v1/dr/forget", Io::job(of::<BackupReq>)),
    ("POST", "/api/v1/dr/gate", Io::job(of::<GateReq>)),
    ("GET", "/api/v1/dr/gate", Io::get(gate_report)),
    ("POST", "/api/v1/dr/replicas/{name}/run", Io::job(of::<NoFields>)),
    ("GET", "/api/v1/dr/trust", Io::query(Some(of::<RepoReq>), of::<TrustShown>)),
    ("POST", "/api/v1/dr/trust", Io::post(200, of::<RepoReq>, of::<TrustAccepted>)),
    ("GET", "/api/v1/dr/audit/head", Io::get(of::<AuditHead>)),
    ("GET", "/api/v1/dr/audit", Io::query(Some(of::<AuditQuery>), of::<AuditPage>)),
    ("POST", "/api/v1/dr/unlock", Io::post(200, of::<RepoReq>, of::<Unlocked>)),
    ("GET", "/console/{file}", Io::raw("text/plain", of::<String>)),
    ("GET", "/api/v1/dr/whoami", Io::get(of::<Whoami>)),
    ("GET", "/api/v1/dr/snapshots/{id}/ls", Io::query(Some(of::<PathQuery>), of::<Listing>)),
    ("GET", "/api/v1/dr/snapshots/{id}/file", Io::raw_query("application/octet-stream", of::<PathQuery>, of::<String>)),
    ("POST", "/api/v1/dr/snapshots/{id}/protect", Io::post(200, of::<ProtectReq>, of::<SnapshotChange>)),
    ("POST", "/api/v1/dr/snapshots/{id}/unprotect", Io::post(200, of::<NoFields>, of::<SnapshotChange>)),
    ("POST", "/api/v1/dr/snapshots/{id}/forget", Io::post(200, of::<NoFields>, of::<SnapshotChange>)),
];

fn any_object(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "object"})
}

/// The gate report is written by cairn-app for files as well as for this
/// API, and its schema is published beside it (docs/rg7_report.schema.json):
/// a component of its own, its `$defs` referred to where they now are.
fn gate_report(g: &mut SchemaGenerator) -> Schema {
    const NAME: &str = "GateReport";
    let text = include_str!("../../../docs/rg7_report.schema.json").replace(
        "\"#/$defs/",
        &format!("\"#/components/schemas/{NAME}/$defs/"),
    );
    let mut v: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!({"type": "object"}));
    if let Some(o) = v.as_object_mut() {
        // A document's own identity, not a component's.
        o.remove("$schema");
        o.remove("$id");
    }
    g.definitions_mut().insert(NAME.into(), v);
    schemars::json_schema!({"$ref": format!("#/components/schemas/{NAME}")})
}

/// A route's row of [`IO`].
pub fn io(method: &str, path: &str) -> Option<Io> {
    IO.iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|r| r.2)
}

/// Answers of the types serialised: a field skipped when empty is optional.
fn answers() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.contract = Contract::Serialize;
            s.meta_schema = None;
        })
        .into_generator()
}

/// Requests as accepted, inline (each is one flat object).
fn requests() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.contract = Contract::Deserialize;
            s.meta_schema = None;
        })
        .into_generator()
}

fn envelope(data: Schema) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["request_id", "audit_id", "timings_ms", "data"],
        "properties": {
            "request_id": {"type": "string"},
            "audit_id": {"type": ["integer", "null"], "minimum": 0},
            "timings_ms": {"$ref": "#/components/schemas/Timings"},
            "data": data,
        }
    })
}

/// The query parameters of a query type's schema: one per property.
fn query_params(q: Schema) -> Vec<Value> {
    let v = q.to_value();
    let required = v["required"].as_array().cloned().unwrap_or_default();
    v["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            json!({"name": name, "in": "query", "required": required.contains(&json!(name)),
                   "schema": schema})
        })
        .collect()
}

fn errors(public: bool) -> Value {
    let e = json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}});
    let mut r = json!({
        "400": {"description": "malformed request, or input refused at the door", "content": e},
        "404": {"description": "unknown route, spec, snapshot or job", "content": e},
        "409": {"description": "conflicts with work in progress", "content": e},
        "500": {"description": "the server failed; the details are in its log", "content": e},
    });
    if !public {
        r["401"] = json!({"description": "no token, or an unknown or revoked one", "content": e});
        r["403"] = json!({"description": "the token's role may not do this", "content": e});
        r["429"] = json!({"description": "too many requests without a valid token", "content": e});
    }
    r
}

fn operation(
    io: Io,
    path: &str,
    summary: &str,
    perm: crate::rbac::Permission,
    g: &mut SchemaGenerator,
    req: &mut SchemaGenerator,
) -> Value {
    let public = perm == crate::rbac::Permission::Public;
    let mut params: Vec<Value> = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    if let Some(q) = io.query {
        params.extend(query_params(q(req)));
    }
    let mut responses = errors(public);
    let (status, content) = match io.answer {
        Answer::Data(status, data) => (
            status,
            json!({"application/json": {"schema": envelope(data(g))}}),
        ),
        Answer::Raw(ct, schema) => (200, json!({ct: {"schema": schema(g)}})),
    };
    let what = if status == 202 {
        "a job was queued (data is the job)"
    } else {
        "the answer"
    };
    responses[status.to_string()] = json!({"description": what, "content": content});
    let mut op = json!({
        "summary": summary,
        "x-cairn-permission": perm,
        "parameters": params,
        "responses": responses,
    });
    if let Some(body) = io.body {
        op["requestBody"] = json!({"required": true,
            "content": {"application/json": {"schema": body(req)}}});
    }
    if !public {
        op["security"] = json!([{"bearer": []}]);
    }
    op
}

/// OpenAPI 3.1 for every route, with the permission each needs and the
/// schemas of what it takes and answers.
pub fn document() -> Value {
    let (mut g, mut req) = (answers(), requests());
    g.subschema_for::<ErrorEnvelope>();
    g.subschema_for::<Timings>();
    let mut paths = Map::new();
    for (method, path, perm, summary) in ROUTES {
        // A route without its row is still listed (every_route_has_its_schemas
        // names it), answering some JSON.
        let io = io(method, path).unwrap_or(Io::raw("application/json", any_object));
        let op = operation(io, path, summary, *perm, &mut g, &mut req);
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Cairn disaster-recovery API", "version": "1"},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": g.take_definitions(true),
        },
        "paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r);
                }
                o.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_route_has_its_schemas() {
        let doc = document();
        let mut missing = Vec::new();
        for (method, path, _, _) in ROUTES {
            let route = format!("{method} {path}");
            if io(method, path).is_none() {
                missing.push(format!("{route}: no row in openapi::IO"));
                continue;
            }
            let op = &doc["paths"][path][method.to_lowercase()];
            let ok = op["responses"].as_object().and_then(|r| {
                r.iter()
                    .find(|(s, _)| s.starts_with('2'))
                    .and_then(|(_, a)| a["content"].as_object()?.values().next().cloned())
            });
            if ok.is_none_or(|c| !c["schema"].is_object()) {
                missing.push(format!("{route}: no success response schema"));
            }
            // Every method but GET takes a JSON body here.
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            if *method != "GET" && !body.is_object() {
                missing.push(format!("{route}: takes a body but has no request schema"));
            }
        }
        for (method, path, _) in IO {
            if !ROUTES.iter().any(|r| r.0 == *method && r.1 == *path) {
                missing.push(format!("{method} {path}: in openapi::IO but not a route"));
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(all.len() > 10, "{all:?}");
        for r in all {
            let p = r.strip_prefix('#').unwrap_or(r);
            assert!(doc.pointer(p).is_some(), "{r} points nowhere");
        }
    }

    #[test]
    fn answers_name_their_fields_and_requests_refuse_unknown_ones() {
        let doc = document();
        let job = &doc["components"]["schemas"]["JobView"];
        let required = job["required"].as_array().unwrap();
        assert!(required.contains(&json!("state")), "{job}");
        assert!(
            !required.contains(&json!("result")),
            "skipped when empty: {job}"
        );
        let restore = &doc["paths"]["/api/v1/dr/restore"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_eq!(restore["additionalProperties"], false, "{restore}");
        assert_eq!(
            restore["required"],
            json!(["snapshot", "target"]),
            "{restore}"
        );
        let q = &doc["paths"]["/api/v1/dr/jobs"]["get"]["parameters"];
        assert!(
            q.as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "limit" && p["in"] == "query"),
            "{q}"
        );
    }
}
