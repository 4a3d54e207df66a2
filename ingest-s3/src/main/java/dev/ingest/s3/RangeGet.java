package dev.ingest.s3;

import dev.ingest.s3.RangeFaults.RangeTimeoutException;
import dev.ingest.s3.RangeFaults.UnexpectedRangeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One attempt at one byte range: a ranged GET whose body is handed to a {@link Listener} piece by
 * piece as it arrives, asking the SDK for the next piece only after the listener has taken the
 * last (so a slow reader holds back the connection, not memory).
 *
 * <p>The SDK does not retry it: a retry of a half-read range must ask for the bytes still
 * missing, not start the range over, so the caller counts attempts itself. Each attempt has a
 * timeout from request to last byte, fired on {@link StorageTimer}, which also catches a body
 * that stalls.
 *
 * <h2>Assumptions and guarantees</h2>
 * The listener hears at most one {@link Listener#onEnd} per attempt, and none after {@link
 * #cancel()}; pieces arrive in order on the SDK's event-loop threads, one at a time (reactive
 * streams' rule), while {@code onEnd} may come from the SDK, the timer or the thread that calls
 * {@link #start} (a request refused at once). A cancelled attempt aborts its HTTP request (the
 * connection is closed, not reused) and delivers nothing more.
 */
final class RangeGet implements AsyncResponseTransformer<GetObjectResponse, Void>,
    Subscriber<ByteBuffer> {

  /** Where an attempt's bytes and outcome go. */
  interface Listener {
    /**
     * A piece of the body, in order. The piece is the SDK's: copy what is needed before
     * returning.
     *
     * @return whether to go on; false cancels the attempt (the listener is done with it)
     */
    boolean onBody(RangeGet attempt, ByteBuffer piece);

    /** The attempt ended: {@code failure} is null when its body ended cleanly. */
    void onEnd(RangeGet attempt, Throwable failure);
  }

  private static final AwsRequestOverrideConfiguration NO_SDK_RETRIES =
      AwsRequestOverrideConfiguration.builder().addPlugin(noRetries()).build();

  private final long first;
  private final long last;
  private final Listener listener;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final CompletableFuture<Void> result = new CompletableFuture<>();
  private volatile Subscription subscription;
  private volatile CompletableFuture<Void> call;
  private volatile ScheduledFuture<?> timeout;

  /**
   * @param first the first byte asked
   * @param last the last byte asked (inclusive, as HTTP counts)
   */
  RangeGet(long first, long last, Listener listener) {
    this.first = first;
    this.last = last;
    this.listener = listener;
  }

  /** Sends the request; its outcome reaches the listener. */
  void start(S3AsyncClient client, String bucket, String key, String eTag, Duration limit,
      ScheduledExecutorService timer) {
    GetObjectRequest request = GetObjectRequest.builder()
        .bucket(bucket)
        .key(key)
        .range("bytes=" + first + "-" + last)
        .ifMatch(eTag)
        .overrideConfiguration(NO_SDK_RETRIES)
        .build();
    timeout = timer.schedule(() -> end(new RangeTimeoutException(
        "no complete answer within " + limit.toMillis() + " ms")), limit.toNanos(),
        TimeUnit.NANOSECONDS);
    CompletableFuture<Void> sent;
    try {
      sent = client.getObject(request, this);
    } catch (RuntimeException refused) {
      end(refused);
      return;
    }
    call = sent;
    sent.whenComplete((ignored, failure) -> {
      if (failure != null) {
        end(failure);
      }
    });
    if (ended.get()) {
      sent.cancel(true);
    }
  }

  /** Stops the attempt quietly: the listener hears nothing more from it. */
  void cancel() {
    if (ended.compareAndSet(false, true)) {
      abort();
    }
  }

  /** The first byte this attempt asked for. */
  long first() {
    return first;
  }

  @Override
  public CompletableFuture<Void> prepare() {
    return result;
  }

  @Override
  public void onResponse(GetObjectResponse response) {
    String contentRange = response.contentRange();
    boolean answersRange = contentRange == null
        ? first == 0 // a server that ignores Range sends the object from its start
        : contentRange.startsWith("bytes " + first + "-");
    if (!answersRange) {
      end(new UnexpectedRangeException("asked for bytes " + first + "-" + last
          + ", answered with " + (contentRange == null ? "the whole object" : contentRange)));
    }
  }

  @Override
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    publisher.subscribe(this);
  }

  @Override
  public void exceptionOccurred(Throwable failure) {
    end(failure);
  }

  @Override
  public void onSubscribe(Subscription body) {
    subscription = body;
    if (ended.get()) {
      body.cancel();
    } else {
      body.request(1);
    }
  }

  @Override
  public void onNext(ByteBuffer piece) {
    if (ended.get()) {
      return;
    }
    if (listener.onBody(this, piece)) {
      subscription.request(1);
    } else {
      cancel();
    }
  }

  @Override
  public void onError(Throwable failure) {
    end(failure);
  }

  @Override
  public void onComplete() {
    if (ended.compareAndSet(false, true)) {
      cancelTimeout();
      result.complete(null);
      listener.onEnd(this, null);
    }
  }

  private void end(Throwable failure) {
    if (ended.compareAndSet(false, true)) {
      abort();
      listener.onEnd(this, failure);
    }
  }

  private void abort() {
    cancelTimeout();
    Subscription body = subscription;
    if (body != null) {
      body.cancel();
    }
    CompletableFuture<Void> sent = call;
    if (sent != null) {
      sent.cancel(true);
    }
    result.cancel(true);
  }

  private void cancelTimeout() {
    ScheduledFuture<?> pending = timeout;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private static SdkPlugin noRetries() {
    return config -> config.overrideConfiguration(config.overrideConfiguration().toBuilder()
        .retryStrategy(AwsRetryStrategy.doNotRetry())
        .build());
  }
}
