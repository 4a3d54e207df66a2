package dev.ingest.runtime.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names of a file cache's files, all made by appending to its path prefix. For the prefix
 * {@code cache/train}:
 *
 * <pre>
 *   cache/train.manifest            the cache is complete: its fingerprint and files (written last)
 *   cache/train.filling             a fill is under way or was cut short: the fingerprint it is for
 *   cache/train.lock                locked (FileChannel.tryLock) by the one run that fills; stays
 *   cache/train.00000.tfrecord      the records of the shard's first source file, plain TFRecord
 *   cache/train.00001.tfrecord      ... one per source file, in the fingerprint's file order
 *   cache/train.00001.tfrecord.tmp-4242-9f3c...   being written; renamed to its name when whole
 * </pre>
 *
 * @param prefix the path prefix, as the pipeline gives it
 */
record CacheLayout(String prefix) {
  static final String TEMPORARY_MARK = ".tmp-";

  Path manifest() {
    return Path.of(prefix + ".manifest");
  }

  Path filling() {
    return Path.of(prefix + ".filling");
  }

  Path lock() {
    return Path.of(prefix + ".lock");
  }

  /** The cache file of the {@code index}-th source file of the fingerprint. */
  Path data(int index) {
    return Path.of(prefix + String.format(".%05d.tfrecord", index));
  }

  /**
   * Part {@code index} of the journal a fill of rows before the first epoch keeps, {@code
   * PREFIX.rows.part-00000.arrow}: what a fill cut short leaves for the next run.
   */
  Path rowsPart(int index, String extension) {
    return Path.of(prefix + String.format(".rows.part-%05d", index) + extension);
  }

  /** The Arrow (or other columnar) file of a cache of rows, {@code PREFIX.rows.arrow}. */
  Path rows(String extension) {
    return Path.of(prefix + ".rows" + extension);
  }

  /**
   * A name beside {@code target} that no other writer uses (the process id and a random part):
   * where {@code target} is written before it is published whole under its own name.
   */
  static Path temporary(Path target) {
    return target.resolveSibling(target.getFileName() + TEMPORARY_MARK
        + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  /** The folder the cache's files are in. */
  Path folder() {
    Path parent = Path.of(prefix).toAbsolutePath().getParent();
    return parent == null ? Path.of(prefix).toAbsolutePath() : parent;
  }

  /**
   * Every cache file (data files, published or being written, and temporary manifests) of this
   * prefix: what a new fill clears away. Not the lock file, which may be held.
   */
  List<Path> dataAndTemporaryFiles() throws IOException {
    Path folder = folder();
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    String name = Path.of(prefix).getFileName().toString();
    Pattern ours = Pattern.compile(Pattern.quote(name)
        + "(\\.[0-9]{5,}\\.tfrecord(" + Pattern.quote(TEMPORARY_MARK) + ".*)?"
        + "|\\.rows(\\.part-[0-9]{5,})?\\.[a-z]+(" + Pattern.quote(TEMPORARY_MARK) + ".*)?"
        + "|\\.(manifest|filling)" + Pattern.quote(TEMPORARY_MARK) + ".*)");
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> ours.matcher(file.getFileName().toString()).matches())
          .sorted().toList();
    }
  }
}
