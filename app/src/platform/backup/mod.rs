//! Backup and restore (`timeweave backup FILE`, `timeweave restore FILE --into URL`): a
//! logical dump made by the binary itself, the same on both engines, so a backup of the
//! embedded SQLite restores into PostgreSQL (the move when a time bank outgrows one
//! machine) and the other way, and no `pg_dump` of a matching version is needed.
//!
//! **Consistent while the server runs**: every table is read in one read transaction
//! (REPEATABLE READ on PostgreSQL; one WAL snapshot on SQLite), so a transfer is in the
//! backup whole or not at all, whatever the writers do meanwhile.
//!
//! **The file**: gzip of JSON lines: the [`Manifest`] (format and schema version, each
//! table's columns and row count, the ledger's chain heads), then per table a `{"table":…}`
//! line and one JSON array per row (bytes as base64), then `{"end":true}`. Optionally
//! sealed with a passphrase ([`sealed`]). Written to `FILE.partial` and renamed once
//! complete, so a backup cut short never has the name of a good one.
//!
//! **Restore** goes only into an empty database: it applies the migrations up to the
//! backup's schema version, removes what the migrations seeded, loads the rows in an order
//! where each table comes after those it refers to (read from the database's own catalog),
//! in one transaction, then checks every table's count and the chain heads against the
//! manifest. The caller then applies the newer migrations (`Db::migrate`) and verifies the
//! ledger.

pub mod sealed;

use super::db::{Db, Engine};
use anyhow::{bail, Context};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::io::{BufRead, Read, Write};

pub const FORMAT: &str = "timeweave-backup";
pub const FORMAT_VERSION: i64 = 1;

/// Tables whose rows refer to other rows of the same table, with an order that puts each
/// row after the one it refers to (a reversal after the transfer it reverses). A test
/// checks every self-reference in the schema is listed here.
pub const SELF_REFERENCES: [(&str, &str); 1] = [("transfers", "network_id, seq")];

/// How a column's values are kept: what is bound when they are loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Int,
    Real,
    Text,
    Blob,
}

impl Kind {
    /// From a declared type (SQLite's) or a data type (PostgreSQL's).
    pub fn of(declared: &str) -> Kind {
        let d = declared.to_ascii_uppercase();
        if d.contains("INT") {
            Kind::Int
        } else if d.contains("BYTEA") || d.contains("BLOB") {
            Kind::Blob
        } else if ["REAL", "DOUB", "FLOA", "NUMERIC"].iter().any(|k| d.contains(k)) {
            Kind::Real
        } else {
            Kind::Text
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: i64,
}

/// The last link of a network's hash chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ChainHead {
    pub network_id: String,
    pub seq: i64,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: i64,
    /// The last migration applied to the database backed up.
    pub schema_version: i64,
    pub app_version: String,
    /// "sqlite" or "postgres".
    pub engine: String,
    pub made_at: i64,
    /// Tables in the order they are loaded (each after those it refers to).
    pub tables: Vec<TableInfo>,
    pub ledger_heads: Vec<ChainHead>,
}

impl Manifest {
    pub fn rows(&self, table: &str) -> i64 {
        self.tables.iter().find(|t| t.name == table).map_or(0, |t| t.rows)
    }
}

/// One line of the body after the manifest.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Marker {
    Table { table: String },
    End { end: bool },
}

// ---- The database's own catalog (per engine) ----

async fn table_names(c: &mut AnyConnection, engine: Engine) -> anyhow::Result<Vec<String>> {
    let sql = match engine {
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1"
        }
    };
    Ok(sqlx::query_scalar::<_, String>(sql).fetch_all(&mut *c).await?)
}

