package dev.ingest.runtime.shuffle;

import java.util.SplittableRandom;

/**
 * The order of an epoch over a cache of rows when a {@code shuffle} follows the cache: a uniform
 * random permutation of all row ids, drawn from (seed, epoch) by Fisher-Yates. Every order is
 * equally likely and any row may land anywhere, which a shuffle buffer of {@code n} rows cannot
 * give (a row leaves it at most about {@code n} places from where it entered); the cost is an int
 * per row, drawn again each epoch in the same array.
 *
 * <p>Confined to the source thread.
 */
public final class RowPermutation {
  private int[] order = new int[0];

  /** Draws the order of {@code rows} rows for (seed, epoch); read it with {@link #rowAt}. */
  public void draw(int rows, long seed, long epoch) {
    if (order.length != rows) {
      order = new int[rows];
    }
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    SplittableRandom random = Seeds.permutation(seed, epoch);
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }

  /** The id of the row at {@code position} of the drawn order. */
  public int rowAt(long position) {
    return order[(int) position];
  }
}
