//! A `--json` document written in parts, for the commands whose answer can
//! be larger than memory (`ls -r`, `diff`, `find`): the fields before one
//! array, the array's elements as they are found, the fields after it. The
//! text is what `serde_json::to_writer_pretty` writes for the whole
//! document, so a reader cannot tell the two apart. Nothing is written
//! before the first element (or the end), so a command that fails before
//! it found anything prints nothing on standard output; one that fails
//! later leaves the document unclosed, which no JSON reader accepts as
//! whole, and its exit code says it failed.

use serde::Serialize;
use std::io::{self, Write};

/// One document being written: its head fields, and how far its array got.
pub struct JsonParts {
    /// `"key": value` of the fields before the array, already encoded.
    head: Vec<(&'static str, String)>,
    array: &'static str,
    opened: bool,
    elements: usize,
}

fn encode(v: &impl Serialize, indent: &str) -> io::Result<String> {
    let text = serde_json::to_string_pretty(v).map_err(io::Error::other)?;
    Ok(text.replace('\n', &format!("\n{indent}")))
}

impl JsonParts {
    /// A document whose fields `head` come before the array `array`.
    pub fn new(head: &[(&'static str, &dyn Field)], array: &'static str) -> io::Result<Self> {
        let head = head
            .iter()
            .map(|(k, v)| Ok((*k, v.encoded()?)))
            .collect::<io::Result<_>>()?;
        Ok(JsonParts {
            head,
            array,
            opened: false,
            elements: 0,
        })
    }

    fn open(&mut self, out: &mut impl Write) -> io::Result<()> {
        if !self.opened {
            write!(out, "{{")?;
            for (k, v) in &self.head {
                write!(out, "\n  \"{k}\": {v},")?;
            }
            write!(out, "\n  \"{}\": [", self.array)?;
            self.opened = true;
        }
        Ok(())
    }

    /// Writes the next element of the array.
    pub fn element(&mut self, out: &mut impl Write, v: &impl Serialize) -> io::Result<()> {
        self.open(out)?;
        let sep = if self.elements == 0 { "" } else { "," };
        write!(out, "{sep}\n    {}", encode(v, "    ")?)?;
        self.elements += 1;
        Ok(())
    }

    /// Closes the array, writes the fields `tail` after it, and ends the
    /// document.
    pub fn finish(
        mut self,
        out: &mut impl Write,
        tail: &[(&'static str, &dyn Field)],
    ) -> io::Result<()> {
        self.open(out)?;
        write!(out, "{}]", if self.elements == 0 { "" } else { "\n  " })?;
        for (k, v) in tail {
            write!(out, ",\n  \"{k}\": {}", v.encoded()?)?;
        }
        writeln!(out, "\n}}")
    }
}

/// A field of any serializable type, in a list of fields.
pub trait Field {
    /// Its value as pretty JSON, indented for a field of the document.
    fn encoded(&self) -> io::Result<String>;
}

impl<T: Serialize> Field for T {
    fn encoded(&self) -> io::Result<String> {
        encode(self, "  ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Whole {
        a: &'static str,
        n: u32,
        items: Vec<Item>,
        totals: Item,
    }

    #[derive(Serialize, Clone)]
    struct Item {
        x: u32,
        y: Vec<&'static str>,
    }

    /// The parts make what one pretty write of the whole makes, for an
    /// empty array, one element and several.
    #[test]
    fn the_parts_are_the_pretty_document() {
        for count in [0, 1, 3] {
            let items: Vec<Item> = (0..count)
                .map(|x| Item {
                    x,
                    y: vec!["p", "q\nr"],
                })
                .collect();
            let totals = Item { x: 9, y: vec![] };
            let whole = Whole {
                a: "one \"quoted\"",
                n: 7,
                items: items.clone(),
                totals: totals.clone(),
            };
            let mut want = serde_json::to_vec_pretty(&whole).unwrap();
            want.push(b'\n');
            let mut got = Vec::new();
            let mut parts = JsonParts::new(&[("a", &whole.a), ("n", &whole.n)], "items").unwrap();
            for i in &items {
                parts.element(&mut got, i).unwrap();
            }
            parts.finish(&mut got, &[("totals", &totals)]).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }
}
