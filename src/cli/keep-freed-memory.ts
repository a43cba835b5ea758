/**
 * Makes the C allocator keep the memory a process frees for its next allocations instead of handing it back to the
 * operating system at once. Imported first by the CLI, so it runs before anything else allocates.
 *
 * Why: on a virtual machine the first touch of a page the host has not backed yet costs about 13 µs (measured on
 * the project's own 2-vCPU machine: 16,384 fresh pages in 220 ms), against well under a microsecond on bare metal.
 * V8's optimising compiler builds each function's graph in memory it mallocs and frees when done; glibc trims
 * freed memory above 128 KiB back to the system, so every compilation faults its pages in afresh. A million-bar
 * backtest took 20,000 page faults, 7,600 of them in the compiler; with this, 13,500, and about a tenth of a second
 * less (the same with `MALLOC_TRIM_THRESHOLD_` set, which a program cannot set for itself once started).
 *
 * How: glibc raises its trim threshold to twice the size of the largest mmap'd block freed so far (its "dynamic
 * mmap threshold"). A block of 8 MiB, allocated and dropped here, is never touched (an uninitialised Buffer: no page
 * of it is faulted in), and its release by the first garbage collection sets the threshold to 16 MiB. Blocks of
 * 4 to 31 MiB measured alike; the smaller bound leaves less for a process to keep. Peak memory grows by what it
 * keeps for reuse (4 MB on the million-bar run). Elsewhere than glibc (musl, macOS) the block is just freed again.
 */
const PRIMING_BLOCK_BYTES = 8 << 20;

Buffer.allocUnsafeSlow(PRIMING_BLOCK_BYTES);
