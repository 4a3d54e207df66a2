package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.ingest.StorageOptions;
import dev.ingest.runtime.read.CoalescedReads;
import dev.ingest.runtime.read.CoalescedRecords;
import dev.ingest.runtime.read.IndexedShards;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.index.RecordIndex;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global-order reader over shards in an object store: every record comes back in the given
 * order, and a span is one ranged GET (the proxy counts them).
 */
class S3CoalescedRecordsTest {
  private static final String BUCKET = "global";
  private static final int FILES = 3;
  private static final int RECORDS_PER_FILE = 40;

  @RegisterExtension
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET).build();

  @TempDir static Path local;
  static FaultProxy proxy;
  static IndexedShards shards;
  static final List<byte[]> records = new ArrayList<>();

  @BeforeAll
  static void writeShards() throws IOException {
    TestStores.useStaticCredentials();
    proxy = new FaultProxy(URI.create("http://localhost:" + S3.getHttpPort()), 3);
    StorageOptions storage = StorageOptions.defaults().withScheme("s3", Map.of("endpoint",
        proxy.endpoint().toString(), "path_style", "true", "region", "us-east-1"));
    Random random = new Random(11);
    List<Path> files = new ArrayList<>();
    List<RecordIndex> indexes = new ArrayList<>();
    for (int f = 0; f < FILES; f++) {
      Path file = local.resolve("part-" + f + ".tfrecord");
      try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
        for (int i = 0; i < RECORDS_PER_FILE; i++) {
          byte[] record = new byte[random.nextInt(2000)];
          random.nextBytes(record);
          writer.write(record);
          records.add(record);
        }
      }
      Path remote = StoragePaths.path("s3://" + BUCKET + "/part-" + f + ".tfrecord", storage);
      Files.copy(file, remote);
      files.add(remote);
      indexes.add(RecordIndex.build(remote));
    }
    shards = IndexedShards.of(files, indexes);
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  @Test
  void aRandomOrderComesBackWithAGetPerSpan() throws IOException {
    long[] order = new long[FILES * RECORDS_PER_FILE];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(12);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    CoalescedReads store = CoalescedReads.forStore(ReadAhead.auto());
    // Small chunks, so that spans are many and several are in flight on the store's threads.
    CoalescedReads settings = new CoalescedReads(16, store.chunkBytes(), 1000, 1 << 20,
        store.depth(), 4);
    List<byte[]> read = readAll(order.length, j -> order[(int) j], settings);
    for (int j = 0; j < order.length; j++) {
      assertThat(read.get(j)).isEqualTo(records.get((int) order[j]));
    }
  }

  @Test
  void consecutiveRecordsAreOneGetPerFile() throws IOException {
    CoalescedReads settings = CoalescedReads.forStore(ReadAhead.auto());
    long before = proxy.rangedGets();
    List<byte[]> read = readAll(records.size(), j -> j, settings);
    assertThat(read).containsExactlyElementsOf(records);
    assertThat(proxy.rangedGets() - before).isEqualTo(FILES);
  }

  /**
   * A span that starts inside an object asks for its bytes only: one GET, not a first one from
   * byte 0 that the channel would cancel.
   */
  @Test
  void aSpanFromTheMiddleOfAnObjectIsOneGet() throws IOException {
    CoalescedReads settings = CoalescedReads.forStore(ReadAhead.auto());
    long before = proxy.rangedGets();
    List<byte[]> read = readAll(1, j -> RECORDS_PER_FILE / 2, settings);
    assertThat(read).containsExactly(records.get(RECORDS_PER_FILE / 2));
    assertThat(proxy.rangedGets() - before).isEqualTo(1);
  }

  private static List<byte[]> readAll(long count, LongUnaryOperator idAt,
      CoalescedReads settings) throws IOException {
    List<byte[]> read = new ArrayList<>();
    try (CoalescedRecords reader = new CoalescedRecords(shards, idAt, count, settings,
        TFRecordReaderOptions.defaults(), PooledByteBufAllocator.DEFAULT, () -> false)) {
      while (reader.advance()) {
        byte[] bytes = new byte[reader.length()];
        reader.buffer().getBytes(reader.start(), bytes);
        read.add(bytes);
      }
    }
    return read;
  }
}
