package dev.ingest;

import java.util.List;
import java.util.Objects;

/**
 * A whole pipeline, immutable: what {@link Dataset} builds and what a runtime runs. The stages
 * run in tf.data's order: read (shard, file order, interleave) → parse_example → row transforms
 * (map, filter) → shuffle → batch or padded_batch → batch transforms → prefetch, the whole
 * repeated {@code epochs} times. (The runtime shuffles serialized records before parsing: with
 * element-wise transforms the result is an equally uniform shuffle of the same records.)
 *
 * @param source where the records come from and how they are read
 * @param features the features parse_example extracts
 * @param transforms user transforms: row transforms in the order they run, then batch transforms
 * @param shuffleBufferSize records in the shuffle buffer; 0 for no shuffle
 * @param reshuffleEachIteration a new order every epoch (tf.data's default) or the same order
 * @param batchSize records per batch
 * @param dropRemainder drop an epoch's last batch when it has fewer than {@code batchSize} rows
 * @param padding how padded_batch pads var-len features ({@link PaddingSpec#none()} for batch)
 * @param prefetch batches parsed ahead of the consumer, or {@link Dataset#AUTO} for a depth the
 *     tuner moves while the pipeline runs
 * @param epochs passes over the data; -1 forever
 * @param skip batches to drop at the start (tf.data's {@code skip}, before {@code take})
 * @param take at most this many batches in all after the skipped ones; -1 for no limit
 * @param cache what is kept so that later epochs (and, in files, later runs) need not read or
 *     compute it again: nothing, the records read, or the rows that reach the cache's position,
 *     in memory or in files at a path prefix
 * @param options seed, determinism, threads, memory budget
 * @param globalShuffle a shuffle over every record of every shard, read through record indexes,
 *     instead of a shuffle buffer ({@link GlobalShuffle#off()} for none)
 */
