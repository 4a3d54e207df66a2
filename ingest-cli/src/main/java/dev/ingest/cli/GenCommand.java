package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleDatasets.Result;
import dev.ingest.tfrecord.sample.SampleDatasets.Shard;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ingest gen}: writes sample TFRecord shards of {@code tf.train.Example}s, deterministic
 * for a seed and never half-written (see {@link SampleDatasets}).
 */
@Command(
    name = "gen",
    mixinStandardHelpOptions = true,
    description = "Writes sample TFRecord shards of tf.train.Example records.")
final class GenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kind",
      required = true,
      description = "image, tabular or text.")
  SampleKind kind;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR|URI",
      description = "Output folder (created if missing), or an object store prefix such as"
          + " s3://bucket/data/image.")
  String out;

  @Option(
      names = "--records",
      defaultValue = "1000",
      paramLabel = "N",
      description = "Records in all shards together (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(
      names = "--shards",
      defaultValue = "4",
      paramLabel = "K",
      description = "Number of shard files (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(
      names = "--compression",
      defaultValue = "none",
      converter = CompressionConverter.class,
      description = "none, gzip or zlib (default: ${DEFAULT-VALUE}).")
  Compression compression;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "S",
      description = "Random seed; the same seed writes the same bytes (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print one JSON object as the last line.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (records < 0) {
      throw new ParameterException(
          spec.commandLine(), "--records must be at least 0, got " + records);
    }
    if (shards < 1) {
      throw new ParameterException(
          spec.commandLine(), "--shards must be at least 1, got " + shards);
    }
    if (compression == Compression.AUTO) {
      throw new ParameterException(
          spec.commandLine(), "--compression for gen must be none, gzip or zlib, not auto");
    }
    Path folder = OptionPaths.location(out, "--out");
    if (StoragePaths.isLocal(folder)) {
      OptionPaths.requireCreatableFolder(folder, "--out");
    } else {
      OptionPaths.requireBucket(folder, "--out");
    }
    Result result = SampleDatasets.write(kind, folder, records, shards, compression, seed);
    print(spec.commandLine().getOut(), result, json);
    return ExitCode.OK;
  }

  static void print(PrintWriter out, Result result, boolean json) {
    if (json) {
      ObjectNode node = Json.object();
      node.put("kind", result.kind().wireName());
      node.put("compression", result.compression().wireName());
      node.put("seed", result.seed());
      ArrayNode files = node.putArray("files");
      for (Shard shard : result.shards()) {
        files.addObject()
            .put("path", shard.path().toString())
            .put("records", shard.records())
            .put("bytes", shard.bytes());
      }
      node.put("records", result.records());
      node.put("bytes", result.bytes());
      Json.print(out, node);
      return;
    }
    for (Shard shard : result.shards()) {
      out.printf("%12d records %14d bytes  %s%n", shard.records(), shard.bytes(), shard.path());
    }
    out.printf(
        "%12d records %14d bytes  total: %d %s shards, compression %s, seed %d%n",
        result.records(),
        result.bytes(),
        result.shards().size(),
        result.kind().wireName(),
        result.compression().wireName(),
        result.seed());
    out.flush();
  }
}
