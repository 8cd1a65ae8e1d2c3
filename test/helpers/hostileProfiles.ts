// Hostile heap profiles for the layers that open them (CLI, language server, real
// VS Code): each written once into test/fixtures/hostile/ by
//   node out/test/helpers/hostileProfiles.js
// and checked in, so every machine opens the same bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { encodeProfile, type ProtoProfile } from './profileProto';

export const hostileDir = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'hostile');

/** Files named by a profile that must never be opened or read (issue 11, item 14). */
export const FORBIDDEN_FILES = ['/etc/passwd', '$GOROOT/../../etc/passwd', 'example.com/mod/../../../../../../etc/passwd', '/proc/self/environ', '/dev/zero'];

/** Item 1: 250 MB of empty string-table entries, gzipped to a few hundred KB. */
function emptyStrings(): Buffer {
  const valid = encodeProfile({ sampleTypes: [['alloc_space', 'bytes']], functions: [], locations: [], samples: [] });
  const raw = Buffer.alloc(valid.length + 250 * 1024 * 1024);
  raw.set(valid);
  for (let i = valid.length; i + 1 < raw.length; i += 2) { raw[i] = (6 << 3) | 2; raw[i + 1] = 0; }
  return zlib.gzipSync(raw, { level: 9 });
}

/** Item 7: one stack 5,000 frames deep (recursion), which pprof draws. */
export const DEEP_FRAMES = 5000;
function deepStack(): ProtoProfile {
  const functions = [{ id: 1, name: 'main.recurse', file: '/src/deep/main.go', startLine: 10 }, { id: 2, name: 'main.main', file: '/src/deep/main.go', startLine: 3 }];
  const locations = [{ id: 1, lines: [{ functionId: 1, line: 12 }] }, { id: 2, lines: [{ functionId: 2, line: 5 }] }];
  const stack = [...Array<number>(DEEP_FRAMES - 1).fill(1), 2];
  return {
    sampleTypes: [['alloc_objects', 'count'], ['alloc_space', 'bytes']], periodType: ['space', 'bytes'], period: 524288,
    functions, locations, samples: [{ locationIds: stack, values: [10, 4096], bytes: 512 }, { locationIds: [2], values: [1, 64], bytes: 64 }],
  };
}

/** Item 14: frames whose files are outside any workspace. */
function forbiddenFrames(): ProtoProfile {
  const functions = FORBIDDEN_FILES.map((file, i) => ({ id: i + 1, name: `evil.f${i}`, file, startLine: 1 }));
  const locations = functions.map((f) => ({ id: f.id, lines: [{ functionId: f.id, line: 1 }] }));
  return {
    sampleTypes: [['alloc_objects', 'count'], ['alloc_space', 'bytes']], periodType: ['space', 'bytes'], period: 524288,
    functions, locations, samples: functions.map((f, i) => ({ locationIds: [f.id], values: [i + 1, 1024 * (i + 1)], bytes: 1024 })),
  };
}

export const HOSTILE = {
  emptyStrings: 'empty-strings-250mb.pb.gz',
  deepStack: 'deep-stack-5000.pb.gz',
  forbiddenFrames: 'forbidden-files.pb.gz',
  truncated: 'truncated.pb.gz',
} as const;

export function writeHostileProfiles(dir = hostileDir): void {
  fs.mkdirSync(dir, { recursive: true });
  const deep = zlib.gzipSync(encodeProfile(deepStack()), { level: 9 });
  fs.writeFileSync(path.join(dir, HOSTILE.emptyStrings), emptyStrings());
  fs.writeFileSync(path.join(dir, HOSTILE.deepStack), deep);
  fs.writeFileSync(path.join(dir, HOSTILE.forbiddenFrames), zlib.gzipSync(encodeProfile(forbiddenFrames()), { level: 9 }));
  fs.writeFileSync(path.join(dir, HOSTILE.truncated), deep.subarray(0, deep.length >> 1));
}

if (require.main === module) writeHostileProfiles();
