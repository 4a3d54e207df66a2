package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.spi.ReadAhead;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locations as text become paths; only {@code scheme://} is taken for a URI. */
class StoragePathsTest {
  @TempDir Path dir;

  @Test
  void aLocationWithoutSchemeIsTheLocalPathAsBefore() {
    for (String location : List.of("data/x.tfrecord", "/abs/x", "s3:/one-slash", "a:b", "")) {
      assertThat(StoragePaths.isUri(location)).as(location).isFalse();
      assertThat(StoragePaths.path(location)).isEqualTo(Path.of(location));
      assertThat(StoragePaths.isLocal(StoragePaths.path(location))).isTrue();
    }
  }

  @Test
  void aFileUriIsItsLocalPath() {
    assertThat(StoragePaths.path("file:///tmp/a/b.tfrecord")).isEqualTo(Path.of("/tmp/a/b.tfrecord"));
  }

  @Test
  void aSchemeNoInstalledProviderServesIsRefusedNamingTheLocation() {
    assertThatThrownBy(() -> StoragePaths.path("gopher://host/data/*.tfrecord"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gopher://host/data/*.tfrecord")
        .hasMessageContaining("no file system is installed for gopher://");
    // Without ingest-s3 on this module's class path, the message says which module serves s3.
    assertThatThrownBy(() -> StoragePaths.path("s3://bucket/key"))
        .hasMessageContaining("s3://bucket/key").hasMessageContaining("ingest-s3");
  }

  @Test
  void aGlobInTheBucketIsRefusedNotListed() {
    assertThatThrownBy(() -> RecordFiles.resolve(List.of("s3://bucket-*/x.tfrecord")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3://bucket-*/x.tfrecord")
        .hasMessageContaining("scheme or bucket");
  }

  @Test
  void aLocalFileIsReadThroughAFileChannelWhateverTheReadAhead() throws IOException {
    Path file = Files.writeString(dir.resolve("a"), "abc");
    try (SeekableByteChannel channel = StoragePaths.openForReading(file, ReadAhead.auto())) {
      assertThat(channel).isInstanceOf(FileChannel.class);
      assertThat(channel.size()).isEqualTo(3);
    }
  }

  @Test
  void localPathsSortAsTheyAlwaysHave() {
    List<Path> paths = new ArrayList<>(List.of(Path.of("b/2"), Path.of("a/10"), Path.of("a/1")));
    paths.sort(StoragePaths.order());
    assertThat(paths).containsExactly(Path.of("a/1"), Path.of("a/10"), Path.of("b/2"));
  }
}
