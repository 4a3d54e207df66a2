package dev.ingest.runtime.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.runtime.IdRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Column buffers come back for the next batches, within bounds, and go to Netty when closed. */
class RecycledColumnsTest {
  private static final PooledByteBufAllocator NETTY = PooledByteBufAllocator.DEFAULT;

  @TempDir Path dir;

  @Test
  void keptSizesCoverEveryRequestWithAtMostAQuarterMore() {
    for (int bytes = RecycledColumns.SMALLEST_KEPT; bytes <= RecycledColumns.LARGEST_KEPT;
        bytes += 1 + bytes / 97) {
      int size = RecycledColumns.sizeFor(bytes);
      assertThat(RecycledColumns.bytesOf(size)).as("size for %d", bytes)
          .isGreaterThanOrEqualTo(bytes)
          .isLessThanOrEqualTo(bytes + bytes / 4);
      if (size > 0) {
        assertThat(RecycledColumns.bytesOf(size - 1)).as("the size below, for %d", bytes)
            .isLessThan(bytes);
      }
    }
    assertThat(RecycledColumns.sizeFor(RecycledColumns.LARGEST_KEPT))
        .isEqualTo(RecycledColumns.sizeFor(RecycledColumns.LARGEST_KEPT - 1));
    assertThat(RecycledColumns.bytesOf(RecycledColumns.sizeFor(RecycledColumns.LARGEST_KEPT)))
        .isEqualTo(RecycledColumns.LARGEST_KEPT);
  }

  @Test
  void aFreedBufferIsHandedOutAgainForASizeThatRoundsTheSame() {
    try (RecycledColumns columns = new RecycledColumns(NETTY, 4)) {
      ByteBuf first = columns.allocate(100_000);
      assertThat(first.capacity()).isEqualTo(RecycledColumns.bytesOf(
          RecycledColumns.sizeFor(100_000)));
      columns.free(first);
      assertThat(first.refCnt()).as("kept, not released").isEqualTo(1);
      ByteBuf second = columns.allocate(99_000);
      assertThat(second).isSameAs(first);
      assertThat(columns.keptCount()).isZero();
      columns.free(second);
    }
  }

  @Test
  void theBufferFreedLastIsHandedOutFirst() {
    try (RecycledColumns columns = new RecycledColumns(NETTY, 4)) {
      ByteBuf[] buffers = new ByteBuf[3];
      for (int i = 0; i < buffers.length; i++) {
        buffers[i] = columns.allocate(256 * 1024);
      }
      for (ByteBuf buffer : buffers) {
        columns.free(buffer);
      }
      // Most recently used, so likeliest to be in a cache: image's parse workers spent a third
      // less CPU per record than when the longest-kept buffer came first.
      for (int i = buffers.length - 1; i >= 0; i--) {
        assertThat(columns.allocate(256 * 1024)).as("allocation %d", buffers.length - i)
            .isSameAs(buffers[i]);
      }
      for (ByteBuf buffer : buffers) {
        columns.free(buffer);
      }
    }
  }

  @Test
  void smallBuffersAndBuffersBeyondTheLimitGoBackToNetty() {
    try (RecycledColumns columns = new RecycledColumns(NETTY, 2)) {
      ByteBuf small = columns.allocate(1000);
      assertThat(small.capacity()).isEqualTo(1000);
      columns.free(small);
      assertThat(small.refCnt()).isZero();

      List<ByteBuf> large = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        large.add(columns.allocate(50_000));
      }
      large.forEach(columns::free);
      assertThat(columns.keptCount()).isEqualTo(2);
      assertThat(large).filteredOn(buffer -> buffer.refCnt() == 0).hasSize(1);
    }
  }

  @Test
  void closingReleasesWhatIsKeptAndLaterFreesGoStraightToNetty() {
    RecycledColumns columns = new RecycledColumns(NETTY, 4);
    ByteBuf kept = columns.allocate(40_000);
    ByteBuf heldOn = columns.allocate(40_000);
    columns.free(kept);
    columns.close();
    assertThat(kept.refCnt()).isZero();
    assertThat(columns.keptCount()).isZero();
    columns.free(heldOn);
    assertThat(heldOn.refCnt()).isZero();
    assertThat(columns.keptCount()).isZero();
  }

  /**
   * Through a pipeline: once the first batches have been closed, later batches allocate no new
   * column buffers from Netty's arenas. Payload columns are 2048 x 4 int64s = 64 KiB, above
   * Netty's 32 KiB thread caches, so without reuse every batch allocates one from an arena.
   */
  @Test
  void aPipelineAllocatesNoNewColumnBuffersOnceItsFirstBatchesAreClosed() throws IOException {
    int batchRows = 2048;
    IdRecords.write(dir.resolve("ids"), batchRows * 110);
    Dataset dataset = Dataset.tfrecord(dir.resolve("ids").toString())
        .parseExample(IdRecords.SPEC)
        .batch(batchRows, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    try (BatchIterator batches = dataset.iterator()) {
      for (int i = 0; i < 20; i++) {
        batches.next().close();
      }
      long before = arenaAllocations();
      int measured = 80;
      for (int i = 0; i < measured; i++) {
        batches.next().close();
      }
      assertThat(arenaAllocations() - before).as("arena allocations over %d batches", measured)
          .isLessThan(measured / 4);
    }
  }

  /**
   * Through a pipeline over many small files: once the first files are done, opening the next
   * allocates no read buffer from Netty's arenas. A read buffer (256 KiB) is above Netty's 32 KiB
   * thread caches, and the batches' columns here are below them, so without reuse every file
   * opened is one arena allocation.
   */
  @Test
  void aPipelineReusesItsReadBuffersFromFileToFile() throws IOException {
    int files = 60;
    int recordsPerFile = 200;
    int[] sizes = new int[files];
    Arrays.fill(sizes, recordsPerFile);
    IdRecords.write(dir.resolve("many"), sizes);
    Dataset dataset = Dataset.tfrecord(dir.resolve("many").toString())
        .parseExample(IdRecords.SPEC)
        .interleave(2, 10)
        .batch(100, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    try (BatchIterator batches = dataset.iterator()) {
      for (int i = 0; i < 20; i++) {
        batches.next().close();
      }
      long before = arenaAllocations();
      int measured = 80; // 8,000 records: 40 files opened and read
      for (int i = 0; i < measured; i++) {
        batches.next().close();
      }
      assertThat(arenaAllocations() - before).as("arena allocations over %d files", 40)
          .isLessThan(10);
    }
  }

  /** Allocations Netty served from its arenas rather than a thread cache (normal and huge). */
  private static long arenaAllocations() {
    long count = 0;
    for (PoolArenaMetric arena : NETTY.metric().directArenas()) {
      count += arena.numNormalAllocations() + arena.numHugeAllocations();
    }
    return count;
  }
}
