// How the server is extended: each feature (escape diagnostics, hover, and later
// profile overlays, inlay hints, code lenses, code actions) is a module that
// declares its capabilities and registers its handlers on a shared context.
// Add one by writing a `Feature` and listing it in server.ts.
import type { ClientCapabilities, CodeLens, Connection, Diagnostic, ServerCapabilities, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FindingsStore } from './findingsStore';
import type { HoverSectionProvider } from './hover';
import type { Settings } from './settings';

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** Findings of the last analysis per file; see findingsStore.ts for the accessors. */
  store: FindingsStore;
  /** Hover parts, in order; the hover feature joins what they return. Push to add one. */
  hoverSections: HoverSectionProvider[];
  /** Applied in order to escape diagnostics right before they are published (the profile feature adds measured costs). */
  diagnosticDecorators: ((uri: string, diagnostics: Diagnostic[]) => Diagnostic[])[];
  /** Code lens sources, in order; one `textDocument/codeLens` handler joins what they return. Push to add one. */
  codeLenses: ((uri: string) => CodeLens[])[];
  /** Settings for a document's scope, read fresh through `workspace/configuration`. */
  settingsFor(uri: string): Promise<Settings>;
  /** What the client told the server it can do (set once `initialize` arrived). */
  clientCapabilities(): ClientCapabilities;
  /** Called after `workspace/didChangeConfiguration`; read settings again through settingsFor. */
  onDidChangeSettings(listener: () => void): void;
  /** One line to the "HeapLens" output channel. */
  log(line: string): void;
}

export interface Feature {
  name: string;
  /** Merged into the `initialize` result. */
  capabilities?(client: ClientCapabilities): ServerCapabilities;
  /** Registers handlers; called once, before the connection listens. */
  activate(ctx: ServerContext): void;
  /** After `initialized`: dynamic registrations and first work. */
  initialized?(ctx: ServerContext): void;
  shutdown?(): void;
}
