//! `authorizers export` and `authorizers import`: the backup of the grants.
//!
//! An export is JSON Lines: a header (`format`, `version`, `component_appid`, `exported_at`,
//! `records`), then one authorizer record per line in the stores' own text form
//! (`wx_auth::store::encode_authorizer`, refresh token included). The file is written beside its
//! destination with mode 0600 and renamed into place once complete, so a reader never sees half
//! an export and nobody but its owner can read it.
//!
//! An import writes each record compare-and-set (`TokenStore::put_authorizer_if`): only where the
//! store has no record of the merchant or an older version of it. A record the store holds in the
//! same or a newer version (a refresh token rotated since the export, say) is kept.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use wx_auth::store::{decode_authorizer, encode_authorizer};
use wx_auth::{AuthorizerRecord, TokenStore};

use crate::authorizers::{in_parallel, load_all};
use crate::display;
use crate::error::{CliError, store_failed};

const FORMAT: &str = "wx-invoice-authorizers";
const FORMAT_VERSION: u32 = 1;
/// How often a record that changes under the import is read and tried again.
const CAS_ATTEMPTS: usize = 5;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    component_appid: String,
    exported_at: String,
    records: usize,
}

pub async fn export(
    store: &Arc<dyn TokenStore>,
    component_appid: &str,
    file: &Path,
    force: bool,
) -> Result<(), CliError> {
    if file.exists() && !force {
        return Err(CliError::Usage(format!(
            "{} exists; pass --force to replace it",
            file.display()
        )));
    }
    let records = load_all(store, component_appid).await?;
    let partial = partial_path(file);
    let written = write_export(&partial, component_appid, &records).and_then(|()| {
        fs::rename(&partial, file).map_err(|e| {
            CliError::Failed(format!(
                "could not move the export into place at {}: {e}",
                file.display()
            ))
        })
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&partial);
        return Err(e);
    }
    println!(
        "wrote {} authorizer records of {component_appid}, with their refresh tokens, to {}",
        records.len(),
        file.display()
    );
    if cfg!(unix) {
        println!(
            "the file is readable and writable by its owner only (mode 0600): whoever reads it can act as the platform for these merchants — keep it as safely as the store's own backups"
        );
    } else {
        println!(
            "this platform has no Unix file modes: restrict who can read the file yourself — whoever reads it can act as the platform for these merchants"
        );
    }
    Ok(())
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

/// Creates `path` readable by its owner only, before anything secret is written to it.
fn create_private(path: &Path) -> std::io::Result<File> {
    let _ = fs::remove_file(path);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        // The mode given to open is reduced by the umask, never widened; set it exactly.
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

fn write_export(path: &Path, component_appid: &str, records: &[AuthorizerRecord]) -> Result<(), CliError> {
    let failed = |e: std::io::Error| CliError::Failed(format!("could not write {}: {e}", path.display()));
    let file = create_private(path).map_err(failed)?;
    let mut out = BufWriter::new(file);
    let header = Header {
        format: FORMAT.to_owned(),
        version: FORMAT_VERSION,
        component_appid: component_appid.to_owned(),
        exported_at: display::rfc3339(SystemTime::now()),
        records: records.len(),
    };
    let header =
        serde_json::to_string(&header).map_err(|e| CliError::Failed(format!("could not encode the header: {e}")))?;
    writeln!(out, "{header}").map_err(failed)?;
    let bar = display::progress(records.len(), "exporting");
    for record in records {
        writeln!(out, "{}", encode_authorizer(record)).map_err(failed)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let file = out.into_inner().map_err(|e| failed(e.into_error()))?;
    file.sync_all().map_err(failed)
}

/// What the import did (or, dry, would do) with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Written,
    KeptSame,
    KeptNewer,
    ChangedMeanwhile,
}

pub async fn import(
    store: &Arc<dyn TokenStore>,
    component_appid: &str,
    file: &Path,
    dry_run: bool,
) -> Result<(), CliError> {
    let records = read_export(file, component_appid)?;
    let bar = display::progress(records.len(), if dry_run { "checking" } else { "importing" });
    let component: Arc<str> = component_appid.into();
    let done = in_parallel(records, {
        let bar = bar.clone();
        move |record: AuthorizerRecord| {
            let (store, component, bar) = (store.clone(), component.clone(), bar.clone());
            async move {
                let appid = record.authorizer_appid.clone();
                let outcome = import_one(&store, &component, record, dry_run).await?;
                bar.inc(1);
                Ok((appid, outcome))
            }
        }
    })
    .await?;
    bar.finish_and_clear();
    let outcomes: BTreeMap<String, Outcome> = done.into_iter().collect();
    let count = |o: Outcome| outcomes.values().filter(|v| **v == o).count();
    let verb = if dry_run { "would write" } else { "wrote" };
    println!(
        "{verb} {} records; kept {} the store holds in a newer version and {} it holds in the same version (never replaced); {} changed during the import and were left as the store has them",
        count(Outcome::Written),
        count(Outcome::KeptNewer),
        count(Outcome::KeptSame),
        count(Outcome::ChangedMeanwhile)
    );
    for (appid, outcome) in &outcomes {
        match outcome {
            Outcome::KeptNewer => eprintln!("kept {appid}: the store's record is newer than the export's"),
            Outcome::ChangedMeanwhile => {
                eprintln!("left {appid}: its record changed while importing; run the import again");
            }
            _ => {}
        }
    }
    Ok(())
}

async fn import_one(
    store: &Arc<dyn TokenStore>,
    component_appid: &str,
    mut record: AuthorizerRecord,
    dry_run: bool,
) -> Result<Outcome, CliError> {
    let appid = record.authorizer_appid.clone();
    for _ in 0..CAS_ATTEMPTS {
        let current = store
            .get_authorizer(component_appid, &appid)
            .await
            .map_err(|e| store_failed(&format!("could not read the record of {appid}"), &e))?;
        let expected = match &current {
            Some(c) if c.version > record.version => return Ok(Outcome::KeptNewer),
            Some(c) if c.version == record.version => return Ok(Outcome::KeptSame),
            Some(c) => Some(c.version),
            None => {
                // A compare-and-set write of a first record needs a version above 0.
                record.version = record.version.max(1);
                None
            }
        };
        if dry_run {
            return Ok(Outcome::Written);
        }
        if store
            .put_authorizer_if(component_appid, &record, expected)
            .await
            .map_err(|e| store_failed(&format!("could not write the record of {appid}"), &e))?
        {
            return Ok(Outcome::Written);
        }
    }
    Ok(Outcome::ChangedMeanwhile)
}

/// The records of an export of `component_appid`, checked whole before anything is written: the
/// header, every record, and their count (a truncated file is refused). Of two records of one
/// merchant, the higher version is kept.
fn read_export(file: &Path, component_appid: &str) -> Result<Vec<AuthorizerRecord>, CliError> {
    let shown = file.display();
    let reader = BufReader::new(File::open(file).map_err(|e| CliError::Usage(format!("could not open {shown}: {e}")))?);
    let mut lines = reader.lines();
    let header_line = lines
        .next()
        .ok_or_else(|| CliError::Usage(format!("{shown} is empty: not an export")))?
        .map_err(|e| CliError::Usage(format!("could not read {shown}: {e}")))?;
    let header: Header = serde_json::from_str(&header_line)
        .ok()
        .filter(|h: &Header| h.format == FORMAT)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{shown} does not start with the header of an export written by `wx-invoice authorizers export`"
            ))
        })?;
    if header.version != FORMAT_VERSION {
        return Err(CliError::Usage(format!(
            "{shown} is in version {} of the export format; this wx-invoice reads version {FORMAT_VERSION} — use a matching wx-invoice",
            header.version
        )));
    }
    if header.component_appid != component_appid {
        return Err(CliError::Usage(format!(
            "{shown} holds the authorizers of {}, not of the configured platform {component_appid}",
            header.component_appid
        )));
    }
    let mut by_appid: BTreeMap<String, AuthorizerRecord> = BTreeMap::new();
    let mut count = 0_usize;
    for (index, line) in lines.enumerate() {
        let line = line.map_err(|e| CliError::Usage(format!("could not read {shown}: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = decode_authorizer("export file", &line).map_err(|e| {
            CliError::Usage(format!(
                "line {} of {shown} is not an authorizer record ({e}); nothing was imported",
                index + 2
            ))
        })?;
        count += 1;
        match by_appid.get(&record.authorizer_appid) {
            Some(seen) if seen.version >= record.version => {}
            _ => {
                by_appid.insert(record.authorizer_appid.clone(), record);
            }
        }
    }
    if count != header.records {
        return Err(CliError::Usage(format!(
            "{shown} holds {count} records but its header announces {}: the file is truncated or was edited; nothing was imported",
            header.records
        )));
    }
    Ok(by_appid.into_values().collect())
}
