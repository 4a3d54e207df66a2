package dev.ingest.runtime.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MappedRecords}: records in the given order, byte for byte and saying where they came
 * from, the same as {@link CoalescedRecords} returns; each damage {@code fail} throws naming the
 * file and offset, and {@code skip} reports and passes over.
 */
class MappedRecordsTest {
  @TempDir Path dir;

  @Test
  void aRandomOrderComesBackByteForByteAsTheCoalescedReaderGivesIt() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 3, 3000, 40, 0, 77, 1, 55);
    IndexedShards indexed = shards.indexed();
    long[] order = shards.shuffled(4);
    List<byte[]> expected = new ArrayList<>();
    for (long id : order) {
      expected.add(shards.records.get((int) id));
    }
    try (MappedRecords reader = new MappedRecords(indexed, j -> order[(int) j], order.length,
        TFRecordReaderOptions.defaults())) {
      List<byte[]> read = new ArrayList<>();
      while (reader.advance()) {
        long id = order[(int) reader.positionsPassed() - 1];
        assertThat(reader.fileIndex()).isEqualTo(indexed.fileOf(id));
        assertThat(reader.file()).isEqualTo(indexed.file(indexed.fileOf(id)));
        assertThat(reader.offset()).isEqualTo(indexed.offset(id));
        assertThat(reader.indexInFile()).isEqualTo(indexed.indexInFile(id));
        assertThat(reader.lendsBuffer()).isFalse();
        assertThat(reader.dataCrcChecked()).isTrue();
        byte[] bytes = new byte[reader.length()];
        reader.buffer().getBytes(reader.start(), bytes);
        read.add(bytes);
      }
      assertThat(read).containsExactlyElementsOf(expected);
    }
    try (CoalescedRecords coalesced = new CoalescedRecords(indexed, j -> order[(int) j],
        order.length, CoalescedReads.forLocal(), TFRecordReaderOptions.defaults(),
        io.netty.buffer.PooledByteBufAllocator.DEFAULT, () -> false)) {
      assertThat(CoalescedRecordsTest.readAll(coalesced)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void eachDamageFailsNamingFileAndOffsetAndTheReaderStaysFailed() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 5, 100, 20, 20);
    IndexedShards indexed = shards.indexed();
    assertThat(indexed.length(27)).as("record 27 has a data byte to flip").isGreaterThan(1);
    flip(shards.files.get(1), indexed.offset(27) + 12 + 1); // data CRC of record 7 of file 1
    flip(shards.files.get(0), indexed.offset(5) + 9); // length CRC of record 5
    assertFailsAt(indexed, 27, Kind.DATA_CRC);
    assertFailsAt(indexed, 5, Kind.LENGTH_CRC);
  }

  @Test
  void aFileCutShortIsATruncatedRecordAndAHeaderOtherThanTheIndexIsStale() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 6, 100, 20, 20);
    IndexedShards indexed = shards.indexed();
    try (RandomAccessFile file = new RandomAccessFile(shards.files.get(0).toFile(), "rw")) {
      file.setLength(indexed.offset(15) + 3);
    }
    assertFailsAt(indexed, 15, Kind.TRUNCATED);
    // Record 3 of file 1 says it is one byte longer than the index knows it.
    long three = 23;
    long length = indexed.length(three) + 1L;
    try (RandomAccessFile file = new RandomAccessFile(shards.files.get(1).toFile(), "rw")) {
      file.seek(indexed.offset(three));
      file.write(new byte[] {(byte) length, (byte) (length >>> 8), 0, 0, 0, 0, 0, 0});
      file.seek(indexed.offset(three) + 8);
      int crc = dev.ingest.tfrecord.MaskedCrc32c.of(new java.util.zip.CRC32C(),
          java.nio.ByteBuffer.wrap(new byte[] {(byte) length, (byte) (length >>> 8), 0, 0, 0, 0,
              0, 0}));
      file.write(new byte[] {(byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16),
          (byte) (crc >>> 24)});
    }
    CorruptRecordException stale = assertFailsAt(indexed, three, Kind.LENGTH_CRC);
    assertThat(stale.problem().detail()).contains("index is stale");
  }

  @Test
  void skipReportsEachBadRecordAndReturnsAllOthers() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 12, 100, 30, 30);
    IndexedShards indexed = shards.indexed();
    assertThat(indexed.length(4)).as("record 4 has a data byte to flip").isGreaterThan(1);
    flip(shards.files.get(0), indexed.offset(4) + 12 + 1);
    flip(shards.files.get(1), indexed.offset(41) + 9);
    long[] order = shards.shuffled(13);
    List<RecordProblem> reported = new CopyOnWriteArrayList<>();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withOnCorrupt(CorruptionPolicy.SKIP).withProblemListener(reported::add);
    List<byte[]> expected = new ArrayList<>();
    for (long id : order) {
      if (id != 4 && id != 41) {
        expected.add(shards.records.get((int) id));
      }
    }
    try (MappedRecords reader = new MappedRecords(indexed, j -> order[(int) j], order.length,
        options)) {
      List<byte[]> read = new ArrayList<>();
      while (reader.advance()) {
        byte[] bytes = new byte[reader.length()];
        reader.buffer().getBytes(reader.start(), bytes);
        read.add(bytes);
      }
      assertThat(read).containsExactlyElementsOf(expected);
      assertThat(reader.positionsPassed()).isEqualTo(60);
    }
    assertThat(reported).extracting(RecordProblem::kind)
        .containsExactlyInAnyOrder(Kind.DATA_CRC, Kind.LENGTH_CRC);
  }

  private CorruptRecordException assertFailsAt(IndexedShards indexed, long damaged, Kind kind)
      throws IOException {
    long[] order = {damaged == 0 ? 1 : 0, damaged};
    LongUnaryOperator idAt = j -> order[(int) j];
    List<RecordProblem> reported = new CopyOnWriteArrayList<>();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withProblemListener(reported::add);
    Path file = indexed.file(indexed.fileOf(damaged));
    try (MappedRecords reader = new MappedRecords(indexed, idAt, 2, options)) {
      assertThat(reader.advance()).isTrue();
      CorruptRecordException failure = (CorruptRecordException) org.assertj.core.api.Assertions
          .catchThrowable(reader::advance);
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).contains(file.toString())
          .contains("offset " + indexed.offset(damaged));
      assertThat(failure.problem().kind()).isEqualTo(kind);
      assertThat(failure.problem().recordIndex()).isEqualTo(indexed.indexInFile(damaged));
      assertThat(reported).containsExactly(failure.problem());
      assertThatThrownBy(reader::advance).isSameAs(failure);
      return failure;
    }
  }

  private static void flip(Path file, long at) throws IOException {
    try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
      access.seek(at);
      int value = access.read();
      access.seek(at);
      access.write(value ^ 0x40);
    }
  }
}
