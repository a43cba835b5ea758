import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared-data.js';

describe('README', () => {
  it('shows the Donchian example exactly as it is in examples/ (type-checked and tested there)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const file = readFileSync(join(REPO_ROOT, 'examples', 'strategies', 'donchian-breakout.ts'), 'utf8');
    // The file's opening comment is prose the README says around the code.
    const code = file.slice(file.indexOf('import {'));
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\`\n`);
  });
});
