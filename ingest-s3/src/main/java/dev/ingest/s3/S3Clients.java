package dev.ingest.s3;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.Closeable;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * The S3 client of one file system and every thread it runs on.
 *
 * <p>The client is the SDK's {@link S3AsyncClient} on its Netty HTTP client: many requests share
 * a few event-loop threads, and response bodies arrive as buffers that the read channel copies into
 * pooled direct blocks. This class creates the event loops, the executor that completes the SDK's
 * futures and the scheduler of its timeouts itself, instead of letting the SDK make them, so that
 * {@link #close()} can wait until they have all stopped: after it returns, no thread of this client
 * is left.
 *
 * <p>Defaults (each a named constant): {@value #MAX_CONNECTIONS} connections at most (a request
 * waits for one up to {@link RetryPolicy#requestTimeout()}), connect timeout {@link
 * #CONNECT_TIMEOUT}, read and write timeouts {@link #SOCKET_TIMEOUT}; every request
 * tries {@link RetryPolicy#maxAttempts()} times under the SDK's standard strategy (exponential
 * backoff with jitter, throttling errors retried, a token bucket against retry storms), and each
 * try may take {@link RetryPolicy#requestTimeout()}.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Thread-safe: the client may be used from any thread. Futures of the client complete on the
 * completion executor, never on an event loop, so code chained to them cannot stall the I/O of
 * other requests. {@link #close()} is idempotent.
 */
final class S3Clients implements Closeable {
  /** Connections to the store at most; requests beyond wait for one. */
  static final int MAX_CONNECTIONS = 64;
  /** How long a TCP connect may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** How long a connection may be silent while a request reads or writes. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
  /** Every thread of a client is named this, then the bucket. */
  static final String THREAD_NAME_PREFIX = "ingest-s3-";
  /** How long close waits for the threads to stop. */
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

  private final S3AsyncClient client;
  private final EventLoopGroup eventLoops;
  private final ExecutorService completions;
  private final ScheduledExecutorService timers;
  private final OwnedThreads threads;
  private boolean closed;

  private S3Clients(S3AsyncClient client, EventLoopGroup eventLoops, ExecutorService completions,
      ScheduledExecutorService timers, OwnedThreads threads) {
    this.client = client;
    this.eventLoops = eventLoops;
    this.completions = completions;
    this.timers = timers;
    this.threads = threads;
  }

  /** A client for {@code settings}; its threads are named after {@code bucket}. */
  static S3Clients open(S3Settings settings, String bucket) {
    String prefix = THREAD_NAME_PREFIX + bucket;
    OwnedThreads threads = new OwnedThreads();
    int eventLoopThreads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    EventLoopGroup eventLoops = nioEventLoops(eventLoopThreads, threads.factory(prefix + "-io"));
    int completionThreads = Math.max(4, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor completions = new ThreadPoolExecutor(completionThreads, completionThreads,
        30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads.factory(prefix + "-done"));
    completions.allowCoreThreadTimeOut(true);
    ScheduledExecutorService timers =
        Executors.newScheduledThreadPool(1, threads.factory(prefix + "-timer"));
    try {
      NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
          .eventLoopGroup(SdkEventLoopGroup.create(eventLoops, NioSocketChannel::new))
          .maxConcurrency(MAX_CONNECTIONS)
          // Read-ahead queues many requests behind 64 connections: one waiting for a connection
          // is as patient as one in flight, not the SDK's 10 s.
          .connectionAcquisitionTimeout(settings.retries().requestTimeout())
          .connectionTimeout(CONNECT_TIMEOUT)
          .readTimeout(SOCKET_TIMEOUT)
          .writeTimeout(SOCKET_TIMEOUT);
      RetryPolicy retries = settings.retries();
      // The same full-jitter backoff as the read channel's own retries.
      BackoffStrategy backoff =
          BackoffStrategy.exponentialDelay(retries.baseDelay(), retries.maxDelay());
      S3AsyncClientBuilder builder = S3AsyncClient.builder()
          .httpClientBuilder(http)
          .region(Region.of(settings.region()))
          .forcePathStyle(settings.pathStyle())
          .asyncConfiguration(async -> async.advancedOption(
              SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, completions))
          .overrideConfiguration(override -> override
              .scheduledExecutorService(timers)
              .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                  .maxAttempts(retries.maxAttempts())
                  .backoffStrategy(backoff)
                  .throttlingBackoffStrategy(backoff)
                  .build())
              .apiCallAttemptTimeout(retries.requestTimeout()));
      if (settings.endpoint() != null) {
        builder.endpointOverride(settings.endpoint());
      }
      return new S3Clients(builder.build(), eventLoops, completions, timers, threads);
    } catch (RuntimeException e) {
      shutDown(eventLoops, completions, timers, threads);
      throw e;
    }
  }

  // The SDK tells a group's transport by its class and knows Netty 4.1's NIO group, which Netty
  // 4.2 keeps (deprecated) as a MultiThreadIoEventLoopGroup on the NIO I/O handler.
  @SuppressWarnings("deprecation")
  private static EventLoopGroup nioEventLoops(int threads, ThreadFactory factory) {
    return new io.netty.channel.nio.NioEventLoopGroup(threads, factory);
  }

  S3AsyncClient client() {
    return client;
  }

  /** Closes the client and waits (a bounded time) until its threads have ended. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      client.close();
    } finally {
      shutDown(eventLoops, completions, timers, threads);
    }
  }

  private static void shutDown(EventLoopGroup eventLoops, ExecutorService completions,
      ScheduledExecutorService timers, OwnedThreads threads) {
    // No quiet period: nothing is submitted once the client is closed.
    eventLoops.shutdownGracefully(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    completions.shutdown();
    timers.shutdownNow();
    long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
    try {
      eventLoops.terminationFuture().await(SHUTDOWN_WAIT.toMillis());
      completions.awaitTermination(Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS);
      timers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      // A pool reports termination a moment before its last thread has ended.
      threads.join(deadline);
    } catch (InterruptedException e) {
      // The threads were told to stop; the caller's interrupt is what must not be lost.
      Thread.currentThread().interrupt();
    }
  }

  /** The threads made for one client, so that close can wait until each has ended. */
  private static final class OwnedThreads {
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    ThreadFactory factory(String name) {
      return new DefaultThreadFactory(name, true) {
        @Override
        protected Thread newThread(Runnable task, String threadName) {
          Thread thread = super.newThread(task, threadName);
          // Completion threads end when idle and new ones replace them: keep only the living.
          started.removeIf(old -> old.getState() == Thread.State.TERMINATED);
          started.add(thread);
          return thread;
        }
      };
    }

    void join(long deadlineNanos) throws InterruptedException {
      for (Thread thread : started) {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      }
    }
  }
}
