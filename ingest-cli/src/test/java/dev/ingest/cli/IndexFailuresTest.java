package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.CorruptIndexException;
import dev.ingest.IngestException;
import dev.ingest.MissingIndexException;
import dev.ingest.StaleIndexException;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.index.CompressedShardException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The exit codes of the reasons a shard's record index is refused, thrown as they are or, as a
 * pipeline's source stage reports them, wrapped in an {@link IngestException}: a missing or stale
 * index and a compressed shard are the configuration's to fix (2), a corrupt index is bad data (3).
 */
class IndexFailuresTest {
  private static final Path SHARD = Path.of("data", "part-00001.tfrecord");
  private static final Path SIDECAR = Path.of("data", "part-00001.tfrecord.idx");

  @Test
  void aMissingIndexIsBadConfigurationNamingTheShardAndTheCommand() {
    for (Exception e : thrownAndWrapped(new MissingIndexException(SHARD, SIDECAR))) {
      Failure failure = Failure.of(e);

      assertThat(failure.exitCode()).as(e.toString()).isEqualTo(ExitCode.USAGE);
      assertThat(failure.message()).contains("ingest index " + SHARD).contains("index: build");
      assertThat(failure.internal()).isFalse();
    }
  }

  @Test
  void aStaleIndexIsBadConfiguration() {
    for (Exception e : thrownAndWrapped(
        new StaleIndexException(SIDECAR, SHARD, "size in bytes", "10", "20"))) {
      assertThat(Failure.of(e).exitCode()).as(e.toString()).isEqualTo(ExitCode.USAGE);
    }
  }

  @Test
  void aCompressedShardReadByRecordIsBadConfiguration() {
    for (Exception e : thrownAndWrapped(new CompressedShardException(SHARD, Compression.GZIP))) {
      assertThat(Failure.of(e).exitCode()).as(e.toString()).isEqualTo(ExitCode.USAGE);
    }
  }

  @Test
  void aCorruptIndexIsBadData() {
    for (Exception e : thrownAndWrapped(new CorruptIndexException(SIDECAR, "it is short"))) {
      assertThat(Failure.of(e).exitCode()).as(e.toString()).isEqualTo(ExitCode.BAD_DATA);
    }
  }

  private static Exception[] thrownAndWrapped(Exception e) {
    return new Exception[] {e, new IngestException("read", e)};
  }
}
