//! Architecture test: the dependency rules of ARCHITECTURE.md "Rules" (1, 2 and 3), checked
//! as allow-lists on every `.rs` file under `src/` and every migration folder.
//!
//! - `src/domain/` names only std, core, alloc, chrono, uuid, serde, thiserror and
//!   `crate::domain`; a context (`src/domain/<ctx>/`) names only its own domain and
//!   `crate::domain::shared`; `src/domain/shared/` names only `crate::domain::shared`.
//! - `src/application/` names what domain may, plus tracing and `crate::application`; an
//!   application context (`src/application/<ctx>/`) names only its own context, the shared
//!   kernel and shared application, and the other contexts' ports and published events
//!   listed in [`ALLOWED_CROSS_CONTEXT`]; `src/application/shared/` names no context.
//! - `src/adapters/`, `src/startup/` (the composition root), `src/main.rs`, `src/lib.rs` and
//!   `src/bin/` may name anything, except that a persistence adapter of context A
//!   (`src/adapters/persistence/<A>/`) names in its SQL string literals and `table!`
//!   declarations only schema A or other contexts' published views (`v<N>_…`), and never
//!   another context's diesel `schema` module; `persistence/shared` names only the
//!   `platform` schema.
//! - A migration folder `<timestamp>_<schema>_<change>` names only its schema, other
//!   contexts' published views and the access schema's scope functions of row-level
//!   security (the folders applied before this rule are listed in
//!   [`APPLIED_BEFORE_THE_RULE`]).
//! - Any other file under `src/` is in no layer and is reported, so that its rules are decided.
//!
//! A name is the first segment of a `use` tree (groups and globs expanded), of any path of
//! two or more segments (types, expressions, patterns, trait bounds, macro invocations and
//! the expressions inside macro arguments when they parse as such), of an attribute
//! (`#[diesel(...)]`) and of a path in `#[derive(...)]`. A first segment is an external crate
//! when it is std, core, alloc or a dependency of Cargo.toml; `crate`, `self` and `super`
//! paths are resolved against the module they are written in (inline modules included).

use std::fs;
use std::path::{Path as FsPath, PathBuf};

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ItemExternCrate, ItemMod, ItemUse, Macro, Meta, Path, Token, UseTree};

/// External crates the domain may name.
const DOMAIN_CRATES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "chrono",
    "uuid",
    "serde",
    "thiserror",
];

/// External crates the application may name on top of the domain's.
const APPLICATION_EXTRA_CRATES: &[&str] = &["tracing"];

/// The ports (and published events) of other contexts that an application context may
/// name: (context, path below the crate root it may name). Everything else of another
/// context is refused; a new entry here is a decision about the dependency between two
/// contexts.
const ALLOWED_CROSS_CONTEXT: &[(&str, &str)] = &[
    // The dashboard draws the municipalities of geography's published boundaries.
    ("landings", "application::geography::ports"),
    // Spatial catch rebuilds its models on the events of landings and tracking…
    ("spatial_catch", "domain::landings::events"),
    ("spatial_catch", "domain::tracking::events"),
    // …and tells what the rebuild found after an import.
    ("spatial_catch", "application::ingestion::ports"),
];

/// Why an application module of `context` may not name `absolute` (a path below the crate
/// root), or `None` when it may: its own context, the shared kernel and the shared
/// application, and the entries of [`ALLOWED_CROSS_CONTEXT`]. `application::shared` names
/// no context at all.
fn cross_context(context: &str, absolute: &[String]) -> Option<String> {
    let (Some(layer), Some(named)) = (absolute.first(), absolute.get(1)) else {
        return None;
    };
    if named == "shared" {
        return None;
    }
    if context == "shared" {
        return Some(format!(
            "application::shared names the context `{named}` (it may name only \
             crate::application::shared and crate::domain::shared)"
        ));
    }
    if named == context {
        return None;
    }
    let joined = absolute.join("::");
    let allowed = ALLOWED_CROSS_CONTEXT.iter().any(|(c, prefix)| {
        *c == context && (joined == *prefix || joined.starts_with(&format!("{prefix}::")))
    });
    if allowed {
        None
    } else {
        Some(format!(
            "application context `{context}` names another context's {layer} \
             (allowed: its own, shared, and the ports listed in ALLOWED_CROSS_CONTEXT)"
        ))
    }
}

/// Crates every Rust program can name without declaring them.
const BUILTIN_CRATES: &[&str] = &["std", "core", "alloc"];

