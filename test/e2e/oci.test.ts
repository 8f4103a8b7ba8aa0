// OCI images of paygress.wasm (tools/build-oci.ts), checked end to end with real tools: a registry
// on loopback (go-containerregistry's, `crane registry serve`), pushed and pulled back with crane
// (the same go-containerregistry client library Istio's Wasm image fetcher uses). The pulled module
// must equal build/paygress.wasm and the media types must be what Istio's fetcher looks for:
// the Wasm artifact variant has exactly two layers, one application/vnd.module.wasm.content.layer.v1+wasm;
// the compat variant's last layer is application/vnd.oci.image.layer.v1.tar+gzip holding plugin.wasm.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { MEDIA, buildAll } from "../../tools/build-oci.ts";
import { GOBIN } from "../../tools/validate-manifests.ts";
import { Proc, ROOT, freePort, waitFor } from "../lib/procs.ts";
import { Stack, onFailureDump } from "../lib/stack.ts";

const WASM = join(ROOT, "build/paygress.wasm");
const CRANE = join(GOBIN, "crane");

type Json = Record<string, any>;

/** The file `name` in a tar archive (POSIX ustar, as GNU tar and crane write it). */
function fromTar(tar: Buffer, name: string): Buffer | null {
  let off = 0;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) return null;
    const n = h.subarray(0, 100).toString("latin1").replace(/\0.*$/s, "");
    const size = parseInt(h.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
    if (n.replace(/^\.?\//, "") === name) return tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return null;
}

/**
 * What Istio's image fetcher (istio/pkg/wasm/imagefetcher.go) would extract: an OCI manifest is
 * tried as the compat variant (last layer tar+gzip with plugin.wasm), then as the Wasm artifact
 * variant (exactly 2 layers, one of the Wasm content type, taken raw).
 */
function istioExtract(manifest: Json, blob: (digest: string) => Buffer): Buffer {
  assert.notEqual(manifest.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
  const layers = manifest.layers as Json[];
  const last = layers[layers.length - 1];
  if (last.mediaType === MEDIA.tarGzipLayer) {
    const wasm = fromTar(gunzipSync(blob(last.digest)), "plugin.wasm");
    if (wasm) return wasm;
  }
  assert.equal(layers.length, 2, "the Wasm artifact variant must have exactly 2 layers");
  const wasmLayer = layers.find((l) => l.mediaType === MEDIA.wasmLayer);
  assert.ok(wasmLayer, `no ${MEDIA.wasmLayer} layer`);
  return blob(wasmLayer.digest);
}

describe("OCI images of paygress.wasm through a real registry", () => {
  const stack = new Stack("oci");
  let registry: string;
  let built: ReturnType<typeof buildAll>;
  const wasm = readFileSync(WASM);

  const crane = (...args: string[]): Buffer => execFileSync(CRANE, ["--insecure", ...args], { maxBuffer: 64 << 20 });

  before(async () => {
    built = buildAll(WASM, join(stack.dir, "oci"), "test");
    const port = await freePort();
    const proc = new Proc({ name: "registry", cmd: CRANE, args: ["registry", "serve", "--address", `127.0.0.1:${port}`], logDir: stack.dir });
    stack.add({ proc, stop: () => proc.stop() });
    registry = `127.0.0.1:${port}`;
    await waitFor("registry /v2/", async () => (await fetch(`http://${registry}/v2/`)).status === 200, proc, 15000);
  });
  after(() => stack.stop());
  onFailureDump(stack);

  it("the builder is deterministic (same .wasm, same digests)", () => {
    const again = buildAll(WASM, join(stack.dir, "oci-again"), "test");
    assert.equal(again.wasm.manifestDigest, built.wasm.manifestDigest);
    assert.equal(again.compat.manifestDigest, built.compat.manifestDigest);
  });

  it("Wasm artifact variant: push, pull back, same module, Istio's media types", () => {
    const ref = `${registry}/paygress/paygress-wasm:0.1.0`;
    crane("push", built.wasm.dir, ref);
    assert.equal(crane("digest", ref).toString().trim(), built.wasm.manifestDigest, "registry serves our manifest");
    const manifest = JSON.parse(crane("manifest", ref).toString()) as Json;
    assert.equal(manifest.mediaType, MEDIA.manifest);
    assert.equal(manifest.config.mediaType, MEDIA.wasmConfig);
    assert.deepEqual(manifest.layers.map((l: Json) => l.mediaType), [MEDIA.wasmConfig, MEDIA.wasmLayer]);
    const pulled = crane("blob", `${ref.split(":0.1.0")[0]}@${manifest.layers[1].digest}`);
    assert.ok(pulled.equals(wasm), "the pulled Wasm layer equals build/paygress.wasm");
    const extracted = istioExtract(manifest, (d) => crane("blob", `${registry}/paygress/paygress-wasm@${d}`));
    assert.ok(extracted.equals(wasm), "Istio's extraction logic yields build/paygress.wasm");
    const runtime = JSON.parse(crane("blob", `${registry}/paygress/paygress-wasm@${manifest.config.digest}`).toString());
    assert.deepEqual(runtime.config.root_ids, ["paygress"]);
  });

  it("compat variant: push, pull back, plugin.wasm in the image filesystem", () => {
    const ref = `${registry}/paygress/paygress-compat:0.1.0`;
    crane("push", built.compat.dir, ref);
    const manifest = JSON.parse(crane("manifest", ref).toString()) as Json;
    assert.equal(manifest.mediaType, MEDIA.manifest);
    assert.equal(manifest.config.mediaType, MEDIA.imageConfig);
    assert.deepEqual(manifest.layers.map((l: Json) => l.mediaType), [MEDIA.tarGzipLayer]);
    assert.equal(manifest.annotations["module.wasm.image/variant"], "compat");
    // crane export flattens the image's filesystem into a tar, as a container runtime would.
    const fsTar = crane("export", ref, "-");
    const fromFs = fromTar(fsTar, "plugin.wasm");
    assert.ok(fromFs && fromFs.equals(wasm), "plugin.wasm in the pulled image equals build/paygress.wasm");
    const extracted = istioExtract(manifest, (d) => crane("blob", `${registry}/paygress/paygress-compat@${d}`));
    assert.ok(extracted.equals(wasm), "Istio's extraction logic yields build/paygress.wasm");
    // And GNU tar agrees with our archive writer.
    const dir = join(stack.dir, "untar");
    mkdirSync(dir);
    execFileSync("tar", ["-xzf", join(built.compat.dir, "blobs/sha256", manifest.layers[0].digest.slice(7)), "-C", dir]);
    assert.ok(readFileSync(join(dir, "plugin.wasm")).equals(wasm));
  });
});
