package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordReadException;
import dev.ingest.tfrecord.faults.FaultKind;
import dev.ingest.tfrecord.faults.FaultTally;
import dev.ingest.tfrecord.faults.FaultyDisk;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One file read through faults injected below the reader ({@link FaultyDisk}): short reads give
 * the same records; a read error at any byte is a {@link RecordReadException} at the record it
 * cuts under {@code fail}, and ends the file there, counted, under {@code skip}; a file cut or
 * grown under the reader is read as it was when opened, or reported as truncated; and every
 * buffer the reader took is given back ({@link CountingAllocator}).
 */
class TFRecordReaderFaultTest {
  /** Sizes that put records across read buffers and chunk boundaries. */
  private static final int[] SIZES = {1, 700, 5000, 0, 70_000, 3, 300_000, 17, 9000, 64, 120_000};
  private static final List<byte[]> RECORDS = TestRecords.randomRecords(11, SIZES);

  private static final FaultTally TALLY = new FaultTally();

  @TempDir Path dir;
  private final CountingAllocator allocator = new CountingAllocator();

  @AfterAll
  static void reportTheFaultsInjected() {
    System.out.println(TALLY.report(TFRecordReaderFaultTest.class));
  }

  @AfterEach
  void nothingIsLeftBehind() {
    TALLY.resetDisk();
    assertThat(allocator.liveBuffers()).as("buffers the reader did not give back").isZero();
  }

  static Stream<Arguments> compressionsAndSeeds() {
    return Stream.of(Compression.NONE, Compression.GZIP, Compression.ZLIB)
        .flatMap(compression -> LongStream.range(0, 8)
            .mapToObj(seed -> Arguments.of(compression, seed)));
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("compressionsAndSeeds")
  void shortReadsGiveTheSameRecords(Compression compression, long seed) throws IOException {
    Path file = TestRecords.write(dir.resolve("f"), compression, RECORDS);
    FaultyDisk.script(file).shortReads(7 + (int) seed * 4096, seed);
    List<byte[]> read = readAll(FaultyDisk.path(file), CorruptionPolicy.FAIL);
    assertThat(named(read)).containsExactlyElementsOf(named(RECORDS));
    assertThat(FaultyDisk.injected(FaultKind.SHORT_READ)).isPositive();
  }

  /** Bytes across the file: in headers, data and footers, at record starts and ends. */
  static LongStream offsets() {
    long size = framedSize(RECORDS.size());
    return LongStream.concat(
        IntStream.range(0, RECORDS.size()).asLongStream()
            .flatMap(i -> LongStream.of(framedSize((int) i), framedSize((int) i) + 5,
                framedSize((int) i) + 12, framedSize((int) i + 1) - 1)),
        LongStream.of(size / 3, size / 2, size - 2)).distinct().sorted();
  }

  @ParameterizedTest(name = "byte {0}")
  @MethodSource("offsets")
  void aReadErrorUnderFailIsAReadErrorAtTheRecordItCuts(long offset) throws IOException {
    Path file = TestRecords.write(dir.resolve("f"), Compression.NONE, RECORDS);
    FaultyDisk.script(file).readErrorAt(offset);
    int cut = recordHolding(offset);
    List<byte[]> read = new ArrayList<>();
    RecordReadException failure = catchThrowableOfType(
        () -> readInto(FaultyDisk.path(file), CorruptionPolicy.FAIL, read),
        RecordReadException.class);
    assertThat(failure).as("the error at byte %s", offset).isNotNull();
    RecordProblem problem = failure.problem();
    assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.READ_ERROR);
    assertThat(problem.recordIndex()).isEqualTo(cut);
    assertThat(problem.offset()).isEqualTo(framedSize(cut));
    assertThat(failure.getMessage()).contains(file.toString());
    assertThat(named(read)).containsExactlyElementsOf(named(RECORDS.subList(0, cut)));
    assertThat(FaultyDisk.injected(FaultKind.READ_ERROR)).isPositive();
  }

  @ParameterizedTest(name = "byte {0}")
  @MethodSource("offsets")
  void aReadErrorUnderSkipEndsTheFileThereAndIsCounted(long offset) throws IOException {
    Path file = TestRecords.write(dir.resolve("f"), Compression.NONE, RECORDS);
    FaultyDisk.script(file).readErrorAt(offset);
    List<RecordProblem> problems = new ArrayList<>();
    List<byte[]> read = new ArrayList<>();
    readInto(FaultyDisk.path(file), CorruptionPolicy.SKIP, read, problems);
    int cut = recordHolding(offset);
    assertThat(named(read)).containsExactlyElementsOf(named(RECORDS.subList(0, cut)));
    assertThat(problems).singleElement().satisfies(problem -> {
      assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.READ_ERROR);
      assertThat(problem.recordIndex()).isEqualTo(cut);
    });
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @MethodSource("compressionsAndSeeds")
  void aReadErrorInACompressedFileIsAReadErrorToo(Compression compression, long seed)
      throws IOException {
    Path file = TestRecords.write(dir.resolve("f"), compression, RECORDS);
    long offset = Files.size(file) * (seed + 1) / 9;
    FaultyDisk.script(file).readErrorAt(offset);
    RecordReadException failure = catchThrowableOfType(
        () -> readAll(FaultyDisk.path(file), CorruptionPolicy.FAIL), RecordReadException.class);
    assertThat(failure).isNotNull();
    assertThat(failure.problem().kind()).isEqualTo(RecordProblem.Kind.READ_ERROR);
  }

