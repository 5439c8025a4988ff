//! `authorizers list` and `authorizers show`: what the store holds about each merchant, never
//! its refresh token.

use std::sync::Arc;

use wx_auth::{AuthorizerRecord, TokenStore};

use crate::display;
use crate::error::{CliError, store_failed};

/// How many store requests a long run keeps in flight (the store's round trips dominate).
pub const PARALLEL: usize = 16;

/// Every record of the component's authorizers, sorted by appid, with a progress bar.
pub async fn load_all(store: &Arc<dyn TokenStore>, component_appid: &str) -> Result<Vec<AuthorizerRecord>, CliError> {
    let mut appids = store
        .list_authorizers(component_appid)
        .await
        .map_err(|e| store_failed("could not list the authorizers", &e))?;
    appids.sort();
    appids.dedup();
    let bar = display::progress(appids.len(), "reading");
    let component_appid: Arc<str> = component_appid.into();
    let found = in_parallel(appids, {
        let bar = bar.clone();
        move |appid: String| {
            let (store, component_appid, bar) = (store.clone(), component_appid.clone(), bar.clone());
            async move {
                let record = store
                    .get_authorizer(&component_appid, &appid)
                    .await
                    .map_err(|e| store_failed(&format!("could not read the record of {appid}"), &e));
                bar.inc(1);
                record
            }
        }
    })
    .await?;
    bar.finish_and_clear();
    // Listed but gone by now (deleted meanwhile): nothing to show or back up.
    Ok(found.into_iter().flatten().collect())
}

/// `work` over every item, [`PARALLEL`] at a time; the results in the items' order, or the
/// first error.
pub async fn in_parallel<I, T, F, Fut>(items: Vec<I>, work: F) -> Result<Vec<T>, CliError>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = Result<T, CliError>> + Send + 'static,
{
    let total = items.len();
    let mut results: Vec<Option<T>> = (0..total).map(|_| None).collect();
    let mut running = tokio::task::JoinSet::new();
    let mut items = items.into_iter().enumerate();
    loop {
        while running.len() < PARALLEL {
            let Some((index, item)) = items.next() else { break };
            let job = work(item);
            running.spawn(async move { (index, job.await) });
        }
        let Some(done) = running.join_next().await else { break };
        let (index, result) =
            done.map_err(|e| CliError::Failed(format!("a store request stopped unexpectedly: {e}")))?;
        results[index] = Some(result?);
    }
    Ok(results.into_iter().flatten().collect())
}

pub async fn list(store: &Arc<dyn TokenStore>, component_appid: &str, json: bool) -> Result<(), CliError> {
    let records = load_all(store, component_appid).await?;
    if json {
        for record in &records {
            println!("{}", display::record_json(record));
        }
        return Ok(());
    }
    println!(
        "{:<20} {:<10} {:<16} {:<8} UPDATED",
        "APPID", "STATUS", "PERMISSION SETS", "VERSION"
    );
    for r in &records {
        println!(
            "{:<20} {:<10} {:<16} {:<8} {}",
            r.authorizer_appid,
            display::status(r.status),
            display::permission_sets(r),
            r.version,
            display::rfc3339(r.updated_at)
        );
    }
    eprintln!("{} authorizers of {component_appid}", records.len());
    Ok(())
}

pub async fn show(store: &Arc<dyn TokenStore>, component_appid: &str, appid: &str, json: bool) -> Result<(), CliError> {
    let record = store
        .get_authorizer(component_appid, appid)
        .await
        .map_err(|e| store_failed(&format!("could not read the record of {appid}"), &e))?
        .ok_or_else(|| {
            CliError::Failed(format!(
                "the store holds no authorization of {appid} for {component_appid}"
            ))
        })?;
    if json {
        println!("{}", display::record_json(&record));
        return Ok(());
    }
    let doc = display::record_json(&record);
    println!("authorizer:       {}", record.authorizer_appid);
    println!("status:           {}", display::status(record.status));
    println!("permission sets:  {}", display::permission_sets(&record));
    println!(
        "refresh token:    {}",
        doc["refresh_token"].as_str().unwrap_or("stored")
    );
    println!("record version:   {}", record.version);
    println!("updated:          {}", display::instant(record.updated_at));
    match record.last_push_at {
        Some(at) => println!("last auth event:  {}", display::instant(at)),
        None => println!("last auth event:  none acted on"),
    }
    Ok(())
}
