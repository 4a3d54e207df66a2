package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helpers the CLI uses instead of copies of its own: combining per-argument matches gives
 * what resolving all arguments at once gives, the glob index is the one resolve uses, and the
 * file detector reads without moving the channel.
 */
class SharedHelpersTest {
  @TempDir Path dir;

  @Test
  void mergingEachArgumentsMatchesIsResolvingThemTogether() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    for (String name : List.of("b.tfrecord", "a.tfrecord", "sub/c.tfrecord")) {
      Files.writeString(dir.resolve(name), name);
    }
    // Overlapping arguments, one file spelled two ways, in an order that is not sorted.
    List<String> arguments = List.of(dir.resolve("sub/../b.tfrecord").toString(),
        dir + "/*.tfrecord", dir.resolve("sub").toString(), dir.resolve("a.tfrecord").toString());
    List<List<Path>> perArgument = new ArrayList<>();
    for (String argument : arguments) {
      perArgument.add(RecordFiles.resolve(List.of(argument)));
    }

    assertThat(RecordFiles.merge(perArgument)).isEqualTo(RecordFiles.resolve(arguments));
  }

  @Test
  void firstGlobIndexFindsEachGlobCharacter() {
    assertThat(RecordFiles.firstGlobIndex("data/tabular")).isEqualTo(-1);
    assertThat(RecordFiles.firstGlobIndex("data/*.tfrecord")).isEqualTo(5);
    assertThat(RecordFiles.firstGlobIndex("d?/[ab]/{x,y}")).isEqualTo(1);
    assertThat(RecordFiles.firstGlobIndex("data/{a,b}/x")).isEqualTo(5);
    assertThat(RecordFiles.firstGlobIndex("data/[ab]")).isEqualTo(5);
  }

  @Test
  void detectingAnOpenFilesCompressionLeavesItsPosition() throws IOException {
    Path gzip = dir.resolve("g.tfrecord.gz");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
      out.write(new byte[100]);
    }
    Path empty = Files.createFile(dir.resolve("empty.tfrecord"));
    try (FileChannel channel = FileChannel.open(gzip)) {
      channel.position(3);
      assertThat(Compression.detect(channel)).isEqualTo(Compression.GZIP);
      assertThat(channel.position()).isEqualTo(3);
    }
    try (FileChannel channel = FileChannel.open(empty)) {
      assertThat(Compression.detect(channel)).isEqualTo(Compression.NONE);
    }
  }
}
