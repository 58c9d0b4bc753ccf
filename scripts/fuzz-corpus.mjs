#!/usr/bin/env node
// Writes the seed corpus of the fuzz targets (native/fuzz/*_fuzz.cc) into a
// git-ignored folder, one sub-folder per target:
//   elf_file/, core_file/, metadata/  synthetic ELF executables and cores,
//                                     written field by field below (ClrMD's
//                                     BinaryWriter approach); no binary fixtures
//   heap/ + heap.exe                  (--heap) a small image cut from a real
//                                     core made now with a real node: ELF
//                                     header, notes, the executable's header
//                                     page and a few V8 heap pages; heap.exe is
//                                     that node cut to its build-id, .data,
//                                     .bss and v8dbg/Version symbols
// Real cores are made in a temp dir and deleted; nothing is committed.
//
//   node scripts/fuzz-corpus.mjs [--out DIR] [--heap] [--node PATH]... [--pages N]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, realpathSync, rmSync,
  statSync, writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------
// ELF constants (only what the seeds use)

const ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4;
const EM_X86_64 = 62, EM_AARCH64 = 183;
const PT_LOAD = 1, PT_NOTE = 4;
const PF_X = 1, PF_W = 2, PF_R = 4;
const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOTE = 7, SHT_NOBITS = 8, SHT_DYNSYM = 11;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const STT_OBJECT = 1, STT_FUNC = 2, STB_GLOBAL = 1;
const NT_PRSTATUS = 1, NT_FPREGSET = 2, NT_PRPSINFO = 3, NT_AUXV = 6, NT_GNU_BUILD_ID = 3;
const NT_FILE = 0x46494c45, NT_SIGINFO = 0x53494749, NT_X86_XSTATE = 0x202, NT_X86_XSAVE_LAYOUT = 0x205;
const AT_PHDR = 3, AT_PAGESZ = 6, AT_ENTRY = 9, AT_EXECFN = 31;
const PAGE = 4096;

const align = (n, a) => Math.ceil(n / a) * a;

// Fields are written with explicit little-endian helpers; BigInt for 64-bit.
function le(size, v) {
  const b = Buffer.alloc(size);
  if (size === 1) b.writeUInt8(Number(v) & 0xff);
  else if (size === 2) b.writeUInt16LE(Number(v) & 0xffff);
  else if (size === 4) b.writeUInt32LE(Number(BigInt.asUintN(32, BigInt(v))));
  else b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)));
  return b;
}
const u8 = (v) => le(1, v), u16 = (v) => le(2, v), u32 = (v) => le(4, v), u64 = (v) => le(8, v);
const i32 = (v) => u32(v >>> 0);
const cat = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
const fixedStr = (s, n) => { const b = Buffer.alloc(n); b.write(s.slice(0, n - 1)); return b; };

// note builds one ELF note: namesz/descsz/type, name and desc padded to 4.
function note(name, type, desc) {
  const nameBuf = Buffer.from(name + '\0');
  return cat(u32(nameBuf.length), u32(desc.length), u32(type),
    nameBuf, Buffer.alloc(align(nameBuf.length, 4) - nameBuf.length),
    desc, Buffer.alloc(align(desc.length, 4) - desc.length));
}

// elfHeader writes the 64-byte ELF64 LE header.
function elfHeader({ type, machine, entry = 0, phoff, shoff = 0, phnum, shnum = 0, shstrndx = 0 }) {
  return cat(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(8),
    u16(type), u16(machine), u32(1), u64(entry), u64(phoff), u64(shoff), u32(0),
    u16(64), u16(56), u16(phnum), u16(64), u16(shnum), u16(shstrndx));
}
const phdr = (p) => cat(u32(p.type), u32(p.flags ?? PF_R), u64(p.offset ?? 0), u64(p.vaddr ?? 0), u64(p.vaddr ?? 0),
  u64(p.filesz ?? 0), u64(p.memsz ?? p.filesz ?? 0), u64(p.align ?? PAGE));
const shdr = (s) => cat(u32(s.nameOff), u32(s.type), u64(s.flags ?? 0), u64(s.addr ?? 0), u64(s.offset),
  u64(s.size), u32(s.link ?? 0), u32(s.info ?? 0), u64(s.addralign ?? 8), u64(s.entsize ?? 0));

// writeElf lays out an ELF file: header, program headers, segment bytes
// (page-aligned when `pageAligned`), section bytes, .shstrtab, section
// headers. Segments with `data` get their offset/filesz from it; segments
// with `covers: [section names]` span those sections; others keep the
// offset/filesz they were given (to describe missing or truncated bytes).
function writeElf({ type, machine, entry = 0, segments = [], sections = [], pageAligned = false, skew = 0 }) {
  const chunks = [];
  let off = 64 + 56 * segments.length;
  // skew shifts segment data off its alignment (a corrupt but parseable core).
  const place = (buf, a, sk = 0) => {
    const at = align(off, a) + sk;
    if (at > off) chunks.push(Buffer.alloc(at - off));
    chunks.push(buf);
    off = at + buf.length;
    return at;
  };
  for (const s of segments) {
    if (s.data) {
      s.offset = place(s.data, pageAligned ? PAGE : 8, skew);
      s.filesz ??= s.data.length;
      s.memsz ??= Math.max(s.filesz, s.data.length);
    }
  }
  let shoff = 0, shnum = 0, shstrndx = 0;
  if (sections.length) {
    const all = [{ name: '', type: 0, data: Buffer.alloc(0), addralign: 0 }, ...sections,
      { name: '.shstrtab', type: SHT_STRTAB }];
    const names = [];
    let nlen = 0;
    for (const s of all) { s.nameOff = nlen; names.push(Buffer.from(s.name + '\0')); nlen += s.name.length + 1; }
    all[all.length - 1].data = Buffer.concat(names);
    for (const s of all) {
      if (s.type === SHT_NOBITS) { s.offset = off; continue; }
      s.offset = place(s.data ?? Buffer.alloc(0), s.addralign || 1);
      s.size ??= s.data?.length ?? 0;
    }
    for (const s of all) s.link = typeof s.link === 'string' ? all.findIndex((t) => t.name === s.link) : s.link;
    shoff = align(off, 8);
    chunks.push(Buffer.alloc(shoff - off));
    for (const s of all) chunks.push(shdr(s));
    off = shoff + 64 * all.length;
    shnum = all.length;
    shstrndx = all.length - 1;
    for (const seg of segments) {
      if (!seg.covers) continue;
      const cov = all.filter((s) => seg.covers.includes(s.name));
      seg.offset = Math.min(...cov.map((s) => s.offset));
      const fileEnd = Math.max(...cov.filter((s) => s.type !== SHT_NOBITS).map((s) => s.offset + s.size));
      seg.vaddr = Math.min(...cov.map((s) => s.addr));
      seg.filesz = fileEnd - seg.offset;
      seg.memsz = Math.max(...cov.map((s) => s.addr + s.size)) - seg.vaddr;
    }
  }
  const head = Buffer.concat([elfHeader({ type, machine, entry, phoff: 64, shoff, phnum: segments.length, shnum, shstrndx }),
    ...segments.map(phdr)]);
  return Buffer.concat([head, ...chunks]);
}