/// The layer a file belongs to, from its path.
#[derive(Debug, Clone, PartialEq)]
enum Layer {
    /// `src/domain/…`; `context` is the module below `domain` (None for `src/domain/mod.rs`).
    Domain { context: Option<String> },
    /// `src/application/…`; `context` is the module below `application` (None for
    /// `src/application/mod.rs`).
    Application { context: Option<String> },
    /// Adapters and composition roots: may name anything.
    Unrestricted,
    /// A file under `src/` in no known layer.
    Unknown,
}

/// The module path of a file below the crate root, e.g. `src/domain/landings/rules.rs` →
/// `[domain, landings, rules]`, `src/domain/mod.rs` → `[domain]`, `src/lib.rs` → `[]`.
fn module_path(rel_path: &str) -> Vec<String> {
    let inside = rel_path.strip_prefix("src/").unwrap_or(rel_path);
    let inside = inside.strip_suffix(".rs").unwrap_or(inside);
    let mut parts: Vec<String> = inside.split('/').map(str::to_string).collect();
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        parts.clear();
    } else if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts
}

fn layer_of(rel_path: &str, module: &[String]) -> Layer {
    if rel_path.starts_with("src/domain/") {
        Layer::Domain {
            context: module.get(1).cloned(),
        }
    } else if rel_path.starts_with("src/application/") {
        Layer::Application {
            context: module.get(1).cloned(),
        }
    } else if rel_path.starts_with("src/adapters/")
        || rel_path.starts_with("src/startup/")
        || rel_path.starts_with("src/bin/")
        || rel_path == "src/main.rs"
        || rel_path == "src/lib.rs"
    {
        Layer::Unrestricted
    } else {
        Layer::Unknown
    }
}

/// Walks one file's syntax tree and records every name its layer may not use.
struct Checker<'a> {
    layer: Layer,
    /// The module the visitor is in: the file's module plus the inline modules entered.
    module: Vec<String>,
    crates: &'a [String],
    found: Vec<(usize, String)>,
}

