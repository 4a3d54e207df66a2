package dev.ingest.runtime.cache;

import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineSpec.SourceSpec;
import dev.ingest.tfrecord.StoragePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What decides the records a file cache holds, as {@code key=value} lines its manifest keeps:
 * which source files (by absolute path, size and modification time, so a file rewritten since
 * is noticed), how they are decoded (compression) and which of their records are kept (CRC
 * checking, corruption policy) and which files this shard reads.
 *
 * <pre>
 *   ingest-cache=1
 *   compression=gzip
 *   verify_crc=true
 *   on_corrupt=fail
 *   shard=file 0 of 2
 *   files=2
 *   file.0=file:///data/part-0.tfrecord.gz size=1048576 modified=2026-01-05T10:00:00.123Z
 *   file.1=file:///data/part-2.tfrecord.gz size=1050112 modified=2026-01-05T10:00:01.456Z
 * </pre>
 *
 * <p>Left out on purpose, because the cache holds each file's records whole and in file order:
 * file order, interleave, shuffle, parsing, batching and the seed; those may change and the cache
 * still serves. With {@code shard by: record} every file is cached whole whichever shard reads
 * it, so the shard is left out too and trainers may share one cache. Size and modification time
 * stand for a file's content, as they do for make and rsync: a file rewritten in place within the
 * file system's time resolution, at the same size, goes unnoticed.
 *
 * @param entries the lines, in order, as key and value
 */
record CacheFingerprint(Map<String, String> entries) {
  /** The layout version of the cache's files; another version is another fingerprint. */
  static final String VERSION = "1";
  private static final String FILE_KEY = "file.";
  private static final String TRANSFORM_KEY = "transform.";
  private static final Set<String> KEYS = Set.of("ingest-cache", "holds", "format",
      "compression", "verify_crc", "on_corrupt", "shard", "files", "features", "transforms");
  /** The layout version of a cache of rows (see {@link #ofRows}). */
  static final String ROWS_VERSION = "2";

  CacheFingerprint {
    entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  /**
   * The fingerprint of reading {@code shardFiles} (the files this shard reads, sorted) as {@code
   * source} says.
   *
   * @throws NoSuchFileException naming a source file that is gone
   */
  static CacheFingerprint of(SourceSpec source, List<Path> shardFiles) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("ingest-cache", VERSION);
    entries.put("compression", source.compression().toLowerCase(Locale.ROOT));
    entries.put("verify_crc", Boolean.toString(source.verifyCrc()));
    entries.put("on_corrupt", source.onCorrupt().name().toLowerCase(Locale.ROOT));
    entries.put("shard", source.shardBy() == ShardBy.RECORD ? "record (every file whole)"
        : "file " + source.shardIndex() + " of " + source.numShards());
    entries.put("files", Integer.toString(shardFiles.size()));
    for (int i = 0; i < shardFiles.size(); i++) {
      entries.put(FILE_KEY + i, describe(shardFiles.get(i)));
    }
    return new CacheFingerprint(entries);
  }

  /**
   * The fingerprint of a cache of rows: the sources as for records (the shard included: every file
   * whole under record sharding), then the file format, the features parsed and each transform
   * before the cache by its identity ({@link dev.ingest.Transform#identity()}), in order.
   */
  static CacheFingerprint ofRows(SourceSpec source, List<Path> shardFiles, String format,
      dev.ingest.ExampleSpec features, List<String> transformIdentities) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("ingest-cache", ROWS_VERSION);
    entries.put("holds", "rows");
    entries.put("format", format);
    of(source, shardFiles).entries().forEach((key, value) -> {
      if (!key.equals("ingest-cache")) {
        entries.put(key, value);
      }
    });
    StringBuilder text = new StringBuilder();
    for (dev.ingest.FeatureSpec feature : features.features()) {
      text.append(text.length() == 0 ? "" : "; ").append(feature.name()).append(' ')
          .append(feature.dtype().wireName()).append(feature.varLen() ? " var_len" : " shape=")
          .append(feature.varLen() ? "" : feature.shape().toString())
          .append(feature.defaultValue() == null ? "" : " default=" + feature.defaultValue());
    }
    entries.put("features", text.toString());
    entries.put("transforms", Integer.toString(transformIdentities.size()));
    for (int i = 0; i < transformIdentities.size(); i++) {
      entries.put(TRANSFORM_KEY + i, transformIdentities.get(i));
    }
    return new CacheFingerprint(entries);
  }

  /** The fingerprint among a manifest's lines: the known keys, in the order they come. */
  static CacheFingerprint parse(List<String> lines) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (String line : lines) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        String key = line.substring(0, equals);
        if (KEYS.contains(key) || key.startsWith(FILE_KEY) || key.startsWith(TRANSFORM_KEY)) {
          entries.put(key, line.substring(equals + 1));
        }
      }
    }
    return new CacheFingerprint(entries);
  }

  /** The lines, {@code key=value}, in order. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    entries.forEach((key, value) -> lines.add(key + "=" + value));
    return lines;
  }

  /**
   * What differs between this fingerprint (the cache's) and {@code now} (the pipeline's), in
   * words, one entry per key; empty when they are equal.
   */
  List<String> differences(CacheFingerprint now) {
    Set<String> keys = new LinkedHashSet<>(entries.keySet());
    keys.addAll(now.entries.keySet());
    List<String> differences = new ArrayList<>();
    for (String key : keys) {
      String cached = entries.get(key);
      String current = now.entries.get(key);
      if (cached != null && cached.equals(current)) {
        continue;
      }
      String what = key.startsWith(FILE_KEY)
          ? "source file " + key.substring(FILE_KEY.length()) : key;
      if (cached == null) {
        differences.add(what + ": not in the cache, " + current + " now");
      } else if (current == null) {
        differences.add(what + ": " + cached + " in the cache, none now");
      } else {
        differences.add(what + ": " + cached + " in the cache, " + current + " now");
      }
    }
    return differences;
  }

  /** A file's identity: its absolute location, size and modification time. */
  private static String describe(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    // A URI escapes spaces and line breaks, so the value stays on its line.
    String described = file.toAbsolutePath().normalize().toUri() + " size=" + attributes.size()
        + " modified=" + attributes.lastModifiedTime().toInstant();
    // An object store names each version of an object (S3: its ETag): a rewrite of the same size
    // within the store's clock resolution is still another object. A local file's key (device
    // and inode) says nothing of its content, and would change every local fingerprint.
    if (!StoragePaths.isLocal(file) && attributes.fileKey() != null) {
      described += " id=" + attributes.fileKey().toString().replaceAll("\\s", "_");
    }
    return described;
  }
}
