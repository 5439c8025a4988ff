//! `insert --file request.json`: the request is validated first, as the SDK does, and sent only
//! when valid.

use std::path::Path;
use std::sync::Arc;

use rand::distr::{Alphanumeric, SampleString};
use wx_auth::TokenSource;
use wx_invoice_api::InvoiceClient;
use wx_invoice_types::InsertInvoiceRequest;

use crate::config::Settings;
use crate::error::CliError;

pub async fn insert(settings: &Settings, file: &Path, appid: Option<&str>, dry_run: bool) -> Result<(), CliError> {
    let shown = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| CliError::Usage(format!("could not read {shown}: {e}")))?;
    let mut request: InsertInvoiceRequest = serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{shown} is not an insert request (the JSON body of /card/invoice/insert): {e}"
        ))
    })?;
    if request.card_ext.nonce_str.is_empty() {
        // As the client does when sending: an empty nonce_str stands for a random one.
        request.card_ext.nonce_str = Alphanumeric.sample_string(&mut rand::rng(), 32);
    }
    let warnings = request
        .validate()
        .map_err(|errors| CliError::Usage(format!("{shown}: {errors}")))?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    if dry_run {
        println!(
            "{shown} is a valid insert request for order {}; not sent (--dry-run)",
            request.order_id
        );
        return Ok(());
    }
    let appid = appid.ok_or_else(|| {
        CliError::Usage(
            "--appid is required to send: the invoicing platform's Official Account, whose token makes the call".into(),
        )
    })?;
    let store = settings.store().await?;
    let component = settings.component(store, false)?;
    let tokens: Arc<dyn TokenSource> = Arc::new(component.authorizer_tokens());
    let mut builder = InvoiceClient::builder(tokens);
    if let Some(base) = &settings.global.api_base {
        builder = builder.api_base(base.clone());
    }
    let client = builder
        .build()
        .map_err(|e| CliError::Usage(format!("the client's settings are not usable: {e}")))?;
    let out = client
        .insert(appid, &request)
        .await
        .map_err(|e| CliError::Failed(format!("insert of order {} failed: {e}", request.order_id)))?;
    println!(
        "{}",
        serde_json::json!({ "order_id": request.order_id.as_str(), "code": out.code, "openid": out.openid })
    );
    Ok(())
}
