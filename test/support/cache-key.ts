/**
 * Every suite authenticates synth caches with a key of its own in a fresh temporary folder
 * (TENANT_EDGE_CACHE_KEY, read by lib/commands/cache-key.ts), so that tests never create or read
 * the key in the home folder. Child processes the tests start inherit it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-edge-key-'));
process.env.TENANT_EDGE_CACHE_KEY = path.join(dir, 'cache.key');

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
