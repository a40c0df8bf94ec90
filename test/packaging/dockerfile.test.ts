// The Dockerfile lints clean with dockerfile-utils (no Docker engine here) and keeps the image
// policy: UBI 9 Node.js 24 pinned by tag, production dependencies only, non-root with group 0
// ownership for OpenShift's random UID, exec-form CMD, OCI labels, no HEALTHCHECK, rules inside.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { validate } from 'dockerfile-utils';

const root = join(import.meta.dirname, '..', '..');

type Instruction = { keyword: string; args: string };
type Stage = { from: string; name: string | undefined; instructions: Instruction[] };

function readDockerfile(): string {
  return readFileSync(join(root, 'Dockerfile'), 'utf8');
}

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return logical.map((line) => {
    const [, keyword = '', args = ''] = /^\s*(\S+)\s*(.*)$/.exec(line) ?? [];
    return { keyword: keyword.toUpperCase(), args: args.trim() };
  });
}

/** The ARGs declared before the first FROM, with their defaults: what FROM lines may use. */
function globalArgs(text: string): Record<string, string> {
  const all = instructions(text);
  const first = all.findIndex((i) => i.keyword === 'FROM');
  return Object.fromEntries(
    all
      .slice(0, first)
      .filter((i) => i.keyword === 'ARG')
      .map((i) => {
        const [name = '', value = ''] = i.args.split('=');
        return [name, value];
      }),
  );
}

/** Stages; `from` is the base image with the global ARGs' defaults filled in, `fromAsWritten` as written. */
function stages(text: string): Array<Stage & { fromAsWritten: string }> {
  const result: Array<Stage & { fromAsWritten: string }> = [];
  const defaults = globalArgs(text);
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [written = '', as, name] = instruction.args.split(/\s+/);
      const from = written.replace(/\$\{(\w+)\}/g, (_, arg: string) => defaults[arg] ?? '');
      result.push({
        from,
        fromAsWritten: written,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
    } else {
      result.at(-1)?.instructions.push(instruction);
    }
  }
  return result;
}

function finalStage(): Stage {
  const last = stages(readDockerfile()).at(-1);
  assert.ok(last, 'the Dockerfile has no FROM');
  return last;
}

