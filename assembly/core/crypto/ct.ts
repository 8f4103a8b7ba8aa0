// Constant-time helpers for secret-dependent comparisons (pass MACs). Time depends only on the
// lengths, never on where the inputs differ.

/** True when a and b are equal; runs in time proportional to the length. */
export function ctEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  let diff: u32 = 0;
  const pa = a.dataStart, pb = b.dataStart;
  for (let i = 0; i < a.length; i++) {
    diff |= <u32>(load<u8>(pa + i) ^ load<u8>(pb + i));
  }
  return diff == 0;
}

/** Like ctEqual for raw memory. */
export function ctEqualPtr(pa: usize, pb: usize, len: i32): bool {
  let diff: u32 = 0;
  for (let i = 0; i < len; i++) diff |= <u32>(load<u8>(pa + i) ^ load<u8>(pb + i));
  return diff == 0;
}
