#!/usr/bin/env node
// Runs the built CLI when there is one (the image, an installed package), else the TypeScript source
// directly (a checkout, on Node >= 22.18 which strips types).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
const { cli, terminal } = await import(
  existsSync(built) ? built.href : new URL('../src/cli/main.ts', import.meta.url).href
);
process.exitCode = await cli(process.argv.slice(2), terminal, process.env);
