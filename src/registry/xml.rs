//! A small element tree over quick-xml: the insolvency register's answers are a few
//! kilobytes, and walking a tree by local name is far clearer than a streaming state machine.
//! Namespaces are ignored on purpose: the register's own clients differ in prefixes
//! (`soap:`, `env:`, a default namespace), and the local names are unique where we look.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One element: its local name, attributes, text and children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name, without prefix.
    pub name: String,
    /// Attributes by local name, unescaped.
    pub attributes: Vec<(String, String)>,
    /// The element's own text (trimmed, unescaped), concatenated.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first child's text, if the child is there and not empty.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
    }

    /// The first element named `name` at any depth (self included), depth first.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }

    /// An attribute's value by local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a whole document into its root element; anything that is not one well-formed
/// element (truncated, unbalanced, not XML) is an error naming where it broke.
pub fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(start) => stack.push(open(&start)?),
            Event::Empty(start) => {
                let element = open(&start)?;
                attach(&mut stack, &mut root, element)?;
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("a closing tag without an opening one")?;
                attach(&mut stack, &mut root, element)?;
            }
            Event::Text(text) => {
                let text = text.unescape().map_err(|e| e.to_string())?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err("text outside the root element".into()),
                }
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("the document ends inside <{}>", open.name));
    }
    root.ok_or_else(|| "no element in the document".to_owned())
}

fn open(start: &BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        let value = attribute.unescape_value().map_err(|e| e.to_string())?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err("more than one root element".into()),
    }
    Ok(())
}

/// Escapes text for an element's content or an attribute value.
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_local_names_text_and_attributes() {
        let root = parse(
            r#"<?xml version="1.0"?><s:E xmlns:s="urn:x"><s:B><l a="1" x:b="&amp;">Tom &amp; Jerry</l><e/></s:B></s:E>"#,
        )
        .unwrap();
        assert_eq!(root.name, "E");
        let l = root.find("l").unwrap();
        assert_eq!(l.text, "Tom & Jerry");
        assert_eq!(l.attribute("a"), Some("1"));
        assert_eq!(l.attribute("b"), Some("&"));
        assert!(root.find("e").is_some());
        assert_eq!(root.child("B").unwrap().child_text("e"), None);
    }

    #[test]
    fn broken_documents_are_errors() {
        assert!(parse("<a><b></b>").unwrap_err().contains("inside <a>"));
        assert!(parse("<a></b>").is_err());
        assert!(parse("not xml").is_err());
        assert!(parse("").is_err());
        assert!(parse("<a/><b/>").is_err());
    }
}
