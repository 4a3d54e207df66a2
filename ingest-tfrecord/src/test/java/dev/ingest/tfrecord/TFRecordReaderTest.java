package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TestRecords.randomRecords;
import static dev.ingest.tfrecord.TestRecords.readAll;
import static dev.ingest.tfrecord.TestRecords.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Mirrors TensorFlow's record_reader and record_writer tests, and then some. */
class TFRecordReaderTest {
  @TempDir Path dir;

  @Test
  void writerOutputIsByteForByteTheReferenceFraming() throws IOException {
    List<byte[]> records = randomRecords(1, 0, 1, 7, 300, 70_000);
    Path file = write(dir.resolve("a.tfrecord"), Compression.NONE, records);
    assertThat(Files.readAllBytes(file)).isEqualTo(ReferenceFraming.frame(records));
  }

  @Test
  void readsReferenceFramedFile() throws IOException {
    List<byte[]> records = randomRecords(2, 5, 0, 12, 4096, 1);
    Path file = Files.write(dir.resolve("ref.tfrecord"), ReferenceFraming.frame(records));
    assertThat(readAll(file)).containsExactlyElementsOf(records);
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void emptyFileHasNoRecords(Compression compression) throws IOException {
    Path file = Files.createFile(dir.resolve("empty"));
    assertThat(readAll(file, TFRecordReaderOptions.defaults().withCompression(compression)))
        .isEmpty();
    Path written = write(dir.resolve("written-empty"), compression, List.of());
    assertThat(readAll(written)).isEmpty();
  }

  @Test
  void emptyRecordIsARecord() throws IOException {
    Path file = write(dir.resolve("e.tfrecord"), Compression.NONE, List.of(new byte[0], new byte[0]));
    assertThat(Files.size(file)).isEqualTo(2 * TFRecordFormat.FRAMING_BYTES);
    assertThat(readAll(file)).hasSize(2).allSatisfy(record -> assertThat(record).isEmpty());
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void manyRecords(Compression compression) throws IOException {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      records.add(Integer.toString(i).getBytes());
    }
    Path file = write(dir.resolve("many"), compression, records);
    // PARANOID leak detection captures a stack trace on every buffer access, which makes this
    // test minutes long; the counting allocator proves the absence of leaks exactly instead.
    CountingAllocator allocator = new CountingAllocator();
    List<byte[]> read;
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    try {
      read = readAll(file, TFRecordReaderOptions.defaults().withAllocator(allocator));
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
    assertThat(allocator.liveBuffers()).isZero();
    assertThat(read).hasSize(100_000);
    assertThat(new String(read.get(99_999))).isEqualTo("99999");
    assertThat(read).containsExactlyElementsOf(records);
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void recordsFromZeroBytesToOneMebibyte(Compression compression) throws IOException {
    int[] sizes =
        IntStream.rangeClosed(0, 20)
            .flatMap(bits -> IntStream.of((1 << bits) - 1, 1 << bits, (1 << bits) + 1))
            .filter(size -> size <= 1 << 20)
            .toArray();
    List<byte[]> records = randomRecords(3, sizes);
    Path file = write(dir.resolve("sizes"), compression, records);
    assertThat(readAll(file)).containsExactlyElementsOf(records);
  }

  @Test
  void skewedSizesAcrossBufferBoundaries() throws IOException {
    int[] sizes = new int[400];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = i % 50 == 0 ? 300_000 + i : i % 7;
    }
    List<byte[]> records = randomRecords(4, sizes);
    Path file = write(dir.resolve("skewed"), Compression.NONE, records);
    assertThat(readAll(file, TFRecordReaderOptions.defaults().withReadBufferSize(4096)))
        .containsExactlyElementsOf(records);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 11, 12, 13, 16, 17, 100, 4096})
  void anyReadBufferSize(int readBufferSize) throws IOException {
    List<byte[]> records = randomRecords(5, 0, 1, 30, 2, 500, 0, 13);
    for (Compression compression : List.of(Compression.NONE, Compression.GZIP, Compression.ZLIB)) {
      Path file = write(dir.resolve("buf-" + compression), compression, records);
      TFRecordReaderOptions options =
          TFRecordReaderOptions.defaults().withReadBufferSize(readBufferSize);
      assertThat(readAll(file, options)).as("%s", compression).containsExactlyElementsOf(records);
    }
  }

  @Test
  void reportsOffsetsAndCounts() throws IOException {
    List<byte[]> records = randomRecords(6, 10, 0, 20);
    Path file = write(dir.resolve("offsets"), Compression.NONE, records);
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      assertThat(reader.recordOffset()).isEqualTo(-1);
      List<Long> offsets = new ArrayList<>();
      while (reader.advance()) {
        offsets.add(reader.recordOffset());
      }
      assertThat(offsets).containsExactly(0L, 26L, 42L);
      assertThat(reader.recordsRead()).isEqualTo(3);
      assertThat(reader.problems()).isZero();
      assertThat(reader.compression()).isEqualTo(Compression.NONE);
    }
  }

