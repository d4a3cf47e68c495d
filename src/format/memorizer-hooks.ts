// Memorizer's instrumentation as a tree: allocator family -> hook -> the
// alloc types that hook records (kernel/patches/, kernel/overlay/mm/memorizer/
// and docs/kmap-format.md, "Alloc types"). The Quality view counts the
// loaded kmap's objects per hook, and a hook is a filter on its types.
// Accesses come from KASAN's checks (loads = reads, stores = writes) and
// frees from the free hooks: those are counted beside the tree.
//
// Types a capture has that no hook lists (an older kernel's names, a
// damaged line) are shown apart as "other types", never dropped.

export interface MemorizerHook {
  /** The kernel functions that record (or what records). */
  hook: string;
  types: readonly string[];
}

export interface HookFamily {
  family: string;
  hooks: readonly MemorizerHook[];
}

export const MEMORIZER_HOOKS: readonly HookFamily[] = [
  {
    family: 'Slab allocator (SLUB)',
    hooks: [
      { hook: 'kmem_cache_alloc, kmem_cache_alloc_lru', types: ['KMEM_CACHE'] },
      { hook: 'kmem_cache_alloc_node', types: ['KMEM_CACHE_ND'] },
      { hook: 'kmem_cache_alloc_bulk', types: ['KMEM_CACHE_BULK'] },
      { hook: 'kmalloc family (__kmem_cache_alloc_node, large kmallocs)', types: ['KMALLOC', 'KMALLOC_ND'] },
    ],
  },
  {
    family: 'Page allocator',
    hooks: [
      { hook: '__alloc_pages', types: ['ALLOC_PAGES'] },
      { hook: '__get_free_pages', types: ['ALLOC_PAGES_GETFREEPAGES'] },
      { hook: 'alloc_pages_exact', types: ['ALLOC_PAGES_EXACT'] },
      { hook: '__folio_alloc', types: ['ALLOC_PAGES_FOLIO'] },
    ],
  },
  { family: 'vmalloc', hooks: [{ hook: '__vmalloc_node_range (every vmalloc flavour)', types: ['VMALLOC'] }] },
  { family: 'Globals', hooks: [{ hook: '__asan_register_globals (KASAN)', types: ['GLOBAL'] }] },
  { family: 'Boot memory', hooks: [{ hook: 'memblock, bootmem', types: ['MEMBLOCK', 'BOOTMEM'] }] },
  {
    family: 'Stacks',
    hooks: [
      { hook: 'thread stack pages', types: ['STACK_PAGE'] },
      { hook: 'stack frames and arguments', types: ['STACK', 'STACK_FRAME', 'STACK_ARGS'] },
    ],
  },
  {
    family: 'Made up by Memorizer',
    hooks: [
      { hook: 'UFO objects (a missed lookup) and catch-alls', types: ['UFO_HEAP', 'UFO_GLOBAL', 'UFO_MEMBLOCK', 'UFO_NONE'] },
      { hook: 'induced allocations', types: ['INDUCED_ALLOC'] },
      { hook: "Memorizer's own memory", types: ['MEMORIZER'] },
    ],
  },
  { family: 'Other', hooks: [{ hook: 'generic heap, user, bug, none', types: ['GEN_HEAP', 'USER', 'BUG', 'NONE'] }] },
];

/** Every type some hook lists. */
export const HOOKED_TYPES: ReadonlySet<string> = new Set(MEMORIZER_HOOKS.flatMap((f) => f.hooks.flatMap((h) => h.types)));
