package dev.ingest.cli;

import dev.ingest.tfrecord.RecordFiles;
import dev.ingest.tfrecord.sample.SampleKind;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The sample data the README and {@code examples/*.yaml} read, and the {@code ingest gen} command
 * that makes each, so that a command pointed at one of those folders before it exists says how to
 * make it. The only place that knows those folders: a test checks that every example's files and
 * every {@code ingest gen} line of the README and the examples agree with it.
 *
 * <p>A folder matches when it ends with a sample's folder below {@code data} (the examples'
 * default root) or below {@code $INGEST_DATA} (where the examples' {@code ${INGEST_DATA:data}}
 * moves it).
 */
final class SampleDataHints {
  /** The environment variable the examples' files start with. */
  static final String DATA_ROOT_VARIABLE = DemoCommand.DATA_VARIABLE;
  private static final String DEFAULT_ROOT = "data";

  /** One sample folder below the data root, and what {@code ingest gen} writes into it. */
  record SampleFolder(String folder, SampleKind kind, long records, int shards) {
    String genCommand(String out) {
      return "ingest gen --kind " + kind.wireName() + " --out " + out + " --records " + records
          + " --shards " + shards;
    }
  }

  /** Longest folders first, so that {@code demo/image} is not taken for {@code image}. */
  static final List<SampleFolder> FOLDERS = List.of(
      new SampleFolder("demo/image", SampleKind.IMAGE, DemoCommand.RECORDS, DemoCommand.SHARDS),
      new SampleFolder("tabular", SampleKind.TABULAR, 100_000, 8),
      new SampleFolder("text", SampleKind.TEXT, 20_000, 4),
      new SampleFolder("global", SampleKind.IMAGE, 20_000, 4),
      new SampleFolder("image", SampleKind.IMAGE, 10_000, 4));

  private SampleDataHints() {}

  /**
   * The {@code ingest gen} command that makes the sample data {@code pattern} (a file, folder or
   * glob) reads, or empty when it is no sample folder.
   */
  static Optional<String> genCommand(String pattern) {
    String folder = folderOf(pattern);
    Path path;
    try {
      path = Path.of(folder).normalize();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    for (SampleFolder sample : FOLDERS) {
      Path relative = Path.of(sample.folder());
      if (!path.endsWith(relative) || path.getNameCount() <= relative.getNameCount()) {
        continue;
      }
      Path root = path.subpath(0, path.getNameCount() - relative.getNameCount());
      if (path.isAbsolute()) {
        root = path.getRoot().resolve(root);
      }
      if (isDataRoot(root)) {
        return Optional.of(sample.genCommand(folder));
      }
    }
    return Optional.empty();
  }

  /** {@code "; make it with: ingest gen ..."} for a sample folder, else nothing. */
  static String hint(String pattern) {
    return genCommand(pattern).map(command -> "; make the sample data with: " + command)
        .orElse("");
  }

  private static boolean isDataRoot(Path root) {
    if (root.getFileName() != null && root.getFileName().toString().equals(DEFAULT_ROOT)) {
      return true;
    }
    String moved = System.getenv(DATA_ROOT_VARIABLE);
    try {
      return moved != null && !moved.isBlank()
          && Path.of(moved).toAbsolutePath().normalize().equals(root.toAbsolutePath().normalize());
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** The folder a pattern reads: the part before its first glob segment, without a last slash. */
  static String folderOf(String pattern) {
    String folder = pattern;
    int glob = RecordFiles.firstGlobIndex(pattern);
    if (glob >= 0) {
      int slash = pattern.lastIndexOf('/', glob);
      folder = slash < 0 ? "" : pattern.substring(0, slash);
    }
    while (folder.length() > 1 && folder.endsWith("/")) {
      folder = folder.substring(0, folder.length() - 1);
    }
    return folder;
  }
}
