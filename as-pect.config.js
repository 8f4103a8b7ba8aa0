// as-pect: unit tests of the pure AssemblyScript code (core/ and gate/). Specs are in
// assembly/__tests__; those under generated/ are written by tools/gen-vectors.ts from the official
// NUT test vectors. The adapter is tested against the compiled filter from TypeScript (test/unit).
export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
