import type { Task, TaskStatus } from "../api/types";
import { formatDuration } from "../lib/format";
import { StatusBadge } from "./StatusBadge";

interface Props {
  tasks: readonly Task[];
  statuses: Record<string, TaskStatus>;
  critical: ReadonlySet<string>;
  onOpen: (key: string) => void;
}

/** The tasks as a list: the DAG's content for keyboards, screen readers and narrow screens. */
export function TaskTable({ tasks, statuses, critical, onOpen }: Props) {
  return (
    <div className="table-wrap">
      <table className="responsive tasks">
        <caption className="visually-hidden">Tasks</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Tool</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id} data-testid={`task-row-${task.id}`}>
              <td data-label="Task">
                <button type="button" className="link-button" onClick={() => onOpen(task.id)}>
                  {task.title || task.id}
                </button>{" "}
                <code className="muted">{task.id}</code>
                {critical.has(task.id) ? <span className="badge badge-critical">critical path</span> : null}
              </td>
              <td data-label="Tool">{task.tool}</td>
              <td data-label="Status">
                <StatusBadge status={statuses[task.id] ?? task.status} />
              </td>
              <td data-label="Attempts">
                {task.attempts}/{task.max_attempts}
              </td>
              <td data-label="Duration">{formatDuration(task.duration_s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
