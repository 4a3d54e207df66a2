package dev.ingest;

import java.util.List;

/**
 * A file cache ({@link Dataset#cache(String)}) cannot be used by this pipeline: its manifest
 * records other sources than the pipeline reads (other files, sizes or modification times,
 * another compression, shard or corruption policy), or its files no longer match its manifest.
 * tf.data would silently replay the old records; ingest refuses, names the cache's path prefix
 * and says what differs. Delete the cache's files ({@code PREFIX.*}) or give the pipeline another
 * prefix to have it written again.
 */
public final class CacheMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** Differences named in the message; the rest are counted. */
  private static final int NAMED = 5;

  private final String pathPrefix;
  private final List<String> differences;

  /**
   * @param pathPrefix the cache's path prefix, as the pipeline gives it
   * @param differences what differs, one entry each ({@code "compression: gzip in the cache,
   *     zlib now"}); at least one
   */
  public CacheMismatchException(String pathPrefix, List<String> differences) {
    super(message(pathPrefix, differences));
    this.pathPrefix = pathPrefix;
    this.differences = List.copyOf(differences);
  }

  /** The cache's path prefix. */
  public String pathPrefix() {
    return pathPrefix;
  }

  /** Every difference found, in the manifest's order. */
  public List<String> differences() {
    return differences;
  }

  private static String message(String pathPrefix, List<String> differences) {
    StringBuilder text = new StringBuilder("the cache at '").append(pathPrefix)
        .append("' was written for a different pipeline or has changed since: ");
    for (int i = 0; i < Math.min(NAMED, differences.size()); i++) {
      text.append(i == 0 ? "" : "; ").append(differences.get(i));
    }
    if (differences.size() > NAMED) {
      text.append("; and ").append(differences.size() - NAMED).append(" more");
    }
    return text.append(". Delete its files (").append(pathPrefix)
        .append(".*) or choose another cache path to write it again").toString();
  }
}
