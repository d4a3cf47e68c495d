// Whether the page waits on the data worker for longer than a moment
// (app/busy.ts says when); the top bar shows "Working…" while it does.

import { create } from 'zustand';

export const useBusyStore = create<{ busy: boolean }>(() => ({ busy: false }));
