import type { TextReader } from '../../shared/classification/text-reader.ts';
import type { TextReadingPort } from '../../shared/usecases/tipster-message.ts';

let reader: Promise<TextReader> | undefined;

/**
 * The text reader, loaded on the first message that needs it: the SMS and status functions
 * carry the city's lexicon, but only a follow-up pays for building its tries, not every cold
 * start (esbuild keeps a dynamic import's module uninitialised until it is called).
 */
export const lazyTextReader: TextReadingPort = {
  async read(text, pack) {
    reader ??= import('../../shared/classification/text-reader.ts').then((module) => module.createTextReader());
    return (await reader).read(text, pack);
  },
};