async fn columns(c: &mut AnyConnection, engine: Engine, table: &str) -> anyhow::Result<Vec<Column>> {
    let sql = match engine {
        Engine::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Engine::Postgres => {
            "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql).bind(table).fetch_all(&mut *c).await?;
    Ok(rows.into_iter().map(|(name, declared)| Column { kind: Kind::of(&declared), name }).collect())
}

/// (table, the table it refers to) for every foreign key.
async fn references(c: &mut AnyConnection, engine: Engine) -> anyhow::Result<Vec<(String, String)>> {
    let sql = match engine {
        Engine::Sqlite => "SELECT m.name, f.\"table\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        Engine::Postgres => {
            "SELECT CAST(cl.relname AS TEXT), CAST(rf.relname AS TEXT) FROM pg_constraint k
             JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class rf ON rf.oid = k.confrelid
             JOIN pg_namespace n ON n.oid = cl.relnamespace
             WHERE k.contype = 'f' AND n.nspname = current_schema()"
        }
    };
    Ok(sqlx::query_as(sql).fetch_all(&mut *c).await?)
}

/// Every table after the tables it refers to (a table referring to itself aside), and
/// otherwise by name. Fails on a cycle, which no order can load.
pub fn load_order(tables: &[String], refs: &[(String, String)]) -> anyhow::Result<Vec<String>> {
    let mut left: Vec<&String> = tables.iter().collect();
    let mut order: Vec<String> = Vec::with_capacity(tables.len());
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            refs.iter().all(|(child, parent)| child != *t || parent == *t || !tables.contains(parent) || order.contains(parent))
        });
        match ready {
            Some(i) => order.push(left.remove(i).clone()),
            None => bail!("the tables {left:?} refer to each other in a circle; no order loads them"),
        }
    }
    Ok(order)
}

/// The database's tables in load order with their columns.
async fn schema(c: &mut AnyConnection, engine: Engine) -> anyhow::Result<Vec<(String, Vec<Column>)>> {
    let names = table_names(c, engine).await?;
    let refs = references(c, engine).await?;
    let mut out = Vec::with_capacity(names.len());
    for name in load_order(&names, &refs)? {
        let cols = columns(c, engine, &name).await?;
        out.push((name, cols));
    }
    Ok(out)
}

/// Every (table, column) with a foreign key to `target` (for the test that a member's own
/// download covers every table holding their data).
pub async fn references_to(db: &Db, target: &str) -> anyhow::Result<Vec<(String, String)>> {
    let sql = match db.engine {
        Engine::Sqlite => {
            "SELECT m.name, f.\"from\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND f.\"table\" = $1 ORDER BY 1, 2"
        }
        Engine::Postgres => {
            "SELECT CAST(cl.relname AS TEXT), CAST(a.attname AS TEXT) FROM pg_constraint k
             JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class rf ON rf.oid = k.confrelid
             JOIN pg_namespace n ON n.oid = cl.relnamespace
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)
             WHERE k.contype = 'f' AND n.nspname = current_schema() AND rf.relname = $1 ORDER BY 1, 2"
        }
    };
    Ok(sqlx::query_as(sql).bind(target).fetch_all(&db.pool).await?)
}

/// The self-references in the schema (for the test that each has an order).
pub async fn self_references(db: &Db) -> anyhow::Result<Vec<String>> {
    let mut c = db.pool.acquire().await?;
    let refs = references(&mut c, db.engine).await?;
    let mut out: Vec<String> = refs.into_iter().filter(|(a, b)| a == b).map(|(a, _)| a).collect();
    out.sort();
    out.dedup();
    Ok(out)
}

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}

// ---- Backup ----

/// Where the compressed (and perhaps sealed) bytes go.
enum Sink<W: Write> {
    Plain(flate2::write::GzEncoder<W>),
    Sealed(flate2::write::GzEncoder<sealed::SealingWriter<W>>),
}

impl<W: Write> Sink<W> {
    fn new(out: W, passphrase: Option<&str>) -> std::io::Result<Self> {
        let level = flate2::Compression::new(3);
        Ok(match passphrase {
            Some(p) => Sink::Sealed(flate2::write::GzEncoder::new(sealed::SealingWriter::new(out, p)?, level)),
            None => Sink::Plain(flate2::write::GzEncoder::new(out, level)),
        })
    }
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(data),
            Sink::Sealed(w) => w.write_all(data),
        }
    }
    fn finish(self) -> std::io::Result<W> {
        match self {
            Sink::Plain(w) => w.finish(),
            Sink::Sealed(w) => w.finish()?.finish(),
        }
    }
}

/// One value of a row as JSON, read as its column's kind.
fn value_of(row: &sqlx::any::AnyRow, i: usize, kind: Kind) -> anyhow::Result<serde_json::Value> {
    use base64::Engine as _;
    use serde_json::Value;
    Ok(match kind {
        Kind::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from),
        Kind::Real => row.try_get::<Option<f64>, _>(i)?.map_or(Value::Null, Value::from),
        Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::from),
        Kind::Blob => {
            row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Value::Null, |b| Value::from(base64::engine::general_purpose::STANDARD.encode(b)))
        }
    })
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Writes a consistent backup of the whole database to `out` (compressed, sealed with
/// `passphrase` if given) and returns its manifest. The writing happens on a thread of
/// its own, so compression overlaps the reading.
pub async fn backup<W: Write + Send + 'static>(db: &Db, out: W, passphrase: Option<&str>) -> anyhow::Result<(Manifest, W)> {
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(16);
    let passphrase = passphrase.map(str::to_string);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<W> {
        let mut sink = Sink::new(out, passphrase.as_deref())?;
        for chunk in receive {
            sink.write_all(&chunk)?;
        }
        sink.finish()
    });
    let read = read_everything(db, &send).await;
    drop(send);
    let written = writer.await.context("the backup's writer stopped")?;
    let manifest = read?;
    let out = written.context("writing the backup")?;
    Ok((manifest, out))
}