  @Test
  void advanceExposesTheRecordInPlace() throws IOException {
    List<byte[]> records = randomRecords(7, 3, 9);
    Path file = write(dir.resolve("advance"), Compression.NONE, records);
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      for (byte[] expected : records) {
        assertThat(reader.advance()).isTrue();
        byte[] actual = new byte[reader.recordLength()];
        reader.buffer().getBytes(reader.recordStart(), actual);
        assertThat(actual).isEqualTo(expected);
      }
      assertThat(reader.advance()).isFalse();
      assertThat(reader.advance()).as("end is sticky").isFalse();
    }
  }

  // ---- corruption, as TensorFlow's reader classifies it ------------------------------------

  @Test
  void corruptLengthIsALengthCrcProblem() throws IOException {
    Path file = corrupt(1, 2);
    assertProblem(file, Kind.LENGTH_CRC, offsetOfRecord(1), 1);
  }

  @Test
  void corruptLengthCrcIsALengthCrcProblem() throws IOException {
    Path file = corrupt(1, 9);
    assertProblem(file, Kind.LENGTH_CRC, offsetOfRecord(1), 1);
  }

  @Test
  void corruptDataIsADataCrcProblem() throws IOException {
    Path file = corrupt(2, TFRecordFormat.HEADER_BYTES + 3);
    assertProblem(file, Kind.DATA_CRC, offsetOfRecord(2), 2);
  }

  @Test
  void corruptDataCrcIsADataCrcProblem() throws IOException {
    Path file = corrupt(0, TFRecordFormat.HEADER_BYTES + RECORD_SIZE + 1);
    assertProblem(file, Kind.DATA_CRC, 0, 0);
  }

  @Test
  void fileTruncatedTo14BytesIsTruncated() throws IOException {
    Path file = truncated(14);
    CorruptRecordException error = assertProblem(file, Kind.TRUNCATED, 0, 0);
    assertThat(error.getMessage()).contains("truncated at offset 0").contains(file.toString());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 11})
  void fileEndingInsideAHeaderIsTruncated(int bytesOfSecondHeader) throws IOException {
    Path file = truncated(offsetOfRecord(1) + bytesOfSecondHeader);
    assertProblem(file, Kind.TRUNCATED, offsetOfRecord(1), 1);
  }

  @Test
  void fileEndingInsideTheDataCrcIsTruncated() throws IOException {
    Path file = truncated(offsetOfRecord(1) - 1);
    assertProblem(file, Kind.TRUNCATED, 0, 0);
  }

  @Test
  void tooLargeIsRejectedBeforeAllocating() throws IOException {
    Path file = write(dir.resolve("large"), Compression.NONE, randomRecords(8, 10, 1000, 10));
    CountingAllocator allocator = new CountingAllocator();
    TFRecordReaderOptions options =
        TFRecordReaderOptions.defaults().withMaxRecordBytes(999).withReadBufferSize(64)
            .withAllocator(allocator);
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      assertThat(reader.next()).isNotNull();
      assertThatThrownBy(reader::next)
          .isInstanceOfSatisfying(CorruptRecordException.class, e -> {
            assertThat(e.problem().kind()).isEqualTo(Kind.TOO_LARGE);
            assertThat(e.problem().offset()).isEqualTo(26);
            assertThat(e.problem().recordIndex()).isEqualTo(1);
          })
          .hasMessageContaining("too large at offset 26");
      // The 64-byte chunk never grew towards the 1000-byte record.
      assertThat(reader.buffer().capacity()).isEqualTo(64);
    }
    assertThat(allocator.liveBuffers()).isZero();
  }

  @Test
  void hugeLengthWithValidCrcIsTooLargeNotAnAllocation() throws IOException {
    byte[] header = new byte[TFRecordFormat.HEADER_BYTES];
    java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    view.putLong(0, Long.MAX_VALUE - 3);
    view.putInt(8, ReferenceFraming.maskedCrc32c(header, 0, 8));
    Path file = Files.write(dir.resolve("huge"), header);
    assertProblem(file, Kind.TOO_LARGE, 0, 0);
  }

  @Test
  void failureIsStickyAndDetailed() throws IOException {
    Path file = corrupt(1, TFRecordFormat.HEADER_BYTES);
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      assertThat(reader.next()).isNotNull();
      CorruptRecordException first = catchCorruption(reader);
      assertThat(first.problem().detail()).contains("data CRC mismatch").contains("stored 0x");
      assertThat(catchCorruption(reader)).isSameAs(first);
      assertThat(reader.problems()).isEqualTo(1);
    }
  }

  @Test
  void verificationCanBeSwitchedOff() throws IOException {
    Path file = corrupt(1, TFRecordFormat.HEADER_BYTES + 2);
    List<byte[]> read = readAll(file, TFRecordReaderOptions.defaults().withVerifyCrc(false));
    assertThat(read).hasSize(RECORDS);
    assertThat(read.get(1)).isNotEqualTo(cleanRecords().get(1));
    assertThat(read.get(2)).isEqualTo(cleanRecords().get(2));
  }

  // ---- deferred data CRC ---------------------------------------------------------------------

  @Test
  void deferredModeHandsOutTheStoredDataCrcOfEveryRecord() throws IOException {
    // Records larger than the read buffer, so that some straddle buffer ends.
    List<byte[]> records = randomRecords(7, 0, 1, 300, 5000, 70_000, 12);
    Path file = write(dir.resolve("deferred"), Compression.NONE, records);
    TFRecordReaderOptions deferred =
        TFRecordReaderOptions.defaults().withDeferredDataCrc(true).withReadBufferSize(4096);
    try (TFRecordReader reader = TFRecordReader.open(file, deferred)) {
      for (byte[] record : records) {
        assertThat(reader.advance()).isTrue();
        assertThat(reader.recordMaskedDataCrc()).isEqualTo(MaskedCrc32c.of(record));
        assertThat(ByteBufUtil.getBytes(
            reader.buffer(), reader.recordStart(), reader.recordLength())).isEqualTo(record);
      }
      assertThat(reader.advance()).isFalse();
    }
  }

  @Test
  void deferredModeReturnsACorruptRecordWithACrcThatDoesNotMatchIt() throws IOException {
    Path file = corrupt(2, TFRecordFormat.HEADER_BYTES + 3);
    List<RecordProblem> problems = new ArrayList<>();
    TFRecordReaderOptions deferred = TFRecordReaderOptions.defaults()
        .withDeferredDataCrc(true)
        .withProblemListener(problems::add);
    try (TFRecordReader reader = TFRecordReader.open(file, deferred)) {
      for (int index = 0; index < RECORDS; index++) {
        assertThat(reader.advance()).as("record %s is returned", index).isTrue();
        byte[] bytes =
            ByteBufUtil.getBytes(reader.buffer(), reader.recordStart(), reader.recordLength());
        assertThat(reader.recordMaskedDataCrc() == MaskedCrc32c.of(bytes))
            .as("record %s matches its stored CRC", index)
            .isEqualTo(index != 2);
        assertThat(reader.recordMaskedDataCrc())
            .as("the stored CRC is that of the clean record")
            .isEqualTo(MaskedCrc32c.of(cleanRecords().get(index)));
      }
      assertThat(reader.advance()).isFalse();
    }
    assertThat(problems).as("the reader reports nothing it did not check").isEmpty();
  }

  @Test
  void deferredModeStillChecksTheFramingAndTheLengthCrc() throws IOException {
    Path file = corrupt(1, 2);
    try (TFRecordReader reader =
        TFRecordReader.open(file, TFRecordReaderOptions.defaults().withDeferredDataCrc(true))) {
      CorruptRecordException error = catchCorruption(reader);
      assertThat(error.problem().kind()).isEqualTo(Kind.LENGTH_CRC);
      assertThat(error.problem().recordIndex()).isEqualTo(1);
    }
  }

  @Test
  void aDeferredCheckReportsTheProblemTheReaderWould() throws IOException {
    Path file = corrupt(1, TFRecordFormat.HEADER_BYTES + 5);
    RecordProblem byReader;
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      byReader = catchCorruption(reader).problem();
    }
    try (TFRecordReader reader =
        TFRecordReader.open(file, TFRecordReaderOptions.defaults().withDeferredDataCrc(true))) {
      reader.advance();
      reader.advance();
      byte[] bytes =
          ByteBufUtil.getBytes(reader.buffer(), reader.recordStart(), reader.recordLength());
      RecordProblem byCaller = TFRecordReader.dataCrcProblem(reader.file(),
          reader.recordOffset(), reader.recordsRead() - 1, reader.recordMaskedDataCrc(),
          MaskedCrc32c.of(bytes));
      assertThat(byCaller).isEqualTo(byReader);
    }
  }

  @Test
  void switchingCrcsOffWinsOverDeferring() throws IOException {
    // A damaged length CRC (the length itself intact): only an unchecked reader reads on.
    Path file = corrupt(1, 9);
    List<byte[]> read = readAll(file,
        TFRecordReaderOptions.defaults().withVerifyCrc(false).withDeferredDataCrc(true));
    assertThat(read).hasSize(RECORDS);
  }

  // ---- skip policy ---------------------------------------------------------------------------

  @Test
  void skipPolicyStepsOverABadRecordWhoseFramingIsIntact() throws IOException {
    Path file = corrupt(1, TFRecordFormat.HEADER_BYTES + 5);
    List<RecordProblem> problems = new ArrayList<>();
    List<byte[]> read = readAll(file, skipping(problems));
    List<byte[]> expected = new ArrayList<>(cleanRecords());
    expected.remove(1);
    assertThat(read).containsExactlyElementsOf(expected);
    assertThat(problems).singleElement().satisfies(problem -> {
      assertThat(problem.kind()).isEqualTo(Kind.DATA_CRC);
      assertThat(problem.recordIndex()).isEqualTo(1);
      assertThat(problem.offset()).isEqualTo(offsetOfRecord(1));
      assertThat(problem.file()).isEqualTo(file);
    });
  }

  @Test
  void skipPolicyEndsTheFileWhenFramingIsLost() throws IOException {
    Path file = corrupt(2, 0);
    List<RecordProblem> problems = new ArrayList<>();
    assertThat(readAll(file, skipping(problems)))
        .containsExactlyElementsOf(cleanRecords().subList(0, 2));
    assertThat(problems).extracting(RecordProblem::kind).containsExactly(Kind.LENGTH_CRC);
  }

  @Test
  void skipPolicyStepsOverTooLargeRecordsWithoutHoldingThem() throws IOException {
    List<byte[]> records = randomRecords(9, 10, 5000, 10, 6000, 10);
    Path file = write(dir.resolve("skip-large"), Compression.NONE, records);
    List<RecordProblem> problems = new ArrayList<>();
    TFRecordReaderOptions options =
        skipping(problems).withMaxRecordBytes(100).withReadBufferSize(256);
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      List<byte[]> read = new ArrayList<>();
      for (ByteBuf record = reader.next(); record != null; record = reader.next()) {
        read.add(ByteBufUtil.getBytes(record));
        assertThat(reader.buffer().capacity()).isEqualTo(256);
      }
      assertThat(read).containsExactly(records.get(0), records.get(2), records.get(4));
    }
    assertThat(problems).extracting(RecordProblem::kind).containsExactly(Kind.TOO_LARGE, Kind.TOO_LARGE);
    assertThat(problems).extracting(RecordProblem::recordIndex).containsExactly(1L, 3L);
  }

  @Test
  void skipPolicyReportsATruncatedTailOnce() throws IOException {
    Path file = truncated(offsetOfRecord(2) + 20);
    List<RecordProblem> problems = new ArrayList<>();
    assertThat(readAll(file, skipping(problems))).hasSize(2);
    assertThat(problems).singleElement().extracting(RecordProblem::kind).isEqualTo(Kind.TRUNCATED);
  }

  // ---- ownership -------------------------------------------------------------------------------

  @Test
  void retainedRecordsSurviveLaterReadsAndCloseWithoutCopies() throws IOException {
    List<byte[]> records = randomRecords(10, 40, 40, 40, 40, 40, 40);
    Path file = write(dir.resolve("retain"), Compression.NONE, records);
    CountingAllocator allocator = new CountingAllocator();
    TFRecordReaderOptions options =
        TFRecordReaderOptions.defaults().withReadBufferSize(64).withAllocator(allocator);
    List<ByteBuf> kept = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      for (ByteBuf record = reader.next(); record != null; record = reader.next()) {
        kept.add(record.retain());
      }
    }
    try {
      assertThat(allocator.liveBuffers()).as("chunks held by retained records").isPositive();
      for (int i = 0; i < records.size(); i++) {
        assertThat(ByteBufUtil.getBytes(kept.get(i))).isEqualTo(records.get(i));
      }
    } finally {
      kept.forEach(ByteBuf::release);
    }
    assertThat(allocator.liveBuffers()).isZero();
  }

  @Test
  void releasesEverythingOnCloseEvenAfterAFailure() throws IOException {
    Path file = corrupt(1, 0);
    CountingAllocator allocator = new CountingAllocator();
    try (TFRecordReader reader =
        TFRecordReader.open(file, TFRecordReaderOptions.defaults().withAllocator(allocator))) {
      reader.next();
      catchCorruption(reader);
    }
    assertThat(allocator.liveBuffers()).isZero();
  }

  @Test
  void closedReaderRefusesToReadAndClosesTwice() throws IOException {
    Path file = write(dir.resolve("closed"), Compression.NONE, randomRecords(11, 3));
    TFRecordReader reader = TFRecordReader.open(file);
    reader.close();
    reader.close();
    assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void missingFileIsAnIoError() {
    assertThatThrownBy(() -> TFRecordReader.open(dir.resolve("absent.tfrecord")))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  // ---- fixtures ----------------------------------------------------------------------------

  private static final int RECORDS = 4;
  private static final int RECORD_SIZE = 100;

  private static List<byte[]> cleanRecords() {
    return randomRecords(42, RECORD_SIZE, RECORD_SIZE, RECORD_SIZE, RECORD_SIZE);
  }

  private static long offsetOfRecord(int index) {
    return (long) index * (TFRecordFormat.FRAMING_BYTES + RECORD_SIZE);
  }

  /** A file of {@link #cleanRecords()} with one byte flipped in record {@code index}. */
  private Path corrupt(int index, int byteInRecord) throws IOException {
    byte[] bytes = ReferenceFraming.frame(cleanRecords());
    bytes[(int) offsetOfRecord(index) + byteInRecord] ^= 0x40;
    return Files.write(dir.resolve("corrupt-" + index + "-" + byteInRecord), bytes);
  }

  private Path truncated(long length) throws IOException {
    byte[] bytes = ReferenceFraming.frame(cleanRecords());
    return Files.write(dir.resolve("truncated-" + length), Arrays.copyOf(bytes, (int) length));
  }

  private static TFRecordReaderOptions skipping(List<RecordProblem> problems) {
    return TFRecordReaderOptions.defaults()
        .withOnCorrupt(CorruptionPolicy.SKIP)
        .withProblemListener(problems::add);
  }

  private static CorruptRecordException catchCorruption(TFRecordReader reader) {
    try {
      while (reader.next() != null) {
        // read on to the problem
      }
    } catch (CorruptRecordException e) {
      return e;
    } catch (IOException e) {
      throw new AssertionError("expected a corruption, got " + e, e);
    }
    throw new AssertionError("expected a corruption, read to the end");
  }

  private static CorruptRecordException assertProblem(
      Path file, Kind kind, long offset, long recordIndex) throws IOException {
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      CorruptRecordException error = catchCorruption(reader);
      assertThat(error.problem().kind()).isEqualTo(kind);
      assertThat(error.problem().offset()).isEqualTo(offset);
      assertThat(error.problem().recordIndex()).isEqualTo(recordIndex);
      assertThat(error.problem().file()).isEqualTo(file);
      assertThat(reader.recordsRead()).isEqualTo(recordIndex);
      return error;
    }
  }
}
