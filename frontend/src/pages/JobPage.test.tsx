import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { JobDetails, TaskAttempt } from "../api/types";
import { anAttempt, aPlan, aTask, details, JOB_ID, LOCAL_ME, taskDetail } from "../test/factories";
import { eventItem, fakeApi, json, liveStream, type SseItem } from "../test/fakeApi";
import { renderApp } from "../test/render";

const HISTORY: SseItem[] = [
  eventItem(JOB_ID, 1, "job.created"),
  eventItem(JOB_ID, 2, "plan.created", null, { version: 1, source: "mock", tasks: 3 }),
  eventItem(JOB_ID, 3, "job.running", null, { from: "queued" }),
  eventItem(JOB_ID, 4, "task.running", "brief", { worker: "w1" }),
  eventItem(JOB_ID, 5, "task.succeeded", "brief", { from: "running" }),
  eventItem(JOB_ID, 6, "task.running", "risks", { worker: "w1" }),
];

type Attempts = (taskId: string) => TaskAttempt[];

function server(job: () => JobDetails, history: SseItem[] = HISTORY, attempts: Attempts = () => []) {
  const stream = liveStream();
  const api = fakeApi((request) => {
    if (request.path === "/api/auth/me") return json(LOCAL_ME);
    const taskPath = new RegExp(`^/api/jobs/${JOB_ID}/tasks/([^/]+)$`).exec(request.path);
    if (request.method === "GET" && taskPath) {
      const task = job().tasks.find((t) => t.id === decodeURIComponent(taskPath[1]!));
      return task ? json(taskDetail(task, attempts(task.id))) : json({ detail: `job ${JOB_ID} has no task '${decodeURIComponent(taskPath[1]!)}'` }, 404);
    }
    if (request.path === `/api/jobs/${JOB_ID}/details`) {
      const answer = job();
      // Like the server: the details' recent events are the stream's history.
      if (answer.recent_events.length === 0) answer.recent_events = history.map((item) => JSON.parse(item.data));
      return json(answer);
    }
    if (request.path === `/api/jobs/${JOB_ID}/events`) return stream.respond(history, request.signal);
    if (request.method === "POST" && request.path === `/api/jobs/${JOB_ID}/cancel`) return json({ ...job(), status: "cancelled" });
    if (request.method === "POST" && request.path === `/api/jobs/${JOB_ID}/retry_failed`) {
      return json({ detail: `job ${JOB_ID} is succeeded; it cannot become retried`, status: "succeeded" }, 409);
    }
    return undefined;
  });
  return { ...api, stream };
}

const recent = (...seqs: number[]) =>
  seqs.map((seq) => ({ seq, type: "x", task: "", payload: {}, at: "" }));

