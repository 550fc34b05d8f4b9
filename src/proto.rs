//! The generated v1 contract and the descriptor set that server reflection serves.

tonic::include_proto!("exploot.v1");

/// The encoded `FileDescriptorSet` of `proto/`, for `grpc.reflection`.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("exploot_descriptor");

/// The contract's descriptors, decoded once: reflection over requests (the text rules,
/// `exploot quote`'s JSON).
pub fn descriptor_pool() -> &'static prost_reflect::DescriptorPool {
    static POOL: std::sync::LazyLock<prost_reflect::DescriptorPool> =
        std::sync::LazyLock::new(|| {
            prost_reflect::DescriptorPool::decode(FILE_DESCRIPTOR_SET)
                .expect("the descriptor set built by build.rs decodes")
        });
    &POOL
}
