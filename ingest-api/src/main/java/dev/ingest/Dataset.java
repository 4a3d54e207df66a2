package dev.ingest;

import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineSpec.SourceSpec;
import dev.ingest.spi.PipelineRuntime;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A pipeline built the tf.data way, one call per stage:
 *
 * <pre>{@code
 * Dataset dataset = Dataset.tfrecord("data/train/*.tfrecord")
 *     .shard(4, worker)
 *     .interleave(4, 16)
 *     .parseExample(spec)
 *     .shuffle(10_000)
 *     .batch(256, true)
 *     .prefetch(8)
 *     .repeat(10)
 *     .withOptions(PipelineOptions.defaults().withSeed(7));
 * try (BatchIterator batches = dataset.iterator()) { ... }
 * }</pre>
 *
 * Every call returns a new dataset; a dataset is immutable and may be shared and reused. Stages
 * run in tf.data's order whatever order the calls come in (see {@link PipelineSpec}).
 */
public final class Dataset {
  /**
   * tf.data's {@code AUTOTUNE}: for {@code threads} (parse and map parallelism) and {@link
   * #prefetch}, the runtime's tuner chooses while the pipeline runs; for {@link #interleave}'s
   * cycle length, a fixed documented value ({@value #DEFAULT_CYCLE_LENGTH}), since the cycle
   * length decides the order of the records and so the batches. See docs/engine.md.
   */
  public static final int AUTO = -1;

  private static final int DEFAULT_CYCLE_LENGTH = 4;
  private static final int DEFAULT_BLOCK_LENGTH = 16;
  private static final int DEFAULT_PREFETCH = 4;

  private final SourceSpec source;
  private final ExampleSpec features;
  private final List<Transform> transforms;
  private final int shuffleBufferSize;
  private final boolean reshuffleEachIteration;
  private final int batchSize;
  private final boolean dropRemainder;
  private final PaddingSpec padding;
  private final int prefetch;
  private final int epochs;
  private final long skip;
  private final long take;
  private final CacheSpec cache;
  private final PipelineOptions options;

  private Dataset(SourceSpec source, ExampleSpec features, List<Transform> transforms,
      int shuffleBufferSize,
      boolean reshuffleEachIteration, int batchSize, boolean dropRemainder, PaddingSpec padding,
      int prefetch, int epochs, long skip, long take, CacheSpec cache, PipelineOptions options) {
    this.cache = cache;
    this.source = source;
    this.features = features;
    this.transforms = List.copyOf(transforms);
    this.shuffleBufferSize = shuffleBufferSize;
    this.reshuffleEachIteration = reshuffleEachIteration;
    this.batchSize = batchSize;
    this.dropRemainder = dropRemainder;
    this.padding = padding;
    this.prefetch = prefetch;
    this.epochs = epochs;
    this.skip = skip;
    this.take = take;
    this.options = options;
  }

  /** Records from TFRecord files: paths to files, folders or globs; compression detected. */
  public static Dataset tfrecord(String... files) {
    return tfrecord(List.of(files));
  }

  public static Dataset tfrecord(List<String> files) {
    SourceSpec source = new SourceSpec(files, "auto", true, CorruptionPolicy.FAIL, 1, 0,
        ShardBy.FILE, true, DEFAULT_CYCLE_LENGTH, DEFAULT_BLOCK_LENGTH);
    return new Dataset(source, null, List.of(), 0, true, 1, false, PaddingSpec.none(), DEFAULT_PREFETCH, 1,
        0, -1, CacheSpec.none(), PipelineOptions.defaults());
  }

  /** Reads with this compression: {@code auto} (default), {@code none}, {@code gzip}, {@code zlib}. */
  public Dataset compression(String compression) {
    return withSource(new SourceSpec(source.files(), compression, source.verifyCrc(),
        source.onCorrupt(), source.numShards(), source.shardIndex(), source.shardBy(),
        source.shuffleFiles(), source.cycleLength(), source.blockLength(),
        source.numParallelCalls()));
  }

  /** Fail on the first corrupt record (default) or skip and count corrupt records. */
  public Dataset onCorrupt(CorruptionPolicy policy) {
    return withSource(new SourceSpec(source.files(), source.compression(), source.verifyCrc(),
        policy, source.numShards(), source.shardIndex(), source.shardBy(), source.shuffleFiles(),
        source.cycleLength(), source.blockLength(), source.numParallelCalls()));
  }

