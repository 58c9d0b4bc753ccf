// Paths of the repository under test.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** REPO is the repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
