// Reads settings for a scope through `workspace/configuration`, so per-folder
// values in multi-root workspaces are honoured. Answers are cached per document
// URI (as lsp-sample does) until the configuration changes or the document
// closes: a save then costs no round trip to the client. Clients without that
// request (some plain LSP editors) get what they last pushed with
// `workspace/didChangeConfiguration`, or their initializationOptions, or defaults.
import type { Connection } from 'vscode-languageserver';
import { configurationSections, resolveSettings, type Settings } from './settings';

export interface SettingsSource {
  settingsFor(uri: string): Promise<Settings>;
  /** A `workspace/didChangeConfiguration` arrived (its payload, for the push model). */
  changed(settings: unknown): void;
  /** The document closed: forget its cached settings. */
  forget(uri: string): void;
}

export function settingsSource(connection: Connection, canPull: () => boolean, initial: () => unknown): SettingsSource {
  let pushedValue: unknown;
  const cache = new Map<string, Promise<Settings>>();
  const fromObject = (all: unknown) => {
    const o = (typeof all === 'object' && all !== null ? all : {}) as Record<string, unknown>;
    return resolveSettings(o.heaplens, o.go);
  };
  const pull = async (uri: string): Promise<Settings> => {
    try {
      const [heaplens, go] = await connection.workspace.getConfiguration(
        configurationSections.map((section) => ({ scopeUri: uri, section })));
      return resolveSettings(heaplens, go);
    } catch {
      cache.delete(uri);
      return fromObject(pushedValue ?? initial());
    }
  };
  return {
    settingsFor(uri) {
      if (!canPull()) return Promise.resolve(fromObject(pushedValue ?? initial()));
      let s = cache.get(uri);
      if (!s) {
        s = pull(uri);
        cache.set(uri, s);
      }
      return s;
    },
    changed(settings) {
      cache.clear();
      if (settings !== null && settings !== undefined) pushedValue = settings;
    },
    forget(uri) {
      cache.delete(uri);
    },
  };
}
