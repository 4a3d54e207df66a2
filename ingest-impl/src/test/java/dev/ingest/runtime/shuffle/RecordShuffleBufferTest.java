package dev.ingest.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordShuffleBuffer}: tf.data's shuffle order; each record's bytes and position kept
 * whole while slots' buffers are reused; the bytes it holds accounted; and {@link
 * RecordShuffleBuffer#sortByPosition()} ordering the records by (file, offset), whether the
 * positions pack into a {@code long} (sorted as primitives) or not (the quicksort).
 */
class RecordShuffleBufferTest {
  private final CountingAllocator allocator = new CountingAllocator();

  /** A record's position and what must travel with it. */
  private record Entry(int fileIndex, long offset, long index, int crc, byte[] bytes) {}

  @AfterEach
  void everyBufferGivenBack() {
    assertThat(allocator.liveBytes()).as("bytes allocated and not released").isZero();
  }

  private static Entry entry(SplittableRandom random, int i, int length, long offsetScale) {
    int fileIndex = random.nextInt(7);
    // Unique positions: the record's number breaks ties between equal draws.
    long offset = random.nextLong(1_000) * offsetScale + i;
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return new Entry(fileIndex, offset, i, random.nextInt(), bytes);
  }

  /** {@code count} records at packable positions, of the lengths {@code length} gives. */
  private static List<Entry> entries(SplittableRandom random, int count, IntSupplier length) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(entry(random, i, length.getAsInt(), 4096));
    }
    return entries;
  }

  private static void put(RecordShuffleBuffer buffer, int slot, Entry entry) {
    // Read from a larger buffer at an offset, as from a reader's buffer.
    ByteBuf source = Unpooled.buffer(entry.bytes().length + 10);
    source.writeZero(7).writeBytes(entry.bytes());
    buffer.put(slot, source, 7, entry.bytes().length, entry.fileIndex(),
        Path.of("f" + entry.fileIndex()), entry.offset(), entry.index(), entry.crc());
  }

  /** The record in {@code slot}, as the source copies it out. */
  private static Entry out(RecordShuffleBuffer buffer, int slot) {
    ByteBuf record = buffer.record(slot);
    assertThat(buffer.file(slot)).isEqualTo(Path.of("f" + buffer.fileIndex(slot)));
    return new Entry(buffer.fileIndex(slot), buffer.offset(slot), buffer.index(slot),
        buffer.dataCrc(slot), ByteBufUtil.getBytes(record));
  }

  /**
   * Runs one epoch of {@code entries} through the buffer as the source does (copy the chosen
   * record out, then put the new one in its slot; at the end remove the chosen ones) and returns
   * the records in the order they came out.
   */
  private static List<Entry> epoch(RecordShuffleBuffer buffer, long seed, List<Entry> entries) {
    buffer.startEpoch(new ShuffleRandom(seed));
    List<Entry> out = new ArrayList<>();
    for (Entry entry : entries) {
      int slot = buffer.size();
      if (buffer.isFull()) {
        slot = buffer.chooseOut();
        out.add(out(buffer, slot));
      }
      put(buffer, slot, entry);
    }
    while (buffer.size() > 0) {
      int slot = buffer.chooseOut();
      out.add(out(buffer, slot));
      buffer.remove(slot);
    }
    return out;
  }

  /** tf.data's shuffle buffer over a list, with the same generator: the order to match. */
  private static List<Entry> modelEpoch(int capacity, long seed, List<Entry> entries) {
    ShuffleRandom random = new ShuffleRandom(seed);
    List<Entry> held = new ArrayList<>();
    List<Entry> out = new ArrayList<>();
    for (Entry entry : entries) {
      if (held.size() < capacity) {
        held.add(entry);
      } else {
        out.add(held.set(random.nextInt(held.size()), entry));
      }
    }
    while (!held.isEmpty()) {
      int chosen = random.nextInt(held.size());
      out.add(held.get(chosen));
      held.set(chosen, held.get(held.size() - 1));
      held.remove(held.size() - 1);
    }
    return out;
  }

  private static void assertSameRecords(List<Entry> actual, List<Entry> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Entry a = actual.get(i);
      Entry e = expected.get(i);
      assertThat(a.index()).as("record out at %d", i).isEqualTo(e.index());
      assertThat(a.fileIndex()).isEqualTo(e.fileIndex());
      assertThat(a.offset()).isEqualTo(e.offset());
      assertThat(a.crc()).isEqualTo(e.crc());
      assertThat(a.bytes()).as("bytes of record %d", e.index()).isEqualTo(e.bytes());
    }
  }

  @Test
  void recordsComeOutInTfDataOrderWholeOverEpochsOfAnySize() {
    SplittableRandom random = new SplittableRandom(11);
    withBuffer(50, buffer -> {
      // Varying sizes make slots reuse, grow and shrink their buffers; the second epoch starts
      // on the buffers the first left empty.
      for (int epoch = 0; epoch < 3; epoch++) {
        int longest = epoch == 1 ? 3000 : 300;
        List<Entry> entries = entries(random, 400, () -> 1 + random.nextInt(longest));
        assertSameRecords(epoch(buffer, epoch, entries), modelEpoch(50, epoch, entries));
      }
    });
  }

  @Test
  void recordsOfOneSizeAllocateOnlyWhileTheBufferFills() {
    SplittableRandom random = new SplittableRandom(5);
    withBuffer(20, buffer -> {
      List<Entry> entries = entries(random, 500, () -> 3000 + random.nextInt(40));
      epoch(buffer, 1, entries);
      assertThat(allocator.allocations).isEqualTo(20);
      epoch(buffer, 2, entries);
      assertThat(allocator.allocations).as("a second epoch on the kept buffers").isEqualTo(20);
    });
  }

  @Test
  void capacityChangesAddUpToTheBytesHeldWithAtMostHalfOfEachSlotUnused() {
    SplittableRandom random = new SplittableRandom(9);
    RecordShuffleBuffer buffer = new RecordShuffleBuffer(30, allocator);
    long accounted = 0;
    try {
      buffer.startEpoch(new ShuffleRandom(3));
      for (int i = 0; i < 2_000; i++) {
        // Mostly short, sometimes long: slots must give back what long records made them take.
        int length = random.nextInt(10) == 0
            ? 5_000 + random.nextInt(5_000) : 1 + random.nextInt(200);
        int slot = buffer.isFull() ? buffer.chooseOut() : buffer.size();
        long change = buffer.capacityChange(slot, length);
        put(buffer, slot, entry(random, i, length, 4096));
        accounted += change;
        assertThat(buffer.heldBytes()).isEqualTo(accounted);
        assertThat((long) buffer.record(slot).capacity())
            .isLessThanOrEqualTo(2L * Math.max(length, RecordShuffleBuffer.MIN_SLOT_BYTES));
      }
      assertThat(accounted).isEqualTo(allocator.liveBytes());
    } finally {
      assertThat(buffer.releaseAll()).isEqualTo(accounted);
    }
  }

  @Test
  void capacityRoundsUpByAtMostAQuarter() {
    for (int length : new int[] {1, 64, 65, 100, 127, 128, 129, 3000, 4096, 4097, 1 << 29}) {
      int capacity = RecordShuffleBuffer.capacityFor(length);
      assertThat(capacity).isGreaterThanOrEqualTo(length)
          .isLessThanOrEqualTo(Math.max(RecordShuffleBuffer.MIN_SLOT_BYTES, length + length / 4));
    }
  }

  private List<Entry> fillAndSort(int count, long offsetScale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Entry> sorted = new ArrayList<>();
    withBuffer(count, buffer -> {
      buffer.startEpoch(new ShuffleRandom(seed));
      List<Entry> offered = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Entry entry = entry(random, i, 1 + random.nextInt(8), offsetScale);
        offered.add(entry);
        put(buffer, i, entry);
      }
      buffer.sortByPosition();
      for (int slot = 0; slot < buffer.size(); slot++) {
        Entry moved = out(buffer, slot);
        // What travels with each record: its bytes, file and CRC still belong to it.
        assertSameRecords(List.of(moved), List.of(offered.get((int) moved.index())));
        sorted.add(moved);
      }
    });
    return sorted;
  }

  /** Runs {@code body} on a fresh buffer of {@code slots}, then releases what it holds. */
  private void withBuffer(int slots, Consumer<RecordShuffleBuffer> body) {
    RecordShuffleBuffer buffer = new RecordShuffleBuffer(slots, allocator);
    try {
      body.accept(buffer);
    } finally {
      buffer.releaseAll();
    }
  }

  private static void assertSorted(List<Entry> sorted, int count) {
    assertThat(sorted).hasSize(count);
    for (int i = 1; i < sorted.size(); i++) {
      Entry a = sorted.get(i - 1);
      Entry b = sorted.get(i);
      assertThat(a.fileIndex() < b.fileIndex()
          || a.fileIndex() == b.fileIndex() && a.offset() < b.offset())
          .as("slot %d (%s) before slot %d (%s)", i - 1, a.index(), i, b.index()).isTrue();
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

  @Test
  void aSlotKeepsItsBufferForARecordThatFillsItExactlyOrUsesHalfOfIt() {
    SplittableRandom random = new SplittableRandom(13);
    withBuffer(1, buffer -> {
      buffer.startEpoch(new ShuffleRandom(1));
      // 200 bytes get a 224-byte slot: a record of exactly 224 fits it, and so does one of 112
      // (half of it used); one of 111 wastes more than half and takes a smaller buffer.
      put(buffer, 0, entry(random, 0, 200, 4096));
      int capacity = RecordShuffleBuffer.capacityFor(200);
      assertThat(buffer.capacityChange(0, capacity)).isZero();
      put(buffer, 0, entry(random, 1, capacity, 4096));
      assertThat(buffer.capacityChange(0, capacity / 2)).isZero();
      put(buffer, 0, entry(random, 2, capacity / 2, 4096));
      assertThat(allocator.allocations).as("buffers allocated for the one slot").isEqualTo(1);
      assertThat(buffer.capacityChange(0, capacity / 2 - 1)).isNegative();
    });
  }

  @Test
  void removingASlotPastTheRecordsHeldIsRefused() {
    SplittableRandom random = new SplittableRandom(17);
    withBuffer(4, buffer -> {
      buffer.startEpoch(new ShuffleRandom(1));
      put(buffer, 0, entry(random, 0, 10, 4096));
      put(buffer, 1, entry(random, 1, 10, 4096));
      assertThatThrownBy(() -> buffer.remove(2)).isInstanceOf(IllegalArgumentException.class);
      assertThat(buffer.size()).isEqualTo(2);
    });
  }

  @Test
  void twoRecordsOutOfOrderAreSorted() {
    withBuffer(2, buffer -> {
      buffer.startEpoch(new ShuffleRandom(1));
      put(buffer, 0, new Entry(0, 900, 0, 1, new byte[] {1}));
      put(buffer, 1, new Entry(0, 100, 1, 2, new byte[] {2}));
      buffer.sortByPosition();
      assertThat(buffer.offset(0)).isEqualTo(100);
      assertThat(buffer.offset(1)).isEqualTo(900);
      assertThat(out(buffer, 0).bytes()).containsExactly(2);
    });
  }

  /** Netty's pooled allocator, counting what it hands out and what is still not released. */
  private static final class CountingAllocator extends PooledByteBufAllocator {
    final List<ByteBuf> live = new ArrayList<>();
    int allocations;

    CountingAllocator() {
      super(true);
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
      allocations++;
      ByteBuf buffer = super.directBuffer(initialCapacity);
      live.add(buffer);
      live.removeIf(b -> b.refCnt() == 0);
      return buffer;
    }

    long liveBytes() {
      live.removeIf(b -> b.refCnt() == 0);
      return live.stream().mapToLong(ByteBuf::capacity).sum();
    }
  }
}
