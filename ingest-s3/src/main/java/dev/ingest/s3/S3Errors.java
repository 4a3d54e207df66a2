package dev.ingest.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * Turns the SDK's failures into the file system's exceptions, each naming the URI asked for: a
 * missing bucket or key is a {@link NoSuchFileException}, a refusal an {@link
 * AccessDeniedException}, a store that cannot be reached a {@link StoreUnreachableException}, and
 * anything else an {@link IOException}.
 */
final class S3Errors {
  private S3Errors() {}

  /**
   * Waits for {@code request} on the calling thread (never an event loop), cancelling it if the
   * wait is interrupted.
   *
   * @throws InterruptedIOException if interrupted; the thread's interrupt flag is set again
   * @throws IOException the translated failure of the request
   */
  static <T> T await(CompletableFuture<T> request, String uri, S3Settings settings)
      throws IOException {
    try {
      return request.get();
    } catch (InterruptedException e) {
      request.cancel(true);
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted while waiting for " + uri);
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExecutionException | CancellationException e) {
      throw translate(e, uri, settings);
    }
  }

  /** The file system's exception for {@code failure} of a request for {@code uri}. */
  static IOException translate(Throwable failure, String uri, S3Settings settings) {
    Throwable cause = unwrap(failure);
    // Already translated further down a chain of requests.
    if (cause instanceof IOException && cause.getMessage() != null
        && cause.getMessage().contains(uri)) {
      return (IOException) cause;
    }
    if (cause instanceof AwsServiceException) {
      AwsServiceException service = (AwsServiceException) cause;
      String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      int status = service.statusCode();
      if (status == 404 || "NoSuchKey".equals(code) || "NoSuchBucket".equals(code)) {
        NoSuchFileException missing = new NoSuchFileException(uri, null,
            "NoSuchBucket".equals(code) ? "no such bucket" : "no such key");
        missing.initCause(cause);
        return missing;
      }
      if (status == 403) {
        AccessDeniedException denied = new AccessDeniedException(uri, null,
            "access denied" + (code == null || code.equals("AccessDenied") ? "" : " (" + code + ")"));
        denied.initCause(cause);
        return denied;
      }
      return new IOException(uri + ": the store answered " + status
          + (code == null ? "" : " " + code) + ": " + firstLine(service), cause);
    }
    if (isUnreachable(cause)) {
      return new StoreUnreachableException(settings.endpointForMessages(), uri, rootCause(cause));
    }
    if (cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException) {
      return new IOException(uri + ": the request timed out after "
          + settings.retries().maxAttempts() + " tries of at most "
          + settings.retries().requestTimeout().toMillis() + " ms each", cause);
    }
    if (cause instanceof CancellationException) {
      return new InterruptedIOException(uri + ": the request was cancelled");
    }
    return new IOException(uri + ": " + firstLine(cause), cause);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static boolean isUnreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof UnknownHostException
          || cause instanceof NoRouteToHostException || isAcquireTimeout(cause)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /**
   * The Netty client's pool gave no connection within a try's time: its connection attempts
   * (made while acquiring) neither succeeded nor were refused in time, which to a reader is an
   * endpoint that cannot be reached. The SDK says so only in the message of a plain timeout.
   */
  private static boolean isAcquireTimeout(Throwable cause) {
    return cause instanceof java.util.concurrent.TimeoutException
        && String.valueOf(cause.getMessage()).contains("Acquire operation took longer");
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String firstLine(Throwable failure) {
    String message = failure.getMessage();
    if (message == null) {
      return failure.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
