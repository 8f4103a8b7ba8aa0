// Abort handler for the testing modules (differential tests, benchmarks): trap with no imports,
// so a test sees a RuntimeError instead of needing an env.abort import.
export function testAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}
