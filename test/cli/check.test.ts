/** `ttc-lens check` as users run it: the built dist/cli.js in a child process. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, ROOT } from '../lsp/helpers/client';

const FIX = 'test/fixtures/configs';
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: ttc-lens check', function () {
  this.timeout(60_000);
  before(() => ensureBuilt());

  it('exits 0 on the example workspace', () => {
    const r = cli('examples/');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    const n = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => /\.ttc\.ya?ml$/.test(f)).length;
    assert.ok(n >= 4);
    assert.match(r.stderr, new RegExp(`^${n} configs checked: 0 error\\(s\\), 0 warning\\(s\\)`));
  });

  it('names all three planted mistakes at the right line:col and exits 1', () => {
    const r = cli(`${FIX}/three-mistakes.ttc.yaml`);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^test\/fixtures\/configs\/three-mistakes\.ttc\.yaml:10:3 error Unknown key 'temprature' in strategy\. Did you mean 'temperature'\? .* \[unknown-key\]$/);
    assert.match(lines[1], /^test\/fixtures\/configs\/three-mistakes\.ttc\.yaml:12:6 error DVTS needs n to be a multiple of beam_width .* Use n = 12 or 16, .* \[dvts-divisibility\]$/);
    assert.match(lines[2], /^test\/fixtures\/configs\/three-mistakes\.ttc\.yaml:14:13 error Model 'reward' is not defined in `models`\. Did you mean 'rewarder'\? .* \[undefined-model\]$/);
  });

  it('exits 0 when there are only warnings', () => {
    const r = cli(`${FIX}/warnings-only.ttc.yaml`);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /:8:3 warning 'beam_width' does not apply to self_consistency/);
  });

  it('prints a JSON array with 1-based positions', () => {
    const r = cli('--format', 'json', `${FIX}/three-mistakes.ttc.yaml`, `${FIX}/valid.ttc.yaml`);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(out[0], {
      file: `${FIX}/three-mistakes.ttc.yaml`,
      line: 10,
      column: 3,
      endLine: 10,
      endColumn: 13,
      severity: 'error',
      code: 'unknown-key',
      message: out[0].message,
    });
    assert.deepEqual(out.map((f) => f.code), ['unknown-key', 'dvts-divisibility', 'undefined-model']);
  });

  it('prints SARIF 2.1.0 with rules and regions', () => {
    const r = cli(`${FIX}/three-mistakes.ttc.yaml`, '--format=sarif');
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'ttc-lens');
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.deepEqual(ruleIds, ['dvts-divisibility', 'undefined-model', 'unknown-key']);
    assert.ok(run.tool.driver.rules.every((x: { shortDescription: { text: string } }) => x.shortDescription.text.length > 10));
    assert.equal(run.results.length, 3);
    const first = run.results[0];
    assert.equal(first.ruleId, 'unknown-key');
    assert.equal(run.tool.driver.rules[first.ruleIndex].id, 'unknown-key');
    assert.equal(first.level, 'error');
    assert.deepEqual(first.locations[0].physicalLocation, {
      artifactLocation: { uri: `${FIX}/three-mistakes.ttc.yaml` },
      region: { startLine: 10, startColumn: 3, endLine: 10, endColumn: 13 },
    });
  });

  it('searches folders recursively, skipping node_modules and .git', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttc-check-'));
    try {
      fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
      fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
      const bad = 'version: 1\nmodels: {}\nstrategy: {approach: nope}\n';
      fs.writeFileSync(path.join(dir, 'a', 'b', 'deep.ttc.yml'), bad);
      fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'skip.ttc.yaml'), bad);
      fs.writeFileSync(path.join(dir, '.git', 'skip.ttc.yaml'), bad);
      fs.writeFileSync(path.join(dir, 'not-a-config.yaml'), bad);
      const r = cli('--format', 'json', dir);
      assert.equal(r.code, 1);
      const files = [...new Set((JSON.parse(r.stdout) as Array<{ file: string }>).map((f) => f.file))];
      assert.deepEqual(files, [path.join(dir, 'a', 'b', 'deep.ttc.yml')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports garbage files as problems, not crashes', () => {
    const r = cli(`${FIX}/garbage.ttc.yaml`);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /garbage\.ttc\.yaml:\d+:\d+ error YAML: .* \[yaml-syntax\]/);
    assert.equal(r.stderr.includes('at '), false, r.stderr);
  });

  it('exits 2 on usage errors', () => {
    assert.equal(cli().code, 2);
    assert.equal(cli('--format', 'xml', 'examples/').code, 2);
    assert.equal(cli('--frobnicate', 'examples/').code, 2);
    const missing = cli('no/such/dir');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder: no\/such\/dir/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ttc-empty-'));
    try {
      assert.equal(cli(empty).code, 2);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const help = cli('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: ttc-lens check/);
  });
});
