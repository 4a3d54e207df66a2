package dev.ingest.runtime.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the settings and thread count, {@link CoalescedRecords} hands out every record of a
 * random order byte for byte, in that order, with no buffer left behind.
 */
class CoalescedRecordsProperties {

  @Property(tries = 40)
  void randomOrdersComeBackExactly(
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 60) Integer> recordsPerFile,
      @ForAll @IntRange(min = 0, max = 700) int maxLength,
      @ForAll @IntRange(min = 1, max = 40) int chunkRecords,
      @ForAll @LongRange(min = 1, max = 20_000) long chunkBytes,
      @ForAll @LongRange(min = 0, max = 2_000) long maxGapBytes,
      @ForAll @LongRange(min = 1, max = 1L << 40) long maxSpanBytes,
      @ForAll @IntRange(min = 1, max = 4) int depth,
      @ForAll @IntRange(min = 0, max = 3) int readerThreads,
      @ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("coalesced-records");
    LiveBuffers allocator = new LiveBuffers();
    try {
      GlobalShards shards = GlobalShards.write(dir, seed, maxLength,
          recordsPerFile.stream().mapToInt(Integer::intValue).toArray());
      long[] order = shards.shuffled(seed + 1);
      CoalescedReads settings = new CoalescedReads(chunkRecords, chunkBytes, maxGapBytes,
          maxSpanBytes, depth, readerThreads);
      try (CoalescedRecords reader = new CoalescedRecords(shards.indexed(),
          j -> order[(int) j], order.length, settings, TFRecordReaderOptions.defaults(),
          allocator, () -> false)) {
        List<byte[]> read = CoalescedRecordsTest.readAll(reader);
        assertThat(read).hasSize(order.length);
        for (int j = 0; j < order.length; j++) {
          assertThat(read.get(j)).as("position %d, id %d", j, order[j])
              .isEqualTo(shards.records.get((int) order[j]));
        }
        assertThat(reader.spanReads()).isLessThanOrEqualTo(order.length);
      }
      assertThat(allocator.count()).isZero();
      assertThat(CoalescedRecordsTest.liveReaderThreads()).isEmpty();
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
