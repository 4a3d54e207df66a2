package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ingest gen}: writes sample TFRecord shards of {@code tf.train.Example}s.
 *
 * <p>Shard {@code i} of {@code K} is {@code part-0000i-of-0000K.tfrecord} and holds {@code N / K}
 * records, one more for the first {@code N % K} shards. Shard {@code i} draws from the {@code
 * i}-th split of a {@link SplittableRandom} seeded with the seed, so the files are the same bytes
 * for the same arguments. Every shard is written to a hidden temporary file in the output folder
 * and renamed into place only when all are complete, so a failed run leaves no partial shard.
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
      paramLabel = "DIR",
      description = "Output folder (created if missing).")
  Path out;

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

  /** One shard as written. */
  record Shard(Path path, long records, long bytes) {}

  /** What a run wrote. */
  record Result(SampleKind kind, Compression compression, long seed, List<Shard> shards) {
    long records() {
      return shards.stream().mapToLong(Shard::records).sum();
    }

    long bytes() {
      return shards.stream().mapToLong(Shard::bytes).sum();
    }
  }

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
    Result result = generate(kind, out, records, shards, compression, seed);
    print(spec.commandLine().getOut(), result, json);
    return ExitCode.OK;
  }

  /** Writes the shards; see the class comment. */
  static Result generate(
      SampleKind kind, Path out, long records, int shards, Compression compression, long seed)
      throws IOException {
    Files.createDirectories(out);
    SplittableRandom root = new SplittableRandom(seed);
    List<Path> temporaries = new ArrayList<>();
    List<Shard> written = new ArrayList<>();
    boolean complete = false;
    try {
      ExampleEncoder encoder = new ExampleEncoder();
      for (int shard = 0; shard < shards; shard++) {
        SplittableRandom random = root.split();
        long shardRecords = records / shards + (shard < records % shards ? 1 : 0);
        String name = shardName(shard, shards);
        Path temporary = Files.createTempFile(out, "." + name + ".", ".tmp");
        temporaries.add(temporary);
        try (TFRecordWriter writer = TFRecordWriter.open(temporary, compression)) {
          for (long i = 0; i < shardRecords; i++) {
            encoder.clear();
            kind.next(random, encoder);
            writer.write(encoder.toByteArray());
          }
        }
        written.add(new Shard(out.resolve(name), shardRecords, Files.size(temporary)));
      }
      for (int shard = 0; shard < shards; shard++) {
        Files.move(
            temporaries.get(shard), written.get(shard).path(), StandardCopyOption.ATOMIC_MOVE);
      }
      complete = true;
    } finally {
      if (!complete) {
        for (Path temporary : temporaries) {
          Files.deleteIfExists(temporary);
        }
      }
    }
    return new Result(kind, compression, seed, List.copyOf(written));
  }

  static String shardName(int shard, int shards) {
    return String.format("part-%05d-of-%05d.tfrecord", shard, shards);
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
