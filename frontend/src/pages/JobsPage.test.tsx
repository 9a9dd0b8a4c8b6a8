import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Job } from "../api/types";
import { aJob, LOCAL_ME } from "../test/factories";
import { eventItem, fakeApi, json, sse, type FakeRequest } from "../test/fakeApi";
import { renderPage } from "../test/render";
import { JobsPage } from "./JobsPage";

const JOBS: Job[] = [
  aJob({ id: "11111111-1111-1111-1111-111111111111", goal: "Solar brief", status: "succeeded", progress: { total: 2, succeeded: 2 } }),
  aJob({ id: "22222222-2222-2222-2222-222222222222", goal: "Wind report", status: "failed", priority: 5, created_at: "2026-01-02T00:00:00Z", progress: { total: 3, succeeded: 1, failed: 1 } }),
];

/** Like the API: `status`, `search` (every word in the goal) and `ordering` over the whole list. */
function answer(jobs: readonly Job[], query: URLSearchParams): Job[] {
  const status = query.get("status");
  const words = (query.get("search") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const kept = jobs.filter(
    (job) => (!status || job.status === status) && words.every((word) => job.goal.toLowerCase().includes(word)),
  );
  const ordering = query.get("ordering") ?? "-created_at";
  const field = ordering.replace(/^-/, "") as "created_at" | "priority" | "goal" | "status";
  const sign = ordering.startsWith("-") ? -1 : 1;
  return kept.sort((a, b) => sign * String(a[field]).localeCompare(String(b[field]), undefined, { numeric: true }));
}

function server(options: { feed?: "none" | "open"; jobs?: () => Job[]; count?: number; next?: string | null } = {}) {
  return fakeApi((request: FakeRequest) => {
    if (request.path === "/api/auth/me") return json(LOCAL_ME);
    if (request.path === "/api/events") {
      return options.feed === "open"
        ? sse([{ event: "stream-open", data: "" }], { keepOpen: true, signal: request.signal })
        : json({ detail: "Not found." }, 404);
    }
    if (request.path === "/api/jobs") {
      const jobs = answer(options.jobs?.() ?? JOBS, request.url.searchParams);
      return json({ count: options.count ?? jobs.length, next: options.next ?? null, previous: null, results: jobs });
    }
    return undefined;
  });
}

describe("JobsPage", () => {
  it("lists jobs with their status and progress, each linking to the job", async () => {
    server();
    renderPage(<JobsPage />, "/");
    const row = await screen.findByTestId("job-row-22222222-2222-2222-2222-222222222222");
    expect(row).toHaveAttribute("data-status", "failed");
    expect(within(row).getByRole("link", { name: "Wind report" })).toHaveAttribute(
      "href",
      "/jobs/22222222-2222-2222-2222-222222222222",
    );
    expect(within(row).getByLabelText("1 of 3 tasks succeeded")).toBeInTheDocument();
    expect(screen.getByTestId("page-position")).toHaveTextContent("Page 1 of 1 · 2 jobs");
  });

  it("filters by status through the API and keeps the filter in the address", async () => {
    const { requests } = server();
    renderPage(<JobsPage />, "/");
    await screen.findByText("Solar brief");
    await userEvent.selectOptions(screen.getByLabelText("Status"), "failed");
    await waitFor(() => expect(screen.queryByText("Solar brief")).not.toBeInTheDocument());
    expect(screen.getByText("Wind report")).toBeInTheDocument();
    expect(requests.some((r) => r.path === "/api/jobs" && r.url.searchParams.get("status") === "failed")).toBe(true);
    expect(screen.getByTestId("location")).toHaveTextContent("/?status=failed");
  });

  it("searches goals through the API and says when nothing matches", async () => {
    const { requests } = server();
    renderPage(<JobsPage />, "/");
    await screen.findByText("Solar brief");
    await userEvent.type(screen.getByLabelText("Search goals"), "report wind");
    await waitFor(() => expect(screen.queryByText("Solar brief")).not.toBeInTheDocument());
    expect(screen.getByText("Wind report")).toBeInTheDocument(); // the server's word search, not a substring
    expect(requests.at(-1)!.url.searchParams.get("search")).toBe("report wind");
    expect(screen.getByTestId("location")).toHaveTextContent("/?q=report+wind");
    await userEvent.clear(screen.getByLabelText("Search goals"));
    await userEvent.type(screen.getByLabelText("Search goals"), "tidal");
    expect(await screen.findByTestId("jobs-empty")).toHaveTextContent("No job matches these filters.");
  });

  it("sorts through the API", async () => {
    const { requests } = server();
    renderPage(<JobsPage />, "/");
    const goals = () => screen.getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]!.textContent);
    await screen.findByText("Solar brief");
    expect(goals()).toEqual(["Wind report", "Solar brief"]); // newest first
    await userEvent.selectOptions(screen.getByLabelText("Sort"), "goal");
    await waitFor(() => expect(goals()).toEqual(["Solar brief", "Wind report"]));
    expect(requests.at(-1)!.url.searchParams.get("ordering")).toBe("goal");
    expect(screen.getByTestId("location")).toHaveTextContent("/?sort=goal");
  });

  it("shows the server's page as it is, without searching or sorting it again", async () => {
    // A server whose search and ordering the app cannot second-guess (e.g. another collation).
    fakeApi((request) => {
      if (request.path === "/api/auth/me") return json(LOCAL_ME);
      if (request.path === "/api/jobs") return json({ count: 2, next: null, previous: null, results: JOBS });
      return undefined;
    });
    renderPage(<JobsPage />, "/?q=wind&sort=-priority");
    const goals = () => screen.getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]!.textContent);
    await screen.findByText("Solar brief");
    expect(goals()).toEqual(["Solar brief", "Wind report"]);
  });

  it("pages through the list", async () => {
    const { requests } = server({ count: 45, next: "/api/jobs?page=2" });
    renderPage(<JobsPage />, "/");
    await screen.findByText("Solar brief");
    expect(screen.getByTestId("page-position")).toHaveTextContent("Page 1 of 23");
    await userEvent.click(screen.getByTestId("page-next"));
    await waitFor(() => expect(requests.at(-1)!.url.searchParams.get("page")).toBe("2"));
    expect(screen.getByTestId("location")).toHaveTextContent("/?page=2");
  });

  it("re-reads the list when the live feed reports a job event", async () => {
    let jobs = [JOBS[0]!];
    let push: ((text: string) => void) | null = null;
    fakeApi((request) => {
      if (request.path === "/api/auth/me") return json(LOCAL_ME);
      if (request.path === "/api/events") {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            push = (text) => controller.enqueue(new TextEncoder().encode(text));
            push("event: stream-open\ndata:\n\n");
          },
        });
        return new Response(stream, { headers: { "content-type": "text/event-stream" } });
      }
      if (request.path === "/api/jobs") return json({ count: jobs.length, next: null, previous: null, results: jobs });
      return undefined;
    });
    renderPage(<JobsPage />, "/");
    await screen.findByText("Solar brief");
    await waitFor(() => expect(screen.getByTestId("list-feed")).toHaveAttribute("data-feed", "open"));
    jobs = JOBS;
    const item = eventItem(JOBS[1]!.id, 1, "job.created");
    push!(`event: ${item.event}\ndata: ${item.data}\n\n`);
    expect(await screen.findByText("Wind report")).toBeInTheDocument();
  });

  it("shows the API's error in the page", async () => {
    fakeApi((request) => {
      if (request.path === "/api/auth/me") return json(LOCAL_ME);
      if (request.path === "/api/jobs") return json({ status: ["unknown status x"] }, 400);
      return undefined;
    });
    renderPage(<JobsPage />, "/");
    expect(await screen.findByTestId("jobs-error")).toHaveTextContent("status: unknown status x");
  });
});
