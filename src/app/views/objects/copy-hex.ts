// Copying text that shows a function name (`copy_process+0x2a1`) copies the
// raw instruction address instead: elements carrying data-hex stand for their
// hex in the copied text. A selection inside one such element copies just its
// hex; a wider selection copies its text with each such element replaced
// (cells separated by tabs, rows by line breaks).

import { useEffect, useRef } from 'react';

const ROW_ROLES = new Set(['row']);

function isRow(el: Element): boolean {
  return el.tagName === 'TR' || ROW_ROLES.has(el.getAttribute('role') ?? '');
}

function isCell(el: Element): boolean {
  const role = el.getAttribute('role');
  return el.tagName === 'TD' || el.tagName === 'TH' || role === 'gridcell' || role === 'columnheader';
}

/** The text of a copied fragment, data-hex elements as their hex. */
export function copiedText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return (node as Text).data;
  if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return '';
  if (node.nodeType === Node.ELEMENT_NODE) {
    const el = node as Element;
    if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return '';
    const hex = el.getAttribute('data-hex');
    if (hex) return hex;
  }
  const children = Array.from(node.childNodes);
  if (node.nodeType === Node.ELEMENT_NODE && isRow(node as Element)) {
    return (
      children
        .filter((c) => c.nodeType === Node.ELEMENT_NODE && isCell(c as Element))
        .map((c) => copiedText(c).trim())
        .join('\t') + '\n'
    );
  }
  return children.map(copiedText).join('');
}

/** Attach to a container: copy events inside it copy hex for data-hex elements. */
export function useCopyHex<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const onCopy = (e: ClipboardEvent) => {
      const sel = window.getSelection();
      if (!sel || sel.isCollapsed || sel.rangeCount === 0 || !e.clipboardData) return;
      const range = sel.getRangeAt(0);
      const common = range.commonAncestorContainer;
      const commonEl = common.nodeType === Node.ELEMENT_NODE ? (common as Element) : common.parentElement;
      const inside = commonEl?.closest('[data-hex]');
      let text: string;
      if (inside) {
        text = inside.getAttribute('data-hex') ?? '';
      } else {
        const fragment = range.cloneContents();
        if (!fragment.querySelector('[data-hex]')) return;
        text = copiedText(fragment).replace(/\n$/, '');
      }
      e.clipboardData.setData('text/plain', text);
      e.preventDefault();
    };
    root.addEventListener('copy', onCopy);
    return () => root.removeEventListener('copy', onCopy);
  }, []);
  return ref;
}
