package dev.ingest.s3;

import java.io.IOException;

/**
 * A read of a stored object that failed for good: the store kept failing after every retry the
 * policy allows, refused the read (missing object, access denied), or the object changed while it
 * was read. The message names the object's URI, the offset of the first byte that could not be
 * read and, where the read was retried, the attempts made.
 */
public final class ObjectReadException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String uri;
  private final long offset;

  /**
   * @param uri the object's {@code s3://bucket/key}
   * @param offset the first byte that could not be read
   * @param message the whole message (it names the URI and the offset)
   * @param cause the last failure, or null
   */
  public ObjectReadException(String uri, long offset, String message, Throwable cause) {
    super(message, cause);
    this.uri = uri;
    this.offset = offset;
  }

  /** The object's {@code s3://bucket/key}. */
  public String uri() {
    return uri;
  }

  /** The offset in the object of the first byte that could not be read. */
  public long offset() {
    return offset;
  }
}
