#!/usr/bin/env node
// Launcher for the `paygress` command (package.json "bin"): loads tsx so the TypeScript CLI runs as is.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
const code = await main(process.argv.slice(2));
// Idle keep-alive sockets must not hold the command open after it has answered.
process.exit(code);
