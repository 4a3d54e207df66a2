package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The provider as the JDK finds it (by URI scheme, through the service loader), and the life of a
 * file system: one per bucket and settings, and nothing of its client left once it is closed.
 */
class S3ProviderLifecycleTest {
  @RegisterExtension
  static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().build();

  @BeforeAll
  static void bucket() {
    TestStores.useStaticCredentials();
    try (S3Client admin = S3_MOCK.createS3ClientV2()) {
      admin.createBucket(request -> request.bucket("found"));
      admin.putObject(request -> request.bucket("found").key("dir/key.bin"),
          RequestBody.fromBytes(new byte[1234]));
    }
  }

  @Test
  void theJdkFindsTheProviderByScheme() throws IOException {
    URI bucket = URI.create("s3://found");
    try (FileSystem fileSystem = FileSystems.newFileSystem(bucket, TestStores.settingsFor(S3_MOCK))) {
      assertThat(fileSystem.provider()).isInstanceOf(S3FileSystemProvider.class);
      Path object = Path.of(URI.create("s3://found/dir/key.bin"));
      assertThat(object.getFileSystem()).isSameAs(fileSystem);
      assertThat(Files.size(object)).isEqualTo(1234);
      assertThat(object.toUri()).isEqualTo(URI.create("s3://found/dir/key.bin"));
      assertThat(object).hasToString("s3://found/dir/key.bin");
      assertThat(FileSystems.getFileSystem(bucket)).isSameAs(fileSystem);
      // The same settings name the same file system: its opener does not.
      assertThat(FileSystems.newFileSystem(bucket, TestStores.settingsFor(S3_MOCK)))
          .isSameAs(fileSystem);
      Map<String, String> elsewhere = new HashMap<>(TestStores.settingsFor(S3_MOCK));
      elsewhere.put("region", "eu-west-3");
      try (FileSystem other = FileSystems.newFileSystem(bucket, elsewhere)) {
        assertThat(other).isNotSameAs(fileSystem);
        assertThat(FileSystems.newFileSystem(bucket, TestStores.settingsFor(S3_MOCK)))
            .isSameAs(fileSystem);
      }
    }
  }

  @Test
  void closingAFileSystemLeavesNoThreadOfItsClient() throws IOException {
    S3FileSystem fileSystem = new S3FileSystemProvider(new WholeObjectReadChannels())
        .newFileSystem(URI.create("s3://found"), TestStores.settingsFor(S3_MOCK));
    Path written = fileSystem.getPath("/dir/written.txt");
    Files.writeString(written, "some bytes");
    assertThat(Files.readString(written)).isEqualTo("some bytes");
    try (Stream<Path> children = Files.list(fileSystem.getPath("/dir"))) {
      assertThat(children.count()).isEqualTo(2);
    }
    assertThat(clientThreads()).isNotEmpty();

    fileSystem.close();

    assertThat(clientThreads()).isEmpty();
    assertThat(fileSystem.isOpen()).isFalse();
    assertThatThrownBy(() -> Files.size(written)).isInstanceOf(ClosedFileSystemException.class);
    fileSystem.close();
  }

  /**
   * The threads of bucket {@code found}'s clients, and any the SDK names itself. Other test
   * classes in this JVM keep their buckets' file systems, and their threads, open.
   */
  private static List<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(S3Clients.THREAD_NAME_PREFIX + "found-")
            || name.toLowerCase(Locale.ROOT).contains("aws")
            || name.startsWith("sdk-"))
        .collect(Collectors.toList());
  }

  @Test
  void aBucketsLatestFileSystemServesItsUris() throws IOException {
    S3FileSystemProvider provider = new S3FileSystemProvider(new WholeObjectReadChannels());
    Map<String, String> first = TestStores.settingsFor(S3_MOCK);
    Map<String, String> second = new java.util.HashMap<>(first);
    second.put(S3Settings.MAX_ATTEMPTS, "5");
    try (S3FileSystem older = provider.newFileSystem(URI.create("s3://found"), first)) {
      S3FileSystem newer = provider.newFileSystem(URI.create("s3://found"), second);
      assertThat(provider.getPath(URI.create("s3://found/dir/key.bin")).getFileSystem())
          .isSameAs(newer);
      newer.close();
      assertThat(provider.getFileSystem(URI.create("s3://found"))).isSameAs(older);
    }
  }
}
