package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFilesTest {
  @TempDir Path dir;

  @BeforeEach
  void layOutFiles() throws IOException {
    Files.writeString(dir.resolve("b.tfrecord"), "b");
    Files.writeString(dir.resolve("a.tfrecord"), "a");
    Files.writeString(dir.resolve("c.txt"), "c");
    Files.writeString(dir.resolve(".hidden.tfrecord"), "h");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/d.tfrecord"), "d");
  }

  @Test
  void aFileIsItself() throws IOException {
    assertThat(RecordFiles.resolve(List.of(dir.resolve("c.txt").toString())))
        .containsExactly(dir.resolve("c.txt"));
  }

  @Test
  void aFolderIsItsVisibleRegularFilesSorted() throws IOException {
    assertThat(RecordFiles.resolve(List.of(dir.toString())))
        .containsExactly(dir.resolve("a.tfrecord"), dir.resolve("b.tfrecord"), dir.resolve("c.txt"));
  }

  @Test
  void aFolderOrAGlobLeavesOutIndexSidecarsUnlessTheyAreNamed() throws IOException {
    Files.writeString(dir.resolve("a.tfrecord.idx"), "i");

    assertThat(RecordFiles.resolve(List.of(dir.toString())))
        .containsExactly(dir.resolve("a.tfrecord"), dir.resolve("b.tfrecord"), dir.resolve("c.txt"));
    assertThat(RecordFiles.resolve(List.of(dir + "/*")))
        .containsExactly(dir.resolve("a.tfrecord"), dir.resolve("b.tfrecord"), dir.resolve("c.txt"));
    assertThat(RecordFiles.resolve(List.of(dir + "/*.idx")))
        .containsExactly(dir.resolve("a.tfrecord.idx"));
    assertThat(RecordFiles.resolve(List.of(dir.resolve("a.tfrecord.idx").toString())))
        .containsExactly(dir.resolve("a.tfrecord.idx"));
  }

  @Test
  void aGlobMatchesFilesInItsFolderOnly() throws IOException {
    assertThat(RecordFiles.resolve(List.of(dir + "/*.tfrecord")))
        .containsExactly(dir.resolve("a.tfrecord"), dir.resolve("b.tfrecord"));
  }

  @Test
  void doubleStarCrossesFolders() throws IOException {
    assertThat(RecordFiles.resolve(List.of(dir + "/**/?.tfrecord")))
        .containsExactly(dir.resolve("sub/d.tfrecord"));
    assertThat(RecordFiles.resolve(List.of(dir + "/{sub/d,a}.tfrecord")))
        .containsExactly(dir.resolve("a.tfrecord"), dir.resolve("sub/d.tfrecord"));
  }

  @Test
  void aRelativeGlobIsRelativeToTheWorkingDirectoryAndGivesRelativePaths() throws IOException {
    Path relativeDir = Path.of("").toAbsolutePath().relativize(dir);

    List<Path> files = RecordFiles.resolve(List.of(relativeDir + "/a*"));

    assertThat(files).containsExactly(relativeDir.resolve("a.tfrecord").normalize());
    assertThat(files.get(0).isAbsolute()).isFalse();
  }

  @Test
  void theResultIsSortedAndHasNoDuplicates() throws IOException {
    List<Path> files =
        RecordFiles.resolve(
            List.of(
                dir.resolve("b.tfrecord").toString(),
                dir + "/*.tfrecord",
                dir.resolve("sub/../a.tfrecord").toString()));

    assertThat(files).containsExactly(dir.resolve("a.tfrecord"), dir.resolve("b.tfrecord"));
  }

  @Test
  void anArgumentThatMatchesNothingIsNamed() throws IOException {
    Files.createDirectories(dir.resolve("empty"));

    assertThatThrownBy(() -> RecordFiles.resolve(List.of(dir + "/*.tfrecord", dir + "/*.gz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir + "/*.gz");
    assertThatThrownBy(() -> RecordFiles.resolve(List.of(dir.resolve("missing").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> RecordFiles.resolve(List.of(dir.resolve("empty").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> RecordFiles.resolve(List.of(dir + "/nope/*.tfrecord")))
        .isInstanceOf(IllegalArgumentException.class);
  }

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
}
