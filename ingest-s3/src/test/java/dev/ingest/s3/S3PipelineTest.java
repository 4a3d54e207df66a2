package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.MissingIndex;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineState;
import dev.ingest.StorageOptions;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.RecordFiles;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.index.RecordIndex;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole pipelines read the same batches from the object store as from local files: the three
 * sample kinds, plain and GZIP, with shuffled files, an interleave, a shuffle buffer, two epochs,
 * file and record sharding, and a resume in the middle of an object. The shards are written to
 * the store by {@link SampleDatasets} itself (what {@code ingest gen --out s3://...} runs), with
 * the same seed as the local ones.
 *
 * <p>Small read-ahead blocks make every shard many ranged reads, so that records straddle the
 * blocks' edges everywhere.
 */
class S3PipelineTest {
  private static final String BUCKET = "training";
  private static final int RECORDS = 600;
  private static final int SHARDS = 3;

  @RegisterExtension
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET).build();

  @TempDir static Path local;
  static StorageOptions storage;

  @BeforeAll
  static void writeShards() throws IOException {
    storage = StorageOptions.defaults()
        .withReadAhead(new ReadAhead(16 * 1024, 3))
        .withScheme("s3", Map.of("endpoint", "http://localhost:" + S3.getHttpPort(),
            "path_style", "true", "region", "us-east-1"));
    for (SampleKind kind : SampleKind.values()) {
      for (Compression compression : List.of(Compression.NONE, Compression.GZIP)) {
        String folder = kind.wireName() + "-" + compression.wireName();
        SampleDatasets.write(kind, local.resolve(folder), RECORDS, SHARDS, compression, 17);
        SampleDatasets.write(kind, StoragePaths.path(remote(folder), storage), RECORDS, SHARDS,
            compression, 17);
      }
    }
  }

  static String remote(String folder) {
    return "s3://" + BUCKET + "/samples/" + folder;
  }

  static List<Arguments> kindsAndCompressions() {
    List<Arguments> cases = new ArrayList<>();
    for (SampleKind kind : SampleKind.values()) {
      for (Compression compression : List.of(Compression.NONE, Compression.GZIP)) {
        cases.add(Arguments.of(kind, compression));
      }
    }
    return cases;
  }

  @Test
  void theStoreListsTheShardsAsTheLocalFolderHasThem() throws IOException {
    String folder = "image-none";
    List<Path> remoteFiles = RecordFiles.resolve(List.of(remote(folder) + "/*.tfrecord"), storage);
    List<Path> localFiles = RecordFiles.resolve(List.of(local.resolve(folder).toString()));
    assertThat(remoteFiles).extracting(path -> path.getFileName().toString())
        .containsExactlyElementsOf(
            localFiles.stream().map(path -> path.getFileName().toString()).toList());
    for (int i = 0; i < SHARDS; i++) {
      assertThat(Files.size(remoteFiles.get(i))).isEqualTo(Files.size(localFiles.get(i)));
      assertThat(remoteFiles.get(i).toUri().toString())
          .isEqualTo(remote(folder) + "/" + localFiles.get(i).getFileName());
    }
  }

  @ParameterizedTest
  @MethodSource("kindsAndCompressions")
  void shuffledInterleavedBatchesEqualTheLocalRun(SampleKind kind, Compression compression) {
    String folder = kind.wireName() + "-" + compression.wireName();
    List<String> fromStore = digests(pipeline(remote(folder), kind));
    List<String> fromDisk = digests(pipeline(local.resolve(folder).toString(), kind));
    assertThat(fromStore).hasSizeGreaterThanOrEqualTo(2 * RECORDS / 32).isEqualTo(fromDisk);
  }

  @ParameterizedTest
  @MethodSource("kindsAndCompressions")
  void shardedBatchesEqualTheLocalRun(SampleKind kind, Compression compression) {
    String folder = kind.wireName() + "-" + compression.wireName();
    for (ShardBy by : List.of(ShardBy.FILE, ShardBy.RECORD)) {
      for (int index = 0; index < 2; index++) {
        List<String> fromStore = digests(pipeline(remote(folder), kind).shard(2, index, by));
        List<String> fromDisk =
            digests(pipeline(local.resolve(folder).toString(), kind).shard(2, index, by));
        assertThat(fromStore).as("shard %d of 2 by %s", index, by).isNotEmpty()
            .isEqualTo(fromDisk);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kindsAndCompressions")
  void aRunResumedInTheMiddleOfAnObjectGoesOnWithTheSameBatches(
      SampleKind kind, Compression compression) {
    String folder = kind.wireName() + "-" + compression.wireName();
    // No shuffle buffer: the state is then file offsets only, and the resume reopens each
    // object at its offset (for GZIP, by reading the stream up to there).
    Dataset dataset = Dataset.tfrecord(remote(folder))
        .shuffleFiles(true)
        .interleave(2, 3)
        .parseExample(kind.exampleSpec())
        .batch(25, false)
        .repeat(2)
        .withOptions(options());
    List<String> uninterrupted = digests(dataset);
    int cut = 17; // inside the second object of the first epoch's cycle
    List<String> resumed = new ArrayList<>();
    PipelineState state;
    try (BatchIterator batches = dataset.iterator()) {
      for (int i = 0; i < cut; i++) {
        try (Batch batch = batches.next()) {
          resumed.add(BatchDigest.hex(batch));
        }
      }
      state = batches.state();
    }
    try (BatchIterator batches = dataset.iterator(state)) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          resumed.add(BatchDigest.hex(batch));
        }
      }
    }
    assertThat(resumed).isEqualTo(uninterrupted);
  }

  /**
   * A global shuffle over the store, whose indexes it builds and uploads on the way, gives the
   * batches that the same shards on disk give, for one trainer and for each of two.
   */
  @ParameterizedTest
  @EnumSource(SampleKind.class)
  void globallyShuffledBatchesEqualTheLocalRun(SampleKind kind) throws IOException {
    String folder = kind.wireName() + "-none";
    for (int trainers = 1; trainers <= 2; trainers++) {
      for (int trainer = 0; trainer < trainers; trainer++) {
        List<String> fromStore = digests(global(remote(folder), kind, trainers, trainer));
        List<String> fromDisk =
            digests(global(local.resolve(folder).toString(), kind, trainers, trainer));
        assertThat(fromStore).as("trainer %d of %d", trainer, trainers)
            .hasSize(2 * ((RECORDS + 31) / 32)).isEqualTo(fromDisk);
      }
    }
    for (Path shard : RecordFiles.resolve(List.of(remote(folder)), storage)) {
      assertThat(Files.exists(RecordIndex.sidecarOf(shard))).as("%s", shard).isTrue();
    }
  }

  private static Dataset global(String files, SampleKind kind, int trainers, int trainer) {
    return Dataset.tfrecord(files)
        .missingIndex(MissingIndex.BUILD)
        .shard(trainers, trainer)
        .shuffleGlobal()
        .parseExample(kind.exampleSpec())
        .batch(32, false)
        .repeat(2)
        .withOptions(options());
  }

  private static Dataset pipeline(String files, SampleKind kind) {
    return Dataset.tfrecord(files)
        .shuffleFiles(true)
        .interleave(2, 4)
        .shuffle(64)
        .parseExample(kind.exampleSpec())
        .batch(32, false)
        .repeat(2)
        .withOptions(options());
  }

  private static PipelineOptions options() {
    return PipelineOptions.defaults().withSeed(7).withThreads(2).withStorage(storage);
  }

  static List<String> digests(Dataset dataset) {
    List<String> digests = new ArrayList<>();
    try (BatchIterator batches = dataset.iterator()) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          digests.add(BatchDigest.hex(batch));
        }
      }
    }
    return digests;
  }
}
