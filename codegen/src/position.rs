//! Where a JSON pointer's target is written in a spec's text (YAML, or JSON read as YAML),
//! so that an error found in the parsed document can also give a line and column. Only the
//! error path pays for it: the text is parsed again, as events, up to the target.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Texts longer than this are not re-read for a position (the pointer alone must do).
const MAX_TEXT: usize = 32 * 1024 * 1024;

/// The 1-based line and column where the value at `pointer` is written (for a mapping
/// entry, its key), if the text has it.
pub(crate) fn find(text: &str, pointer: &str) -> Option<(usize, usize)> {
    if text.len() > MAX_TEXT {
        return None;
    }
    let target: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let mut finder = Finder {
        target,
        path: Vec::new(),
        stack: Vec::new(),
        found: None,
        done: false,
        root_pending: false,
    };
    let mut parser = Parser::new_from_str(text);
    // A syntax error after the target does not matter; before it, there is no position.
    let _ = parser.load(&mut finder, false);
    finder.found
}

/// Where serde_yaml's errors without a location sit: the second document of a stream (only
/// one is read), or where the YAML parser stops.
pub(crate) fn unlocated_yaml_error(text: &str) -> Option<(usize, usize)> {
    struct Documents(Vec<(usize, usize)>);
    impl MarkedEventReceiver for Documents {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            if matches!(ev, Event::DocumentStart) {
                self.0.push((mark.line().max(1), mark.col() + 1));
            }
        }
    }
    if text.len() > MAX_TEXT {
        return None;
    }
    let mut documents = Documents(Vec::new());
    let mut parser = Parser::new_from_str(text);
    match parser.load(&mut documents, true) {
        Err(e) => Some((e.marker().line().max(1), e.marker().col() + 1)),
        Ok(()) => documents.0.get(1).copied(),
    }
}

enum Frame {
    /// A mapping; the key whose value comes next, and where it is written.
    Map {
        key: Option<(String, (usize, usize))>,
        pushed: bool,
    },
    /// A sequence; the index of the next item.
    Seq { next: usize, pushed: bool },
}

struct Finder {
    target: Vec<String>,
    path: Vec<String>,
    stack: Vec<Frame>,
    found: Option<(usize, usize)>,
    done: bool,
    /// The target is a mapping not under a key (the root, a list item): its first key is
    /// where it is written (the parser marks a block mapping after that key).
    root_pending: bool,
}

impl Finder {
    /// A value starts at `pos`: its path segment, and whether it is the target. Returns
    /// whether a segment was pushed.
    fn enter(&mut self, pos: (usize, usize), mapping: bool) -> bool {
        let keyed = matches!(self.stack.last(), Some(Frame::Map { key: Some(_), .. }));
        let (segment, at) = match self.stack.last() {
            None => (None, pos),
            Some(Frame::Map {
                key: Some((k, key_pos)),
                ..
            }) => (Some(k.clone()), *key_pos),
            Some(Frame::Map { key: None, .. }) => (None, pos),
            Some(Frame::Seq { next, .. }) => (Some(next.to_string()), pos),
        };
        let pushed = segment.is_some();
        if let Some(s) = segment {
            self.path.push(s);
        }
        if self.path == self.target {
            self.found = Some(at);
            self.root_pending = mapping && !keyed;
            self.done = !self.root_pending;
        }
        pushed
    }

    /// A value ended: drop its segment and move the parent on.
    fn leave(&mut self, pushed: bool) {
        if pushed {
            self.path.pop();
        }
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { next, .. }) => *next += 1,
            None => {}
        }
    }

    fn in_key_slot(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }
}

impl MarkedEventReceiver for Finder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done {
            return;
        }
        let pos = (mark.line().max(1), mark.col() + 1);
        match ev {
            Event::Scalar(value, ..) if self.in_key_slot() => {
                if self.root_pending {
                    self.found = Some(pos);
                    self.done = true;
                    return;
                }
                if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                    *key = Some((value, pos));
                }
            }
            Event::Scalar(..) | Event::Alias(_) => {
                let pushed = self.enter(pos, false);
                self.leave(pushed);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if self.in_key_slot() && !self.stack.is_empty() {
                    // A complex key: no pointer can name what follows.
                    self.done = true;
                    return;
                }
                let pushed = self.enter(pos, matches!(ev, Event::MappingStart(..)));
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map { key: None, pushed }
                } else {
                    Frame::Seq { next: 0, pushed }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.done |= self.root_pending;
                let pushed = match self.stack.pop() {
                    Some(Frame::Map { pushed, .. } | Frame::Seq { pushed, .. }) => pushed,
                    None => false,
                };
                self.leave(pushed);
            }
            Event::DocumentEnd => self.done = true,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    const YAML: &str = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: id\n        - name: other\n          in: query\ncomponents:\n  schemas:\n    Pet: { type: object }\n";

    #[test]
    fn finds_keys_items_and_flow_values_in_yaml() {
        assert_eq!(find(YAML, ""), Some((1, 1)));
        assert_eq!(find(YAML, "/paths/~1a~1{id}/get"), Some((4, 5)));
        assert_eq!(
            find(YAML, "/paths/~1a~1{id}/get/parameters/1"),
            Some((7, 11))
        );
        assert_eq!(
            find(YAML, "/paths/~1a~1{id}/get/parameters/1/in"),
            Some((8, 11))
        );
        assert_eq!(find(YAML, "/components/schemas/Pet"), Some((11, 5)));
        assert_eq!(find(YAML, "/components/schemas/Pet/type"), Some((11, 12)));
        assert_eq!(find(YAML, "/components/schemas/Cat"), None);
    }

    #[test]
    fn a_second_document_is_found() {
        let text = "openapi: 3.0.3\npaths: {}\n---\nmore: 1\n";
        assert_eq!(super::unlocated_yaml_error(text), Some((3, 1)));
    }

    #[test]
    fn finds_json_members() {
        let json = "{\n  \"paths\": {\n    \"/x\": {\"get\": {\"responses\": {}}}\n  }\n}";
        assert_eq!(find(json, "/paths/~1x/get"), Some((3, 12)));
    }
}
