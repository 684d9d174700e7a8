/**
 * A trie over folded tokens: finds every lexicon phrase that starts at a token, in one walk.
 * Phrases are added as written ("Quận Bình Thạnh", "chợ Bến Thành") and folded with the same
 * normaliser as tips, so diacritics, case and punctuation never decide a match.
 */
import type { Token } from './vietnamese-text.ts';
import { foldTokens } from './vietnamese-text.ts';

interface Node<T> {
  next: Map<string, Node<T>> | null;
  values: T[] | null;
}

/** A phrase found in the text: tokens [start, end) and the values stored for it. */
export interface PhraseMatch<T> {
  readonly start: number;
  readonly end: number;
  readonly values: readonly T[];
}

export class PhraseTrie<T> {
  private readonly root: Node<T> = { next: null, values: null };

  /** Adds a phrase (written form, folded here); returns false when it folds to nothing. */
  add(phrase: string, value: T): boolean {
    return this.addTokens(foldTokens(phrase), value);
  }

  /** Adds an already folded token sequence. */
  addTokens(tokens: readonly string[], value: T): boolean {
    if (tokens.length === 0) return false;
    let node = this.root;
    for (const token of tokens) {
      node.next ??= new Map();
      let child = node.next.get(token);
      if (!child) {
        child = { next: null, values: null };
        node.next.set(token, child);
      }
      node = child;
    }
    (node.values ??= []).push(value);
    return true;
  }

  /** Every phrase starting at token `start`, shortest first. */
  matchesAt(tokens: readonly Token[], start: number): PhraseMatch<T>[] {
    const found: PhraseMatch<T>[] = [];
    let node: Node<T> | undefined = this.root;
    for (let i = start; i < tokens.length; i++) {
      node = node.next?.get((tokens[i] as Token).text);
      if (!node) break;
      if (node.values) found.push({ start, end: i + 1, values: node.values });
    }
    return found;
  }

  /** The longest phrase starting at token `start`, or null. */
  longestAt(tokens: readonly Token[], start: number): PhraseMatch<T> | null {
    let best: PhraseMatch<T> | null = null;
    let node: Node<T> | undefined = this.root;
    for (let i = start; i < tokens.length; i++) {
      node = node.next?.get((tokens[i] as Token).text);
      if (!node) break;
      if (node.values) best = { start, end: i + 1, values: node.values };
    }
    return best;
  }

  /** The values stored for exactly this folded token sequence, or undefined. */
  lookup(tokens: readonly string[]): readonly T[] | undefined {
    let node: Node<T> | undefined = this.root;
    for (const token of tokens) {
      node = node.next?.get(token);
      if (!node) return undefined;
    }
    return node.values ?? undefined;
  }

  /** True when some phrase starts with this token (a cheap pre-check). */
  startsWith(token: string): boolean {
    return this.root.next?.has(token) ?? false;
  }

  /** Every token a phrase starts with. */
  firstTokens(): IterableIterator<string> {
    return (this.root.next ?? new Map<string, Node<T>>()).keys();
  }
}

/**
 * Which tries have a phrase starting with each token, found with one lookup per token for all
 * tries at once (most tokens start nothing, and a tip is scanned by five tries).
 */
export class FirstTokenIndex {
  private readonly bits = new Map<string, number>();

  /** Registers a trie under a bit (1, 2, 4, …). */
  register(trie: PhraseTrie<unknown>, bit: number): void {
    for (const token of trie.firstTokens()) this.bits.set(token, (this.bits.get(token) ?? 0) | bit);
  }

  /** Per token, the bits of the tries that have a phrase starting with it. */
  masks(tokens: readonly Token[]): Uint8Array {
    const masks = new Uint8Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) masks[i] = this.bits.get((tokens[i] as Token).text) ?? 0;
    return masks;
  }
}
