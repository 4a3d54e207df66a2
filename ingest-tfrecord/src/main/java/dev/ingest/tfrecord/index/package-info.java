/**
 * Record indexes: the {@code .idx} sidecar beside a TFRecord shard that says where each record
 * starts, for reading records out of order ({@link dev.ingest.tfrecord.index.RecordIndex}).
 */
package dev.ingest.tfrecord.index;
