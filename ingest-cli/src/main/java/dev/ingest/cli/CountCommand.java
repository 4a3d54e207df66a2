package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.CorruptionPolicy;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ingest count}: counts the records of TFRecord files under the {@code fail} policy, so
 * the first corrupt record ends the command with exit code 3 and the problem on stderr. A PATH
 * that is a row cache's prefix (its {@code PREFIX.manifest} says {@code holds=rows}) counts the
 * rows of its rows file instead, read chunk by chunk and checked against the manifest.
 */
@Command(
    name = "count",
    mixinStandardHelpOptions = true,
    description = "Counts the records of TFRecord files, checking both CRCs of each; for a row"
        + " cache's path prefix (cache/train, whose cache/train.manifest exists), the rows"
        + " cached.")
final class CountCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RecordInputs inputs;

  /**
   * Records in one file; for a row cache's rows file, its rows and the cache's prefix ({@code
   * null} otherwise).
   */
  record FileCount(Path path, long records, String cache) {
    FileCount(Path path, long records) {
      this(path, records, null);
    }
  }

  @Override
  public Integer call() throws IOException {
    List<String> recordPaths = new ArrayList<>();
    List<String> cachePrefixes = new ArrayList<>();
    for (String argument : inputs.paths) {
      String prefix = RowCacheManifest.cachePrefix(argument);
      if (prefix == null) {
        recordPaths.add(argument);
      } else {
        cachePrefixes.add(prefix);
      }
    }
    List<FileCount> counts = new ArrayList<>();
    if (!recordPaths.isEmpty()) {
      counts.addAll(count(InputFiles.resolve(recordPaths), inputs.compression));
    }
    for (String prefix : cachePrefixes) {
      RowCacheManifest cache = RowCacheManifest.read(prefix);
      counts.add(new FileCount(cache.rowsFile(), CachedRows.read(cache, 0).rows(), prefix));
    }
    print(spec.commandLine().getOut(), counts, inputs.json);
    return ExitCode.OK;
  }

  /**
   * Counts the records of each file.
   *
   * @throws dev.ingest.CorruptRecordException at the first corrupt record
   */
  static List<FileCount> count(List<Path> files, Compression compression) throws IOException {
    TFRecordReaderOptions options =
        TFRecordReaderOptions.defaults()
            .withCompression(compression)
            .withOnCorrupt(CorruptionPolicy.FAIL);
    List<FileCount> counts = new ArrayList<>();
    for (Path file : files) {
      try (TFRecordReader reader = TFRecordReader.open(file, options)) {
        while (reader.advance()) {
          // Counting needs no bytes: advance() checks the CRCs and moves on.
        }
        counts.add(new FileCount(file, reader.recordsRead()));
      }
    }
    return counts;
  }

  static long total(List<FileCount> counts) {
    return counts.stream().mapToLong(FileCount::records).sum();
  }

  static void print(PrintWriter out, List<FileCount> counts, boolean json) {
    if (json) {
      ObjectNode node = Json.object();
      ArrayNode files = node.putArray("files");
      for (FileCount count : counts) {
        ObjectNode file = files.addObject().put("path", count.path().toString())
            .put("records", count.records());
        if (count.cache() != null) {
          file.put("cache", count.cache());
        }
      }
      node.put("total", total(counts));
      Json.print(out, node);
      return;
    }
    for (FileCount count : counts) {
      out.printf("%12d  %s%s%n", count.records(), count.path(),
          count.cache() == null ? "" : "  (rows of the cache " + count.cache() + ")");
    }
    String files = counts.size() == 1 ? "file" : "files";
    out.printf("%12d  total (%d %s)%n", total(counts), counts.size(), files);
    out.flush();
  }
}
