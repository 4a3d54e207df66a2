package dev.ingest.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ingest.tfrecord.TFRecordFormat;
import dev.ingest.tfrecord.faults.FaultKind;
import dev.ingest.tfrecord.faults.FaultTally;
import dev.ingest.tfrecord.faults.FaultyDisk;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A file cache's files written to a disk that fills up at bytes across the file (in the first
 * buffer, at buffer boundaries, in a record larger than the buffer, at the last byte): the write
 * fails with the disk's error naming the cache file, the temporary file is deleted, nothing is
 * published under the file's own name, and the writer's buffer is given back. The cache's small
 * files ({@link AtomicFiles}: manifest, filling marker) likewise appear whole or not at all.
 */
class CacheFullDiskTest {
  private static final FaultTally TALLY = new FaultTally();
  /** Record sizes: many small ones across the 256 KiB buffer, and one larger than it. */
  private static final int[] SIZES = IntStream.concat(IntStream.range(0, 300).map(i -> 1 + i * 7),
      IntStream.of(400_000, 12, 90_000)).toArray();
  private static final long FILE_BYTES = IntStream.of(SIZES).asLongStream()
      .map(size -> size + TFRecordFormat.FRAMING_BYTES).sum();

  @TempDir Path dir;
  private final LiveBuffers allocator = new LiveBuffers();

  @AfterEach
  void freeTheDisk() {
    TALLY.resetDisk();
    assertThat(allocator.count()).as("buffers the writer did not give back").isZero();
  }

  @AfterAll
  static void reportTheFaultsInjected() {
    System.out.println(TALLY.report(CacheFullDiskTest.class));
  }

  static LongStream spaceLeft() {
    return LongStream.concat(LongStream.of(0, 1, 11, 12, 4096, 256 * 1024 - 1, 256 * 1024,
            256 * 1024 + 1, 400_000, FILE_BYTES - 90_016, FILE_BYTES - 1),
        LongStream.range(1, 12).map(i -> FILE_BYTES * i / 12)).distinct().sorted();
  }

  @ParameterizedTest(name = "{0} bytes left")
  @MethodSource("spaceLeft")
  void aCacheFileThatFindsTheDiskFullIsNeverPublished(long bytesLeft) throws IOException {
    Path target = FaultyDisk.path(dir.resolve("train.00000.tfrecord"));
    AtomicLong published = new AtomicLong(-1);
    FaultyDisk.diskFullAfter(bytesLeft);
    CacheFileWriter writer = new CacheFileWriter(target, allocator, published::set);
    IOException failure = catchThrowableOfType(() -> {
      try {
        fill(writer);
        writer.complete();
      } finally {
        writer.abandon(); // as the cursor does when its file fails; a no-op once complete
      }
    }, IOException.class);
    assertThat(failure).as("the fill with %s bytes left", bytesLeft).isNotNull()
        .hasMessageContaining("No space left on device")
        .hasMessageContaining(target.getFileName().toString());
    assertThat(FaultyDisk.injected(FaultKind.DISK_FULL)).isOne();
    assertThat(published).hasValue(-1);
    assertThat(dir).as("neither the file nor its temporary file").isEmptyDirectory();
  }

  @ParameterizedTest(name = "{0} bytes left")
  @MethodSource("manifestSpaceLeft")
  void aSmallCacheFileIsWrittenWholeOrNotAtAll(long bytesLeft) throws IOException {
    Path manifest = FaultyDisk.path(dir.resolve("train.manifest"));
    AtomicFiles.writeLines(manifest, List.of("earlier", "manifest"));
    FaultyDisk.diskFullAfter(bytesLeft);
    IOException failure = catchThrowableOfType(
        () -> AtomicFiles.writeLines(manifest, List.of("a later manifest", "of more lines")),
        IOException.class);
    assertThat(failure).hasMessageContaining("No space left on device");
    assertThat(FaultyDisk.injected(FaultKind.DISK_FULL)).isOne();
    assertThat(Files.readString(manifest, StandardCharsets.UTF_8))
        .isEqualTo("earlier\nmanifest\n");
    try (var files = Files.list(dir)) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .containsExactly("train.manifest");
    }
  }

  static LongStream manifestSpaceLeft() {
    return LongStream.range(0, "a later manifest\nof more lines\n".length());
  }

  private static void fill(CacheFileWriter writer) throws IOException {
    int largest = IntStream.of(SIZES).max().orElseThrow();
    ByteBuf source = Unpooled.directBuffer(largest);
    try {
      source.writerIndex(largest);
      long offset = 0;
      for (int size : SIZES) {
        writer.add(source, 0, size, offset, 0x1234);
        offset += size + TFRecordFormat.FRAMING_BYTES;
      }
    } finally {
      source.release();
    }
  }

  /** A pooled direct allocator without thread caches, so that it counts live buffers exactly. */
  private static final class LiveBuffers extends PooledByteBufAllocator {
    LiveBuffers() {
      super(true, 0, 1, 8192, 9, 0, 0, false);
    }

    long count() {
      return metric().directArenas().stream()
          .mapToLong(PoolArenaMetric::numActiveAllocations).sum();
    }
  }
}