// patch returns a copy of buf with `bytes` written at `offset`.
function patch(buf, offset, bytes) {
  const b = Buffer.from(buf);
  Buffer.from(bytes).copy(b, offset);
  return b;
}

// ---------------------------------------------------------------------------
// Synthetic executables (elf_file and metadata targets)

const BUILD_ID = createHash('sha1').update('corescope fuzz seed').digest();  // 20 bytes, like ld's

// The v8dbg_* constants of a Node 20 (V8 11.3) build, as listed in
// shared/notes/v8-core-layout.md, plus renamed (V8 12+) variants of a few, so
// the loader's fallback lookups are exercised. Values are the measured ones.
const V8DBG_N20 = {
  HeapObjectTag: 1, HeapObjectTagMask: 3, SmiTag: 0, SmiTagMask: 1, SmiShiftSize: 31, SmiValueShift: 32,
  PointerSizeLog2: 3, TaggedSize: 8, FirstNonstringType: 128, IsNotStringMask: 128, StringTag: 0,
  StringEncodingMask: 8, OneByteStringTag: 8, TwoByteStringTag: 0, StringRepresentationMask: 7,
  SeqStringTag: 0, ConsStringTag: 1, ExternalStringTag: 2, SlicedStringTag: 3, ThinStringTag: 5,
  OddballUndefined: 5, OddballNull: 3, OddballTrue: 0, OddballFalse: 0, prop_desc_size: 3, prop_desc_key: 0,
  prop_desc_details: 1, prop_desc_value: 2, prop_idx_first: 0, off_fp_context_or_frame_type: -8,
  off_fp_function: -16, off_fp_bytecode_array: -32, off_fp_bytecode_offset: -40, off_fp_context: -8,
  scopeinfo_idx_first_vars: 3, scopeinfo_idx_ncontextlocals: 2, scopeinfo_idx_nparams: 1,
  bit_field3_number_of_own_descriptors_shift: 10, bit_field3_is_dictionary_map_shift: 21,
  class_HeapObject__map__Map: 0, class_Map__instance_size_in_words__char: 8,
  class_Map__inobject_properties_start_or_constructor_function_index__char: 9,
  class_Map__instance_type__uint16_t: 12, class_Map__bit_field3__int: 16, class_Map__prototype__Object: 24,
  class_Map__constructor_or_back_pointer__Object: 32, class_Map__instance_descriptors__DescriptorArray: 40,
  class_JSReceiver__properties_or_hash__Object: 8, class_JSObject__elements__Object: 16,
  class_JSObject__internal_fields__uintptr_t: 24, class_JSDate__value__Object: 24,
  class_JSFunction__shared__SharedFunctionInfo: 24, class_JSFunction__context__Context: 32,
  class_JSFunction__prototype_or_initial_map__Object: 56, class_SharedFunctionInfo__function_data__Object: 8,
  class_SharedFunctionInfo__name_or_scope_info__Object: 16,
  class_SharedFunctionInfo__script_or_debug_info__HeapObject: 32, class_Script__source__Object: 8,
  class_Script__name__Object: 16, class_Script__line_ends__Object: 56, class_String__length__int32_t: 12,
  class_SeqOneByteString__chars__char: 16, class_SeqTwoByteString__chars__char: 16,
  class_ConsString__first__String: 16, class_ConsString__second__String: 24,
  class_SlicedString__parent__String: 16, class_SlicedString__offset__SMI: 24,
  class_ThinString__actual__String: 16, class_FixedArrayBase__length__SMI: 8,
  class_FixedArray__data__uintptr_t: 16, class_BytecodeArray__data__uintptr_t: 54,
  class_DescriptorArray__header_size__uintptr_t: 24,
  // V8 12+ spellings with a Tagged_ type suffix (loader must ignore suffixes).
  'class_Map__constructor_or_back_pointer__Tagged_Object_': 32,
  'class_SharedFunctionInfo__name_or_scope_info__Tagged_NameOrScopeInfoT_': 16,
  type_Map__MAP_TYPE: 255, type_JSObject__JS_OBJECT_TYPE: 1057, type_JSObject__JS_API_OBJECT_TYPE: 1058,
  type_JSArray__JS_ARRAY_TYPE: 2113, type_JSFunction__JS_FUNCTION_TYPE: 2066, type_JSDate__JS_DATE_TYPE: 2118,
  type_JSMap__JS_MAP_TYPE: 2108, type_JSGlobalObject__JS_GLOBAL_OBJECT_TYPE: 279,
  type_SharedFunctionInfo__SHARED_FUNCTION_INFO_TYPE: 262, type_ScopeInfo__SCOPE_INFO_TYPE: 261,
  type_Script__SCRIPT_TYPE: 167, type_FixedArray__FIXED_ARRAY_TYPE: 175, type_FreeSpace__FREE_SPACE_TYPE: 251,
  type_HeapNumber__HEAP_NUMBER_TYPE: 130, type_Oddball__ODDBALL_TYPE: 131,
  // Two names for one number, and one number out of range: lookups must cope.
  type_Alias__MAP_TYPE_ALIAS: 255, type_Huge__HUGE_TYPE: 0x7fffffff, FirstContextType: 205,
  LastContextType: 214, frametype_EntryFrame: 1, frametype_ExitFrame: 3, frametype_InterpretedFrame: 13,
  frametype_BaselineFrame: 14, frametype_MaglevFrame: 15, frametype_TurbofanJSFrame: 16,
  frametype_BuiltinExitFrame: 25, frametype_StubFrame: 17,
};
const VERSION_SYMS = { _ZN2v88internal7Version6major_E: 11, _ZN2v88internal7Version6minor_E: 3,
  _ZN2v88internal7Version6build_E: 244, _ZN2v88internal7Version6patch_E: 8 };

// symtabBytes builds a symbol table and its string table from
// [{name, value, size, type, shndx}].
function symtabBytes(symbols) {
  const strs = [Buffer.from('\0')];
  let slen = 1;
  const entries = [Buffer.alloc(24)];
  for (const s of symbols) {
    const nameOff = s.nameOff ?? slen;
    if (s.nameOff === undefined) { strs.push(Buffer.from(s.name + '\0')); slen += Buffer.byteLength(s.name) + 1; }
    entries.push(cat(u32(nameOff), u8((STB_GLOBAL << 4) | (s.type ?? STT_OBJECT)), u8(0), u16(s.shndx ?? 0),
      u64(s.value), u64(s.size ?? 4)));
  }
  return { symtab: Buffer.concat(entries), strtab: Buffer.concat(strs) };
}

