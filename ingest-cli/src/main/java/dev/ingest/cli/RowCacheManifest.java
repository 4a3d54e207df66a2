package dev.ingest.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a row cache's manifest ({@code PREFIX.manifest}, written last by the fill) says, for the
 * commands that read a cache by its prefix. Its lines are {@code key=value}, the last one {@code
 * complete=true}:
 *
 * <pre>
 *   ingest-cache=2            holds=rows              format=arrow-ipc
 *   compression=.. verify_crc=.. on_corrupt=.. shard=..
 *   files=N                   file.I=URI size=.. modified=..   (I in 0..N-1)
 *   features=..               transforms=K            transform.J=IDENTITY   (J in 0..K-1)
 *   rows=R                    records.I=records read from source file I
 *   rows_file=PREFIX-NAME.rows.arrow                   rows_bytes=..
 *   complete=true
 * </pre>
 *
 * (one key a line, in that order). A cache of records ({@code ingest-cache=1}) keeps TFRecord
 * files, which the commands read as they are.
 *
 * @param prefix the cache's path prefix, as given
 * @param manifest the manifest file
 * @param holds {@code rows} or {@code records}
 * @param format the rows file's {@code RowFileFormat} name, such as {@code arrow-ipc}
 * @param sourceFiles the URIs of the source files the cache was filled from, in manifest order
 * @param recordsRead records read from each source file, in the same order
 * @param transforms the identity of each transform that ran before the cache, in order
 * @param rows rows in the cache
 * @param rowsFile the rows file, in the prefix's folder
 * @param rowsBytes the rows file's size when it was written
 */
record RowCacheManifest(String prefix, Path manifest, String holds, String format,
    List<String> sourceFiles, List<Long> recordsRead, List<String> transforms, long rows,
    Path rowsFile, long rowsBytes) {

  static final String SUFFIX = ".manifest";
  private static final String CLOSING_LINE = "complete=true";
  /** What a cache's prefix leaves behind before its manifest is written. */
  private static final List<String> PARTIAL_SUFFIXES = List.of(".filling", ".lock", ".rows.arrow");

  RowCacheManifest {
    sourceFiles = List.copyOf(sourceFiles);
    recordsRead = List.copyOf(recordsRead);
    transforms = List.copyOf(transforms);
  }

  static Path manifestOf(String prefix) {
    return Path.of(prefix + SUFFIX);
  }

  /**
   * The cache prefix {@code argument} names, or {@code null} when it names record files: a prefix
   * whose manifest exists, that manifest itself, or a prefix that names nothing itself where a
   * fill left its files.
   *
   * @throws UsageException for a prefix whose fill never finished (no manifest)
   */
  static String cachePrefix(String argument) {
    if (Files.isRegularFile(manifestOf(argument))) {
      return argument;
    }
    if (argument.endsWith(SUFFIX) && Files.isRegularFile(Path.of(argument))) {
      return argument.substring(0, argument.length() - SUFFIX.length());
    }
    if (Files.exists(Path.of(argument))) {
      return null;
    }
    for (String suffix : PARTIAL_SUFFIXES) {
      if (Files.exists(Path.of(argument + suffix))) {
        throw new UsageException(argument + " is not a complete cache: no " + manifestOf(argument)
            + " (its fill never finished; the next run of its pipeline fills it again)");
      }
    }
    return null;
  }

  /**
   * Reads the manifest of the cache at {@code prefix}.
   *
   * @throws UsageException if there is none, or it is a cache of records
   * @throws CorruptCacheException if it is not a whole row cache manifest
   */
  static RowCacheManifest read(String prefix) throws IOException {
    Path manifest = manifestOf(prefix);
    if (!Files.isRegularFile(manifest)) {
      throw new UsageException(prefix + " is not a complete cache: no " + manifest);
    }
    List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(CLOSING_LINE)) {
      throw new CorruptCacheException(prefix + " is not a complete cache: " + manifest
          + " does not end with " + CLOSING_LINE + "; delete " + prefix + ".* to fill it again");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : lines) {
      int equals = line.indexOf('=');
      if (equals <= 0) {
        throw bad(manifest, "a line without key=value: '" + line + "'");
      }
      values.put(line.substring(0, equals), line.substring(equals + 1));
    }
    String holds = values.getOrDefault("holds", "records");
    if (!holds.equals("rows")) {
      throw new UsageException(prefix + " is a cache of records: its files " + prefix
          + ".00000.tfrecord, ... are plain TFRecord files; give them instead, such as '"
          + prefix + ".*.tfrecord'");
    }
    int files = (int) number(manifest, values, "files");
    List<String> sources = new ArrayList<>();
    List<Long> records = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      String file = required(manifest, values, "file." + i);
      int space = file.indexOf(' ');
      sources.add(space < 0 ? file : file.substring(0, space));
      records.add(number(manifest, values, "records." + i));
    }
    int transformCount = (int) number(manifest, values, "transforms");
    List<String> transforms = new ArrayList<>();
    for (int j = 0; j < transformCount; j++) {
      transforms.add(required(manifest, values, "transform." + j));
    }
    String rowsName = required(manifest, values, "rows_file");
    Path name;
    try {
      name = Path.of(rowsName);
    } catch (java.nio.file.InvalidPathException e) {
      throw bad(manifest, "rows_file is not a file name: '" + rowsName + "'");
    }
    if (name.getFileName() == null || !name.getFileName().toString().equals(rowsName)) {
      throw bad(manifest, "rows_file must name a file in the cache's folder, got '" + rowsName
          + "'");
    }
    Path folder = Path.of(prefix).getParent();
    return new RowCacheManifest(prefix, manifest, holds, required(manifest, values, "format"),
        sources, records, transforms, number(manifest, values, "rows"),
        folder == null ? name : folder.resolve(name), number(manifest, values, "rows_bytes"));
  }

  private static String required(Path manifest, Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null) {
      throw bad(manifest, "no " + key + "= line");
    }
    return value;
  }

  private static long number(Path manifest, Map<String, String> values, String key) {
    String value = required(manifest, values, key);
    try {
      long number = Long.parseLong(value);
      if (number >= 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw bad(manifest, key + " is not a count: '" + value + "'");
  }

  private static CorruptCacheException bad(Path manifest, String what) {
    return new CorruptCacheException("the cache manifest " + manifest + " is not one ingest wrote"
        + " whole: " + what);
  }
}
