//! Transport security for the gRPC listener: TLS with rustls (ring), optionally requiring
//! client certificates signed by a given CA (mTLS), and the rule that plain TCP is for
//! loopback only.

use std::net::SocketAddr;
use std::path::Path;

use tonic::transport::{Certificate, Identity, ServerTlsConfig};

/// The server's certificate and key, and the CA its clients' certificates must chain to.
/// PEM text, not paths, so tests can start TLS servers from fixtures in process.
#[derive(Clone)]
pub struct TlsConfig {
    /// The certificate chain, leaf first.
    pub cert_pem: Vec<u8>,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
    /// With it, every client must present a certificate signed by this CA (mTLS).
    pub client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("TlsConfig")
            .field("mtls", &self.client_ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

impl TlsConfig {
    /// Reads the PEM files `--tls-cert`, `--tls-key` and `--tls-client-ca` name.
    pub fn read(cert: &Path, key: &Path, client_ca: Option<&Path>) -> Result<Self, String> {
        let read =
            |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
        Ok(Self {
            cert_pem: read(cert)?,
            key_pem: read(key)?,
            client_ca_pem: client_ca.map(read).transpose()?,
        })
    }

    /// tonic's rustls configuration: client certificates required when a CA is given.
    pub(crate) fn server_config(&self) -> ServerTlsConfig {
        let config = ServerTlsConfig::new().identity(Identity::from_pem(
            self.cert_pem.clone(),
            self.key_pem.clone(),
        ));
        match &self.client_ca_pem {
            Some(ca) => config
                .client_ca_root(Certificate::from_pem(ca.clone()))
                .client_auth_optional(false),
            None => config,
        }
    }
}

/// Refuses to serve plain TCP on an address other hosts can reach, unless the operator
/// said `--insecure` (e.g. behind a TLS-terminating proxy on a private network): bearer
/// tokens and debtors' data must not cross a network in clear text by accident.
pub fn check_plaintext(listen: SocketAddr, tls: bool, insecure: bool) -> Result<(), String> {
    if tls || insecure || listen.ip().is_loopback() {
        Ok(())
    } else {
        Err(format!(
            "refusing plain TCP on {listen}: give --tls-cert and --tls-key, listen on loopback, or pass --insecure"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_plaintext;

    #[test]
    fn plain_tcp_only_on_loopback_unless_insecure() {
        let at = |s: &str| s.parse().unwrap();
        assert!(check_plaintext(at("127.0.0.1:50051"), false, false).is_ok());
        assert!(check_plaintext(at("[::1]:50051"), false, false).is_ok());
        let refused = check_plaintext(at("0.0.0.0:50051"), false, false).unwrap_err();
        assert!(refused.contains("--insecure"), "{refused}");
        assert!(check_plaintext(at("192.0.2.7:50051"), false, false).is_err());
        assert!(check_plaintext(at("0.0.0.0:50051"), true, false).is_ok());
        assert!(check_plaintext(at("0.0.0.0:50051"), false, true).is_ok());
    }
}
