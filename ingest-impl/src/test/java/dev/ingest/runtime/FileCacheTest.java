package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.BatchIterator;
import dev.ingest.CacheMismatchException;
import dev.ingest.CorruptRecordException;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.RecordProblem;
import dev.ingest.runtime.IdRecords.CachedRun;
import dev.ingest.runtime.cache.CacheLock;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.RecordFiles;
import dev.ingest.tfrecord.TFRecordReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cache(pathPrefix)}: the first epoch writes each source file's records to a cache file,
 * later epochs and later runs read those instead, and the batches are exactly those without a
 * cache. A cache of other sources is refused, a fill cut short is completed by the next run, and
 * a run that finds another filling reads its sources.
 */
class FileCacheTest {
  /** Record counts of the source files; the empty file and the short one are on purpose. */
  private static final int[] RECORDS_PER_FILE = {5, 300, 0, 400, 57};

  @TempDir Path dir;
  private Path sources;
  private String prefix;
  private int total;

  @BeforeEach
  void write() throws IOException {
    sources = dir.resolve("sources");
    // GZIP, so that a cache file (plain TFRecord) is visibly not a copy of its source.
    total = IdRecords.write(sources, Compression.GZIP, RECORDS_PER_FILE);
    prefix = dir.resolve("cache").resolve("train").toString();
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  private Dataset pipeline(int threads) {
    return records(threads).parseExample(IdRecords.SPEC);
  }

  /** The pipeline with its cache of records at the prefix (called before parse_example). */
  private Dataset cachedRecords(int threads) {
    return records(threads).cache(prefix).parseExample(IdRecords.SPEC);
  }

  /** The pipeline with no parse_example yet: a cache called next keeps records. */
  private Dataset records(int threads) {
    return Dataset.tfrecord(sources.toString())
        .shard(2, 1, ShardBy.RECORD)
        .interleave(2, 3)
        .shuffle(40)
        .batch(7, false)
        .repeat(3)
        .withOptions(PipelineOptions.defaults().withSeed(5).withThreads(threads));
  }



  private List<String> cacheFileNames() throws IOException {
    Path folder = Path.of(prefix).getParent();
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private List<String> temporaryFiles() throws IOException {
    return cacheFileNames().stream().filter(name -> name.contains(".tmp-")).toList();
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2})
  void cachedEpochsAndRunsYieldTheBatchesOfNoCache(int threads) throws IOException {
    List<String> uncached = IdRecords.digests(pipeline(threads));

    CachedRun filling = IdRecords.runCountingCache(cachedRecords(threads));
    CachedRun replaying = IdRecords.runCountingCache(cachedRecords(threads));

    assertThat(filling.digests()).isEqualTo(uncached).isNotEmpty();
    assertThat(replaying.digests()).isEqualTo(uncached);
    // Epochs 2 and 3 of the first run, every epoch of the second: every record of every file
    // (record sharding keeps whole files in the cache and drops records after it).
    assertThat(filling.recordsFromCache()).isEqualTo(2L * total);
    assertThat(replaying.recordsFromCache()).isEqualTo(3L * total);
    assertThat(cacheFileNames()).containsExactly("train.00000.tfrecord", "train.00001.tfrecord",
        "train.00002.tfrecord", "train.00003.tfrecord", "train.00004.tfrecord", "train.lock",
        "train.manifest");
  }

  @Test
  void cacheFilesHoldEachSourceFilesRecordsAsPlainTFRecord() throws IOException {
    IdRecords.runCountingCache(cachedRecords(2));

    List<Path> files = RecordFiles.resolve(List.of(sources.toString()));
    for (int i = 0; i < files.size(); i++) {
      Path cacheFile = Path.of(prefix + String.format(".%05d.tfrecord", i));
      assertThat(records(cacheFile, Compression.NONE)).as("%s", cacheFile)
          .hasSize(RECORDS_PER_FILE[i])
          .containsExactlyElementsOf(records(files.get(i), Compression.GZIP));
    }
    String manifest = Files.readString(Path.of(prefix + ".manifest"));
    assertThat(manifest).startsWith("ingest-cache=1\ncompression=auto\n")
        .contains("shard=record (every file whole)\nfiles=5\n")
        .contains("file.0=" + files.get(0).toAbsolutePath().toUri() + " size=")
        .endsWith("complete=true\n");
  }

  private static List<ByteBuffer> records(Path file, Compression compression) throws IOException {
    List<ByteBuffer> records = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file,
        dev.ingest.tfrecord.TFRecordReaderOptions.defaults().withCompression(compression))) {
      for (var record = reader.next(); record != null; record = reader.next()) {
        byte[] bytes = new byte[record.readableBytes()];
        record.getBytes(record.readerIndex(), bytes);
        records.add(ByteBuffer.wrap(bytes));
      }
    }
    return records;
  }

  @Test
  void aSecondRunReadsNoSourceFile() throws IOException {
    List<String> uncached = IdRecords.digests(pipeline(2));
    IdRecords.runCountingCache(cachedRecords(2));

    // Zero every source file in place, keeping its size and modification time: the fingerprint
    // still matches, and any record read from a source would now fail its CRC.
    for (Path file : RecordFiles.resolve(List.of(sources.toString()))) {
      FileTime modified = Files.getLastModifiedTime(file);
      byte[] zeros = new byte[(int) Files.size(file)];
      Files.write(file, zeros, StandardOpenOption.TRUNCATE_EXISTING);
      Files.setLastModifiedTime(file, modified);
    }
    assertThat(IdRecords.untilFailure(pipeline(2)).failure()).as("a run without the cache")
        .isNotNull();

    CachedRun replaying = IdRecords.runCountingCache(cachedRecords(2));
    assertThat(replaying.digests()).isEqualTo(uncached);
    assertThat(replaying.recordsFromCache()).isEqualTo(3L * total);
  }

  @ParameterizedTest(name = "cache {0}")
  @ValueSource(strings = {"memory", "files"})
  void shuffleAfterTheCacheReshufflesEveryEpoch(String where) {
    Dataset plain = Dataset.tfrecord(sources.toString())
        .interleave(2, 3)
        .shuffle(1000)
        .batch(16, false)
        .repeat(4)
        .withOptions(PipelineOptions.defaults().withSeed(11).withThreads(2));
    Dataset cached = (where.equals("memory") ? plain.cache() : plain.cache(prefix))
        .parseExample(IdRecords.SPEC);

    List<List<Long>> epochs = IdRecords.epochs(IdRecords.ids(cached), total);

    assertThat(epochs).hasSize(4);
    for (List<Long> epoch : epochs) {
      assertThat(epoch).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
    }
    // tf.data's shuffle after cache: a new order every epoch, cached epochs included.
    assertThat(epochs).doesNotHaveDuplicates();
    List<Long> uncached = IdRecords.ids(plain.parseExample(IdRecords.SPEC));
    assertThat(epochs).isEqualTo(IdRecords.epochs(uncached, total));
  }

  @Test
  void aCacheOfOtherSourcesIsRefusedNamingThePrefixAndWhatDiffers() throws IOException {
    IdRecords.runCountingCache(cachedRecords(1));
    List<String> cached = cacheFileNames();

    // Another shard reads other files: refused before anything starts.
    Dataset otherShard = records(1).shard(2, 0, ShardBy.FILE).cache(prefix)
        .parseExample(IdRecords.SPEC);
    assertThatThrownBy(otherShard::iterator)
        .isInstanceOf(CacheMismatchException.class)
        .hasMessageContaining("the cache at '" + prefix + "'")
        .hasMessageContaining("shard: record (every file whole) in the cache, file 0 of 2 now")
        .hasMessageContaining("files: 5 in the cache, 3 now");

    // A source file rewritten since (one more record): its size and time differ.
    IdRecords.write(sources.resolve("more"), 1);
    Path changed = RecordFiles.resolve(List.of(sources.toString())).get(3);
    Files.write(changed, Files.readAllBytes(sources.resolve("more").resolve(
        "part-00000-of-00001.tfrecord")), StandardOpenOption.APPEND);
    CacheMismatchException refused = (CacheMismatchException) org.assertj.core.api.Assertions
        .catchThrowable(() -> cachedRecords(1).iterator());
    assertThat(refused.pathPrefix()).isEqualTo(prefix);
    assertThat(refused.differences()).singleElement().asString()
        .startsWith("source file 3: " + changed.toAbsolutePath().toUri() + " size=")
        .contains(" in the cache, " + changed.toAbsolutePath().toUri() + " size="
            + Files.size(changed) + " modified=");

    // Refusing touches nothing.
    assertThat(cacheFileNames()).isEqualTo(cached);
  }

  @Test
  void aFillClosedEarlyLeavesNoPartialFileAndTheNextRunCompletesIt() throws IOException {
    Dataset inOrder = records(2).shuffleFiles(false).cache(prefix).parseExample(IdRecords.SPEC);
    List<String> uncached = IdRecords.digests(pipeline(2).shuffleFiles(false));
    try (BatchIterator iterator = inOrder.iterator()) {
      for (int i = 0; i < 3; i++) {
        iterator.next().close();
      }
    }

    // The 5-record first file and the empty third were read whole: they are published; the
    // others were cut short and left nothing.
    Path first = Path.of(prefix + ".00000.tfrecord");
    assertThat(cacheFileNames()).containsExactly("train.00000.tfrecord", "train.00002.tfrecord",
        "train.filling", "train.lock");
    try (CacheLock lock = CacheLock.tryAcquire(Path.of(prefix + ".lock"))) {
      assertThat(lock).as("the lock, free again").isNotNull();
    }
    Object firstFileKey = Files.readAttributes(first,
        java.nio.file.attribute.BasicFileAttributes.class).fileKey();

    CachedRun completing = IdRecords.runCountingCache(inOrder);

    assertThat(completing.digests()).isEqualTo(uncached);
    // The first file came from the cache in epoch 1 too: the fill was completed, not redone.
    assertThat(completing.recordsFromCache()).isEqualTo(RECORDS_PER_FILE[0] + 2L * total);
    assertThat(Files.readAttributes(first, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey()).isEqualTo(firstFileKey);
    assertThat(cacheFileNames()).contains("train.manifest").doesNotContain("train.filling");
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void aRunWhileAnotherFillsReadsItsSourcesAndWritesNothing() throws IOException {
    List<String> uncached = IdRecords.digests(pipeline(2));
    try (BatchIterator filling = cachedRecords(2).iterator()) {
      filling.next().close();

      CachedRun bystander = IdRecords.runCountingCache(cachedRecords(2));

      assertThat(bystander.digests()).isEqualTo(uncached);
      // Had it filled the cache, its epochs 2 and 3 would have come from it.
      assertThat(bystander.recordsFromCache()).isZero();
      assertThat(cacheFileNames()).doesNotContain("train.manifest");
    }
    CachedRun completing = IdRecords.runCountingCache(cachedRecords(2));
    assertThat(completing.digests()).isEqualTo(uncached);
    assertThat(cacheFileNames()).contains("train.manifest");
  }

  @Test
  void aCacheFileThatNoLongerMatchesItsManifestIsRefusedNamingIt() throws IOException {
    IdRecords.runCountingCache(cachedRecords(1));
    Path cacheFile = Path.of(prefix + ".00003.tfrecord");
    try (FileChannel channel = FileChannel.open(cacheFile, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 3);
    }

    assertThatThrownBy(() -> cachedRecords(1).iterator())
        .isInstanceOf(CacheMismatchException.class)
        .hasMessageContaining("cache file " + cacheFile + ": ")
        .hasMessageContaining("the manifest says");
  }

  @Test
  void aCorruptRecordInACacheFileFailsNamingTheCacheFile() throws IOException {
    IdRecords.runCountingCache(cachedRecords(1));
    Path cacheFile = Path.of(prefix + ".00001.tfrecord");
    // Flip a byte inside the first record's data (after its 12-byte header), same size.
    try (FileChannel channel = FileChannel.open(cacheFile, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, 20);
      one.flip();
      one.put(0, (byte) (one.get(0) ^ 0x40));
      channel.write(one, 20);
    }

    IngestException failure = IdRecords.untilFailure(cachedRecords(1)).failure();

    assertThat(failure).isNotNull();
    assertThat(failure.getCause()).isInstanceOf(CorruptRecordException.class);
    RecordProblem problem = ((CorruptRecordException) failure.getCause()).problem();
    assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.DATA_CRC);
    assertThat(problem.file()).isEqualTo(cacheFile);
    assertThat(problem.offset()).isZero();
  }
}
