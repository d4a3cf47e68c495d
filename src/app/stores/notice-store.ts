// Notices: things the user should know that are not errors (ignored URL
// parameters, a cancelled load, a selected object beyond the file). Shown in
// a role="status" region; each can be dismissed.

import { create } from 'zustand';

export interface Notice {
  id: number;
  text: string;
}

interface NoticeStore {
  notices: Notice[];
  add(text: string): void;
  dismiss(id: number): void;
  clear(): void;
}

let nextId = 1;
const MAX_NOTICES = 8;

export const useNoticeStore = create<NoticeStore>((set) => ({
  notices: [],
  add: (text) =>
    set((s) => {
      if (s.notices.some((n) => n.text === text)) return s;
      return { notices: [...s.notices, { id: nextId++, text }].slice(-MAX_NOTICES) };
    }),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  clear: () => set({ notices: [] }),
}));

export function notify(text: string): void {
  useNoticeStore.getState().add(text);
}
