//! One live connection per router, reused by every job (RouterOS API commands are pipelined
//! over it by tag), dropped when it fails or the router's settings change.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use routeros::{ApiClient, ApiConfig, RestClient, RestConfig, RouterApi, TlsOptions};

use crate::domain::ids::RouterId;
use crate::domain::router::{Router as RouterRecord, Transport};
use crate::security::secret_box::SecretBox;

pub type Router = Arc<dyn RouterApi>;

#[derive(Default)]
pub struct Connections {
    live: Mutex<HashMap<RouterId, (RouterRecord, Router)>>,
}

/// Why a router could not be reached or refused us; the text never holds the password.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("the router's stored password cannot be opened with this server's secret key")]
    Sealed,
    #[error("{0}")]
    Router(#[from] routeros::Error),
}

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(15);

fn tls(r: &RouterRecord) -> TlsOptions {
    match &r.settings.tls_fingerprint {
        Some(fp) => TlsOptions::pinned(fp.clone()),
        None => TlsOptions::system_roots(),
    }
}

/// Opens a fresh connection to `r` (also used by the status check).
pub async fn connect(r: &RouterRecord, secrets: &SecretBox) -> Result<Router, ConnectError> {
    let password = secrets
        .open(&r.password)
        .map_err(|_| ConnectError::Sealed)?;
    let s = &r.settings;
    Ok(match s.transport {
        Transport::Api | Transport::ApiSsl => {
            let mut config = ApiConfig::new(s.host.clone(), s.username.clone(), password)
                .port(s.port)
                .connect_timeout(CONNECT_TIMEOUT)
                .reply_timeout(REPLY_TIMEOUT);
            if s.transport == Transport::ApiSsl {
                config = config.tls(tls(r));
            }
            Arc::new(ApiClient::connect(config).await?)
        }
        Transport::Rest | Transport::RestHttp => {
            let mut config = RestConfig::new(s.host.clone(), s.username.clone(), password)
                .port(s.port)
                .request_timeout(REPLY_TIMEOUT);
            config = if s.transport == Transport::Rest {
                config.tls(tls(r))
            } else {
                config.plain_http()
            };
            Arc::new(RestClient::new(config)?)
        }
    })
}

impl Connections {
    /// The live connection to `r`, opened if there is none or its settings changed.
    pub async fn get(&self, r: &RouterRecord, secrets: &SecretBox) -> Result<Router, ConnectError> {
        if let Some((known, api)) = self.live.lock().get(&r.id)
            && known == r
        {
            return Ok(api.clone());
        }
        let api = connect(r, secrets).await?;
        self.live.lock().insert(r.id, (r.clone(), api.clone()));
        Ok(api)
    }

    /// Forgets the connection to `router_id`, so the next job reconnects.
    pub fn drop_router(&self, router_id: RouterId) {
        self.live.lock().remove(&router_id);
    }
}