// makeExe writes a node-like executable: build-id note, .text, .data holding
// the int32 constants, .bss for the zero ones, and .symtab (or .dynsym).
function makeExe({ constants = V8DBG_N20, version = VERSION_SYMS, dynsym = false, machine = EM_X86_64,
  type = ET_EXEC, extraSymbols = [], base = 0x400000 } = {}) {
  const dataAddr = base + 0x200000, bssAddr = base + 0x300000, textAddr = base + 0x1000;
  const data = [], symbols = [];
  let bssOff = 0;
  const all = { ...constants, ...version };
  for (const [name, value] of Object.entries(all)) {
    const full = name.startsWith('_Z') ? name : 'v8dbg_' + name;
    if (value === 0) {  // V8 leaves zero constants in .bss, as the real builds do
      symbols.push({ name: full, value: bssAddr + bssOff, shndx: 4 });
      bssOff += 4;
    } else {
      symbols.push({ name: full, value: dataAddr + data.length * 4, shndx: 3 });
      data.push(i32(value));
    }
  }
  symbols.push({ name: 'Builtins_JSEntry', value: textAddr + 0x40, size: 0x80, type: STT_FUNC, shndx: 2 });
  symbols.push({ name: 'main', value: textAddr, size: 0x40, type: STT_FUNC, shndx: 2 });
  symbols.push(...extraSymbols);
  const { symtab, strtab } = symtabBytes(symbols);
  const text = Buffer.alloc(0x100, 0xcc);
  const sections = [
    { name: '.note.gnu.build-id', type: SHT_NOTE, flags: SHF_ALLOC, addr: base + 0x200, addralign: 4,
      data: note('GNU', NT_GNU_BUILD_ID, BUILD_ID) },
    { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, addr: textAddr, data: text },
    { name: '.data', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, addr: dataAddr, data: Buffer.concat(data) },
    { name: '.bss', type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, addr: bssAddr, size: Math.max(bssOff, 8) },
    { name: dynsym ? '.dynsym' : '.symtab', type: dynsym ? SHT_DYNSYM : SHT_SYMTAB, data: symtab, entsize: 24,
      link: dynsym ? '.dynstr' : '.strtab', info: 1 },
    { name: dynsym ? '.dynstr' : '.strtab', type: SHT_STRTAB, data: strtab, addralign: 1 },
  ];
  // Symbol shndx values above follow this order: null 0, note 1, .text 2, .data 3, .bss 4.
  return writeElf({
    type, machine, entry: textAddr, sections,
    segments: [
      { type: PT_LOAD, flags: PF_R | PF_X, covers: ['.note.gnu.build-id', '.text'] },
      { type: PT_LOAD, flags: PF_R | PF_W, covers: ['.data', '.bss'] },
      { type: PT_NOTE, flags: PF_R, covers: ['.note.gnu.build-id'] },
    ],
  });
}

function exeSeeds() {
  const seeds = {};
  const exe = makeExe();
  seeds['exe-v8dbg-symtab'] = exe;
  seeds['exe-v8dbg-dynsym'] = makeExe({ dynsym: true });
  seeds['exe-v8dbg-pie'] = makeExe({ type: ET_DYN, base: 0 });
  seeds['exe-v8dbg-aarch64'] = makeExe({ machine: EM_AARCH64 });
  seeds['exe-no-v8dbg'] = makeExe({ constants: {}, version: {} });
  seeds['exe-version-only'] = makeExe({ constants: { HeapObjectTag: 1 } });
  // Symbols whose values point outside every section, or whose names run off
  // the string table: reads must fail cleanly.
  seeds['exe-wild-symbols'] = makeExe({
    extraSymbols: [
      { name: 'v8dbg_Wild', value: 0xfffffffffffffffcn, shndx: 3 },
      { name: 'v8dbg_OffEnd', value: 0x400000 + 0x200000 - 2, shndx: 3 },
      { name: 'v8dbg_type_X__', value: 0x600000, shndx: 3 },
      { name: 'v8dbg_class_', value: 0x600004, shndx: 3 },
      { name: 'x', nameOff: 0x7fffffff, value: 0 },
    ],
  });
  // Many constants (every type_ number 0..2999): exercises the loader's maps.
  const many = { ...V8DBG_N20 };
  for (let i = 1; i < 3000; i++) many[`type_T${i}__T${i}_TYPE`] = i;
  seeds['exe-many-types'] = makeExe({ constants: many });
  // Header-level corruptions of a good executable.
  const shoff = Number(exe.readBigUInt64LE(40));
  seeds['exe-shnum-zero'] = patch(exe, 60, u16(0));  // count in section 0's sh_size (which is 0)
  seeds['exe-shstrndx-xindex'] = patch(exe, 62, u16(0xffff));
  seeds['exe-shoff-past-end'] = patch(exe, 40, u64(exe.length - 32));
  seeds['exe-symtab-link-bad'] = patch(exe, shoff + 64 * 5 + 40, u32(999));
  seeds['exe-symtab-size-huge'] = patch(exe, shoff + 64 * 5 + 32, u64(0x7fffffffffff));
  seeds['exe-data-offset-wild'] = patch(exe, shoff + 64 * 3 + 24, u64(0xfffffffffffff000n));
  seeds['exe-phentsize-bad'] = patch(exe, 54, u16(32));
  seeds['exe-phnum-xnum'] = patch(patch(exe, 56, u16(0xffff)), shoff + 44, u32(3));
  seeds['elf32'] = patch(exe.subarray(0, 256), 4, [1]);
  seeds['elf-big-endian'] = patch(exe.subarray(0, 256), 5, [2]);
  seeds['elf-machine-sparc'] = patch(exe, 18, u16(2));
  seeds['not-elf'] = Buffer.from('#!/bin/sh\necho this is not an ELF file\n');
  seeds['empty'] = Buffer.alloc(0);
  seeds['elf-magic-only'] = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
  return seeds;
}

// ---------------------------------------------------------------------------
// Synthetic cores (core_file and elf_file targets)

// headerPage is the first page of the executable as a core dumps it: ELF
// header, program headers, and the build-id note they point at.
function headerPage() {
  const n = note('GNU', NT_GNU_BUILD_ID, BUILD_ID);
  const page = Buffer.alloc(PAGE);
  cat(elfHeader({ type: ET_EXEC, machine: EM_X86_64, entry: 0x401000, phoff: 64, phnum: 2 }),
    phdr({ type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0x400000, filesz: 0x2000, memsz: 0x2000 }),
    phdr({ type: PT_NOTE, offset: 0x200, vaddr: 0x400200, filesz: n.length, memsz: n.length, align: 4 }))
    .copy(page, 0);
  n.copy(page, 0x200);
  return page;
}

function prstatus(machine, tid, signal, regs) {
  const count = machine === EM_AARCH64 ? 34 : 27;
  const b = Buffer.alloc(112 + count * 8 + 8);
  b.writeUInt16LE(signal, 12);
  b.writeInt32LE(tid, 32);
  b.writeInt32LE(tid, 36);  // ppid slot: any value
  for (let i = 0; i < count; i++) b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(regs[i] ?? 0)), 112 + 8 * i);
  return b;
}
function prpsinfo(pid, fname, args) {
  return cat(u8(0), u8(0x52), u8(0), u8(0), u32(0), u64(0x400600), u32(1000), u32(1000), i32(pid),
    i32(pid - 1), i32(pid), i32(pid), fixedStr(fname, 16), fixedStr(args, 80));
}
function siginfo(signo, code, addr) {
  const b = Buffer.alloc(128);
  b.writeInt32LE(signo, 0);
  b.writeInt32LE(code, 8);
  b.writeBigUInt64LE(BigInt(addr), 16);
  return b;
}
function ntFile(entries, pageSize = PAGE) {
  return Buffer.concat([u64(entries.length), u64(pageSize),
    ...entries.map((e) => cat(u64(e.start), u64(e.end), u64(e.pgoff))),
    ...entries.map((e) => Buffer.from(e.path + '\0'))]);
}
function auxv(pairs) {
  return cat(...pairs.flatMap(([k, v]) => [u64(k), u64(v)]), u64(0), u64(0));
}

