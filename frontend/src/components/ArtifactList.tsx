import type { Artifact } from "../api/types";
import { formatBytes } from "../lib/json";
import { formatTime } from "../lib/format";

interface Props {
  artifacts: readonly Artifact[];
  /** Hide the task column (inside a task's drawer). */
  showTask?: boolean;
  onTask?: (key: string) => void;
  /** Links are `${testIdPrefix}-<name>`: the drawer's list must not repeat the page's test ids. */
  testIdPrefix?: string;
}

/** Files the job produced, each with a download link. */
export function ArtifactList({ artifacts, showTask = true, onTask, testIdPrefix = "artifact-link" }: Props) {
  if (artifacts.length === 0) return <p className="muted">No artifacts yet.</p>;
  return (
    <div className="table-wrap">
      <table className="responsive">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Size</th>
            <th scope="col">Type</th>
            {showTask ? <th scope="col">Task</th> : null}
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {artifacts.map((artifact) => (
            <tr key={artifact.path}>
              <td data-label="File">
                <a
                  href={artifact.download_url}
                  download={artifact.name.split("/").pop()}
                  data-testid={`${testIdPrefix}-${artifact.name}`}
                  data-path={artifact.path}
                >
                  {artifact.name}
                </a>
              </td>
              <td data-label="Size">{formatBytes(artifact.size)}</td>
              <td data-label="Type">{artifact.content_type}</td>
              {showTask ? (
                <td data-label="Task">
                  {artifact.task && onTask ? (
                    <button type="button" className="link-button" onClick={() => onTask(artifact.task!)}>
                      {artifact.task}
                    </button>
                  ) : (
                    (artifact.task ?? "—")
                  )}
                </td>
              ) : null}
              <td data-label="Created">{formatTime(artifact.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
