package dev.ingest.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.RowMapper;
import dev.ingest.runtime.IdRecords;
import dev.ingest.tfrecord.Compression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the source reads itself, of {@link SourceTask#BORROW_FROM_BYTES} or more, stay in the
 * reader's buffer until parsed ({@link StagedRecords}); the reader must read on into other
 * buffers meanwhile. With slow parse workers, units wait in the ring holding read buffers while
 * the readers cross from one buffer to the next inside every file: the batches must be exactly
 * those of a pipeline whose reader threads copy every record.
 */
class BorrowedRecordsTest {
  @TempDir Path dir;

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @Test
  void borrowedRecordsComeOutAsCopiedOnesDo() throws IOException {
    int[] files = new int[12];
    Arrays.fill(files, 90); // 90 records of about 3 KiB: each file spans two 256 KiB read buffers
    int total = IdRecords.writePadded(dir, Compression.NONE, SourceTask.BORROW_FROM_BYTES + 1000,
        1, files);
    RowMapper slow = row -> LockSupport.parkNanos(20_000);
    Dataset unparsed = Dataset.tfrecord(dir.toString())
        .shuffleFiles(false)
        .map(slow)
        .batch(8, false)
        .prefetch(16)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    Dataset base = unparsed.parseExample(IdRecords.SPEC);

    List<List<Long>> borrowed = IdRecords.batches(base.interleave(3, 5, 0)); // read on the source
    List<List<Long>> copied = IdRecords.batches(base.interleave(3, 5, 2)); // by reader threads

    assertThat(borrowed).isEqualTo(copied);
    assertThat(borrowed.stream().flatMap(List::stream).sorted().collect(Collectors.toList()))
        .isEqualTo(IdRecords.range(total));

    // A file cache's second epoch replays its own files through readers that lend their buffers
    // (a cache before parse_example keeps records).
    String prefix = dir.resolve("cache").resolve("train").toString();
    List<List<Long>> cached = IdRecords.batches(
        unparsed.cache(prefix).parseExample(IdRecords.SPEC).interleave(3, 5, 0).repeat(2));
    assertThat(cached.subList(0, copied.size())).as("the epoch that fills the cache")
        .isEqualTo(copied);
    assertThat(cached.subList(copied.size(), cached.size())).as("the epoch replayed from it")
        .isEqualTo(copied);
  }
}
