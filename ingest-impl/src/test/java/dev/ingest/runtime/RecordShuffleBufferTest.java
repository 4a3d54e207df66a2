package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordShuffleBuffer#sortByPosition()} orders the records by (file, offset) and keeps
 * every record whole (its buffer, file, index and CRC move with it), whether the positions pack
 * into a {@code long} (sorted as primitives) or not (the quicksort).
 */
class RecordShuffleBufferTest {
  /** A record's position and what must travel with it. */
  private record Entry(int fileIndex, long offset, long index, int crc, ByteBuf buffer) {}

  private static List<Entry> fillAndSort(int count, long offsetScale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    RecordShuffleBuffer buffer = new RecordShuffleBuffer(count);
    buffer.startEpoch(new ShuffleRandom(seed));
    List<Entry> offered = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int fileIndex = random.nextInt(7);
      // Unique positions: the record's number breaks ties between equal draws.
      long offset = random.nextLong(1_000) * offsetScale + i;
      Entry entry = new Entry(fileIndex, offset, i, random.nextInt(), Unpooled.buffer(1));
      offered.add(entry);
      buffer.offer(entry.buffer(), fileIndex, Path.of("f" + fileIndex), offset, i, entry.crc());
    }
    buffer.sortByPosition();
    List<Entry> sorted = new ArrayList<>();
    for (int slot = 0; slot < buffer.size(); slot++) {
      sorted.add(new Entry(buffer.fileIndex(slot), buffer.offset(slot), buffer.index(slot),
          -1, null));
    }
    // What travels with each record: drain in the sorted slots' order is random, so check by
    // index that the buffer, file and CRC still belong to the same record.
    List<Entry> whole = new ArrayList<>();
    while (buffer.drain()) {
      Entry original = offered.get((int) buffer.outIndex());
      assertThat(buffer.outRecord()).isSameAs(original.buffer());
      assertThat(buffer.outOffset()).isEqualTo(original.offset());
      assertThat(buffer.outDataCrc()).isEqualTo(original.crc());
      assertThat(buffer.outFile()).isEqualTo(Path.of("f" + original.fileIndex()));
      whole.add(original);
    }
    assertThat(whole).hasSize(count);
    return sorted;
  }

  private static void assertSorted(List<Entry> sorted, int count) {
    assertThat(sorted).hasSize(count);
    for (int i = 1; i < sorted.size(); i++) {
      Entry a = sorted.get(i - 1);
      Entry b = sorted.get(i);
      assertThat(a.fileIndex() < b.fileIndex()
          || a.fileIndex() == b.fileIndex() && a.offset() < b.offset())
          .as("slot %d (%s) before slot %d (%s)", i - 1, a, i, b).isTrue();
    }
  }

  @Test
  void positionsThatPackAreSortedAsPrimitives() {
    for (int count : new int[] {2, 3, 17, 2000}) {
      assertSorted(fillAndSort(count, 4096, count), count);
    }
  }

  @Test
  void positionsTooLargeToPackTakeTheQuicksort() {
    // Offsets near 2^60 leave no room for the file and the slot in 63 bits.
    assertSorted(fillAndSort(500, 1L << 50, 3), 500);
  }
}