// x86_64 register index: rbp 4, rip 16, rsp 19, fs_base 21.
function x86Regs({ pc, sp, fp, fs = 0x7f0000001000 }) {
  const r = new Array(27).fill(0);
  r[4] = fp; r[16] = pc; r[19] = sp; r[21] = fs;
  return r;
}

// makeCore writes a node-like core: threads, process, signal, auxv and
// NT_FILE notes, and PT_LOADs for the executable's header page, its .data,
// an undumped .text, a stack with a frame-pointer chain, and a heap-like
// 256 KiB-aligned chunk. Options bend it into the shapes readers must survive.
export function makeCore({ machine = EM_X86_64, threads = 3, extraNotes = [], fileEntries, ntFileDesc, loads,
  execPath = '/usr/bin/node', pageAligned = true } = {}) {
  const stackBase = 0x7ffd00000000;
  const stack = Buffer.alloc(0x2000);
  // fp chain: each frame [fp] = caller fp, [fp+8] = return pc; ends at 0.
  for (let i = 0; i < 6; i++) {
    const fp = 0x100 + i * 0x100;
    stack.writeBigUInt64LE(BigInt(i < 5 ? stackBase + fp + 0x100 : 0), fp);
    stack.writeBigUInt64LE(BigInt(0x401040 + i), fp + 8);
  }
  const heapChunk = Buffer.alloc(0x8000);
  const chunkAddr = 0x3a0000000000;
  // A V10-style page header: size, flags, heap, area_start, area_end.
  heapChunk.writeBigUInt64LE(0x40000n, 0);
  heapChunk.writeBigUInt64LE(0x6n, 8);
  heapChunk.writeBigUInt64LE(0x5500000010n, 16);
  heapChunk.writeBigUInt64LE(BigInt(chunkAddr + 0x1148), 24);
  heapChunk.writeBigUInt64LE(BigInt(chunkAddr + 0x40000), 32);
  for (let o = 0x1148; o + 16 <= heapChunk.length; o += 16) {  // "objects": map word then a Smi
    heapChunk.writeBigUInt64LE(BigInt(chunkAddr + 0x1149), o);
    heapChunk.writeBigUInt64LE(BigInt(o) << 32n, o + 8);
  }
  const data = Buffer.alloc(0x2000);
  for (let o = 0; o < data.length; o += 8) data.writeBigUInt64LE(BigInt(0x600000 + o), o);
  loads ??= [
    { vaddr: 0x400000, data: headerPage(), memsz: 0x2000, flags: PF_R | PF_X },  // first page only
    { vaddr: 0x402000, filesz: 0, memsz: 0x10000, flags: PF_R | PF_X },          // .text: not dumped
    { vaddr: 0x600000, data, flags: PF_R | PF_W },
    { vaddr: 0x7f0000000000, filesz: 0, memsz: 0x4000, flags: PF_R | PF_W },   // sparse
    { vaddr: chunkAddr, data: heapChunk, memsz: 0x40000, flags: PF_R | PF_W },  // partly dumped
    { vaddr: stackBase, data: stack, flags: PF_R | PF_W },
  ];
  fileEntries ??= [
    { start: 0x400000, end: 0x402000, pgoff: 0, path: execPath },
    { start: 0x402000, end: 0x412000, pgoff: 2, path: execPath },
    { start: 0x600000, end: 0x602000, pgoff: 0x10, path: execPath },
    { start: 0x7f0000010000, end: 0x7f0000020000, pgoff: 0, path: '/lib/x86_64-linux-gnu/libc.so.6' },
  ];
  const regs = (i) => (machine === EM_AARCH64
    ? Object.assign(new Array(34).fill(0), { 29: stackBase + 0x100, 30: 0x401050, 31: stackBase + 0x80, 32: 0x401040 + i })
    : x86Regs({ pc: 0x401040 + i, sp: stackBase + 0x80, fp: stackBase + 0x100 }));
  const notes = [];
  for (let t = 0; t < threads; t++) {
    notes.push(note('CORE', NT_PRSTATUS, prstatus(machine, 4242 + t, t === 0 ? 5 : 0, regs(t))));
    notes.push(note('CORE', NT_FPREGSET, Buffer.alloc(512)));
    if (machine === EM_X86_64) notes.push(note('LINUX', NT_X86_XSTATE, Buffer.alloc(832)));
  }
  notes.push(note('CORE', NT_PRPSINFO, prpsinfo(4242, 'node', `${execPath} --abort-on-uncaught-exception app.js`)));
  notes.push(note('CORE', NT_SIGINFO, siginfo(5, 128, 0)));
  notes.push(note('CORE', NT_AUXV, auxv([[AT_PHDR, 0x400040], [AT_PAGESZ, PAGE], [AT_ENTRY, 0x401000],
    [AT_EXECFN, stackBase + 0x1f00]])));
  notes.push(note('CORE', NT_FILE, ntFileDesc ?? ntFile(fileEntries)));
  notes.push(note('LINUX', NT_X86_XSAVE_LAYOUT, Buffer.alloc(64)));  // new-kernel note: must be skipped
  notes.push(...extraNotes);
  stack.write(execPath + '\0', 0x1f00);
  const noteBytes = Buffer.concat(notes);
  return writeElf({
    type: ET_CORE, machine, pageAligned,
    segments: [{ type: PT_NOTE, data: noteBytes, align: 1 },
      ...loads.map((l) => ({ type: PT_LOAD, align: PAGE, ...l }))],
  });
}

