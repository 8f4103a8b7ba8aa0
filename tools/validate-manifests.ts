// Validates Kubernetes manifests against the real schemas with kubeconform (strict: unknown fields
// are errors). No schema is written by hand; they are converted from what the projects ship:
//   - core kinds: Kubernetes' OpenAPI v2 spec, api/openapi-spec/swagger.json of the
//     k8s.io/kubernetes module;
//   - Istio kinds: the CRDs in istio.io/api's kubernetes/customresourcedefinitions.gen.yaml;
//   - Traefik kinds: the CRDs in the Traefik module's docs/content/reference/dynamic-configuration/.
// tools/go-tools.sh downloads those modules (pinned) into .cache/go; this script turns each needed
// kind into a standalone JSON Schema under .cache/schemas/ (CRD openAPIV3Schema → JSON Schema:
// x-kubernetes-int-or-string, nullable, x-kubernetes-preserve-unknown-fields; strict mode adds
// additionalProperties: false wherever the schema lists properties) and runs kubeconform with them.
// CEL rules (x-kubernetes-validations) are not evaluated: kubeconform cannot.
//
// Usage: npx tsx tools/validate-manifests.ts [file.yaml ...]   (default: every manifest in k8s/)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const GOBIN = join(ROOT, ".cache/go/bin");
export const KUBECONFORM = join(GOBIN, "kubeconform");
const MODCACHE = join(ROOT, ".cache/go/pkg/mod");
const SCHEMA_DIR = join(ROOT, ".cache/schemas");

/** YAML files under k8s/ that are configuration for other programs, not Kubernetes objects. */
export const NOT_KUBERNETES = new Set(["k8s/ingress-nginx/values.yaml", "k8s/kong/kong.yml", "k8s/traefik/values.yaml"]);

/** The pinned module versions, read from tools/go-tools.sh (one place for them). */
function pinned(variable: string): string {
  const text = readFileSync(join(ROOT, "tools/go-tools.sh"), "utf8");
  const m = new RegExp(`^${variable}=(\\S+)`, "m").exec(text);
  if (!m) throw new Error(`tools/go-tools.sh has no ${variable}=`);
  return m[1];
}

function moduleDir(variable: string): string {
  const spec = pinned(variable);
  const at = spec.lastIndexOf("@");
  // The module cache escapes upper-case letters as !lower.
  const path = spec.slice(0, at).replace(/[A-Z]/g, (c) => "!" + c.toLowerCase());
  const dir = join(MODCACHE, `${path}@${spec.slice(at + 1)}`);
  if (!existsSync(dir)) throw new Error(`${spec} is not downloaded (${relative(ROOT, dir)} missing): run bash tools/go-tools.sh`);
  return dir;
}

type Json = Record<string, any>;

export interface KindRef { group: string; version: string; kind: string }
const refKey = (r: KindRef) => `${r.group}/${r.version}/${r.kind}`;

export function parseApiVersion(apiVersion: string, kind: string): KindRef {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion, kind } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/** kubeconform's -schema-location template and the path our files take for it. */
const LOCATION = (dir: string) => `${dir}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
const schemaFile = (dir: string, r: KindRef) => join(dir, r.group || r.version, `${r.kind.toLowerCase()}_${r.version}.json`);

// ---- OpenAPI (CRD v3 and Kubernetes v2) → JSON Schema ---------------------------------------------

/** Converts one OpenAPI schema node; `strict` closes objects that list their properties. */
export function toJsonSchema(node: Json, strict: boolean): Json {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, strict));
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "properties" || k === "patternProperties" || k === "definitions") {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, toJsonSchema(pv as Json, strict)]));
    } else if (["items", "additionalProperties", "not"].includes(k) && typeof v === "object") {
      out[k] = toJsonSchema(v as Json, strict);
    } else if (["allOf", "anyOf", "oneOf"].includes(k)) {
      out[k] = (v as Json[]).map((n) => toJsonSchema(n, strict));
    } else if (k === "$ref" && typeof v === "string") {
      out[k] = v;
    } else if (k === "nullable" || k.startsWith("x-kubernetes-") || k === "x-kubernetes-group-version-kind") {
      // handled below / not JSON Schema
    } else {
      out[k] = v;
    }
  }
  if (node["x-kubernetes-int-or-string"] === true || node.format === "int-or-string") {
    delete out.type;
    delete out.format;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (node.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  const open = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (strict && out.properties && out.additionalProperties === undefined && !open) out.additionalProperties = false;
  return out;
}

/** Every definition a Kubernetes swagger definition refers to, transitively. */
function closure(defs: Json, name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const walk = (n: unknown): void => {
    if (!n || typeof n !== "object") return;
    if (Array.isArray(n)) { n.forEach(walk); return; }
    for (const [k, v] of Object.entries(n as Json)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/definitions/")) closure(defs, v.slice(14), seen);
      else walk(v);
    }
  };
  walk(defs[name]);
  return seen;
}

interface Sources { kubernetes: Json; crds: Map<string, Json> }

function loadSources(): Sources {
  const swagger = JSON.parse(readFileSync(join(moduleDir("KUBERNETES"), "api/openapi-spec/swagger.json"), "utf8"));
  const kubernetes: Json = {};
  for (const [name, def] of Object.entries(swagger.definitions as Json)) {
    for (const gvk of (def as Json)["x-kubernetes-group-version-kind"] ?? []) {
      kubernetes[refKey(gvk)] = name;
    }
  }
  kubernetes.__definitions = swagger.definitions;
  const crds = new Map<string, Json>();
  const crdFiles = [
    join(moduleDir("ISTIO_API"), "kubernetes/customresourcedefinitions.gen.yaml"),
    join(moduleDir("TRAEFIK"), "docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml"),
  ];
  for (const f of crdFiles) {
    for (const doc of parseAllDocuments(readFileSync(f, "utf8"))) {
      const crd = doc.toJS() as Json | null;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      for (const v of crd.spec.versions ?? []) {
        if (v.served === false || !v.schema?.openAPIV3Schema) continue;
        crds.set(refKey({ group: crd.spec.group, version: v.name, kind: crd.spec.names.kind }), v.schema.openAPIV3Schema);
      }
    }
  }
  return { kubernetes, crds };
}

/** Writes the strict JSON Schema of each kind; returns the kinds no source defines. */
export function writeSchemas(kinds: KindRef[], dir = SCHEMA_DIR): string[] {
  const src = loadSources();
  const missing: string[] = [];
  for (const r of kinds) {
    const key = refKey(r);
    let schema: Json | null = null;
    const crd = src.crds.get(key);
    if (crd) {
      schema = toJsonSchema(crd, true);
      // A CRD schema describes only spec/status; apiVersion, kind and metadata come from the API
      // machinery. Describe them (from Kubernetes' own ObjectMeta) so strict mode checks them too.
      const defs = src.kubernetes.__definitions as Json;
      const meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
      schema.properties = { ...schema.properties, apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { $ref: `#/definitions/${meta}` } };
      schema.definitions = Object.fromEntries([...closure(defs, meta)].map((n) => [n, toJsonSchema(defs[n], true)]));
    } else if (src.kubernetes[key]) {
      const defs = src.kubernetes.__definitions as Json;
      const name = src.kubernetes[key] as string;
      schema = {
        ...toJsonSchema(defs[name], true),
        definitions: Object.fromEntries([...closure(defs, name)].map((n) => [n, toJsonSchema(defs[n], true)])),
      };
    }
    if (!schema) { missing.push(key); continue; }
    // Kubernetes' Quantity is a string in the spec but YAML numbers (cpu: 1) are accepted by the API.
    const q = schema.definitions?.["io.k8s.apimachinery.pkg.api.resource.Quantity"];
    if (q) { delete q.type; q.anyOf = [{ type: "string" }, { type: "number" }]; }
    const file = schemaFile(dir, r);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(schema));
  }
  return missing;
}

