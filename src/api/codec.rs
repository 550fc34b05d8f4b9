//! The contract's codec: prost's, plus the text rules ([`super::text`]) on every unary
//! request before its handler runs. A request with a NUL in a name or a 3 MB street is
//! answered INVALID_ARGUMENT naming the field, whichever RPC it came to and whether or not
//! its handler remembered to look; the handlers' own parsing then sees only text.
//!
//! A client-streaming call's rows (`ImportClaims`) are not refused here, which would end
//! the whole stream at one bad row: the import checks each row with the same rules and
//! rejects that row alone. The generated clients use this codec too; they decode answers,
//! which are no method's input, so it checks nothing for them.

use std::marker::PhantomData;

use prost::bytes::Buf;
use prost_reflect::MessageDescriptor;
use tonic::Status;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder};
use tonic_prost::{ProstCodec, ProstDecoder, ProstEncoder};

use super::status::invalid_argument;

/// [`ProstCodec`] with the text rules on requests. Named by `build.rs` as the codec of
/// every service.
pub struct CheckedCodec<T, U> {
    _pd: PhantomData<(T, U)>,
}

impl<T, U> Default for CheckedCodec<T, U> {
    fn default() -> Self {
        Self { _pd: PhantomData }
    }
}

impl<T, U> Codec for CheckedCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + prost::Name + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = CheckedDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstCodec::<T, U>::default().encoder()
    }

    fn decoder(&mut self) -> Self::Decoder {
        CheckedDecoder {
            inner: ProstCodec::<T, U>::default().decoder(),
            checked: unary_request(&U::full_name()),
        }
    }
}

/// Decodes `U`, then checks its text when `U` is a unary request.
pub struct CheckedDecoder<U> {
    inner: ProstDecoder<U>,
    checked: Option<MessageDescriptor>,
}

impl<U: prost::Message + Default> Decoder for CheckedDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        let Some(descriptor) = self.checked.clone() else {
            return self.inner.decode(buf);
        };
        let bytes = buf.copy_to_bytes(buf.remaining());
        let message = U::decode(bytes.clone()).map_err(|e| Status::internal(e.to_string()))?;
        let violations = super::text::violations_in(descriptor, &bytes);
        if violations.is_empty() {
            Ok(Some(message))
        } else {
            Err(invalid_argument(&violations))
        }
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.inner.buffer_settings()
    }
}

/// The requests whose handler checks their text itself, to name it together with the
/// other bad fields (`CreateCase`: the claim's, as `ImportClaims` does per row).
const CHECKED_BY_HANDLER: [&str; 1] = ["exploot.v1.CreateCaseRequest"];

/// The descriptor of `name` when it is the input of a method of ours whose client sends
/// one message (and whose handler does not check it itself).
fn unary_request(name: &str) -> Option<MessageDescriptor> {
    if CHECKED_BY_HANDLER.contains(&name) {
        return None;
    }
    crate::proto::descriptor_pool()
        .services()
        .filter(|s| s.package_name() == "exploot.v1")
        .flat_map(|s| s.methods().collect::<Vec<_>>())
        .find(|m| m.input().full_name() == name && !m.is_client_streaming())
        .map(|m| m.input())
}
