package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tf.data peer reads what ingest reads: every record of every shard, once per epoch, in
 * batches of the asked size, whatever its parallelism.
 */
class TfDataPipelineTest {
  private static final int RECORDS = 150;
  private static final int BATCH = 32;

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(SampleKind.class)
  void readsEveryRecordOfEveryShardOncePerEpoch(SampleKind kind) throws Exception {
    SampleDatasets.write(kind, directory, RECORDS, 3, Compression.NONE, 7);
    List<Path> files;
    try (Stream<Path> listed = Files.list(directory)) {
      files = listed.sorted().toList();
    }

    for (int parallelism : new int[] {1, 2}) {
      try (TfDataPipeline pipeline = TfDataPipeline.start(files, kind, BATCH, 2, parallelism, 2)) {
        long rows = 0;
        long batches = 0;
        for (long batch = pipeline.next(); batch >= 0; batch = pipeline.next()) {
          assertThat(batch).isBetween(1L, (long) BATCH);
          rows += batch;
          batches++;
        }
        // Two epochs, batched across the epoch boundary as ingest does: full batches but the last.
        assertThat(rows).as("%s at parallelism %d", kind, parallelism).isEqualTo(2L * RECORDS);
        assertThat(batches).isEqualTo((2L * RECORDS + BATCH - 1) / BATCH);
      }
    }
  }
}
