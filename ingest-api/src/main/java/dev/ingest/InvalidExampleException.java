package dev.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A record is not a {@code tf.train.Example} that matches the {@link ExampleSpec}: a required
 * feature is missing, a feature has the wrong type or the wrong number of values, or the bytes
 * are not a valid protobuf. Says which record (file, byte offset, index) and which feature.
 */
public final class InvalidExampleException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the record. */
  public enum Reason {
    /** A fixed feature without a default is absent. */
    MISSING,
    /** The feature holds a different list type than its spec. */
    WRONG_DTYPE,
    /** A fixed feature has a different number of values than its shape needs. */
    WRONG_COUNT,
    /** The record is not valid protobuf wire format. */
    MALFORMED
  }

  private final transient Path file;
  private final long offset;
  private final long recordIndex;
  private final String feature;
  private final Reason reason;

  /**
   * @param file the record's file, or {@code null} when unknown
   * @param offset the record's byte offset in its file (-1 when unknown)
   * @param recordIndex the record's index in its file (-1 when unknown)
   * @param feature the feature at fault, or {@code null} for a malformed record
   */
  public InvalidExampleException(
      Path file, long offset, long recordIndex, String feature, Reason reason, String detail) {
    super(describe(file, offset, recordIndex, feature, detail));
    this.file = file;
    this.offset = offset;
    this.recordIndex = recordIndex;
    this.feature = feature;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  public long recordIndex() {
    return recordIndex;
  }

  /** The feature at fault; {@code null} when the record as a whole is malformed. */
  public String feature() {
    return feature;
  }

  public Reason reason() {
    return reason;
  }

  private static String describe(
      Path file, long offset, long recordIndex, String feature, String detail) {
    StringBuilder message = new StringBuilder();
    message.append(file == null ? "<unknown file>" : file.toString());
    message.append(": record ").append(recordIndex).append(" at offset ").append(offset);
    if (feature != null) {
      message.append(": feature '").append(feature).append('\'');
    }
    return message.append(": ").append(detail).toString();
  }
}
