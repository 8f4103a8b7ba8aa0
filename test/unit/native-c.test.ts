// The C API of build/native/libpaygress.so (wasm2c translation of paygress.wasm + the C host shim),
// driven by the C harness host-shims/c/test/test_api.c with a fake mint, section by section:
//   - under valgrind memcheck: no invalid access, no leak (definite, indirect or possible);
//   - built with ASan + LSan + UBSan (the shim, the runtime and the generated code).
// Sections: configuration errors; 402/free; pay/pass/replay/outage with response headers and events;
// secrets from WASI environ and the host clock; guest traps (the host survives, the next request
// works, in-flight requests of the trapped instance are refused); misuse and abandoned requests;
// counters unique across instances and a forked process sharing the store; threads; flat memory.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { NATIVE_BIN, NATIVE_DIR, buildNative } from "../../host-shims/testing.ts";
import { writeNativeFixtures } from "../../host-shims/c/test/fixtures.ts";

const SECTIONS = ["config", "challenge", "pay", "env", "trap", "misuse", "shared", "threads", "memory"];
const HAVE_VALGRIND = spawnSync("valgrind", ["--version"]).status === 0;
const HAVE_CLANG = spawnSync("clang", ["--version"]).status === 0;

function run(cmd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20, timeout: 600000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function summary(out: string): { checks: number; failed: number } {
  const m = /(\d+) checks, (\d+) failed/.exec(out);
  assert.ok(m, `no summary line in:\n${out}`);
  return { checks: Number(m[1]), failed: Number(m[2]) };
}

describe("native C API (libpaygress.so) with a fake mint", () => {
  let fixtures = "";
  before(() => {
    buildNative("test", ...(HAVE_CLANG ? (["asan"] as const) : []));
    fixtures = mkdtempSync(join(tmpdir(), "paygress-native-fixtures-"));
    writeNativeFixtures(fixtures);
  });
  after(() => rmSync(fixtures, { recursive: true, force: true }));

  it("passes every section natively", () => {
    const r = run(join(NATIVE_BIN, "paygress-test_api"), [fixtures]);
    const s = summary(r.out);
    assert.equal(r.code, 0, r.out);
    assert.equal(s.failed, 0, r.out);
    assert.ok(s.checks > 300, `only ${s.checks} checks ran`);
  });

  for (const section of SECTIONS) {
    it(`${section}: no invalid access and no leak under valgrind memcheck`, { skip: HAVE_VALGRIND ? false : "valgrind is not installed (tools/setup.sh should install it)" }, () => {
      const r = run("valgrind", [
        "--error-exitcode=99", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
        "--errors-for-leak-kinds=definite,indirect,possible", "--child-silent-after-fork=no", "-q",
        join(NATIVE_BIN, "paygress-test_api"), fixtures, section,
      ]);
      assert.equal(r.code, 0, `exit ${r.code}\n${r.out}`);
      assert.doesNotMatch(r.out, /Invalid (read|write)|definitely lost|indirectly lost|possibly lost|uninitialised/, r.out);
      assert.equal(summary(r.out).failed, 0, r.out);
    });
  }

  it("passes every section under ASan + LSan + UBSan", { skip: HAVE_CLANG ? false : "clang is not installed" }, () => {
    const r = spawnSync(join(NATIVE_DIR, "asan/paygress-test_api"), [fixtures], {
      encoding: "utf8", maxBuffer: 64 << 20, timeout: 600000,
      env: { ...process.env, ASAN_OPTIONS: "detect_leaks=1:abort_on_error=0:halt_on_error=1", UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1" },
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, out);
    assert.doesNotMatch(out, /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/, out);
    assert.equal(summary(out).failed, 0, out);
  });
});

describe("native C API under libFuzzer (ASan + coverage on the shim, runtime and module)", () => {
  it("survives 50,000 mutated requests and mint answers: no crash, no leak, decisions well-formed", { skip: HAVE_CLANG ? false : "clang is not installed" }, () => {
    buildNative("asan");
    const fixtures = mkdtempSync(join(tmpdir(), "paygress-fuzz-fixtures-"));
    writeNativeFixtures(fixtures, 4);
    const corpus = join(fixtures, "corpus");
    mkdirSync(corpus);
    const S = Buffer.from([0xff]);
    const token = readFileSync(join(fixtures, "tokens.txt"), "utf8").split("\n")[0];
    const file = (name: string) => readFileSync(join(fixtures, name));
    const seeds: Buffer[] = [
      Buffer.concat([Buffer.from("/article"), S, Buffer.from(token)]),
      Buffer.concat([Buffer.from("/article"), S, Buffer.from(token), S, S, S, S, Buffer.from("200"), file("keysets.json"), S,
        Buffer.from("200"), file("keys.json"), S, Buffer.from('200{"outputs":[],"signatures":[]}'), S, Buffer.from('400{"detail":"spent","code":11001}')]),
      Buffer.from("/free/x"),
      Buffer.concat([Buffer.from("/article"), S, S, Buffer.from("Bearer p1.k1.9999999999.paid.AAAA"), S, Buffer.from("p1.k1.1.paid.x"), S, Buffer.from("a=b; paygress_pass=p1.x")]),
    ];
    seeds.forEach((s, i) => writeFileSync(join(corpus, `seed${i}`), s));
    const r = spawnSync(join(NATIVE_DIR, "asan/paygress-fuzz_request"), ["-runs=50000", "-max_len=8192", "-seed=1", corpus], {
      encoding: "utf8", maxBuffer: 64 << 20, timeout: 600000, env: { ...process.env, PAYGRESS_FIXTURES: fixtures },
    });
    rmSync(fixtures, { recursive: true, force: true });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, out.slice(-4000));
    assert.match(out, /Done 50000 runs/, out.slice(-2000));
    assert.doesNotMatch(out, /ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:/, out.slice(-4000));
  });
});
