//! What adding a context costs outside it (docs/adding-a-context.md): the places every
//! context shares (the platform's) name no context, except where a context registers
//! itself with one line each: its `pub mod` line in the folder of each layer it has, and
//! its name in the composition root's list of contexts (`contexts![…]`). So a new context changes exactly
//! those lines outside its own folders, plus its new migration folder.
//!
//! The access context is the platform's gatekeeper: the caller of every request is its
//! user, passwords are hashed through its port, sessions are its table. The shared places
//! that name it are listed here; no other context is named by them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::{self, Visit};

/// The contexts: the modules of `src/startup/` other than the platform's (`mod.rs`,
/// `web.rs`, `cli.rs`).
fn contexts(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(root.join("src/startup"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs")?.to_string();
            (!["mod", "web", "cli"].contains(&stem.as_str())).then_some(stem)
        })
        .collect();
    out.sort();
    out
}

/// True when `rel` (a path relative to the crate root, with `/`) lies in one of the
/// folders (or the module file) of context `c`.
fn belongs_to(rel: &str, c: &str) -> bool {
    [
        format!("src/domain/{c}/"),
        format!("src/application/{c}/"),
        format!("src/adapters/http/{c}/"),
        format!("src/adapters/persistence/{c}/"),
        format!("src/adapters/importers/{c}/"),
        format!("templates/{c}/"),
    ]
    .iter()
    .any(|p| rel.starts_with(p.as_str()))
        || rel == format!("src/startup/{c}.rs")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The names of modules a Rust file's code refers to, outside its `#[cfg(test)]` modules,
/// each with its line: the modules it declares (`pub mod landings;`), the segments of its
/// paths and `use` trees that lead somewhere (`landings` in
/// `crate::adapters::http::landings::endpoints`), and the names in its macros' tokens (the
/// list of contexts). A field or variable that happens to share a context's name is not a
/// reference to it.
struct Idents(Vec<(String, usize)>);

impl<'ast> Visit<'ast> for Idents {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        let is_test = node.attrs.iter().any(|a| {
            a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
        });
        if !is_test {
            self.0
                .push((node.ident.to_string(), node.ident.span().start().line));
            visit::visit_item_mod(self, node);
        }
    }

    fn visit_path(&mut self, node: &'ast syn::Path) {
        let n = node.segments.len();
        for s in node.segments.iter().take(n.saturating_sub(1)) {
            self.0
                .push((s.ident.to_string(), s.ident.span().start().line));
        }
        visit::visit_path(self, node);
    }

    fn visit_use_path(&mut self, node: &'ast syn::UsePath) {
        self.0
            .push((node.ident.to_string(), node.ident.span().start().line));
        visit::visit_use_path(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        visit::visit_macro(self, node);
        if node.path.is_ident("contexts") {
            for t in node.tokens.clone() {
                if let proc_macro2::TokenTree::Ident(i) = t {
                    self.0.push((i.to_string(), i.span().start().line));
                }
            }
        } else if let Ok(args) = node.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

/// The shared places that name the access context, and why (the gatekeeper).
const ACCESS_IN_SHARED_PLACES: [&str; 7] = [
    // The caller of a request is the access context's user with their grants.
    "src/adapters/http/shared/caller.rs",
    "src/adapters/http/shared/page.rs",
    "src/adapters/http/shared/state.rs",
    // A navigation entry names the permission its page needs (shown to holders only).
    "src/adapters/http/shared/routes.rs",
    // The login guard and the session store wrap every route.
    "src/startup/web.rs",
    // Passwords are hashed and judged through the access context's ports.
    "src/adapters/security/hasher.rs",
    "src/adapters/security/password_strength.rs",
];

/// The shared places a context names when it registers itself: one line each.
fn registration(rel: &str, c: &str, line: &str) -> bool {
    let declared = line.trim() == format!("pub mod {c};");
    let listed = rel == "src/startup/mod.rs" && line.trim_start().starts_with("contexts![");
    declared
        && [
            "src/domain/mod.rs",
            "src/application/mod.rs",
            "src/adapters/http/mod.rs",
            "src/adapters/persistence/mod.rs",
            "src/adapters/importers/mod.rs",
        ]
        .contains(&rel)
        || listed
}

/// The breaches of "the shared places name a context only where it registers itself" in
/// `shared` ((path, text) of each shared place), and the places each context registers in.
fn check(
    shared: &[(String, String)],
    contexts: &[String],
) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    // Where each context is named in a shared place: (file, line text).
    let mut named: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for (rel, text) in shared {
        let lines: Vec<&str> = text.lines().collect();
        if rel.ends_with(".rs") {
            let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let mut idents = Idents(Vec::new());
            idents.visit_file(&file);
            for (ident, line) in idents.0 {
                if contexts.contains(&ident) {
                    let shown = lines.get(line - 1).copied().unwrap_or_default().to_string();
                    named.entry(ident).or_default().insert((rel.clone(), shown));
                }
            }
        } else {
            // Templates: a link to a context's pages belongs to its navigation entry.
            for c in contexts {
                if lines
                    .iter()
                    .any(|l| l.contains(&format!("/{c}")) || l.contains(c.as_str()))
                {
                    named
                        .entry(c.clone())
                        .or_default()
                        .insert((rel.clone(), format!("mentions {c}")));
                }
            }
        }
    }

    let mut breaches = Vec::new();
    let mut registered: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in contexts {
        for (rel, line) in named.get(c).cloned().unwrap_or_default() {
            if registration(&rel, c, &line) {
                registered.entry(c.clone()).or_default().insert(rel);
            } else if !(c == "access" && ACCESS_IN_SHARED_PLACES.contains(&rel.as_str())) {
                breaches.push(format!("{rel} names the context `{c}`: {}", line.trim()));
            }
        }
    }
    (breaches, registered)
}

#[test]
fn a_shared_place_that_knows_a_context_is_caught() {
    let contexts = vec!["landings".to_string(), "tracking".to_string()];
    let shared = vec![
        (
            "src/adapters/http/mod.rs".to_string(),
            "pub mod landings;\npub mod tracking;\n".to_string(),
        ),
        (
            "src/adapters/http/shared/page.rs".to_string(),
            "fn f() { let access = 1; crate::adapters::http::landings::endpoints(); }\n"
                .to_string(),
        ),
        (
            "templates/_layout.html".to_string(),
            "<a href=\"/tracking\">Tracking</a>".to_string(),
        ),
    ];
    let (breaches, registered) = check(&shared, &contexts);
    assert_eq!(breaches.len(), 2, "{breaches:#?}");
    assert!(
        breaches[0].starts_with("src/adapters/http/shared/page.rs names the context `landings`")
    );
    assert!(breaches[1].starts_with("templates/_layout.html names the context `tracking`"));
    assert_eq!(registered["landings"].len(), 1);
}

#[test]
fn the_shared_places_name_a_context_only_where_it_registers_itself() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let contexts = contexts(root);
    assert_eq!(
        contexts,
        [
            "access",
            "estimation",
            "geography",
            "landings",
            "spatial_catch",
            "tracking"
        ],
        "the contexts of the list"
    );
    let mut all = Vec::new();
    for dir in ["src", "templates"] {
        files(&root.join(dir), &mut all);
    }
    let shared: Vec<(String, PathBuf)> = all
        .into_iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            (!contexts.iter().any(|c| belongs_to(&rel, c))).then_some((rel, p))
        })
        .collect();
    assert!(
        shared
            .iter()
            .any(|(r, _)| r == "src/adapters/http/shared/page.rs"),
        "the shared places are read"
    );

    let texts: Vec<(String, String)> = shared
        .iter()
        .map(|(rel, path)| (rel.clone(), fs::read_to_string(path).unwrap_or_default()))
        .collect();
    let (breaches, registered) = check(&texts, &contexts);
    assert!(
        breaches.is_empty(),
        "shared places that know a context beyond its registration:\n{}",
        breaches.join("\n")
    );

    // What a context changes outside its folders: its registration lines. A context with
    // every layer (landings) registers in 6 files; with no importers, 5.
    let landings: Vec<&str> = registered["landings"].iter().map(String::as_str).collect();
    assert_eq!(
        landings,
        [
            "src/adapters/http/mod.rs",
            "src/adapters/importers/mod.rs",
            "src/adapters/persistence/mod.rs",
            "src/application/mod.rs",
            "src/domain/mod.rs",
            "src/startup/mod.rs",
        ]
    );
    // The newest context, added by following docs/adding-a-context.md, took the same six.
    let estimation: Vec<&str> = registered["estimation"]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(estimation, landings);
    for c in &contexts {
        assert!(
            registered[c].contains("src/startup/mod.rs"),
            "{c} is in the list of contexts"
        );
        assert!(
            registered[c].len() <= 6,
            "{c} registers in {:?}",
            registered[c]
        );
    }
}
