package dev.ingest.runtime.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import dev.ingest.RecordReadException;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link CoalescedRecords} reads, how many reads it makes, what it reports for damaged
 * records, and that it frees everything on close. Random orders over many settings are in
 * {@link CoalescedRecordsProperties}.
 */
class CoalescedRecordsTest {
  /** Everything in one chunk, no gap merged, spans as large as they come: one read per run. */
  private static final CoalescedReads ONE_CHUNK_NO_GAPS =
      new CoalescedReads(100_000, CoalescedReads.MAX_CHUNK_BYTES, 0, Long.MAX_VALUE, 1, 0);

  @TempDir Path dir;

  @Test
  void consecutiveIdsAreOneReadPerFile() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 1, 300, 40, 25, 60);
    IndexedShards indexed = shards.indexed();
    try (CoalescedRecords reader = open(indexed, id -> id, 125, ONE_CHUNK_NO_GAPS,
        TFRecordReaderOptions.defaults())) {
      assertThat(readAll(reader)).containsExactlyElementsOf(shards.records);
      assertThat(reader.spanReads()).isEqualTo(3);
    }
  }

  @Test
  void scatteredChunkWithGapZeroIsOneReadPerRecord() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 2, 300, 40, 40);
    IndexedShards indexed = shards.indexed();
    // Every other record, backwards: no two touch, so with gap 0 none is merged.
    LongUnaryOperator everyOther = j -> 78 - 2 * j;
    try (CoalescedRecords reader =
        open(indexed, everyOther, 40, ONE_CHUNK_NO_GAPS, TFRecordReaderOptions.defaults())) {
      List<byte[]> read = readAll(reader);
      for (int j = 0; j < 40; j++) {
        assertThat(read.get(j)).isEqualTo(shards.records.get((int) everyOther.applyAsLong(j)));
      }
      assertThat(reader.spanReads()).isEqualTo(40);
    }
    // A gap of one record at most: the same records are read with one read per file.
    CoalescedReads gapOfOne = new CoalescedReads(100_000, CoalescedReads.MAX_CHUNK_BYTES, 300 + 16,
        Long.MAX_VALUE, 1, 0);
    try (CoalescedRecords reader =
        open(indexed, everyOther, 40, gapOfOne, TFRecordReaderOptions.defaults())) {
      assertThat(readAll(reader)).hasSize(40);
      assertThat(reader.spanReads()).isEqualTo(2);
    }
  }

  @Test
  void spansStopAtTheirLargestSize() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 3, 0, 100); // empty records: 16 bytes each
    CoalescedReads spansOf10 = new CoalescedReads(1000, 1 << 20, 0, 10 * 16, 1, 0);
    try (CoalescedRecords reader =
        open(shards.indexed(), id -> id, 100, spansOf10, TFRecordReaderOptions.defaults())) {
      assertThat(readAll(reader)).hasSize(100);
      assertThat(reader.spanReads()).isEqualTo(10);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void recordsSayWhereTheyCameFrom(int readerThreads) throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 4, 200, 30, 0, 45, 7);
    IndexedShards indexed = shards.indexed();
    long[] order = shards.shuffled(5);
    CoalescedReads settings = new CoalescedReads(8, 1 << 20, 64, 4096, 3, readerThreads);
    try (CoalescedRecords reader = open(indexed, j -> order[(int) j], order.length, settings,
        TFRecordReaderOptions.defaults())) {
      CRC32C crc = new CRC32C();
      for (int j = 0; j < order.length; j++) {
        assertThat(reader.advance()).isTrue();
        long id = order[j];
        assertThat(bytes(reader)).isEqualTo(shards.records.get((int) id));
        assertThat(reader.fileIndex()).isEqualTo(indexed.fileOf(id));
        assertThat(reader.file()).isEqualTo(shards.files.get(indexed.fileOf(id)));
        assertThat(reader.indexInFile()).isEqualTo(indexed.indexInFile(id));
        assertThat(reader.offset()).isEqualTo(indexed.offset(id));
        assertThat(reader.maskedDataCrc())
            .isEqualTo(MaskedCrc32c.of(crc, ByteBuffer.wrap(shards.records.get((int) id))));
        assertThat(reader.position()).isEqualTo(j + 1);
      }
      assertThat(reader.advance()).isFalse();
      assertThat(reader.advance()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void filesTooLargeToMapAreReadWithPositionalReads(int readerThreads) throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 19, 300, 40, 25);
    IndexedShards indexed = shards.indexed();
    long[] order = shards.shuffled(20);
    CoalescedReads settings = new CoalescedReads(9, 1 << 20, 64, 1 << 20, 2, readerThreads);
    try (CoalescedRecords reader = new CoalescedRecords(indexed, j -> order[(int) j],
        order.length, settings, TFRecordReaderOptions.defaults(), PooledByteBufAllocator.DEFAULT,
        () -> false, new SpanChannels(indexed, 0))) {
      List<byte[]> read = readAll(reader);
      for (int j = 0; j < order.length; j++) {
        assertThat(read.get(j)).isEqualTo(shards.records.get((int) order[j]));
      }
    }
  }

  @Test
  void aFileTooLargeToMapThatIsCutShortIsATruncatedRecord() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 21, 100, 20);
    IndexedShards indexed = shards.indexed();
    try (RandomAccessFile file = new RandomAccessFile(shards.files.get(0).toFile(), "rw")) {
      file.setLength(indexed.offset(12) + 20);
    }
    try (CoalescedRecords reader = new CoalescedRecords(indexed, id -> id, 20, ONE_CHUNK_NO_GAPS,
        TFRecordReaderOptions.defaults(), PooledByteBufAllocator.DEFAULT, () -> false,
        new SpanChannels(indexed, 0))) {
      assertThat(readSome(reader, 12)).containsExactlyElementsOf(shards.records.subList(0, 12));
      assertThatThrownBy(reader::advance).isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("offset " + indexed.offset(12))
          .satisfies(e -> assertThat(((CorruptRecordException) e).problem().kind())
              .isEqualTo(Kind.TRUNCATED));
    }
  }

  @Test
  void aRetainedRecordOutlivesItsChunk() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 6, 100, 50);
    CoalescedReads tinyChunks = new CoalescedReads(2, 1 << 20, 0, 1 << 20, 2, 2);
    LiveBuffers allocator = new LiveBuffers();
    ByteBuf kept;
    int start;
    int length;
    try (CoalescedRecords reader = new CoalescedRecords(shards.indexed(), id -> id, 50,
        tinyChunks, TFRecordReaderOptions.defaults(), allocator, () -> false)) {
      assertThat(reader.lendsBuffer()).isTrue();
      assertThat(reader.advance()).isTrue();
      kept = reader.buffer().retain();
      start = reader.start();
      length = reader.length();
      assertThat(readAll(reader)).hasSize(49);
    }
    byte[] first = new byte[length];
    kept.getBytes(start, first);
    assertThat(first).isEqualTo(shards.records.get(0));
    assertThat(allocator.count()).isEqualTo(1);
    kept.release();
    assertThat(allocator.count()).isZero();
  }

  // ---- damaged records ---------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void aDataCrcMismatchFailsNamingFileAndOffset(int readerThreads) throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 7, 100, 20, 20);
    IndexedShards indexed = shards.indexed();
    long damaged = 27; // file 1, record 7
    flip(shards.files.get(1), indexed.offset(damaged) + 12 + 1, indexed.length(damaged) > 1);
    assertFailsAt(indexed, damaged, Kind.DATA_CRC, readerThreads);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void aLengthCrcMismatchFailsNamingFileAndOffset(int readerThreads) throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 8, 100, 20, 20);
    IndexedShards indexed = shards.indexed();
    long damaged = 5;
    flip(shards.files.get(0), indexed.offset(damaged) + 9, true);
    assertFailsAt(indexed, damaged, Kind.LENGTH_CRC, readerThreads);
  }

  @Test
  void aHeaderLengthOtherThanTheIndexsFailsAsStale() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 9, 100, 20);
    IndexedShards stale = shards.indexed();
    // The same bytes in all, framed otherwise: record 3 takes 5 bytes from record 4.
    List<byte[]> rewritten = new ArrayList<>(shards.records);
    byte[] three = shards.records.get(3);
    byte[] four = shards.records.get(4);
    byte[] longer = new byte[three.length + 5];
    byte[] shorter = new byte[four.length - 5];
    assertThat(four.length).isGreaterThan(5);
    rewritten.set(3, longer);
    rewritten.set(4, shorter);
    Path rewrittenFile = dir.resolve("rewritten.tfrecord.tmp");
    try (var writer = dev.ingest.tfrecord.TFRecordWriter.open(rewrittenFile,
        dev.ingest.tfrecord.Compression.NONE)) {
      for (byte[] record : rewritten) {
        writer.write(record);
      }
    }
    Files.copy(rewrittenFile, shards.files.get(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CorruptRecordException failure = assertFailsAt(stale, 3, Kind.LENGTH_CRC, 0);
    assertThat(failure.problem().detail()).contains("index is stale");
  }

  @Test
  void aTruncatedFileFailsNamingFileAndOffset() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 10, 100, 20);
    IndexedShards indexed = shards.indexed();
    try (RandomAccessFile file = new RandomAccessFile(shards.files.get(0).toFile(), "rw")) {
      file.setLength(indexed.offset(15) + 3);
    }
    List<RecordProblem> reported = new CopyOnWriteArrayList<>();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withProblemListener(reported::add);
    try (CoalescedRecords reader = open(indexed, id -> id, 20, ONE_CHUNK_NO_GAPS, options)) {
      assertThat(readSome(reader, 15)).containsExactlyElementsOf(shards.records.subList(0, 15));
      assertThatThrownBy(reader::advance).isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining(shards.files.get(0).toString())
          .hasMessageContaining("offset " + indexed.offset(15));
    }
    assertThat(reported).singleElement().satisfies(problem -> {
      assertThat(problem.kind()).isEqualTo(Kind.TRUNCATED);
      assertThat(problem.recordIndex()).isEqualTo(15);
    });
  }

  @Test
  void aFileThatCannotBeReadIsAReadError() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 11, 100, 10, 10);
    IndexedShards indexed = shards.indexed();
    Files.delete(shards.files.get(1));
    try (CoalescedRecords reader =
        open(indexed, id -> id, 20, ONE_CHUNK_NO_GAPS, TFRecordReaderOptions.defaults())) {
      assertThat(readSome(reader, 10)).containsExactlyElementsOf(shards.records.subList(0, 10));
      assertThatThrownBy(reader::advance).isInstanceOf(RecordReadException.class)
          .hasMessageContaining(shards.files.get(1).toString())
          .satisfies(e -> assertThat(((RecordReadException) e).problem().kind())
              .isEqualTo(Kind.READ_ERROR));
      // The reader stays failed.
      assertThatThrownBy(reader::advance).isInstanceOf(RecordReadException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void skipReportsEachBadRecordAndReturnsAllOthers(int readerThreads) throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 12, 100, 30, 30);
    IndexedShards indexed = shards.indexed();
    flip(shards.files.get(0), indexed.offset(4) + 12 + 1, indexed.length(4) > 1); // data CRC
    flip(shards.files.get(1), indexed.offset(41) + 9, true); // length CRC
    long[] order = shards.shuffled(13);
    List<RecordProblem> reported = new CopyOnWriteArrayList<>();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withOnCorrupt(CorruptionPolicy.SKIP).withProblemListener(reported::add);
    CoalescedReads settings = new CoalescedReads(7, 1 << 20, 256, 1 << 20, 2, readerThreads);
    List<byte[]> expected = new ArrayList<>();
    List<Long> expectedProblems = new ArrayList<>();
    for (long id : order) {
      if (id == 4 || id == 41) {
        expectedProblems.add(indexed.offset(id));
      } else {
        expected.add(shards.records.get((int) id));
      }
    }
    try (CoalescedRecords reader = open(indexed, j -> order[(int) j], order.length, settings,
        options)) {
      assertThat(readAll(reader)).containsExactlyElementsOf(expected);
      assertThat(reader.position()).isEqualTo(58);
      assertThat(reader.positionsPassed()).isEqualTo(60);
      assertThat(reader.problems()).isEqualTo(2);
    }
    assertThat(reported).extracting(RecordProblem::offset)
        .containsExactlyElementsOf(expectedProblems);
    assertThat(reported).extracting(RecordProblem::kind)
        .containsExactlyInAnyOrder(Kind.DATA_CRC, Kind.LENGTH_CRC);
  }

  @Test
  void aDeferredDataCrcIsLeftToTheCaller() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 14, 100, 10);
    IndexedShards indexed = shards.indexed();
    flip(shards.files.get(0), indexed.offset(6) + 12 + 1, indexed.length(6) > 1);
    TFRecordReaderOptions deferred = TFRecordReaderOptions.defaults().withDeferredDataCrc(true);
    try (CoalescedRecords reader = open(indexed, id -> id, 10, ONE_CHUNK_NO_GAPS, deferred)) {
      CRC32C crc = new CRC32C();
      int mismatches = 0;
      while (reader.advance()) {
        int computed = MaskedCrc32c.of(crc, reader.buffer().nioBuffer(reader.start(),
            reader.length()));
        if (computed != reader.maskedDataCrc()) {
          mismatches++;
          assertThat(reader.indexInFile()).isEqualTo(6);
        }
      }
      assertThat(mismatches).isEqualTo(1);
      assertThat(reader.position()).isEqualTo(10);
    }
  }

  @Test
  void aRecordAboveTheSizeLimitIsRefusedFromTheIndex() throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 15, 100, 10);
    IndexedShards indexed = shards.indexed();
    int longest = shards.records.stream().mapToInt(r -> r.length).max().orElseThrow();
    List<RecordProblem> reported = new CopyOnWriteArrayList<>();
    TFRecordReaderOptions limited = TFRecordReaderOptions.defaults()
        .withMaxRecordBytes(longest - 1).withOnCorrupt(CorruptionPolicy.SKIP)
        .withProblemListener(reported::add);
    try (CoalescedRecords reader = open(indexed, id -> id, 10, ONE_CHUNK_NO_GAPS, limited)) {
      assertThat(readAll(reader)).allSatisfy(r -> assertThat(r.length).isLessThan(longest));
    }
    assertThat(reported).isNotEmpty().allSatisfy(p -> assertThat(p.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  // ---- closing -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void closeMidEpochFreesEveryBufferAndStopsItsThreads(int readerThreads) throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 16, 500, 200, 200);
    long[] order = shards.shuffled(17);
    LiveBuffers allocator = new LiveBuffers();
    CoalescedReads settings = new CoalescedReads(16, 1 << 20, 1024, 1 << 20, 4, readerThreads);
    CoalescedRecords reader = new CoalescedRecords(shards.indexed(), j -> order[(int) j],
        order.length, settings, TFRecordReaderOptions.defaults(), allocator, () -> false);
    assertThat(readSome(reader, 50)).hasSize(50);
    assertThat(allocator.count()).isPositive();
    reader.close();
    reader.close();
    assertThat(allocator.count()).isZero();
    assertThat(liveReaderThreads()).isEmpty();
    assertThatThrownBy(reader::advance).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void closeAfterAFailureFreesEveryBufferAndStopsItsThreads(int readerThreads)
      throws IOException {
    GlobalShards shards = GlobalShards.write(dir, 18, 500, 200, 200);
    IndexedShards indexed = shards.indexed();
    flip(shards.files.get(0), indexed.offset(0) + 9, true);
    LiveBuffers allocator = new LiveBuffers();
    CoalescedReads settings = new CoalescedReads(16, 1 << 20, 1024, 1 << 20, 4, readerThreads);
    CoalescedRecords reader = new CoalescedRecords(indexed, id -> id, 400, settings,
        TFRecordReaderOptions.defaults(), allocator, () -> false);
    assertThatThrownBy(reader::advance).isInstanceOf(CorruptRecordException.class);
    reader.close();
    assertThat(allocator.count()).isZero();
    assertThat(liveReaderThreads()).isEmpty();
  }

  // ---- helpers -----------------------------------------------------------------------------

  private CorruptRecordException assertFailsAt(IndexedShards indexed, long damaged, Kind kind,
      int readerThreads) throws IOException {
    // The damaged record comes third, after two good ones from elsewhere.
    long[] order = {damaged == 0 ? 1 : 0, damaged == 2 ? 1 : 2, damaged,
        damaged == 3 ? 4 : 3};
    CoalescedReads settings = new CoalescedReads(3, 1 << 20, 64, 1 << 20, 2, readerThreads);
    List<RecordProblem> reported = new CopyOnWriteArrayList<>();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withProblemListener(reported::add);
    Path file = indexed.file(indexed.fileOf(damaged));
    try (CoalescedRecords reader = open(indexed, j -> order[(int) j], 4, settings, options)) {
      assertThat(readSome(reader, 2)).hasSize(2);
      CorruptRecordException failure = (CorruptRecordException) org.assertj.core.api.Assertions
          .catchThrowable(reader::advance);
      assertThat(failure).isNotNull();
      assertThat(failure.getMessage()).contains(file.toString())
          .contains("offset " + indexed.offset(damaged));
      RecordProblem problem = failure.problem();
      assertThat(problem.file()).isEqualTo(file);
      assertThat(problem.offset()).isEqualTo(indexed.offset(damaged));
      assertThat(problem.recordIndex()).isEqualTo(indexed.indexInFile(damaged));
      assertThat(problem.kind()).isEqualTo(kind);
      assertThat(reported).containsExactly(problem);
      assertThatThrownBy(reader::advance).isSameAs(failure);
      return failure;
    }
  }

  private static void flip(Path file, long at, boolean possible) throws IOException {
    assertThat(possible).as("the record has a byte to flip there").isTrue();
    try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
      access.seek(at);
      int value = access.read();
      access.seek(at);
      access.write(value ^ 0x40);
    }
  }

  private static CoalescedRecords open(IndexedShards shards, LongUnaryOperator idAt, long count,
      CoalescedReads settings, TFRecordReaderOptions options) {
    ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    return new CoalescedRecords(shards, idAt, count, settings, options, allocator, () -> false);
  }

  static List<byte[]> readAll(CoalescedRecords reader) throws IOException {
    return readSome(reader, Integer.MAX_VALUE);
  }

  static List<byte[]> readSome(CoalescedRecords reader, int most) throws IOException {
    List<byte[]> read = new ArrayList<>();
    while (read.size() < most && reader.advance()) {
      read.add(bytes(reader));
    }
    return read;
  }

  static byte[] bytes(CoalescedRecords reader) {
    byte[] bytes = new byte[reader.length()];
    reader.buffer().getBytes(reader.start(), bytes);
    return bytes;
  }

  static List<String> liveReaderThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith("ingest-read-global"))
        .map(Thread::getName).toList();
  }
}
