//! The client side of the tokens: a tonic interceptor that sends `authorization: Bearer
//! <token>` with every call of a channel (used by `exploot import` and the tests).

use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

/// A channel whose every call carries a bearer token.
pub type AuthChannel = InterceptedService<Channel, Bearer>;

/// Adds the `authorization` metadata to each request.
#[derive(Clone, Debug)]
pub struct Bearer(AsciiMetadataValue);

impl Bearer {
    /// The interceptor for `token`; an error when the token cannot be a header value.
    pub fn new(token: &str) -> Result<Self, String> {
        MetadataValue::try_from(format!("Bearer {}", token.trim()))
            .map(Self)
            .map_err(|_| "the token contains characters a token never has".to_owned())
    }

    /// `channel` with this token on every call.
    pub fn on(self, channel: Channel) -> AuthChannel {
        InterceptedService::new(channel, self)
    }
}

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
}
