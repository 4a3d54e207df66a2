package dev.ingest.runtime.stage;

import java.util.Arrays;

/**
 * The rows of one unit whose records the parser rejected, in ascending order: an int list a parse
 * worker reuses unit after unit, so that skipping costs no allocation once it has grown.
 */
final class RejectedRowList {
  private int[] rows = new int[8];
  private int size;

  void add(int row) {
    if (size == rows.length) {
      rows = Arrays.copyOf(rows, size * 2);
    }
    rows[size++] = row;
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  /** The first {@link #size} entries are the rows; the caller only reads them. */
  int[] rows() {
    return rows;
  }
}
