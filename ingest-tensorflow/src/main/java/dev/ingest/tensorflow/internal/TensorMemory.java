package dev.ingest.tensorflow.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataStorageVisitor;

/**
 * A direct {@link ByteBuffer} over a tensor's own native memory, so that a column can be copied
 * into it with one bulk {@code put} (a memory copy) instead of TensorFlow Java's per-element path.
 *
 * <p>TensorFlow Java has no public "buffer of this tensor" call, but it does say where a tensor's
 * raw data lives: {@code tensor.asRawTensor().data()} accepts a {@link DataStorageVisitor} and,
 * for native memory, calls {@code visit(address, length, scale)}. JavaCPP (TensorFlow Java's own
 * native layer) then turns that address into a direct buffer through JNI's
 * {@code NewDirectByteBuffer}. No copy happens here.
 *
 * <h2>Ownership</h2>
 *
 * The view borrows the tensor's memory: it is valid only while the tensor is open, and writing
 * through it after {@link Tensor#close()} corrupts the native heap. Callers keep the view local
 * to the code that fills the tensor.
 *
 * <p>Stateless; thread-safe.
 */
public final class TensorMemory {
  private TensorMemory() {}

  /** A writable view of {@code tensor}'s bytes in the platform's byte order (TensorFlow's). */
  public static ByteBuffer view(Tensor tensor) {
    long bytes = tensor.numBytes();
    if (bytes == 0) {
      return ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
    }
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a tensor of " + bytes + " bytes is larger than one Java buffer can address");
    }
    long address = address(tensor);
    return new BytePointer(new AddressPointer(address, bytes))
        .capacity(bytes)
        .limit(bytes)
        .asByteBuffer()
        .order(ByteOrder.nativeOrder());
  }

  /** Where {@code tensor}'s data starts in native memory. */
  public static long address(Tensor tensor) {
    return tensor.asRawTensor().data().accept(new DataStorageVisitor<Long>() {
      @Override
      public Long visit(long address, long length, long scale) {
        return address;
      }

      @Override
      public Long fallback() {
        throw new IllegalStateException(
            "TensorFlow did not expose the tensor's native memory; this TensorFlow Java version"
                + " is not supported by the bridge");
      }
    });
  }

  /**
   * A pointer at a given address. JavaCPP sets a pointer's address only from native code or a
   * subclass; this is that subclass, and it owns nothing (no deallocator).
   */
  private static final class AddressPointer extends Pointer {
    AddressPointer(long address, long bytes) {
      this.address = address;
      this.capacity = bytes;
      this.limit = bytes;
    }
  }
}
