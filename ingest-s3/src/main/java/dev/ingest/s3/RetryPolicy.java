package dev.ingest.s3;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a failed request to the store is tried again: exponential backoff
 * with full jitter (a random wait between zero and {@code min(maxDelay, baseDelay * 2^retry)}),
 * so that many readers throttled at once do not come back at once.
 *
 * @param maxAttempts tries in all, the first included (1: no retry)
 * @param baseDelay the backoff's first step
 * @param maxDelay the backoff's cap
 * @param requestTimeout how long one try may take, from request to last byte of its range
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay,
    Duration requestTimeout) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max_attempts must be at least 1, not " + maxAttempts);
    }
    if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "retry delays must satisfy 0 <= base <= max, not " + baseDelay + " and " + maxDelay);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive, not " + requestTimeout);
    }
  }

  /** Ten tries, from 50 ms up to 5 s apart, 30 s for each. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(10, Duration.ofMillis(50), Duration.ofSeconds(5),
        Duration.ofSeconds(30));
  }

  /** The wait before retry number {@code retry} (1 for the first retry). */
  public Duration delayBefore(int retry) {
    long base = baseDelay.toNanos();
    long cap = maxDelay.toNanos();
    long ceiling = retry >= 62 || base << Math.min(retry - 1, 62) > cap || base << (retry - 1) < 0
        ? cap : Math.min(cap, base << (retry - 1));
    return Duration.ofNanos(ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
  }
}
