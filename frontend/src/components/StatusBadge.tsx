interface Props {
  status: string;
  testId?: string;
}

/** A job or task status, coloured like the DAG's nodes. */
export function StatusBadge({ status, testId }: Props) {
  return (
    <span className={`badge status-${status}`} data-status={status} data-testid={testId}>
      {status}
    </span>
  );
}
