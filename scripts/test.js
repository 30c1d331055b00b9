#!/usr/bin/env node
// The single test command: builds, then runs the unit, integration (inside a real VS Code) and e2e
// (UI) suites, and ends with one line "N passed, N failed" over all of them.
// Usage: node scripts/test.js [--unit] [--integration] [--e2e]   (no flag: all suites)
// PREFILL_LOOM_GREP=<pattern> runs only the tests whose title matches, in every suite.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'out');
const SUITES = ['unit', 'integration', 'e2e'];
// CI allows 30 minutes; a hung run must still end with a verdict well before that.
const WATCHDOG_MS = 25 * 60_000;

/** The suites run so far: a watchdog verdict still names them. */
const outcomes = [];

async function main() {
  armWatchdog();
  const requested = SUITES.filter((suite) => process.argv.includes(`--${suite}`));
  if (build()) {
    for (const suite of requested.length > 0 ? requested : SUITES) {
      outcomes.push({ name: suite, ...(await runSuite(suite)) });
    }
  } else {
    outcomes.push({ name: 'build', passed: 0, failed: 1, note: 'build failed, no suite ran' });
  }
  finish(outcomes);
}

function armWatchdog() {
  setTimeout(() => {
    console.error(`\ntest run exceeded ${WATCHDOG_MS / 60_000} minutes, giving up`);
    finish([...outcomes, { name: 'watchdog', passed: 0, failed: 1, note: 'timed out' }]);
  }, WATCHDOG_MS).unref();
}

/** Bundles the extension and compiles the tests from scratch, so deleted tests do not linger in out/. */
function build() {
  fs.rmSync(out, { recursive: true, force: true });
  return step('esbuild', [path.join(root, 'esbuild.js')]) && step('tsc', [require.resolve('typescript/bin/tsc'), '-p', root]);
}

function step(name, args) {
  console.log(`> ${name}`);
  const { status, error } = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (status !== 0) {
    console.error(`${name} failed${error ? `: ${error.message}` : ''}`);
  }
  return status === 0;
}

/** Runs one suite; a suite that cannot start counts as one failure. */
async function runSuite(name) {
  console.log(`\n=== ${name} ===`);
  try {
    return await SUITE_RUNNERS[name]();
  } catch (e) {
    console.error(`${name} suite could not run: ${e instanceof Error ? e.stack : e}`);
    return { passed: 0, failed: 1, note: 'could not run' };
  }
}

const SUITE_RUNNERS = {
  unit: () => runMocha(testFiles('unit'), 10_000),
  integration: () => {
    testFiles('integration');
    return require(path.join(out, 'test', 'harness', 'inHostSuite.js')).runInHostSuite();
  },
  e2e: () => runMocha(testFiles('e2e'), 120_000),
};

function testFiles(suite) {
  const dir = path.join(out, 'test', suite);
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort()
    : [];
  if (files.length === 0) {
    throw new Error(`no *.test.js under ${path.relative(root, dir)}`);
  }
  return files;
}

async function runMocha(files, timeout) {
  const Mocha = require('mocha');
  const grep = process.env.PREFILL_LOOM_GREP;
  const mocha = new Mocha({ reporter: 'spec', timeout, color: Boolean(process.stdout.isTTY), ...(grep ? { grep } : {}) });
  files.forEach((file) => mocha.addFile(file));
  await mocha.loadFilesAsync();
  const failures = [];
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
    runner.on('fail', (test) => failures.push(test.fullTitle()));
  });
  mocha.dispose();
  return { passed: stats.passes, failed: stats.failures, failures };
}

function finish(outcomes) {
  console.log('');
  // CI shows only the end of the log: name the failed tests there.
  for (const { name, failures = [] } of outcomes) {
    failures.forEach((title) => console.log(`failed in ${name}: ${title}`));
  }
  for (const { name, passed, failed, note } of outcomes) {
    console.log(`${name}: ${passed} passed, ${failed} failed${note ? ` (${note})` : ''}`);
  }
  const passed = outcomes.reduce((sum, o) => sum + o.passed, 0);
  const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  // Leftover handles from tests (servers, sockets) must not keep the run alive.
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  finish([...outcomes, { name: 'runner', passed: 0, failed: 1, note: 'crashed' }]);
});
