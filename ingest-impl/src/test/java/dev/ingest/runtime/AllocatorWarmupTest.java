package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The caller never races the helper: it gets past {@link AllocatorWarmup#awaitDone()} only once
 * the warm-up ran to its end, and one warm-up runs once however often it is started.
 */
class AllocatorWarmupTest {

  @Test
  void theCallerWaitsUntilTheHelperIsDone() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean warmed = new AtomicBoolean();
    AllocatorWarmup warmup = new AllocatorWarmup(() -> {
      awaitQuietly(release);
      warmed.set(true);
    });
    warmup.start();
    AtomicBoolean sawWarmed = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      warmup.awaitDone();
      sawWarmed.set(warmed.get());
    });
    caller.start();
    // Still blocked: only the latch can let the helper end.
    caller.join(200);
    assertThat(caller.isAlive()).isTrue();
    release.countDown();
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(caller.isAlive()).isFalse();
    assertThat(sawWarmed).isTrue();
  }

  @Test
  void aWarmupRunsOnceHoweverOftenItIsStarted() {
    AtomicInteger runs = new AtomicInteger();
    AllocatorWarmup warmup = new AllocatorWarmup(runs::incrementAndGet);
    warmup.start();
    warmup.start();
    warmup.awaitDone();
    warmup.start();
    warmup.awaitDone();
    assertThat(runs).hasValue(1);
  }

  @Test
  void withoutAHelperTheCallerDoesNotWait() {
    AllocatorWarmup warmup = new AllocatorWarmup(() -> {
      throw new AssertionError("never started");
    });
    warmup.awaitDone();
  }

  @Test
  void anInterruptDoesNotCutTheWaitShortAndIsPassedOn() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean warmed = new AtomicBoolean();
    AllocatorWarmup warmup = new AllocatorWarmup(() -> {
      awaitQuietly(release);
      warmed.set(true);
    });
    warmup.start();
    AtomicBoolean sawWarmed = new AtomicBoolean();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread caller = new Thread(() -> {
      warmup.awaitDone();
      sawWarmed.set(warmed.get());
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    caller.start();
    caller.interrupt();
    caller.join(200);
    assertThat(caller.isAlive()).isTrue();
    release.countDown();
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(sawWarmed).isTrue();
    assertThat(stillInterrupted).isTrue();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