export interface ManifestDoc { file: string; index: number; apiVersion: string; kind: string }

/** The Kubernetes objects of `files`; a YAML file with none is an error unless listed as not Kubernetes. */
export function readManifests(files: string[]): { docs: ManifestDoc[]; errors: string[] } {
  const docs: ManifestDoc[] = [];
  const errors: string[] = [];
  for (const f of files) {
    const parsed = parseAllDocuments(readFileSync(f, "utf8"));
    let n = 0;
    parsed.forEach((d, index) => {
      if (d.errors.length) errors.push(`${f}: YAML error: ${d.errors[0].message}`);
      const o = d.toJS() as Json | null;
      if (!o) return;
      if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") {
        errors.push(`${f} document ${index}: no apiVersion/kind`);
        return;
      }
      docs.push({ file: f, index, apiVersion: o.apiVersion, kind: o.kind });
      n++;
    });
    if (n === 0 && !parsed.some((d) => d.errors.length)) errors.push(`${f}: no Kubernetes object`);
  }
  return { docs, errors };
}

/** Every Kubernetes manifest under k8s/. */
export function defaultManifests(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && !NOT_KUBERNETES.has(relative(ROOT, p))) out.push(p);
    }
  };
  walk(join(ROOT, "k8s"));
  return out.sort();
}

export interface ValidationResult { ok: boolean; output: string; resources: number }

/** Validates `files` (absolute paths) with kubeconform -strict against the converted schemas. */
export function validateManifests(files: string[]): ValidationResult {
  if (!existsSync(KUBECONFORM)) {
    return { ok: false, output: `${relative(ROOT, KUBECONFORM)} is missing: run bash tools/go-tools.sh (or npm run setup)`, resources: 0 };
  }
  const { docs, errors } = readManifests(files);
  if (errors.length) return { ok: false, output: errors.join("\n"), resources: 0 };
  const kinds = new Map<string, KindRef>();
  for (const d of docs) {
    const r = parseApiVersion(d.apiVersion, d.kind);
    kinds.set(refKey(r), r);
  }
  const missing = writeSchemas([...kinds.values()]);
  if (missing.length) return { ok: false, output: `no schema in any source for: ${missing.join(", ")}`, resources: 0 };
  const r = spawnSync(KUBECONFORM, ["-strict", "-summary", "-output", "text", "-schema-location", LOCATION(SCHEMA_DIR), ...files], { encoding: "utf8" });
  const output = (r.stdout + r.stderr).trim();
  // Every object must have been validated: kubeconform must not skip anything.
  const m = /Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(output);
  const valid = m ? Number(m[1]) : 0;
  const ok = r.status === 0 && !!m && Number(m[2]) === 0 && Number(m[3]) === 0 && Number(m[4]) === 0 && valid === docs.length;
  return { ok, output, resources: valid };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => resolve(f)) : defaultManifests();
  const r = validateManifests(files);
  console.log(r.output);
  console.log(r.ok ? `manifests: ${r.resources} objects in ${files.length} files valid` : "manifests: INVALID");
  process.exit(r.ok ? 0 : 1);
}