impl Checker<'_> {
    fn report(&mut self, span: Span, message: String) {
        self.found.push((span.start().line, message));
    }

    fn is_external_crate(&self, name: &str) -> bool {
        BUILTIN_CRATES.contains(&name) || self.crates.iter().any(|c| c == name)
    }

    /// Checks a path given by its segments; `shown` is how it is written in the source.
    fn check_segments(
        &mut self,
        segments: &[String],
        leading_colon: bool,
        shown: &str,
        span: Span,
    ) {
        let Some(first) = segments.first() else {
            return;
        };
        match first.as_str() {
            "Self" => {}
            "crate" | "self" | "super" => match self.resolve(segments) {
                Some(absolute) => self.check_internal(&absolute, shown, span),
                None => self.report(
                    span,
                    format!("`{shown}` goes above the crate root with `super`"),
                ),
            },
            name if leading_colon || self.is_external_crate(name) => {
                let name = name.to_string();
                self.check_external(&name, shown, span);
            }
            // A local name: a module, type, variable or something imported (the import itself
            // is checked where it is written).
            _ => {}
        }
    }

    /// The path below the crate root that a `crate`/`self`/`super` path names, or None when
    /// `super` goes above the crate root.
    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        let (mut absolute, mut rest) = if segments[0] == "crate" {
            (Vec::new(), &segments[1..])
        } else {
            (self.module.clone(), segments)
        };
        while let Some(first) = rest.first() {
            match first.as_str() {
                "self" => rest = &rest[1..],
                "super" => {
                    absolute.pop()?;
                    rest = &rest[1..];
                }
                _ => break,
            }
        }
        absolute.extend(rest.iter().cloned());
        Some(absolute)
    }

    fn check_external(&mut self, name: &str, shown: &str, span: Span) {
        let (layer, allowed): (&str, Vec<&str>) = match &self.layer {
            Layer::Domain { .. } => ("domain", DOMAIN_CRATES.to_vec()),
            Layer::Application { .. } => (
                "application",
                DOMAIN_CRATES
                    .iter()
                    .chain(APPLICATION_EXTRA_CRATES)
                    .copied()
                    .collect(),
            ),
            Layer::Unrestricted | Layer::Unknown => return,
        };
        if !allowed.contains(&name) {
            let also = if layer == "domain" {
                "crate::domain"
            } else {
                "crate::domain, crate::application"
            };
            self.report(
                span,
                format!(
                    "{layer} names `{name}` in `{shown}` (allowed: {}, {also})",
                    allowed.join(", ")
                ),
            );
        }
    }

    /// Checks a path below the crate root (`absolute` has no leading `crate`).
    fn check_internal(&mut self, absolute: &[String], shown: &str, span: Span) {
        let full = if absolute.is_empty() {
            "crate".to_string()
        } else {
            format!("crate::{}", absolute.join("::"))
        };
        let written = if shown == full {
            format!("`{shown}`")
        } else {
            format!("`{shown}` (= `{full}`)")
        };
        let top = absolute.first().map(String::as_str);
        let below_domain = absolute.get(1).map(String::as_str);
        match self.layer.clone() {
            Layer::Domain { context } => {
                if top != Some("domain") {
                    self.report(
                        span,
                        format!(
                            "domain names {written} (allowed: {}, crate::domain)",
                            DOMAIN_CRATES.join(", ")
                        ),
                    );
                    return;
                }
                let Some(context) = context else {
                    return;
                };
                if context == "shared" {
                    if below_domain != Some("shared") {
                        self.report(
                            span,
                            format!(
                                "domain::shared names {written} \
                                 (shared may name only crate::domain::shared)"
                            ),
                        );
                    }
                } else if below_domain != Some(context.as_str()) && below_domain != Some("shared") {
                    self.report(
                        span,
                        format!(
                            "context `{context}` names another context's domain: {written} \
                             (allowed: crate::domain::{context}, crate::domain::shared)"
                        ),
                    );
                }
            }
            Layer::Application { context } => {
                if top != Some("domain") && top != Some("application") {
                    self.report(
                        span,
                        format!(
                            "application names {written} \
                             (allowed: crate::domain, crate::application)"
                        ),
                    );
                    return;
                }
                let Some(context) = context else {
                    return;
                };
                if let Some(why) = cross_context(&context, absolute) {
                    self.report(span, format!("{why}: {written}"));
                }
            }
            Layer::Unrestricted | Layer::Unknown => {}
        }
    }

    /// Checks a `syn::Path`; single-segment paths only when `even_single` (attribute names).
    fn check_path(&mut self, path: &Path, even_single: bool) {
        if path.segments.len() < 2 && !even_single {
            return;
        }
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let shown = format!(
            "{}{}",
            if path.leading_colon.is_some() {
                "::"
            } else {
                ""
            },
            segments.join("::")
        );
        self.check_segments(&segments, path.leading_colon.is_some(), &shown, path.span());
    }

    /// Checks an attribute's meta: its name, the paths in `derive(...)`, and the attributes
    /// inside `cfg_attr(..., ...)`.
    fn check_meta(&mut self, meta: &Meta) {
        let path = meta.path();
        self.check_path(path, true);
        let Meta::List(list) = meta else {
            return;
        };
        if path.is_ident("derive") {
            if let Ok(derived) =
                list.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            {
                for derived in &derived {
                    self.check_path(derived, true);
                }
            }
        } else if path.is_ident("cfg_attr")
            && let Ok(metas) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        {
            for inner in metas.iter().skip(1) {
                self.check_meta(inner);
            }
        }
    }
}

