package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TestRecords.randomRecords;
import static dev.ingest.tfrecord.TestRecords.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A reader takes its buffers from the options' read buffers and gives them back when done with
 * them, but never one that a record it handed out still holds.
 */
class TFRecordReaderReadBuffersTest {
  @TempDir Path dir;

  /** Read buffers that keep what is freed and hand it out again, and count both. */
  private static final class KeepingMemory implements DirectMemory {
    final List<ByteBuf> kept = new ArrayList<>();
    final List<ByteBuf> allocated = new ArrayList<>();
    final List<ByteBuf> freed = new ArrayList<>();

    @Override
    public ByteBuf allocate(int bytes) {
      for (int i = 0; i < kept.size(); i++) {
        if (kept.get(i).capacity() >= bytes) {
          return kept.remove(i);
        }
      }
      ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(bytes, bytes);
      allocated.add(buffer);
      return buffer;
    }

    @Override
    public void free(ByteBuf buffer) {
      assertThat(buffer.refCnt()).as("a freed buffer has no other holder").isEqualTo(1);
      freed.add(buffer);
      kept.add(buffer);
    }

    void releaseKept() {
      kept.forEach(ByteBuf::release);
      kept.clear();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
  void fileAfterFileReusesOneBuffer(Compression compression) throws IOException {
    List<byte[]> records = randomRecords(3, 10, 5000, 0, 70_000, 300);
    KeepingMemory memory = new KeepingMemory();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults().withReadBuffers(memory);
    try {
      for (int file = 0; file < 5; file++) {
        Path path = write(dir.resolve("f" + file), compression, records);
        List<byte[]> read = new ArrayList<>();
        try (TFRecordReader reader = TFRecordReader.open(path, options)) {
          for (ByteBuf record = reader.next(); record != null; record = reader.next()) {
            read.add(ByteBufUtil.getBytes(record));
          }
        }
        assertThat(read).containsExactlyElementsOf(records);
      }
      assertThat(memory.allocated).as("buffers allocated over five files").hasSize(1);
      assertThat(memory.freed).as("one free per file").hasSize(5);
    } finally {
      memory.releaseKept();
    }
    assertThat(memory.allocated.get(0).refCnt()).isZero();
  }

  @Test
  void aBufferARetainedRecordHoldsIsNotGivenBack() throws IOException {
    List<byte[]> records = randomRecords(4, 100, 200, 300);
    Path path = write(dir.resolve("held"), Compression.NONE, records);
    KeepingMemory memory = new KeepingMemory();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults().withReadBuffers(memory);
    ByteBuf held;
    try (TFRecordReader reader = TFRecordReader.open(path, options)) {
      held = reader.next().retain();
      while (reader.next() != null) {
        // Read to the end.
      }
    }
    try {
      assertThat(memory.freed).as("the held buffer went back").isEmpty();
      assertThat(ByteBufUtil.getBytes(held)).isEqualTo(records.get(0));
    } finally {
      held.release();
    }
    assertThat(memory.allocated.get(0).refCnt()).as("released with the record").isZero();
  }

  @Test
  void settingTheAllocatorSetsTheReadBuffersToIt() {
    PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults().withAllocator(allocator);
    assertThat(options.readBuffers()).isEqualTo(DirectMemory.of(allocator));
    ByteBuf buffer = options.readBuffers().allocate(1000);
    try {
      assertThat(buffer.alloc()).isSameAs(allocator);
    } finally {
      options.readBuffers().free(buffer);
    }
    assertThat(buffer.refCnt()).isZero();
  }
}