  /** Where to cut the file: inside records, and at record boundaries (nothing looks broken). */
  static Stream<Arguments> truncations() {
    return IntStream.range(1, RECORDS.size()).boxed().flatMap(record -> Stream.of(
        Arguments.of(framedSize(record), "at the start of record " + record),
        Arguments.of(framedSize(record) + 7, "inside the header of record " + record),
        Arguments.of(framedSize(record + 1) - 2, "inside the footer of record " + record)));
  }

  @ParameterizedTest(name = "cut {1}")
  @MethodSource("truncations")
  void aFileCutWhileItIsReadIsReportedTruncated(long length, String where) throws IOException {
    Path file = TestRecords.write(dir.resolve("f"), Compression.NONE, RECORDS);
    // Cut once the reader has its first bytes: the file was whole when it was opened.
    FaultyDisk.script(file).truncateAt(1, length);
    List<byte[]> read = new ArrayList<>();
    CorruptRecordException failure = catchThrowableOfType(
        () -> readInto(FaultyDisk.path(file), CorruptionPolicy.FAIL, read),
        CorruptRecordException.class);
    assertThat(FaultyDisk.injected(FaultKind.TRUNCATE)).isOne();
    assertThat(failure).as("records lost to a cut %s", where).isNotNull();
    assertThat(failure.problem().kind()).isEqualTo(RecordProblem.Kind.TRUNCATED);
    assertThat(read.size()).isLessThanOrEqualTo(recordHolding(length));
    assertThat(named(read)).containsExactlyElementsOf(named(RECORDS.subList(0, read.size())));
  }

  static Stream<Arguments> growths() {
    byte[] whole = framed(TestRecords.randomRecords(5, 40));
    byte[] half = java.util.Arrays.copyOf(whole, 30);
    return IntStream.of(0, 1, 5, 9).boxed().flatMap(record -> Stream.of(
        Arguments.of(record, whole, "a whole record"),
        Arguments.of(record, half, "part of a record")));
  }

  @ParameterizedTest(name = "{2} appended while record {0} is read")
  @MethodSource("growths")
  void aFileGrownWhileItIsReadIsReadAsItWasWhenOpened(int record, byte[] appended, String what)
      throws IOException {
    Path file = TestRecords.write(dir.resolve("f"), Compression.NONE, RECORDS);
    FaultyDisk.script(file).growAt(framedSize(record) + 1, appended);
    List<byte[]> read = readAll(FaultyDisk.path(file), CorruptionPolicy.FAIL);
    assertThat(FaultyDisk.injected(FaultKind.GROW)).isOne();
    assertThat(named(read)).containsExactlyElementsOf(named(RECORDS));
  }

  /** Each record as its length and CRC: short to print when a comparison fails. */
  private static List<String> named(List<byte[]> records) {
    return records.stream().map(record -> {
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(record);
      return record.length + ":" + Long.toHexString(crc.getValue());
    }).toList();
  }

  private List<byte[]> readAll(Path file, CorruptionPolicy policy) throws IOException {
    List<byte[]> read = new ArrayList<>();
    readInto(file, policy, read);
    return read;
  }

  private void readInto(Path file, CorruptionPolicy policy, List<byte[]> read)
      throws IOException {
    readInto(file, policy, read, new ArrayList<>());
  }

  private void readInto(Path file, CorruptionPolicy policy, List<byte[]> read,
      List<RecordProblem> problems) throws IOException {
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withAllocator(allocator)
        .withReadBufferSize(64 * 1024)
        .withOnCorrupt(policy)
        .withProblemListener(problems::add);
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      for (ByteBuf record = reader.next(); record != null; record = reader.next()) {
        read.add(ByteBufUtil.getBytes(record));
      }
    }
  }

  /** Bytes of the first {@code records} records, framed: where record {@code records} starts. */
  static long framedSize(int records) {
    long size = 0;
    for (int i = 0; i < records; i++) {
      size += TFRecordFormat.FRAMING_BYTES + SIZES[i];
    }
    return size;
  }

  /** The record whose frame holds byte {@code offset}. */
  static int recordHolding(long offset) {
    int record = 0;
    while (framedSize(record + 1) <= offset) {
      record++;
    }
    return record;
  }

  private static byte[] framed(List<byte[]> records) {
    try {
      Path file = Files.createTempFile("framed", ".tfrecord");
      try {
        TestRecords.write(file, Compression.NONE, records);
        return Files.readAllBytes(file);
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
