//! Compiles the v1 contract without `protoc`: protox parses the protos into a descriptor
//! set, which is written to `OUT_DIR` for server reflection and handed to tonic-prost-build.

use std::{env, fs, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let files = [
        "exploot/v1/common.proto",
        "exploot/v1/calculator.proto",
        "exploot/v1/case.proto",
        "exploot/v1/intake.proto",
        "exploot/v1/task.proto",
        "exploot/v1/document.proto",
        "exploot/v1/admin.proto",
        "exploot/v1/payout.proto",
    ];
    let descriptors = protox::compile(files, ["proto"])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out.join("exploot_descriptor.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    // Type names let the codec find a request's descriptor; the codec checks every
    // request's text before a handler sees it (src/api/codec.rs).
    let mut config = tonic_prost_build::Config::new();
    config.enable_type_names();
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .codec_path("crate::api::codec::CheckedCodec")
        .compile_fds_with_config(descriptors, config)?;
    Ok(())
}
