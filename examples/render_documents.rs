//! Renders one example PDF of each document kind for the sample case
//! (`exploot::documents::samples`) into `examples/documents/`, so a reader can open them:
//!
//! ```sh
//! cargo run --example render_documents
//! ```
//!
//! Rendering is deterministic, so running it again without a template change rewrites the
//! same bytes.

use std::error::Error;
use std::path::Path;

use exploot::documents::{render, samples};

fn main() -> Result<(), Box<dyn Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/documents");
    std::fs::create_dir_all(&dir)?;
    for data in samples::all()? {
        let kind = data.kind();
        let rendered = render(kind, &data)?;
        let path = dir.join(format!("{}.pdf", kind.as_str()));
        std::fs::write(&path, &rendered.bytes)?;
        println!(
            "{}  {:>6} bytes  sha256 {}",
            path.strip_prefix(env!("CARGO_MANIFEST_DIR"))?.display(),
            rendered.bytes.len(),
            rendered.sha256
        );
    }
    Ok(())
}
