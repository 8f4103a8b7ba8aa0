// The Go package (host-shims/go) over build/native/libpaygress.so with a fake mint (httptest serving
// the fixtures of host-shims/c/test/fixtures.ts): configuration errors, the middleware's 402 /
// free / pay / pass / fail-closed answers and response headers, metrics, and many goroutines on a
// pool of instances with unique earnings counters, no traps, under the race detector. `go vet` too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GO_ENV, ROOT, buildNative } from "../../host-shims/testing.ts";
import { writeNativeFixtures } from "../../host-shims/c/test/fixtures.ts";

const GO_DIR = join(ROOT, "host-shims/go");

function go(args: string[], env: Record<string, string> = {}): { code: number | null; out: string } {
  const r = spawnSync("go", args, { cwd: GO_DIR, encoding: "utf8", env: { ...process.env, ...GO_ENV, ...env }, maxBuffer: 32 << 20, timeout: 600000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("Go package over libpaygress.so (cgo)", () => {
  let fixtures = "";
  before(() => {
    buildNative();
    fixtures = mkdtempSync(join(tmpdir(), "paygress-go-fixtures-"));
    writeNativeFixtures(fixtures);
  });
  after(() => rmSync(fixtures, { recursive: true, force: true }));

  it("go vet is clean", () => {
    const r = go(["vet", "./..."]);
    assert.equal(r.code, 0, r.out);
  });

  it("passes its tests under the race detector (middleware, concurrency, unique counters)", () => {
    const r = go(["test", "-race", "-count=1", "-run", ".", "-v", "."], { PAYGRESS_FIXTURES: fixtures });
    assert.equal(r.code, 0, r.out);
    for (const t of ["TestBadConfiguration", "TestMiddleware", "TestClientGone", "TestConcurrent"]) {
      assert.match(r.out, new RegExp(`--- PASS: ${t}\\b`), `${t} did not pass:\n${r.out}`);
    }
    assert.doesNotMatch(r.out, /--- SKIP|WARNING: DATA RACE/, r.out);
  });
});
