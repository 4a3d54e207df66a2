package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.IteratorStats;
import dev.ingest.PipelineOptions;
import dev.ingest.RecordProblem;
import dev.ingest.RecordReadException;
import dev.ingest.tfrecord.faults.FaultKind;
import dev.ingest.tfrecord.faults.FaultTally;
import dev.ingest.tfrecord.faults.FaultyDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole pipelines over files whose storage misbehaves below the readers ({@link FaultyDisk}):
 * short and slow reads give exactly the batches of a clean run; a read error, a file cut under
 * the reader or a file gone mid-epoch is the typed error under {@code fail} (naming the file and
 * the record) and, under {@code skip}, the rest of that file skipped and counted in the stats,
 * with every other record delivered once; a file grown under the reader is read as it was when
 * opened. Each case runs with the source reading (no reader threads) and with reader threads,
 * and ends with no pipeline thread alive; buffers are checked by the PARANOID leak guard.
 */
class StorageFaultsTest {
  private static final int[] RECORDS_PER_FILE = {90, 130, 7, 160, 75, 110};
  private static final Duration GENEROUS = Duration.ofSeconds(120);
  private static final FaultTally TALLY = new FaultTally();

  @TempDir Path dir;
  private int total;
  private List<List<Long>> clean;

  @BeforeEach
  void writeFiles() throws IOException {
    total = IdRecords.write(dir, RECORDS_PER_FILE);
    clean = IdRecords.batches(pipeline(dir.toString(), 0, CorruptionPolicy.FAIL));
  }

  @AfterEach
  void noThreadIsLeft() throws InterruptedException {
    TALLY.resetDisk();
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @AfterAll
  static void reportTheFaultsInjected() {
    System.out.println(TALLY.report(StorageFaultsTest.class));
  }

  static Dataset pipeline(String files, int readerThreads, CorruptionPolicy policy) {
    return Dataset.tfrecord(files)
        .shuffleFiles(false)
        .interleave(2, 4, readerThreads)
        .onCorrupt(policy)
        .parseExample(IdRecords.SPEC)
        .batch(16, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
  }

  private Path file(int index) {
    return dir.resolve(String.format("part-%05d-of-%05d.tfrecord", index,
        RECORDS_PER_FILE.length));
  }

  /** The ids of file {@code index}'s records, from {@code from} on. */
  private List<Long> idsOf(int index, int from) {
    long first = IntStream.range(0, index).map(i -> RECORDS_PER_FILE[i]).sum();
    return IdRecords.range(RECORDS_PER_FILE[index]).subList(from, RECORDS_PER_FILE[index])
        .stream().map(id -> id + first).toList();
  }

  private static long recordStart(Path file, int record) throws IOException {
    return DamagedRecords.recordStart(Files.readAllBytes(file), record);
  }

  static Stream<Arguments> seedsAndReaders() {
    return IntStream.range(0, 6).boxed()
        .flatMap(seed -> Stream.of(Arguments.of(seed, 0), Arguments.of(seed, 2)));
  }

  @ParameterizedTest(name = "seed {0}, {1} reader threads")
  @MethodSource("seedsAndReaders")
  void shortReadsGiveTheExactBatches(int seed, int readers) {
    for (int f = 0; f < RECORDS_PER_FILE.length; f++) {
      FaultyDisk.script(file(f)).shortReads(1 + 97 * seed, seed * 31L + f);
    }
    assertTimeoutPreemptively(GENEROUS, () -> assertThat(
        IdRecords.batches(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)))
        .isEqualTo(clean));
    assertThat(FaultyDisk.injected(FaultKind.SHORT_READ)).isPositive();
  }

  @ParameterizedTest(name = "{0} reader threads")
  @ValueSource(ints = {0, 2})
  void slowReadsGiveTheExactBatches(int readers) {
    for (int f = 0; f < RECORDS_PER_FILE.length; f++) {
      FaultyDisk.script(file(f)).slowReads(300).shortReads(512, f);
    }
    assertTimeoutPreemptively(GENEROUS, () -> assertThat(
        IdRecords.batches(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)))
        .isEqualTo(clean));
    assertThat(FaultyDisk.injected(FaultKind.SLOW_READ)).isPositive();
  }

