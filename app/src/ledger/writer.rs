//! Group commit for the ledger: concurrent requests to move hours are queued in this
//! process and written in batches, one transaction and one durable commit per batch.
//!
//! Every transfer of a network must pass through that network's head row (it orders the
//! hash chain and makes limit checks exact), so a transfer-per-commit design is bounded by
//! one disk flush per transfer. Batching keeps every guarantee — each transfer is still
//! applied all or nothing, in order, against the balances left by the one before — while
//! paying for the flush once per batch. A caller is answered only after its batch has
//! committed, so an acknowledged transfer survives a crash. Nothing is kept between
//! batches: the queue holds only requests still waiting for their answer, and several
//! server processes can share one PostgreSQL (the head row orders their batches).

use super::store::{self, NewTransfer, Outcome};
use crate::error::AppError;
use crate::platform::db::Db;
use crate::platform::metrics::Metrics;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most transfers one batch takes.
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<Outcome, AppError>>;

/// A handle to this process's ledger writer; cheap to clone.
#[derive(Clone)]
pub struct LedgerWriter {
    queue: mpsc::Sender<(NewTransfer, Reply)>,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for LedgerWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LedgerWriter")
    }
}

impl LedgerWriter {
    /// Starts the writer task on the current Tokio runtime; it counts its queue and batches
    /// in `metrics`.
    pub fn start(db: Db, metrics: Arc<Metrics>) -> LedgerWriter {
        let (queue, mut rx) = mpsc::channel::<(NewTransfer, Reply)>(4096);
        let counted = metrics.clone();
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
                counted.ledger_queue_depth.sub(batch.len() as i64);
                counted.ledger_batch_size.observe(batch.len() as f64);
                let (transfers, replies): (Vec<NewTransfer>, Vec<Reply>) = batch.drain(..).unzip();
                match store::apply_batch(&db, &transfers).await {
                    Ok(outcomes) => {
                        for (reply, outcome) in replies.into_iter().zip(outcomes) {
                            let _ = reply.send(Ok(outcome));
                        }
                    }
                    // One bad transfer must not fail the others: apply them one by one
                    // (those already committed come back as "already applied").
                    Err(_) if transfers.len() > 1 => {
                        for (t, reply) in transfers.into_iter().zip(replies) {
                            let _ = reply.send(store::apply(&db, &t).await);
                        }
                    }
                    Err(e) => {
                        for reply in replies {
                            let _ = reply.send(Err(e.clone()));
                        }
                    }
                }
            }
        });
        LedgerWriter { queue, metrics }
    }

    /// Applies a transfer; answers once it is durable (or refused, with nothing written).
    pub async fn apply(&self, transfer: NewTransfer) -> Result<Outcome, AppError> {
        let (tx, rx) = oneshot::channel();
        self.metrics.ledger_queue_depth.inc();
        if self.queue.send((transfer, tx)).await.is_err() {
            self.metrics.ledger_queue_depth.dec();
            return Err(crate::error::unexpected("ledger writer has stopped"));
        }
        rx.await.map_err(|_| crate::error::unexpected("ledger writer dropped a request"))?
    }
}
