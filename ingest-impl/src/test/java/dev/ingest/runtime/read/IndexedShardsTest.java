package dev.ingest.runtime.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ingest.CorruptIndexException;
import dev.ingest.CorruptRecordException;
import dev.ingest.MissingIndexException;
import dev.ingest.StaleIndexException;
import dev.ingest.runtime.read.IndexedShards.Missing;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.CompressedShardException;
import dev.ingest.tfrecord.index.RecordIndex;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IndexedShardsTest {
  private static final TFRecordReaderOptions OPTIONS = TFRecordReaderOptions.defaults();

  @TempDir Path dir;

  @AfterEach
  void noIndexThreadOutlivesTheLoad() {
    assertThat(IndexShardFiles.indexThreadsAlive()).as("ingest-index threads alive").isEmpty();
  }

  @Test
  void idsRunFileByFileThroughEmptyOneRecordAndManyRecordFiles() throws IOException {
    List<List<byte[]>> contents = IndexShardFiles.contents(4, 0, 1, 0, 7, 0);
    List<Path> files = IndexShardFiles.write(dir, contents);
    List<RecordIndex> indexes = new ArrayList<>();
    for (Path file : files) {
      indexes.add(RecordIndex.build(file));
    }

    IndexedShards shards = IndexedShards.of(files, indexes);

    assertThat(shards.records()).isEqualTo(12);
    assertThat(shards.fileCount()).isEqualTo(6);
    assertThat(List.of(shards.firstId(0), shards.firstId(1), shards.firstId(2), shards.firstId(3),
        shards.firstId(4), shards.firstId(5))).containsExactly(0L, 4L, 4L, 5L, 5L, 12L);
    assertThat(shards.fileOf(3)).isEqualTo(0);
    assertThat(shards.fileOf(4)).as("past the empty file 1").isEqualTo(2);
    assertThat(shards.fileOf(5)).as("past the empty file 3").isEqualTo(4);
    assertThat(shards.fileOf(11)).isEqualTo(4);
    IndexShardFiles.assertEveryIdReadsItsRecord(shards, indexes, contents);
    assertThatThrownBy(() -> shards.offset(12)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> shards.fileOf(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void noFilesHaveNoRecords() throws IOException {
    IndexedShards shards = IndexedShards.load(List.of(), Missing.REFUSE, OPTIONS);

    assertThat(shards.records()).isZero();
    assertThat(shards.fileCount()).isZero();
    assertThatThrownBy(() -> shards.fileOf(0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void refuseNamesTheShardWithoutAnIndexAndTheCommandThatWritesIt() throws IOException {
    List<Path> files = IndexShardFiles.write(dir, IndexShardFiles.contents(3, 2));
    RecordIndex.build(files.get(0)).writeBeside(files.get(0));

    assertThatThrownBy(() -> IndexedShards.load(files, Missing.REFUSE, OPTIONS))
        .isInstanceOf(MissingIndexException.class)
        .hasMessageContaining("ingest index " + files.get(1))
        .hasMessageContaining("index: build")
        .satisfies(e -> assertThat(((MissingIndexException) e).shard())
            .isEqualTo(files.get(1).toString()));
    assertThat(RecordIndex.sidecarOf(files.get(1))).as("refuse writes nothing").doesNotExist();
  }

  @Test
  void buildWritesTheMissingIndexesOnIndexThreadsAndTheNextLoadReadsThem() throws IOException {
    List<List<byte[]>> contents = IndexShardFiles.contents(5, 0, 3, 9);
    List<Path> files = IndexShardFiles.write(dir, contents);
    RecordIndex.build(files.get(2)).writeBeside(files.get(2));
    Set<String> writers = ConcurrentHashMap.newKeySet();

    IndexedShards first = IndexedShards.load(files, Missing.BUILD, OPTIONS, (index, shard) -> {
      writers.add(Thread.currentThread().getName());
      return index.writeBeside(shard);
    });

    assertThat(first.built()).containsExactly(RecordIndex.sidecarOf(files.get(0)),
        RecordIndex.sidecarOf(files.get(1)), RecordIndex.sidecarOf(files.get(3)));
    assertThat(first.unwritten()).isEmpty();
    assertThat(writers).isNotEmpty().allMatch(name -> name.startsWith("ingest-index-"));
    for (Path file : files) {
      assertThat(RecordIndex.sidecarOf(file)).exists();
    }
    IndexedShards second = IndexedShards.load(files, Missing.REFUSE, OPTIONS);
    assertThat(second.built()).isEmpty();
    List<RecordIndex> indexes = new ArrayList<>();
    for (Path file : files) {
      indexes.add(RecordIndex.loadBeside(file));
    }
    IndexShardFiles.assertEveryIdReadsItsRecord(first, indexes, contents);
    IndexShardFiles.assertEveryIdReadsItsRecord(second, indexes, contents);
  }

  @Test
  void anIndexThatCannotBeWrittenIsKeptInMemory() throws IOException {
    List<List<byte[]>> contents = IndexShardFiles.contents(4, 6);
    List<Path> files = IndexShardFiles.write(dir, contents);

    // What a read-only folder or a store's 403 answers an upload with.
    IndexedShards shards = IndexedShards.load(files, Missing.BUILD, OPTIONS, (index, shard) -> {
      if (shard.equals(files.get(1))) {
        throw new AccessDeniedException(RecordIndex.sidecarOf(shard).toString());
      }
      return index.writeBeside(shard);
    });

    assertThat(shards.built()).containsExactly(RecordIndex.sidecarOf(files.get(0)));
    assertThat(shards.unwritten()).containsExactly(files.get(1));
    assertThat(RecordIndex.sidecarOf(files.get(1))).doesNotExist();
    IndexShardFiles.assertEveryIdReadsItsRecord(shards,
        List.of(RecordIndex.build(files.get(0)), RecordIndex.build(files.get(1))), contents);
  }

  @Test
  void aReadOnlyFolderKeepsTheIndexInMemory() throws IOException {
    assumeFalse("root".equals(System.getProperty("user.name")),
        "root writes into a folder whatever its permissions (the test above stands in)");
    List<List<byte[]>> contents = IndexShardFiles.contents(3, 2);
    Path folder = Files.createDirectory(dir.resolve("read-only"));
    List<Path> files = IndexShardFiles.write(folder, contents);
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      IndexedShards shards = IndexedShards.load(files, Missing.BUILD, OPTIONS);

      assertThat(shards.built()).isEmpty();
      assertThat(shards.unwritten()).containsExactlyElementsOf(files);
      assertThat(shards.offset(4)).isEqualTo(RecordIndex.build(files.get(1)).offset(1));
    } finally {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @ParameterizedTest
  @EnumSource(Missing.class)
  void aSidecarOfAShardAppendedToSinceIsRefusedAsStale(Missing missing) throws IOException {
    List<Path> files = IndexShardFiles.write(dir, IndexShardFiles.contents(3, 2));
    for (Path file : files) {
      RecordIndex.build(file).writeBeside(file);
    }
    byte[] more = Files.readAllBytes(files.get(1));
    Files.write(files.get(1), more, StandardOpenOption.APPEND);

    assertThatThrownBy(() -> IndexedShards.load(files, missing, OPTIONS))
        .isInstanceOf(StaleIndexException.class)
        .hasMessageContaining("ingest index " + files.get(1));
  }

  @ParameterizedTest
  @EnumSource(Missing.class)
  void aSidecarWithAFlippedByteIsRefusedAsCorrupt(Missing missing) throws IOException {
    List<Path> files = IndexShardFiles.write(dir, IndexShardFiles.contents(3, 20));
    for (Path file : files) {
      RecordIndex.build(file).writeBeside(file);
    }
    Path sidecar = RecordIndex.sidecarOf(files.get(1));
    byte[] bytes = Files.readAllBytes(sidecar);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(sidecar, bytes);

    assertThatThrownBy(() -> IndexedShards.load(files, missing, OPTIONS))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("ingest index " + files.get(1));
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZLIB"})
  void aCompressedShardIsRefusedWhateverThePolicy(Compression compression) throws IOException {
    Path plain = IndexShardFiles.write(dir.resolve("a.tfrecord"), Compression.NONE,
        IndexShardFiles.contents(3).get(0));
    Path compressed = IndexShardFiles.write(dir.resolve("b.tfrecord"), compression,
        IndexShardFiles.contents(3).get(0));
    RecordIndex.build(plain).writeBeside(plain);

    for (Missing missing : Missing.values()) {
      assertThatThrownBy(() -> IndexedShards.load(List.of(plain, compressed), missing, OPTIONS))
          .as(missing.name())
          .isInstanceOf(CompressedShardException.class)
          .hasMessageContaining(compressed.toString());
    }
    assertThat(RecordIndex.sidecarOf(compressed)).doesNotExist();
  }

  @Test
  void aCorruptRecordWhileBuildingEndsTheLoadWithItsOwnErrorAndNoThreadLeft()
      throws IOException {
    List<Path> files = IndexShardFiles.write(dir, IndexShardFiles.contents(50, 50, 50, 50));
    byte[] bytes = Files.readAllBytes(files.get(2));
    bytes[bytes.length / 2] ^= 1; // a length, a payload or a CRC: whichever, a CRC fails
    Files.write(files.get(2), bytes);

    assertThatThrownBy(() -> IndexedShards.load(files, Missing.BUILD, OPTIONS))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining(files.get(2).toString());
    assertThat(IndexShardFiles.indexThreadsAlive()).isEmpty();
    assertThat(RecordIndex.sidecarOf(files.get(2))).doesNotExist();
  }

  @Test
  void aRecordReadThroughItsIdIsTheRecordWritten() throws IOException {
    List<List<byte[]>> contents = IndexShardFiles.contents(2, 0, 3);
    List<Path> files = IndexShardFiles.write(dir, contents);
    IndexedShards shards = IndexedShards.load(files, Missing.BUILD, OPTIONS);

    for (long id = shards.records() - 1; id >= 0; id--) {
      int file = shards.fileOf(id);
      try (TFRecordReader reader = TFRecordReader.open(shards.file(file))) {
        reader.seek(shards.offset(id), shards.indexInFile(id));
        assertThat(reader.advance()).isTrue();
        assertThat(reader.recordLength()).isEqualTo(shards.length(id));
        assertThat(ByteBufUtil.getBytes(reader.buffer(), reader.recordStart(),
            reader.recordLength()))
            .isEqualTo(contents.get(file).get((int) shards.indexInFile(id)));
      }
    }
  }
}
