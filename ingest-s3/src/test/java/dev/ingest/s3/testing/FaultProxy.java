package dev.ingest.s3.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 proxy between a client and an S3 server that adds the faults of a real network and
 * a real store, on demand: latency per request, a bandwidth cap, 503 SlowDown bursts, bodies cut
 * mid-way with the connection closed, bodies cut short but ended cleanly, bodies that stall, and
 * uploads refused.
 * The client uses {@link #endpoint()} as its S3 endpoint (path-style addressing).
 *
 * <p>Faults aimed at "the next N GETs" hit every GET (object reads and listings) in the order the
 * proxy sees them; a cut or stall falls at a given byte of the body or at a random one, drawn
 * from the seed given to the constructor (the order of concurrent requests is the network's, so
 * which request gets which draw is not reproducible, the positions drawn are). Counters say how
 * many requests came and how many faults were dealt, so a test can check its faults happened.
 *
 * <h2>Assumptions and guarantees</h2>
 * Every setter is thread-safe and takes effect for requests that arrive after it. Waits (latency,
 * bandwidth, stalls) are waits on the proxy's close, so {@link #close()} ends them all at once;
 * nothing sleeps. Each request is served on a thread of its own (named {@code fault-proxy-N}),
 * forwarded with {@link HttpClient}.
 */
public final class FaultProxy implements AutoCloseable {
  /** The prefix of the proxy's thread names. */
  public static final String THREAD_PREFIX = "fault-proxy-";

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect",
      "host", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
  private static final byte[] SLOW_DOWN = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
      + "<RequestId>fault-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
  private static final byte[] ACCESS_DENIED = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
      + "<RequestId>fault-proxy</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
  private static final int CHUNK = 16 * 1024;

  private final URI upstream;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final HttpClient forwarder;
  private final Random random;
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile CountDownLatch stallRelease = new CountDownLatch(1);

  private volatile long latencyMillis;
  private volatile long bytesPerSecond;
  private volatile long bytesPerSecondPerRequest;
  private volatile boolean denyWrites;
  private final Object pacing = new Object();
  private long nextSendNanos;

  private final AtomicInteger slowDownsLeft = new AtomicInteger();
  private final AtomicInteger cutsLeft = new AtomicInteger();
  private final AtomicInteger shortBodiesLeft = new AtomicInteger();
  private final AtomicInteger stallsLeft = new AtomicInteger();
  private volatile long cutAfterBytes = -1;
  private volatile long stallAfterBytes = -1;

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong gets = new AtomicLong();
  private final AtomicLong rangedGets = new AtomicLong();
  private final AtomicLong slowDowns = new AtomicLong();
  private final AtomicLong deniedWrites = new AtomicLong();
  private final AtomicLong cuts = new AtomicLong();
  private final AtomicLong shortBodies = new AtomicLong();
  private final AtomicLong stalls = new AtomicLong();
  private final AtomicLong bodyBytes = new AtomicLong();

  /**
   * Starts a proxy on a free port of the loopback interface.
   *
   * @param upstream the S3 server's endpoint, such as {@code http://localhost:9090}
   * @param seed where random cut and stall positions come from
   */
  public FaultProxy(URI upstream, long seed) throws IOException {
    this.upstream = upstream;
    this.random = new Random(seed);
    AtomicInteger threads = new AtomicInteger();
    this.handlers = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, THREAD_PREFIX + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.forwarder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(handlers);
    server.start();
  }

  /** The endpoint a client should use: {@code http://127.0.0.1:port}. */
  public URI endpoint() {
    return URI.create("http://" + server.getAddress().getHostString() + ":"
        + server.getAddress().getPort());
  }

  /** Waits this long before forwarding each request (0: none). */
  public FaultProxy latencyMillis(long millis) {
    this.latencyMillis = millis;
    return this;
  }

  /** Sends all response bodies together at no more than this rate (0: unlimited). */
  public FaultProxy bandwidthBytesPerSecond(long rate) {
    this.bytesPerSecond = rate;
    return this;
  }

  /**
   * Sends each response body at no more than this rate (0: unlimited), however many are sent at
   * once: an object store serves one request at a bounded rate (S3: tens of MB/s per connection)
   * and more in parallel, which is why parallel ranged reads pay.
   */
  public FaultProxy bandwidthPerRequest(long rate) {
    this.bytesPerSecondPerRequest = rate;
    return this;
  }

  /**
   * Whether every PUT and POST (uploads) answers 403 AccessDenied, as a bucket the credentials
   * may read and not write does; reads go on.
   */
  public FaultProxy denyWrites(boolean deny) {
    this.denyWrites = deny;
    return this;
  }

  /** The next {@code count} GETs answer 503 SlowDown, as a throttling S3 does. */
  public FaultProxy slowDownNext(int count) {
    slowDownsLeft.set(count);
    return this;
  }

  /**
   * The next {@code count} GET bodies stop after {@code afterBytes} bytes (-1: a random byte of
   * each body) and their connection is closed.
   */
  public FaultProxy cutNext(int count, long afterBytes) {
    cutAfterBytes = afterBytes;
    cutsLeft.set(count);
    return this;
  }

  /**
   * The next {@code count} GET bodies are answered with a Content-Length shorter than the body
   * (by a random number of bytes) and end cleanly there: a short body the HTTP layer cannot see.
   */
  public FaultProxy shortenNext(int count) {
    shortBodiesLeft.set(count);
    return this;
  }

  /**
   * The next {@code count} GET bodies stop sending after {@code afterBytes} bytes (-1: a random
   * byte of each body) and hold their connection open until {@link #releaseStalls()} or {@link
   * #close()}.
   */
  public FaultProxy stallNext(int count, long afterBytes) {
    stallAfterBytes = afterBytes;
    stallsLeft.set(count);
    return this;
  }

  /** Lets every stalled body go on (its client has most likely given up on it by now). */
  public void releaseStalls() {
    CountDownLatch released = stallRelease;
    stallRelease = new CountDownLatch(1);
    released.countDown();
  }

  /** No latency, no cap, no faults pending, counters at zero; stalled bodies released. */
  public FaultProxy reset() {
    latencyMillis = 0;
    bytesPerSecond = 0;
    bytesPerSecondPerRequest = 0;
    denyWrites = false;
    slowDownsLeft.set(0);
    cutsLeft.set(0);
    shortBodiesLeft.set(0);
    stallsLeft.set(0);
    releaseStalls();
    for (AtomicLong counter : List.of(requests, gets, rangedGets, slowDowns, deniedWrites, cuts,
        shortBodies, stalls, bodyBytes)) {
      counter.set(0);
    }
    return this;
  }

  /** Requests received, of every method. */
  public long requests() {
    return requests.get();
  }

  /** GET requests received (object reads and listings). */
  public long gets() {
    return gets.get();
  }

  /** GET requests with a {@code Range} header: reads of an object's bytes. */
  public long rangedGets() {
    return rangedGets.get();
  }

  /** 503 SlowDown answers sent. */
  public long slowDowns() {
    return slowDowns.get();
  }

  /** Uploads answered 403 AccessDenied ({@link #denyWrites}). */
  public long deniedWrites() {
    return deniedWrites.get();
  }

  /** Bodies cut with their connection closed. */
  public long cuts() {
    return cuts.get();
  }

  /** Bodies answered short with a clean end. */
  public long shortBodies() {
    return shortBodies.get();
  }

  /** Bodies stalled. */
  public long stalls() {
    return stalls.get();
  }

  /**
   * Waits until at least {@code count} bodies have stalled since the last {@link #reset()}.
   *
   * @return whether they had within {@code timeout}
   */
  public boolean awaitStalls(long count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stalls) {
      while (stalls.get() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(stalls, left);
      }
      return true;
    }
  }

  /** Bytes of response bodies sent to clients. */
  public long bodyBytes() {
    return bodyBytes.get();
  }

  /** Stops the proxy, ends every wait and stall, and closes every connection. */
  @Override
  public void close() {
    closing.countDown();
    stallRelease.countDown();
    server.stop(0);
    handlers.shutdownNow();
    try {
      handlers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      boolean get = exchange.getRequestMethod().equals("GET");
      if (get) {
        gets.incrementAndGet();
        if (exchange.getRequestHeaders().containsKey("Range")) {
          rangedGets.incrementAndGet();
        }
      }
      if (latencyMillis > 0 && awaitClosing(TimeUnit.MILLISECONDS.toNanos(latencyMillis))) {
        return;
      }
      if (get && take(slowDownsLeft)) {
        slowDowns.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(503, SLOW_DOWN.length);
        exchange.getResponseBody().write(SLOW_DOWN);
        return;
      }
      String method = exchange.getRequestMethod();
      if (denyWrites && (method.equals("PUT") || method.equals("POST"))) {
        deniedWrites.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(403, ACCESS_DENIED.length);
        exchange.getResponseBody().write(ACCESS_DENIED);
        return;
      }
      forward(exchange, get);
    } catch (IOException | RuntimeException failure) {
      // The client went away (it timed out or cancelled) or a fault closed the connection on
      // purpose: nothing to answer.
    }
  }

  private void forward(HttpExchange exchange, boolean get) throws IOException {
    String method = exchange.getRequestMethod();
    byte[] requestBody = exchange.getRequestBody().readAllBytes();
    URI target = upstream.resolve(exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? ""
            : "?" + exchange.getRequestURI().getRawQuery()));
    HttpRequest.Builder request = HttpRequest.newBuilder(target)
        .method(method, requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(requestBody));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String value : header.getValue()) {
        try {
          request.header(header.getKey(), value);
        } catch (IllegalArgumentException restricted) {
          // A header the JDK's client sets itself.
        }
      }
    }
    HttpResponse<InputStream> response;
    try {
      response = forwarder.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return;
    }
    try (InputStream body = response.body()) {
      for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))
            && !header.getKey().startsWith(":")) {
          exchange.getResponseHeaders().put(header.getKey(), header.getValue());
        }
      }
      long length = response.headers().firstValueAsLong("content-length").orElse(-1);
      if (method.equals("HEAD") || response.statusCode() == 204 || response.statusCode() == 304) {
        if (length >= 0) {
          exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
        }
        exchange.sendResponseHeaders(response.statusCode(), -1);
        return;
      }
      sendBody(exchange, response.statusCode(), body, length, get);
    }
  }

  private void sendBody(HttpExchange exchange, int status, InputStream body, long length,
      boolean get) throws IOException {
    boolean faultable = get && length > 0 && status / 100 == 2;
    long cutAt = faultable && take(cutsLeft) ? position(cutAfterBytes, length) : -1;
    long stallAt = cutAt < 0 && faultable && take(stallsLeft)
        ? position(stallAfterBytes, length) : -1;
    long shortLength = cutAt < 0 && stallAt < 0 && faultable && take(shortBodiesLeft)
        ? position(-1, length) : -1;
    if (cutAt >= 0) {
      cuts.incrementAndGet();
    }
    if (shortLength >= 0) {
      shortBodies.incrementAndGet();
    }
    long declared = shortLength >= 0 ? shortLength : length;
    exchange.sendResponseHeaders(status, declared > 0 ? declared : declared == 0 ? -1 : 0);
    OutputStream out = exchange.getResponseBody();
    long limit = cutAt >= 0 ? cutAt : stallAt >= 0 ? stallAt : declared >= 0 ? declared
        : Long.MAX_VALUE;
    byte[] chunk = new byte[CHUNK];
    long sent = 0;
    long bodyStart = System.nanoTime();
    long perRequest = bytesPerSecondPerRequest;
    while (sent < limit) {
      int count = body.read(chunk, 0, (int) Math.min(chunk.length, limit - sent));
      if (count < 0) {
        break;
      }
      if (pace(count)) {
        return;
      }
      if (perRequest > 0) {
        long due = bodyStart + (sent + count) * 1_000_000_000L / perRequest;
        long wait = due - System.nanoTime();
        if (wait > 0 && awaitClosing(wait)) {
          return;
        }
      }
      // Counted before they go: a client that has every byte then sees them all counted.
      bodyBytes.addAndGet(count);
      out.write(chunk, 0, count);
      sent += count;
    }
    out.flush();
    if (stallAt >= 0) {
      announceStall();
      awaitStallRelease();
      return;
    }
    if (cutAt >= 0) {
      // Closing the exchange before its declared length closes the connection: the client sees
      // its body end early on a dead connection.
      exchange.close();
    }
  }

  /** A byte of a body of {@code length}: the one given, or a random one. */
  private long position(long given, long length) {
    if (given >= 0) {
      return Math.min(given, length - 1);
    }
    synchronized (random) {
      return random.nextLong(length);
    }
  }

  /** Waits for the bandwidth cap to allow {@code count} more bytes; true if closing. */
  private boolean pace(int count) {
    long rate = bytesPerSecond;
    if (rate <= 0) {
      return false;
    }
    long start;
    synchronized (pacing) {
      long now = System.nanoTime();
      start = Math.max(now, nextSendNanos);
      nextSendNanos = start + count * 1_000_000_000L / rate;
    }
    long wait = start - System.nanoTime();
    return wait > 0 && awaitClosing(wait);
  }

  /** Counted once the body has stopped, so a test that waits for stalls finds them stalled. */
  private void announceStall() {
    synchronized (stalls) {
      stalls.incrementAndGet();
      stalls.notifyAll();
    }
  }

  private void awaitStallRelease() {
    try {
      stallRelease.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits {@code nanos} or until the proxy closes; true if it is closing. */
  private boolean awaitClosing(long nanos) {
    try {
      return closing.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static boolean take(AtomicInteger left) {
    return left.getAndUpdate(count -> count > 0 ? count - 1 : 0) > 0;
  }
}
