// Every Kubernetes manifest in k8s/ is validated by kubeconform (strict) against schemas converted
// from the real sources: Kubernetes' OpenAPI (k8s.io/kubernetes module), Istio's CRDs (istio.io/api)
// and Traefik's CRDs (Traefik module); see tools/validate-manifests.ts. Broken copies (an unknown
// field, a wrong enum value, a missing required field) must fail, or the validation proves nothing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NOT_KUBERNETES, ROOT, defaultManifests, readManifests, validateManifests } from "../../tools/validate-manifests.ts";

describe("k8s manifests against the real schemas (kubeconform -strict)", () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), "paygress-manifests-")); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function brokenCopy(rel: string, from: string, to: string): string {
    const text = readFileSync(join(ROOT, rel), "utf8");
    assert.ok(text.includes(from), `${rel} contains ${from}`);
    const file = join(dir, rel.replace(/\//g, "_"));
    writeFileSync(file, text.replace(from, to));
    return file;
  }

  it("covers every kind of example: Istio (gateway and sidecar), ingress-nginx, Traefik, demo backend", () => {
    const files = defaultManifests();
    const { docs, errors } = readManifests(files);
    assert.deepEqual(errors, []);
    const kinds = new Set(docs.map((d) => `${d.apiVersion}/${d.kind}`));
    for (const k of [
      "extensions.istio.io/v1alpha1/WasmPlugin", "networking.istio.io/v1alpha3/EnvoyFilter", "networking.istio.io/v1/ServiceEntry",
      "apps/v1/Deployment", "v1/Service", "v1/ConfigMap", "v1/Secret", "networking.k8s.io/v1/Ingress",
      "traefik.io/v1alpha1/Middleware", "traefik.io/v1alpha1/IngressRoute",
    ]) assert.ok(kinds.has(k), `no ${k} among the manifests`);
    for (const f of ["gateway", "sidecar"]) {
      assert.ok(files.some((p) => p.endsWith(`k8s/istio/${f}/wasmplugin.yaml`)));
      assert.ok(files.some((p) => p.endsWith(`k8s/istio/${f}/envoyfilter.yaml`)));
    }
    assert.ok(NOT_KUBERNETES.size <= 4, "only a few files are exempt (configuration for other programs)");
  });

  it("every manifest in k8s/ is valid", () => {
    const r = validateManifests(defaultManifests());
    assert.ok(r.ok, r.output);
    assert.ok(r.resources >= 30, `expected every object validated, got ${r.resources}:\n${r.output}`);
  });

  it("a WasmPlugin with an unknown field is rejected (Istio CRD schema)", () => {
    const f = brokenCopy("k8s/istio/gateway/wasmplugin.yaml", "  failStrategy: FAIL_CLOSE", "  failStrategy: FAIL_CLOSE\n  failStrategyy: FAIL_CLOSE");
    const r = validateManifests([f]);
    assert.equal(r.ok, false, "must fail");
    assert.match(r.output, /failStrategyy/);
  });

  it("a WasmPlugin env with a value outside the enum is rejected", () => {
    const f = brokenCopy("k8s/istio/sidecar/wasmplugin.yaml", "        valueFrom: HOST", "        valueFrom: SECRET");
    const r = validateManifests([f]);
    assert.equal(r.ok, false, "must fail");
    assert.match(r.output, /valueFrom/);
  });

  it("a Deployment with a misspelt container field is rejected (Kubernetes OpenAPI)", () => {
    const f = brokenCopy("k8s/demo/backend.yaml", "              containerPort: 8080", "              containerPort: 8080\n              hostPortt: 80");
    const r = validateManifests([f]);
    assert.equal(r.ok, false, "must fail");
    assert.match(r.output, /hostPortt/);
  });

  it("a Traefik Middleware with a misspelt forwardAuth field is rejected (Traefik CRD)", () => {
    const f = brokenCopy("k8s/traefik/forward-auth.yaml", "    trustForwardHeader: false\n", "    trustForwardHeaders: false\n");
    const r = validateManifests([f]);
    assert.equal(r.ok, false, "must fail");
    assert.match(r.output, /trustForwardHeaders/);
  });

  it("an object of a kind no schema source knows is an error, not a skip", () => {
    const file = join(dir, "unknown.yaml");
    writeFileSync(file, "apiVersion: example.com/v1\nkind: Gizmo\nmetadata:\n  name: x\n");
    const r = validateManifests([file]);
    assert.equal(r.ok, false);
    assert.match(r.output, /example\.com\/v1\/Gizmo/);
  });
});