function coreSeeds() {
  const seeds = {};
  const core = makeCore();
  const phnum = core.readUInt16LE(56);
  const ph = (i) => 64 + 56 * i;  // program header i
  const noteOff = Number(core.readBigUInt64LE(ph(0) + 8));
  const noteSize = Number(core.readBigUInt64LE(ph(0) + 32));
  const lastLoad = ph(phnum - 1);
  const lastEnd = Number(core.readBigUInt64LE(lastLoad + 8) + core.readBigUInt64LE(lastLoad + 32));
  seeds['core-basic'] = core;
  seeds['core-aarch64'] = makeCore({ machine: EM_AARCH64 });
  seeds['core-one-thread'] = makeCore({ threads: 1 });
  seeds['core-64-threads'] = makeCore({ threads: 64 });
  // Truncations: inside the last segment, inside the notes, inside the headers.
  seeds['core-cut-last-load'] = core.subarray(0, lastEnd - 0x1000);
  seeds['core-cut-half'] = core.subarray(0, Math.floor(core.length / 2));
  seeds['core-cut-in-notes'] = core.subarray(0, noteOff + Math.floor(noteSize / 2));
  seeds['core-cut-in-phdrs'] = core.subarray(0, ph(2) + 20);
  seeds['core-header-only'] = core.subarray(0, 64);
  // Program-header corruptions.
  seeds['core-phnum-huge'] = patch(core, 56, u16(0xfffe));
  seeds['core-phnum-xnum-no-sections'] = patch(core, 56, u16(0xffff));
  seeds['core-phoff-wild'] = patch(core, 32, u64(0xffffffffffffffc0n));
  seeds['core-load-offset-wild'] = patch(core, ph(3) + 8, u64(0xfffffffffffff000n));
  seeds['core-load-filesz-huge'] = patch(core, ph(3) + 32, u64(0x7fffffffffffffffn));
  seeds['core-load-filesz-gt-memsz'] = patch(core, ph(3) + 40, u64(0x10));
  seeds['core-load-vaddr-wraps'] = patch(core, ph(3) + 16, u64(0xfffffffffffff000n));
  seeds['core-loads-overlap'] = patch(core, ph(6) + 16, u64(0x600800));
  seeds['core-note-offset-wild'] = patch(core, ph(0) + 8, u64(core.length + 0x100000));
  seeds['core-note-size-zero'] = patch(core, ph(0) + 32, u64(0));
  // Note corruptions: sizes that run past the segment, odd names.
  seeds['core-note-namesz-huge'] = patch(core, noteOff, u32(0xffffffff));
  seeds['core-note-descsz-huge'] = patch(core, noteOff + 4, u32(0xfffffff0));
  seeds['core-note-descsz-odd'] = patch(core, noteOff + 4, u32(3));
  seeds['core-prstatus-tiny'] = makeCore({ extraNotes: [note('CORE', NT_PRSTATUS, Buffer.alloc(40))] });
  seeds['core-prpsinfo-tiny'] = makeCore({ extraNotes: [note('CORE', NT_PRPSINFO, Buffer.alloc(8))] });
  seeds['core-prpsinfo-no-nul'] = makeCore({ extraNotes: [note('CORE', NT_PRPSINFO, Buffer.alloc(136, 0x41))] });
  seeds['core-auxv-odd'] = makeCore({ extraNotes: [note('CORE', NT_AUXV, Buffer.alloc(23, 0xff))] });
  seeds['core-siginfo-tiny'] = makeCore({ extraNotes: [note('CORE', NT_SIGINFO, Buffer.alloc(8))] });
  // NT_FILE: huge count, entries without names, end < start, page size 0, overflowing offsets.
  // A core whose NT_FILE note is exactly `desc`.
  const fileNoteCore = (desc) => makeCore({ ntFileDesc: desc });
  seeds['core-ntfile-count-huge'] = fileNoteCore(cat(u64(0xffffffffffffn), u64(PAGE)));
  seeds['core-ntfile-count-limit'] = fileNoteCore(cat(u64(1 << 20), u64(PAGE), Buffer.alloc(64)));
  seeds['core-ntfile-no-names'] = fileNoteCore(cat(u64(2), u64(PAGE), u64(0x400000), u64(0x401000), u64(0),
    u64(0x600000), u64(0x601000), u64(1)));
  seeds['core-ntfile-end-before-start'] = fileNoteCore(ntFile([{ start: 0x600000, end: 0x400000, pgoff: 0, path: '/x' }]));
  seeds['core-ntfile-pgoff-overflow'] = fileNoteCore(ntFile([{ start: 0x400000, end: 0x402000, pgoff: 0xffffffffffffffn, path: '/usr/bin/node' }]));
  seeds['core-ntfile-pagesize-zero'] = fileNoteCore(ntFile([{ start: 0x400000, end: 0x402000, pgoff: 0, path: '/usr/bin/node' }], 0));
  seeds['core-ntfile-self'] = makeCore({ execPath: '/proc/self/exe' });  // a real file at the named path
  seeds['core-ntfile-dir'] = makeCore({ execPath: '/' });                  // a directory as backing file
  seeds['core-ntfile-devzero'] = makeCore({ execPath: '/dev/zero' });      // a device as backing file
  // Many small adjacent PT_LOADs: reads must span region boundaries.
  const tiny = [];
  for (let i = 0; i < 300; i++) tiny.push({ vaddr: 0x10000000 + i * 64, data: Buffer.alloc(64, i & 0xff), flags: PF_R });
  seeds['core-300-loads'] = makeCore({ loads: tiny, pageAligned: false });
  // Many segments and NT_FILE entries (unique paths, offset 0): lookups per
  // entry must not be linear in the segments (was quadratic: minutes).
  const manyLoads = [], manyFiles = [];
  for (let i = 0; i < 20000; i++) {
    manyLoads.push({ vaddr: 0x10000000 + i * 0x2000, filesz: 0, memsz: 0x1000, flags: PF_R });
    manyFiles.push({ start: 0x10000000 + i * 0x2000, end: 0x10000000 + i * 0x2000 + 0x1000, pgoff: 0, path: `/nonexistent/lib${i}.so` });
  }
  seeds['core-20000-files'] = makeCore({ loads: manyLoads, fileEntries: manyFiles });
  seeds['core-no-loads'] = makeCore({ loads: [] });
  seeds['core-no-notes'] = writeElf({ type: ET_CORE, machine: EM_X86_64, segments: [{ type: PT_LOAD, vaddr: 0x1000, data: Buffer.alloc(64) }] });
  seeds['core-not-a-core'] = makeExe();
  return seeds;
}

// ---------------------------------------------------------------------------
// Reading real ELF files (the heap-walker image is cut from a real core)

// readElf returns the header fields, program headers and sections of an ELF
// file (read through a file descriptor: cores are large and sparse).
export function readElf(path) {
  const fd = openSync(path, 'r');
  const read = (off, n) => { const b = Buffer.alloc(n); readSync(fd, b, 0, n, off); return b; };
  const h = read(0, 64);
  const phoff = Number(h.readBigUInt64LE(32)), shoff = Number(h.readBigUInt64LE(40));
  const phnum = h.readUInt16LE(56), shnum = h.readUInt16LE(60), shstrndx = h.readUInt16LE(62);
  const segments = [];
  const ph = read(phoff, 56 * phnum);
  for (let i = 0; i < phnum; i++) {
    const o = 56 * i;
    segments.push({ type: ph.readUInt32LE(o), flags: ph.readUInt32LE(o + 4), offset: Number(ph.readBigUInt64LE(o + 8)),
      vaddr: Number(ph.readBigUInt64LE(o + 16)), filesz: Number(ph.readBigUInt64LE(o + 32)),
      memsz: Number(ph.readBigUInt64LE(o + 40)), align: Number(ph.readBigUInt64LE(o + 48)) });
  }
  const sections = [];
  if (shoff && shnum) {
    const sh = read(shoff, 64 * shnum);
    for (let i = 0; i < shnum; i++) {
      const o = 64 * i;
      sections.push({ nameOff: sh.readUInt32LE(o), type: sh.readUInt32LE(o + 4), flags: Number(sh.readBigUInt64LE(o + 8)),
        addr: Number(sh.readBigUInt64LE(o + 16)), offset: Number(sh.readBigUInt64LE(o + 24)),
        size: Number(sh.readBigUInt64LE(o + 32)), link: sh.readUInt32LE(o + 40), info: sh.readUInt32LE(o + 44),
        addralign: Number(sh.readBigUInt64LE(o + 48)), entsize: Number(sh.readBigUInt64LE(o + 56)) });
    }
    const names = read(sections[shstrndx].offset, sections[shstrndx].size);
    for (const s of sections) s.name = names.toString('latin1', s.nameOff, names.indexOf(0, s.nameOff));
  }
  return { fd, read, type: h.readUInt16LE(16), machine: h.readUInt16LE(18), segments, sections, close: () => closeSync(fd) };
}

