import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1]!);
}

/** Every module reachable from the entry point through relative imports, and every other specifier. */
function closure(entry: string): { modules: Set<string>; external: Set<string> } {
  const modules = new Set<string>();
  const external = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else external.add(specifier);
    }
  }
  return { modules, external };
}

describe('the core has zero runtime dependencies', () => {
  it('the main entry point reaches only node:crypto and its own protocol modules', () => {
    const { modules, external } = closure(join(src, 'index.ts'));
    assert.deepEqual([...external].sort(), ['node:crypto']);
    for (const file of modules)
      assert.ok(file === join(src, 'index.ts') || file.startsWith(join(src, 'protocol')), file);
  });
  it('no protocol module imports anything but node:crypto', () => {
    for (const name of readdirSync(join(src, 'protocol'))) {
      for (const specifier of importsOf(join(src, 'protocol', name))) {
        assert.ok(specifier.startsWith('./') || specifier === 'node:crypto', `${name} imports ${specifier}`);
      }
    }
  });
});
