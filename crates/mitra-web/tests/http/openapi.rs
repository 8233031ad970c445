//! The API routed and the API documented are one: every `/api/v1` route of the router is in the OpenAPI document,
//! every documented path and method is routed, and every reference in the document names one of its components.

use std::collections::BTreeSet;

use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[test]
fn every_api_route_is_documented_and_every_documented_operation_is_routed() {
    let routed: BTreeSet<(String, String)> = mitra_web::route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    assert!(routed.len() > 40, "the API's routes are in the table");
    let doc = mitra_web::openapi_json();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|key| METHODS.contains(&key.as_str()))
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    assert_eq!(
        routed.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routes missing from the OpenAPI document"
    );
    assert_eq!(
        documented.difference(&routed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented operations that are not routed"
    );
}

/// Every `$ref` in `value`.
fn references(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => {
                        found.insert(target.clone());
                    }
                    _ => references(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

#[test]
fn every_reference_in_the_openapi_document_names_one_of_its_components() {
    let doc = mitra_web::openapi_json();
    let mut found = BTreeSet::new();
    references(&doc, &mut found);
    assert!(found.contains("#/components/responses/NotFound"));
    for target in found {
        let pointer = target
            .strip_prefix('#')
            .expect("a reference within the document");
        assert!(doc.pointer(pointer).is_some(), "{target} does not exist");
    }
}
