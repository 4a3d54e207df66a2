/**
 * Off-heap memory: the pipeline's budget of bytes in flight ({@code MemoryBudget}), the column and
 * read buffers kept for reuse ({@code RecycledColumns}), and Netty's allocator started on a helper
 * thread while the first pipeline is built ({@code AllocatorWarmup}).
 *
 * <p><b>Threads:</b> the budget is acquired on the source thread and released from any (whoever
 * releases a batch); recycled buffers are taken by the parse and assembly threads and given back
 * by the consumer; the warm-up runs on {@code ingest-warmup}.
 *
 * <p><b>May use:</b> metrics (the source's clock while it waits), concurrent.
 */
package dev.ingest.runtime.memory;
