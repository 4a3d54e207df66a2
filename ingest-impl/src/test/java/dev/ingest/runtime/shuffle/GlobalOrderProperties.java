package dev.ingest.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link GlobalOrder} over arbitrary counts, windows, seeds and epochs: small epochs are
 * permutations, and at any size {@link GlobalOrder#positionOf} inverts {@link
 * GlobalOrder#recordAt}.
 */
class GlobalOrderProperties {

  @Property(tries = 200)
  void everySmallEpochIsAPermutation(
      @ForAll @IntRange(min = 0, max = 3_000) int records,
      @ForAll @LongRange(min = 1, max = 4_000) long window,
      @ForAll boolean global,
      @ForAll long seed,
      @ForAll @LongRange(min = 0, max = 1_000) long epoch) {
    GlobalOrder order = global
        ? GlobalOrder.global(records, seed, epoch)
        : GlobalOrder.windowed(records, window, seed, epoch);
    BitSet seen = new BitSet(records);
    for (long position = 0; position < records; position++) {
      long id = order.recordAt(position);
      assertThat(id).isBetween(0L, records - 1L);
      assertThat(seen.get((int) id)).as("id %d twice", id).isFalse();
      seen.set((int) id);
      assertThat(order.positionOf(id)).isEqualTo(position);
    }
  }

  @Property(tries = 1_000)
  void positionOfInvertsRecordAtAtAnySize(
      @ForAll @LongRange(min = 1, max = 1L << 42) long records,
      @ForAll @LongRange(min = 1, max = 1L << 42) long window,
      @ForAll long seed,
      @ForAll @LongRange(min = 0, max = 1_000_000) long epoch,
      @ForAll long anywhere) {
    GlobalOrder order = GlobalOrder.windowed(records, window, seed, epoch);
    long position = Math.floorMod(anywhere, records);
    long id = order.recordAt(position);
    assertThat(id).isBetween(0L, records - 1);
    assertThat(order.positionOf(id)).isEqualTo(position);
    assertThat(order.recordAt(order.positionOf(position))).isEqualTo(position);
  }
}
