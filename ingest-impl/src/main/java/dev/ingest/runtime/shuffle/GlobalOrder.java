package dev.ingest.runtime.shuffle;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The order of one epoch under a global shuffle: a seeded bijection over record ids [0, records).
 *
 * <p>Position {@code p} of the epoch reads record {@link #recordAt}{@code (p)}; {@link
 * #positionOf} inverts it, so a resumed epoch needs only (seed, epoch, position) and never a
 * permutation array: both directions take O(1) time and memory for any count of records up to
 * 2<sup>62</sup>, and allocate nothing. The bijection is a keyed {@link FeistelPermutation}
 * ({@value FeistelPermutation#ROUNDS} rounds of a 64-bit mixing function over the smallest
 * even-bit power-of-two domain holding the records, cycle-walked into [0, records)); its javadoc
 * says why that is a bijection and why a walk is short. Its keys come from {@link
 * Seeds#globalOrder}{@code (seed, epoch)}, so the same seed and epoch give the same order on any
 * machine, and another epoch or seed an unrelated one.
 *
 * <p><b>Global</b> ({@link #global}): one permutation of all records; any record may land
 * anywhere, and records adjacent on disk share a batch of {@code B} no more often than chance,
 * {@code (B - 1) / (records - 1)}.
 *
 * <p><b>Windowed</b> ({@link #windowed}): ids are cut into windows of {@code window} consecutive
 * ids, the last one shorter when {@code window} does not divide {@code records}. The epoch is a
 * sequence of slots, one per window: a permutation of the window numbers says which window fills
 * which slot, and each window's ids come in a permutation of their own (the in-window network
 * with the window number as its tweak). A slot is as long as its window, so the slots after the
 * short window's slot start {@code window - lastWindowLength} positions earlier:
 *
 * <pre>
 *   ids       | w0: 0..W-1 | w1: W..2W-1 | w2: 2W..2W+S-1 |      (S = lastWindowLength &lt; W)
 *   positions | slot 0: w1 (W ids) | slot 1: w2 (S ids) | slot 2: w0 (W ids)      |
 *               0                   W                    W+S                  2W+S
 * </pre>
 *
 * A window's records are near each other on disk, so reading a slot coalesces into few large
 * reads; the price is quality: records {@code r} and {@code r + 1} share a batch of {@code B}
 * with probability about {@code (B - 1) / (window - 1)} instead of {@code (B - 1) / (records -
 * 1)}. {@code window >= records} makes one window, the same order as {@link #global}.
 *
 * <p>Immutable; safe to share between threads. Meant to be asked once per record on the source
 * thread.
 */
public final class GlobalOrder {
  private final long records;
  private final long window;
  private final long windows;
  private final long lastWindowLength;
  /** How many positions the slots after the last (short) window's slot start earlier. */
  private final long shortness;
  private final long lastWindowSlot;
  /** The first position after the last window's slot. */
  private final long lastWindowSlotEnd;
  private final int windowHalfBits;
  private final int fullWindowHalfBits;
  private final int lastWindowHalfBits;
  private final FeistelPermutation windowOrder;
  private final FeistelPermutation inWindowOrder;
  private final long tweakBase;
  private final long firstWindowTweak;

  private GlobalOrder(long records, long window, long seed, long epoch) {
    if (records < 0 || records > FeistelPermutation.MAX_SIZE) {
      throw new IllegalArgumentException("records must be in [0, 2^62], got " + records);
    }
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1 record, got " + window);
    }
    SplittableRandom keys = Seeds.globalOrder(seed, epoch);
    this.records = records;
    this.window = Math.min(window, Math.max(records, 1));
    this.windows = records == 0 ? 0 : (records - 1) / this.window + 1;
    this.lastWindowLength = records - (Math.max(windows, 1) - 1) * this.window;
    this.shortness = this.window - lastWindowLength;
    this.windowOrder = new FeistelPermutation(keys);
    this.inWindowOrder = new FeistelPermutation(keys);
    this.tweakBase = keys.nextLong();
    this.firstWindowTweak = tweak(0);
    this.windowHalfBits = FeistelPermutation.halfBits(windows);
    this.fullWindowHalfBits = FeistelPermutation.halfBits(this.window);
    this.lastWindowHalfBits = FeistelPermutation.halfBits(lastWindowLength);
    this.lastWindowSlot =
        windows > 1 ? windowOrder.backward(windows - 1, windows, windowHalfBits, 0) : 0;
    this.lastWindowSlotEnd = lastWindowSlot * this.window + lastWindowLength;
  }

  /** A pseudo-random permutation of all records for (seed, epoch): every record may land anywhere. */
  public static GlobalOrder global(long records, long seed, long epoch) {
    return new GlobalOrder(records, Long.MAX_VALUE, seed, epoch);
  }

  /**
   * Windowed: ids cut into windows of {@code window} consecutive ids (the last may be shorter);
   * the windows come in a seeded order, and each window's ids in a seeded order of their own.
   * A window's records are near each other on disk, so reads coalesce; quality is lower.
   * {@code window >= records} gives a single window, which is the order {@link #global} gives.
   *
   * @throws IllegalArgumentException if {@code window < 1}, or records is outside [0, 2^62]
   */
  public static GlobalOrder windowed(long records, long window, long seed, long epoch) {
    return new GlobalOrder(records, window, seed, epoch);
  }

  public long records() {
    return records;
  }

  /** The ids per window: {@code records} (at least 1) for a global order. */
  public long window() {
    return window;
  }

  /**
   * The record id at {@code position} in [0, records). O(1) time and memory (no permutation
   * array), no allocation.
   *
   * @throws IndexOutOfBoundsException if position is outside [0, records)
   */
  public long recordAt(long position) {
    Objects.checkIndex(position, records);
    if (windows == 1) {
      return inWindowOrder.forward(position, records, fullWindowHalfBits, firstWindowTweak);
    }
    long shifted = position < lastWindowSlotEnd ? position : position + shortness;
    long slot = shifted / window;
    long offset = shifted - slot * window;
    long windowNumber = windowOrder.forward(slot, windows, windowHalfBits, 0);
    long inWindow = windowNumber == windows - 1
        ? inWindowOrder.forward(offset, lastWindowLength, lastWindowHalfBits, tweak(windowNumber))
        : inWindowOrder.forward(offset, window, fullWindowHalfBits, tweak(windowNumber));
    return windowNumber * window + inWindow;
  }

  /**
   * The inverse: the position of record {@code id}.
   *
   * @throws IndexOutOfBoundsException if id is outside [0, records)
   */
  public long positionOf(long id) {
    Objects.checkIndex(id, records);
    if (windows == 1) {
      return inWindowOrder.backward(id, records, fullWindowHalfBits, firstWindowTweak);
    }
    long windowNumber = id / window;
    long offset = id - windowNumber * window;
    long inSlot = windowNumber == windows - 1
        ? inWindowOrder.backward(offset, lastWindowLength, lastWindowHalfBits, tweak(windowNumber))
        : inWindowOrder.backward(offset, window, fullWindowHalfBits, tweak(windowNumber));
    long slot = windowOrder.backward(windowNumber, windows, windowHalfBits, 0);
    long slotStart = slot * window - (slot > lastWindowSlot ? shortness : 0);
    return slotStart + inSlot;
  }

  /** The in-window network's tweak for a window: unrelated for neighbouring window numbers. */
  private long tweak(long windowNumber) {
    long z = windowNumber * 0x9E37_79B9_7F4A_7C15L + tweakBase;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    return windows > 1
        ? "GlobalOrder[records=" + records + ", window=" + window + "]"
        : "GlobalOrder[records=" + records + "]";
  }
}
