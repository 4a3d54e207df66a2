package dev.ingest.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The provider against an S3 server in this JVM: listing, attributes, writes read back, and the
 * object-store semantics of create, copy, move and delete. Reads go through one whole-object GET
 * ({@link WholeObjectReadChannels}); the read-ahead channel has its own tests.
 */
class S3FileSystemProviderTest {
  @RegisterExtension
  static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().build();

  private static final String BUCKET = "provider-test";
  private static final WholeObjectReadChannels READS = new WholeObjectReadChannels();
  private static S3Client admin;
  private static S3FileSystem fileSystem;

  @BeforeAll
  static void openBucket() {
    TestStores.useStaticCredentials();
    admin = S3_MOCK.createS3ClientV2();
    admin.createBucket(request -> request.bucket(BUCKET));
    for (String key : List.of("data/a.tfrecord", "data/b.tfrecord", "data/notes.txt",
        "data/train/shard-0.tfrecord", "data/train/shard-1.tfrecord", "data/train/deep/x.tfrecord",
        "data/empty/", "top.txt")) {
      admin.putObject(request -> request.bucket(BUCKET).key(key),
          RequestBody.fromString("bytes of " + key));
    }
    fileSystem = new S3FileSystemProvider(READS).newFileSystem(URI.create("s3://" + BUCKET),
        TestStores.settingsFor(S3_MOCK));
  }

  @AfterAll
  static void close() {
    fileSystem.close();
    admin.close();
  }

  private static Path path(String key) {
    return fileSystem.getPath("/" + key);
  }

  private static List<String> names(Stream<Path> paths) {
    return paths.map(Path::toString).sorted().collect(Collectors.toList());
  }

  @Test
  void listsObjectsAndFoldersOfAFolderAsItsChildren() throws IOException {
    try (Stream<Path> children = Files.list(path("data"))) {
      assertThat(names(children)).containsExactly(
          "s3://provider-test/data/a.tfrecord", "s3://provider-test/data/b.tfrecord",
          "s3://provider-test/data/empty", "s3://provider-test/data/notes.txt",
          "s3://provider-test/data/train");
    }
  }

  @Test
  void listsTheBucketRoot() throws IOException {
    admin.createBucket(request -> request.bucket("root-listing"));
    for (String key : List.of("z.txt", "folder/a", "folder/b", "a.txt")) {
      admin.putObject(request -> request.bucket("root-listing").key(key),
          RequestBody.fromString(key));
    }
    try (S3FileSystem other = new S3FileSystemProvider(READS).newFileSystem(
        URI.create("s3://root-listing"), TestStores.settingsFor(S3_MOCK));
        Stream<Path> children = Files.list(other.getPath("/"))) {
      assertThat(children.map(Path::toString)).containsExactly("s3://root-listing/a.txt",
          "s3://root-listing/folder", "s3://root-listing/z.txt");
    }
  }

