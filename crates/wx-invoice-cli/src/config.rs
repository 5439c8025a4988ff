//! From the global settings to what the commands work with: the store, the platform's appid,
//! its secrets (environment or files only), the component and the push crypto.

use std::path::Path;
use std::sync::Arc;

use wx_auth::crypto::MsgCrypt;
use wx_auth::{Component, ComponentConfig, ExposeSecret, RedisStore, SecretString, TokenStore};

use crate::args::Global;
use crate::error::CliError;

/// The global settings, and whether the Redis URL was typed on the command line (where a
/// password would be seen by every user of the host, and kept in shell histories).
#[derive(Debug)]
pub struct Settings {
    pub global: Global,
    pub redis_url_on_command_line: bool,
}

impl Settings {
    /// The store the SDK's processes share.
    pub async fn store(&self) -> Result<Arc<dyn TokenStore>, CliError> {
        let Some(url) = self.global.redis_url.as_deref() else {
            return Err(CliError::Usage(
                "no token store configured: set WX_REDIS_URL (or pass --redis-url) to the Redis the platform's processes share".into(),
            ));
        };
        let parsed = url::Url::parse(url).map_err(|_| {
            CliError::Usage("the Redis URL is not a URL; expected redis://host:port/db or rediss://…".into())
        })?;
        if self.redis_url_on_command_line && parsed.password().is_some() {
            return Err(CliError::Usage(
                "the Redis URL holds a password: pass it through the WX_REDIS_URL environment variable, not --redis-url (command lines are visible to every user of the host)".into(),
            ));
        }
        let store = RedisStore::connect(url)
            .await
            .map_err(|e| CliError::Failed(format!("could not connect to the token store: {e}")))?;
        let store = match self.global.redis_prefix.as_deref() {
            Some(prefix) => store.with_prefix(prefix),
            None => store,
        };
        Ok(Arc::new(store))
    }

    /// The platform's appid.
    pub fn component_appid(&self) -> Result<&str, CliError> {
        self.global
            .component_appid
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .ok_or_else(|| {
                CliError::Usage("no platform configured: set WX_COMPONENT_APPID (or pass --component-appid)".into())
            })
    }

    /// The component, on `store`: its secret is required; the push token and EncodingAESKey
    /// only when `for_pushes` (an insert never opens a push).
    pub fn component(&self, store: Arc<dyn TokenStore>, for_pushes: bool) -> Result<Component, CliError> {
        let component_appsecret = secret(
            "WX_COMPONENT_SECRET",
            self.global.component_secret_file.as_deref(),
            "the component's AppSecret",
        )?;
        let (token, encoding_aes_key) = if for_pushes {
            (self.push_token()?, self.encoding_aes_key()?)
        } else {
            // Never used: this component opens no push. Random, so it matches no real key.
            (SecretString::from(random_text(32)), SecretString::from(random_text(43)))
        };
        let mut builder = Component::builder(ComponentConfig {
            component_appid: self.component_appid()?.to_owned(),
            component_appsecret,
            token,
            encoding_aes_key,
        })
        .store(store);
        if let Some(base) = &self.global.api_base {
            builder = builder.api_base(base.clone());
        }
        builder
            .build()
            .map_err(|e| CliError::Usage(format!("the platform's settings are not usable: {e}")))
    }

    /// The push crypto of the platform.
    pub fn msg_crypt(&self) -> Result<MsgCrypt, CliError> {
        let token = self.push_token()?;
        let key = self.encoding_aes_key()?;
        MsgCrypt::new(token.expose_secret(), key.expose_secret(), self.component_appid()?)
            .map_err(|e| CliError::Usage(format!("the push settings are not usable: {e}")))
    }

    fn push_token(&self) -> Result<SecretString, CliError> {
        secret(
            "WX_PUSH_TOKEN",
            self.global.push_token_file.as_deref(),
            "the push message token",
        )
    }

    fn encoding_aes_key(&self) -> Result<SecretString, CliError> {
        secret(
            "WX_ENCODING_AES_KEY",
            self.global.encoding_aes_key_file.as_deref(),
            "the EncodingAESKey",
        )
    }
}

/// A secret from `file` (when given) or the environment variable `env`, trimmed of surrounding
/// whitespace (files often end with a newline). Errors name where it was looked for, never
/// what was found.
pub fn secret(env: &str, file: Option<&Path>, what: &str) -> Result<SecretString, CliError> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("could not read {what} from {}: {e}", path.display())))?,
        None => std::env::var(env).map_err(|_| {
            CliError::Usage(format!(
                "{what} is not configured: set {env}, or put it in a file and pass the matching --…-file option"
            ))
        })?,
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(CliError::Usage(format!("{what} is empty")));
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

fn random_text(len: usize) -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), len)
}
