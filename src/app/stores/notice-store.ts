// Notices: things the user should know that are not errors (ignored URL
// parameters, a cancelled load, a selected object beyond the file). Shown in
// a role="status" region; each can be dismissed.

import { create } from 'zustand';

/** An action a notice offers as a button next to its text. */
export type NoticeAction = 'clear-filters';

export interface Notice {
  id: number;
  text: string;
  /** A keyed notice is one of its kind: setting the key again replaces it. */
  key?: string;
  action?: NoticeAction;
}

interface NoticeStore {
  notices: Notice[];
  add(text: string): void;
  /** Shows `text` as the notice for `key` (replacing the previous one), or removes it when null. */
  setKeyed(key: string, text: string | null, action?: NoticeAction): void;
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
  setKeyed: (key, text, action) =>
    set((s) => {
      const current = s.notices.find((n) => n.key === key);
      if ((current?.text === text && current?.action === action) || (!current && text === null)) return s;
      const rest = s.notices.filter((n) => n.key !== key);
      return { notices: text === null ? rest : [...rest, { id: nextId++, text, key, action }].slice(-MAX_NOTICES) };
    }),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  clear: () => set({ notices: [] }),
}));

export function notify(text: string): void {
  useNoticeStore.getState().add(text);
}
