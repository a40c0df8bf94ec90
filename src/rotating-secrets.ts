// Entra's Secret Token, the MAS API key and a static MAS token as they are now: each read from its
// mounted file (SCIM_TOKEN_FILE, MAS_API_KEY_FILE, MAS_TOKEN_FILE) is re-read when its Secret
// rotates; one set directly in the environment, or empty at start, never changes. A rotated file that is empty is
// refused (the old value stays): an empty token list would let any caller through.
import type { Logger } from 'winston';
import { type Config, scimTokenList } from './config.ts';
import { type WatchedFile, watchFile } from './watched-file.ts';

export interface RotatingSecrets {
  scimTokens(): readonly string[];
  masApiKey(): string | undefined;
  masToken(): string | undefined;
  stop(): void;
}

export interface RotatingSecretsOptions {
  logger: Logger;
  /** A reload that found changed files, by file variable, for scim_proxy_secret_reloads_total. */
  onReload?: (file: string, result: 'success' | 'failure') => void;
  onMasToken?: (token: string) => void;
}

function nonEmpty(contents: readonly Buffer[]): string {
  const value = String(contents[0]).trim();
  if (!value) throw new Error('the file is empty');
  return value;
}

function tokens(contents: readonly Buffer[]): readonly string[] {
  const list = Object.freeze(scimTokenList(String(contents[0])));
  if (list.length === 0) throw new Error('the file holds no token; an empty list would let any caller through');
  return list;
}

export async function rotatingSecrets(config: Config, options: RotatingSecretsOptions): Promise<RotatingSecrets> {
  const watched: Array<WatchedFile<unknown>> = [];
  const watch = async <T>(
    name: string,
    file: string,
    parse: (c: readonly Buffer[]) => T,
    onChange?: (v: T) => void,
  ) => {
    const w = await watchFile({
      name,
      files: [file],
      parse,
      intervalMs: config.secretsReloadIntervalMs,
      logger: options.logger,
      ...(options.onReload && { onReload: (result: 'success' | 'failure') => options.onReload?.(name, result) }),
      ...(onChange && { onChange }),
    });
    watched.push(w);
    return w.current;
  };
  const { secretFiles } = config;
  const frozenTokens = config.scimTokens;
  const scimTokens =
    secretFiles.scimToken && frozenTokens.length > 0
      ? await watch('SCIM_TOKEN_FILE', secretFiles.scimToken, tokens)
      : () => frozenTokens;
  const masApiKey =
    secretFiles.masApiKey && config.masApiKey
      ? await watch('MAS_API_KEY_FILE', secretFiles.masApiKey, nonEmpty)
      : () => config.masApiKey;
  const masToken =
    secretFiles.masToken && config.masToken
      ? await watch('MAS_TOKEN_FILE', secretFiles.masToken, nonEmpty, options.onMasToken)
      : () => config.masToken;
  return {
    scimTokens,
    masApiKey,
    masToken,
    stop: () => {
      for (const w of watched) w.stop();
    },
  };
}
