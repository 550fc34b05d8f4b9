//! Where a command-line client reaches the server: `https://` with the CA that signed the
//! server's certificate (and a client certificate for mTLS), or plain `http://` only on
//! loopback — the bearer token must not cross a network in clear.

use std::net::IpAddr;
use std::path::PathBuf;

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};

/// How to reach the server over TLS.
#[derive(Clone, Debug, Default)]
pub struct ClientTls {
    /// The CA certificate (PEM) the server's certificate is signed by.
    pub ca: Option<PathBuf>,
    /// This client's certificate and key (PEM), for a server that asks for one.
    pub identity: Option<(PathBuf, PathBuf)>,
}

/// The endpoint for `server` (`host:port` means `http://host:port`), or why not.
pub fn endpoint(server: &str, tls: &ClientTls) -> Result<Endpoint, String> {
    let url = if server.contains("://") {
        server.to_owned()
    } else {
        format!("http://{server}")
    };
    let endpoint =
        Endpoint::from_shared(url.clone()).map_err(|e| format!("--server {server}: {e}"))?;
    let uri = endpoint.uri();
    match uri.scheme_str() {
        Some("https") => {
            let ca = tls.ca.as_ref().ok_or_else(|| {
                format!("--server {url}: name the CA of the server's certificate with --tls-ca")
            })?;
            let mut config =
                ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read(ca)?));
            if let Some((cert, key)) = &tls.identity {
                config = config.identity(Identity::from_pem(read(cert)?, read(key)?));
            }
            endpoint
                .tls_config(config)
                .map_err(|e| format!("--server {url}: {e}"))
        }
        Some("http") if is_loopback(uri.host().unwrap_or_default()) => Ok(endpoint),
        Some("http") => Err(format!(
            "--server {url}: plain http would send the token in clear across the network; \
             use https:// with --tls-ca"
        )),
        _ => Err(format!("--server {url}: expected http:// or https://")),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_only_on_loopback_and_tls_names_its_ca() {
        let plain = ClientTls::default();
        for ok in [
            "127.0.0.1:50051",
            "http://localhost:50051",
            "http://[::1]:50051",
        ] {
            assert!(endpoint(ok, &plain).is_ok(), "{ok}");
        }
        let refused = endpoint("http://exploot.example.nl:50051", &plain).unwrap_err();
        assert!(refused.contains("in clear"), "{refused}");
        assert!(endpoint("10.0.0.5:50051", &plain).is_err());
        let no_ca = endpoint("https://exploot.example.nl:443", &plain).unwrap_err();
        assert!(no_ca.contains("--tls-ca"), "{no_ca}");
        let with_ca = ClientTls {
            ca: Some(
                [env!("CARGO_MANIFEST_DIR"), "tests/it/fixtures/tls/ca.pem"]
                    .iter()
                    .collect(),
            ),
            identity: None,
        };
        assert!(endpoint("https://exploot.example.nl:443", &with_ca).is_ok());
    }
}
