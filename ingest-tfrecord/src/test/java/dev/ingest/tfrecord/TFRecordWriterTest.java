package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TestRecords.randomRecords;
import static dev.ingest.tfrecord.TestRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TFRecordWriterTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void flushMakesEveryRecordWrittenSoFarReadable(Compression compression) throws IOException {
    List<byte[]> records = randomRecords(30, 10, 20_000, 0, 7);
    Path file = dir.resolve("flushed");
    try (TFRecordWriter writer = TFRecordWriter.open(file, compression)) {
      writer.write(records.get(0));
      writer.write(records.get(1));
      writer.flush();
      // The stream is not finished, so a compressed read ends "truncated"; the records are there.
      TFRecordReaderOptions lenient =
          TFRecordReaderOptions.defaults().withCompression(compression)
              .withOnCorrupt(dev.ingest.CorruptionPolicy.SKIP);
      assertThat(readAll(file, lenient)).containsExactlyElementsOf(records.subList(0, 2));
      writer.write(records.get(2));
      writer.write(records.get(3));
    }
    assertThat(readAll(file)).containsExactlyElementsOf(records);
  }

  @Test
  void everyWriteFormIsTheSameRecord() throws IOException {
    byte[] record = randomRecords(31, 300).get(0);
    ByteBuf direct = Unpooled.directBuffer(400).writeZero(5).writeBytes(record);
    direct.readerIndex(5);
    ByteBuffer nio = ByteBuffer.allocate(310).position(10);
    nio.put(record).position(10);
    ByteBuffer nioDirect = ByteBuffer.allocateDirect(300).put(record).flip();
    byte[] padded = new byte[320];
    System.arraycopy(record, 0, padded, 20, 300);
    Path file = dir.resolve("forms");
    try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
      writer.write(record);
      writer.write(direct);
      writer.write(nio);
      writer.write(nioDirect);
      writer.write(padded, 20, 300);
      assertThat(direct.readerIndex()).as("indices untouched").isEqualTo(5);
      assertThat(nio.position()).isEqualTo(10);
      assertThat(nioDirect.position()).isZero();
      assertThat(writer.recordsWritten()).isEqualTo(5);
      assertThat(writer.bytesWritten()).isEqualTo(5L * (300 + TFRecordFormat.FRAMING_BYTES));
    } finally {
      direct.release();
    }
    assertThat(readAll(file)).hasSize(5).allSatisfy(read -> assertThat(read).isEqualTo(record));
    assertThat(Files.readAllBytes(file))
        .isEqualTo(ReferenceFraming.frame(List.of(record, record, record, record, record)));
  }

  @Test
  void writeAfterCloseIsAnError() throws IOException {
    TFRecordWriter writer = TFRecordWriter.open(dir.resolve("closed"), Compression.GZIP);
    writer.write(new byte[] {1});
    writer.close();
    writer.close();
    assertThatThrownBy(() -> writer.write(new byte[] {2}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(writer::flush).isInstanceOf(IllegalStateException.class);
    assertThat(readAll(dir.resolve("closed"))).containsExactly(new byte[] {1});
  }

  @Test
  void refusesAutoAndBadLevels() {
    assertThatThrownBy(() -> TFRecordWriter.open(dir.resolve("x"), Compression.AUTO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TFRecordWriter.open(dir.resolve("y"), Compression.GZIP, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
