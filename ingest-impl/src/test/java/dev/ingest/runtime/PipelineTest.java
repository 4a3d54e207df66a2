package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
  @TempDir static Path dir;
  static final ExampleSpec TABULAR = ExampleSpec.of(
      FeatureSpec.fixed("features", DType.FLOAT32, 32), FeatureSpec.fixed("label", DType.INT64));

  @BeforeAll
  static void generate() throws IOException {
    SampleDatasets.write(SampleKind.TABULAR, dir.resolve("tabular"), 5000, 5, Compression.NONE, 1);
  }

  @Test
  void sameSeedSameBatchesAtAnyThreadCount() {
    List<String> one = digests(dataset().withOptions(PipelineOptions.defaults().withThreads(1)));
    List<String> two = digests(dataset().withOptions(PipelineOptions.defaults().withThreads(2)));
    List<String> four = digests(dataset().withOptions(PipelineOptions.defaults().withThreads(4)));
    assertThat(one).hasSize(2 * ((5000 + 255) / 256));
    assertThat(two).isEqualTo(one);
    assertThat(four).isEqualTo(one);
    List<String> otherSeed = digests(dataset().withOptions(PipelineOptions.defaults().withSeed(7)));
    assertThat(otherSeed).isNotEqualTo(one);
  }

  private static Dataset dataset() {
    return Dataset.tfrecord(dir.resolve("tabular").toString())
        .interleave(2, 8)
        .parseExample(TABULAR)
        .shuffle(1000)
        .batch(256, false)
        .repeat(2);
  }

  private static List<String> digests(Dataset dataset) {
    List<String> digests = new ArrayList<>();
    long rows = 0;
    try (BatchIterator batches = dataset.iterator()) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          digests.add(BatchDigest.hex(batch));
          rows += batch.rows();
        }
      }
      assertThat(batches.stats().records()).isEqualTo(rows);
    }
    assertThat(rows).isEqualTo(10_000);
    return digests;
  }
}
