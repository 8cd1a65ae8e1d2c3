// Entry of server/out/profileLoader.js: the language server forks it once per
// profile load (hotspots/load.ts), so decoding never runs on the server's thread.
import { serveIsolatedJob } from '../limits/isolate';
import { runLoadJob } from './loadJob';

serveIsolatedJob(runLoadJob);
