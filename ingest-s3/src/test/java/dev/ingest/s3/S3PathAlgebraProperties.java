package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The path algebra of {@link S3Path} is the JDK's Unix one: for the same strings, every
 * operation gives the same result (or the same kind of failure) as {@code Path.of} on Unix.
 */
class S3PathAlgebraProperties {
  private static S3FileSystem fileSystem;

  @BeforeContainer
  static void open() {
    TestStores.useStaticCredentials();
    // Path algebra asks no store; the endpoint is never dialled.
    fileSystem = new S3FileSystemProvider(new WholeObjectReadChannels()).newFileSystem(
        URI.create("s3://algebra"), Map.of(S3Settings.ENDPOINT, "http://127.0.0.1:1",
            S3Settings.REGION, "us-east-1"));
  }

  @AfterContainer
  static void close() {
    fileSystem.close();
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> name = Arbitraries.of("a", "b", "ab", ".", "..", ".a");
    Arbitrary<String> separator = Arbitraries.of("/", "/", "/", "//");
    return Arbitraries.integers().between(0, 5).flatMap(count -> {
      Arbitrary<List<String>> names = name.list().ofSize(count);
      Arbitrary<List<String>> separators = separator.list().ofSize(count + 1);
      Arbitrary<Boolean> absolute = Arbitraries.of(true, false);
      Arbitrary<Boolean> trailing = Arbitraries.of(true, false, false);
      return net.jqwik.api.Combinators.combine(names, separators, absolute, trailing)
          .as((n, s, abs, trail) -> {
            StringBuilder path = new StringBuilder(abs ? s.get(0) : "");
            for (int i = 0; i < n.size(); i++) {
              if (i > 0) {
                path.append(s.get(i));
              }
              path.append(n.get(i));
            }
            if (trail && path.length() > 0) {
              path.append('/');
            }
            return path.toString();
          });
    });
  }

  private static S3Path s3(String path) {
    return fileSystem.getPath(path);
  }

  private static String text(Path path) {
    if (path == null) {
      return null;
    }
    return path instanceof S3Path ? ((S3Path) path).pathString() : path.toString();
  }

  /** The outcome of an operation: its result as text, or the kind of exception it threw. */
  private static String outcome(Supplier<Object> operation) {
    try {
      Object result = operation.get();
      return result instanceof Path ? "path " + text((Path) result) : String.valueOf(result);
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  @Property
  void namesAndPartsAreUnixs(@ForAll("paths") String path) {
    Path unix = Path.of(path);
    S3Path s3 = s3(path);
    assertThat(text(s3)).isEqualTo(text(unix));
    assertThat(s3.isAbsolute()).isEqualTo(unix.isAbsolute());
    assertThat(text(s3.getFileName())).isEqualTo(text(unix.getFileName()));
    assertThat(text(s3.getParent())).isEqualTo(text(unix.getParent()));
    assertThat(text(s3.getRoot())).isEqualTo(text(unix.getRoot()));
    assertThat(s3.getNameCount()).isEqualTo(unix.getNameCount());
    for (int i = -1; i <= unix.getNameCount(); i++) {
      int index = i;
      assertThat(outcome(() -> s3.getName(index))).isEqualTo(outcome(() -> unix.getName(index)));
      for (int j = -1; j <= unix.getNameCount() + 1; j++) {
        int end = j;
        assertThat(outcome(() -> s3.subpath(index, end)))
            .isEqualTo(outcome(() -> unix.subpath(index, end)));
      }
    }
    List<String> s3Names = new ArrayList<>();
    s3.forEach(name -> s3Names.add(text(name)));
    List<String> unixNames = new ArrayList<>();
    unix.forEach(name -> unixNames.add(text(name)));
    assertThat(s3Names).isEqualTo(unixNames);
    assertThat(text(s3.normalize())).isEqualTo(text(unix.normalize()));
  }

  @Property
  void twoPathAlgebraIsUnixs(@ForAll("paths") String first, @ForAll("paths") String second) {
    Path unixA = Path.of(first);
    Path unixB = Path.of(second);
    S3Path a = s3(first);
    S3Path b = s3(second);
    assertThat(text(a.resolve(b))).isEqualTo(text(unixA.resolve(unixB)));
    assertThat(text(a.resolveSibling(b))).isEqualTo(text(unixA.resolveSibling(unixB)));
    assertThat(outcome(() -> a.relativize(b))).isEqualTo(outcome(() -> unixA.relativize(unixB)));
    assertThat(a.startsWith(b)).as("startsWith").isEqualTo(unixA.startsWith(unixB));
    assertThat(a.endsWith(b)).as("endsWith").isEqualTo(unixA.endsWith(unixB));
    assertThat(a.equals(b)).isEqualTo(unixA.equals(unixB));
    assertThat(Integer.signum(a.compareTo(b)))
        .isEqualTo(Integer.signum(unixA.compareTo(unixB)));
  }

  @Property
  void theUriFormIsAnAbsolutePathsNameAndParsesBack(@ForAll("paths") String path) {
    S3Path s3 = s3(path);
    S3Path absolute = s3.toAbsolutePath();
    assertThat(absolute.isAbsolute()).isTrue();
    assertThat(absolute.toString()).isEqualTo("s3://algebra" + text(absolute));
    assertThat(fileSystem.getPath(absolute.toString())).isEqualTo(absolute);
    assertThat(fileSystem.provider().getPath(absolute.toUri())).isEqualTo(absolute);
    assertThat(s3(s3.toString())).isEqualTo(s3);
  }

  @Example
  void keysAndUrisOfAnObject() {
    S3Path object = s3("/data/train/shard-0.tfrecord");
    assertThat(object.key()).isEqualTo("data/train/shard-0.tfrecord");
    assertThat(object.bucket()).isEqualTo("algebra");
    assertThat(object.toUri()).isEqualTo(URI.create("s3://algebra/data/train/shard-0.tfrecord"));
    assertThat(s3("relative/x").toAbsolutePath()).hasToString("s3://algebra/relative/x");
    assertThat(s3("/").getRoot()).isEqualTo(s3("/"));
    assertThat(s3("/").toString()).isEqualTo("s3://algebra/");
  }

  @Example
  void comparingWithAnotherProvidersPathThrowsAsTheJdkDoes() {
    assertThatThrownBy(() -> s3("/a").compareTo(Path.of("/a")))
        .isInstanceOf(ClassCastException.class);
    assertThat(s3("/a")).isNotEqualTo(Path.of("/a"));
    assertThatThrownBy(() -> s3("/a").resolve(Path.of("b")))
        .isInstanceOf(java.nio.file.ProviderMismatchException.class);
  }

  @Example
  void registerAndToFileAreUnsupported() {
    assertThatThrownBy(() -> s3("/a").toFile()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s3("/a").register(null))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Example
  void anotherBucketsUriIsNoPathOfThisOne() {
    assertThatThrownBy(() -> fileSystem.getPath("s3://other/key"))
        .isInstanceOf(java.nio.file.InvalidPathException.class);
  }
}
