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
  aJob({ id: "22222222-2222-2222-2222-222222222222", goal: "Wind report", status: "failed", created_at: "2026-01-02T00:00:00Z", progress: { total: 3, succeeded: 1, failed: 1 } }),
];

function server(options: { feed?: "none" | "open"; jobs?: () => Job[]; count?: number; next?: string | null } = {}) {
  return fakeApi((request: FakeRequest) => {
    if (request.path === "/api/auth/me") return json(LOCAL_ME);
    if (request.path === "/api/events") {
      return options.feed === "open"
        ? sse([{ event: "stream-open", data: "" }], { keepOpen: true, signal: request.signal })
        : json({ detail: "Not found." }, 404);
    }
    if (request.path === "/api/jobs") {
      const status = request.url.searchParams.get("status");
      const jobs = (options.jobs?.() ?? JOBS).filter((job) => !status || job.status === status);
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

  it("searches goals and says when nothing matches", async () => {
    const { requests } = server();
    renderPage(<JobsPage />, "/");
    await screen.findByText("Solar brief");
    await userEvent.type(screen.getByLabelText("Search goals"), "wind");
    await waitFor(() => expect(screen.queryByText("Solar brief")).not.toBeInTheDocument());
    expect(requests.at(-1)!.url.searchParams.get("search")).toBe("wind");
    await userEvent.clear(screen.getByLabelText("Search goals"));
    await userEvent.type(screen.getByLabelText("Search goals"), "tidal");
    expect(await screen.findByTestId("jobs-empty")).toHaveTextContent("No job matches these filters.");
  });

  it("sorts the list", async () => {
    server();
    renderPage(<JobsPage />, "/");
    const goals = () => screen.getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]!.textContent);
    await screen.findByText("Solar brief");
    expect(goals()).toEqual(["Wind report", "Solar brief"]); // newest first
    await userEvent.selectOptions(screen.getByLabelText("Sort"), "goal");
    await waitFor(() => expect(goals()).toEqual(["Solar brief", "Wind report"]));
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
