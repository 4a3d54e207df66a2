package dev.ingest.s3.testing;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * A test class's clients of an S3 server: one straight to it and one through a {@link
 * FaultProxy} in front of it, made before the class's tests, closed after them, with the proxy's
 * faults and counters reset before each test. Register it after the server's extension, ordered
 * after it ({@code @Order}), since it needs the server's port.
 */
public final class ProxiedStore implements BeforeAllCallback, AfterAllCallback,
    BeforeEachCallback {
  private final S3MockExtension server;
  private final long seed;
  private S3AsyncClient direct;
  private FaultProxy proxy;
  private S3AsyncClient proxied;

  /** @param seed the proxy's, for the positions of the faults it deals */
  public ProxiedStore(S3MockExtension server, long seed) {
    this.server = server;
    this.seed = seed;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    direct = S3TestServer.client(S3TestServer.endpoint(server));
    try {
      proxy = new FaultProxy(S3TestServer.endpoint(server), seed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fault proxy", e);
    }
    proxied = S3TestServer.client(proxy.endpoint());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    proxied.close();
    proxy.close();
    direct.close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    proxy.reset();
  }

  /** A client straight to the server. */
  public S3AsyncClient direct() {
    return direct;
  }

  /** The proxy in front of the server. */
  public FaultProxy proxy() {
    return proxy;
  }

  /** A client through the proxy. */
  public S3AsyncClient proxied() {
    return proxied;
  }
}
