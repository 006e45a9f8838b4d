/** The committed generated client must equal a fresh generation from proto/ (run `npm run generate`). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import t from 'tap';
import { packageRoot } from '../../common/proto.js';

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    })
    .sort();
}

t.test('clients/generated is fresh', (t) => {
  const root = packageRoot();
  const out = mkdtempSync(join(tmpdir(), 'ferry-generated-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  execFileSync(process.execPath, [join(root, 'scripts', 'generate-client.mjs'), '--out', out], {
    stdio: 'ignore',
  });

  const committedDir = join(root, 'clients', 'generated');
  const committed = listFiles(committedDir).map((file) => relative(committedDir, file));
  const fresh = listFiles(out).map((file) => relative(out, file));
  t.same(committed, fresh, 'the same files (run `npm run generate` and commit clients/generated)');
  const stale = fresh.filter(
    (file) => readFileSync(join(out, file), 'utf8') !== readFileSync(join(committedDir, file), 'utf8'),
  );
  t.same(stale, [], 'no file differs (run `npm run generate` and commit clients/generated)');
  t.ok(fresh.includes('ferry/v1/PipelineService.ts'), 'the generation produced the service clients');
  t.end();
});
