import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { JobDetails } from "../api/types";
import { aTask, details, JOB_ID, LOCAL_ME } from "../test/factories";
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

function server(job: () => JobDetails, history: SseItem[] = HISTORY) {
  const stream = liveStream();
  const api = fakeApi((request) => {
    if (request.path === "/api/auth/me") return json(LOCAL_ME);
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
    server(() => details({ status: "failed", tasks: [aTask("brief", { status: "succeeded", output: { path: "brief.md" } }), failed] }));
    renderApp(`/jobs/${JOB_ID}`);
    // fireEvent: jsdom's pointer events lack the `view` React Flow's pan handler reads.
    fireEvent.click(await screen.findByTestId("dag-node-risks"));
    const drawer = await screen.findByTestId("task-drawer");
    expect(within(drawer).getByTestId("task-inputs")).toHaveTextContent('"topic": "wind"');
    expect(within(drawer).getByTestId("task-error")).toHaveTextContent("the tool timed out");
    expect(within(drawer).getByTestId("task-attempts")).toHaveTextContent("3 of 3");
    expect(within(drawer).getByTestId("task-duration")).toHaveTextContent("2.00 s");
    expect(within(drawer).getByTestId("action-retry-task")).toBeEnabled();
    expect(screen.getByTestId("location")).toHaveTextContent(`/jobs/${JOB_ID}?task=risks`);
    await userEvent.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("task-drawer")).not.toBeInTheDocument());
    await userEvent.click(screen.getByRole("button", { name: "Task brief" }));
    expect(await screen.findByTestId("task-drawer")).toHaveAttribute("data-task", "brief");
    expect(screen.getByTestId("task-output")).toHaveTextContent('"path": "brief.md"');
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

  it("shows plan versions side by side after a replan", async () => {
    const history = [
      ...HISTORY,
      eventItem(JOB_ID, 7, "plan.created", null, { version: 2, source: "replan:mock", tasks: 4 }),
      eventItem(JOB_ID, 8, "job.replanned", null, { version: 2, instructions: "add a review", auto: false }),
    ];
    server(() => details({ plan: { ...details().plan!, version: 2, source: "replan:mock" } }), history);
    renderApp(`/jobs/${JOB_ID}`);
    expect(await screen.findByTestId("plan-version-1")).toHaveTextContent("mock");
    expect(screen.getByTestId("plan-version-2")).toHaveTextContent("replan:mock");
    expect(screen.getByTestId("plan-version-2")).toHaveTextContent("add a review");
    expect(screen.getByTestId("plan-version-2")).toHaveTextContent("current");
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
  return fakeApi((request) => (request.path === "/api/auth/me" ? json(LOCAL_ME) : json({ detail: "No Job matches the given query." }, 404)));
}
