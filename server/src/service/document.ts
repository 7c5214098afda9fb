/**
 * Parses a text document once per version and keeps the result, so diagnostics, completion, hover
 * and symbols on the same version share one parse. Owned by a language service instance.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseConfig, type ParsedConfig } from '../core/config/parse';

export class ParseCache {
  private entries = new Map<string, { version: number; text: string; parsed: ParsedConfig }>();
  constructor(private readonly max = 50) {}

  get(doc: TextDocument): ParsedConfig {
    const text = doc.getText();
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version && hit.text === text) return hit.parsed;
    const parsed = parseConfig(text);
    this.entries.delete(doc.uri);
    this.entries.set(doc.uri, { version: doc.version, text, parsed });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
