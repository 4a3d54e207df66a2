package dev.ingest.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The errors of stores that refuse or are not there, each naming the URI: an endpoint that
 * answers 403 with S3's AccessDenied error, and an endpoint nothing listens on.
 */
class S3StoreErrorsTest {
  @BeforeAll
  static void credentials() {
    TestStores.useStaticCredentials();
  }

  private static Map<String, String> settings(String endpoint) {
    Map<String, String> settings = new HashMap<>();
    settings.put(S3Settings.ENDPOINT, endpoint);
    settings.put(S3Settings.REGION, "us-east-1");
    settings.put(S3Settings.MAX_ATTEMPTS, "2");
    return settings;
  }

  @Test
  void accessDeniedNamesTheUri() throws IOException {
    HttpServer refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
        + "<Message>Access Denied</Message></Error>").getBytes(UTF_8);
    refusing.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/xml");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(403, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    refusing.start();
    String endpoint = "http://127.0.0.1:" + refusing.getAddress().getPort();
    try (S3FileSystem fileSystem = new S3FileSystemProvider(new WholeObjectReadChannels())
        .newFileSystem(URI.create("s3://secret"), settings(endpoint))) {
      assertThatThrownBy(() -> Files.size(fileSystem.getPath("/data/x.tfrecord")))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("s3://secret/data/x.tfrecord");
      assertThatThrownBy(() -> Files.list(fileSystem.getPath("/data")))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining("s3://secret/data")
          .hasMessageContaining("access denied");
    } finally {
      refusing.stop(0);
    }
  }

  @Test
  void anUnreachableEndpointNamesTheEndpointAndTheUri() throws IOException {
    // Port 9 (discard) on the loopback: nothing listens there, so a connection is refused at
    // once. A port just freed by a socket of this test could be taken by another server of this
    // JVM meanwhile, one that accepts and never answers.
    String endpoint = "http://127.0.0.1:9";
    // A first connection was seen, rarely and on a loaded machine, to wait out its attempt's
    // timeout instead of being refused at once (the cause is not known): short attempts, and
    // enough of them, keep such a wait from deciding the outcome.
    Map<String, String> patient = settings(endpoint);
    patient.put(S3Settings.REQUEST_TIMEOUT_MS, "3000");
    patient.put(S3Settings.MAX_ATTEMPTS, "4");
    try (S3FileSystem fileSystem = new S3FileSystemProvider(new WholeObjectReadChannels())
        .newFileSystem(URI.create("s3://anywhere"), patient)) {
      assertThatThrownBy(() -> Files.list(fileSystem.getPath("/prefix")))
          .isInstanceOf(StoreUnreachableException.class)
          .hasMessageContaining(endpoint)
          .hasMessageContaining("s3://anywhere/prefix");
      assertThatThrownBy(() -> Files.size(fileSystem.getPath("/key")))
          .isInstanceOf(StoreUnreachableException.class)
          .hasMessageContaining(endpoint)
          .hasMessageContaining("s3://anywhere/key");
    }
  }

  @Test
  void anInterruptedWaitCancelsTheRequestAndKeepsTheInterrupt() {
    CompletableFuture<String> never = new CompletableFuture<>();
    S3Settings settings = S3Settings.from(settings("http://127.0.0.1:1"), Map.of());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> S3Errors.await(never, "s3://b/k", settings))
          .isInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("s3://b/k");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(never.isCancelled()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