async fn read_everything(db: &Db, send: &std::sync::mpsc::SyncSender<Vec<u8>>) -> anyhow::Result<Manifest> {
    let mut tx = db.pool.begin().await?;
    if db.engine == Engine::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
    }
    let schema_version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_one(&mut *tx)
        .await
        .context("reading the schema version (is this a Timeweave database?)")?;
    let tables = schema(&mut tx, db.engine).await?;
    let mut infos = Vec::with_capacity(tables.len());
    for (name, cols) in &tables {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quoted(name))).fetch_one(&mut *tx).await?;
        infos.push(TableInfo { name: name.clone(), columns: cols.clone(), rows });
    }
    let ledger_heads =
        sqlx::query_as::<_, ChainHead>("SELECT network_id, seq, hash FROM ledger_heads ORDER BY network_id").fetch_all(&mut *tx).await?;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version,
        app_version: env!("CARGO_PKG_VERSION").into(),
        engine: engine_name(db.engine).into(),
        made_at: crate::util::now(),
        tables: infos,
        ledger_heads,
    };
    let gone = || anyhow::anyhow!("the backup's writer stopped");
    let mut buf = serde_json::to_vec(&manifest)?;
    buf.push(b'\n');
    for (name, cols) in &tables {
        serde_json::to_writer(&mut buf, &Marker::Table { table: name.clone() })?;
        buf.push(b'\n');
        let list = cols.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
        let order = SELF_REFERENCES.iter().find(|(t, _)| t == name).map(|(_, o)| format!(" ORDER BY {o}")).unwrap_or_default();
        let sql = format!("SELECT {list} FROM {}{order}", quoted(name));
        let mut rows = sqlx::query(&sql).fetch(&mut *tx);
        let mut values = Vec::with_capacity(cols.len());
        while let Some(row) = rows.try_next().await? {
            values.clear();
            for (i, c) in cols.iter().enumerate() {
                values.push(value_of(&row, i, c.kind).with_context(|| format!("reading {name}.{}", c.name))?);
            }
            serde_json::to_writer(&mut buf, &values)?;
            buf.push(b'\n');
            if buf.len() >= 256 * 1024 {
                send.send(std::mem::take(&mut buf)).map_err(|_| gone())?;
            }
        }
    }
    serde_json::to_writer(&mut buf, &Marker::End { end: true })?;
    buf.push(b'\n');
    send.send(buf).map_err(|_| gone())?;
    tx.rollback().await?;
    Ok(manifest)
}

/// Backs up to a file: written beside it as `FILE.partial`, renamed when complete.
pub async fn backup_to_file(db: &Db, path: &std::path::Path, passphrase: Option<&str>) -> anyhow::Result<Manifest> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let file = std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
    let result = backup(db, std::io::BufWriter::new(file), passphrase).await;
    let (manifest, out) = match result {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let file = out.into_inner().map_err(|e| e.into_error()).context("writing the backup")?;
    file.sync_all().context("writing the backup to disk")?;
    std::fs::rename(&partial, path).with_context(|| format!("naming the backup {}", path.display()))?;
    Ok(manifest)
}

// ---- Restore ----

/// What the reading thread hands over.
enum Piece {
    Manifest(Box<Manifest>),
    Table(String),
    Rows(Vec<Vec<serde_json::Value>>),
    End,
}

