package dev.ingest.runtime.stage;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * How the source waits for the consumer to free slots of a full ring: until a refill's worth is
 * free, not one slot, sleeping about as long as the consumer takes to free them.
 *
 * <p>Why: a consumer that keeps up frees one slot per batch. A source that woke for each
 * (spinning, then parking for doubling times from 5 µs) woke about 5,000 times a second on 2
 * cores, twice per batch, and each wake-up took a core from a parse worker in the middle of a
 * unit: on text records at 70% of capacity the workers spent a fifth of their time runnable but
 * not running, and the consumer waited for batches the workers were late with. Waiting for a
 * quarter of the ring and then publishing that many units in a row wakes the source once or
 * twice per refill, and the workers get their units in runs.
 *
 * <p>The sleep is paced by how fast slots came free in earlier refills (nanoseconds per slot: a
 * faster pace at once, a slower one averaged in), bounded to [{@value #SHORTEST_PARK_MICROS},
 * {@value #LONGEST_PARK_MICROS}] µs: a fast consumer is looked at again soon, and a stopped one
 * costs a wake-up a millisecond.
 *
 * <p>One waiting thread per instance.
 */
public final class RefillWait {
  static final long SHORTEST_PARK_MICROS = 5;
  static final long LONGEST_PARK_MICROS = 1_000;
  private static final long SHORTEST_PARK_NANOS =
      TimeUnit.MICROSECONDS.toNanos(SHORTEST_PARK_MICROS);
  private static final long LONGEST_PARK_NANOS =
      TimeUnit.MICROSECONDS.toNanos(LONGEST_PARK_MICROS);
  /** The weight of a slower refill's pace in the average: 1/4. */
  private static final int AVERAGE_SHIFT = 2;

  /** Parks the calling thread for about the nanoseconds given. */
  interface Parker {
    void park(long nanos);
  }

  private final LongSupplier clock;
  private final Parker parker;
  /** How long the consumer took to free a slot, as learnt so far; 0 until the first refill. */
  private long nanosPerSlot;

  RefillWait() {
    this(System::nanoTime, LockSupport::parkNanos);
  }

  RefillWait(LongSupplier clock, Parker parker) {
    this.clock = clock;
    this.parker = parker;
  }

  /**
   * The slots to wait for when the ring may hold {@code inFlightLimit} units: a quarter of them,
   * at least one.
   */
  public static int refillSlots(long inFlightLimit) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, inFlightLimit / 4));
  }

  /**
   * Waits until {@code room} reports at least {@code wanted} free slots.
   *
   * @return whether it got them; false if {@code halted} turned true first
   */
  boolean await(LongSupplier room, int wanted, BooleanSupplier halted) {
    long start = clock.getAsLong();
    long roomAtStart = room.getAsLong();
    long free = roomAtStart;
    while (free < wanted) {
      if (halted.getAsBoolean()) {
        return false;
      }
      long guess = nanosPerSlot == 0 ? SHORTEST_PARK_NANOS : (wanted - free) * nanosPerSlot;
      parker.park(Math.max(SHORTEST_PARK_NANOS, Math.min(LONGEST_PARK_NANOS, guess)));
      free = room.getAsLong();
    }
    long freed = free - roomAtStart;
    if (freed > 0) {
      long pace = (clock.getAsLong() - start) / freed;
      // A faster pace is taken at once: sleeping on a slow consumer's pace while a fast one
      // empties the ring would starve it for whole refills. A slower one is averaged in.
      nanosPerSlot = nanosPerSlot == 0 || pace < nanosPerSlot
          ? pace : nanosPerSlot + ((pace - nanosPerSlot) >> AVERAGE_SHIFT);
    }
    return true;
  }

  /** How long the consumer takes to free a slot, as learnt so far (0: not yet). */
  long nanosPerSlot() {
    return nanosPerSlot;
  }
}
