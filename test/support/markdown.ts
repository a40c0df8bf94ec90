// Just enough Markdown for checking the documentation against the code: headings and the anchors
// GitHub gives them, links, tables under a heading, fenced and inline code. Not a renderer.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Heading {
  level: number;
  text: string;
  line: number;
}

export interface CodeBlock {
  lang: string;
  code: string;
  line: number;
  /** The `<!-- doc-test: ... -->` comment on the line before the fence, if any. */
  directive: string | undefined;
}

export const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** The repository's own Markdown files (not dependencies, build output or third-party fixtures). */
export function markdownFiles(dir = ROOT): string[] {
  const skip = new Set(['node_modules', '.git', 'dist', 'fixtures', 'records', 'recordings']);
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.startsWith('dist-test-')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...markdownFiles(full));
    else if (entry.name.endsWith('.md')) files.push(path.relative(ROOT, full));
  }
  return files.sort();
}

/** Lines outside fenced code blocks, with their line numbers (1-based). */
function prose(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) out.push({ text, line: i + 1 });
  });
  return out;
}

export function headings(markdown: string): Heading[] {
  return prose(markdown).flatMap(({ text, line }) => {
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(text);
    return match ? [{ level: match[1]?.length ?? 0, text: match[2] ?? '', line }] : [];
  });
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a file, with GitHub's -1, -2 suffixes for repeated headings. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { text } of headings(markdown)) {
    const base = slug(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) result.add(match[1] ?? '');
  return result;
}

/** Link targets in prose (not in code): `[text](target)` and `[text]: target` definitions. */
export function links(markdown: string): { target: string; line: number }[] {
  return prose(markdown).flatMap(({ text, line }) => {
    const withoutCode = text.replace(/`[^`]*`/g, '');
    const inline = [...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
    const definition = /^\s*\[[^\]]+\]:\s*(\S+)/.exec(withoutCode)?.[1];
    return [...inline, ...(definition ? [definition] : [])].map((target) => ({ target, line }));
  });
}

/** The part of a file under a heading, up to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const all = headings(markdown);
  const start = all.find((h) => h.text === heading);
  if (!start) throw new Error(`no heading "${heading}"`);
  const end = all.find((h) => h.line > start.line && h.level <= start.level);
  return lines.slice(start.line, end ? end.line - 1 : lines.length).join('\n');
}

/** The names in backticks in the first cell of each row of the tables in `markdown`. */
export function firstColumnNames(markdown: string): string[] {
  return prose(markdown).flatMap(({ text }) => {
    const cell = /^\|([^|]*)\|/.exec(text)?.[1];
    if (cell === undefined || /^[\s:-]+$/.test(cell)) return [];
    return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
  });
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '```';
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith(fence)) end++;
    const before = (lines[i - 1] ?? '').trim();
    blocks.push({
      lang: open[2] ?? '',
      code: lines.slice(i + 1, end).join('\n'),
      line: i + 1,
      directive: /^<!--\s*doc-test:\s*(.*?)\s*-->$/.exec(before)?.[1],
    });
    i = end;
  }
  return blocks;
}

/** Inline code spans in prose. */
export function inlineCode(markdown: string): { code: string; line: number }[] {
  return prose(markdown).flatMap(({ text, line }) =>
    [...text.matchAll(/(`+)([^`].*?)\1/g)].map((m) => ({ code: m[2] ?? '', line })),
  );
}
