#!/usr/bin/env node
// Checks every workspace package's build output and exports map with publint.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = new URL('..', import.meta.url).pathname;
let failed = false;
for (const name of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const { messages } = await publint({ pkgDir, level: 'suggestion', strict: true });
  for (const message of messages) {
    console.log(`${pkg.name} [${message.type}] ${formatMessage(message, pkg)}`);
    if (message.type !== 'suggestion') failed = true;
  }
}
if (failed) process.exit(1);
console.log('publint: every package is clean.');
