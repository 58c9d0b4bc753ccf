// The Node.js versions the e2e suite runs against: official binaries cached
// by scripts/fetch-node.mjs (fetched from the npm registry on first use).
// CORESCOPE_NODE_VERSIONS="20,22" narrows the matrix.
import { realpathSync } from 'node:fs';

// @ts-expect-error scripts/fetch-node.mjs is plain JavaScript without types.
import { fetchNode as fetchNodeJs, resolveVersion as resolveVersionJs } from '../../scripts/fetch-node.mjs';

const fetchNode = fetchNodeJs as (version: string | number, arch?: string) => string;
const resolveVersion = resolveVersionJs as (version: string | number) => string;

/** MATRIX is the full set of Node majors the suite covers. */
export const MATRIX = [18, 20, 22, 24, 26] as const;

/** testedVersions returns the majors to test: CORESCOPE_NODE_VERSIONS or the whole matrix. */
export function testedVersions(): number[] {
  const env = process.env.CORESCOPE_NODE_VERSIONS?.trim();
  if (!env) return [...MATRIX];
  return env
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((v) => Number(v.replace(/^v/, '').split('.')[0]));
}

/** primaryVersion is the one version single-version cases use: 20 if tested, else the first. */
export function primaryVersion(): number {
  const v = testedVersions();
  return v.includes(20) ? 20 : v[0]!;
}

/** nodeBinary returns the real path of the cached official node binary of a major. */
export function nodeBinary(major: number | string): string {
  return realpathSync(fetchNode(major));
}

/** pinnedVersion returns the exact version a major maps to ("20" → "20.20.2"). */
export function pinnedVersion(major: number | string): string {
  return resolveVersion(major);
}