/// Reads the file on a thread of its own: the manifest, then tables and rows in batches.
fn read_file<R: Read + Send + 'static>(
    input: R,
    passphrase: Option<String>,
    send: tokio::sync::mpsc::Sender<anyhow::Result<Piece>>,
) -> anyhow::Result<()> {
    let mut input = input;
    let mut first = [0u8; 8];
    let got = sealed::fill(&mut input, &mut first)?;
    let compressed: Box<dyn Read> = if got == 8 && &first == sealed::MAGIC {
        let Some(p) = passphrase else { bail!("this backup is sealed with a passphrase: set TIMEWEAVE_BACKUP_PASSPHRASE") };
        Box::new(sealed::OpeningReader::new(input, &p)?)
    } else {
        Box::new(std::io::Cursor::new(first[..got].to_vec()).chain(input))
    };
    let mut lines = std::io::BufReader::with_capacity(256 * 1024, flate2::read::GzDecoder::new(compressed)).lines();
    let bad = |what: &str| anyhow::anyhow!("this is not a Timeweave backup, or it is damaged ({what})");
    let first = lines.next().ok_or_else(|| bad("empty"))?.map_err(|e| bad(&e.to_string()))?;
    let manifest: Manifest = serde_json::from_str(&first).map_err(|_| bad("no manifest"))?;
    let put = |p: Piece| send.blocking_send(Ok(p)).map_err(|_| anyhow::anyhow!("the restore stopped"));
    put(Piece::Manifest(Box::new(manifest)))?;
    let mut batch = Vec::new();
    for line in lines {
        let line = line.map_err(|e| bad(&e.to_string()))?;
        if line.starts_with('[') {
            batch.push(serde_json::from_str::<Vec<serde_json::Value>>(&line).map_err(|_| bad("a row"))?);
            if batch.len() == 1000 {
                put(Piece::Rows(std::mem::take(&mut batch)))?;
            }
            continue;
        }
        if !batch.is_empty() {
            put(Piece::Rows(std::mem::take(&mut batch)))?;
        }
        match serde_json::from_str::<Marker>(&line).map_err(|_| bad("a table line"))? {
            Marker::Table { table } => put(Piece::Table(table))?,
            Marker::End { .. } => return put(Piece::End),
        }
    }
    Err(bad("it ends before its last table"))
}

/// Whether the database has no tables at all (a new database).
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    let sql = match db.engine {
        Engine::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Engine::Postgres => "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    };
    Ok(sqlx::query_scalar::<_, i64>(sql).fetch_one(&db.pool).await? == 0)
}

/// Binds one value as its column's kind.
fn bind<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: &serde_json::Value,
    c: &Column,
) -> anyhow::Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    use base64::Engine as _;
    let wrong = || anyhow::anyhow!("column {}: {v} is not a {:?}", c.name, c.kind);
    Ok(match c.kind {
        Kind::Int => q.bind(if v.is_null() { None } else { Some(v.as_i64().ok_or_else(wrong)?) }),
        Kind::Real => q.bind(if v.is_null() { None } else { Some(v.as_f64().ok_or_else(wrong)?) }),
        Kind::Text => q.bind(if v.is_null() { None } else { Some(v.as_str().ok_or_else(wrong)?.to_string()) }),
        Kind::Blob => q.bind(if v.is_null() {
            None
        } else {
            Some(base64::engine::general_purpose::STANDARD.decode(v.as_str().ok_or_else(wrong)?).map_err(|_| wrong())?)
        }),
    })
}

/// Restores a backup into an empty database (see the module's notes); returns the
/// manifest. All rows go in one transaction: a refusal leaves the tables empty.
pub async fn restore<R: Read + Send + 'static>(db: &Db, input: R, passphrase: Option<&str>) -> anyhow::Result<Manifest> {
    if !is_empty(db).await? {
        bail!("the database to restore into is not empty: restore into a new, empty database");
    }
    let (send, mut receive) = tokio::sync::mpsc::channel::<anyhow::Result<Piece>>(8);
    let passphrase = passphrase.map(str::to_string);
    let reader = tokio::task::spawn_blocking(move || {
        if let Err(e) = read_file(input, passphrase, send.clone()) {
            let _ = send.blocking_send(Err(e));
        }
    });
    let result = load(db, &mut receive).await;
    drop(receive);
    let _ = reader.await;
    result
}

async fn next(receive: &mut tokio::sync::mpsc::Receiver<anyhow::Result<Piece>>) -> anyhow::Result<Piece> {
    receive.recv().await.ok_or_else(|| anyhow::anyhow!("the backup's reader stopped"))?
}

