// Memorizer's allocation type names in the current (6.x) numbering.
// Older kernels numbered them differently; the kmap prints names, so names
// are what the store keeps. The numbers matter for one thing: a small number
// in the alloc_ip field is the type code of a "UFO" object, printed in hex.

export const ALLOC_TYPE_NAMES: readonly string[] = [
  'STACK',
  'STACK_FRAME',
  'STACK_ARGS',
  'STACK_PAGE',
  'GEN_HEAP',
  'UFO_HEAP',
  'GLOBAL',
  'KMALLOC',
  'KMALLOC_ND',
  'KMEM_CACHE',
  'KMEM_CACHE_ND',
  'KMEM_CACHE_BULK',
  'VMALLOC',
  'ALLOC_PAGES',
  'ALLOC_PAGES_EXACT',
  'ALLOC_PAGES_GETFREEPAGES',
  'ALLOC_PAGES_FOLIO',
  'INDUCED_ALLOC',
  'BOOTMEM',
  'MEMBLOCK',
  'UFO_MEMBLOCK',
  'MEMORIZER',
  'USER',
  'BUG',
  'UFO_GLOBAL',
  'UFO_NONE',
  'NONE',
];

export function allocTypeName(code: number): string | undefined {
  return ALLOC_TYPE_NAMES[code];
}
