package dev.ingest.runtime.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class WakeupTest {
  private static final long LONG_PARK = TimeUnit.SECONDS.toNanos(60);

  @Test
  void readyingTheAwaitedSequenceOrALaterOneWakesTheWaiter() throws Exception {
    for (long readied : new long[] {5, 6}) {
      Wakeup wakeup = new Wakeup();
      wakeup.announce(5);
      Thread stage = new Thread(() -> wakeup.ready(readied));
      stage.start();
      stage.join();
      // The unpark came first, so this park returns at once; without it, it would last a minute.
      long start = System.nanoTime();
      LockSupport.parkNanos(LONG_PARK);
      assertThat(System.nanoTime() - start).as("readied %d", readied).isLessThan(LONG_PARK / 2);
      wakeup.awake();
    }
  }
}
