import { describe, expect, it } from "vitest";

import { DEFAULT_FILTERS, filtersFromSearch, jobsPath, searchFromFilters } from "./jobQuery";

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
});
