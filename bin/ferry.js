#!/usr/bin/env node
// The `ferry` command: control plane, worker and administration CLI (see README.md).
import { main } from '../dist/clients/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