function parseNotes(buf) {
  const out = [];
  for (let o = 0; o + 12 <= buf.length;) {
    const namesz = buf.readUInt32LE(o), descsz = buf.readUInt32LE(o + 4), type = buf.readUInt32LE(o + 8);
    const nameAt = o + 12, descAt = nameAt + align(namesz, 4);
    if (descAt + descsz > buf.length) break;
    out.push({ name: buf.toString('latin1', nameAt, nameAt + namesz).replace(/\0+$/, ''), type,
      desc: buf.subarray(descAt, descAt + descsz) });
    o = descAt + align(descsz, 4);
  }
  return out;
}

function parseNtFile(desc) {
  const count = Number(desc.readBigUInt64LE(0)), pageSize = Number(desc.readBigUInt64LE(8));
  const entries = [];
  let pos = 16 + 24 * count;
  for (let i = 0; i < count; i++) {
    const end = desc.indexOf(0, pos);
    entries.push({ start: Number(desc.readBigUInt64LE(16 + 24 * i)), end: Number(desc.readBigUInt64LE(24 + 24 * i)),
      pgoff: Number(desc.readBigUInt64LE(32 + 24 * i)), path: desc.toString('utf8', pos, end) });
    pos = end + 1;
  }
  return { pageSize, entries };
}

const NODE_METADATA = '_ZN4node11per_process8metadataE';  // node::per_process::metadata: version strings

// cutExecutable writes a small executable with the real one's build-id note,
// program headers, .data, .bss and the v8dbg_*/Version symbols: enough for
// the metadata loader and the build-id check, a few hundred KiB instead of ~100 MiB.
function cutExecutable(exePath) {
  const e = readElf(exePath);
  try {
    const byName = (n) => e.sections.find((s) => s.name === n);
    const tab = byName('.symtab') ?? byName('.dynsym');
    const strs = e.sections[tab.link];
    const symBuf = e.read(tab.offset, tab.size), strBuf = e.read(strs.offset, strs.size);
    const keep = [];
    const wanted = (n) => n.startsWith('v8dbg_') || n.startsWith('_ZN2v88internal7Version') || n.startsWith('Builtins_') ||
      n === 'main' || n === NODE_METADATA;
    const secIndex = new Map();
    for (let o = 24; o + 24 <= symBuf.length; o += 24) {
      const name = strBuf.toString('latin1', symBuf.readUInt32LE(o), strBuf.indexOf(0, symBuf.readUInt32LE(o)));
      if (!wanted(name)) continue;
      keep.push({ name, type: symBuf.readUInt8(o + 4) & 0xf, shndx: symBuf.readUInt16LE(o + 6),
        value: symBuf.readBigUInt64LE(o + 8), size: symBuf.readBigUInt64LE(o + 16) });
    }
    const note = byName('.note.gnu.build-id');
    const data = byName('.data'), bss = byName('.bss');
    const sections = [
      { name: '.note.gnu.build-id', type: SHT_NOTE, flags: SHF_ALLOC, addr: note.addr, addralign: 4, data: e.read(note.offset, note.size) },
      { name: '.data', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, addr: data.addr, data: e.read(data.offset, data.size) },
      { name: '.bss', type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, addr: bss.addr, size: bss.size },
    ];
    // Map the kept symbols' section indexes onto the new table (1-based after the null section).
    for (const [i, s] of [note, data, bss].entries()) secIndex.set(e.sections.indexOf(s), i + 1);
    for (const s of keep) s.shndx = secIndex.get(s.shndx) ?? 0xfff1;  // SHN_ABS for sections not kept
    const { symtab, strtab } = symtabBytes(keep);
    sections.push({ name: '.symtab', type: SHT_SYMTAB, data: symtab, entsize: 24, link: '.strtab', info: 1 },
      { name: '.strtab', type: SHT_STRTAB, data: strtab, addralign: 1 });
    // Keep the real program headers (vaddrs matter for the load bias); their
    // file ranges now point past this small file, as reads there should fail.
    const segments = e.segments.map((s) => ({ ...s, data: undefined }));
    const meta = keep.filter((s) => s.name === NODE_METADATA).map((s) => [Number(s.value), Number(s.size) || PAGE]);
    return { bytes: writeElf({ type: e.type, machine: e.machine, sections, segments }), metadataRanges: meta };
  } finally {
    e.close();
  }
}

// reduceSymbols copies an executable to `out` with a .symtab cut to the
// symbols corescope reads by name (v8dbg_*, V8's Version, node's metadata,
// Builtins_*): the same file layout (so NT_FILE offsets and .eh_frame still
// match), but opening it parses a few thousand symbols instead of ~180,000.
// The corruption sweep uses it to keep 1,000+ opens within its time budget.
export function reduceSymbols(exePath, out) {
  copyFileSync(exePath, out);
  const e = readElf(out);
  try {
    const tab = e.sections.find((s) => s.type === SHT_SYMTAB);
    if (!tab) return { symbols: 0 };
    const strs = e.sections[tab.link];
    const symBuf = e.read(tab.offset, tab.size), strBuf = e.read(strs.offset, strs.size);
    const keep = [];
    for (let o = 24; o + 24 <= symBuf.length; o += 24) {
      const at = symBuf.readUInt32LE(o);
      const name = strBuf.toString('latin1', at, strBuf.indexOf(0, at));
      if (!(name.startsWith('v8dbg_') || name.startsWith('_ZN2v88internal7Version') || name.startsWith('Builtins_') ||
        name === NODE_METADATA)) continue;
      keep.push({ name, type: symBuf.readUInt8(o + 4) & 0xf, shndx: symBuf.readUInt16LE(o + 6),
        value: symBuf.readBigUInt64LE(o + 8), size: symBuf.readBigUInt64LE(o + 16) });
    }
    const { symtab, strtab } = symtabBytes(keep);
    const end = statSync(out).size;
    const symOff = align(end, 8), strOff = symOff + symtab.length;
    const fd = openSync(out, 'r+');
    try {
      writeSync(fd, Buffer.concat([Buffer.alloc(symOff - end), symtab, strtab]), 0, undefined, end);
      const shoff = Number(e.read(40, 8).readBigUInt64LE(0));
      const patchShdr = (index, offset, size, info) => {
        const at = shoff + 64 * index;
        writeSync(fd, u64(offset), 0, 8, at + 24);
        writeSync(fd, u64(size), 0, 8, at + 32);
        if (info !== undefined) writeSync(fd, u32(info), 0, 4, at + 44);
      };
      patchShdr(e.sections.indexOf(tab), symOff, symtab.length, 1);
      patchShdr(tab.link, strOff, strtab.length);
    } finally {
      closeSync(fd);
    }
    return { symbols: keep.length };
  } finally {
    e.close();
  }
}

