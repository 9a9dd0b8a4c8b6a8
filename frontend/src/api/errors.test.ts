import { describe, expect, it } from "vitest";

import { errorFromResponse, flattenFieldErrors } from "./errors";

describe("errorFromResponse", () => {
  it("uses the server's detail", () => {
    const error = errorFromResponse(409, "Conflict", { detail: "job x is succeeded; it cannot become cancelled", status: "succeeded" });
    expect(error.message).toBe("job x is succeeded; it cannot become cancelled");
    expect(error.status).toBe(409);
    expect(error.fields).toEqual({});
  });

  it("keeps field errors by dotted path and summarises them", () => {
    const error = errorFromResponse(400, "Bad Request", {
      goal: ["This field may not be blank."],
      budget: { max_tasks: ["Ensure this value is greater than or equal to 1."] },
    });
    expect(error.fields).toEqual({
      goal: ["This field may not be blank."],
      "budget.max_tasks": ["Ensure this value is greater than or equal to 1."],
    });
    expect(error.message).toBe(
      "goal: This field may not be blank.; budget.max_tasks: Ensure this value is greater than or equal to 1.",
    );
  });

  it("keeps a refused plan's problems apart from field errors", () => {
    const problem = { code: "unknown_tool", message: "task 'a': unknown tool 'nope'", task: "a", field: "tool" };
    const error = errorFromResponse(400, "", { detail: "the plan is invalid", plan: [problem] });
    expect(error.planProblems).toEqual([problem]);
    expect(error.fields).toEqual({});
    expect(errorFromResponse(400, "", { plan: ["must be a JSON object"] }).fields).toEqual({
      plan: ["must be a JSON object"],
    });
  });

  it("reads a query parameter's error as a field error", () => {
    const error = errorFromResponse(400, "", { status: ["unknown status x; use queued, running"] });
    expect(error.fields).toEqual({ status: ["unknown status x; use queued, running"] });
    expect(error.message).toBe("status: unknown status x; use queued, running");
  });

  it("names a policy error's field", () => {
    expect(errorFromResponse(400, "", { detail: "path escapes", field: "path" }).fields).toEqual({ path: ["path escapes"] });
  });

  it("falls back to the status for a body that is not JSON", () => {
    expect(errorFromResponse(502, "Bad Gateway", null).message).toBe("The server answered 502 Bad Gateway.");
  });

  it("flattens only strings and lists of strings", () => {
    expect(flattenFieldErrors({ a: "x", b: [1], c: { d: ["y"] } })).toEqual({ a: ["x"], "c.d": ["y"] });
  });
});
