package dev.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A shard that a pipeline reads by record (a global shuffle) has no record index (no {@code .idx}
 * sidecar beside it), and the pipeline was told not to build one. Bad configuration, not bad
 * data: {@code ingest index SHARD} writes the index, and {@code index: build} makes the pipeline
 * build missing ones before its first epoch. An {@link IOException}, like {@link
 * StaleIndexException} and {@link CorruptIndexException}, the other reasons an index is refused.
 */
public final class MissingIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String shard;
  private final String indexFile;

  /**
   * @param shard the shard without an index
   * @param indexFile where its index was looked for
   */
  public MissingIndexException(Path shard, Path indexFile) {
    super("the shard " + shard + " has no record index (no " + indexFile + "); write it with:"
        + " ingest index " + shard + ", or set index: build to build missing indexes before"
        + " the first epoch");
    this.shard = shard.toString();
    this.indexFile = indexFile.toString();
  }

  /** The shard without an index, as it was named. */
  public String shard() {
    return shard;
  }

  /** Where its index was looked for, as it was named. */
  public String indexFile() {
    return indexFile;
  }
}
