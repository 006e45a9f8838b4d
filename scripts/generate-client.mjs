#!/usr/bin/env node
// Regenerates the typed TypeScript client in clients/generated/ from proto/ (npm run generate).
// The loader options live in proto/loader-options.json so that the generated types and the runtime loader
// (common/proto.ts) cannot disagree. `--out DIR` writes elsewhere: the freshness test compares that output
// with the committed one.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'clients', 'generated');
const options = JSON.parse(readFileSync(join(root, 'proto', 'loader-options.json'), 'utf8'));
const protoFiles = readdirSync(join(root, 'proto', 'ferry', 'v1'))
  .filter((name) => name.endsWith('.proto'))
  .sort()
  .map((name) => `ferry/v1/${name}`);

const require = createRequire(import.meta.url);
const generator = join(
  dirname(require.resolve('@grpc/proto-loader/package.json')),
  'build',
  'bin',
  'proto-loader-gen-types.js',
);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const args = [
  generator,
  `--longs=${options.longs}`,
  `--enums=${options.enums}`,
  ...(options.keepCase ? ['--keepCase'] : []),
  ...(options.defaults ? ['--defaults'] : []),
  ...(options.arrays ? ['--arrays'] : []),
  ...(options.oneofs ? ['--oneofs'] : []),
  '--includeComments=true',
  '--grpcLib=@grpc/grpc-js',
  '--importFileExtension=.js',
  '--inputTemplate=%sInput',
  '--outputTemplate=%s',
  // yargs reads an array option greedily: the include directories must not come right before the files.
  ...options.includeDirs.map((dir) => `--includeDirs=${join(root, dir)}`),
  `--outDir=${outDir}`,
  ...protoFiles,
];
execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
// The generator writes each file's absolute source path into a header comment; keep it relative so that the
// output is the same on every machine.
for (const file of walk(outDir)) {
  const text = readFileSync(file, 'utf8');
  const relative = text.replaceAll(`// Original file: ${root}/`, '// Original file: ');
  if (relative !== text) writeFileSync(file, relative);
}
console.log(
  `generated ${outDir.startsWith(root) ? outDir.slice(root.length + 1) : outDir} from ${protoFiles.length} proto files`,
);

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
