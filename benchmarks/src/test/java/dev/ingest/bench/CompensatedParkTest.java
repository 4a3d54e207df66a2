package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Steps against a fake clock whose parks wake a fixed time late. */
class CompensatedParkTest {
  private static final long MICROS = 1_000;

  /** A clock that only parks move: each park takes what it asked plus {@code lateNanos}. */
  private static final class LateTimer {
    final long lateNanos;
    long now = 1_000_000;
    final List<Long> asked = new ArrayList<>();
    /** Parks that return at once, as a stray permit makes one, still to come. */
    int strayPermits;

    LateTimer(long lateNanos) {
      this.lateNanos = lateNanos;
    }

    CompensatedPark park() {
      return new CompensatedPark(() -> now, nanos -> {
        asked.add(nanos);
        if (strayPermits > 0) {
          strayPermits--;
          return;
        }
        now += nanos + lateNanos;
      });
    }
  }

  @Test
  void stepsTakeTheAskedTimeOnAverageOnceTheLatenessIsLearnt() {
    LateTimer timer = new LateTimer(140 * MICROS);
    CompensatedPark park = timer.park();

    List<Long> steps = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      steps.add(park.step(400 * MICROS));
    }

    // Uncompensated, every step would take 540 µs.
    assertThat(steps.get(0)).isEqualTo(540 * MICROS);
    assertThat(park.earlyNanos()).isCloseTo(140 * MICROS, within(2 * MICROS));
    double lastHundred = steps.subList(100, 200).stream().mapToLong(Long::longValue).average()
        .orElseThrow();
    assertThat(lastHundred).isCloseTo(400.0 * MICROS, within(4.0 * MICROS));
  }

  @Test
  void aLatenessThatVariesStillAveragesTheAskedStep() {
    long[] lateness = {20 * MICROS, 200 * MICROS};
    long[] now = {1_000_000};
    int[] parks = {0};
    CompensatedPark park = new CompensatedPark(() -> now[0], nanos -> {
      now[0] += nanos + lateness[parks[0]++ % 2];
    });

    List<Long> steps = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      steps.add(park.step(225 * MICROS));
    }

    double lastHalf = steps.subList(200, 400).stream().mapToLong(Long::longValue).average()
        .orElseThrow();
    assertThat(lastHalf).isCloseTo(225.0 * MICROS, within(5.0 * MICROS));
  }

  @Test
  void aStepShorterThanTheLatenessTakesOneShortestParkAndSaysSo() {
    LateTimer timer = new LateTimer(80 * MICROS);
    CompensatedPark park = timer.park();
    for (int i = 0; i < 100; i++) {
      park.step(300 * MICROS);
    }
    timer.asked.clear();

    long took = park.step(50 * MICROS);

    assertThat(timer.asked).containsExactly(CompensatedPark.SHORTEST_PARK_NANOS);
    assertThat(took).isEqualTo(CompensatedPark.SHORTEST_PARK_NANOS + 80 * MICROS);
  }

  @Test
  void aParkCutShortByAStrayPermitIsParkedAgainAndTeachesNothing() {
    LateTimer timer = new LateTimer(0);
    CompensatedPark park = timer.park();
    timer.strayPermits = 1;

    long took = park.step(300 * MICROS);

    assertThat(took).isEqualTo(300 * MICROS);
    assertThat(timer.asked).containsExactly(300 * MICROS, 300 * MICROS);
    assertThat(park.earlyNanos()).isZero();
  }

  @Test
  void noStepParksNothing() {
    LateTimer timer = new LateTimer(80 * MICROS);

    assertThat(timer.park().step(0)).isZero();
    assertThat(timer.asked).isEmpty();
  }
}
