package dev.ingest.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingest.fuzz.FuzzFiles;
import dev.ingest.fuzz.FuzzSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Feeds the file cache's manifest reader ({@code PREFIX.manifest}, what decides whether a cache
 * is whole and whose it is) any bytes, then compares what it read with a pipeline's fingerprint,
 * as a run that finds the cache does.
 *
 * <p>The invariant: a manifest that is not whole or not well formed is an {@link IOException}
 * naming it; one that reads is a manifest a run can compare (the comparison throws nothing).
 * The inputs under {@code CacheManifestFuzzTestInputs/} replay in every test run.
 */
class CacheManifestFuzzTest {
  private static final Path FILE = FuzzFiles.scratchFile("fuzz", ".manifest");
  private static final CacheFingerprint NOW = CacheFingerprint.parse(List.of(
      "ingest-cache=1", "file.0=file:///data/a.tfrecord size=100 modified=2024-01-01T00:00:00Z"));

  @FuzzTest(maxDuration = "60s")
  void readManifest(FuzzedDataProvider data) throws IOException {
    Files.write(FILE, data.consumeRemainingAsBytes());
    CacheManifest manifest;
    try {
      manifest = CacheManifest.read(FILE);
    } catch (IOException refused) {
      assertThat(refused.getMessage()).isNotNull();
      return;
    }
    assertThat(manifest).isNotNull();
    assertThat(manifest.fingerprint().differences(NOW)).isNotNull();
    assertThat(manifest.cachedBytes()).doesNotContainNull();
  }

  /**
   * Writes the seed inputs into the committed corpus (run once, from the module's folder, with
   * {@code -Dfuzz.writeSeeds=true}): a whole manifest, and the same cut short.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path inputs = Path.of("src/test/resources/dev/ingest/runtime/cache/"
        + "CacheManifestFuzzTestInputs/readManifest");
    String whole = String.join("\n", NOW.lines()) + "\ncached.0=3145728\ncomplete=true\n";
    new FuzzSeed().bytes(whole.getBytes(StandardCharsets.UTF_8)).writeTo(inputs, "whole");
    new FuzzSeed().bytes(whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8))
        .writeTo(inputs, "cut-short");
  }
}
