// Preloaded (--import) into a scim-proxy child process: at exit it writes to LOADED_MODULES_FILE
// which of Node's own modules and which files the process loaded, so a test can tell what a
// configuration costs in memory without measuring memory.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const files = new Set<string>();
registerHooks({
  load(url, context, nextLoad) {
    files.add(url);
    return nextLoad(url, context);
  },
});
// Node's own modules are not seen by the hooks; its list of them is undocumented but stable since 0.x.
const { moduleLoadList } = process as unknown as { moduleLoadList: string[] };
process.on('exit', () => {
  const out = process.env.LOADED_MODULES_FILE;
  if (out) writeFileSync(out, JSON.stringify({ builtins: moduleLoadList, files: [...files] }));
});
