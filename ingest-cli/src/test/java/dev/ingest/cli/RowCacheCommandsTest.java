package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.Batch;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.spi.RowFileFormat;
import dev.ingest.spi.RowFileWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import dev.ingest.tfrecord.example.ExampleParser;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code count} and {@code inspect} on a row cache's prefix, against a cache written here in the
 * layout the runtime writes: an Arrow rows file through the {@link RowFileFormat} service, and a
 * manifest naming it.
 */
class RowCacheCommandsTest {
  private static final ExampleSpec FEATURES = ExampleSpec.of(
      FeatureSpec.fixed("label", DType.INT64),
      FeatureSpec.varLen("tokens", DType.INT64),
      FeatureSpec.fixed("name", DType.BYTES));
  private static final String SOURCE_A = "file:///data/part-0.tfrecord";
  private static final String SOURCE_B = "file:///data/part-1.tfrecord";
  private static final int ROWS = 5;

  @TempDir Path dir;
  private String prefix;
  private Path rowsFile;

  @BeforeEach
  void writeCache() throws Exception {
    Files.createDirectories(dir.resolve("cache"));
    prefix = dir.resolve("cache/train").toString();
    rowsFile = dir.resolve("cache/train.rows.arrow");
    RowFileFormat format = ServiceLoader.load(RowFileFormat.class).stream()
        .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("arrow-ipc")).findFirst()
        .orElseThrow();
    try (Batch chunk = parse(); RowFileWriter writer = format.create(rowsFile, FEATURES)) {
      // Rows of records 0, 2, 3 of part-0 (a filter dropped record 1) and 0, 1 of part-1.
      writer.write(chunk, ROWS, new int[] {0, 0, 0, 1, 1}, new long[] {0, 2, 3, 0, 1},
          new long[] {0, 40, 80, 0, 40});
      writer.finish();
    }
    writeManifest(ROWS, Files.size(rowsFile));
  }

  /** Row i: label i, tokens [i, i+1, ...] (i of them), name "row-i". */
  private static Batch parse() throws Exception {
    SerializedRecords records = new SerializedRecords(ROWS);
    List<ByteBuf> buffers = new ArrayList<>();
    ExampleEncoder encoder = new ExampleEncoder();
    for (int i = 0; i < ROWS; i++) {
      long[] tokens = new long[i];
      for (int t = 0; t < i; t++) {
        tokens[t] = i + t;
      }
      encoder.clear().putInt64("label", i).putInt64s("tokens", tokens)
          .putBytes("name", ("row-" + i).getBytes(StandardCharsets.UTF_8));
      ByteBuf buffer = Unpooled.wrappedBuffer(encoder.toByteArray());
      buffers.add(buffer);
      records.add(buffer);
    }
    try {
      return new ExampleParser(FEATURES).parse(records);
    } finally {
      buffers.forEach(ByteBuf::release);
    }
  }

  private void writeManifest(long rows, long rowsBytes) throws IOException {
    Files.write(Path.of(prefix + ".manifest"), List.of(
        "ingest-cache=2", "holds=rows", "format=arrow-ipc", "compression=auto",
        "verify_crc=true", "on_corrupt=fail", "shard=file 0 of 1", "files=2",
        "file.0=" + SOURCE_A + " size=160 modified=1700000000000",
        "file.1=" + SOURCE_B + " size=80 modified=1700000000000",
        "features=label:int64:[] name:bytes:[] tokens:int64:var_len",
        "transforms=1", "transform.0=burn_cpu nanos_per_record=10000",
        "rows=" + rows, "records.0=4", "records.1=2",
        "rows_file=train.rows.arrow", "rows_bytes=" + rowsBytes, "complete=true"),
        StandardCharsets.UTF_8);
  }

  @Test
  void countCountsTheRowsOfAPrefixAndTheRecordsOfFilesBesideIt() throws IOException {
    Cli.Outcome human = Cli.run("count", prefix);
    Cli.Outcome json = Cli.run("count", "--json", prefix);

    assertThat(human.exitCode()).as(human.err()).isZero();
    assertThat(human.out()).contains(
        "           5  " + rowsFile + "  (rows of the cache " + prefix + ")",
        "           5  total (1 file)");
    JsonNode file = json.json().get("files").get(0);
    assertThat(file.get("path").asText()).isEqualTo(rowsFile.toString());
    assertThat(file.get("records").asLong()).isEqualTo(ROWS);
    assertThat(file.get("cache").asText()).isEqualTo(prefix);
    assertThat(json.json().get("total").asLong()).isEqualTo(ROWS);
    assertThat(Cli.run("count", "--json", prefix + ".manifest").json().get("total").asLong())
        .as("the manifest named instead of its prefix").isEqualTo(ROWS);
  }

  @Test
  void aRowCountOtherThanTheManifestsIsBadDataNamingTheRowsFile() throws IOException {
    writeManifest(ROWS + 1, Files.size(rowsFile));

    Cli.Outcome outcome = Cli.run("count", prefix);

    assertThat(outcome.exitCode()).isEqualTo(ExitCode.BAD_DATA);
    assertThat(outcome.err()).contains(rowsFile + " holds 5 rows, but " + prefix
        + ".manifest says rows=6");
  }

  @Test
  void aRowsFileOfAnotherSizeIsBadDataNamingIt() throws IOException {
    writeManifest(ROWS, Files.size(rowsFile) + 8);

    Cli.Outcome outcome = Cli.run("inspect", prefix);

    assertThat(outcome.exitCode()).isEqualTo(ExitCode.BAD_DATA);
    assertThat(outcome.err()).contains(rowsFile + " has " + Files.size(rowsFile) + " bytes, but "
        + prefix + ".manifest says rows_bytes=" + (Files.size(rowsFile) + 8));
  }

  @Test
  void aPrefixWhoseFillNeverFinishedIsNotACompleteCache() throws IOException {
    String partial = dir.resolve("cache/half").toString();
    Files.writeString(Path.of(partial + ".filling"), "ingest-cache=2\n");

    Cli.Outcome count = Cli.run("count", partial);
    Cli.Outcome inspect = Cli.run("inspect", partial);

    assertThat(count.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(count.err()).contains(partial + " is not a complete cache: no " + partial
        + ".manifest");
    assertThat(inspect.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(inspect.err()).contains(partial + " is not a complete cache: no " + partial
        + ".manifest");
  }

  @Test
  void inspectSaysWhatTheCacheHoldsAndPrintsItsFirstRowsLikeRecords() {
    Cli.Outcome outcome = Cli.run("inspect", "--limit", "3", prefix);

    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains(
        "Row cache " + prefix + ": 5 rows in " + rowsFile + " (arrow-ipc, ",
        "  label                    int64    1",
        "  name                     bytes    1",
        "  tokens                   int64    var_len",
        "             4  " + SOURCE_A,
        "             2  " + SOURCE_B,
        "  burn_cpu nanos_per_record=10000",
        "The first 3 rows as JSON lines");
    assertThat(outcome.out()).contains("{\"path\":\"" + SOURCE_A + "\",\"record\":2,\"features\":"
        + "{\"label\":{\"int64_list\":[1]},\"name\":{\"bytes_list\":[\""
        + Base64.getEncoder().encodeToString("row-1".getBytes(StandardCharsets.UTF_8))
        + "\"]},\"tokens\":{\"int64_list\":[1]}}}");
    assertThat(outcome.out().lines().filter(line -> line.startsWith("{\"path\""))).hasSize(3);
  }

  @Test
  void inspectJsonHasTheRowsFeaturesSourcesTransformsAndExamples() {
    JsonNode json = Cli.run("inspect", "--json", prefix).json();

    assertThat(json.get("holds").asText()).isEqualTo("rows");
    assertThat(json.get("rows").asLong()).isEqualTo(ROWS);
    assertThat(json.get("features")).extracting(f -> f.get("name").asText())
        .containsExactly("label", "name", "tokens");
    assertThat(json.at("/features/2/var_len").asBoolean()).isTrue();
    assertThat(json.at("/sources/1/uri").asText()).isEqualTo(SOURCE_B);
    assertThat(json.at("/sources/0/records").asLong()).isEqualTo(4);
    assertThat(json.at("/transforms/0").asText()).isEqualTo("burn_cpu nanos_per_record=10000");
    JsonNode last = json.at("/examples/4");
    assertThat(last.get("path").asText()).isEqualTo(SOURCE_B);
    assertThat(last.get("record").asLong()).isEqualTo(1);
    assertThat(last.at("/features/tokens/int64_list").toString()).isEqualTo("[4,5,6,7]");
    assertThat(last.at("/features/label/int64_list").toString()).isEqualTo("[4]");
  }
}
