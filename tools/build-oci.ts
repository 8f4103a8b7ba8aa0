// Packs build/paygress.wasm as OCI images Istio's WasmPlugin can pull (`url: oci://...`), without
// Docker: two OCI image layouts (a directory with oci-layout, index.json and blobs/sha256/) that
// any registry client pushes (crane push <dir> <ref>, oras cp --from-oci-layout, skopeo copy oci:).
//   build/oci/paygress-wasm    the Wasm artifact variant: config and first layer
//                              application/vnd.module.wasm.config.v1+json (runtime config), second
//                              layer application/vnd.module.wasm.content.layer.v1+wasm (the module
//                              itself, uncompressed); Istio requires exactly these two layers.
//   build/oci/paygress-compat  the "compat" variant: an ordinary image whose single
//                              application/vnd.oci.image.layer.v1.tar+gzip layer holds /plugin.wasm
//                              (annotation module.wasm.image/variant=compat); works with any
//                              registry and with Kubernetes image volumes.
// The output is deterministic: the same .wasm gives the same digests (fixed timestamps).
// Usage: npx tsx tools/build-oci.ts [wasm] [outdir] [tag]
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const MEDIA = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  imageConfig: "application/vnd.oci.image.config.v1+json",
  tarGzipLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
  wasmConfig: "application/vnd.module.wasm.config.v1+json",
  wasmLayer: "application/vnd.module.wasm.content.layer.v1+wasm",
} as const;

interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

class Layout {
  private blobs = new Map<string, Buffer>();
  add(mediaType: string, data: Buffer, annotations?: Record<string, string>): Descriptor {
    const hex = sha256(data);
    this.blobs.set(hex, data);
    return { mediaType, digest: `sha256:${hex}`, size: data.length, ...(annotations ? { annotations } : {}) };
  }
  write(dir: string, manifest: Descriptor, tag: string): void {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, "blobs/sha256"), { recursive: true });
    for (const [hex, data] of this.blobs) writeFileSync(join(dir, "blobs/sha256", hex), data);
    writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    const index = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{ ...manifest, annotations: { ...manifest.annotations, "org.opencontainers.image.ref.name": tag } }],
    };
    writeFileSync(join(dir, "index.json"), JSON.stringify(index));
  }
}

/** A POSIX ustar archive of one regular file (mode 0644, owner 0:0, mtime 0), two zero blocks at the end. */
export function tarOneFile(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (offset: number, len: number, value: string) => header.write(value, offset, len, "ascii");
  const octal = (offset: number, len: number, n: number) => field(offset, len, n.toString(8).padStart(len - 1, "0") + "\0");
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name too long: ${name}`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, data.length);
  octal(136, 12, 0);
  field(148, 8, "        "); // checksum is computed with this field as spaces
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([header, data, pad, Buffer.alloc(1024, 0)]);
}

const CREATED = "1970-01-01T00:00:00Z";

function commonAnnotations(version: string, wasm: Buffer): Record<string, string> {
  return {
    "org.opencontainers.image.title": "paygress",
    "org.opencontainers.image.description": "Paygress proxy-wasm filter: sells HTTP access for Cashu ecash",
    "org.opencontainers.image.version": version,
    "org.opencontainers.image.created": CREATED,
    "io.paygress.wasm.sha256": sha256(wasm),
  };
}

export interface BuiltImage { dir: string; manifestDigest: string; manifest: Record<string, unknown> }

/** The Wasm artifact ("oci") variant. */
export function buildWasmArtifact(wasm: Buffer, dir: string, tag: string, version: string): BuiltImage {
  const l = new Layout();
  const runtimeConfig = Buffer.from(JSON.stringify({ type: "envoy_proxy", abiVersions: ["proxy_abi_version_0_2_0"], config: { root_ids: ["paygress"] } }));
  const config = l.add(MEDIA.wasmConfig, runtimeConfig);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config,
    layers: [
      l.add(MEDIA.wasmConfig, runtimeConfig, { "org.opencontainers.image.title": "runtime-config.json" }),
      l.add(MEDIA.wasmLayer, wasm, { "org.opencontainers.image.title": "plugin.wasm" }),
    ],
    annotations: commonAnnotations(version, wasm),
  };
  const m = l.add(MEDIA.manifest, Buffer.from(JSON.stringify(manifest)));
  l.write(dir, m, tag);
  return { dir, manifestDigest: m.digest, manifest };
}

/** The "compat" variant: a standard image with /plugin.wasm in its only layer. */
export function buildCompatImage(wasm: Buffer, dir: string, tag: string, version: string): BuiltImage {
  const l = new Layout();
  const tar = tarOneFile("plugin.wasm", wasm);
  const layer = l.add(MEDIA.tarGzipLayer, gzipSync(tar, { level: 9 }));
  const imageConfig = {
    created: CREATED,
    architecture: "wasm",
    os: "wasip1",
    config: { Labels: { "org.opencontainers.image.title": "paygress" } },
    rootfs: { type: "layers", diff_ids: [`sha256:${sha256(tar)}`] },
    history: [{ created: CREATED, created_by: "tools/build-oci.ts: add plugin.wasm" }],
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: l.add(MEDIA.imageConfig, Buffer.from(JSON.stringify(imageConfig))),
    layers: [layer],
    annotations: { ...commonAnnotations(version, wasm), "module.wasm.image/variant": "compat" },
  };
  const m = l.add(MEDIA.manifest, Buffer.from(JSON.stringify(manifest)));
  l.write(dir, m, tag);
  return { dir, manifestDigest: m.digest, manifest };
}

export function buildAll(wasmPath: string, outDir: string, tag?: string): { wasm: BuiltImage; compat: BuiltImage } {
  const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
  const wasm = readFileSync(wasmPath);
  if (wasm.subarray(0, 4).toString("latin1") !== "\0asm") throw new Error(`${wasmPath} is not a WebAssembly module`);
  return {
    wasm: buildWasmArtifact(wasm, join(outDir, "paygress-wasm"), tag ?? version, version),
    compat: buildCompatImage(wasm, join(outDir, "paygress-compat"), tag ?? version, version),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const wasmPath = resolve(process.argv[2] ?? join(ROOT, "build/paygress.wasm"));
  const outDir = resolve(process.argv[3] ?? join(ROOT, "build/oci"));
  const r = buildAll(wasmPath, outDir, process.argv[4]);
  for (const img of [r.wasm, r.compat]) console.log(`oci: ${img.dir} (manifest ${img.manifestDigest})`);
}
