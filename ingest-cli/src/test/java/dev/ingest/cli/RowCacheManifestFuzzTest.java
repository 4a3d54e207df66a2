package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingest.fuzz.FuzzFiles;
import dev.ingest.fuzz.FuzzSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Feeds the row cache's manifest reader (what {@code ingest inspect} and {@code ingest count}
 * read when given a cache) any bytes.
 *
 * <p>The invariant: a manifest that is not whole or not well formed is a {@link
 * CorruptCacheException} (bad data, exit code 3), a cache of records a {@link UsageException},
 * and a file that cannot be read as text an {@link IOException}, each naming the file; nothing
 * else escapes, and a manifest that reads has counts that are not negative. The inputs under
 * {@code RowCacheManifestFuzzTestInputs/} replay in every test run.
 */
class RowCacheManifestFuzzTest {
  private static final Path FOLDER = FuzzFiles.scratchFolder("fuzz-rows");
  private static final String PREFIX = FOLDER.resolve("cache").toString();
  private static final Path MANIFEST = RowCacheManifest.manifestOf(PREFIX);

  @FuzzTest(maxDuration = "60s")
  void readManifest(FuzzedDataProvider data) throws IOException {
    Files.write(MANIFEST, data.consumeRemainingAsBytes());
    MANIFEST.toFile().deleteOnExit();
    RowCacheManifest manifest;
    try {
      manifest = RowCacheManifest.read(PREFIX);
    } catch (CorruptCacheException | UsageException | IOException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(manifest.rows()).isNotNegative();
    assertThat(manifest.rowsBytes()).isNotNegative();
    assertThat(manifest.recordsRead()).allSatisfy(count -> assertThat(count).isNotNegative());
    assertThat(manifest.sourceFiles()).hasSameSizeAs(manifest.recordsRead());
    assertThat(manifest.rowsFile().getParent()).isEqualTo(FOLDER);
  }

  /**
   * Writes the seed inputs into the committed corpus (run once, from the module's folder, with
   * {@code -Dfuzz.writeSeeds=true}): a whole manifest, and a manifest of a cache of records.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path inputs = Path.of("src/test/resources/dev/ingest/cli/"
        + "RowCacheManifestFuzzTestInputs/readManifest");
    String whole = String.join("\n", "ingest-cache=1", "holds=rows", "format=arrow",
        "files=2", "file.0=file:///data/a.tfrecord size=100", "records.0=10",
        "file.1=file:///data/b.tfrecord size=120", "records.1=12", "transforms=1",
        "transform.0=map:dev.example.Scale", "rows_file=cache.rows.arrow", "rows=22",
        "rows_bytes=4096", "complete=true") + "\n";
    new FuzzSeed().bytes(whole.getBytes(StandardCharsets.UTF_8)).writeTo(inputs, "whole");
    String records = "ingest-cache=1\nholds=records\ncached.0=100\ncomplete=true\n";
    new FuzzSeed().bytes(records.getBytes(StandardCharsets.UTF_8))
        .writeTo(inputs, "cache-of-records");
  }
}
