package dev.ingest.runtime.memory;

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
    HeldWarmup held = new HeldWarmup();
    Caller caller = new Caller(held);
    caller.start();
    // Still blocked: only the latch can let the helper end.
    caller.join(200);
    assertThat(caller.isAlive()).isTrue();
    held.release.countDown();
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(caller.isAlive()).isFalse();
    assertThat(caller.sawWarmed).isTrue();
    assertThat(caller.stillInterrupted).isFalse();
  }

  @Test
  void anInterruptDoesNotCutTheWaitShortAndIsPassedOn() throws InterruptedException {
    HeldWarmup held = new HeldWarmup();
    Caller caller = new Caller(held);
    caller.start();
    caller.interrupt();
    caller.join(200);
    assertThat(caller.isAlive()).isTrue();
    held.release.countDown();
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(caller.sawWarmed).isTrue();
    assertThat(caller.stillInterrupted).isTrue();
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

  /** A started warm-up whose helper runs until {@link #release} opens, then marks it warmed. */
  private static final class HeldWarmup {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean warmed = new AtomicBoolean();
    final AllocatorWarmup warmup = new AllocatorWarmup(() -> {
      awaitQuietly(release);
      warmed.set(true);
    });

    HeldWarmup() {
      warmup.start();
    }
  }

  /** Waits for a held warm-up's helper, then notes what it found. */
  private static final class Caller extends Thread {
    private final HeldWarmup held;
    final AtomicBoolean sawWarmed = new AtomicBoolean();
    final AtomicBoolean stillInterrupted = new AtomicBoolean();

    Caller(HeldWarmup held) {
      this.held = held;
    }

    @Override
    public void run() {
      held.warmup.awaitDone();
      sawWarmed.set(held.warmed.get());
      stillInterrupted.set(isInterrupted());
    }
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