describe("JobPage", () => {
  it("draws the DAG and the timeline, each event once", async () => {
    server(() => details({ recent_events: recent(1, 2, 3, 4, 5, 6) }));
    renderApp(`/jobs/${JOB_ID}`);
    expect(await screen.findByTestId("dag-node-brief")).toHaveAttribute("data-status", "succeeded");
    expect(screen.getByTestId("dag-node-risks")).toHaveAttribute("data-status", "running");
    expect(screen.getByTestId("job-goal")).toHaveTextContent("Write a brief about solar panels");
    await waitFor(() => expect(screen.getAllByTestId(/^event-\d+$/)).toHaveLength(6));
    expect(screen.getByTestId("event-5")).toHaveTextContent("task.succeeded");
    expect(screen.getByTestId("critical-path")).toHaveTextContent("brief → risks → summary");
    expect(screen.getByTestId("plan-version-1")).toHaveTextContent("mock");
  });

  it("moves a node as soon as its event arrives, and adds the event once", async () => {
    let job = details({ recent_events: recent(1, 2, 3, 4, 5, 6) });
    const { stream } = server(() => job);
    renderApp(`/jobs/${JOB_ID}`);
    await screen.findByTestId("dag-node-risks");
    await waitFor(() => expect(screen.getByTestId("event-stream-status")).toHaveAttribute("data-stream", "open"));
    job = details({
      recent_events: recent(1, 2, 3, 4, 5, 6, 7),
      tasks: job.tasks.map((t) => (t.id === "risks" ? { ...t, status: "failed", error: "boom" } : t)),
    });
    stream.push([eventItem(JOB_ID, 7, "task.failed", "risks", { error: "boom", error_class: "permanent" })]);
    await waitFor(() => expect(screen.getByTestId("dag-node-risks")).toHaveAttribute("data-status", "failed"));
    stream.push([eventItem(JOB_ID, 7, "task.failed", "risks")]); // a repeat after a reconnect
    await waitFor(() => expect(screen.getAllByTestId("event-7")).toHaveLength(1));
  });

  it("opens a task's drawer with inputs, output, attempts and error, and closes it with Escape", async () => {
    const log = [
      anAttempt(1, { worker: "celery@w1", outcome: "retrying", error_class: "transient", message: "read timed out", finished_at: "2026-01-01T00:00:02Z", duration_s: 1.5 }),
      anAttempt(2, { worker: "celery@w2", outcome: "lost", error_class: "transient", message: "worker celery@w2 stopped", finished_at: "2026-01-01T00:01:00Z", duration_s: 58 }),
      anAttempt(3, { worker: "celery@w1", outcome: "failed", error_class: "transient", message: "the tool timed out", finished_at: "2026-01-01T00:01:03Z", duration_s: 2 }),
    ];
    const failed = aTask("risks", {
      status: "failed",
      inputs: { topic: "wind" },
      error: "the tool timed out",
      error_class: "transient",
      attempts: 3,
      started_at: "2026-01-01T00:00:01Z",
      finished_at: "2026-01-01T00:00:03Z",
      duration_s: 2,
    });
    const { requests } = server(
      () => details({ status: "failed", tasks: [aTask("brief", { status: "succeeded", output: { path: "brief.md" } }), failed] }),
      HISTORY,
      (id) => (id === "risks" ? log : []),
    );
    renderApp(`/jobs/${JOB_ID}`);
    // fireEvent: jsdom's pointer events lack the `view` React Flow's pan handler reads.
    fireEvent.click(await screen.findByTestId("dag-node-risks"));
    const drawer = await screen.findByTestId("task-drawer");
    expect(within(drawer).getByTestId("task-inputs")).toHaveTextContent('"topic": "wind"');
    expect(within(drawer).getByTestId("task-error")).toHaveTextContent("the tool timed out");
    expect(within(drawer).getByTestId("task-attempts-used")).toHaveTextContent("3 of 3");
    expect(within(drawer).getByTestId("task-duration")).toHaveTextContent("2.00 s");
    // The attempts come from the task's attempt log, one row each, oldest first.
    const table = await within(drawer).findByTestId("task-attempts");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell").map((cell) => cell.textContent))).toEqual([
      ["1", "celery@w1", "failed, retried", "transient read timed out", "1.50 s"],
      ["2", "celery@w2", "lost (worker gone)", "transient worker celery@w2 stopped", "58.0 s"],
      ["3", "celery@w1", "failed", "transient the tool timed out", "2.00 s"],
    ]);
    expect(within(drawer).getByTestId("task-attempt-2")).toHaveAttribute("data-outcome", "lost");
    expect(requests.some((r) => r.path === `/api/jobs/${JOB_ID}/tasks/risks`)).toBe(true);
    expect(within(drawer).getByTestId("action-retry-task")).toBeEnabled();
    expect(screen.getByTestId("location")).toHaveTextContent(`/jobs/${JOB_ID}?task=risks`);
    await userEvent.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("task-drawer")).not.toBeInTheDocument());
    await userEvent.click(screen.getByRole("button", { name: "Task brief" }));
    expect(await screen.findByTestId("task-drawer")).toHaveAttribute("data-task", "brief");
    expect(screen.getByTestId("task-output")).toHaveTextContent('"path": "brief.md"');
    expect(await screen.findByTestId("task-attempts")).toHaveTextContent("No attempt yet.");
  });

  it("re-reads the task's attempts when the stream moves its status", async () => {
    let log = [anAttempt(1)];
    const { requests, stream } = server(() => details({ recent_events: recent(1, 2, 3, 4, 5, 6) }), HISTORY, () => log);
    renderApp(`/jobs/${JOB_ID}?task=risks`);
    const row = await screen.findByTestId("task-attempt-1");
    expect(row).toHaveAttribute("data-outcome", "running");
    await waitFor(() => expect(screen.getByTestId("event-stream-status")).toHaveAttribute("data-stream", "open"));
    const reads = () => requests.filter((r) => r.path === `/api/jobs/${JOB_ID}/tasks/risks`).length;
    const before = reads();
    log = [
      anAttempt(1, { outcome: "retrying", error_class: "transient", message: "503 from the API", finished_at: "2026-01-01T00:00:07Z", duration_s: 6 }),
      anAttempt(2),
    ];
    // A retry moves the task twice in one delivery: running → retrying → running.
    stream.push([
      eventItem(JOB_ID, 7, "task.retrying", "risks", { error_class: "transient", retry_in_s: 1 }),
      eventItem(JOB_ID, 8, "task.running", "risks", { worker: "w1" }),
    ]);
    await waitFor(() => expect(screen.getByTestId("task-attempt-1")).toHaveAttribute("data-outcome", "retrying"));
    expect(screen.getByTestId("task-attempt-1")).toHaveTextContent("503 from the API");
    expect(screen.getByTestId("task-attempt-2")).toHaveAttribute("data-outcome", "running");
    expect(reads()).toBeGreaterThan(before);
  });

  it("does not re-read the attempts for events that do not move the task", async () => {
    const { requests, stream } = server(() => details({ recent_events: recent(1, 2, 3, 4, 5, 6) }));
    renderApp(`/jobs/${JOB_ID}?task=risks`);
    await screen.findByTestId("task-attempts");
    await waitFor(() => expect(screen.getByTestId("event-stream-status")).toHaveAttribute("data-stream", "open"));
    const reads = () => requests.filter((r) => r.path === `/api/jobs/${JOB_ID}/tasks/risks`).length;
    const before = reads();
    stream.push([eventItem(JOB_ID, 7, "artifact.created", "risks", { path: "risks.md" }), eventItem(JOB_ID, 8, "task.running", "summary")]);
    await waitFor(() => expect(screen.getByTestId("event-8")).toBeInTheDocument());
    // The details are re-read after the new events; the task's own detail is not.
    await waitFor(() => expect(requests.filter((r) => r.path === `/api/jobs/${JOB_ID}/details`).length).toBeGreaterThan(1));
    expect(reads()).toBe(before);
  });

  it("says in the drawer when the attempts cannot be read", async () => {
    fakeApi((request) => {
      if (request.path === "/api/auth/me") return json(LOCAL_ME);
      if (request.path === `/api/jobs/${JOB_ID}/details`) return json(details({ status: "succeeded" }));
      if (request.path === `/api/jobs/${JOB_ID}/tasks/brief`) return json({ detail: "The database is busy." }, 503);
      return undefined;
    });
    renderApp(`/jobs/${JOB_ID}?task=brief`);
    expect(await screen.findByTestId("task-attempts-error")).toHaveTextContent("Could not load the attempts");
    expect(screen.queryByTestId("task-attempts")).not.toBeInTheDocument();
  });

  it("cancels after confirmation", async () => {
    let job = details();
    const { requests } = server(() => job);
    renderApp(`/jobs/${JOB_ID}`);
    await userEvent.click(await screen.findByTestId("action-cancel"));
    const dialog = screen.getByRole("dialog", { name: "Cancel this job?" });
    expect(within(dialog).getByTestId("confirm-dialog-cancel")).toHaveFocus();
    job = details({ status: "cancelled" });
    await userEvent.click(within(dialog).getByTestId("confirm-dialog-confirm"));
    expect(await screen.findByTestId("action-notice")).toHaveTextContent("The job was cancelled.");
    expect(requests.filter((r) => r.method === "POST").map((r) => r.path)).toEqual([`/api/jobs/${JOB_ID}/cancel`]);
    await waitFor(() => expect(screen.getByTestId("action-cancel")).toBeDisabled());
    expect(screen.getByTestId("action-cancel-reason")).toHaveTextContent("The job is cancelled");
  });

  it("does nothing when the confirmation is declined", async () => {
    const { requests } = server(() => details());
    renderApp(`/jobs/${JOB_ID}`);
    await userEvent.click(await screen.findByTestId("action-cancel"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("disables actions that do not apply, saying why, and shows the server's refusal", async () => {
    server(() => details({ status: "failed", tasks: [aTask("a", { status: "failed" })] }));
    renderApp(`/jobs/${JOB_ID}`);
    expect(await screen.findByTestId("action-cancel")).toBeDisabled();
    expect(screen.getByTestId("action-cancel")).toHaveAccessibleDescription(/only an unfinished job/);
    await userEvent.click(screen.getByTestId("action-retry-failed"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent("it cannot become retried");
  });

  it("lists artifacts with download links", async () => {
    server(() =>
      details({
        artifacts: [
          {
            path: `${JOB_ID}/summary.md`,
            name: "summary.md",
            size: 799,
            sha256: "x",
            content_type: "text/markdown",
            task: "summary",
            created_at: "2026-01-01T00:00:09Z",
            download_url: `/api/artifacts/download?path=${JOB_ID}/summary.md`,
          },
        ],
      }),
    );
    renderApp(`/jobs/${JOB_ID}`);
    expect(await screen.findByTestId("artifact-link-summary.md")).toHaveAttribute(
      "href",
      `/api/artifacts/download?path=${JOB_ID}/summary.md`,
    );
  });

  it("shows plan versions side by side from the details, marking what each changed", async () => {
    const v1 = aPlan(1, [
      { id: "brief", tool: "core.write_file", inputs: { path: "brief.md" } },
      { id: "risks", tool: "core.write_file", inputs: { path: "risks.md" }, depends_on: ["brief"] },
      { id: "summary", tool: "core.write_file", inputs: { path: "summary.md" }, depends_on: ["risks"] },
    ]);
    const v2 = aPlan(2, [{ id: "brief", tool: "no.such_tool", inputs: {} }], {
      valid: false,
      problems: [{ code: "unknown_tool", message: "no tool no.such_tool", task: "brief", field: "tool" }],
    });
    const v3 = aPlan(3, [
      { id: "brief", tool: "core.write_file", inputs: { path: "brief.md" } },
      { id: "risks", tool: "llm.generate", inputs: { prompt: "risks" }, depends_on: ["brief"] },
      { id: "review", tool: "llm.critique", inputs: {}, depends_on: ["risks"] },
    ]);
    // A plan.created event alone no longer makes a version: the details' plans are the source.
    const history = [...HISTORY, eventItem(JOB_ID, 7, "plan.created", null, { version: 9, source: "replan:mock", tasks: 1 })];
    server(() => details({ plan: v3, plans: [v1, v2, v3] }), history);
    renderApp(`/jobs/${JOB_ID}`);
    const first = await screen.findByTestId("plan-version-1");
    expect(first).toHaveTextContent("mock");
    expect(within(first).getByTestId("plan-version-1-task-summary")).toHaveAttribute("data-change", "none");

    const rejected = screen.getByTestId("plan-version-2");
    expect(rejected).toHaveTextContent("rejected");
    expect(within(rejected).getByTestId("plan-version-2-problems")).toHaveTextContent("unknown_tool in task brief (tool): no tool no.such_tool");
    expect(within(rejected).getByTestId("plan-version-2-task-brief")).toHaveAttribute("data-change", "changed");

    const latest = screen.getByTestId("plan-version-3");
    expect(latest).toHaveTextContent("current");
    expect(within(latest).getByTestId("plan-version-3-diff")).toHaveTextContent("Since version 2: 2 added, 1 changed.");
    expect(within(latest).getByTestId("plan-version-3-task-risks")).toHaveTextContent("llm.generate");
    expect(within(latest).getByTestId("plan-version-3-task-review")).toHaveAttribute("data-change", "added");
    expect(within(latest).getByTestId("plan-version-3-task-brief")).toHaveTextContent("changed: inputs, tool");
    expect(screen.queryByTestId("plan-version-9")).not.toBeInTheDocument();
    expect(screen.getAllByTestId(/^plan-version-\d+$/)).toHaveLength(3);
  });

  it("says an unknown job does not exist", async () => {
    allow404();
    renderApp("/jobs/00000000-0000-0000-0000-000000000000");
    expect(await screen.findByTestId("not-found")).toHaveTextContent("There is no job 00000000-0000-0000-0000-000000000000");
  });

  it("says a malformed job id does not exist, without asking the server", async () => {
    const { requests } = allow404();
    renderApp("/jobs/not-a-uuid");
    expect(await screen.findByTestId("not-found")).toBeInTheDocument();
    expect(requests.filter((r) => r.path.startsWith("/api/jobs"))).toEqual([]);
  });
});

function allow404() {
  return fakeApi((request) => (request.path === "/api/auth/me" ? json(LOCAL_ME) : json({ detail: `no job ${request.path.split("/")[3]}` }, 404)));
}