  /** This trainer's share: every {@code numShards}-th file, starting at {@code index}. */
  public Dataset shard(int numShards, int index) {
    return shard(numShards, index, ShardBy.FILE);
  }

  /**
   * This trainer's share, by whole files or by record position. Shards are disjoint and together
   * complete when every trainer uses the same seed.
   */
  public Dataset shard(int numShards, int index, ShardBy by) {
    return withSource(new SourceSpec(source.files(), source.compression(), source.verifyCrc(),
        source.onCorrupt(), numShards, index, by, source.shuffleFiles(), source.cycleLength(),
        source.blockLength(), source.numParallelCalls()));
  }

  /** Whether the file order changes every epoch (default true). */
  public Dataset shuffleFiles(boolean shuffle) {
    return withSource(new SourceSpec(source.files(), source.compression(), source.verifyCrc(),
        source.onCorrupt(), source.numShards(), source.shardIndex(), source.shardBy(), shuffle,
        source.cycleLength(), source.blockLength(), source.numParallelCalls()));
  }

  /**
   * Reads {@code cycleLength} files at once, {@code blockLength} records from each in turn. A
   * cycle length of {@link #AUTO} is {@value #DEFAULT_CYCLE_LENGTH}: fixed rather than tuned, so
   * that the batches (and a saved state's fingerprint) are the same on every machine.
   */
  public Dataset interleave(int cycleLength, int blockLength) {
    return interleave(cycleLength, blockLength, source.numParallelCalls());
  }

  /**
   * As {@link #interleave(int, int)}, with {@code numParallelCalls} reader threads reading,
   * decompressing and checking the cycle's files ahead of the source thread, which merges their
   * records in the same order (tf.data's parallel interleave with {@code deterministic}). 0, the
   * default, reads on the source thread; {@link #AUTO} starts one per four cores (see {@link
   * PipelineSpec.SourceSpec#readerThreads}). The batches are the same at any value.
   */
  public Dataset interleave(int cycleLength, int blockLength, int numParallelCalls) {
    return withSource(new SourceSpec(source.files(), source.compression(), source.verifyCrc(),
        source.onCorrupt(), source.numShards(), source.shardIndex(), source.shardBy(),
        source.shuffleFiles(), cycleLength == AUTO ? DEFAULT_CYCLE_LENGTH : cycleLength,
        blockLength, numParallelCalls));
  }

  /** Parses every record as a {@code tf.train.Example} with these features. */
  public Dataset parseExample(ExampleSpec spec) {
    return new Dataset(source, spec, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, skip, take, cache, options);
  }

  /**
   * Changes each parsed record in place (tf.data's {@code map}); runs fused with parsing on the
   * parse workers. Row transforms run in the order they are added.
   */
  public Dataset map(RowMapper fn) {
    return map(nameOf("map", fn), fn);
  }

  /** As {@link #map(RowMapper)}, with the name reports and errors use for it. */
  public Dataset map(String name, RowMapper fn) {
    return withTransform(new Transform.MapRows(name, fn));
  }

  /** Keeps the records for which {@code predicate} is true (tf.data's {@code filter}). */
  public Dataset filter(RowFilter predicate) {
    return filter(nameOf("filter", predicate), predicate);
  }

  public Dataset filter(String name, RowFilter predicate) {
    return withTransform(new Transform.FilterRows(name, predicate));
  }

  /** Changes each finished batch in place: vectorised work over whole columns. */
  public Dataset mapBatches(BatchMapper fn) {
    return mapBatches(nameOf("map_batches", fn), fn);
  }

  public Dataset mapBatches(String name, BatchMapper fn) {
    return withTransform(new Transform.MapBatches(name, fn));
  }

  /** Shuffles records through a buffer of {@code bufferSize}, a new order every epoch. */
  public Dataset shuffle(int bufferSize) {
    return shuffle(bufferSize, true);
  }

  public Dataset shuffle(int bufferSize, boolean reshuffleEachIteration) {
    return new Dataset(source, features, transforms, bufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, skip, take, cache, options);
  }

