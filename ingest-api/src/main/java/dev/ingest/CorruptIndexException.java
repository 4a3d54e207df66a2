package dev.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A record index file (the {@code .idx} sidecar of a shard) cannot be trusted: it is not an
 * index at all (another file's bytes), of a format version this build does not read, cut short,
 * or its checksum does not match its bytes. An {@link IOException}, like {@link
 * CorruptRecordException}: the bytes, not the program, are wrong. Writing the index again
 * ({@code ingest index SHARD}) replaces it.
 */
public final class CorruptIndexException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String indexFile;
  private final String problem;

  /**
   * @param indexFile the index file
   * @param problem what is wrong with it, as a clause ({@code "it ends after 12 of 30 bytes"})
   */
  public CorruptIndexException(Path indexFile, String problem) {
    super("the record index " + indexFile + " is corrupt: " + problem
        + "; write it again with: ingest index " + shardOf(indexFile));
    this.indexFile = indexFile.toString();
    this.problem = problem;
  }

  /** The index file, as it was named. */
  public String indexFile() {
    return indexFile;
  }

  /** What is wrong with it. */
  public String problem() {
    return problem;
  }

  private static String shardOf(Path indexFile) {
    String name = indexFile.toString();
    return name.endsWith(".idx") ? name.substring(0, name.length() - ".idx".length()) : name;
  }
}
