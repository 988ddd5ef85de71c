//! The layer graph holds: no source file under `src/<layer>/` names a layer that
//! `dxconform::LAYERS` does not allow it (a lower layer never imports a higher one).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dxconform::LAYERS;

/// The crate-level modules a source text names through `crate::…` (or `$crate::…`),
/// comments and doc comments left out.
fn named_layers(source: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in source.lines() {
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                named.insert(name);
            }
            rest = after;
        }
    }
    named
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The layer a source file belongs to: its first folder under `src/`, or its stem.
fn layer_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    Path::new(first)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let layers: BTreeSet<&str> = LAYERS.iter().map(|(name, _)| *name).collect();
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let layer = layer_of(&src, file);
        if layer == "lib" || layer == "main" {
            continue; // the crate root and the binary wire everything together
        }
        let allowed = LAYERS
            .iter()
            .find(|(name, _)| *name == layer)
            .unwrap_or_else(|| panic!("{} is in no layer of dxconform::LAYERS", file.display()))
            .1;
        checked += 1;
        let source = std::fs::read_to_string(file).unwrap();
        for named in named_layers(&source) {
            if named != layer
                && layers.contains(named.as_str())
                && !allowed.contains(&named.as_str())
            {
                violations.push(format!(
                    "{}: layer {layer} uses {named}",
                    file.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} source files found under src/"
    );
    assert!(
        violations.is_empty(),
        "layer violations (see dxconform::LAYERS):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_scanner_sees_paths_and_ignores_comments() {
    let source = "use crate::target::WireClient;\n// crate::report in a comment\n/// [`crate::cli`] in a doc\nlet x = crate::run::redact(&v); // crate::bench\n$crate::gen::Pick::new()";
    let named: Vec<String> = named_layers(source).into_iter().collect();
    assert_eq!(named, ["gen", "run", "target"]);
}

#[test]
fn the_graph_points_one_way() {
    // Each layer may use only layers listed before it: the graph has no cycle.
    for (at, (layer, allowed)) in LAYERS.iter().enumerate() {
        for used in *allowed {
            let below = LAYERS[..at].iter().any(|(name, _)| name == used);
            assert!(
                below,
                "{layer} may use {used}, which is not listed before it"
            );
        }
    }
}
