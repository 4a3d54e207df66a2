package dev.ingest;

import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineSpec.SourceSpec;
import dev.ingest.spi.PipelineRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

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

  /**
   * The interleave's cycle length when none is given, and what {@link #AUTO} means for it: the
   * YAML config's default too.
   */
  public static final int DEFAULT_CYCLE_LENGTH = 4;

  /** The interleave's block length when none is given (the YAML config's {@code auto}). */
  public static final int DEFAULT_BLOCK_LENGTH = 16;

  /** The interleave's reader threads when none are asked for: none, the source thread reads. */
  public static final int DEFAULT_INTERLEAVE_PARALLEL_CALLS = 0;

  private static final int DEFAULT_PREFETCH = 4;

  private final Stages stages;

  private Dataset(Stages stages) {
    this.stages = stages;
  }

  /** Records from TFRecord files: paths to files, folders or globs; compression detected. */
  public static Dataset tfrecord(String... files) {
    return tfrecord(List.of(files));
  }

  public static Dataset tfrecord(List<String> files) {
    return new Dataset(new Stages(new SourceDraft(files).build()));
  }

  /** Reads with this compression: {@code auto} (default), {@code none}, {@code gzip}, {@code zlib}. */
  public Dataset compression(String compression) {
    return withSource(source -> source.compression = compression);
  }

  /** Fail on the first corrupt record (default) or skip and count corrupt records. */
  public Dataset onCorrupt(CorruptionPolicy policy) {
    return withSource(source -> source.onCorrupt = policy);
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
    return withSource(source -> {
      source.numShards = numShards;
      source.shardIndex = index;
      source.shardBy = by;
    });
  }

  /** Whether the file order changes every epoch (default true). */
  public Dataset shuffleFiles(boolean shuffle) {
    return withSource(source -> source.shuffleFiles = shuffle);
  }

  /**
   * Reads {@code cycleLength} files at once, {@code blockLength} records from each in turn. A
   * cycle length of {@link #AUTO} is {@value #DEFAULT_CYCLE_LENGTH}: fixed rather than tuned, so
   * that the batches (and a saved state's fingerprint) are the same on every machine.
   */
  public Dataset interleave(int cycleLength, int blockLength) {
    return interleave(cycleLength, blockLength, stages.source.numParallelCalls());
  }

  /**
   * As {@link #interleave(int, int)}, with {@code numParallelCalls} reader threads reading,
   * decompressing and checking the cycle's files ahead of the source thread, which merges their
   * records in the same order (tf.data's parallel interleave with {@code deterministic}). 0, the
   * default, reads on the source thread; {@link #AUTO} starts one per four cores (see {@link
   * PipelineSpec.SourceSpec#readerThreads}). The batches are the same at any value.
   */
  public Dataset interleave(int cycleLength, int blockLength, int numParallelCalls) {
    return withSource(source -> {
      source.cycleLength = cycleLength == AUTO ? DEFAULT_CYCLE_LENGTH : cycleLength;
      source.blockLength = blockLength;
      source.numParallelCalls = numParallelCalls;
    });
  }

  /** Parses every record as a {@code tf.train.Example} with these features. */
  public Dataset parseExample(ExampleSpec spec) {
    return with(next -> next.features = spec);
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

  /**
   * As {@link #map(String, RowMapper)}, with the version of the function's output that a cache in
   * files listed after it records (see {@link Versioned}): for a function that does not declare
   * its own, such as one a config file names by class.
   */
  public Dataset map(String name, RowMapper fn, String version) {
    return withTransform(new Transform.MapRows(name, fn, version));
  }

  /** As {@link #filter(String, RowFilter)}, with a version as {@link #map(String, RowMapper, String)}. */
  public Dataset filter(String name, RowFilter predicate, String version) {
    return withTransform(new Transform.FilterRows(name, predicate, version));
  }

  /** Changes each finished batch in place: vectorised work over whole columns. */
  public Dataset mapBatches(BatchMapper fn) {
    return mapBatches(nameOf("map_batches", fn), fn);
  }

  public Dataset mapBatches(String name, BatchMapper fn) {
    return withTransform(new Transform.MapBatches(name, fn));
  }

  /**
   * Shuffles records through a buffer of {@code bufferSize}, a new order every epoch. Called after
   * a {@link #cache()} of rows, it is instead a seeded permutation of all cached rows each epoch
   * (every row may land anywhere; {@code bufferSize} only needs to be positive).
   */
  public Dataset shuffle(int bufferSize) {
    return shuffle(bufferSize, true);
  }

  public Dataset shuffle(int bufferSize, boolean reshuffleEachIteration) {
    return with(next -> {
      next.globalShuffle = false;
      next.window = 0;
      if (next.cache.holdsRows()) {
        // After a cache of rows, the shuffle draws from all of them: bufferSize is not needed.
        next.cache = next.cache.ofRows(next.cache.transformsBefore(), true);
      }
      next.shuffleBufferSize = bufferSize;
      next.reshuffleEachIteration = reshuffleEachIteration;
    });
  }

  /**
   * Shuffles every record of every shard each epoch, in a seeded order where any record may land
   * anywhere (tf.data's {@code global_shuffle}), reading records through the shards' record
   * indexes ({@code ingest index}) instead of through a shuffle buffer. The batches are then a
   * function of the seed, the epoch and {@code batch_size} alone: with {@link #shard(int, int)
   * shard(n, i)}, {@code batch_size} is the global batch and trainer {@code i} gets its {@code
   * i}-th of {@code n} slices, and a saved state resumes with any number of trainers. See {@link
   * PipelineSpec.GlobalShuffle}.
   */
  public Dataset shuffleGlobal() {
    return shuffleGlobal(0, true);
  }

  /**
   * As {@link #shuffleGlobal()}, in windows of {@code window} consecutive records (0: none): the
   * windows come in a seeded order and each window's records in an order of their own, so reads
   * stay near each other, for slow stores, and a record lands only among its window's records.
   */
  public Dataset shuffleGlobal(long window, boolean reshuffleEachIteration) {
    return with(next -> {
      next.shuffleBufferSize = 0;
      next.globalShuffle = true;
      next.window = window;
      next.reshuffleEachIteration = reshuffleEachIteration;
    });
  }

  /**
   * What a global shuffle does about a shard without a record index: refuse to start (the
   * default) or build it first ({@link PipelineSpec.MissingIndex}).
   */
  public Dataset missingIndex(PipelineSpec.MissingIndex policy) {
    return with(next -> next.missingIndex = policy);
  }

  /** Groups {@code size} records per batch; an epoch's short last batch is kept unless dropped. */
  public Dataset batch(int size, boolean dropRemainder) {
    return paddedBatch(size, PaddingSpec.none(), dropRemainder);
  }

  /** As {@link #batch}, padding var-len features as {@code padding} says. */
  public Dataset paddedBatch(int size, PaddingSpec padding, boolean dropRemainder) {
    return with(next -> {
      next.batchSize = size;
      next.padding = padding;
      next.dropRemainder = dropRemainder;
    });
  }

  /**
   * Keeps {@code batches} parsed batches ready ahead of the consumer; {@link #AUTO} lets the tuner
   * move the depth while the pipeline runs, within the memory budget.
   */
  public Dataset prefetch(int batches) {
    return with(next -> next.prefetch = batches);
  }

  /** Passes over the data; -1 repeats forever. */
  public Dataset repeat(int epochs) {
    return with(next -> next.epochs = epochs);
  }

  /** Drops the first {@code batches} batches (counted across epochs). */
  public Dataset skip(long batches) {
    return with(next -> next.skip = batches);
  }

  /** At most {@code batches} batches in all, after any skipped ones. */
  public Dataset take(long batches) {
    return with(next -> next.take = batches);
  }

  /**
   * tf.data's {@code cache()}, in memory for the pipeline's life. Unlike the other calls, where it
   * is called matters, as in tf.data: called before {@link #parseExample} it keeps every record
   * read, before shuffle and parse (no file is read twice; the batches are exactly those without
   * it, every epoch reshuffled); called after, it keeps the parsed rows that reach it, after the
   * maps and filters called before it, as off-heap columns, and later epochs start from them: no
   * reading, parsing or those transforms again. A {@link #shuffle} called after a cache of rows is
   * a seeded permutation of all cached rows each epoch. What the cache holds counts against the
   * memory budget for the pipeline's life. See docs/engine.md, "Cache".
   */
  public Dataset cache() {
    return cacheAt(CacheSpec.memory());
  }

  /**
   * As {@link #cache()}, kept in files whose paths start with {@code pathPrefix} (tf.data's {@code
   * cache(filename)}) for later epochs and later runs of the same pipeline. Records are kept as
   * plain TFRecord files, rows as an Apache Arrow IPC file (which needs {@code ingest-arrow} on
   * the class path). A cache filled by another pipeline (other source files, parsing or
   * transforms before it) is refused with a {@link CacheMismatchException}; a fill cut short
   * (closed early, or the process killed) is done again by the next run. See {@code
   * docs/engine.md} for the files and their format.
   *
   * @param pathPrefix such as {@code cache/train}: the cache's files are {@code
   *     cache/train.manifest}, ...
   */
  public Dataset cache(String pathPrefix) {
    return cacheAt(CacheSpec.files(pathPrefix));
  }

  public Dataset withOptions(PipelineOptions newOptions) {
    return with(next -> next.options = newOptions);
  }

  /** The immutable spec; {@link IllegalArgumentException} if a stage is missing or invalid. */
  public PipelineSpec spec() {
    return stages.spec();
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

  /** A dataset with {@code cache}, holding what reaches it where it is called (see {@link #cache()}). */
  private Dataset cacheAt(CacheSpec cache) {
    return with(next -> next.cache = next.features == null ? cache
        : cache.ofRows(next.transforms.size(), false));
  }

  private Dataset withTransform(Transform transform) {
    List<Transform> more = new ArrayList<>(stages.transforms);
    more.add(transform);
    List<Transform> transforms = List.copyOf(more);
    return with(next -> next.transforms = transforms);
  }

  /**
   * A dataset whose source differs as {@code change} says. The source is checked here, at the
   * call that changed it, as every other call's stage is checked by {@link #spec()}.
   */
  private Dataset withSource(Consumer<SourceDraft> change) {
    SourceDraft draft = new SourceDraft(stages.source);
    change.accept(draft);
    SourceSpec source = draft.build();
    return with(next -> next.source = source);
  }

  /** A dataset with a copy of this one's stages, changed as {@code change} says. */
  private Dataset with(Consumer<Stages> change) {
    Stages next = stages.copy();
    change.accept(next);
    return new Dataset(next);
  }

  /**
   * Everything a dataset holds, with the defaults of a fresh {@link #tfrecord} source. A dataset
   * never changes its own: each call changes a fresh copy before a new dataset holds it, so every
   * field is an immutable value and a new stage setting is one field here and one call above.
   * Stages are checked only by {@link #spec()}, so that calls may come in any order.
   */
  private static final class Stages implements Cloneable {
    private SourceSpec source;
    private ExampleSpec features;
    private List<Transform> transforms = List.of();
    private int shuffleBufferSize = 0;
    private boolean reshuffleEachIteration = true;
    private int batchSize = 1;
    private boolean dropRemainder = false;
    private PaddingSpec padding = PaddingSpec.none();
    private int prefetch = DEFAULT_PREFETCH;
    private int epochs = 1;
    private long skip = 0;
    private long take = -1;
    private CacheSpec cache = CacheSpec.none();
    private PipelineOptions options = PipelineOptions.defaults();
    private boolean globalShuffle = false;
    private long window = 0;
    private PipelineSpec.MissingIndex missingIndex = PipelineSpec.MissingIndex.REFUSE;

    Stages(SourceSpec source) {
      this.source = source;
    }

    /** A field-for-field copy: every field holds an immutable value, so sharing them is safe. */
    Stages copy() {
      try {
        return (Stages) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError("Stages is Cloneable", e);
      }
    }

    PipelineSpec spec() {
      if (features == null) {
        throw new IllegalArgumentException("the pipeline needs a parse_example stage");
      }
      if (!globalShuffle && missingIndex != PipelineSpec.MissingIndex.REFUSE) {
        throw new IllegalArgumentException("only a global shuffle reads record indexes: 'index: "
            + "build' needs shuffle {mode: global}");
      }
      PipelineSpec.GlobalShuffle global = globalShuffle
          ? PipelineSpec.GlobalShuffle.of(window, missingIndex) : PipelineSpec.GlobalShuffle.off();
      return new PipelineSpec(source, features, transforms, shuffleBufferSize,
          reshuffleEachIteration, batchSize, dropRemainder, padding, prefetch, epochs, skip, take,
          cache, options, global);
    }
  }

  /** A {@link SourceSpec} being changed, with the defaults of a fresh {@link #tfrecord} source. */
  private static final class SourceDraft {
    private final List<String> files;
    private String compression = "auto";
    private boolean verifyCrc = true;
    private CorruptionPolicy onCorrupt = CorruptionPolicy.FAIL;
    private int numShards = 1;
    private int shardIndex = 0;
    private ShardBy shardBy = ShardBy.FILE;
    private boolean shuffleFiles = true;
    private int cycleLength = DEFAULT_CYCLE_LENGTH;
    private int blockLength = DEFAULT_BLOCK_LENGTH;
    private int numParallelCalls = DEFAULT_INTERLEAVE_PARALLEL_CALLS;

    SourceDraft(List<String> files) {
      this.files = files;
    }

    SourceDraft(SourceSpec source) {
      files = source.files();
      compression = source.compression();
      verifyCrc = source.verifyCrc();
      onCorrupt = source.onCorrupt();
      numShards = source.numShards();
      shardIndex = source.shardIndex();
      shardBy = source.shardBy();
      shuffleFiles = source.shuffleFiles();
      cycleLength = source.cycleLength();
      blockLength = source.blockLength();
      numParallelCalls = source.numParallelCalls();
    }

    SourceSpec build() {
      return new SourceSpec(files, compression, verifyCrc, onCorrupt, numShards, shardIndex,
          shardBy, shuffleFiles, cycleLength, blockLength, numParallelCalls);
    }
  }
}
