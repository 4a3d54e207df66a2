package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TestRecords.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain files are read so that every byte sits at the same offset within a page in the reader's
 * buffer as in the file (the kernel's copy from the page cache is several times slower when the
 * destination is a few bytes past the source's page offset; see {@code TFRecordReader#lead}).
 * Each test checks that for every record, through the reader's compactions, fresh chunks,
 * growth for large records and seeks, and that the records read are still the records written.
 */
class TFRecordReaderAlignmentTest {
  private static final int PAGE = 4096;
  /** The smallest read buffer that is aligned. */
  private static final int SMALLEST = TFRecordReader.ALIGNED_READS_FROM_BYTES;

  @TempDir Path dir;

  /** 600 records of 0 to 20,000 bytes, and a few of 100,000: larger than the 64 KiB buffer. */
  private static List<byte[]> records() {
    SplittableRandom random = new SplittableRandom(7);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      byte[] record = new byte[i % 97 == 5 ? 100_000 : random.nextInt(20_000)];
      random.nextBytes(record);
      records.add(record);
    }
    return records;
  }

  private static TFRecordReaderOptions options(int readBufferSize) {
    return TFRecordReaderOptions.defaults()
        .withCompression(Compression.NONE)
        .withReadBufferSize(readBufferSize)
        .withAllocator(PooledByteBufAllocator.DEFAULT);
  }

  /** The offset within a page of the current record's first data byte, in memory and in file. */
  private static void assertAligned(TFRecordReader reader) {
    long inMemory = reader.buffer().memoryAddress() + reader.recordStart();
    long inFile = reader.recordOffset() + TFRecordFormat.HEADER_BYTES;
    assertThat(Math.floorMod(inMemory, PAGE))
        .as("page offset of record %d's data (file offset %d)", reader.recordsRead() - 1, inFile)
        .isEqualTo(Math.floorMod(inFile, PAGE));
  }

  private static byte[] current(TFRecordReader reader) {
    return ByteBufUtil.getBytes(reader.buffer(), reader.recordStart(), reader.recordLength());
  }

  @Test
  void everyRecordIsAtItsFilePageOffsetThroughCompactionsAndGrowth() throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("a.tfrecord"), Compression.NONE, records);
    int[] readBufferSizes = {SMALLEST, 100_000, TFRecordReaderOptions.DEFAULT_READ_BUFFER_SIZE};
    for (int readBufferSize : readBufferSizes) {
      List<byte[]> read = new ArrayList<>();
      try (TFRecordReader reader = TFRecordReader.open(file, options(readBufferSize))) {
        while (reader.advance()) {
          assertAligned(reader);
          read.add(current(reader));
        }
      }
      assertThat(read).as("read buffer %d", readBufferSize).containsExactlyElementsOf(records);
    }
  }

  @Test
  void retainedRecordsKeepTheirBytesAndFreshChunksAreAlignedToo() throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("b.tfrecord"), Compression.NONE, records);
    List<ByteBuf> kept = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file, options(SMALLEST))) {
      for (int i = 0; reader.advance(); i++) {
        assertAligned(reader);
        if (i % 3 == 0) {
          // A held record makes the reader move on to a fresh chunk rather than compact this one.
          kept.add(reader.buffer().retainedSlice(reader.recordStart(), reader.recordLength()));
        }
      }
    }
    try {
      for (int i = 0; i < kept.size(); i++) {
        assertThat(ByteBufUtil.getBytes(kept.get(i))).isEqualTo(records.get(3 * i));
      }
    } finally {
      kept.forEach(ByteBuf::release);
    }
  }

  @Test
  void aSeekLandsAtTheFilePageOffsetOfItsRecord() throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("c.tfrecord"), Compression.NONE, records);
    List<Long> offsets = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file, options(SMALLEST))) {
      while (reader.advance()) {
        offsets.add(reader.recordOffset());
      }
    }
    // Far seeks (outside the chunk) and near ones, backward and forward.
    int[] targets = {450, 3, 599, 0, 300, 301, 120};
    try (TFRecordReader reader = TFRecordReader.open(file, options(SMALLEST))) {
      for (int target : targets) {
        reader.seek(offsets.get(target), target);
        assertThat(reader.advance()).isTrue();
        assertAligned(reader);
        assertThat(current(reader)).isEqualTo(records.get(target));
      }
    }
  }
}
