//! The generated v1 contract and the descriptor set that server reflection serves.

tonic::include_proto!("exploot.v1");

/// The encoded `FileDescriptorSet` of `proto/`, for `grpc.reflection`.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("exploot_descriptor");
