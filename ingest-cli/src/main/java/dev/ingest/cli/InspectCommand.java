package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.DType;
import dev.ingest.InvalidExampleException;
import dev.ingest.cli.inspect.DecodedExample;
import dev.ingest.cli.inspect.ExampleDecoder;
import dev.ingest.cli.inspect.FeatureValues;
import dev.ingest.cli.inspect.InferredFeature;
import dev.ingest.cli.inspect.ParseExampleYaml;
import dev.ingest.cli.inspect.SchemaInference;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ingest inspect}: reads the first records of TFRecord files of {@code tf.train.Example},
 * infers each feature's type and values per record, prints that as a {@code parse_example} stage
 * ready to paste into a pipeline YAML, and prints the first records as JSON lines.
 *
 * <p>A PATH that is a row cache's prefix (its {@code PREFIX.manifest} says {@code holds=rows})
 * is inspected as a cache instead: see {@link CachedRowsReport}.
 *
 * <p>Records are read under the {@code fail} policy: a corrupt record (exit 3) or one that is not
 * an Example (exit 3, an {@link InvalidExampleException}) ends the command, naming the file, the
 * record's byte offset and its index.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Infers the feature schema of TFRecord files of tf.train.Example from their"
        + " first records, prints it as a parse_example stage ready to paste into a pipeline YAML,"
        + " and prints the first records as JSON lines (bytes values in base64). For a row"
        + " cache's path prefix (cache/train, whose cache/train.manifest exists): its features,"
        + " rows, source files and transforms, and its first rows.")
final class InspectCommand implements Callable<Integer> {
  static final String DEFAULT_SCAN = "1000";
  static final String DEFAULT_LIMIT = "5";

  @Spec CommandSpec spec;

  @Mixin RecordInputs inputs;

  @Option(names = "--limit", paramLabel = "N", defaultValue = DEFAULT_LIMIT,
      description = "records to print as JSON lines (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--scan", paramLabel = "N", defaultValue = DEFAULT_SCAN,
      description = "records to infer the schema from, in file order; 0: every record"
          + " (default: ${DEFAULT-VALUE})")
  long scan;

  /** One record as read: where it is and what it holds. */
  record Located(Path path, long record, DecodedExample example) {}

  /** What a scan found: the schema and the first records. */
  record Inspection(long records, List<InferredFeature> features, List<Located> examples) {}

