/**
 * The bridge from ingest batches to TensorFlow Java tensors. Its code arrives with the batch
 * type it converts; the module exists now so the reactor, and what depends on what, is settled.
 */
module dev.ingest.tensorflow {
  requires transitive dev.ingest.api;
}