  @Test
  void listedPathsCarryTheirAttributesSoCheckingThemAsksNothing() throws IOException {
    Map<String, HeadObjectResponse> heads = new HashMap<>();
    for (String key : List.of("listed/a.bin", "listed/b.bin", "listed/sub/c.bin")) {
      admin.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromString(key));
      heads.put("s3://" + BUCKET + "/" + key,
          admin.headObject(request -> request.bucket(BUCKET).key(key)));
    }
    List<Path> listed;
    try (Stream<Path> children = Files.list(path("listed"))) {
      listed = children.collect(Collectors.toList());
    }
    // Gone from the store: only what the listing carried can still answer.
    for (String key : List.of("listed/a.bin", "listed/b.bin", "listed/sub/c.bin")) {
      admin.deleteObject(request -> request.bucket(BUCKET).key(key));
    }
    assertThat(listed).hasSize(3);
    for (Path child : listed) {
      BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class);
      HeadObjectResponse head = heads.get(child.toString());
      if (child.getFileName().toString().equals("sub")) {
        assertThat(Files.isDirectory(child)).isTrue();
        continue;
      }
      assertThat(Files.isRegularFile(child)).isTrue();
      assertThat(attributes.size()).isEqualTo(head.contentLength());
      assertThat(attributes.fileKey()).isEqualTo(head.eTag());
      assertThat(attributes.lastModifiedTime().toInstant()).isEqualTo(head.lastModified());
    }
    assertThat(Files.exists(path("listed/a.bin"))).isFalse();
  }

  @Test
  void headsAPathThatWasNotListed() throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(path("data/train/shard-1.tfrecord"), BasicFileAttributes.class);
    HeadObjectResponse head = admin.headObject(
        request -> request.bucket(BUCKET).key("data/train/shard-1.tfrecord"));
    assertThat(attributes.size()).isEqualTo("bytes of data/train/shard-1.tfrecord".length());
    assertThat(attributes.fileKey()).isEqualTo(head.eTag());
    assertThat(Files.size(path("top.txt"))).isEqualTo("bytes of top.txt".length());
    assertThat(Files.isDirectory(path("data/train"))).isTrue();
    assertThat(Files.isDirectory(path("data/empty"))).isTrue();
    assertThat(Files.isRegularFile(path("data/train"))).isFalse();
    assertThat(Files.isDirectory(fileSystem.getPath("/"))).isTrue();
    assertThat(Files.exists(path("data/missing"))).isFalse();
    assertThat(Files.readAttributes(path("top.txt"), "size,fileKey"))
        .containsEntry("size", (long) "bytes of top.txt".length())
        .containsKey("fileKey");
  }

  @Test
  void walksAndGlobsAcrossFolders() throws IOException {
    PathMatcher shards = fileSystem.getPathMatcher("glob:/data/**/*.tfrecord");
    try (Stream<Path> all = Files.walk(path("data"))) {
      assertThat(all.filter(shards::matches).map(Path::toString).sorted())
          .containsExactly("s3://provider-test/data/train/deep/x.tfrecord",
              "s3://provider-test/data/train/shard-0.tfrecord",
              "s3://provider-test/data/train/shard-1.tfrecord");
    }
    List<String> matched = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(path("data"), "*.tfrecord")) {
      stream.forEach(child -> matched.add(child.getFileName().toString()));
    }
    assertThat(matched).containsExactly("a.tfrecord", "b.tfrecord");
  }

  @Test
  void listsEveryPageOfALargeFolder() throws IOException {
    int count = S3DirectoryStream.PAGE_SIZE + 7;
    for (int i = 0; i < count; i++) {
      String key = String.format("many/%05d", i);
      admin.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromString("x"));
    }
    try (Stream<Path> children = Files.list(path("many"))) {
      assertThat(children.map(child -> child.getFileName().toString()).distinct().count())
          .isEqualTo(count);
    }
  }

  @Test
  void writesThenReadsBack() throws IOException {
    byte[] bytes = new byte[300_000];
    new java.util.Random(7).nextBytes(bytes);
    Path written = path("out/written.bin");
    Files.write(written, bytes);
    assertThat(Files.size(written)).isEqualTo(bytes.length);
    int before = READS.opened.get();
    assertThat(Files.readAllBytes(written)).isEqualTo(bytes);
    assertThat(READS.opened.get()).isEqualTo(before + 1);

    Files.writeString(written, "replaced", StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    assertThat(Files.readString(written)).isEqualTo("replaced");
  }

  @Test
  void publishesNothingBeforeClose() throws IOException {
    Path pending = path("out/pending.txt");
    try (OutputStream out = Files.newOutputStream(pending)) {
      out.write("not yet".getBytes(UTF_8));
      out.flush();
      assertThat(Files.exists(pending)).isFalse();
    }
    assertThat(Files.readString(pending)).isEqualTo("not yet");
  }

  @Test
  void aChannelWhoseWriteFailedPublishesNothing() throws IOException {
    Path object = path("out/failed.txt");
    SeekableByteChannel channel = Files.newByteChannel(object, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    channel.write(ByteBuffer.wrap("first".getBytes(UTF_8)));
    assertThatThrownBy(() -> channel.write(null)).isInstanceOf(NullPointerException.class);
    channel.close();
    assertThat(Files.exists(object)).isFalse();
  }

  @Test
  void createNewRefusesAnExistingKey() throws IOException {
    Path object = path("out/once.txt");
    Files.writeString(object, "first", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    assertThatThrownBy(() -> Files.writeString(object, "second",
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("s3://provider-test/out/once.txt");
    assertThat(Files.readString(object)).isEqualTo("first");
    assertThatThrownBy(() -> Files.writeString(path("out/never.txt"), "x",
        StandardOpenOption.WRITE))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("s3://provider-test/out/never.txt");
  }

  @Test
  void copiesMovesAndDeletes() throws IOException {
    Path source = path("moves/source.txt");
    Files.writeString(source, "moving");
    Path copy = path("moves/copy.txt");
    Files.copy(source, copy);
    assertThat(Files.readString(copy)).isEqualTo("moving");
    assertThatThrownBy(() -> Files.copy(source, copy))
        .isInstanceOf(FileAlreadyExistsException.class);

    Path moved = path("moves/sub/moved.txt");
    Files.move(source, moved);
    assertThat(Files.exists(source)).isFalse();
    assertThat(Files.readString(moved)).isEqualTo("moving");

    assertThatThrownBy(() -> Files.delete(path("moves/sub")))
        .isInstanceOf(DirectoryNotEmptyException.class);
    Files.delete(moved);
    Files.delete(copy);
    assertThat(Files.exists(path("moves"))).isFalse();
    assertThatThrownBy(() -> Files.delete(copy))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage("s3://provider-test/moves/copy.txt");
    assertThat(Files.deleteIfExists(copy)).isFalse();
  }

  @Test
  void deletesAnEmptyFolderMarker() throws IOException {
    admin.putObject(request -> request.bucket(BUCKET).key("marker/"), RequestBody.empty());
    assertThat(Files.isDirectory(path("marker"))).isTrue();
    try (Stream<Path> children = Files.list(path("marker"))) {
      assertThat(children).isEmpty();
    }
    Files.delete(path("marker"));
    assertThat(Files.exists(path("marker"))).isFalse();
  }

  @Test
  void createDirectoriesIsANoOpThatLetsWritesFollow() throws IOException {
    Path folder = Files.createDirectories(path("made/by/gen"));
    Files.writeString(folder.resolve("shard-0"), "x");
    assertThat(Files.isDirectory(path("made/by"))).isTrue();
  }

  @Test
  void missingKeysAndFoldersNameTheUri() {
    assertThatThrownBy(() -> Files.size(path("data/absent.tfrecord")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("s3://provider-test/data/absent.tfrecord");
    assertThatThrownBy(() -> Files.readAllBytes(path("data/absent.tfrecord")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("s3://provider-test/data/absent.tfrecord");
    assertThatThrownBy(() -> Files.list(path("absent")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage("s3://provider-test/absent");
    assertThatThrownBy(() -> Files.list(path("top.txt")))
        .isInstanceOf(NotDirectoryException.class)
        .hasMessage("s3://provider-test/top.txt");
  }

  @Test
  void aMissingBucketNamesTheUri() throws IOException {
    try (S3FileSystem missing = new S3FileSystemProvider(READS)
        .newFileSystem(URI.create("s3://no-such-bucket"), TestStores.settingsFor(S3_MOCK))) {
      assertThatThrownBy(() -> Files.list(missing.getPath("/prefix")))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("s3://no-such-bucket/prefix")
          .hasMessageContaining("no such bucket");
      assertThatThrownBy(() -> Files.size(missing.getPath("/key")))
          .isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("s3://no-such-bucket/key");
      assertThat(Files.exists(missing.getPath("/"))).isFalse();
    }
  }
}
