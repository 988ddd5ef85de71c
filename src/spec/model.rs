//! The specification's data model and look-ups.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::SpecError;

/// The specification compiled into the binary, so a run never depends on files
/// outside the executable (regenerate with the command in `specs/README.md`).
const BUILTIN: &str = include_str!("../../specs/directconnect.json");

/// Names to values, looked up for every member of every answer checked: a
/// hash map (FxHash: the keys are the specification's own names) kept in name
/// order, so iteration is sorted as a `BTreeMap`'s would be.
pub type ByName<V> = indexmap::IndexMap<String, V, rustc_hash::FxBuildHasher>;

/// The format version this code reads (`format` in the file).
const FORMAT_VERSION: u64 = 1;

/// Where the specification was generated from.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// Python package the model came from (`botocore`).
    pub package: String,
    /// Pinned package version.
    pub version: String,
    /// Service API version (`2012-10-25`).
    pub api_version: String,
    /// SigV4 signing name (`directconnect`).
    pub signing_name: String,
    /// `X-Amz-Target` prefix (`OvertureService`).
    pub target_prefix: String,
    /// awsJson version (`1.1`).
    pub json_version: String,
}

/// One operation: its input and output shapes and declared errors.
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    /// Input shape name.
    #[serde(default)]
    pub input: Option<String>,
    /// Output shape name.
    #[serde(default)]
    pub output: Option<String>,
    /// Declared error shapes.
    #[serde(default)]
    pub errors: Vec<String>,
    /// Marked deprecated in the model.
    #[serde(default)]
    pub deprecated: bool,
}

/// The JSON-level type of a shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeType {
    /// JSON object with declared members.
    Structure,
    /// JSON array.
    List,
    /// JSON object with arbitrary keys.
    Map,
    /// JSON string.
    String,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    Long,
    /// JSON boolean.
    Boolean,
    /// Epoch seconds as a JSON number (awsJson default format).
    Timestamp,
    /// Base64 string.
    Blob,
    /// JSON number.
    Double,
    /// JSON number.
    Float,
}

/// A structure member.
#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    /// Target shape name.
    pub shape: String,
    /// Where the target shape is in [`Spec::shapes`] (set when the spec is parsed).
    #[serde(skip)]
    pub index: usize,
    /// Marked deprecated.
    #[serde(default)]
    pub deprecated: bool,
}

/// Reference to a shape from a list or map.
#[derive(Debug, Clone, Deserialize)]
pub struct ShapeRef {
    /// Target shape name.
    pub shape: String,
    /// Where the target shape is in [`Spec::shapes`] (set when the spec is parsed).
    #[serde(skip)]
    pub index: usize,
}

/// A shape with its constraints.
#[derive(Debug, Clone, Deserialize)]
pub struct Shape {
    /// JSON-level type.
    #[serde(rename = "type")]
    pub shape_type: ShapeType,
    /// Members of a structure, in model order.
    #[serde(default)]
    pub members: ByName<Member>,
    /// Required members of a structure.
    #[serde(default)]
    pub required: Vec<String>,
    /// Allowed values of a string enum.
    #[serde(rename = "enum", default)]
    pub enum_values: Option<Vec<String>>,
    /// Minimum (length for strings/lists, value for numbers).
    #[serde(default)]
    pub min: Option<f64>,
    /// Maximum (length for strings/lists, value for numbers).
    #[serde(default)]
    pub max: Option<f64>,
    /// Regular expression a string must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Element of a list.
    #[serde(default)]
    pub member: Option<ShapeRef>,
    /// Key of a map.
    #[serde(default)]
    pub key: Option<ShapeRef>,
    /// Value of a map.
    #[serde(default)]
    pub value: Option<ShapeRef>,
    /// The value is secret (e.g. BGP auth keys): never log it.
    #[serde(default)]
    pub sensitive: bool,
    /// This shape is an error structure.
    #[serde(default)]
    pub exception: bool,
    /// `pattern`, compiled on first use (`None`: the `regex` crate cannot compile it).
    #[serde(skip)]
    compiled: OnceLock<Option<Regex>>,
}

