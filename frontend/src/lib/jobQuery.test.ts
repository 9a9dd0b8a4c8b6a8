import { describe, expect, it } from "vitest";

import { aJob } from "../test/factories";
import { DEFAULT_FILTERS, filtersFromSearch, jobsPath, narrowJobs, searchFromFilters } from "./jobQuery";

describe("job list filters", () => {
  it("round-trips through the page URL, leaving defaults out", () => {
    const filters = { status: "failed" as const, q: "solar", sort: "-priority" as const, page: 2 };
    const search = searchFromFilters(filters);
    expect(search.toString()).toBe("status=failed&q=solar&sort=-priority&page=2");
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(searchFromFilters(DEFAULT_FILTERS).toString()).toBe("");
  });

  it("ignores unknown statuses, sorts and pages in the URL", () => {
    expect(filtersFromSearch(new URLSearchParams("status=nope&sort=evil&page=-3"))).toEqual(DEFAULT_FILTERS);
  });

  it("asks the API for the status, the page, the search and the ordering", () => {
    expect(jobsPath(DEFAULT_FILTERS)).toBe("/api/jobs");
    expect(jobsPath({ status: "running", q: " solar ", sort: "goal", page: 3 })).toBe(
      "/api/jobs?status=running&search=solar&ordering=goal&page=3",
    );
  });

  it("searches goals and sorts the page received", () => {
    const jobs = [
      aJob({ id: "1", goal: "Solar brief", priority: 1, created_at: "2026-01-01T00:00:01Z" }),
      aJob({ id: "2", goal: "wind report", priority: 5, created_at: "2026-01-01T00:00:02Z" }),
      aJob({ id: "3", goal: "SOLAR summary", priority: 3, created_at: "2026-01-01T00:00:03Z" }),
    ];
    const ids = (filters: Partial<typeof DEFAULT_FILTERS>) =>
      narrowJobs(jobs, { ...DEFAULT_FILTERS, ...filters }).map((job) => job.id);
    expect(ids({})).toEqual(["3", "2", "1"]);
    expect(ids({ q: "solar" })).toEqual(["3", "1"]);
    expect(ids({ sort: "-priority" })).toEqual(["2", "3", "1"]);
    expect(ids({ sort: "goal" })).toEqual(["1", "3", "2"]);
    expect(ids({ sort: "created_at" })).toEqual(["1", "2", "3"]);
  });
});
