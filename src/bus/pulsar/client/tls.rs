//! TLS to a broker (`pulsar+ssl://`): the roots its certificate is checked against and the
//! name it must carry.

use std::fmt;
use std::sync::Arc;

use tokio_rustls::rustls::ClientConfig;

use super::Result;

/// How to speak TLS to a broker (`pulsar+ssl://`).
#[derive(Clone)]
pub(crate) struct Tls {
    /// Roots and protocol settings.
    pub(crate) config: Arc<ClientConfig>,
    /// The name the broker's certificate must carry (the URL's host).
    pub(crate) server_name: String,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// TLS to `server_name`, trusting the certificates in the PEM file `ca` if given, else
    /// the system's roots.
    pub(crate) fn new(server_name: &str, ca: Option<&std::path::Path>) -> Result<Self, String> {
        use tokio_rustls::rustls::RootCertStore;
        let mut roots = RootCertStore::empty();
        if let Some(ca) = ca {
            let pem =
                std::fs::read(ca).map_err(|e| format!("cannot read `{}`: {e}", ca.display()))?;
            let certs: Vec<_> = rustls_pemfile::certs(&mut &pem[..])
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| format!("`{}` is not PEM: {e}", ca.display()))?;
            if certs.is_empty() {
                return Err(format!("`{}` holds no certificate", ca.display()));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("a certificate in `{}`: {e}", ca.display()))?;
            }
        } else {
            let native = rustls_native_certs::load_native_certs()
                .map_err(|e| format!("cannot load the system's root certificates: {e}"))?;
            let (added, _) = roots.add_parsable_certificates(native);
            if added == 0 {
                return Err("the system has no root certificates; give --pulsar-tls-ca".into());
            }
        }
        let provider = tokio_rustls::rustls::crypto::ring::default_provider();
        let config = ClientConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            config: Arc::new(config),
            server_name: server_name.to_owned(),
        })
    }
}
