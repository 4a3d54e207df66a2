package dev.ingest.runtime;

import dev.ingest.Batch;
import dev.ingest.tfrecord.example.SerializedRecords;

/**
 * One slot of the pipeline's ring: a batch's serialized records on the way in, the parsed batch
 * or the failure on the way out. The source thread fills it and publishes it; one parse worker
 * parses it and releases its records; the consumer takes the batch. Each hand-off is ordered by
 * the ring's sequences (a write before a sequence is published is visible to whoever waited for
 * that sequence), so the fields need no locks or volatiles.
 */
final class WorkUnit {
  /** Each record is its own retained slice, owned by the unit until parsed. */
  SerializedRecords records;
  Batch batch;
  Throwable error;
  String failedStage;
  boolean end;

  WorkUnit(int batchSize) {
    records = new SerializedRecords(batchSize);
  }

  /** Releases the record slices and forgets them. */
  void releaseRecords() {
    for (int i = 0; i < records.size(); i++) {
      records.buffer(i).release();
    }
    records.clear();
  }

  /** Gives back everything the unit holds (on shutdown) and empties it. */
  void releaseAll() {
    releaseRecords();
    if (batch != null) {
      batch.release();
      batch = null;
    }
  }
}