  /** Groups {@code size} records per batch; an epoch's short last batch is kept unless dropped. */
  public Dataset batch(int size, boolean dropRemainder) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, size,
        dropRemainder, PaddingSpec.none(), prefetch, epochs, skip, take, cache, options);
  }

  /** As {@link #batch}, padding var-len features as {@code padding} says. */
  public Dataset paddedBatch(int size, PaddingSpec padding, boolean dropRemainder) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, size,
        dropRemainder, padding, prefetch, epochs, skip, take, cache, options);
  }

  /**
   * Keeps {@code batches} parsed batches ready ahead of the consumer; {@link #AUTO} lets the tuner
   * move the depth while the pipeline runs, within the memory budget.
   */
  public Dataset prefetch(int batches) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, batches, epochs, skip, take, cache, options);
  }

  /** Passes over the data; -1 repeats forever. */
  public Dataset repeat(int epochs) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, skip, take, cache, options);
  }

  /** Drops the first {@code batches} batches (counted across epochs). */
  public Dataset skip(long batches) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, batches, take, cache, options);
  }

  /** At most {@code batches} batches in all, after any skipped ones. */
  public Dataset take(long batches) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, skip, batches, cache, options);
  }

  /**
   * Keeps every record read in memory (tf.data's {@code cache()}): from the second epoch on, no
   * file is read twice. The records are kept as read, before shuffle and parse, so the batches are
   * exactly those without the cache, every epoch reshuffled; their bytes count against the memory
   * budget for the pipeline's life.
   */
  public Dataset cache() {
    return withCache(CacheSpec.memory());
  }

  /**
   * Keeps every record read in files whose paths start with {@code pathPrefix} (tf.data's {@code
   * cache(filename)}): the first epoch writes them, later epochs and later runs of the same
   * pipeline read them instead of the sources, with no decompression. As with {@link #cache()},
   * the batches are exactly those without the cache, every epoch reshuffled. A cache written by a
   * pipeline that reads different sources (other files, sizes or modification times, another
   * compression, shard or corruption policy) is refused with a {@link CacheMismatchException};
   * a fill cut short (closed early, or the process killed) is completed by the next run. See
   * {@code docs/engine.md} for the files and their format.
   *
   * @param pathPrefix such as {@code cache/train}: the cache's files are {@code
   *     cache/train.manifest}, {@code cache/train.00000.tfrecord}, ...
   */
  public Dataset cache(String pathPrefix) {
    return withCache(CacheSpec.files(pathPrefix));
  }

  private Dataset withCache(CacheSpec newCache) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration,
        batchSize, dropRemainder, padding, prefetch, epochs, skip, take, newCache, options);
  }

  public Dataset withOptions(PipelineOptions newOptions) {
    return new Dataset(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, skip, take, cache, newOptions);
  }

  /** The immutable spec; {@link IllegalArgumentException} if a stage is missing or invalid. */
  public PipelineSpec spec() {
    if (features == null) {
      throw new IllegalArgumentException("the pipeline needs a parse_example stage");
    }
    return new PipelineSpec(source, features, transforms, shuffleBufferSize, reshuffleEachIteration,
        batchSize, dropRemainder, padding, prefetch, epochs, skip, take, cache, options);
  }

  /**
   * Starts the pipeline. The caller owns the iterator and must close it.
   *
   * @throws IllegalStateException if no runtime ({@code ingest-impl}) is on the class path
   */
  public BatchIterator iterator() {
    return runtime().start(spec());
  }

  /**
   * Starts the pipeline from a state an earlier iterator of the same spec reported ({@link
   * BatchIterator#state()}): it yields exactly the batches that iterator would have yielded next,
   * at any thread count. The caller owns the iterator and must close it.
   *
   * @throws IllegalArgumentException if the state belongs to a different spec
   */
  public BatchIterator iterator(PipelineState state) {
    PipelineSpec spec = spec();
    state.requireSpec(spec);
    return runtime().start(spec, state);
  }

  private static PipelineRuntime runtime() {
    return ServiceLoader.load(PipelineRuntime.class).findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "no ingest runtime found: add ingest-impl to the class path"));
  }

  /** A lambda's class name says nothing to a reader of a report: call it by its kind instead. */
  private static String nameOf(String kind, Object fn) {
    Class<?> type = fn.getClass();
    return type.isHidden() || type.isSynthetic() || type.isAnonymousClass() ? kind : type.getName();
  }

  private Dataset withTransform(Transform transform) {
    List<Transform> more = new java.util.ArrayList<>(transforms);
    more.add(transform);
    return new Dataset(source, features, more, shuffleBufferSize, reshuffleEachIteration,
        batchSize, dropRemainder, padding, prefetch, epochs, skip, take, cache, options);
  }

  private Dataset withSource(SourceSpec newSource) {
    return new Dataset(newSource, features, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, skip, take, cache, options);
  }
}