impl Shape {
    /// The compiled `pattern`, if the shape has one the `regex` crate compiles
    /// (patterns it cannot compile are skipped). Compiled once per shape: each
    /// `Regex` keeps its match caches.
    pub fn regex(&self) -> Option<&Regex> {
        let source = self.pattern.as_deref()?;
        self.compiled
            .get_or_init(|| Regex::new(source).ok())
            .as_ref()
    }
}

/// The Direct Connect API specification.
#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    /// File format version.
    pub format: u64,
    /// Provenance.
    pub source: Source,
    /// Operations by name.
    pub operations: ByName<Operation>,
    /// Shapes by name.
    pub shapes: ByName<Shape>,
}

impl Spec {
    /// The specification compiled into the binary (parsed once per process).
    pub fn builtin() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(|| {
            // The built-in text is checked by `tests` on every build; failing here
            // would mean the binary was built from a corrupt checkout.
            Spec::parse(BUILTIN, "built-in").expect("built-in specification is valid")
        })
    }

    /// The shapes of resource ids callers send back: string shapes named `…Id` that
    /// some operation's input reaches (`ConnectionId`, `LagId`, `VirtualInterfaceId`,
    /// …). An output member of one of these shapes carries an id a later request may
    /// name; `awsLogicalDeviceId` and other output-only `…Id` members do not.
    pub fn input_id_shapes(&self) -> std::collections::BTreeSet<&str> {
        let mut seen = std::collections::BTreeSet::new();
        let mut ids = std::collections::BTreeSet::new();
        let mut pending: Vec<&str> = self
            .operations
            .values()
            .filter_map(|op| op.input.as_deref())
            .collect();
        while let Some(name) = pending.pop() {
            let Some((name, shape)) = self.shapes.get_key_value(name) else {
                continue;
            };
            if !seen.insert(name.as_str()) {
                continue;
            }
            if shape.shape_type == ShapeType::String && name.ends_with("Id") {
                ids.insert(name.as_str());
            }
            pending.extend(shape.members.values().map(|m| m.shape.as_str()));
            pending.extend(shape.member.as_ref().map(|m| m.shape.as_str()));
            pending.extend(shape.value.as_ref().map(|m| m.shape.as_str()));
        }
        ids
    }

    /// Read a specification file (for `--spec FILE`).
    pub fn from_file(path: &Path) -> Result<Spec, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
            path: path.to_owned(),
            source,
        })?;
        Spec::parse(&text, &path.display().to_string())
    }

    /// Parse and check a specification text.
    pub fn parse(text: &str, origin: &str) -> Result<Spec, SpecError> {
        let invalid = |reason: String| SpecError::Invalid {
            origin: origin.to_owned(),
            reason,
        };
        let mut spec: Spec = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        spec.operations.sort_keys();
        spec.shapes.sort_keys();
        for shape in spec.shapes.values_mut() {
            shape.members.sort_keys();
        }
        if spec.format != FORMAT_VERSION {
            return Err(invalid(format!(
                "format {} is not the supported format {FORMAT_VERSION}",
                spec.format
            )));
        }
        spec.resolve_references().map_err(invalid)?;
        Ok(spec)
    }

    /// Every shape reference resolves, so validation never meets a dangling name,
    /// and each records where its shape is (answers are walked without name look-ups).
    fn resolve_references(&mut self) -> Result<(), String> {
        let index_of = |shapes: &ByName<Shape>, name: &str, from: &str| {
            shapes
                .get_index_of(name)
                .ok_or_else(|| format!("{from} refers to unknown shape {name}"))
        };
        for (name, op) in &self.operations {
            for shape in op.input.iter().chain(&op.output).chain(&op.errors) {
                index_of(&self.shapes, shape, name)?;
            }
        }
        for at in 0..self.shapes.len() {
            let (name, shape) = self.shapes.get_index(at).expect("within the map");
            let members = shape
                .members
                .values()
                .map(|m| index_of(&self.shapes, &m.shape, name))
                .collect::<Result<Vec<_>, _>>()?;
            let target = |r: &Option<ShapeRef>| {
                r.as_ref()
                    .map(|r| index_of(&self.shapes, &r.shape, name))
                    .transpose()
            };
            let (member, key, value) = (
                target(&shape.member)?,
                target(&shape.key)?,
                target(&shape.value)?,
            );
            let (_, shape) = self.shapes.get_index_mut(at).expect("within the map");
            for (m, index) in shape.members.values_mut().zip(members) {
                m.index = index;
            }
            for (r, index) in [
                (&mut shape.member, member),
                (&mut shape.key, key),
                (&mut shape.value, value),
            ] {
                if let (Some(r), Some(index)) = (r, index) {
                    r.index = index;
                }
            }
        }
        Ok(())
    }

    /// The shape at `index` of [`Spec::shapes`] (a [`Member::index`] or
    /// [`ShapeRef::index`]) and its name.
    pub fn shape_at(&self, index: usize) -> Option<(&str, &Shape)> {
        self.shapes.get_index(index).map(|(n, s)| (n.as_str(), s))
    }

    /// Look up an operation.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// Look up a shape.
    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// The shape of `member` in structure `shape`.
    pub fn member_shape(&self, shape: &str, member: &str) -> Option<&Shape> {
        let target = &self.shapes.get(shape)?.members.get(member)?.shape;
        self.shapes.get(target)
    }

    /// Whether `error_type` (already stripped of any namespace) is declared by `operation`.
    pub fn declares_error(&self, operation: &str, error_type: &str) -> bool {
        self.operation(operation)
            .is_some_and(|op| op.errors.iter().any(|e| e == error_type))
    }

    /// All string enums: shape name → allowed values.
    pub fn enums(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.shapes
            .iter()
            .filter_map(|(name, s)| Some((name.as_str(), s.enum_values.as_deref()?)))
    }

    /// The `X-Amz-Target` header value of an operation.
    pub fn target_header(&self, operation: &str) -> String {
        format!("{}.{operation}", self.source.target_prefix)
    }

    /// The awsJson content type (`application/x-amz-json-1.1`).
    pub fn content_type(&self) -> String {
        format!("application/x-amz-json-{}", self.source.json_version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_all_73_operations_and_resolves() {
        let spec = Spec::builtin();
        assert_eq!(spec.operations.len(), 73);
        assert_eq!(spec.source.package, "botocore");
        assert_eq!(
            spec.target_header("CreateConnection"),
            "OvertureService.CreateConnection"
        );
        assert_eq!(spec.content_type(), "application/x-amz-json-1.1");
        let create = spec.operation("CreateConnection").unwrap();
        assert_eq!(create.output.as_deref(), Some("Connection"));
        assert!(spec.declares_error("CreateConnection", "DirectConnectClientException"));
        assert!(!spec.declares_error("CreateConnection", "ValidationException"));
    }

    #[test]
    fn rejects_wrong_format_and_dangling_references() {
        let err = Spec::parse(
            r#"{"format":2,"source":{},"operations":{},"shapes":{}}"#,
            "t",
        );
        assert!(err.is_err());
        let text = r#"{"format":1,"source":{"package":"p","version":"v","apiVersion":"a","signingName":"s","targetPrefix":"T","jsonVersion":"1.1"},
            "operations":{"Op":{"input":"Missing","errors":[]}},"shapes":{}}"#;
        let err = Spec::parse(text, "t").unwrap_err().to_string();
        assert!(err.contains("unknown shape Missing"), "{err}");
    }

    #[test]
    fn every_reference_knows_where_its_shape_is() {
        let spec = Spec::builtin();
        let named = |index: usize| spec.shape_at(index).map(|(name, _)| name);
        let mut references = 0;
        for shape in spec.shapes.values() {
            for member in shape.members.values() {
                assert_eq!(named(member.index), Some(member.shape.as_str()));
                references += 1;
            }
            for r in [&shape.member, &shape.key, &shape.value]
                .into_iter()
                .flatten()
            {
                assert_eq!(named(r.index), Some(r.shape.as_str()));
                references += 1;
            }
        }
        assert!(references > 500, "{references}");
    }

    #[test]
    fn enums_are_listed() {
        let spec = Spec::builtin();
        let states: Vec<_> = spec
            .enums()
            .find(|(n, _)| *n == "ConnectionState")
            .unwrap()
            .1
            .to_vec();
        assert!(states.contains(&"ordering".to_owned()));
        assert!(states.contains(&"unknown".to_owned()));
    }
}
