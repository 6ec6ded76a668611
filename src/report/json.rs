//! The results document, `assay.results/v1` (schema: `docs/results.schema.json`).

use super::RenderError;
use crate::check::result::RunResult;

/// Pretty JSON with a trailing newline. Key order is the struct order and every list is
/// sorted by the evaluator, so equal inputs give equal bytes apart from `generated_at`.
pub fn render(result: &RunResult) -> Result<String, RenderError> {
    serde_json::to_string_pretty(result)
        .map(|s| s + "\n")
        .map_err(|e| RenderError::Serialize(e.to_string()))
}
