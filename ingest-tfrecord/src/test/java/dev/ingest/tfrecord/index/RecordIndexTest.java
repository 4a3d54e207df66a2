package dev.ingest.tfrecord.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.CorruptIndexException;
import dev.ingest.CorruptRecordException;
import dev.ingest.StaleIndexException;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordIndexTest {
  @TempDir Path dir;
  private Path shard;
  private List<byte[]> records;

  @BeforeEach
  void writeShard() throws IOException {
    Random random = new Random(7);
    records = new ArrayList<>();
    for (int size : new int[] {0, 1, 127, 128, 300, 16_384, 5, 0, 70_000}) {
      byte[] record = new byte[size];
      random.nextBytes(record);
      records.add(record);
    }
    shard = Shards.write(dir.resolve("part-00003.tfrecord"), records);
  }

  @Test
  void theSidecarIsBesideTheShardAndASeekToAnIndexedOffsetReadsThatRecord() throws IOException {
    Path sidecar = RecordIndex.build(shard).writeBeside(shard);

    assertThat(sidecar).isEqualTo(dir.resolve("part-00003.tfrecord.idx"));
    assertThat(new String(Files.readAllBytes(sidecar), 0, 8, StandardCharsets.US_ASCII))
        .isEqualTo("INGESTIX");
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left behind")
          .containsExactlyInAnyOrder(shard, sidecar);
    }
    RecordIndex index = RecordIndex.loadBeside(shard);
    try (TFRecordReader reader = TFRecordReader.open(shard)) {
      for (int i : new int[] {5, 2, 8, 0, 4}) {
        reader.seek(index.offset(i), i);
        assertThat(reader.advance()).isTrue();
        assertThat(ByteBufUtil.getBytes(reader.buffer(), reader.recordStart(),
            reader.recordLength())).isEqualTo(records.get(i));
      }
    }
  }

  @Test
  void anEmptyShardHasAnEmptyIndex() throws IOException {
    Path empty = Shards.write(dir.resolve("empty.tfrecord"), List.of());
    RecordIndex.build(empty).writeBeside(empty);

    assertThat(RecordIndex.loadBeside(empty).count()).isZero();
  }

  @Test
  void aRecordOutsideTheIndexIsRefused() throws IOException {
    RecordIndex index = RecordIndex.build(shard);

    assertThatThrownBy(() -> index.offset(records.size()))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> index.length(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aMissingSidecarNamesItselfAndTheCommandThatWritesIt() {
    assertThatThrownBy(() -> RecordIndex.loadBeside(shard))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(dir.resolve("part-00003.tfrecord.idx").toString())
        .hasMessageContaining("ingest index " + shard);
  }

  @Test
  void aShardRewrittenWithAnotherSizeMakesItsIndexStale() throws IOException {
    RecordIndex.build(shard).writeBeside(shard);
    long indexedSize = Files.size(shard);
    Shards.write(shard, records.subList(0, 3));
    long currentSize = Files.size(shard);

    assertThatThrownBy(() -> RecordIndex.loadBeside(shard))
        .isInstanceOfSatisfying(StaleIndexException.class, stale -> {
          assertThat(stale.property()).isEqualTo("size in bytes");
          assertThat(stale.indexed()).isEqualTo(Long.toString(indexedSize));
          assertThat(stale.current()).isEqualTo(Long.toString(currentSize));
        })
        .hasMessageContaining(shard.toString())
        .hasMessageContaining(RecordIndex.sidecarOf(shard).toString());
  }

  @Test
  void aShardTouchedToAnotherTimeMakesItsIndexStale() throws IOException {
    FileTime indexedTime = FileTime.fromMillis(1_700_000_000_000L);
    Files.setLastModifiedTime(shard, indexedTime);
    RecordIndex.build(shard).writeBeside(shard);
    Files.setLastModifiedTime(shard, FileTime.fromMillis(1_700_000_000_001L));

    assertThatThrownBy(() -> RecordIndex.loadBeside(shard))
        .isInstanceOf(StaleIndexException.class)
        .hasMessageContaining("last-modified time (ms) 1700000000000")
        .hasMessageContaining("is 1700000000001 now");
  }

  @Test
  void aTruncatedSidecarIsCorrupt() throws IOException {
    Path sidecar = RecordIndex.build(shard).writeBeside(shard);
    byte[] whole = Files.readAllBytes(sidecar);

    for (int length : new int[] {whole.length - 1, whole.length - 5, 20, 9, 3, 0}) {
      Files.write(sidecar, Arrays.copyOf(whole, length));
      assertThatThrownBy(() -> RecordIndex.loadBeside(shard)).as("cut to %d bytes", length)
          .isInstanceOfSatisfying(CorruptIndexException.class,
              corrupt -> assertThat(corrupt.indexFile()).isEqualTo(sidecar.toString()));
    }
  }

  @Test
  void aFlippedByteAnywhereIsCorrupt() throws IOException {
    Path sidecar = RecordIndex.build(shard).writeBeside(shard);
    byte[] whole = Files.readAllBytes(sidecar);

    for (int at = 9; at < whole.length; at++) {
      byte[] flipped = whole.clone();
      flipped[at] ^= 0x10;
      Files.write(sidecar, flipped);
      assertThatThrownBy(() -> RecordIndex.loadBeside(shard)).as("byte %d flipped", at)
          .isInstanceOf(CorruptIndexException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void aForeignFileIsNotAnIndex() throws IOException {
    Files.writeString(RecordIndex.sidecarOf(shard), "offsets,lengths\n0,0\n16,1\n");

    assertThatThrownBy(() -> RecordIndex.loadBeside(shard))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("not a record index")
        .hasMessageContaining("ingest index " + shard);
  }

  @Test
  void anotherFormatVersionIsRefused() throws IOException {
    Path sidecar = RecordIndex.build(shard).writeBeside(shard);
    byte[] bytes = Files.readAllBytes(sidecar);
    bytes[8] = 2;
    Files.write(sidecar, bytes);

    assertThatThrownBy(() -> RecordIndex.loadBeside(shard))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("version is 2");
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZLIB"})
  void aCompressedShardIsRefusedSayingWhy(Compression compression) throws IOException {
    Path compressed = Shards.write(dir.resolve("c.tfrecord.gz"), compression, records);

    assertThatThrownBy(() -> RecordIndex.build(compressed))
        .isInstanceOf(CompressedShardException.class)
        .hasMessageContaining(compression.wireName() + "-compressed")
        .hasMessageContaining("cannot be entered at a record")
        .hasMessageContaining("uncompressed");
  }

  @Test
  void aCorruptShardFailsWithTheReadersError() throws IOException {
    byte[] bytes = Files.readAllBytes(shard);
    bytes[40] ^= 1;
    Files.write(shard, bytes);

    assertThatThrownBy(() -> RecordIndex.build(shard))
        .isInstanceOf(CorruptRecordException.class);
  }
}
