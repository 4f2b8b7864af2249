//! Azure Blob Storage through OpenDAL's azblob service.
//!
//! `write_new` is a Put Blob with `If-None-Match: *`: Azure answers 409
//! `BlobAlreadyExists` when the name is taken, so an object is never
//! replaced. Credentials are the conventional variables:
//! `AZURE_STORAGE_CONNECTION_STRING`, or `AZURE_STORAGE_ACCOUNT` with
//! `AZURE_STORAGE_KEY` (a shared key).

use crate::remote::{classify, Service, Store, Target};
use crate::remote_backend::RemoteBackend;
use cairn_core::{Error, Result};
use opendal::services::Azblob;
use opendal::Operator;

/// Where an Azure repository lives, parsed from `azblob:...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureLocation {
    /// A path-style blob endpoint with its account
    /// (`http://127.0.0.1:10000/devstoreaccount1`, as Azurite serves), or
    /// None for the account's public endpoint (or the connection string's).
    pub endpoint: Option<String>,
    /// The storage account named in the endpoint, if any.
    pub account: Option<String>,
    /// The container.
    pub container: String,
    /// Blob name prefix inside the container (no leading or trailing `/`).
    pub prefix: String,
}

impl AzureLocation {
    /// Parses `azblob:CONTAINER[/PREFIX]` or
    /// `azblob:http(s)://HOST[:PORT]/ACCOUNT/CONTAINER[/PREFIX]`.
    pub fn parse(s: &str) -> Result<Self> {
        let rest = s
            .strip_prefix("azblob:")
            .ok_or_else(|| Error::invalid(format!("{s:?} is not an azblob: location")))?;
        let bad = || {
            Error::invalid(format!("{s:?} is not a valid Azure Blob Storage location")).hint(
                "write azblob:container/prefix, or azblob:http://host:port/account/container/prefix for an emulator",
            )
        };
        let (endpoint, account, path) = match rest.split_once("://") {
            Some((scheme, after)) => {
                let mut parts = after.splitn(3, '/');
                let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(bad)?;
                let account = parts.next().filter(|a| !a.is_empty()).ok_or_else(bad)?;
                (
                    Some(format!("{scheme}://{host}/{account}")),
                    Some(account.to_string()),
                    parts.next().unwrap_or(""),
                )
            }
            None => (None, None, rest),
        };
        let path = path.trim_matches('/');
        let (container, prefix) = path.split_once('/').unwrap_or((path, ""));
        if container.is_empty() {
            return Err(bad());
        }
        Ok(AzureLocation {
            endpoint,
            account,
            container: container.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        })
    }

    fn describe(&self) -> String {
        let base = match &self.endpoint {
            Some(ep) => format!("azblob:{ep}/{}", self.container),
            None => format!("azblob:{}", self.container),
        };
        if self.prefix.is_empty() {
            base
        } else {
            format!("{base}/{}", self.prefix)
        }
    }
}

/// How Azure errors are told apart and explained.
static SERVICE: Service = Service {
    name: "Azure Blob Storage",
    holder: "container",
    credential_codes: &[
        "AuthenticationFailed",
        "InvalidAuthenticationInfo",
        "NoAuthenticationInformation",
    ],
    missing_holder_codes: &["ContainerNotFound"],
    credentials_hint: "check AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY (or AZURE_STORAGE_CONNECTION_STRING), and that the key belongs to that account",
    create_hint: |c| format!("create the container {c} first (in the Azure portal or with Azure's own tools), or correct the container name in the repository location"),
    timeout_var: "CAIRN_AZURE_TIMEOUT",
};

const NO_WORM: &str = "Cairn does not set Azure immutability policies (and Azurite, the emulator it is tested against, cannot enforce them)";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl RemoteBackend {
    /// An Azure Blob Storage repository; connects lazily (the first request
    /// reaches the server).
    pub fn azure(location: AzureLocation) -> Result<Self> {
        opendal::install_default();
        let config_error = |e: opendal::Error| {
            Error::invalid(format!("AZURE_STORAGE_CONNECTION_STRING: {}", e.message()))
                .hint("write it as the Azure portal shows it (DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...)")
        };
        let mut b = match env("AZURE_STORAGE_CONNECTION_STRING") {
            Some(cs) => Azblob::from_connection_string(&cs).map_err(config_error)?,
            None => Azblob::default(),
        };
        let account = location
            .account
            .clone()
            .or_else(|| env("AZURE_STORAGE_ACCOUNT"));
        let endpoint = match (&location.endpoint, &account) {
            (Some(ep), _) => Some(ep.clone()),
            (None, _) if env("AZURE_STORAGE_CONNECTION_STRING").is_some() => None,
            (None, Some(a)) => Some(format!("https://{a}.blob.core.windows.net")),
            (None, None) => {
                return Err(Error::invalid(format!(
                    "{}: no storage account is named",
                    location.describe()
                ))
                .hint("set AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY, or AZURE_STORAGE_CONNECTION_STRING"))
            }
        };
        if let Some(ep) = &endpoint {
            b = b.endpoint(ep);
        }
        if let Some(a) = &account {
            b = b.account_name(a);
        }
        if let Some(k) = env("AZURE_STORAGE_KEY") {
            b = b.account_key(&k);
        }
        b = b
            .container(&location.container)
            .root(&format!("/{}", location.prefix));
        let server = endpoint.unwrap_or_else(|| "the connection string's endpoint".into());
        let target = Target::new(&SERVICE, &location.container, &server);
        let op = Operator::new(b)
            .map_err(|e| classify(&target, "Azure Blob Storage configuration", e))?;
        Ok(RemoteBackend {
            store: Store::new(op, target)?,
            location: location.describe(),
            no_worm: NO_WORM,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        let l =
            AzureLocation::parse("azblob:http://127.0.0.1:10000/devstoreaccount1/c/some/prefix/")
                .unwrap();
        assert_eq!(
            l.endpoint.as_deref(),
            Some("http://127.0.0.1:10000/devstoreaccount1")
        );
        assert_eq!(l.account.as_deref(), Some("devstoreaccount1"));
        assert_eq!(
            (l.container.as_str(), l.prefix.as_str()),
            ("c", "some/prefix")
        );
        assert_eq!(
            l.describe(),
            "azblob:http://127.0.0.1:10000/devstoreaccount1/c/some/prefix"
        );
        let l = AzureLocation::parse("azblob:backups").unwrap();
        assert_eq!(
            (l.endpoint, l.container.as_str(), l.prefix.as_str()),
            (None, "backups", "")
        );
        assert!(AzureLocation::parse("azblob:").is_err());
        assert!(AzureLocation::parse("azblob:http://host/account").is_err());
        assert!(AzureLocation::parse("s3:bucket").is_err());
    }
}
