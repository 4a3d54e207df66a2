package dev.ingest;

import java.nio.file.Path;

/**
 * A user transform threw on a record. Says which transform and which record (file, byte offset,
 * index in the file); the cause is the transform's own exception. Reaches the consumer as the
 * cause of an {@link IngestException} whose stage is the transform's name.
 */
public final class TransformException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String transform;
  private final transient Path file;
  private final long offset;
  private final long record;

  public TransformException(String transform, Path file, long offset, long record, Throwable cause) {
    super(transform + " failed on record " + record + " of " + file + " (byte offset " + offset
        + "): " + cause, cause);
    this.transform = transform;
    this.file = file;
    this.offset = offset;
    this.record = record;
  }

  public String transform() {
    return transform;
  }

  /** The record's file; {@code null} when the record's origin is unknown. */
  public Path file() {
    return file;
  }

  /** Byte offset of the record's header in its (decompressed) file. */
  public long offset() {
    return offset;
  }

  /** Index of the record in its file. */
  public long record() {
    return record;
  }
}
