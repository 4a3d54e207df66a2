package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Globs on s3:// paths match exactly what the JDK's Unix globs match for the same strings. */
class S3GlobsProperties {
  private static S3FileSystem fileSystem;

  @BeforeContainer
  static void open() {
    TestStores.useStaticCredentials();
    fileSystem = new S3FileSystemProvider(new WholeObjectReadChannels()).newFileSystem(
        URI.create("s3://globs"), Map.of(S3Settings.ENDPOINT, "http://127.0.0.1:1",
            S3Settings.REGION, "us-east-1"));
  }

  @AfterContainer
  static void close() {
    fileSystem.close();
  }

  @Provide
  Arbitrary<String> globs() {
    return Arbitraries.of("*", "**", "?", "a", "b", ".", "/", "[ab]", "[!a]", "[a-b]", "{a,b}",
        "{a*,?b}", "\\*", "*.t", "[.]").list().ofMinSize(1).ofMaxSize(6)
        .map(tokens -> String.join("", tokens));
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of("a", "b", "ab", ".t", "*", "/", "x.t").list().ofMinSize(1).ofMaxSize(6)
        .map(tokens -> String.join("", tokens));
  }

  @Property(tries = 2000)
  void matchesWhatUnixGlobsMatch(@ForAll("globs") String glob, @ForAll("keys") String key) {
    PathMatcher unix = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    PathMatcher s3 = fileSystem.getPathMatcher("glob:" + glob);
    assertThat(s3.matches(fileSystem.getPath(key))).as("%s on %s", glob, key)
        .isEqualTo(unix.matches(Path.of(key)));
  }

  @Example
  void matchesShardsOfAPrefix() {
    PathMatcher shards = fileSystem.getPathMatcher("glob:/data/**/*.tfrecord");
    assertThat(shards.matches(fileSystem.getPath("/data/train/x.tfrecord"))).isTrue();
    assertThat(shards.matches(fileSystem.getPath("/data/x.tfrecord"))).isFalse();
    assertThat(shards.matches(Path.of("/data/train/x.tfrecord"))).isFalse();
    assertThat(fileSystem.getPathMatcher("regex:.*/x\\.t.*")
        .matches(fileSystem.getPath("/data/x.tfrecord"))).isTrue();
  }

  @Example
  void refusesMalformedGlobsAndUnknownSyntaxes() {
    assertThatThrownBy(() -> fileSystem.getPathMatcher("glob:{a,{b}}"))
        .isInstanceOf(PatternSyntaxException.class);
    assertThatThrownBy(() -> fileSystem.getPathMatcher("glob:[ab"))
        .isInstanceOf(PatternSyntaxException.class);
    assertThatThrownBy(() -> fileSystem.getPathMatcher("shell:*"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
