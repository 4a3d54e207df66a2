package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TestRecords.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.CorruptRecordException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link TFRecordReader#seek}: entering a file at a record boundary, as resumed pipelines do. */
class TFRecordReaderSeekTest {
  @TempDir Path dir;

  /** 300 records of varied sizes, some larger than a small read buffer. */
  private static List<byte[]> records() {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] record = new byte[(i * 37) % 900 + (i % 50 == 0 ? 5000 : 0)];
      for (int j = 0; j < record.length; j++) {
        record[j] = (byte) (i + j);
      }
      records.add(record);
    }
    return records;
  }

  /** Offsets of every record's header, and the offset after the last, from a full read. */
  private static long[] offsets(Path file, TFRecordReaderOptions options) throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      offsets.add(reader.nextRecordOffset());
      while (reader.advance()) {
        assertThat(reader.recordOffset()).isEqualTo(offsets.get(offsets.size() - 1));
        offsets.add(reader.nextRecordOffset());
      }
    }
    return offsets.stream().mapToLong(Long::longValue).toArray();
  }

  private static byte[] current(TFRecordReader reader) {
    return ByteBufUtil.getBytes(reader.buffer(), reader.recordStart(), reader.recordLength());
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void seekingForwardReadsTheRecordAtThatOffsetAndCountsOn(Compression compression)
      throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("f"), compression, records);
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults().withReadBufferSize(1024);
    long[] offsets = offsets(file, options);
    for (int target : new int[] {0, 1, 7, 150, 299, 300}) {
      try (TFRecordReader reader = TFRecordReader.open(file, options)) {
        reader.advance(); // some bytes already buffered: the seek may land inside them
        if (target == 0) {
          continue; // a compressed stream cannot go back to 0 once read past it
        }
        reader.seek(offsets[target], target);
        for (int i = target; i < records.size(); i++) {
          assertThat(reader.advance()).isTrue();
          assertThat(reader.recordOffset()).isEqualTo(offsets[i]);
          assertThat(reader.recordsRead()).isEqualTo(i + 1);
          assertThat(current(reader)).isEqualTo(records.get(i));
        }
        assertThat(reader.advance()).isFalse();
      }
    }
  }

  @Test
  void aPlainFileSeeksBackAndForthWithoutRereadingFromTheStart() throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("plain"), Compression.NONE, records);
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults().withReadBufferSize(1024);
    long[] offsets = offsets(file, options);
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      for (int target : new int[] {250, 3, 299, 0, 120, 121, 120}) {
        reader.seek(offsets[target], target);
        assertThat(reader.advance()).isTrue();
        assertThat(current(reader)).isEqualTo(records.get(target));
        assertThat(reader.recordsRead()).isEqualTo(target + 1);
      }
      // Past the last record: the end, cleanly, even after the reader had finished once.
      reader.seek(offsets[300], 300);
      assertThat(reader.advance()).isFalse();
      reader.seek(offsets[10], 10);
      assertThat(reader.advance()).isTrue();
      assertThat(current(reader)).isEqualTo(records.get(10));
    }
  }

  @Test
  void aRetainedRecordSurvivesASeekThatRefillsTheBuffer() throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("retained"), Compression.NONE, records);
    long[] offsets = offsets(file, TFRecordReaderOptions.defaults());
    try (TFRecordReader reader = TFRecordReader.open(file, TFRecordReaderOptions.defaults())) {
      ByteBuf kept = reader.next().retain();
      try {
        reader.seek(offsets[200], 200);
        assertThat(reader.advance()).isTrue();
        assertThat(current(reader)).isEqualTo(records.get(200));
        assertThat(ByteBufUtil.getBytes(kept)).isEqualTo(records.get(0));
      } finally {
        kept.release();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZLIB"})
  void aCompressedStreamRefusesToSeekBack(Compression compression) throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("c"), compression, records);
    long[] offsets = offsets(file, TFRecordReaderOptions.defaults());
    try (TFRecordReader reader = TFRecordReader.open(file, TFRecordReaderOptions.defaults())) {
      reader.seek(offsets[100], 100);
      assertThatThrownBy(() -> reader.seek(offsets[50], 50))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reads only forward");
    }
  }

  @Test
  void anOffsetInsideARecordReadsAsBadFraming() throws IOException {
    List<byte[]> records = records();
    Path file = write(dir.resolve("mid"), Compression.NONE, records);
    long[] offsets = offsets(file, TFRecordReaderOptions.defaults());
    try (TFRecordReader reader = TFRecordReader.open(file, TFRecordReaderOptions.defaults())) {
      reader.seek(offsets[5] + 3, 5);
      assertThatThrownBy(reader::advance).isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining(String.valueOf(offsets[5] + 3));
    }
  }
}
