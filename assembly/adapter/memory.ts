// The module's malloc/free exports (replacing the SDK's). The host calls malloc to place data it
// returns (a header value, a body). Normally that is a pinned ArrayBuffer the receiver takes over.
// On the hot path the adapter "arms" a static scratch area first: the next small allocation the
// host asks for lands there, is read at once, and costs no heap allocation and no GC work.

const SCRATCH_CAP: usize = 4096;
const SCRATCH: usize = memory.data(<i32>SCRATCH_CAP, 16);
let armed = false;

/** Makes the next host allocation of at most SCRATCH_CAP bytes use the scratch area. */
export function armScratch(): void {
  armed = true;
}

export function disarmScratch(): void {
  armed = false;
}

/** Releases a buffer the host allocated through malloc (no-op for the scratch area). */
export function release(ptr: usize): void {
  if (ptr != 0 && ptr != SCRATCH) __unpin(ptr);
}

export function malloc(size: i32): usize {
  if (armed && size >= 0 && <usize>size <= SCRATCH_CAP) {
    armed = false;
    return SCRATCH;
  }
  armed = false;
  return __pin(changetype<usize>(new ArrayBuffer(size)));
}

export function free(ptr: usize): void {
  release(ptr);
}
