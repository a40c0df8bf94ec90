// A message read whole, up to a limit: the request body (http/body.ts) and MAS's answer
// (upstream/response.ts). Nothing half-read goes on: a stream that closes before its end rejects.
// Past the limit the stream is left paused, not destroyed, so its owner decides what follows: the
// body answers 413 and lingers, the answer is streamed on as it comes.
import type { Readable } from 'node:stream';

/** All of the message, or (past the limit) the chunks read so far with the rest still in the stream. */
export interface BoundedRead {
  chunks: Buffer[];
  complete: boolean;
}

/** Reads `stream` up to `limitBytes`. Rejects (code ECONNRESET) when it closes before its end. */
export function readUpTo(stream: Readable & { complete?: boolean }, limitBytes: number): Promise<BoundedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limitBytes) return;
      stream.pause();
      stop();
      resolve({ chunks, complete: false });
    };
    const onEnd = () => {
      stop();
      resolve({ chunks, complete: true });
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      if (stream.complete) return;
      onError(
        Object.assign(new Error('the connection closed before the message was complete'), { code: 'ECONNRESET' }),
      );
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
