package dev.ingest.cli;

import dev.ingest.tfrecord.sample.SampleKind;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeterminismTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SampleKind.class)
  void theSameSeedWritesTheSameBytesAndAnotherSeedOtherBytes(SampleKind kind) throws IOException {
    List<byte[]> first = gen(kind, "first", "7");
    List<byte[]> again = gen(kind, "again", "7");
    List<byte[]> other = gen(kind, "other", "8");

    assertThat(first).hasSize(3);
    for (int shard = 0; shard < first.size(); shard++) {
      assertThat(again.get(shard)).isEqualTo(first.get(shard));
      assertThat(other.get(shard)).isNotEqualTo(first.get(shard));
    }
    // Each shard draws from its own random stream: no two shards are alike.
    assertThat(first.get(1)).isNotEqualTo(first.get(0));
  }

  private List<byte[]> gen(SampleKind kind, String folder, String seed) throws IOException {
    Path out = dir.resolve(folder);
    Cli.Outcome gen = Cli.run("gen", "--kind", kind.wireName(), "--out", out.toString(),
        "--records", "30", "--shards", "3", "--compression", "gzip", "--seed", seed);
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    List<byte[]> contents = new java.util.ArrayList<>();
    for (Path shard : RoundTripTest.shards(out)) {
      contents.add(Files.readAllBytes(shard));
    }
    return contents;
  }
}
