//! The transport-neutral interface the billing server programs against.
//!
//! A transport supplies five primitives (print/add/set/remove/command on a
//! menu path such as `/ppp/secret`); the PPP and system operations are built
//! on them once, so the API and REST clients behave the same. Futures are
//! boxed so `Box<dyn RouterApi>` works and a router's transport can be picked
//! at run time.

use std::future::Future;
use std::pin::Pin;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    ActiveSession, PROFILE_PROPS, Profile, ProfileSpec, Row, SECRET_PROPS, Secret, SecretUpdate,
    SystemResource,
};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub const SECRETS: &str = "/ppp/secret";
pub const PROFILES: &str = "/ppp/profile";
pub const ACTIVE: &str = "/ppp/active";
pub const RESOURCE: &str = "/system/resource";
pub const IDENTITY: &str = "/system/identity";

/// A reply that lacks what RouterOS always sends.
fn missing<A: RouterApi + ?Sized>(api: &A, what: &str) -> Error {
    let e = Error::new(ErrorKind::Protocol, what);
    match api.router() {
        Some(r) => e.at_str(r),
        None => e,
    }
}

pub trait RouterApi: Send + Sync {
    /// `host:port` of the router, which errors name; `None` for a stand-in without one.
    fn router(&self) -> Option<&str> {
        None
    }

    /// Rows of `menu` whose properties equal every `(name, value)` filter.
    /// An empty `proplist` asks for every property.
    fn print<'a>(
        &'a self,
        menu: &'a str,
        filters: &'a [(&'a str, &'a str)],
        proplist: &'a [&'a str],
    ) -> BoxFuture<'a, Result<Vec<Row>>>;

    /// Adds an item and returns its `.id`.
    fn add<'a>(
        &'a self,
        menu: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<String>>;

    fn set<'a>(
        &'a self,
        menu: &'a str,
        id: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<()>>;

    fn remove<'a>(&'a self, menu: &'a str, id: &'a str) -> BoxFuture<'a, Result<()>>;

    /// Any other command of a menu (`enable`, `disable`, ...), with its data rows.
    fn command<'a>(
        &'a self,
        menu: &'a str,
        command: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<Vec<Row>>>;

    fn find_secret<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<Option<Secret>>> {
        Box::pin(async move {
            let rows = self.print(SECRETS, &[("name", name)], SECRET_PROPS).await?;
            Ok(rows.first().map(Secret::from_row))
        })
    }

    /// Secrets whose `comment` is exactly `comment`, e.g. `mikronet:client:42`: finds a
    /// client's secret after its name changed.
    fn find_secret_by_comment<'a>(
        &'a self,
        comment: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Secret>>> {
        Box::pin(async move {
            let rows = self
                .print(SECRETS, &[("comment", comment)], SECRET_PROPS)
                .await?;
            Ok(rows.iter().map(Secret::from_row).collect())
        })
    }

    fn list_secrets(&self) -> BoxFuture<'_, Result<Vec<Secret>>> {
        Box::pin(async move {
            let rows = self.print(SECRETS, &[], SECRET_PROPS).await?;
            Ok(rows.iter().map(Secret::from_row).collect())
        })
    }

    /// Returns the new secret's `.id`.
    fn add_secret<'a>(&'a self, secret: &'a Secret) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move { self.add(SECRETS, &secret.to_attrs()).await })
    }

    fn set_secret<'a>(
        &'a self,
        id: &'a str,
        changes: &'a SecretUpdate,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.set(SECRETS, id, &changes.to_attrs()).await })
    }

    /// `enable`/`disable`. An active session stays up: remove it with [`RouterApi::remove_active`].
    fn set_secret_disabled<'a>(&'a self, id: &'a str, disabled: bool) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let cmd = if disabled { "disable" } else { "enable" };
            self.command(SECRETS, cmd, &[(".id".to_owned(), id.to_owned())])
                .await
                .map(drop)
        })
    }

    fn remove_secret<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.remove(SECRETS, id).await })
    }

    /// Sessions, all or only those of user `name`.
    fn active_sessions<'a>(
        &'a self,
        name: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<ActiveSession>>> {
        Box::pin(async move {
            let filter = name.map(|n| [("name", n)]);
            let filters: &[(&str, &str)] = filter.as_ref().map_or(&[], |f| f);
            let rows = self.print(ACTIVE, filters, &[]).await?;
            Ok(rows.iter().map(ActiveSession::from_row).collect())
        })
    }

    /// Disconnects a session (the user can dial in again unless the secret is disabled).
    fn remove_active<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.remove(ACTIVE, id).await })
    }

    fn list_profiles(&self) -> BoxFuture<'_, Result<Vec<Profile>>> {
        Box::pin(async move {
            let rows = self.print(PROFILES, &[], PROFILE_PROPS).await?;
            Ok(rows.iter().map(Profile::from_row).collect())
        })
    }

    /// Creates profile `spec.name`, or brings the properties `spec` manages to
    /// their values (writing only what differs); returns the profile's `.id`.
    fn upsert_profile<'a>(&'a self, spec: &'a ProfileSpec) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            let rows = self
                .print(PROFILES, &[("name", &spec.name)], PROFILE_PROPS)
                .await?;
            match rows.first() {
                Some(row) => {
                    let id = row
                        .get(".id")
                        .cloned()
                        .ok_or_else(|| missing(self, "profile printed without .id"))?;
                    let changes = spec.changes_from(row);
                    if !changes.is_empty() {
                        self.set(PROFILES, &id, &changes).await?;
                    }
                    Ok(id)
                }
                None => {
                    let mut attrs = vec![("name".to_owned(), spec.name.clone())];
                    attrs.extend(
                        spec.managed()
                            .into_iter()
                            .filter(|(_, v)| !v.is_empty())
                            .map(|(k, v)| (k.to_owned(), v.to_owned())),
                    );
                    self.add(PROFILES, &attrs).await
                }
            }
        })
    }

    /// Removes a profile. RouterOS refuses the built-in ones.
    fn remove_profile<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.remove(PROFILES, id).await })
    }

    fn resource(&self) -> BoxFuture<'_, Result<SystemResource>> {
        Box::pin(async move {
            let rows = self.print(RESOURCE, &[], &[]).await?;
            rows.first()
                .map(SystemResource::from_row)
                .ok_or_else(|| missing(self, "empty /system/resource"))
        })
    }

    /// RouterOS version string, e.g. `7.16.2 (stable)`.
    fn version(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move {
            let rows = self.print(RESOURCE, &[], &["version"]).await?;
            rows.first()
                .and_then(|r| r.get("version").cloned())
                .ok_or_else(|| missing(self, "no version in /system/resource"))
        })
    }

    fn identity(&self) -> BoxFuture<'_, Result<String>> {
        Box::pin(async move {
            let rows = self.print(IDENTITY, &[], &["name"]).await?;
            rows.first()
                .and_then(|r| r.get("name").cloned())
                .ok_or_else(|| missing(self, "no name in /system/identity"))
        })
    }
}