  /**
   * A read that never returns, on the source thread or a reader thread, reached by the pipeline
   * reading ahead on its own: {@code close()} must end it, not wait for it.
   */
  @ParameterizedTest(name = "{0} reader threads")
  @ValueSource(ints = {0, 2})
  void closeWhileAReadIsStalledLeavesNothing(int readers) throws Exception {
    FaultyDisk.script(file(0)).stallFrom(100);
    BatchIterator batches = pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)
        .iterator();
    assertThat(FaultyDisk.awaitInjected(FaultKind.STALL, 60_000)).isTrue();
    assertTimeoutPreemptively(GENEROUS, batches::close);
  }

  /** Files, records within them, and bytes within records where the read fails. */
  static Stream<Arguments> readErrors() {
    return Stream.of(0, 1, 3, 5).flatMap(file -> Stream.of(0, 1, 6).flatMap(record ->
        Stream.of(0, 13).flatMap(byteInRecord -> Stream.of(0, 2).map(readers ->
            Arguments.of(file, record, byteInRecord, readers)))));
  }

  @ParameterizedTest(name = "file {0}, record {1}, byte {2}, {3} reader threads")
  @MethodSource("readErrors")
  void aReadErrorFailsTheRunNamingTheRecordOrIsSkippedAndCounted(int file, int record,
      int byteInRecord, int readers) throws IOException {
    long offset = recordStart(file(file), record) + byteInRecord;
    FaultyDisk.script(file(file)).readErrorAt(offset);
    IdRecords.UntilFailure failed = assertTimeoutPreemptively(GENEROUS, () ->
        IdRecords.untilFailure(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)));
    assertThat(failed.failure()).as("the run with a read error").isNotNull();
    assertThat(failed.failure().getCause()).isInstanceOf(RecordReadException.class);
    RecordProblem problem = ((RecordReadException) failed.failure().getCause()).problem();
    assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.READ_ERROR);
    assertThat(problem.file().getFileName().toString())
        .isEqualTo(file(file).getFileName().toString());
    assertThat(problem.recordIndex()).isEqualTo(record);
    assertThat(failed.ids()).doesNotContainAnyElementsOf(idsOf(file, record));

    TALLY.resetDisk();
    FaultyDisk.script(file(file)).readErrorAt(offset);
    assertSkipped(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.SKIP),
        idsOf(file, record));
    assertThat(FaultyDisk.injected(FaultKind.READ_ERROR)).isPositive();
  }

  /** Records at whose start, or inside which, the file is cut while the source reads it. */
  static Stream<Arguments> truncations() {
    return Stream.of(1, 3, 5).flatMap(file -> Stream.of(1, 4, 40).flatMap(record ->
        Stream.of(0, 9).flatMap(byteInRecord -> Stream.of(0, 2).map(readers ->
            Arguments.of(file, record, byteInRecord, readers)))))
        .filter(arguments -> (int) arguments.get()[1] < RECORDS_PER_FILE[(int) arguments.get()[0]]);
  }

  @ParameterizedTest(name = "file {0} cut at record {1} + {2} bytes, {3} reader threads")
  @MethodSource("truncations")
  void aFileCutWhileItIsReadIsTruncatedUnderFailAndSkippedUnderSkip(int file, int record,
      int byteInRecord, int readers) throws IOException {
    byte[] whole = Files.readAllBytes(file(file));
    long length = DamagedRecords.recordStart(whole, record) + byteInRecord;
    FaultyDisk.script(file(file)).truncateAt(1, length);
    IdRecords.UntilFailure failed = assertTimeoutPreemptively(GENEROUS, () ->
        IdRecords.untilFailure(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)));
    assertThat(FaultyDisk.injected(FaultKind.TRUNCATE)).isOne();
    assertThat(failed.failure()).as("the run over a file cut to %s bytes", length).isNotNull();
    assertThat(failed.failure().getCause()).isInstanceOf(CorruptRecordException.class);
    RecordProblem problem = ((CorruptRecordException) failed.failure().getCause()).problem();
    assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.TRUNCATED);
    assertThat(problem.recordIndex()).isEqualTo(record);

    Files.write(file(file), whole);
    TALLY.resetDisk();
    FaultyDisk.script(file(file)).truncateAt(1, length);
    assertSkipped(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.SKIP),
        idsOf(file, record));
  }

  static Stream<Arguments> growths() {
    return Stream.of(0, 2, 5).flatMap(file -> Stream.of(0, 3).flatMap(record ->
        Stream.of(10, 500).flatMap(appended -> Stream.of(0, 2).map(readers ->
            Arguments.of(file, record, appended, readers)))));
  }

  @ParameterizedTest(name = "file {0} grown by {2} bytes at record {1}, {3} reader threads")
  @MethodSource("growths")
  void aFileGrownWhileItIsReadGivesTheBatchesOfTheFileAsOpened(int file, int record,
      int appended, int readers) throws IOException {
    // The start of a copy of the file's own records: whole ones, then part of one.
    byte[] grown = java.util.Arrays.copyOf(Files.readAllBytes(file(file)), appended);
    FaultyDisk.script(file(file)).growAt(recordStart(file(file), record) + 1, grown);
    assertTimeoutPreemptively(GENEROUS, () -> assertThat(
        IdRecords.batches(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)))
        .isEqualTo(clean));
    assertThat(FaultyDisk.injected(FaultKind.GROW)).isOne();
  }

  static Stream<Arguments> deletions() {
    return Stream.of(4, 5).flatMap(victim -> Stream.of(0, 2).map(readers ->
        Arguments.of(victim, readers)));
  }

  /**
   * A file deleted once the epoch has started, before its turn comes (and before the files opened
   * ahead of their turn reach it).
   */
  @ParameterizedTest(name = "file {0} deleted, {1} reader threads")
  @MethodSource("deletions")
  void aFileDeletedMidEpochFailsTheRunNamingItOrIsSkippedAndCounted(int victim, int readers)
      throws IOException {
    byte[] whole = Files.readAllBytes(file(victim));
    FaultyDisk.script(file(0)).deleteAt(recordStart(file(0), 2), file(victim));
    IdRecords.UntilFailure failed = assertTimeoutPreemptively(GENEROUS, () ->
        IdRecords.untilFailure(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)));
    assertThat(FaultyDisk.injected(FaultKind.DELETE)).isOne();
    assertThat(failed.failure()).as("the run without file %s", victim).isNotNull();
    assertThat(failed.failure().getCause()).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(file(victim).getFileName().toString());

    Files.write(file(victim), whole);
    TALLY.resetDisk();
    FaultyDisk.script(file(0)).deleteAt(recordStart(file(0), 2), file(victim));
    assertSkipped(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.SKIP), idsOf(victim, 0));
  }

  /** A file deleted while it is open is still read whole: the open file keeps its bytes. */
  @ParameterizedTest(name = "{0} reader threads")
  @ValueSource(ints = {0, 2})
  void aFileDeletedWhileItIsOpenIsReadWhole(int readers) throws IOException {
    FaultyDisk.script(file(1)).deleteAt(recordStart(file(1), 3), file(1));
    assertTimeoutPreemptively(GENEROUS, () -> assertThat(
        IdRecords.batches(pipeline(FaultyDisk.uri(dir), readers, CorruptionPolicy.FAIL)))
        .isEqualTo(clean));
    assertThat(FaultyDisk.injected(FaultKind.DELETE)).isOne();
  }

  /** Under skip: every record but {@code lost} once, one file and one problem counted. */
  private void assertSkipped(Dataset dataset, List<Long> lost) {
    List<Long> ids = new ArrayList<>();
    IteratorStats stats = assertTimeoutPreemptively(GENEROUS, () -> {
      try (BatchIterator batches = dataset.iterator()) {
        while (batches.hasNext()) {
          try (Batch batch = batches.next()) {
            ids.addAll(IdRecords.ids(batch));
          }
        }
        return batches.stats();
      }
    });
    List<Long> expected = new ArrayList<>(IdRecords.range(total));
    expected.removeAll(lost);
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(stats.skippedFiles()).isOne();
    assertThat(stats.skippedRecords()).isOne();
  }
}
