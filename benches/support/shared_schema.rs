//! A synthetic spec pair where one component schema is reached through many
//! operations and changes in several places: the shape that made spec-diff
//! report a change once per operation and path. Shared by the criterion
//! bench (`benches/spec_diff.rs`) and `tests/spec_diff_grouping.rs`.

use std::fmt::Write as _;

/// `(base, revision)`: `ops` operations that all reach `Shared` (every tenth
/// a PUT sending it, the others GETs receiving it, half of those directly and
/// half through `Envelope`, where it is reached twice), and `changes`
/// properties of `Shared` whose type changes from string to integer.
pub fn shared_schema_pair(ops: usize, changes: usize) -> (String, String) {
    (spec(ops, changes, false), spec(ops, changes, true))
}

fn spec(ops: usize, changes: usize, revision: bool) -> String {
    let mut s = String::from("openapi: 3.0.3\ninfo: {title: shared, version: 1.0.0}\npaths:\n");
    for i in 0..ops {
        if i % 10 == 0 {
            let _ = write!(
                s,
                "  /things{i}/{{id}}:
    put:
      operationId: putThing{i}
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Shared'}}
      responses:
        '204': {{description: done}}
"
            );
            continue;
        }
        let target = if i % 2 == 0 { "Shared" } else { "Envelope" };
        let _ = write!(
            s,
            "  /things{i}/{{id}}:
    get:
      operationId: getThing{i}
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/{target}'}}
"
        );
    }
    s.push_str(
        "components:\n  schemas:\n    Envelope:\n      type: object\n      properties:\n        data: {$ref: '#/components/schemas/Shared'}\n        items: {type: array, items: {$ref: '#/components/schemas/Shared'}}\n    Shared:\n      type: object\n      properties:\n",
    );
    for p in 0..changes.max(1) {
        let ty = if revision && p < changes {
            "integer"
        } else {
            "string"
        };
        let _ = writeln!(s, "        p{p}: {{type: {ty}}}");
    }
    s
}