// findPageChunks lists 256 KiB-aligned chunks in dumped PT_LOADs whose
// headers look like a V8 page of any layout (shared/notes/v8-core-layout.md
// §3): V10/V12 keep area_start (just past the header; code pages: after a
// guard page) and area_end (well into the chunk) among the first words; V13
// keeps them in malloc'd metadata that word 1 points at (area_end at md word
// 7, area_start at md word 9). Reports read-only chunks (Heap* and owner 0).
export function findPageChunks(core, loads) {
  const K256 = 256 * 1024;
  const dumped = (addr) => loads.find((l) => l.filesz > 0 && addr >= l.vaddr && addr < l.vaddr + l.filesz);
  const words = (addr, n) => {
    const l = dumped(addr);
    if (!l || addr + 8 * n > l.vaddr + l.filesz) return null;
    const b = core.read(l.offset + (addr - l.vaddr), 8 * n);
    return Array.from({ length: n }, (_, i) => Number(b.readBigUInt64LE(8 * i)));
  };
  const chunks = [];
  for (const l of loads) {
    if (l.filesz === 0) continue;
    for (let a = align(l.vaddr, K256); a + 128 <= l.vaddr + l.filesz; a += K256) {
      const w = words(a, 16);
      const inArea = (v) => v > a && v <= a + 0x8000;
      const nearEnd = (v) => v >= a + 0x4000 && v <= a + 64 * K256;
      const startIdx = w.findIndex(inArea);
      if (startIdx >= 0 && w.some((v, i) => i !== startIdx && nearEnd(v))) {
        const ro = (w[2] === 0 && w[8] === 0) || (w[1] === a && w[3] === 0 && w[9] === 0);
        chunks.push({ addr: a, header: w, ro });
        continue;
      }
      const md = w[1] % 8 === 0 ? words(w[1], 11) : null;
      if (md && md[9] === a + 0x10 && nearEnd(md[7])) chunks.push({ addr: a, header: w, ro: md[8] === 0 && md[10] === 0 });
    }
  }
  return chunks;
}

// cutCore writes the heap-walker image: the core's notes (NT_FILE rewritten
// to name `exeCut` for the executable and nothing else), and its PT_LOAD
// table with only the executable's header page, `pages` V8 heap chunks and the
// 4 KiB pages their headers point at dumped; all other segments declare
// filesz 0 (not dumped), as sparse cores do.
function cutCore(corePath, exePath, exeCut, pages, metadataRanges = [], skew = 0) {
  const c = readElf(corePath);
  try {
    const loads = c.segments.filter((s) => s.type === PT_LOAD);
    const noteSeg = c.segments.find((s) => s.type === PT_NOTE);
    const notes = parseNotes(c.read(noteSeg.offset, noteSeg.filesz));
    const realExe = realpathSync(exePath);
    const keepRanges = [];  // [start, end) virtual ranges to dump
    const ntFileNote = notes.find((n) => n.type === NT_FILE && n.name === 'CORE');
    const files = parseNtFile(ntFileNote.desc);
    const exeEntries = files.entries.filter((f) => f.path === realExe || f.path === exePath);
    for (const f of exeEntries) if (f.pgoff === 0) keepRanges.push([f.start, f.start + PAGE]);
    const chunks = findPageChunks(c, loads);
    // pages <= 0 keeps every page-like chunk; otherwise the first `pages` by address.
    const ro = chunks.filter((ch) => ch.ro);
    // Spread the few picked pages over the address range (spaces interleave).
    const rest = chunks.filter((ch) => !ro.includes(ch));
    const step = Math.max(1, Math.ceil(rest.length / Math.max(pages, 1)));
    const picked = pages > 0 ? [...ro, ...rest.filter((_, i) => i % step === 0).slice(0, pages)] : chunks;
    const dumped = (addr) => loads.find((l) => addr >= l.vaddr && addr < l.vaddr + l.filesz);
    const readWords = (addr, n) => {
      const l = dumped(addr);
      if (!l) return [];
      const b = c.read(l.offset + (addr - l.vaddr), 8 * n);
      return Array.from({ length: n }, (_, i) => Number(b.readBigUInt64LE(8 * i)));
    };
    // keepAround keeps the pages around a structure a header points at
    // (V13 metadata, Space* owner, Heap*), following pointers `depth` levels.
    const keepAround = (w, depth, self) => {
      if (w % 8 !== 0 || (self && w >= self && w < self + 256 * 1024)) return;
      const l = dumped(w);
      if (!l) return;
      const p = Math.floor(w / PAGE) * PAGE;
      keepRanges.push([Math.max(p, l.vaddr), Math.min(p + 2 * PAGE, l.vaddr + l.filesz)]);
      if (depth > 1) for (const v of readWords(w, 16)) keepAround(v, depth - 1, self);
    };
    for (const ch of picked) {
      // The whole 256 KiB, across segments (code pages: RW header, guard, RWX body).
      keepRanges.push([ch.addr, ch.addr + 256 * 1024]);
      for (const w of ch.header) keepAround(w, 3, ch.addr);  // V13: chunk -> metadata -> owner -> heap
    }
    // node::per_process::metadata (the node version strings) from .data/.bss.
    for (const [addr, size] of metadataRanges) {
      const l = dumped(addr);
      if (l) keepRanges.push([Math.floor(addr / PAGE) * PAGE, Math.min(align(addr + size, PAGE), l.vaddr + l.filesz)]);
    }
    // One output segment per (kept range ∩ load); other loads keep their
    // vaddr/memsz with filesz 0.
    const outSegs = [];
    for (const l of loads) {
      const parts = keepRanges.filter(([s, e]) => s < l.vaddr + l.filesz && e > l.vaddr)
        .map(([s, e]) => [Math.max(s, l.vaddr), Math.min(e, l.vaddr + l.filesz)]).sort((a, b) => a[0] - b[0]);
      const merged = [];
      for (const p of parts) {
        const last = merged[merged.length - 1];
        if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
        else merged.push([...p]);
      }
      let cursor = l.vaddr;
      const emitHole = (to) => { if (to > cursor) outSegs.push({ type: PT_LOAD, flags: l.flags, vaddr: cursor, offset: 0, filesz: 0, memsz: to - cursor }); };
      for (const [s, e] of merged) {
        emitHole(s);
        outSegs.push({ type: PT_LOAD, flags: l.flags, vaddr: s, data: c.read(l.offset + (s - l.vaddr), e - s), memsz: e - s });
        cursor = e;
      }
      emitHole(l.vaddr + l.memsz);
    }
    const newFiles = ntFile(exeEntries.map((f) => ({ ...f, path: exeCut })), files.pageSize);
    // pr_psargs names the executable too (Target falls back to it when NT_FILE
    // is damaged): point it at the cut executable, not the 100 MiB original.
    const withArgs = (n) => {
      if (n.type !== NT_PRPSINFO || n.name !== 'CORE' || n.desc.length < 136 || exeCut.length >= 80) return n.desc;
      const d = Buffer.from(n.desc);
      fixedStr(exeCut, 80).copy(d, 56);
      return d;
    };
    const newNotes = Buffer.concat(notes.filter((n) => n.type !== NT_FILE || n.name !== 'CORE')
      .map((n) => note(n.name, n.type, withArgs(n)))
      .concat([note('CORE', NT_FILE, newFiles)]));
    const image = writeElf({ type: ET_CORE, machine: c.machine, pageAligned: true, skew,
      segments: [{ type: PT_NOTE, data: newNotes, align: 1 }, ...outSegs] });
    return { image, chunks: chunks.length, picked: picked.length };
  } finally {
    c.close();
  }
}

