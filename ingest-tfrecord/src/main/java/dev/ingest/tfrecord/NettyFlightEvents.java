package dev.ingest.tfrecord;

/**
 * Turns Netty's own JFR events off in this JVM unless {@code -Dio.netty.jfr.enabled} says
 * otherwise. Netty asks whether its allocator's chunk event is enabled when it first allocates a
 * chunk, and in JDK 17 that question initializes JFR's metadata even with nothing recording:
 * a large part of a cold JVM's {@code iterator()} ({@code FirstBatchProbe} in benchmarks measures
 * it). Netty's events are disabled in JFR's settings unless a recording names them, so
 * only such a recording loses them; it can pass {@code -Dio.netty.jfr.enabled=true}.
 *
 * <p>Netty reads the property once, when its {@code PlatformDependent} initializes: this must
 * run before anything in the JVM allocates a Netty buffer, or it changes nothing. The runtime
 * calls it when it loads, the {@code ingest} command first thing.
 */
public final class NettyFlightEvents {
  static final String PROPERTY = "io.netty.jfr.enabled";

  private NettyFlightEvents() {}

  /** Sets {@code io.netty.jfr.enabled=false} unless the property is set already. */
  public static void offUnlessConfigured() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "false");
    }
  }
}
