package dev.ingest.cli;

import dev.ingest.StorageOptions;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.ConfigException.Problem;
import dev.ingest.cli.config.PipelineConfig;
import dev.ingest.cli.config.PipelineConfig.FilesEntry;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.RecordFiles;
import dev.ingest.tfrecord.StoragePaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The record files a pipeline config's source names, found before the pipeline is built, so that
 * an entry of {@code source.tfrecord.files} that matches nothing, a file that cannot be read or a
 * source with no records is a config problem naming the entry's YAML line (exit 2), not an
 * engine failure halfway into starting.
 *
 * <p>An empty (0-byte) file is a valid TFRecord file with no records, as in TensorFlow: it is
 * read as such, with a warning. A source whose every file is empty has nothing to read, which is
 * taken for a mistake: an error.
 */
final class SourceFiles {
  /** What one entry of {@code source.tfrecord.files} matched. */
  record Entry(FilesEntry entry, List<Path> files, long bytes) {}

  /**
   * What the whole source reads: each entry's matches, the files the engine reads (each once),
   * their total size, those that are empty, and the configured compression. Which compression
   * each file has is {@link #compressions}'s to say: only {@code explain} prints it, and under
   * {@code auto} it opens every file.
   */
  record Found(List<Entry> entries, List<Path> files, long bytes, List<Path> emptyFiles,
      Compression configured) {
    /** True when each file's compression is detected from its first bytes. */
    boolean detected() {
      return configured == Compression.AUTO;
    }
  }

  private SourceFiles() {}

  /**
   * Finds the files of {@code config}'s source. Each entry is resolved and each file sized once:
   * the files the engine reads are those matches combined as {@link RecordFiles#resolve} would.
   *
   * @param configFile the config file as the user named it, for the messages
   * @throws ConfigException naming each entry that matches nothing or a file that cannot be read
   * @throws IOException if a folder cannot be listed or a file cannot be sized
   */
  static Found find(PipelineConfig config, String configFile)
      throws ConfigException, IOException {
    List<Problem> problems = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    // Keyed by the path as matched: RecordFiles.merge keeps one of these very spellings per file,
    // the first entry's, which is also the entry a problem with that file names.
    Map<Path, Long> sizes = new HashMap<>();
    Map<Path, FilesEntry> entryOf = new HashMap<>();
    StorageOptions storage = config.spec().options().storage();
    for (FilesEntry entry : config.sourceFiles()) {
      List<Path> matches = matches(entry.pattern(), storage);
      if (matches.isEmpty()) {
        problems.add(entry.problem(whyNothingMatches(entry.pattern())));
        continue;
      }
      long bytes = 0;
      for (Path file : matches) {
        Long size = sizes.get(file);
        if (size == null) {
          size = Files.size(file);
          sizes.put(file, size);
        }
        bytes += size;
        entryOf.putIfAbsent(file, entry);
      }
      entries.add(new Entry(entry, matches, bytes));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(configFile, problems);
    }
    List<Path> files = RecordFiles.merge(entries.stream().map(Entry::files).toList());
    List<Path> empty = new ArrayList<>();
    long bytes = 0;
    for (Path file : files) {
      long size = sizes.get(file);
      bytes += size;
      if (size == 0) {
        empty.add(file);
      }
      // A store's file is asked only when read: checking access here is a request per object.
      if (StoragePaths.isLocal(file) && !Files.isReadable(file)) {
        problems.add(entryOf.get(file).problem("cannot read " + file + ": permission denied"));
      }
    }
    if (problems.isEmpty() && empty.size() == files.size()) {
      FilesEntry first = config.sourceFiles().get(0);
      problems.add(new Problem("source.tfrecord.files", first.line(), first.column(),
          (files.size() == 1 ? "the one file it matches, " + files.get(0) + ", is empty"
              : "all " + files.size() + " files it matches are empty")
              + " (0 bytes): there is no record to read"));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(configFile, problems);
    }
    return new Found(List.copyOf(entries), files, bytes, List.copyOf(empty),
        Compression.parse(config.spec().source().compression()));
  }

  /**
   * How many of {@code found}'s files have each compression: the configured one, or under
   * {@code auto} the one the reader detects from each file's first bytes.
   *
   * @throws IOException if a file's first bytes cannot be read
   */
  static Map<Compression, Integer> compressions(Found found) throws IOException {
    Map<Compression, Integer> compressions = new TreeMap<>();
    for (Path file : found.files()) {
      compressions.merge(compressionOf(file, found.configured()), 1, Integer::sum);
    }
    return compressions;
  }

  /** One stderr line when some (not all) files are empty, so a half-written shard is noticed. */
  static void warnAboutEmptyFiles(Found found, PrintWriter err) {
    if (found.emptyFiles().isEmpty()) {
      return;
    }
    int count = found.emptyFiles().size();
    err.println("ingest: warning: " + (count == 1 ? "1 file is" : count + " files are")
        + " empty (0 records): " + found.emptyFiles().get(0) + (count > 1 ? ", ..." : ""));
    err.flush();
  }

  /**
   * Why {@code pattern} matches no record file, naming it, with the {@code ingest gen} command
   * that makes it when it is one of the README's or the examples' sample folders.
   */
  static String whyNothingMatches(String pattern) {
    String why;
    if (RecordFiles.isGlob(pattern)) {
      String folder = SampleDataHints.folderOf(pattern);
      why = "\"" + pattern + "\" matches no file"
          + (!folder.isEmpty() && !Files.isDirectory(Path.of(folder))
              ? " (there is no folder " + folder + ")" : "");
    } else if (Files.isDirectory(Path.of(pattern))) {
      why = "\"" + pattern + "\" is a folder with no record file in it";
    } else {
      why = "\"" + pattern + "\": no such file or folder";
    }
    return why + SampleDataHints.hint(pattern);
  }

  private static List<Path> matches(String pattern, StorageOptions storage) throws IOException {
    try {
      return RecordFiles.resolve(List.of(pattern), storage);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  private static Compression compressionOf(Path file, Compression configured)
      throws IOException {
    if (configured != Compression.AUTO) {
      return configured;
    }
    // One small read: detection needs the first bytes only, not a store's read-ahead.
    try (SeekableByteChannel channel =
        StoragePaths.openForReading(file, new ReadAhead(ReadAhead.MIN_BLOCK_BYTES, 1))) {
      return Compression.detect(channel);
    }
  }
}