// withIslands returns a heap image whose first V10 (Node 18/20) old-space
// page claims a 3.75 GiB object area sprinkled with `n` dumped 8-byte
// islands: walkers must find the next island by binary search, not by a scan
// per gap (that was quadratic: minutes for 20,000 islands). Other layouts:
// null.
function withIslands(imagePath, n) {
  const e = readElf(imagePath);
  const loads = e.segments.filter((x) => x.type === PT_LOAD);
  const ch = findPageChunks(e, loads).find((c) => c.header[0] === 0x40000 && c.header[2] !== 0 && !c.ro);
  e.close();
  if (!ch) return null;
  const buf = readFileSync(imagePath);
  const l = loads.find((x) => x.filesz > 0 && ch.addr >= x.vaddr && ch.addr < x.vaddr + x.filesz);
  const hdr = l.offset + (ch.addr - l.vaddr);
  const size = 0xf0000000;
  buf.writeBigUInt64LE(BigInt(size), hdr);               // V10 word 0: chunk size
  buf.writeBigUInt64LE(BigInt(ch.addr + size), hdr + 32);  // V10 word 4: area_end
  const phnum = buf.readUInt16LE(56), phoff = Number(buf.readBigUInt64LE(32));
  if (phnum + n >= 0xffff) return null;
  const island = buf.length;  // 8 bytes of data shared by every island
  const extra = [];
  for (let i = 0; i < n; i++) {
    const va = ch.addr + 0x40000 + i * 64;
    extra.push(phdr({ type: PT_LOAD, flags: PF_R | PF_W, offset: island, vaddr: va, filesz: 8, memsz: 8, align: 8 }));
  }
  const out = Buffer.concat([buf, Buffer.alloc(8, 0x41), buf.subarray(phoff, phoff + 56 * phnum), ...extra]);
  out.writeBigUInt64LE(BigInt(island + 8), 32);
  out.writeUInt16LE(phnum + n, 56);
  return out;
}

const SCENARIO = `
class LeakyThing { constructor(i) { this.id = i; this.when = new Date(i); this.label = 'thing-' + i; } }
const keep = [];
for (let i = 0; i < 2000; i++) keep.push(new LeakyThing(i));
const m = new Map();
for (let i = 0; i < 100; i++) m.set('k' + i, [i, { v: i, s: 'x'.repeat(i) }]);
const closures = [];
for (let i = 0; i < 100; i++) closures.push(() => i + keep.length);
globalThis.keep = keep; globalThis.m = m; globalThis.closures = closures;
setTimeout(function crashNow() { throw new Error('boom from the fuzz-seed scenario'); }, 1);
`;

// makeRealCore runs `node` on the scenario with --abort-on-uncaught-exception
// in a temp dir and returns the core's path, or null (with the reason) when
// this machine does not write cores there (core_pattern piped to a handler).
function makeRealCore(node, dir) {
  writeFileSync(join(dir, 'scenario.js'), SCENARIO);
  spawnSync('/bin/sh', ['-c', `ulimit -c unlimited; exec "${node}" --abort-on-uncaught-exception scenario.js`],
    { cwd: dir, stdio: 'ignore' });
  for (const name of ['core', ...safeList(dir).filter((f) => f.startsWith('core.'))]) {
    if (existsSync(join(dir, name))) return { path: join(dir, name) };
  }
  let pattern = '';
  try { pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim(); } catch { /* not Linux */ }
  return { reason: `no core was written (core_pattern is '${pattern}'); set it to 'core' to get heap seeds` };
}
function safeList(dir) {
  try { return execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n').filter(Boolean); } catch { return []; }
}

// heapSeeds makes one real core per node binary and cuts it into the
// heap-walker image; writes <out>/heap/<name> and <out>/heap.exe (one exe per
// node: heap.exe for the first, heap-<ver>.exe for others, named in the image).
function heapSeeds(out, nodes, pages) {
  const made = [];
  mkdirSync(join(out, 'heap'), { recursive: true });
  for (const [i, node] of nodes.entries()) {
    const version = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    const exeCut = resolve(out, i === 0 ? 'heap.exe' : `heap-${version}.exe`);
    const dir = mkdtempSync(join(tmpdir(), 'corescope-seed-'));
    try {
      const core = makeRealCore(node, dir);
      if (!core.path) { made.push({ node, version, skipped: core.reason }); continue; }
      const exe = cutExecutable(node);
      writeFileSync(exeCut, exe.bytes);
      // Every page, a few pages, and (first node only) a few pages whose
      // segment data sits at file offsets 4 bytes off alignment.
      const cuts = [[pages, 0], [3, 0], ...(i === 0 ? [[3, 4]] : [])];
      for (const [n, skew] of cuts) {
        const { image, chunks, picked } = cutCore(core.path, node, exeCut, n, exe.metadataRanges, skew);
        const name = `node${version}-${n > 0 ? 'few' : 'all'}-${picked}pages${skew ? `-skew${skew}` : ''}`;
        writeFileSync(join(out, 'heap', name), image);
        made.push({ node, version, name, bytes: image.length, chunks, picked, exe: exeCut });
        if (i === 0 && n > 0 && !skew) {
          const islands = withIslands(join(out, 'heap', name), 20000);
          if (islands) {
            const iname = `node${version}-few-islands`;
            writeFileSync(join(out, 'heap', iname), islands);
            made.push({ node, version, name: iname, bytes: islands.length, chunks, picked, exe: exeCut });
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return made;
}

// ---------------------------------------------------------------------------

function writeSeeds(dir, seeds) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(seeds)) writeFileSync(join(dir, name), bytes);
  return Object.keys(seeds).length;
}

export function generate({ out = join(root, 'build', 'fuzz-corpus'), heap = false, nodes = [process.execPath], pages = 0 } = {}) {
  mkdirSync(out, { recursive: true });
  const exes = exeSeeds();
  const cores = coreSeeds();
  const counts = {
    elf_file: writeSeeds(join(out, 'elf_file'), { ...exes, ...cores }),
    core_file: writeSeeds(join(out, 'core_file'), cores),
    metadata: writeSeeds(join(out, 'metadata'), exes),
  };
  let heapInfo = [];
  if (heap) {
    rmSync(join(out, 'heap'), { recursive: true, force: true });
    heapInfo = heapSeeds(out, nodes, pages);
    counts.heap = heapInfo.filter((h) => h.name).length;
  }
  return { out, counts, heap: heapInfo };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = { nodes: [] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') opt.out = resolve(args[++i]);
    else if (args[i] === '--heap') opt.heap = true;
    else if (args[i] === '--node') opt.nodes.push(resolve(args[++i]));
    else if (args[i] === '--pages') opt.pages = Number(args[++i]);
    else { console.error(`fuzz-corpus: unknown argument ${args[i]}`); process.exit(2); }
  }
  if (!opt.nodes.length) opt.nodes = [process.execPath];
  const r = generate(opt);
  console.log(`fuzz-corpus: ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')} seeds in ${r.out}`);
  for (const h of r.heap) {
    console.log(h.skipped ? `  heap node ${h.version}: skipped: ${h.skipped}`
      : `  heap ${h.name}: ${(h.bytes / 1024).toFixed(0)} KiB (${h.picked} of ${h.chunks} page-like chunks), exe ${h.exe} (${(statSync(h.exe).size / 1024).toFixed(0)} KiB)`);
  }
}