async fn load(db: &Db, receive: &mut tokio::sync::mpsc::Receiver<anyhow::Result<Piece>>) -> anyhow::Result<Manifest> {
    let Piece::Manifest(manifest) = next(receive).await? else { bail!("the backup has no manifest") };
    if manifest.format != FORMAT || manifest.format_version > FORMAT_VERSION {
        bail!("this is not a backup this version of Timeweave can read ({} version {})", manifest.format, manifest.format_version);
    }
    let newest = super::db::latest_migration();
    if manifest.schema_version > newest {
        bail!(
            "this backup was made by a newer Timeweave (schema {}, this one knows up to {newest}): restore it with that version",
            manifest.schema_version
        );
    }
    db.migrate_to(manifest.schema_version).await?;
    let mut tx = db.pool.begin().await?;
    if db.engine == Engine::Sqlite {
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
    }
    let here = schema(&mut tx, db.engine).await?;
    for t in &manifest.tables {
        let Some((_, cols)) = here.iter().find(|(n, _)| *n == t.name) else {
            bail!("the backup has a table {} that schema {} does not", t.name, manifest.schema_version)
        };
        let names: Vec<&String> = cols.iter().map(|c| &c.name).collect();
        let theirs: Vec<&String> = t.columns.iter().map(|c| &c.name).collect();
        if names != theirs {
            bail!("the table {} has other columns in the backup than in schema {}", t.name, manifest.schema_version);
        }
    }
    // What the migrations seeded (the starting categories) makes way for the backup's rows.
    for (name, _) in here.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", quoted(name))).execute(&mut *tx).await?;
    }
    let mut table: Option<&TableInfo> = None;
    loop {
        match next(receive).await? {
            Piece::Manifest(_) => bail!("the backup has two manifests"),
            Piece::Table(name) => {
                table = Some(
                    manifest.tables.iter().find(|t| t.name == name).with_context(|| format!("the table {name} is not in the manifest"))?,
                );
            }
            Piece::Rows(rows) => {
                let t = table.context("rows before any table")?;
                insert(&mut tx, t, &rows).await.with_context(|| format!("loading {}", t.name))?;
            }
            Piece::End => break,
        }
    }
    for t in &manifest.tables {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quoted(&t.name))).fetch_one(&mut *tx).await?;
        if rows != t.rows {
            bail!("{} has {rows} rows after loading, and the backup says {}", t.name, t.rows);
        }
    }
    let heads =
        sqlx::query_as::<_, ChainHead>("SELECT network_id, seq, hash FROM ledger_heads ORDER BY network_id").fetch_all(&mut *tx).await?;
    if heads != manifest.ledger_heads {
        bail!("the ledger's chain heads after loading differ from the backup's");
    }
    tx.commit().await.context("committing the restored rows")?;
    Ok(*manifest)
}

/// Inserts rows of one table, as many to a statement as the engines allow.
async fn insert(tx: &mut sqlx::Transaction<'_, sqlx::Any>, t: &TableInfo, rows: &[Vec<serde_json::Value>]) -> anyhow::Result<()> {
    let width = t.columns.len();
    if width == 0 {
        return Ok(());
    }
    let per_statement = (4000 / width).max(1);
    let list = t.columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ");
    for chunk in rows.chunks(per_statement) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|r| format!("({})", (1..=width).map(|c| format!("${}", r * width + c)).collect::<Vec<_>>().join(", ")))
            .collect();
        let sql = format!("INSERT INTO {} ({list}) VALUES {}", quoted(&t.name), tuples.join(", "));
        let mut q = sqlx::query(&sql);
        for row in chunk {
            if row.len() != width {
                bail!("a row of {} has {} values for {width} columns", t.name, row.len());
            }
            for (v, c) in row.iter().zip(&t.columns) {
                q = bind(q, v, c)?;
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn tables_load_after_those_they_refer_to() {
        let tables = s(&["entries", "transfers", "accounts", "networks", "users"]);
        let refs: Vec<(String, String)> = [
            ("entries", "transfers"),
            ("entries", "accounts"),
            ("transfers", "transfers"),
            ("transfers", "networks"),
            ("accounts", "networks"),
            ("accounts", "users"),
            ("users", "elsewhere"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(load_order(&tables, &refs).unwrap(), s(&["networks", "transfers", "users", "accounts", "entries"]));
        let circle = vec![("a".to_string(), "b".to_string()), ("b".to_string(), "a".to_string())];
        assert!(load_order(&s(&["a", "b"]), &circle).is_err());
    }

    #[test]
    fn column_kinds_from_either_engines_names() {
        assert_eq!(Kind::of("BIGINT"), Kind::Int);
        assert_eq!(Kind::of("integer"), Kind::Int);
        assert_eq!(Kind::of("bytea"), Kind::Blob);
        assert_eq!(Kind::of("double precision"), Kind::Real);
        assert_eq!(Kind::of("TEXT"), Kind::Text);
        assert_eq!(Kind::of("character varying"), Kind::Text);
    }
}
