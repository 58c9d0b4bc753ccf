// programHeaders reads a core's ELF program headers directly from the file:
// an independent truth for what corescope reports about segments.
import { closeSync, openSync, readSync } from 'node:fs';

export interface ProgramHeader {
  type: number; // PT_LOAD = 1, PT_NOTE = 4, ...
  offset: number;
  filesz: number;
  memsz: number;
}

export function programHeaders(corePath: string): ProgramHeader[] {
  const fd = openSync(corePath, 'r');
  try {
    const eh = Buffer.alloc(64);
    readSync(fd, eh, 0, 64, 0);
    const phoff = Number(eh.readBigUInt64LE(0x20));
    const phentsize = eh.readUInt16LE(0x36);
    const phnum = eh.readUInt16LE(0x38);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    const out: ProgramHeader[] = [];
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize;
      out.push({
        type: ph.readUInt32LE(o),
        offset: Number(ph.readBigUInt64LE(o + 8)),
        filesz: Number(ph.readBigUInt64LE(o + 32)),
        memsz: Number(ph.readBigUInt64LE(o + 40)),
      });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
