// Reads settings for a scope through `workspace/configuration` each time they
// are needed, so per-folder values in multi-root workspaces are honoured and
// nothing goes stale. Clients without that request (some plain LSP editors)
// get what they last pushed with `workspace/didChangeConfiguration`, or defaults.
import type { Connection } from 'vscode-languageserver';
import { configurationSections, resolveSettings, type Settings } from './settings';

export interface SettingsSource {
  settingsFor(uri: string): Promise<Settings>;
  /** The payload of a `workspace/didChangeConfiguration` (push model). */
  pushed(settings: unknown): void;
}

export function settingsSource(connection: Connection, canPull: () => boolean, initial: () => unknown): SettingsSource {
  let pushedValue: unknown;
  const fromObject = (all: unknown) => {
    const o = (typeof all === 'object' && all !== null ? all : {}) as Record<string, unknown>;
    return resolveSettings(o.heaplens, o.go);
  };
  return {
    async settingsFor(uri) {
      if (!canPull()) return fromObject(pushedValue ?? initial());
      try {
        const [heaplens, go] = await connection.workspace.getConfiguration(
          configurationSections.map((section) => ({ scopeUri: uri, section })));
        return resolveSettings(heaplens, go);
      } catch {
        return fromObject(pushedValue ?? initial());
      }
    },
    pushed(settings) {
      if (settings !== null && settings !== undefined) pushedValue = settings;
    },
  };
}
