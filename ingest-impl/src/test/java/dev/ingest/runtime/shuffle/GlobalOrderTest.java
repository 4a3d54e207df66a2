package dev.ingest.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link GlobalOrder}: each epoch's order is a permutation of [0, records), checked exhaustively
 * for small counts and on samples for counts a permutation array could not hold; {@link
 * GlobalOrder#positionOf} inverts {@link GlobalOrder#recordAt}; a windowed order reads each window
 * in one run of positions; the same (seed, epoch) gives the same order and another one a
 * different order. Its statistical quality is in {@link GlobalOrderStatisticsTest}.
 */
class GlobalOrderTest {
  private static final long[] WINDOWS = {1, 2, 3, 7, 16, 64, 100, 599, 600, 601, 10_000};

  @Test
  void everyEpochOfUpTo600RecordsIsAPermutationThatPositionOfInverts() {
    for (int records = 0; records <= 600; records++) {
      assertPermutation(GlobalOrder.global(records, 42, records));
      for (long window : WINDOWS) {
        assertPermutation(GlobalOrder.windowed(records, window, 7, records % 5));
      }
    }
  }

  private static void assertPermutation(GlobalOrder order) {
    int records = (int) order.records();
    boolean[] seen = new boolean[records];
    for (int position = 0; position < records; position++) {
      long id = order.recordAt(position);
      assertThat(id).as("%s at %d", order, position).isBetween(0L, records - 1L);
      assertThat(seen[(int) id]).as("%s: id %d twice", order, id).isFalse();
      seen[(int) id] = true;
      assertThat(order.positionOf(id)).as("%s: positionOf(%d)", order, id).isEqualTo(position);
    }
  }

  @Test
  void largeCountsRoundTripAndMapDistinctPositionsToDistinctIds() {
    long[] counts = {(1L << 33) + 7, 1L << 40, (1L << 40) + 1, 3 * (1L << 41) - 5, 1L << 62};
    SplittableRandom random = new SplittableRandom(5);
    for (long records : counts) {
      GlobalOrder[] orders = {
        GlobalOrder.global(records, 3, 1),
        GlobalOrder.windowed(records, 1_000, 3, 1),
        GlobalOrder.windowed(records, (1L << 20) + 3, 3, 1),
        GlobalOrder.windowed(records, records / 3, 3, 1),
      };
      for (GlobalOrder order : orders) {
        Set<Long> ids = new HashSet<>();
        Set<Long> positions = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
          // The ends, where the short last window and its shifted successors live, and anywhere.
          long position = i < 100 ? i : i < 200 ? records - 1 - (i - 100) : random.nextLong(records);
          long id = order.recordAt(position);
          assertThat(id).as("%s at %d", order, position).isBetween(0L, records - 1);
          assertThat(order.positionOf(id)).as("%s: positionOf(%d)", order, id).isEqualTo(position);
          if (positions.add(position)) {
            assertThat(ids.add(id)).as("%s: id %d at two positions", order, id).isTrue();
          }
        }
      }
    }
  }

  @Test
  void aWindowedOrderReadsEachWindowInOneRunOfPositions() {
    for (long records : new long[] {1_000, 1_037, 999}) {
      for (long window : new long[] {10, 64, 100, 333}) {
        GlobalOrder order = GlobalOrder.windowed(records, window, 11, 2);
        long windows = (records + window - 1) / window;
        Set<Long> finished = new HashSet<>();
        long current = order.recordAt(0) / window;
        long runs = 1;
        for (long position = 1; position < records; position++) {
          long windowNumber = order.recordAt(position) / window;
          if (windowNumber != current) {
            assertThat(finished.add(current)).as("window %d read in two runs", current).isTrue();
            current = windowNumber;
            runs++;
          }
        }
        assertThat(runs).as("%s", order).isEqualTo(windows);
      }
    }
  }

  @Test
  void theSameSeedAndEpochGiveTheSameOrderAndAnotherSeedOrEpochAnother() {
    for (long window : new long[] {Long.MAX_VALUE, 10, 100}) {
      GlobalOrder order = windowed(window, 42, 3);
      assertThat(samePositions(order, windowed(window, 42, 3))).isEqualTo(10_000);
      // Two independent permutations of 10,000 agree at about one position.
      assertThat(samePositions(order, windowed(window, 42, 4))).isLessThan(10);
      assertThat(samePositions(order, windowed(window, 43, 3))).isLessThan(10);
      assertThat(samePositions(order, windowed(window, -42, 3))).isLessThan(10);
    }
  }

  @Test
  void eachWindowHasAnOrderOfItsOwn() {
    // Neighbouring windows put the same offset at the same place of their slots about once in a
    // window of 100, as two independent permutations do; one order shared by all would do it 100
    // times.
    GlobalOrder order = GlobalOrder.windowed(10_000, 100, 42, 3);
    int same = 0;
    for (long window = 0; window + 1 < 100; window++) {
      for (long offset = 0; offset < 100; offset++) {
        long here = order.positionOf(window * 100 + offset) % 100;
        long next = order.positionOf((window + 1) * 100 + offset) % 100;
        if (here == next) {
          same++;
        }
      }
    }
    assertThat(same).isLessThan(200);
  }

  @Test
  void aWindowAtLeastAsLongAsTheRecordsIsTheGlobalOrder() {
    GlobalOrder global = GlobalOrder.global(10_000, 42, 3);
    assertThat(samePositions(global, GlobalOrder.windowed(10_000, 10_000, 42, 3))).isEqualTo(10_000);
    assertThat(samePositions(global, GlobalOrder.windowed(10_000, 20_000, 42, 3))).isEqualTo(10_000);
    assertThat(GlobalOrder.windowed(10_000, 20_000, 42, 3).window()).isEqualTo(10_000);
  }

  private static GlobalOrder windowed(long window, long seed, long epoch) {
    return GlobalOrder.windowed(10_000, window, seed, epoch);
  }

  private static int samePositions(GlobalOrder a, GlobalOrder b) {
    int same = 0;
    for (long position = 0; position < a.records(); position++) {
      if (a.recordAt(position) == b.recordAt(position)) {
        same++;
      }
    }
    return same;
  }

  @Test
  void positionsAndIdsOutsideTheEpochAndBadArgumentsAreRefused() {
    GlobalOrder order = GlobalOrder.windowed(10, 3, 1, 1);
    assertThatThrownBy(() -> order.recordAt(10)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> order.recordAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> order.positionOf(10)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> GlobalOrder.global(0, 1, 1).recordAt(0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> GlobalOrder.windowed(10, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
    assertThatThrownBy(() -> GlobalOrder.global(-1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("records");
    assertThatThrownBy(() -> GlobalOrder.global((1L << 62) + 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("records");
  }
}
