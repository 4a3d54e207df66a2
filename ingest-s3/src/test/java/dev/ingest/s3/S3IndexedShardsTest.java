package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.ingest.MissingIndexException;
import dev.ingest.StorageOptions;
import dev.ingest.runtime.read.IndexedShards;
import dev.ingest.runtime.read.IndexedShards.Missing;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.RecordIndex;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IndexedShards} over shards in an object store: missing indexes built from ranged reads
 * and uploaded beside their objects, read back by the next load; a bucket that refuses uploads
 * leaves them in memory. Each id must land where the index of a local copy of the same bytes
 * says.
 */
class S3IndexedShardsTest {
  private static final String BUCKET = "indexed";
  private static final int RECORDS = 250;
  private static final int SHARDS = 3;
  private static final TFRecordReaderOptions OPTIONS = TFRecordReaderOptions.defaults();

  @RegisterExtension
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET).build();

  @TempDir static Path local;
  static FaultProxy proxy;
  static StorageOptions storage;
  static List<RecordIndex> localIndexes;

  @BeforeAll
  static void writeTheLocalCopy() throws IOException {
    proxy = new FaultProxy(URI.create("http://localhost:" + S3.getHttpPort()), 23);
    storage = StorageOptions.defaults().withScheme("s3", Map.of("endpoint",
        proxy.endpoint().toString(), "path_style", "true", "region", "us-east-1"));
    SampleDatasets.write(SampleKind.TEXT, local, RECORDS, SHARDS, Compression.NONE, 5);
    localIndexes = new ArrayList<>();
    for (int i = 0; i < SHARDS; i++) {
      localIndexes.add(RecordIndex.build(local.resolve(SampleDatasets.shardName(i, SHARDS))));
    }
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  @AfterEach
  void resetProxy() {
    proxy.reset();
  }

  /** The same shards as the local copy, in a folder of their own in the store. */
  private static List<Path> shardsIn(String folder) throws IOException {
    Path remote = StoragePaths.path("s3://" + BUCKET + "/" + folder, storage);
    SampleDatasets.write(SampleKind.TEXT, remote, RECORDS, SHARDS, Compression.NONE, 5);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < SHARDS; i++) {
      files.add(remote.resolve(SampleDatasets.shardName(i, SHARDS)));
    }
    return files;
  }

  private static void assertIdsMatchTheLocalIndexes(IndexedShards shards) {
    assertThat(shards.records()).isEqualTo(RECORDS);
    for (long id = 0; id < shards.records(); id++) {
      int file = shards.fileOf(id);
      long i = shards.indexInFile(id);
      assertThat(shards.offset(id)).as("offset of id %d", id)
          .isEqualTo(localIndexes.get(file).offset(i));
      assertThat((long) shards.length(id)).as("length of id %d", id)
          .isEqualTo(localIndexes.get(file).length(i));
    }
  }

  @Test
  void missingIndexesAreBuiltAndUploadedBesideTheirObjectsAndTheNextLoadReadsThem()
      throws IOException {
    List<Path> files = shardsIn("built");

    IndexedShards first = IndexedShards.load(files, Missing.BUILD, OPTIONS);

    assertThat(first.built()).hasSize(SHARDS);
    assertThat(first.unwritten()).isEmpty();
    for (Path file : files) {
      assertThat(Files.exists(RecordIndex.sidecarOf(file))).as("sidecar of %s", file).isTrue();
    }
    assertIdsMatchTheLocalIndexes(first);
    IndexedShards second = IndexedShards.load(files, Missing.REFUSE, OPTIONS);
    assertThat(second.built()).isEmpty();
    assertIdsMatchTheLocalIndexes(second);
  }

  @Test
  void aBucketThatRefusesUploadsLeavesTheIndexesInMemory() throws IOException {
    List<Path> files = shardsIn("read-only");
    proxy.denyWrites(true);

    IndexedShards shards = IndexedShards.load(files, Missing.BUILD, OPTIONS);

    assertThat(proxy.deniedWrites()).as("uploads refused").isPositive();
    assertThat(shards.built()).isEmpty();
    assertThat(shards.unwritten()).containsExactlyElementsOf(files);
    assertIdsMatchTheLocalIndexes(shards);
    proxy.denyWrites(false);
    assertThat(Files.exists(RecordIndex.sidecarOf(files.get(0)))).isFalse();
  }

  @Test
  void refuseNamesTheObjectWithoutAnIndex() throws IOException {
    List<Path> files = shardsIn("refused");

    assertThatThrownBy(() -> IndexedShards.load(files, Missing.REFUSE, OPTIONS))
        .isInstanceOf(MissingIndexException.class)
        .hasMessageContaining("ingest index s3://" + BUCKET + "/refused/"
            + SampleDatasets.shardName(0, SHARDS));
  }
}