/// Expands a `use` tree into its full paths (groups and globs expanded; `self` in a group
/// names its parent), each with the span of its last segment.
fn flatten_use(
    tree: &UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, String, Span)>,
) {
    let mut leaf = |prefix: &Vec<String>, name: Option<String>, span: Span, glob: bool| {
        let mut segments = prefix.clone();
        if let Some(name) = name.filter(|n| n != "self") {
            segments.push(name);
        }
        let mut shown = segments.join("::");
        if glob {
            shown.push_str("::*");
        }
        out.push((segments, shown, span));
    };
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Name(n) => leaf(prefix, Some(n.ident.to_string()), n.ident.span(), false),
        UseTree::Rename(r) => leaf(prefix, Some(r.ident.to_string()), r.ident.span(), false),
        UseTree::Glob(g) => leaf(prefix, None, g.span(), true),
        UseTree::Group(g) => {
            for item in &g.items {
                flatten_use(item, prefix, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_item_use(&mut self, node: &'ast ItemUse) {
        for attr in &node.attrs {
            self.visit_attribute(attr);
        }
        let mut paths = Vec::new();
        flatten_use(&node.tree, &mut Vec::new(), &mut paths);
        let leading_colon = node.leading_colon.is_some();
        for (segments, shown, span) in paths {
            let shown = if leading_colon {
                format!("::{shown}")
            } else {
                shown
            };
            self.check_segments(&segments, leading_colon, &shown, span);
        }
    }

    fn visit_item_extern_crate(&mut self, node: &'ast ItemExternCrate) {
        for attr in &node.attrs {
            self.visit_attribute(attr);
        }
        if node.ident != "self" {
            let name = node.ident.to_string();
            self.check_segments(std::slice::from_ref(&name), true, &name, node.ident.span());
        }
    }

    fn visit_item_mod(&mut self, node: &'ast ItemMod) {
        if node.content.is_some() {
            self.module.push(node.ident.to_string());
            visit::visit_item_mod(self, node);
            self.module.pop();
        } else {
            visit::visit_item_mod(self, node);
        }
    }

    fn visit_path(&mut self, node: &'ast Path) {
        self.check_path(node, false);
        visit::visit_path(self, node);
    }

    fn visit_attribute(&mut self, node: &'ast Attribute) {
        self.check_meta(&node.meta);
        if let Meta::NameValue(name_value) = &node.meta {
            self.visit_expr(&name_value.value);
        }
    }

    fn visit_macro(&mut self, node: &'ast Macro) {
        // The macro's own path (`tracing::info!`, `diesel::table!`).
        visit::visit_macro(self, node);
        // Its arguments when they are expressions (`format!`, `assert_eq!`, `vec!`…).
        if !node.path.is_ident("macro_rules")
            && let Ok(args) = node.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

/// Every rule `source` (the file at `rel_path`, relative to the crate root, with `/`) breaks,
/// as `path:line: message`, in line order. `crates` are the names of the dependencies as
/// written in code (`actix_web`, not `actix-web`).
fn violations(rel_path: &str, source: &str, crates: &[String]) -> Vec<String> {
    let module = module_path(rel_path);
    let layer = layer_of(rel_path, &module);
    if layer == Layer::Unknown {
        return vec![format!(
            "{rel_path}:1: file is in no layer (domain, application, adapters, startup, main.rs, \
             lib.rs, bin/): put it in one, or give its place a rule in tests/architecture.rs"
        )];
    }
    let file = match syn::parse_file(source) {
        Ok(file) => file,
        Err(error) => {
            return vec![format!(
                "{rel_path}:{}: does not parse: {error}",
                error.span().start().line
            )];
        }
    };
    let mut checker = Checker {
        layer,
        module,
        crates,
        found: Vec::new(),
    };
    checker.visit_file(&file);
    let mut found = checker.found;
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|(line, message)| format!("{rel_path}:{line}: {message}"))
        .collect()
}

/// The dependency names of a Cargo.toml (all dependency tables), `-` turned into `_`.
fn dependency_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let header = line.trim_matches(|c| c == '[' || c == ']').trim();
            in_dependencies = header.ends_with("dependencies");
            // `[dependencies.foo]`, `[dev-dependencies.foo]`.
            if let Some((_, name)) = header.rsplit_once("dependencies.") {
                names.push(name.trim_matches('"').replace('-', "_"));
            }
            continue;
        }
        if !in_dependencies || line.starts_with('#') {
            continue;
        }
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                names.push(key.replace('-', "_"));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn rust_files(dir: &FsPath, out: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_file_keeps_the_dependency_rules() {
    let root = FsPath::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let crates = dependency_names(&manifest);
    assert!(
        crates.iter().any(|c| c == "serde"),
        "no dependencies read from Cargo.toml: {crates:?}"
    );

    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    assert!(
        files
            .iter()
            .any(|f| f.starts_with(root.join("src").join("domain"))),
        "no files found under src/domain"
    );

    let mut all = Vec::new();
    for file in &files {
        let rel_path = file
            .strip_prefix(root)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let source = fs::read_to_string(file).unwrap();
        all.extend(violations(&rel_path, &source, &crates));
    }
    assert!(
        all.is_empty(),
        "{} dependency rule violation(s) (ARCHITECTURE.md \"Rules\" 1 and 2):\n{}\n",
        all.len(),
        all.join("\n")
    );
}

/// The dependency names the synthetic sources below are checked with.
fn test_crates() -> Vec<String> {
    [
        "actix_web",
        "chrono",
        "diesel",
        "serde",
        "serde_json",
        "thiserror",
        "tracing",
        "uuid",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect()
}

#[test]
fn domain_naming_diesel_is_caught() {
    let found = violations(
        "src/domain/landings/x.rs",
        "use std::fmt;\nuse diesel::prelude::*;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("src/domain/landings/x.rs:2: domain names `diesel`"),
        "{found:#?}"
    );
}

#[test]
fn domain_naming_adapters_is_caught() {
    let found = violations(
        "src/domain/landings/x.rs",
        "use crate::adapters::http::AppState;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "src/domain/landings/x.rs:1: domain names `crate::adapters::http::AppState`"
        ),
        "{found:#?}"
    );
}

#[test]
fn one_context_naming_another_is_caught() {
    let found = violations(
        "src/domain/landings/x.rs",
        "use crate::domain::geography::Jurisdiction;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "src/domain/landings/x.rs:1: context `landings` names another context's domain"
        ),
        "{found:#?}"
    );
}

#[test]
fn super_leaving_the_context_is_caught() {
    let found = violations(
        "src/domain/landings/x.rs",
        "fn f() -> super::super::geography::Jurisdiction { todo!() }\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("(= `crate::domain::geography::Jurisdiction`)"),
        "{found:#?}"
    );
}

#[test]
fn shared_naming_a_context_is_caught() {
    let found = violations(
        "src/domain/shared/x.rs",
        "use crate::domain::landings::Species;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("src/domain/shared/x.rs:1: domain::shared names"),
        "{found:#?}"
    );
}

#[test]
fn application_naming_actix_is_caught() {
    let source = "\
use crate::domain::shared::Kilograms;

pub fn f() {
    let _ = actix_web::HttpResponse::Ok();
}
";
    let found = violations("src/application/landings/x.rs", source, &test_crates());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("src/application/landings/x.rs:4: application names `actix_web`"),
        "{found:#?}"
    );
}

#[test]
fn application_naming_adapters_is_caught() {
    let found = violations(
        "src/application/landings/x.rs",
        "use crate::adapters::persistence::shared::PgPool;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn a_macro_path_is_caught() {
    let found = violations(
        "src/domain/landings/x.rs",
        "fn f() {\n    tracing::info!(\"x\");\n}\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("src/domain/landings/x.rs:2: domain names `tracing`"),
        "{found:#?}"
    );
}

#[test]
fn a_path_inside_macro_arguments_is_caught() {
    let found = violations(
        "src/domain/landings/x.rs",
        "fn f() -> String {\n    format!(\"{}\", serde_json::json!(1))\n}\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("`serde_json`"), "{found:#?}");
}

#[test]
fn diesel_attributes_and_derives_in_domain_are_caught() {
    let source = "\
#[derive(Debug, diesel::Queryable)]
#[diesel(table_name = landings)]
pub struct Row { pub id: i64 }
";
    let found = violations("src/domain/landings/x.rs", source, &test_crates());
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("src/domain/landings/x.rs:1:"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("src/domain/landings/x.rs:2:"),
        "{found:#?}"
    );
}

#[test]
fn allowed_names_pass() {
    let source = "\
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::BoatType;
use crate::domain::landings::species::Species;
use crate::domain::shared::{self, Kilograms};

#[derive(Debug, Clone, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = \"snake_case\")]
pub enum Problem {
    #[error(\"bad date {0}\")]
    BadDate(NaiveDate),
}

pub fn f(b: BoatType, s: Species, k: Kilograms) -> std::collections::HashMap<String, uuid::Uuid> {
    let _ = chrono::Utc::now();
    let _ = super::codes::BoatType::Canoe;
    let _ = (b, s, k, shared::Period::new(2020, 1));
    let _ = format!(\"{}\", core::cmp::max(1, 2));
    std::collections::HashMap::new()
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, \"{}\", Self::describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::codes::Gear;
}
";
    let found = violations("src/domain/landings/x.rs", source, &test_crates());
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn adapters_may_name_anything() {
    let source = "use diesel::prelude::*;\nuse crate::application::shared::StoreError;\nfn f() { tracing::info!(\"x\"); }\n";
    assert!(violations("src/adapters/persistence/x.rs", source, &test_crates()).is_empty());
    assert!(violations("src/main.rs", source, &test_crates()).is_empty());
}

#[test]
fn dependency_names_are_read_from_every_dependency_table() {
    let manifest = "\
[package]
name = \"tasi\"

[dependencies]
actix-web = { version = \"4\", features = [\"macros\"] }
serde = \"1\"

[dev-dependencies]
syn = \"2\"

[dependencies.tracing-subscriber]
version = \"0.3\"
";
    assert_eq!(
        dependency_names(manifest),
        ["actix_web", "serde", "syn", "tracing_subscriber"]
    );
}

#[test]
fn an_application_context_naming_another_contexts_domain_is_caught() {
    let found = violations(
        "src/application/tracking/x.rs",
        "use crate::domain::landings::SurveyedLanding;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "src/application/tracking/x.rs:1: application context `tracking` names another context's domain"
        ),
        "{found:#?}"
    );
    let found = violations(
        "src/application/landings/x.rs",
        "fn f(q: &dyn crate::application::tracking::ports::TrackingQueries) {}\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn application_shared_naming_a_context_is_caught() {
    let found = violations(
        "src/application/shared/x.rs",
        "use crate::application::landings::ports::LandingQueries;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("application::shared names the context `landings`"),
        "{found:#?}"
    );
}

#[test]
fn the_allowed_ports_and_events_of_other_contexts_pass() {
    let source = "\
use crate::application::geography::ports::GeographyQueries;
use crate::application::shared::StoreError;
use crate::domain::landings::Review;
use crate::domain::shared::AccessScope;
";
    assert!(violations("src/application/landings/x.rs", source, &test_crates()).is_empty());
    let source = "\
use crate::domain::landings::events::LandingReviewed;
use crate::domain::tracking::events::TrackedTripsImported;
use crate::application::ingestion::ports::ImportReporter;
";
    assert!(violations("src/application/spatial_catch/x.rs", source, &test_crates()).is_empty());
    // The event module, not the rest of the producer's domain.
    let found = violations(
        "src/application/spatial_catch/x.rs",
        "use crate::domain::landings::rules::Peskaas2020;\n",
        &test_crates(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
}

// ---------------------------------------------------------------------------------------
// Rule 3: each context owns its schema. A persistence adapter of context A names, in its
// SQL, only schema A or another context's published views (`v<N>_…`); it never names another
// context's diesel `schema` module (its tables by type); a migration folder touches one
// context's schema (or the platform's).

/// The schemas the migrations create (`CREATE SCHEMA name`).
fn schemas(root: &FsPath) -> Vec<String> {
    let mut out = Vec::new();
    for dir in fs::read_dir(root.join("migrations")).unwrap().flatten() {
        let sql = fs::read_to_string(dir.path().join("up.sql")).unwrap_or_default();
        let lower = sql.to_lowercase();
        for piece in lower.split("create schema ").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out.sort();
    out
}

/// SQL without its `--` comments.
fn without_comments(sql: &str) -> String {
    sql.lines()
        .map(|l| l.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The schema-qualified names (`schema.object`) of `sql` whose schema is one of `schemas`,
/// lower-cased.
fn qualified_names(sql: &str, schemas: &[String]) -> Vec<(String, String)> {
    let sql = without_comments(sql).to_lowercase();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if word(chars[i]) && (i == 0 || !(word(chars[i - 1]) || chars[i - 1] == '.')) {
            let start = i;
            while i < chars.len() && word(chars[i]) {
                i += 1;
            }
            let first: String = chars[start..i].iter().collect();
            if i + 1 < chars.len() && chars[i] == '.' && word(chars[i + 1]) {
                let s2 = i + 1;
                let mut j = s2;
                while j < chars.len() && word(chars[j]) {
                    j += 1;
                }
                let second: String = chars[s2..j].iter().collect();
                if schemas.contains(&first) {
                    out.push((first, second));
                }
                i = j;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// True when `object` is a published view: `v<digits>_…`.
fn is_published_view(object: &str) -> bool {
    let rest = object.strip_prefix('v').unwrap_or_default();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && rest[digits..].starts_with('_')
}

/// The context of a persistence adapter (`src/adapters/persistence/<ctx>/…`); `platform`
/// for `persistence/shared`; `None` outside persistence.
fn persistence_context(rel_path: &str) -> Option<String> {
    let rest = rel_path.strip_prefix("src/adapters/persistence/")?;
    let (first, _) = rest.split_once('/')?;
    Some(if first == "shared" {
        "platform".to_string()
    } else {
        first.to_string()
    })
}

/// Walks a persistence adapter's syntax tree: its string literals (SQL), the tokens of its
/// `table!` declarations, and its paths to other contexts' diesel schema modules.
struct SqlChecker<'a> {
    context: String,
    schemas: &'a [String],
    found: Vec<(usize, String)>,
}

impl SqlChecker<'_> {
    fn check_sql(&mut self, line: usize, sql: &str) {
        for (schema, object) in qualified_names(sql, self.schemas) {
            if schema != self.context && !is_published_view(&object) {
                self.found.push((
                    line,
                    format!(
                        "SQL names `{schema}.{object}`: a persistence adapter of `{}` names only \
                         its own schema and other contexts' published views (v<N>_…)",
                        self.context
                    ),
                ));
            }
        }
    }
}

/// True for `#[cfg(test)]`.
fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

impl<'ast> Visit<'ast> for SqlChecker<'_> {
    fn visit_item_mod(&mut self, node: &'ast ItemMod) {
        // Unit tests' strings (consumer names, fixtures) are not the adapter's SQL.
        if !is_cfg_test(&node.attrs) {
            visit::visit_item_mod(self, node);
        }
    }

    fn visit_lit_str(&mut self, node: &'ast syn::LitStr) {
        self.check_sql(node.span().start().line, &node.value());
    }

    fn visit_macro(&mut self, node: &'ast Macro) {
        visit::visit_macro(self, node);
        if node
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "table")
        {
            let text = node.tokens.to_string().replace(" . ", ".");
            self.check_sql(node.span().start().line, &text);
        } else if let Ok(args) =
            node.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }

    fn visit_path(&mut self, node: &'ast Path) {
        let segments: Vec<String> = node.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(i) = segments.iter().position(|s| s == "persistence")
            && let (Some(ctx), Some(module)) = (segments.get(i + 1), segments.get(i + 2))
            && module == "schema"
            && *ctx != self.context
        {
            self.found.push((
                node.span().start().line,
                format!(
                    "names `{}`: another context's tables (use its published views)",
                    segments.join("::")
                ),
            ));
        }
        visit::visit_path(self, node);
    }

    fn visit_item_use(&mut self, node: &'ast ItemUse) {
        let mut paths = Vec::new();
        flatten_use(&node.tree, &mut Vec::new(), &mut paths);
        for (segments, shown, span) in paths {
            if let Some(i) = segments.iter().position(|s| s == "persistence")
                && let (Some(ctx), Some(module)) = (segments.get(i + 1), segments.get(i + 2))
                && module == "schema"
                && *ctx != self.context
            {
                self.found.push((
                    span.start().line,
                    format!("names `{shown}`: another context's tables (use its published views)"),
                ));
            }
        }
    }
}

/// Every breach of rule 3 in the persistence adapter at `rel_path`, as `path:line: message`.
fn sql_violations(rel_path: &str, source: &str, schemas: &[String]) -> Vec<String> {
    let Some(context) = persistence_context(rel_path) else {
        return Vec::new();
    };
    let Ok(file) = syn::parse_file(source) else {
        return vec![format!("{rel_path}:1: does not parse")];
    };
    let mut checker = SqlChecker {
        context,
        schemas,
        found: Vec::new(),
    };
    checker.visit_file(&file);
    let mut found = checker.found;
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|(line, message)| format!("{rel_path}:{line}: {message}"))
        .collect()
}

/// Functions of the access schema every context's row-level-security policies call: the
/// scope of the current transaction (see the `access_row_level_security` migration).
const SHARED_SQL_FUNCTIONS: [(&str, &str); 2] =
    [("access", "scope_paths"), ("access", "scope_prefixes")];

/// Migrations applied before rule 3 was checked: a migration once applied is never edited
/// (diesel records it by version), so these stay as they are. Each named here touches two
/// schemas: `access_row_level_security` sets the policies of every fishery table;
/// `spatial_catch_init` created the view `landings.v1_landing_trackers` for spatial catch;
/// `spatial_catch_products` created `tracking.v1_vessel_activity`. Later migrations keep
/// to one schema.
const APPLIED_BEFORE_THE_RULE: [&str; 3] = [
    "20261121000008_access_row_level_security",
    "20261121000011_spatial_catch_init",
    "20261121000012_spatial_catch_products",
];

/// The schema a migration folder `<timestamp>_<schema>_<change>` belongs to: the longest
/// schema name its name continues with.
fn migration_schema(folder: &str, schemas: &[String]) -> Option<String> {
    let rest = folder.split_once('_')?.1;
    schemas
        .iter()
        .filter(|s| rest == s.as_str() || rest.starts_with(&format!("{s}_")))
        .max_by_key(|s| s.len())
        .cloned()
}

/// Every breach of "one migration folder touches one context's schema" in `sql` (the
/// folder's `up.sql` and `down.sql`), as `folder: message`.
fn migration_violations(folder: &str, sql: &str, schemas: &[String]) -> Vec<String> {
    let Some(own) = migration_schema(folder, schemas) else {
        return vec![format!(
            "{folder}: the folder is named after no schema (<timestamp>_<context>_<change>)"
        )];
    };
    let mut found: Vec<String> = qualified_names(sql, schemas)
        .into_iter()
        .filter(|(schema, object)| {
            *schema != own
                && !is_published_view(object)
                && !SHARED_SQL_FUNCTIONS.contains(&(schema.as_str(), object.as_str()))
        })
        .map(|(schema, object)| {
            format!("{folder}: names `{schema}.{object}` (a migration of `{own}` touches only its schema)")
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn each_context_owns_its_tables_in_sql_and_migrations() {
    let root = FsPath::new(env!("CARGO_MANIFEST_DIR"));
    let schemas = schemas(root);
    for s in [
        "access",
        "geography",
        "landings",
        "platform",
        "spatial_catch",
        "tracking",
    ] {
        assert!(
            schemas.iter().any(|x| x == s),
            "schema {s} not found in {schemas:?}"
        );
    }
    let mut files = Vec::new();
    rust_files(&root.join("src/adapters/persistence"), &mut files);
    files.sort();
    let mut all = Vec::new();
    for file in &files {
        let rel_path = file
            .strip_prefix(root)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let source = fs::read_to_string(file).unwrap();
        all.extend(sql_violations(&rel_path, &source, &schemas));
    }
    let mut folders: Vec<PathBuf> = fs::read_dir(root.join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut grandfathered = Vec::new();
    for dir in &folders {
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        let sql = ["up.sql", "down.sql"]
            .iter()
            .map(|f| fs::read_to_string(dir.join(f)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        let found = migration_violations(&folder, &sql, &schemas);
        if APPLIED_BEFORE_THE_RULE.contains(&folder.as_str()) {
            if !found.is_empty() {
                grandfathered.push(folder);
            }
        } else {
            all.extend(found);
        }
    }
    assert!(
        all.is_empty(),
        "{} breach(es) of \"each context owns its schema\" (ARCHITECTURE.md \"Rules\" 3):\n{}\n",
        all.len(),
        all.join("\n")
    );
    assert_eq!(
        grandfathered.len(),
        APPLIED_BEFORE_THE_RULE.len(),
        "a migration listed as applied before the rule no longer breaks it: shorten the list"
    );
}

#[test]
fn a_planted_cross_schema_join_is_caught() {
    let schemas: Vec<String> = ["landings", "platform", "spatial_catch", "tracking"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let planted = "\
fn q(c: &mut PgConnection) {
    diesel::sql_query(
        \"SELECT count(*) FROM tracking.tracked_trips t
         JOIN spatial_catch.matches m ON m.trip_id = t.id\",
    );
}
";
    let found = sql_violations("src/adapters/persistence/tracking/x.rs", planted, &schemas);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(
            "src/adapters/persistence/tracking/x.rs:3: SQL names `spatial_catch.matches`"
        ),
        "{found:#?}"
    );
    // The same join on the context's published view passes; so does its own schema.
    let allowed = planted.replace("spatial_catch.matches", "spatial_catch.v1_trip_matches");
    assert!(
        sql_violations("src/adapters/persistence/tracking/x.rs", &allowed, &schemas).is_empty()
    );
    // In a `format!` too, and in a `table!` declaration of another context's table.
    let in_format =
        "fn f(t: &str) -> String { format!(\"DELETE FROM landings.catch_lines WHERE x = {t}\") }\n";
    assert_eq!(
        sql_violations(
            "src/adapters/persistence/tracking/x.rs",
            in_format,
            &schemas
        )
        .len(),
        1
    );
    let table = "diesel::table! { landings.surveyed_landings (id) { id -> Uuid, } }\n";
    assert_eq!(
        sql_violations("src/adapters/persistence/tracking/x.rs", table, &schemas).len(),
        1
    );
    // The platform's adapter names only the platform's schema.
    assert_eq!(
        sql_violations(
            "src/adapters/persistence/shared/x.rs",
            "const Q: &str = \"INSERT INTO landings.inbox VALUES (1)\";\n",
            &schemas
        )
        .len(),
        1
    );
}

#[test]
fn a_planted_path_to_another_contexts_diesel_schema_is_caught() {
    let schemas = vec!["landings".to_string(), "tracking".to_string()];
    let found = sql_violations(
        "src/adapters/persistence/tracking/x.rs",
        "use crate::adapters::persistence::landings::schema as l;\n",
        &schemas,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("another context's tables"), "{found:#?}");
}

#[test]
fn a_planted_migration_touching_two_schemas_is_caught() {
    let schemas: Vec<String> = ["access", "landings", "spatial_catch"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let sql = "-- reads landings.surveyed_landings (a comment is not SQL)
CREATE VIEW spatial_catch.v2_x AS SELECT id FROM landings.surveyed_landings;
CREATE VIEW spatial_catch.v3_y AS SELECT id FROM landings.v1_validated_landings;
CREATE POLICY p ON spatial_catch.t USING (x = ANY ((SELECT access.scope_paths())::text[]));";
    let found = migration_violations("20990101000000_spatial_catch_views", sql, &schemas);
    assert_eq!(
        found,
        vec![
            "20990101000000_spatial_catch_views: names `landings.surveyed_landings` (a migration of `spatial_catch` touches only its schema)"
                .to_string()
        ]
    );
    assert_eq!(
        migration_schema("20990101000000_spatial_catch_views", &schemas).as_deref(),
        Some("spatial_catch")
    );
    assert!(!migration_violations("20990101000000_fisheries_x", "SELECT 1", &schemas).is_empty());
}
