package dev.ingest.runtime.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.MemoryBudgetException;
import dev.ingest.runtime.concurrent.Backoff;
import dev.ingest.runtime.metrics.StageClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bytes a cache holds for the pipeline's life: the source never waits for them to come back, so a
 * budget they fill fails at once, naming them, and what it leaves is still taken exactly.
 */
class MemoryBudgetTest {
  private static final Backoff BACKOFF = new Backoff(1_000_000);

  /**
   * Waiting would be the bug: a shutdown flag that rises after ten seconds makes a waiting
   * acquire give up (-1) instead of hanging the test, so the missing result fails it.
   */
  private static java.util.function.BooleanSupplier givesUp() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    return () -> System.nanoTime() > deadline;
  }

  @Test
  void bytesHeldForLifeMakeAFullBudgetFailInsteadOfWaiting() {
    MemoryBudget budget = new MemoryBudget(1_000);
    budget.holdForLife(900);

    assertThatThrownBy(() -> budget.acquire(200, 200, 0, "a batch's records", givesUp(),
        BACKOFF, new StageClock()))
        .isInstanceOf(MemoryBudgetException.class)
        .hasMessageContaining("the cache's 900 bytes")
        .hasMessageContaining("a batch's records");
    assertThat(budget.used()).as("nothing taken by the refusal").isEqualTo(900);
  }

  @Test
  void whatIsLeftIsTakenExactlyAndHeldBytesGoBackAtTheEnd() {
    MemoryBudget budget = new MemoryBudget(1_000);
    budget.holdForLife(900);

    assertThat(budget.acquire(60, 60, 0, "records", givesUp(), BACKOFF, new StageClock()))
        .isEqualTo(60);
    // An estimate larger than the room takes the room, never more: the caller counts it.
    assertThat(budget.acquire(500, 0, 60, "a parsed batch", givesUp(), BACKOFF,
        new StageClock())).isEqualTo(40);
    assertThat(budget.used()).isEqualTo(1_000);

    budget.release(100);
    budget.releaseHeldForLife(900);
    assertThat(budget.used()).isZero();
  }
}
