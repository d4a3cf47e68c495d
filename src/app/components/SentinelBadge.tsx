// A labelled badge for a sentinel value (feedbeef, live, no-slab, ...): the
// label is shown, the explanation is the tooltip and the accessible
// description. Text only: names never become markup.

import { useId } from 'react';

interface Props {
  kind: string;
  label: string;
  explanation: string;
}

export function SentinelBadge({ kind, label, explanation }: Props) {
  const id = useId();
  return (
    <>
      <span className={`badge badge-${kind}`} title={explanation} aria-describedby={id} data-sentinel={kind}>
        {label}
      </span>
      <span id={id} hidden>
        {explanation}
      </span>
    </>
  );
}