function args(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

describe('Dockerfile', () => {
  it('has no dockerfile-utils errors or warnings', () => {
    const diagnostics = validate(readDockerfile()).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    assert.deepEqual(diagnostics, []);
  });

  it('lints clean with the dockerfile-utils command line', () => {
    const cli = join(root, 'node_modules', 'dockerfile-utils', 'bin', 'dockerfile-utils');
    const output = execFileSync(process.execPath, [cli, 'lint', join(root, 'Dockerfile')], { encoding: 'utf8' });
    assert.equal(output.trim(), '');
  });

  it('is checked by a linter that does flag a bad Dockerfile', () => {
    const diagnostics = validate('from ubi9\nHEALTHCHECK NONE\nHEALTHCHECK NONE\nMAINTAINER someone\n');
    assert.ok(diagnostics.length >= 3, JSON.stringify(diagnostics));
  });

  it('builds on ubi9/nodejs-24 and runs on ubi9/nodejs-24-minimal, pinned by exact tag', () => {
    const all = stages(readDockerfile());
    const external = all.map((s) => s.from).filter((from) => !all.some((s) => s.name === from));
    assert.ok(external.length >= 2);
    for (const image of external) {
      assert.match(
        image,
        /^registry\.access\.redhat\.com\/ubi9\/nodejs-24(-minimal)?:\d+\.\d+-\d+(@sha256:[a-f0-9]{64})?$/,
      );
    }
    assert.match(all[0]?.from ?? '', /\/ubi9\/nodejs-24:/);
    assert.match(finalStage().from, /\/ubi9\/nodejs-24-minimal:/);
  });

  it('takes every outside source as a build argument, for a disconnected build from mirrors', () => {
    const all = stages(readDockerfile());
    const external = all.filter((s) => !all.some((other) => other.name === s.fromAsWritten));
    for (const stage of external) {
      assert.match(
        stage.fromAsWritten,
        /^\$\{(BUILD_IMAGE|RUNTIME_IMAGE)\}$/,
        'a base image not given by a build argument',
      );
    }
    assert.deepEqual(Object.keys(globalArgs(readDockerfile())).sort(), ['BUILD_IMAGE', 'RUNTIME_IMAGE']);
    const installs = instructions(readDockerfile()).filter((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    assert.ok(installs.length >= 2);
    for (const install of installs) assert.match(install.args, /--registry="\$\{NPM_REGISTRY\}"/);
    const labels = args(finalStage(), 'LABEL').join(' ');
    assert.match(labels, /org\.opencontainers\.image\.base\.name="\$\{RUNTIME_IMAGE\}"/);
  });

  it('ships production dependencies only, installed from the lockfile', () => {
    const text = instructions(readDockerfile());
    const installs = text.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
    assert.ok(
      installs.every((i) => /\bnpm ci\b/.test(i.args)),
      'npm install is used instead of npm ci',
    );
    assert.ok(
      installs.some((i) => /--omit=dev/.test(i.args)),
      'no npm ci --omit=dev',
    );
    const nodeModules = args(finalStage(), 'COPY').filter((a) => /node_modules/.test(a));
    assert.equal(nodeModules.length, 1);
    const fromStage = /--from=(\S+)/.exec(nodeModules[0] as string)?.[1];
    const source = stages(readDockerfile()).find((s) => s.name === fromStage);
    assert.ok(source, `node_modules comes from an unknown stage ${fromStage}`);
    assert.ok(
      args(source, 'RUN').some((a) => /npm ci\b.*--omit=dev/.test(a)),
      `stage ${fromStage} does not install with --omit=dev`,
    );
    assert.ok(!args(source, 'RUN').some((a) => /npm ci(?!.*--omit=dev)/.test(a)), 'dev dependencies installed');
  });

  it('runs as a numeric non-root user, with files group-owned by 0 as copied and no layer rewriting them', () => {
    const stage = finalStage();
    const users = args(stage, 'USER');
    assert.deepEqual(users, ['1001'], 'never USER 0 in the runtime stage');
    for (const copy of args(stage, 'COPY')) assert.match(copy, /^--from=\S+ --chown=1001:0 |^--chown=1001:0 /);
    assert.ok(!args(stage, 'RUN').some((a) => /\b(chgrp|chmod|chown)\b/.test(a)), 'a layer rewrites the copied files');
  });

  it('starts node dist/main.js in exec form, with no HEALTHCHECK', () => {
    const stage = finalStage();
    const cmd = args(stage, 'CMD');
    assert.equal(cmd.length, 1);
    assert.deepEqual(JSON.parse(cmd[0] as string), ['node', 'dist/main.js']);
    assert.deepEqual(args(stage, 'ENTRYPOINT'), []);
    assert.ok(!instructions(readDockerfile()).some((i) => i.keyword === 'HEALTHCHECK'));
  });

  it('puts the compiled app, the built-in rules and the CLI in the image', () => {
    const copies = args(finalStage(), 'COPY').join('\n');
    assert.match(copies, /\/dist \.\/dist/);
    assert.match(copies, /\brules \.\/rules/);
    assert.match(copies, /\bbin \.\/bin/);
    assert.match(copies, /\bpackage\.json \.\//);
  });

  it('exposes the SCIM, HTTPS and metrics ports and carries OCI labels', () => {
    const stage = finalStage();
    assert.deepEqual(args(stage, 'EXPOSE'), ['8080 8443 9464'], 'SCIM, HTTPS for reencrypt Routes, metrics');
    const labels = args(stage, 'LABEL').join(' ');
    for (const label of ['title', 'description', 'licenses', 'version', 'revision', 'base.name']) {
      assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${label.replace('.', '\\.')}=`));
    }
  });

  it('copies only paths that .dockerignore lets into the build context', () => {
    const allowed = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1).replace(/\/$/, ''));
    const sources = instructions(readDockerfile())
      .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((word) => !word.startsWith('--'))
          .slice(0, -1),
      );
    assert.ok(sources.length > 0);
    for (const source of sources) assert.ok(allowed.includes(source), `${source} is excluded by .dockerignore`);
  });

  it('puts the scim-proxy command on PATH (helm test runs scim-proxy doctor)', () => {
    const stage = finalStage();
    assert.ok(args(stage, 'ENV').some((a) => /^PATH=\/opt\/app-root\/src\/bin:\$PATH$/.test(a)));
    assert.ok(args(stage, 'RUN').some((a) => /ln -s scim-proxy\.js bin\/scim-proxy/.test(a)));
  });

  it('a scim-proxy link to bin/scim-proxy.js runs by name from PATH', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-proxy-bin-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    symlinkSync(join(import.meta.dirname, '..', '..', 'bin', 'scim-proxy.js'), join(dir, 'scim-proxy'));
    const run = spawnSync('scim-proxy', ['--help'], {
      encoding: 'utf8',
      env: { PATH: `${dir}${delimiter}${dirname(process.execPath)}` },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /usage: scim-proxy <command>/);
  });
});
