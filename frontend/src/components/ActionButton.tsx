import { useId } from "react";

import type { Availability } from "../lib/actions";

interface Props {
  label: string;
  availability: Availability;
  busy: boolean;
  onClick: () => void;
  testId: string;
  danger?: boolean;
}

/** An action's button; when it does not apply, it is disabled and says why. */
export function ActionButton({ label, availability, busy, onClick, testId, danger }: Props) {
  const reasonId = useId();
  const disabled = !availability.enabled || busy;
  return (
    <span className="action">
      <button
        type="button"
        className={danger ? "button-danger" : undefined}
        disabled={disabled}
        onClick={onClick}
        aria-describedby={availability.reason ? reasonId : undefined}
        title={availability.reason ?? undefined}
        data-testid={testId}
      >
        {label}
      </button>
      {availability.reason ? (
        <span className="action-reason" id={reasonId} data-testid={`${testId}-reason`}>
          {availability.reason}
        </span>
      ) : null}
    </span>
  );
}
