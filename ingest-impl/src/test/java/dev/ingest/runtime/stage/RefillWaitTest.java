package dev.ingest.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The source's wait for a refill, against a fake clock and a consumer that frees slots on it. */
class RefillWaitTest {
  private static final long MICROS = 1_000;

  /** A consumer freeing one slot every {@code nanosPerSlot} of the fake clock, which parks move. */
  private static final class PacedConsumer {
    long now;
    long nanosPerSlot;
    long freedBefore;
    long freedFrom;
    final List<Long> parks = new ArrayList<>();

    PacedConsumer(long nanosPerSlot) {
      this.nanosPerSlot = nanosPerSlot;
    }

    RefillWait refillWait() {
      return new RefillWait(() -> now, nanos -> {
        parks.add(nanos);
        now += nanos;
      });
    }

    /** Free slots now, counted from an empty ring at the time of {@link #fullAgain}. */
    long room() {
      return freedBefore + (now - freedFrom) / nanosPerSlot;
    }

    /** The source filled every free slot. */
    void fullAgain() {
      freedBefore = 0;
      freedFrom = now;
    }
  }

  @Test
  void waitsForARefillsWorthOfSlotsNotOne() {
    PacedConsumer consumer = new PacedConsumer(100 * MICROS);
    RefillWait wait = consumer.refillWait();

    assertThat(wait.await(consumer::room, 4, () -> false)).isTrue();

    assertThat(consumer.room()).isGreaterThanOrEqualTo(4);
    assertThat(consumer.now).isGreaterThanOrEqualTo(400 * MICROS);
  }

  @Test
  void afterOneRefillItSleepsAboutAsLongAsTheNextTakesInOneOrTwoParks() {
    PacedConsumer consumer = new PacedConsumer(100 * MICROS);
    RefillWait wait = consumer.refillWait();
    wait.await(consumer::room, 4, () -> false);
    int firstRefillParks = consumer.parks.size();

    consumer.fullAgain();
    consumer.parks.clear();
    wait.await(consumer::room, 4, () -> false);

    // Unlearnt, it looks every 5 µs: 80 looks for 400 µs. Learnt, one park of about 400 µs.
    assertThat(firstRefillParks).isEqualTo(80);
    assertThat(wait.nanosPerSlot()).isEqualTo(100 * MICROS);
    assertThat(consumer.parks).containsExactly(400 * MICROS);
  }

  @Test
  void aFasterConsumerIsFollowedAtOnceAndASlowerOneGradually() {
    PacedConsumer consumer = new PacedConsumer(400 * MICROS);
    RefillWait wait = consumer.refillWait();
    wait.await(consumer::room, 4, () -> false);
    assertThat(wait.nanosPerSlot()).isEqualTo(400 * MICROS);

    consumer.nanosPerSlot = 10 * MICROS;
    consumer.fullAgain();
    wait.await(consumer::room, 4, () -> false);
    // The old pace asked for 1,600 µs, bounded to one park of 1 ms, in which 100 slots came free:
    // 10 µs a slot, taken at once.
    assertThat(wait.nanosPerSlot()).isEqualTo(10 * MICROS);

    consumer.nanosPerSlot = 50 * MICROS;
    consumer.fullAgain();
    wait.await(consumer::room, 4, () -> false);
    // A slower pace is averaged in a quarter at a time: 10 + (pace - 10) / 4, the pace being
    // over 10 µs and at most the 50 µs plus the park's rounding.
    assertThat(wait.nanosPerSlot()).isBetween(10 * MICROS + 1, 20 * MICROS);
  }

  @Test
  void aPaceIsBoundedSoAStoppedConsumerCostsAWakeUpAMillisecond() {
    PacedConsumer consumer = new PacedConsumer(50_000 * MICROS);
    RefillWait wait = consumer.refillWait();
    wait.await(consumer::room, 1, () -> false);
    consumer.fullAgain();
    consumer.parks.clear();

    wait.await(consumer::room, 1, () -> false);

    assertThat(consumer.parks).allSatisfy(park ->
        assertThat(park).isEqualTo(RefillWait.LONGEST_PARK_MICROS * MICROS));
  }

  @Test
  void aShutDownEndsTheWait() {
    PacedConsumer consumer = new PacedConsumer(Long.MAX_VALUE / 4);
    RefillWait wait = consumer.refillWait();
    int[] looks = {0};

    assertThat(wait.await(consumer::room, 1, () -> ++looks[0] > 3)).isFalse();
    assertThat(consumer.parks).hasSize(3);
  }

  @Test
  void aRefillIsAQuarterOfWhatMayBeInFlightAndAtLeastOne() {
    assertThat(RefillWait.refillSlots(16)).isEqualTo(4);
    assertThat(RefillWait.refillSlots(6)).isEqualTo(1);
    assertThat(RefillWait.refillSlots(1)).isEqualTo(1);
    assertThat(RefillWait.refillSlots(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
  }
}
