package dev.ingest.runtime;

import static dev.ingest.runtime.DamagedRecords.flipDataByte;
import static dev.ingest.runtime.DamagedRecords.problemTheReaderReports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.RecordProblem;
import dev.ingest.tfrecord.Compression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reader threads ({@code num_parallel_calls}) read the cycle's files ahead; the source merges
 * their records in the interleave's own order. So every batch, every failure and every count must
 * be exactly those of reading on the source thread, at any number of readers.
 */
class ParallelReadersTest {
  @TempDir Path dir;

  @AfterEach
  void noReaderThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
  void anyNumberOfReadersGivesTheBatchesOfReadingOnTheSourceThread(Compression compression)
      throws IOException {
    // Files of very different lengths, one longer than a read-ahead block (about 4,000 records).
    IdRecords.write(dir, compression, 6000, 1, 0, 300, 1200, 35);
    for (String shape : new String[] {"4,16,0", "1,1,0", "5,2,300"}) {
      String[] parts = shape.split(",");
      int cycle = Integer.parseInt(parts[0]);
      int block = Integer.parseInt(parts[1]);
      int shuffle = Integer.parseInt(parts[2]);
      List<String> sequential = IdRecords.digests(pipeline(cycle, block, shuffle, 0));
      assertThat(sequential).hasSize(2 * ((7536 + 63) / 64));
      for (int readers : new int[] {1, 3}) {
        assertThat(IdRecords.digests(pipeline(cycle, block, shuffle, readers)))
            .as("cycle %s, block %s, shuffle %s, %s readers", cycle, block, shuffle, readers)
            .isEqualTo(sequential);
      }
    }
  }

  @ParameterizedTest(name = "shard {0} of 3 by record")
  @CsvSource({"0", "2"})
  void recordShardsAreTheSameWithReaders(int shard) throws IOException {
    IdRecords.write(dir, 3000, 2000, 4000);
    Dataset sequential = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .shard(3, shard, ShardBy.RECORD).interleave(2, 7).batch(32, false);
    assertThat(IdRecords.digests(sequential.interleave(2, 7, 2)))
        .isEqualTo(IdRecords.digests(sequential));
  }

  @ParameterizedTest(name = "{0} readers")
  @CsvSource({"1", "3"})
  void aCorruptRecordFailsAfterTheSameBatchesAsWithoutReaders(int readers) throws IOException {
    IdRecords.write(dir, 4000, 4000, 4000);
    Path damaged = dir.resolve("part-00001-of-00003.tfrecord");
    flipDataByte(damaged, 3100);
    RecordProblem expected = problemTheReaderReports(damaged);
    Dataset sequential = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .shuffleFiles(false).interleave(3, 10).batch(50, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));

    Outcome before = run(sequential);
    Outcome with = run(sequential.interleave(3, 10, readers));
    assertThat(with.batches).isEqualTo(before.batches).isNotEmpty();
    assertThat(with.failure.stage()).isEqualTo("read");
    assertThat(((CorruptRecordException) with.failure.getCause()).problem()).isEqualTo(expected);

    // Under skip the bad record is dropped and counted, with the same batches either way.
    Dataset skipping = sequential.onCorrupt(CorruptionPolicy.SKIP);
    assertThat(IdRecords.digests(skipping.interleave(3, 10, readers)))
        .isEqualTo(IdRecords.digests(skipping)).hasSize((12_000 - 1 + 49) / 50);
  }

  private Dataset pipeline(int cycle, int block, int shuffle, int readers) {
    return Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .interleave(cycle, block, readers).shuffle(shuffle).batch(64, false).repeat(2)
        .withOptions(PipelineOptions.defaults().withThreads(2).withSeed(7));
  }

  private record Outcome(List<List<Long>> batches, IngestException failure) {}

  private static Outcome run(Dataset dataset) {
    List<List<Long>> batches = new ArrayList<>();
    IngestException failure;
    try (BatchIterator iterator = dataset.iterator()) {
      failure = catchThrowableOfType(IngestException.class, () -> {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            batches.add(IdRecords.ids(batch));
          }
        }
      });
    }
    assertThat(failure).as("the run fails").isNotNull();
    return new Outcome(batches, failure);
  }
}
