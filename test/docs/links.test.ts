// The documentation can be followed as written: every relative link opens a file of the repository
// (and the heading it names), the repository refers to nothing outside itself, and every placeholder
// in a command is quoted, so a command pasted into a shell does not turn `<id>` into a redirection.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { anchors, codeBlocks, inlineCode, links, markdownFiles, ROOT, read } from '../support/markdown.ts';

test('every relative link in the Markdown files opens a file of the repository, at a heading it has', () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    for (const { target, line } of links(read(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [filePart = '', anchor] = target.split('#');
      const resolved = filePart === '' ? file : path.join(path.dirname(file), decodeURIComponent(filePart));
      const where = `${file}:${line} → ${target}`;
      if (path.relative(ROOT, path.resolve(ROOT, resolved)).startsWith('..'))
        broken.push(`${where}: outside the repository`);
      else if (!existsSync(path.join(ROOT, resolved))) broken.push(`${where}: no such file`);
      else if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor))
        broken.push(`${where}: ${resolved} has no heading with this anchor`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the link check sees a missing file and a missing heading', () => {
  const markdown = '# Title\n\nSee [a](#title), [b](#nowhere) and [c](../x.md).\n\n```\n[d](#in-code)\n```';
  assert.deepEqual(
    links(markdown).map((l) => l.target),
    ['#title', '#nowhere', '../x.md'],
  );
  assert.ok(anchors(markdown).has('title'));
  assert.ok(!anchors(markdown).has('nowhere'));
});

/** Text files of the repository (what a clone holds, less dependencies and build output). */
function repositoryFiles(dir = ROOT): string[] {
  const skip = new Set(['node_modules', '.git', 'dist', 'records', 'recordings', 'coverage']);
  return readdirSync(dir).flatMap((name) => {
    if (skip.has(name) || name.startsWith('dist-test-')) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return repositoryFiles(full);
    return /\.(ts|js|mjs|json|ya?ml|md|txt|tpl|sh)$|^(Dockerfile|run|\.\w+)$/.test(name) ? [full] : [];
  });
}

test('no file of the repository refers to the workshop outside it', () => {
  // Built from parts so that this file does not name what it looks for.
  const workshop = 'shared';
  const outside = [
    `../${workshop}`,
    `/work/${workshop}`,
    ...['corpus', 'research', 'tools'].map((d) => `${workshop}/${d}/`),
  ];
  const offenders = repositoryFiles().flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        outside.some((needle) => line.includes(needle))
          ? [`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`]
          : [],
      ),
  );
  assert.deepEqual(offenders, []);
});

/** `<placeholder>`s a shell would read as redirections: outside quotes and outside a comment. */
export function unquotedPlaceholders(command: string): string[] {
  const found: string[] = [];
  for (const line of command.split('\n')) {
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const c = line[i] ?? '';
      if (quote) {
        if (c === quote) quote = undefined;
        else if (c === '\\' && quote === '"') i++;
        continue;
      }
      if (c === '\\') i++;
      else if (c === "'" || c === '"') quote = c;
      else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) break;
      else if (c === '<') {
        const placeholder = /^<[A-Za-z][^<>]*>/.exec(line.slice(i))?.[0];
        if (placeholder) found.push(placeholder);
      }
    }
  }
  return found;
}

const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const COMMAND = /^(oc|kubectl|helm|npx|npm|curl|echo|node|export|printf|openssl)\s/;

test('every placeholder in a command of the documentation is quoted', () => {
  const unquoted: string[] = [];
  for (const file of markdownFiles()) {
    const markdown = read(file);
    for (const block of codeBlocks(markdown).filter((b) => SHELL.has(b.lang)))
      for (const p of unquotedPlaceholders(block.code)) unquoted.push(`${file}:${block.line}: ${p}`);
    for (const span of inlineCode(markdown).filter((s) => COMMAND.test(s.code)))
      for (const p of unquotedPlaceholders(span.code)) unquoted.push(`${file}:${span.line}: ${p}`);
  }
  assert.deepEqual(
    unquoted,
    [],
    "quote each placeholder: '<profile id>' (a shell reads <profile id> as a redirection)",
  );
});

test('the placeholder check tells a quoted placeholder from a redirection', () => {
  assert.deepEqual(unquotedPlaceholders('oc logs <pod> --set a=\'<b>\' "<c>" # <d>'), ['<pod>']);
  assert.deepEqual(unquotedPlaceholders('cat <<EOF\nsort < file.txt'), []);
});
