package dev.ingest.tfrecord;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A property that passes but leaks a buffer, and one that releases it: run only by {@link
 * NettyLeakGuardTest} through its own launcher (the build's test patterns do not name it).
 */
class LeakingPropertyFixture {
  @Property(tries = 5)
  void leaksABuffer(@ForAll @IntRange(min = 1, max = 64) int size) {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(size);
    leaked.writeByte(size);
  }

  @Property(tries = 5)
  void releasesItsBuffer(@ForAll @IntRange(min = 1, max = 64) int size) {
    ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(size);
    buffer.writeByte(size);
    buffer.release();
  }
}
