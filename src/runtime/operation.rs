//! Static facts about servers and operations, emitted by code generation for each spec.

/// A server URL from a spec; `{name}` marks a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerTemplate {
    /// The URL template.
    pub url: &'static str,
    /// The spec's description of the server.
    pub description: Option<&'static str>,
    /// Variable names in the order they appear.
    pub variables: &'static [&'static str],
}

impl ServerTemplate {
    /// Fills the variables from `values` (name, value); `None` if one is missing.
    pub fn render(&self, values: &[(&str, &str)]) -> Option<String> {
        let mut url = self.url.to_string();
        for var in self.variables {
            let value = values.iter().find(|(n, _)| n == var)?.1;
            url = url.replace(&format!("{{{var}}}"), value);
        }
        Some(url)
    }
}

/// One operation as its spec declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// The operationId (derived from method and path where the spec gives none).
    pub operation_id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// Declared header parameters, lower-cased.
    pub header_params: &'static [&'static str],
    /// Documented success statuses.
    pub success_statuses: &'static [u16],
}

impl OperationSpec {
    /// Whether HTTP semantics make repeating the request harmless (RFC 9110 §9.2.2).
    pub fn is_idempotent_method(&self) -> bool {
        matches!(
            self.method,
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE"
        )
    }

    /// Whether the spec declares header parameter `name` (case-insensitive).
    pub fn declares_header(&self, name: &str) -> bool {
        self.header_params
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }
}
