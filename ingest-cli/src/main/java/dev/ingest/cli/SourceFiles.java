package dev.ingest.cli;

import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.ConfigException.Problem;
import dev.ingest.cli.config.PipelineConfig;
import dev.ingest.cli.config.PipelineConfig.FilesEntry;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.RecordFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
   * their total size, those that are empty, and how many files have each compression (detected
   * from the first bytes under {@code auto}, else as configured).
   */
  record Found(List<Entry> entries, List<Path> files, long bytes, List<Path> emptyFiles,
      Map<Compression, Integer> compressions, boolean detected) {}

  private SourceFiles() {}

  /**
   * Finds the files of {@code config}'s source.
   *
   * @param configFile the config file as the user named it, for the messages
   * @throws ConfigException naming each entry that matches nothing or a file that cannot be read
   * @throws IOException if a folder cannot be listed or a file's first bytes cannot be read
   */
  static Found find(PipelineConfig config, String configFile)
      throws ConfigException, IOException {
    List<Problem> problems = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (FilesEntry entry : config.sourceFiles()) {
      List<Path> matches = matches(entry.pattern());
      if (matches.isEmpty()) {
        problems.add(entry.problem(whyNothingMatches(entry.pattern())));
        continue;
      }
      long bytes = 0;
      for (Path file : matches) {
        bytes += Files.size(file);
      }
      entries.add(new Entry(entry, matches, bytes));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(configFile, problems);
    }
    List<Path> files = RecordFiles.resolve(
        config.sourceFiles().stream().map(FilesEntry::pattern).toList());
    Compression configured = Compression.parse(config.spec().source().compression());
    Map<Compression, Integer> compressions = new TreeMap<>();
    List<Path> empty = new ArrayList<>();
    long bytes = 0;
    for (Path file : files) {
      long size = Files.size(file);
      bytes += size;
      if (size == 0) {
        empty.add(file);
      }
      Compression compression;
      try {
        compression = compressionOf(file, configured);
      } catch (AccessDeniedException e) {
        problems.add(entryOf(entries, file).problem("cannot read " + file + ": permission denied"));
        continue;
      }
      compressions.merge(compression, 1, Integer::sum);
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
    return new Found(List.copyOf(entries), files, bytes, List.copyOf(empty), compressions,
        configured == Compression.AUTO);
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

  private static List<Path> matches(String pattern) throws IOException {
    try {
      return RecordFiles.resolve(List.of(pattern));
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  private static FilesEntry entryOf(List<Entry> entries, Path file) {
    return entries.stream().filter(entry -> entry.files().contains(file)).findFirst()
        .orElse(entries.get(0)).entry();
  }

  /**
   * The configured compression, or under {@code auto} the one the reader detects from the file's
   * first bytes; either way the file must be readable.
   */
  private static Compression compressionOf(Path file, Compression configured) throws IOException {
    if (configured != Compression.AUTO) {
      if (!Files.isReadable(file)) {
        throw new AccessDeniedException(file.toString());
      }
      return configured;
    }
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer head = ByteBuffer.allocate(Compression.DETECTION_BYTES);
      while (head.hasRemaining() && channel.read(head) >= 0) {
        // a short read is not the end of the file
      }
      return Compression.detect(head.flip());
    }
  }
}
