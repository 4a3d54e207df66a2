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
 * @param cache keep every record read in memory, so that later epochs read no file twice (the
 *     batches are the same as without it)
 * @param options seed, determinism, threads, memory budget
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
    boolean cache,
    PipelineOptions options) {

  public PipelineSpec {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(features, "parse_example features");
    transforms = List.copyOf(transforms);
    Objects.requireNonNull(padding, "padding");
    Objects.requireNonNull(options, "options");
    require(shuffleBufferSize >= 0, "shuffle buffer_size must be at least 0, got " + shuffleBufferSize);
    require(batchSize >= 1, "batch_size must be at least 1, got " + batchSize);
    require(prefetch >= 1 || prefetch == Dataset.AUTO,
        "prefetch buffer_size must be at least 1 or AUTO (-1), got " + prefetch);
    require(epochs == -1 || epochs >= 1, "repeat must be -1 (forever) or at least 1, got " + epochs);
    require(skip >= 0, "skip must be at least 0, got " + skip);
    require(take == -1 || take >= 0, "take must be -1 (all) or at least 0, got " + take);
  }

  /**
   * A stable fingerprint of what decides the batches: hex SHA-256 over a canonical text of the
   * source, features, transforms (by name), shuffle, batch and padding, repeat, skip, take and
   * seed. Threads, prefetch, the memory budget and the determinism flag are left out: they change
   * how fast batches come, not which batches (with {@code deterministic} true).
   */
  public String fingerprint() {
    StringBuilder text = new StringBuilder("v1\n");
    text.append("source=").append(source).append('\n');
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

  /** Whether the tuner chooses the prefetch depth ({@code prefetch} is {@link Dataset#AUTO}). */
  public boolean autoPrefetch() {
    return prefetch == Dataset.AUTO;
  }

  /** True when some record may be dropped before batching, so batches are filled downstream. */
  public boolean filters() {
    return transforms.stream().anyMatch(t -> t instanceof Transform.FilterRows);
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
      int blockLength) {

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
    }
  }

  /** How {@code shard} splits the data: by whole files or by record position. */
  public enum ShardBy {
    FILE,
    RECORD
  }
}