  @Override
  public Integer call() throws IOException {
    if (limit < 0) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 0");
    }
    if (scan < 0) {
      throw new ParameterException(spec.commandLine(), "--scan must be at least 0 (0: every record)");
    }
    for (String argument : inputs.paths) {
      String prefix = RowCacheManifest.cachePrefix(argument);
      if (prefix != null && inputs.paths.size() > 1) {
        throw new UsageException(argument + " is a row cache: inspect it on its own");
      }
      if (prefix != null) {
        RowCacheManifest cache = RowCacheManifest.read(prefix);
        CachedRowsReport.print(spec.commandLine().getOut(), cache, CachedRows.read(cache, limit),
            inputs.json);
        return ExitCode.OK;
      }
    }
    List<Path> files = InputFiles.resolve(inputs.paths);
    long toRead = scan == 0 ? Long.MAX_VALUE : Math.max(scan, limit);
    Inspection inspection = inspect(files, inputs.compression, toRead, limit);
    PrintWriter out = spec.commandLine().getOut();
    if (inputs.json) {
      Json.print(out, json(inspection));
    } else {
      printHuman(out, inspection);
    }
    return ExitCode.OK;
  }

  /**
   * Reads up to {@code toRead} records, in file order, into a schema, keeping the first {@code
   * limit} of them.
   *
   * @throws dev.ingest.CorruptRecordException at the first corrupt record
   * @throws InvalidExampleException at the first record that is not a {@code tf.train.Example}
   */
  static Inspection inspect(List<Path> files, Compression compression, long toRead, int limit)
      throws IOException {
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withCompression(compression)
        .withOnCorrupt(CorruptionPolicy.FAIL);
    SchemaInference inference = new SchemaInference();
    List<Located> examples = new ArrayList<>();
    for (Path file : files) {
      try (TFRecordReader reader = TFRecordReader.open(file, options)) {
        for (long index = 0; inference.records() < toRead && reader.advance(); index++) {
          DecodedExample example;
          try {
            example = ExampleDecoder.decode(
                reader.buffer().nioBuffer(reader.recordStart(), reader.recordLength()));
          } catch (InvalidProtocolBufferException e) {
            throw new InvalidExampleException(file, reader.recordOffset(), index, null,
                InvalidExampleException.Reason.MALFORMED,
                "not a tf.train.Example: " + e.getMessage());
          }
          inference.add(example);
          if (examples.size() < limit) {
            examples.add(new Located(file, index, example));
          }
        }
      }
      if (inference.records() >= toRead) {
        break;
      }
    }
    return new Inspection(inference.records(), inference.features(), List.copyOf(examples));
  }

  static ObjectNode json(Inspection inspection) {
    ObjectNode node = Json.object();
    node.put("records_scanned", inspection.records());
    ArrayNode features = node.putArray("features");
    for (InferredFeature feature : inspection.features()) {
      features.addObject()
          .put("name", feature.name())
          .put("type", feature.dtype() == null ? "mixed" : feature.dtype().wireName())
          .put("min_length", feature.minLength())
          .put("max_length", feature.maxLength())
          .put("fixed_length", feature.fixedLength())
          .put("present_in_all", feature.presentInAll())
          .put("records_present", feature.recordsPresent());
    }
    node.put("parse_example", ParseExampleYaml.render(inspection.features()));
    ArrayNode examples = node.putArray("examples");
    inspection.examples().forEach(example -> examples.add(example(example)));
    return node;
  }

  /**
   * One record as a JSON object: {@code {"path", "record", "features": {name: {"int64_list":
   * [...]}}}}, the list named as in {@code tf.train.Feature}; bytes values in standard base64.
   */
  static ObjectNode example(Located located) {
    return example(located.path().toString(), located.record(), located.example());
  }

  /** As {@link #example(Located)}, for a record known by its file's name or URI. */
  static ObjectNode example(String path, long record, DecodedExample example) {
    ObjectNode node = Json.object();
    node.put("path", path);
    node.put("record", record);
    ObjectNode features = node.putObject("features");
    for (Map.Entry<String, FeatureValues> entry : example.features().entrySet()) {
      FeatureValues values = entry.getValue();
      ArrayNode list = features.putObject(entry.getKey()).putArray(listName(values.dtype()));
      for (Object value : values.values()) {
        switch (values.dtype()) {
          case FLOAT32 -> list.add((Float) value);
          case INT64 -> list.add((Long) value);
          case BYTES -> list.add(Base64.getEncoder().encodeToString((byte[]) value));
        }
      }
    }
    return node;
  }

  private static String listName(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> "float_list";
      case INT64 -> "int64_list";
      case BYTES -> "bytes_list";
    };
  }

  static void printHuman(PrintWriter out, Inspection inspection) {
    out.printf("Scanned %d records; each feature's values per record count only the records"
        + " that hold it.%n%n", inspection.records());
    out.printf("  %-24s %-8s %-16s %s%n", "feature", "type", "values/record", "in records");
    for (InferredFeature feature : inspection.features()) {
      String lengths = feature.fixedLength() ? String.valueOf(feature.minLength())
          : feature.minLength() + ".." + feature.maxLength();
      out.printf("  %-24s %-8s %-16s %d of %d%n", feature.name(),
          feature.dtype() == null ? "mixed" : feature.dtype().wireName(), lengths,
          feature.recordsPresent(), feature.recordsScanned());
    }
    out.println();
    out.println("A parse_example stage for a pipeline YAML (paste it under stages:):");
    out.println();
    out.print(ParseExampleYaml.render(inspection.features()));
    out.println();
    if (!inspection.examples().isEmpty()) {
      out.printf("The first %d records as JSON lines (bytes values in base64):%n",
          inspection.examples().size());
      for (Located example : inspection.examples()) {
        Json.print(out, example(example));
      }
    }
    out.flush();
  }
}
