import { useCallback, useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";

import { ArtifactList } from "../components/ArtifactList";
import { DagView } from "../components/DagView";
import { ErrorBanner } from "../components/ErrorBanner";
import { EventTimeline } from "../components/EventTimeline";
import { JobActions } from "../components/JobActions";
import { JobSummary } from "../components/JobSummary";
import { PlanVersions } from "../components/PlanVersions";
import { TaskDrawer } from "../components/TaskDrawer";
import { TaskTable } from "../components/TaskTable";
import { useJobActions } from "../hooks/useJobActions";
import { useLiveJob } from "../hooks/useLiveJob";
import { criticalPath, criticalPathBasis } from "../lib/criticalPath";
import { NotFoundPage } from "./NotFoundPage";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One job, live: summary, actions, DAG, tasks, events, artifacts and plan versions. */
export function JobPage() {
  const { jobId = "" } = useParams();
  const known = UUID.test(jobId);
  const live = useLiveJob(known ? jobId : null);
  const actions = useJobActions(jobId, live.refetch);
  const [search, setSearch] = useSearchParams();
  const selected = search.get("task");
  const openTask = useCallback(
    (key: string) =>
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          next.set("task", key);
          return next;
        },
        { replace: true },
      ),
    [setSearch],
  );
  const closeTask = useCallback(
    () =>
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          next.delete("task");
          return next;
        },
        { replace: true },
      ),
    [setSearch],
  );

  const { details, taskStatuses, jobStatus, events } = live;
  const tasks = useMemo(() => details?.tasks ?? [], [details]);
  const critical = useMemo(() => {
    const { weight } = criticalPathBasis(tasks);
    return criticalPath(tasks, weight);
  }, [tasks]);
  const basis = criticalPathBasis(tasks).basis;

  if (!known || live.error?.status === 404) return <NotFoundPage what={`job ${jobId}`} />;
  if (!details || !jobStatus) {
    return (
      <section>
        <p>
          <Link to="/">← Jobs</Link>
        </p>
        <ErrorBanner error={live.error} title="Could not load the job" testId="job-load-error" onRetry={live.refetch} />
        {live.loading ? <p aria-busy="true">Loading the job…</p> : null}
      </section>
    );
  }

  const task = selected ? tasks.find((t) => t.id === selected) : undefined;
  const statusList = tasks.map((t) => taskStatuses[t.id] ?? t.status);
  return (
    <div className={`job-page ${task ? "with-drawer" : ""}`} data-testid="job-page" data-job-status={jobStatus}>
      <div className="job-main">
        <p>
          <Link to="/">← Jobs</Link>
        </p>
        <ErrorBanner error={live.error} title="Could not refresh the job" testId="job-refresh-error" onRetry={live.refetch} />
        <JobSummary job={details} status={jobStatus} />
        <JobActions jobStatus={jobStatus} taskStatuses={statusList} actions={actions} />

        <section className="panel" aria-labelledby="dag-title">
          <div className="panel-head">
            <h2 id="dag-title">Plan</h2>
            {critical.keys.length > 1 ? (
              <span className="muted" data-testid="critical-path">
                Critical path ({basis === "duration" ? `${critical.total.toFixed(2)} s` : `${critical.total} tasks`}):{" "}
                {critical.keys.join(" → ")}
              </span>
            ) : null}
          </div>
          {tasks.length ? (
            <>
              <DagView tasks={tasks} statuses={taskStatuses} critical={critical} selected={selected} onOpen={openTask} />
              <TaskTable tasks={tasks} statuses={taskStatuses} critical={new Set(critical.keys)} onOpen={openTask} />
            </>
          ) : (
            <p className="muted">No tasks yet{jobStatus === "planning" || jobStatus === "queued" ? ": planning…" : "."}</p>
          )}
        </section>

        <section className="panel" aria-labelledby="artifacts-title">
          <h2 id="artifacts-title">Artifacts</h2>
          <ArtifactList artifacts={details.artifacts} onTask={openTask} />
        </section>

        <section className="panel" aria-labelledby="versions-title">
          <h2 id="versions-title">Plan versions</h2>
          <PlanVersions plans={details.plans} current={details.plan?.version ?? null} />
        </section>

        <EventTimeline events={events} status={live.streamStatus} onTask={openTask} />
      </div>
      {task ? (
        <TaskDrawer
          jobId={jobId}
          task={task}
          status={taskStatuses[task.id] ?? task.status}
          jobStatus={jobStatus}
          artifacts={details.artifacts.filter((a) => a.task === task.id)}
          events={events}
          actions={actions}
          onClose={closeTask}
        />
      ) : null}
    </div>
  );
}
