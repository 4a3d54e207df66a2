package dev.ingest.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Which failures of a ranged GET are worth asking again. Transient: the store's 5xx (503
 * SlowDown included), 408 and 429, throttling, and every failure of the connection (timeouts,
 * resets, a connection closed mid-body, a body shorter than asked). For good: every other answer
 * of the store (404 missing, 403 denied, 412 the object changed, 416 a range past its end) and a
 * response that does not answer the range asked.
 */
final class RangeFaults {
  private RangeFaults() {}

  /** Whether {@code failure} may pass if the range is asked again. */
  static boolean retryable(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof UnexpectedRangeException) {
      return false;
    }
    if (cause instanceof SdkServiceException service) {
      int status = service.statusCode();
      return status >= 500 || status == 408 || status == 429 || service.isThrottlingException();
    }
    for (Throwable link = cause; link != null; link = link.getCause()) {
      if (link instanceof IOException || link instanceof UncheckedIOException
          || link instanceof TimeoutException || link instanceof ApiCallTimeoutException
          || link instanceof ApiCallAttemptTimeoutException
          || link.getClass().getName().startsWith("io.netty.")) {
        return true;
      }
      if (link.getCause() == link) {
        break;
      }
    }
    return false;
  }

  /** Whether {@code failure} says the object is no longer the version the read began with. */
  static boolean objectChanged(Throwable failure) {
    return unwrap(failure) instanceof SdkServiceException service && service.statusCode() == 412;
  }

  /** A short line for a message: the store's status and error code, or the failure's own. */
  static String describe(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      String code = service.awsErrorDetails().errorCode();
      return "HTTP " + service.statusCode() + (code == null ? "" : " " + code);
    }
    if (cause instanceof SdkServiceException service) {
      return "HTTP " + service.statusCode();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The store answered with bytes other than the range asked: asking again will not help. */
  static final class UnexpectedRangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnexpectedRangeException(String message) {
      super(message);
    }
  }

  /** A body that ended cleanly before the last byte of its range: asked again from there. */
  static final class ShortBodyException extends IOException {
    private static final long serialVersionUID = 1L;

    ShortBodyException(String message) {
      super(message);
    }
  }

  /** An attempt that did not deliver its range within the request timeout. */
  static final class RangeTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    RangeTimeoutException(String message) {
      super(message);
    }
  }
}
