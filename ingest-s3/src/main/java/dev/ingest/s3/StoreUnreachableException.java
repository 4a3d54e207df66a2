package dev.ingest.s3;

import java.io.IOException;

/**
 * The store could not be reached at all (refused connection, unknown host, connect timeout): a
 * wrong endpoint or a network problem, not a missing object. The message names both the endpoint
 * and the URI that was asked for.
 */
public class StoreUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final String uri;

  public StoreUnreachableException(String endpoint, String uri, Throwable cause) {
    super("cannot reach the object store at " + endpoint + " for " + uri
        + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    this.endpoint = endpoint;
    this.uri = uri;
  }

  /** The endpoint that did not answer. */
  public String endpoint() {
    return endpoint;
  }

  /** The object or prefix that was asked for. */
  public String uri() {
    return uri;
  }
}