public record PipelineSpec(
    SourceSpec source,
    ExampleSpec features,
    List<Transform> transforms,
    int shuffleBufferSize,
    boolean reshuffleEachIteration,
    int batchSize,
    boolean dropRemainder,
    PaddingSpec padding,
    int prefetch,
    int epochs,
    long skip,
    long take,
    CacheSpec cache,
    PipelineOptions options,
    GlobalShuffle globalShuffle) {

  /** A pipeline without a global shuffle. */
  public PipelineSpec(SourceSpec source, ExampleSpec features, List<Transform> transforms,
      int shuffleBufferSize, boolean reshuffleEachIteration, int batchSize, boolean dropRemainder,
      PaddingSpec padding, int prefetch, int epochs, long skip, long take, CacheSpec cache,
      PipelineOptions options) {
    this(source, features, transforms, shuffleBufferSize, reshuffleEachIteration, batchSize,
        dropRemainder, padding, prefetch, epochs, skip, take, cache, options, GlobalShuffle.off());
  }

  public PipelineSpec {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(features, "parse_example features");
    transforms = List.copyOf(transforms);
    Objects.requireNonNull(padding, "padding");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(options, "options");
    require(shuffleBufferSize >= 0, "shuffle buffer_size must be at least 0, got " + shuffleBufferSize);
    require(batchSize >= 1, "batch_size must be at least 1, got " + batchSize);
    require(prefetch >= 1 || prefetch == Dataset.AUTO,
        "prefetch buffer_size must be at least 1 or AUTO (-1), got " + prefetch);
    require(epochs == -1 || epochs >= 1, "repeat must be -1 (forever) or at least 1, got " + epochs);
    require(skip >= 0, "skip must be at least 0, got " + skip);
    require(take == -1 || take >= 0, "take must be -1 (all) or at least 0, got " + take);
    if (cache.holdsRows()) {
      require(cache.transformsBefore() <= transforms.size(), "the cache comes after "
          + cache.transformsBefore() + " transforms, but the pipeline has " + transforms.size());
      for (Transform transform : transforms.subList(0, cache.transformsBefore())) {
        require(!(transform instanceof Transform.MapBatches), "cache is listed after map_batches '"
            + transform.name() + "': a cache keeps rows, not batches; list cache before batch (the"
            + " batch functions then run on the cached rows every epoch)");
      }
    }
    Objects.requireNonNull(globalShuffle, "globalShuffle");
    if (globalShuffle.enabled()) {
      requireGlobalShuffleFits(source, transforms, shuffleBufferSize, batchSize, cache);
    }
  }

  /** What a global shuffle cannot be combined with, said where the spec is built. */
  private static void requireGlobalShuffleFits(SourceSpec source, List<Transform> transforms,
      int shuffleBufferSize, int batchSize, CacheSpec cache) {
    boolean filters = transforms.stream().anyMatch(t -> t instanceof Transform.FilterRows);
    require(shuffleBufferSize == 0, "a global shuffle replaces the shuffle buffer: list one"
        + " shuffle, either {mode: global} or {buffer_size: N}");
    require(!cache.enabled(), "a global shuffle reads any record in any order through the record"
        + " indexes, so it takes no cache: remove the cache, or shuffle with a buffer");
    int trainers = source.numShards();
    require(batchSize % trainers == 0, "with a global shuffle batch_size is the global batch,"
        + " of which each of the " + trainers + " trainers (num_shards) gets an equal slice: "
        + batchSize + " is not a multiple of " + trainers);
    require(trainers == 1 || !filters, "with a global shuffle and " + trainers + " trainers,"
        + " each trainer's batch is its slice of the global batch; a filter would change how many"
        + " records each slice keeps: filter before writing the shards, or use one trainer");
    require(trainers == 1 || source.onCorrupt() != CorruptionPolicy.SKIP, "with a global shuffle"
        + " and " + trainers + " trainers, each trainer's batch is its slice of the global batch;"
        + " on_corrupt: skip would drop bad records from some slices and not others: use"
        + " on_corrupt: fail (`ingest validate` finds bad records first), or use one trainer");
  }

  /**
   * A stable fingerprint of what decides the batches: hex SHA-256 over a canonical text of the
   * source, features, transforms (by name), shuffle, batch and padding, repeat, skip, take and
   * seed. Threads, reader threads, prefetch, the memory budget and the determinism flag are left
   * out: they change how fast batches come, not which batches (with {@code deterministic} true).
   *
   * <p>So is a {@link #cache()} of records, whether none, in memory or in files, and wherever its
   * files are: it holds each source file's records whole, as read, and every epoch still applies
   * its own file order, interleave, sharding and shuffle to them, so a pipeline yields the same
   * batches with or without it. A cache of rows is in: see {@link CacheSpec}. A state saved by a run with a cache therefore resumes a run without one
   * (or with its files elsewhere), and the other way round. Whether a cache's files belong to a
   * pipeline is a different question, answered by the cache's own fingerprint of the sources it
   * read (see {@code docs/engine.md}).
   */
  public String fingerprint() {
    // v2: the shuffle buffer's generator and checkpoint order changed what a seed yields.
    StringBuilder text = new StringBuilder("v2\n");
    if (globalShuffle.enabled()) {
      // The order is (seed, epoch, global batch) alone: which trainer reads, how many trainers
      // there are, the file order and the interleave do not decide it, so that a state resumes
      // with another number of trainers.
      text.append("source=").append(source.globalOrderText()).append('\n');
      text.append("global_shuffle=").append(globalShuffle.window()).append('\n');
    } else {
      text.append("source=").append(source.fingerprintText()).append('\n');
    }
    for (FeatureSpec feature : features.features()) {
      text.append("feature=").append(feature.name()).append(',').append(feature.dtype())
          .append(',').append(feature.shape()).append(',').append(feature.varLen()).append(',')
          .append(feature.defaultValue()).append('\n');
    }
    for (Transform transform : transforms) {
      text.append("transform=").append(transform.getClass().getSimpleName()).append(',')
          .append(transform.name()).append('\n');
    }
    text.append("shuffle=").append(shuffleBufferSize).append(',').append(reshuffleEachIteration)
        .append('\n');
    text.append("batch=").append(batchSize).append(',').append(dropRemainder).append(',')
        .append(new java.util.TreeMap<>(padding.lengths())).append(',')
        .append(new java.util.TreeMap<>(padding.values())).append('\n');
    if (cache.holdsRows()) {
      // Only for a row cache, so that every other pipeline keeps its fingerprint. A shuffle after
      // the cache is a permutation, other batches than a buffer's; and a row cache's states count
      // records by index in the cache, which a run reading the files cannot resume.
      text.append("cache=rows,shuffle=").append(permutesCachedRows() ? "permutation" : "buffer")
          .append('\n');
    }
    text.append("repeat=").append(epochs).append(",skip=").append(skip).append(",take=")
        .append(take).append(",seed=").append(options.seed()).append('\n');
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Whether each epoch's order is a seeded permutation of the cached rows: a shuffle listed after a
   * cache of rows (see {@link CacheSpec}).
   */
  public boolean permutesCachedRows() {
    return cache.holdsRows() && cache.shuffleAfter() && shuffleBufferSize > 0;
  }

  /**
   * Whether each epoch reads every record of every shard in a seeded global order through the
   * record indexes ({@code shuffle: {mode: global}}).
   */
  public boolean shufflesGlobally() {
    return globalShuffle.enabled();
  }

  /** Whether the records go through the shuffle buffer before parsing. */
  public boolean shufflesRecords() {
    return shuffleBufferSize > 0 && !permutesCachedRows();
  }

  /** Whether the tuner chooses the prefetch depth ({@code prefetch} is {@link Dataset#AUTO}). */
  public boolean autoPrefetch() {
    return prefetch == Dataset.AUTO;
  }

  /** True when the pipeline has a filter. */
  public boolean filters() {
    return transforms.stream().anyMatch(t -> t instanceof Transform.FilterRows);
  }

  /**
   * True when a parsed row may be dropped before batching, so batches are filled downstream: by a
   * filter, or, under {@code on_corrupt: skip}, because its record is not a valid Example for the
   * spec (framing problems are dropped earlier, by the reader, and need no refill).
   */
  public boolean dropsRows() {
    return filters() || source.onCorrupt() == CorruptionPolicy.SKIP;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * How records are read.
   *
   * @param files files, folders or globs, in the order given (resolved and sorted by the runtime)
   * @param compression {@code auto}, {@code none}, {@code gzip} or {@code zlib}
   * @param verifyCrc check both CRCs of every record
   * @param onCorrupt fail on the first problem, or skip and count it
   * @param numShards how many trainers share the data
   * @param shardIndex which of them this pipeline feeds, in {@code [0, numShards)}
   * @param shardBy whole files per shard, or every {@code numShards}-th record
   * @param shuffleFiles a new file order every epoch, from (seed, epoch)
   * @param cycleLength files read at once, their records interleaved
   * @param blockLength records taken from each open file in turn
   */
  public record SourceSpec(
      List<String> files,
      String compression,
      boolean verifyCrc,
      CorruptionPolicy onCorrupt,
      int numShards,
      int shardIndex,
      ShardBy shardBy,
      boolean shuffleFiles,
      int cycleLength,
      int blockLength,
      int numParallelCalls) {

    /** A source read on the source thread itself ({@code numParallelCalls} 0). */
    public SourceSpec(List<String> files, String compression, boolean verifyCrc,
        CorruptionPolicy onCorrupt, int numShards, int shardIndex, ShardBy shardBy,
        boolean shuffleFiles, int cycleLength, int blockLength) {
      this(files, compression, verifyCrc, onCorrupt, numShards, shardIndex, shardBy, shuffleFiles,
          cycleLength, blockLength, 0);
    }

    public SourceSpec {
      files = List.copyOf(files);
      Objects.requireNonNull(compression, "compression");
      Objects.requireNonNull(onCorrupt, "onCorrupt");
      Objects.requireNonNull(shardBy, "shardBy");
      require(!files.isEmpty(), "the tfrecord source needs at least one file, folder or glob");
      require(numShards >= 1, "num_shards must be at least 1, got " + numShards);
      require(shardIndex >= 0 && shardIndex < numShards,
          "shard index must be in [0, " + numShards + "), got " + shardIndex);
      require(cycleLength >= 1, "cycle_length must be at least 1, got " + cycleLength);
      require(blockLength >= 1, "block_length must be at least 1, got " + blockLength);
      require(numParallelCalls >= -1, "num_parallel_calls must be at least 0 (0: on the source"
          + " thread), or -1 for auto, got " + numParallelCalls);
    }

    /**
     * The reader threads to start: {@code numParallelCalls}, or for auto (-1) one per four cores,
     * at most {@code cycleLength}, and none below four cores, where a reader thread would take
     * a core the parse workers need (reading stays on the source thread).
     */
    public int readerThreads(int cores) {
      if (numParallelCalls >= 0) {
        return numParallelCalls;
      }
      return cores < 4 ? 0 : Math.min(cycleLength, cores / 4);
    }

    /**
     * What decides which records come in which order: everything but {@code numParallelCalls},
     * which changes how fast they come, not which.
     */
    String fingerprintText() {
      return "files=" + files + ",compression=" + compression + ",verify_crc=" + verifyCrc
          + ",on_corrupt=" + onCorrupt + ",shards=" + numShards + "/" + shardIndex + "/" + shardBy
          + ",shuffle_files=" + shuffleFiles + ",interleave=" + cycleLength + "/" + blockLength;
    }

    /** What decides the records under a global shuffle: the files and how they are checked. */
    String globalOrderText() {
      return "files=" + files + ",compression=" + compression + ",verify_crc=" + verifyCrc
          + ",on_corrupt=" + onCorrupt;
    }
  }

  /**
   * A shuffle over every record of every shard (tf.data's {@code global_shuffle}), reading records
   * where the shards' record indexes say they are, instead of a shuffle buffer over the records
   * as they come. Each epoch's order is a seeded permutation of all records, from (seed, epoch):
   * the global sequence of batches depends on the seed, the epoch and {@code batch_size} only,
   * and {@code shard(n, i)} gives trainer {@code i} the {@code i}-th of {@code n} equal slices of
   * every global batch.
   *
   * @param enabled whether the pipeline shuffles globally
   * @param window 0 for a full permutation; else records are cut into windows of this many
   *     consecutive ones, and the order is a permutation of the windows and of each window's
   *     records: reads stay near each other (for slow stores), at a cost in shuffle quality
   * @param missingIndex what to do about a shard without a record index
   */
  public record GlobalShuffle(boolean enabled, long window, MissingIndex missingIndex) {
    public GlobalShuffle {
      Objects.requireNonNull(missingIndex, "missingIndex");
      require(window >= 0, "a global shuffle's window must be at least 1 record (or 0 for no"
          + " window), got " + window);
      require(enabled || window == 0, "a window belongs to a global shuffle");
    }

    /** No global shuffle. */
    public static GlobalShuffle off() {
      return new GlobalShuffle(false, 0, MissingIndex.REFUSE);
    }

    /** A global shuffle with windows of {@code window} records, or a full one for 0. */
    public static GlobalShuffle of(long window, MissingIndex missingIndex) {
      return new GlobalShuffle(true, window, missingIndex);
    }
  }

  /** What a global shuffle does about a shard without a record index ({@code .idx} sidecar). */
  public enum MissingIndex {
    /** Refuse to start, naming the shard and the {@code ingest index} command that writes it. */
    REFUSE,
    /**
     * Build it before the first epoch by reading the shard, and write it beside the shard where
     * that is allowed (else keep it in memory for the run).
     */
    BUILD
  }

  /**
   * Where {@code cache} keeps what reaches it, and what it keeps: {@link Kind#NONE nowhere},
   * {@link Kind#MEMORY in memory} for the pipeline's life, or {@link Kind#FILES in files} whose
   * names start with {@code pathPrefix}, kept for later runs. YAML spells these {@code path:
   * memory} and {@code path: <prefix>}.
   *
   * <p>What it keeps depends on where it is listed, as in tf.data: listed before {@code
   * parse_example} it keeps the {@link Holds#RECORDS records} read; listed after, the parsed {@link
   * Holds#ROWS rows} that reach it, after the first {@code transformsBefore} transforms (maps and
   * filters), so that later epochs run neither reading nor parsing nor those transforms again.
   *
   * @param kind none, memory or files
   * @param pathPrefix for {@link Kind#FILES}, the start of the cache files' paths ({@code
   *     cache/train} gives {@code cache/train.manifest}, ...); empty otherwise
   * @param holds records (before parsing) or rows (after it)
   * @param transformsBefore for rows: how many of the spec's transforms run before the cache (the
   *     rest run on the cached rows every epoch); 0 for records
   * @param shuffleAfter for rows: whether the {@code shuffle} is listed after the cache, which makes
   *     it a permutation of all cached rows each epoch instead of a buffer
   */
  public record CacheSpec(Kind kind, String pathPrefix, Holds holds, int transformsBefore,
      boolean shuffleAfter) {
    /** The word YAML uses for the in-memory cache, so never a file cache's prefix. */
    public static final String MEMORY = "memory";

    /** A cache of records, wherever it is kept: what {@code cache} listed before parsing makes. */
    public CacheSpec(Kind kind, String pathPrefix) {
      this(kind, pathPrefix, Holds.RECORDS, 0, false);
    }

    public CacheSpec {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(pathPrefix, "pathPrefix");
      Objects.requireNonNull(holds, "holds");
      if (kind == Kind.FILES) {
        require(!pathPrefix.isBlank(), "a file cache needs a path prefix, such as cache/train");
        require(!pathPrefix.equals(MEMORY), "'memory' names the in-memory cache; for cache"
            + " files named memory.*, write ./memory");
        require(!pathPrefix.endsWith("/") && !pathPrefix.endsWith(java.io.File.separator),
            "a cache path prefix ends in the start of a file name, such as cache/train, not in"
                + " a separator: '" + pathPrefix + "'");
      } else {
        require(pathPrefix.isEmpty(), "only a file cache has a path prefix, got '" + pathPrefix
            + "' for " + kind);
      }
      require(transformsBefore >= 0, "transformsBefore must be at least 0, got "
          + transformsBefore);
      require(holds == Holds.ROWS || (transformsBefore == 0 && !shuffleAfter),
          "a cache of records comes before parsing: no transform or shuffle position");
    }

    public static CacheSpec none() {
      return new CacheSpec(Kind.NONE, "");
    }

    public static CacheSpec memory() {
      return new CacheSpec(Kind.MEMORY, "");
    }

    public static CacheSpec files(String pathPrefix) {
      return new CacheSpec(Kind.FILES, pathPrefix);
    }

    /** Whether anything is cached at all. */
    public boolean enabled() {
      return kind != Kind.NONE;
    }

    /** Whether parsed rows are cached (the cache is listed after {@code parse_example}). */
    public boolean holdsRows() {
      return enabled() && holds == Holds.ROWS;
    }

    /** This cache, kept where it is, holding rows after {@code transformsBefore} transforms. */
    public CacheSpec ofRows(int transformsBefore, boolean shuffleAfter) {
      return new CacheSpec(kind, pathPrefix, Holds.ROWS, transformsBefore, shuffleAfter);
    }

    /** Where the cache is. */
    public enum Kind {
      NONE,
      MEMORY,
      FILES
    }

    /** What the cache keeps. */
    public enum Holds {
      /** The records read, before shuffle and parse: the batches are the same as without it. */
      RECORDS,
      /** The rows that reach it, parsed and transformed: later epochs start from them. */
      ROWS
    }
  }

  /** How {@code shard} splits the data: by whole files or by record position. */
  public enum ShardBy {
    FILE,
    RECORD
  }
}
