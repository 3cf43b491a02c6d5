//! Architecture test: the dependency rules of ARCHITECTURE.md "Rules" (1 and 2), checked as
//! an allow-list on every `.rs` file under `src/`.
//!
//! - `src/domain/` names only std, core, alloc, chrono, uuid, serde, thiserror and
//!   `crate::domain`; a context (`src/domain/<ctx>/`) names only its own domain and
//!   `crate::domain::shared`; `src/domain/shared/` names only `crate::domain::shared`.
//! - `src/application/` names what domain may, plus tracing and `crate::application`.
//! - `src/adapters/`, `src/startup/` (the composition root), `src/main.rs`, `src/lib.rs` and
//!   `src/bin/` may name anything.
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

/// Crates every Rust program can name without declaring them.
const BUILTIN_CRATES: &[&str] = &["std", "core", "alloc"];

/// The layer a file belongs to, from its path.
#[derive(Debug, Clone, PartialEq)]
enum Layer {
    /// `src/domain/…`; `context` is the module below `domain` (None for `src/domain/mod.rs`).
    Domain { context: Option<String> },
    /// `src/application/…`.
    Application,
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
        Layer::Application
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
            Layer::Application => (
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
            Layer::Application => {
                if top != Some("domain") && top != Some("application") {
                    self.report(
                        span,
                        format!(
                            "application names {written} \
                             (allowed: crate::domain, crate::application)"
                        ),
                    );
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
