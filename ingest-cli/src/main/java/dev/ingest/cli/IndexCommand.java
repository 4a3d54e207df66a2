package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.tfrecord.index.CompressedShardException;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ingest index}: writes a record index ({@link RecordIndex}) beside each shard, shard by
 * shard in sorted order. Like {@code count}, it stops at the first shard it cannot index: a
 * corrupt record is exit 3 and a compressed shard exit 2 (a compressed stream has no place to
 * jump to), nothing written for that shard, and the sidecars already written for the shards
 * before it kept (each is whole and checked against its shard when read). An {@code .idx} file
 * among the arguments (a shell's {@code data/*} after a first run) is an index, not a shard: it
 * is passed over, with a note on stderr.
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = "Writes a record index (SHARD.idx: each record's offset and length) beside each"
        + " uncompressed TFRecord shard, for random access; readers refuse one whose shard has"
        + " changed since.")
final class IndexCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object as the last line.")
  boolean json;

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Shards, folders (their files) or globs such as 'data/*.tfrecord'.")
  List<String> paths;

  /** One shard's index: its records, the sidecar written and the sidecar's size. */
  record Indexed(Path shard, long records, Path index, long bytes) {}

  @Override
  public Integer call() throws IOException {
    List<Indexed> written = new ArrayList<>();
    for (Path shard : InputFiles.resolve(paths)) {
      if (shard.getFileName().toString().endsWith(RecordIndex.SUFFIX)) {
        spec.commandLine().getErr().println("ingest: passed over " + shard
            + ": a record index, not a shard");
        continue;
      }
      RecordIndex index;
      try {
        index = RecordIndex.build(shard);
      } catch (CompressedShardException e) {
        throw new UsageException(e.getMessage());
      }
      Path sidecar = index.writeBeside(shard);
      written.add(new Indexed(shard, index.count(), sidecar, index.encodedSize()));
    }
    print(spec.commandLine().getOut(), written, json);
    return ExitCode.OK;
  }

  static void print(PrintWriter out, List<Indexed> written, boolean json) {
    long total = written.stream().mapToLong(Indexed::records).sum();
    if (json) {
      ObjectNode node = Json.object();
      ArrayNode files = node.putArray("files");
      for (Indexed indexed : written) {
        files.addObject().put("path", indexed.shard().toString())
            .put("records", indexed.records())
            .put("index", indexed.index().toString())
            .put("bytes", indexed.bytes());
      }
      node.put("total", total);
      Json.print(out, node);
      return;
    }
    for (Indexed indexed : written) {
      out.printf("%12d records  %10d index bytes  %s%n", indexed.records(), indexed.bytes(),
          indexed.shard());
    }
    String shards = written.size() == 1 ? "shard" : "shards";
    out.printf("%12d records  total (%d %s indexed)%n", total, written.size(), shards);
    out.flush();
  }
}
