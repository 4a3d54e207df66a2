package dev.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A record index file (the {@code .idx} sidecar of a shard) was written for another version of
 * its shard: the shard's size or identity (a local file's last-modified time, an object's ETag)
 * is not what the index recorded. Reading the shard through it would land between records, so it
 * is refused; writing the index again ({@code ingest index SHARD}) replaces it.
 */
public final class StaleIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String indexFile;
  private final String shard;
  private final String property;
  private final String indexed;
  private final String current;

  /**
   * @param indexFile the index file
   * @param shard the shard it indexes
   * @param property what differs ({@code "size in bytes"}, {@code "last-modified time (ms)"},
   *     {@code "ETag"})
   * @param indexed its value when the index was written
   * @param current its value now
   */
  public StaleIndexException(Path indexFile, Path shard, String property, String indexed,
      String current) {
    super("the record index " + indexFile + " is stale: it was written for " + shard + " with "
        + property + " " + indexed + ", and the shard's " + property + " is " + current
        + " now; write it again with: ingest index " + shard);
    this.indexFile = indexFile.toString();
    this.shard = shard.toString();
    this.property = property;
    this.indexed = indexed;
    this.current = current;
  }

  /** The index file, as it was named. */
  public String indexFile() {
    return indexFile;
  }

  /** The shard it indexes, as it was named. */
  public String shard() {
    return shard;
  }

  /** What differs: the shard's size, or its identity. */
  public String property() {
    return property;
  }

  /** The value the index recorded. */
  public String indexed() {
    return indexed;
  }

  /** The shard's value now. */
  public String current() {
    return current;
  }
}
