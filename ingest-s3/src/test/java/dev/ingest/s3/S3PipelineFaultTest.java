package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.RecordProblem;
import dev.ingest.RecordReadException;
import dev.ingest.StorageOptions;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole pipeline through a proxy that breaks the store's answers at random bytes: bodies cut
 * mid-way with their connection closed, short bodies, 503 SlowDown bursts. With retries left the
 * batches are exactly the local run's; with none left the error names the object's URI, the
 * record's byte offset and its index, as an I/O failure under {@code fail} and a skipped rest of
 * the object under {@code skip}. Every case ends with no pipeline thread alive; buffers are
 * checked by the PARANOID leak guard after the class.
 */
class S3PipelineFaultTest {
  private static final String BUCKET = "faults";
  private static final int RECORDS = 400;
  private static final int SHARDS = 4;

  @RegisterExtension
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET).build();

  @TempDir static Path local;
  static FaultProxy proxy;
  static List<String> fromDisk;

  @BeforeAll
  static void writeShards() throws IOException {
    SampleDatasets.write(SampleKind.TABULAR, local, RECORDS, SHARDS, Compression.NONE, 5);
    proxy = new FaultProxy(URI.create("http://localhost:" + S3.getHttpPort()), 1);
    SampleDatasets.write(SampleKind.TABULAR,
        StoragePaths.path("s3://" + BUCKET + "/tabular", storage(10)), RECORDS, SHARDS,
        Compression.NONE, 5);
    fromDisk = S3PipelineTest.digests(pipeline(local.toString(), StorageOptions.defaults()));
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  @AfterEach
  void noPipelineThreadIsLeft() throws InterruptedException {
    proxy.reset();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!pipelineThreads().isEmpty() && System.nanoTime() < deadline) {
      pipelineThreads().get(0).join(100);
    }
    assertThat(pipelineThreads()).isEmpty();
  }

  /** Tries per request, through the proxy, with blocks small enough to make many ranges. */
  static StorageOptions storage(int attempts) {
    Map<String, String> s3 = new HashMap<>(Map.of("endpoint", proxy.endpoint().toString(),
        "path_style", "true", "max_attempts", Integer.toString(attempts)));
    return StorageOptions.defaults().withReadAhead(new ReadAhead(8 * 1024, 3))
        .withScheme("s3", s3);
  }

  static Dataset pipeline(String files, StorageOptions storage) {
    return Dataset.tfrecord(files)
        .shuffleFiles(true)
        .interleave(2, 5)
        .shuffle(50)
        .parseExample(SampleKind.TABULAR.exampleSpec())
        .batch(16, false)
        .withOptions(PipelineOptions.defaults().withSeed(3).withThreads(2).withStorage(storage));
  }

  /** Each repetition breaks other bytes: the proxy's random positions go on from the last. */
  @RepeatedTest(3)
  void brokenAnswersAreRetriedAndTheBatchesAreExact() {
    proxy.cutNext(6, -1).shortenNext(3).slowDownNext(4);
    List<String> fromStore =
        S3PipelineTest.digests(pipeline("s3://" + BUCKET + "/tabular", storage(10)));
    assertThat(fromStore).isEqualTo(fromDisk);
    // The faults were dealt, not skipped by a run that asked for less than expected.
    assertThat(proxy.cuts()).isEqualTo(6);
    assertThat(proxy.shortBodies()).isEqualTo(3);
    assertThat(proxy.slowDowns()).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(longs = {100, 5_000})
  void aRangeThatKeepsFailingIsAnIoFailureNamingTheObjectAndTheRecord(long cutAfter) {
    proxy.cutNext(Integer.MAX_VALUE, cutAfter);
    Throwable thrown = catchThrowable(() ->
        S3PipelineTest.digests(pipeline("s3://" + BUCKET + "/tabular", storage(2))));
    RecordReadException read = causeOf(thrown, RecordReadException.class);
    assertThat(read).as("%s", thrown).isNotNull();
    RecordProblem problem = read.problem();
    assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.READ_ERROR);
    assertThat(problem.file().toUri().toString()).startsWith("s3://" + BUCKET + "/tabular/part-");
    assertThat(problem.offset()).isGreaterThanOrEqualTo(0);
    assertThat(read.getMessage()).contains(problem.file().toString())
        .contains("offset " + problem.offset()).contains("record " + problem.recordIndex());
    assertThat(causeOf(read, ObjectReadException.class)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(longs = {100, 5_000})
  void underSkipAnUnreadableObjectIsSkippedAndCounted(long cutAfter) {
    proxy.cutNext(Integer.MAX_VALUE, cutAfter);
    long rows = 0;
    Dataset dataset = pipeline("s3://" + BUCKET + "/tabular", storage(2))
        .onCorrupt(CorruptionPolicy.SKIP);
    long skippedFiles;
    try (BatchIterator batches = dataset.iterator()) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          rows += batch.rows();
        }
      }
      skippedFiles = batches.stats().skippedFiles();
    }
    // Every object's ranges break: each is skipped from its first unreadable record on.
    assertThat(skippedFiles).isEqualTo(SHARDS);
    assertThat(rows).isLessThan(RECORDS);
  }

  /**
   * Every body stalls and the requests may take ten minutes: {@code close()} must cancel them,
   * not wait them out. (The bound below only turns a hang into a failure.)
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void closeWhileTheStoreStallsCancelsItsReadsAndLeavesNothing(int readerThreads)
      throws InterruptedException {
    proxy.stallNext(Integer.MAX_VALUE, 50);
    Map<String, String> s3 = new HashMap<>(storage(10).settingsFor("s3"));
    s3.put("request_timeout_ms", "600000");
    Dataset dataset = Dataset.tfrecord("s3://" + BUCKET + "/tabular")
        .interleave(2, 5, readerThreads)
        .parseExample(SampleKind.TABULAR.exampleSpec())
        .batch(16, false)
        .withOptions(PipelineOptions.defaults().withStorage(
            StorageOptions.defaults().withReadAhead(new ReadAhead(8 * 1024, 3))
                .withScheme("s3", s3)));
    BatchIterator batches = dataset.iterator();
    assertThat(proxy.awaitStalls(2, Duration.ofSeconds(60))).isTrue();
    assertTimeoutPreemptively(Duration.ofSeconds(60), batches::close);
    proxy.releaseStalls();
  }

  private static <T extends Throwable> T causeOf(Throwable thrown, Class<T> type) {
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  private static List<Thread> pipelineThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("ingest-")
            && !thread.getName().startsWith(S3Clients.THREAD_NAME_PREFIX) && thread.isAlive())
        .toList();
  }
}
