//! The API reference page, drawn on the server from the OpenAPI document (`/api/v1/openapi.json`): every operation by
//! tag, with its parameters, request body and answers. Plain HTML: it reads without JavaScript, with a keyboard and
//! with a screen reader, in every interface language (the API's own descriptions are in English, and marked so).

use askama::Template;
use axum::response::Response;
use serde_json::Value;

use super::{Layout, render};

/// A description as HTML: its text escaped, and what the document puts between backticks as `<code>`.
fn pieces(text: &str) -> String {
    let mut out = String::new();
    for (n, part) in text.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        let escaped = part
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        if n % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escaped);
            out.push_str("</code>");
        } else {
            out.push_str(&escaped);
        }
    }
    out
}

/// One field: a parameter, or a property of a request body.
struct Field {
    name: String,
    location: String,
    kind: String,
    required: bool,
    description: String,
}

/// What an operation takes as its body.
struct Body {
    content_type: String,
    schema: String,
    fields: Vec<Field>,
}

/// One operation.
struct OperationView {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: Vec<String>,
    needs_token: bool,
    parameters: Vec<Field>,
    body: Option<Body>,
    /// Status and what it means.
    responses: Vec<(String, String)>,
}

/// The operations of one tag.
struct TagView {
    name: String,
    description: String,
    operations: Vec<OperationView>,
    /// How many operations, in words.
    count: String,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    l: Layout,
    tags: Vec<TagView>,
}

/// The name of a `#/components/…/Name` reference.
fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// A schema in a few words, in JSON Schema's terms: `string`, `integer`, `Entry[]`, `Entry`, `daily | never`.
fn kind(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return ref_name(reference).to_owned();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        return values.join(" | ");
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let kinds: Vec<String> = options.iter().map(kind).filter(|k| k != "null").collect();
            return kinds.join(" | ");
        }
    }
    let type_name = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" | "),
        _ => String::new(),
    };
    match type_name.as_str() {
        "array" => format!(
            "{}[]",
            schema.get("items").map_or_else(|| "any".to_owned(), kind)
        ),
        "" => "any".to_owned(),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{type_name} ({format})"),
            None => type_name,
        },
    }
}

/// The schema a reference points to, resolved once.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/")
            .and_then(|path| path.split('/').try_fold(doc, |v, key| v.get(key)))
            .unwrap_or(value),
        None => value,
    }
}

/// The properties of an object schema as fields.
fn properties(doc: &Value, schema: &Value) -> Vec<Field> {
    let schema = resolve(doc, schema);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, prop)| Field {
                    name: name.clone(),
                    location: String::new(),
                    kind: kind(prop),
                    required: required.contains(&name.as_str()),
                    description: pieces(
                        prop.get("description")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    ),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The reference, built from the OpenAPI document: tags in the document's order, operations by path and method.
fn tags(doc: &Value) -> Vec<TagView> {
    let mut tags: Vec<TagView> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .map(|t| TagView {
                    name: text(t, "name").to_owned(),
                    description: pieces(text(t, "description")),
                    operations: Vec::new(),
                    count: String::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return tags;
    };
    for (path, item) in paths {
        for method in ["get", "put", "post", "delete", "patch"] {
            let Some(op) = item.get(method) else {
                continue;
            };
            let tag = op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .unwrap_or("other")
                .to_owned();
            let parameters = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|params| {
                    params
                        .iter()
                        .map(|p| {
                            let p = resolve(doc, p);
                            Field {
                                name: text(p, "name").to_owned(),
                                location: text(p, "in").to_owned(),
                                kind: p.get("schema").map_or_else(|| "any".to_owned(), kind),
                                required: p.get("required").and_then(Value::as_bool) == Some(true),
                                description: pieces(text(p, "description")),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = op
                .get("requestBody")
                .map(|b| resolve(doc, b))
                .and_then(|b| b.get("content").and_then(Value::as_object))
                .and_then(|content| content.iter().next())
                .map(|(content_type, media)| {
                    let schema = media.get("schema").cloned().unwrap_or(Value::Null);
                    Body {
                        content_type: content_type.clone(),
                        schema: kind(&schema),
                        fields: properties(doc, &schema),
                    }
                });
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|responses| {
                    responses
                        .iter()
                        .map(|(status, r)| {
                            (status.clone(), pieces(text(resolve(doc, r), "description")))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let description = text(op, "description");
            let operation = OperationView {
                anchor: format!(
                    "op-{}",
                    op.get("operationId")
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("{method}-{path}"), str::to_owned)
                )
                .replace(['/', '{', '}'], "-"),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: pieces(text(op, "summary")),
                description: description
                    .split("\n\n")
                    .filter(|p| !p.trim().is_empty())
                    .map(pieces)
                    .collect(),
                needs_token: op.get("security").is_some(),
                parameters,
                body,
                responses,
            };
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(operation),
                None => tags.push(TagView {
                    name: tag,
                    description: String::new(),
                    operations: vec![operation],
                    count: String::new(),
                }),
            }
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    tags
}

/// `GET /api`
pub async fn show_api_docs(l: Layout) -> Response {
    let mut tags = tags(crate::api::openapi::document());
    for t in &mut tags {
        t.count = l.tn("api-operations", t.operations.len() as u64);
    }
    render(&ApiDocsPage {
        l: l.titled("api", "api-title"),
        tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_document_is_on_the_page_with_its_parameters_and_answers() {
        let doc = crate::api::openapi::document();
        let tags = tags(doc);
        let operations: usize = tags.iter().map(|t| t.operations.len()).sum();
        let in_doc: usize = doc["paths"]
            .as_object()
            .expect("paths")
            .values()
            .map(|item| {
                ["get", "put", "post", "delete", "patch"]
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .count()
            })
            .sum();
        assert_eq!(operations, in_doc);
        let cities = tags
            .iter()
            .flat_map(|t| &t.operations)
            .find(|o| o.method == "GET" && o.path == "/api/v1/cities")
            .expect("the city list");
        assert!(
            cities
                .parameters
                .iter()
                .any(|p| p.name == "country" && p.location == "query")
        );
        assert!(cities.responses.iter().any(|(status, _)| status == "400"));
        let propose = tags
            .iter()
            .flat_map(|t| &t.operations)
            .find(|o| o.method == "POST" && o.path == "/api/v1/partnerships")
            .expect("a proposal");
        assert!(propose.needs_token);
        let body = propose.body.as_ref().expect("a body");
        assert_eq!(body.content_type, "application/json");
        assert!(
            body.fields
                .iter()
                .any(|f| f.name == "invited" && f.required)
        );
    }

    #[test]
    fn backticks_mark_code_and_everything_else_is_escaped() {
        assert_eq!(
            pieces("Page size, `1` to 500 <b>."),
            "Page size, <code>1</code> to 500 &lt;b&gt;."
        );
        assert_eq!(pieces("`<script>`"), "<code>&lt;script&gt;</code>");
    }
}
