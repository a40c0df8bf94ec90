// A run's tables go between two markers in bench/RESULTS.md; the analysis written around them by
// hand (where the time goes, the gaps and their causes) stays as it is.
import { readFile, writeFile } from 'node:fs/promises';

export function replaceSection(document: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${begin}\n${content.trimEnd()}\n${end}`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) return `${document.trimEnd()}${document ? '\n\n' : ''}${section}\n`;
  return document.slice(0, from) + section + document.slice(to + end.length);
}

export async function writeSection(file: string, name: string, content: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => '');
  await writeFile(file, replaceSection(current, name, content));
}
